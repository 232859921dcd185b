"""The commands never print a database password, from the user part or a `password=` parameter."""

from __future__ import annotations

import io
import logging
import smtplib
from email.message import EmailMessage

import pytest
from typer.testing import CliRunner

from monitor.secrets import install_secret_filter
from monitor.settings import SmtpSettings
from responders.cli import app, load_commands
from responders.outbox.email import deliver
from tests.fakes.smtp import smtp_server

load_commands([])
runner = CliRunner()
EXAMPLE = "config/makegood.example.toml"
USER_PASSWORD = "pw-user-part-991"
QUERY_PASSWORD = "pw-query-param-992"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://bob:{USER_PASSWORD}@127.0.0.1:1/app",
        f"postgresql://bob@127.0.0.1:1/app?password={QUERY_PASSWORD}",
        f"postgresql://bob:{USER_PASSWORD}@127.0.0.1:1/app?password={QUERY_PASSWORD}&x=1",
        f"nosuchdriver://bob:{USER_PASSWORD}@h/app?password={QUERY_PASSWORD}",
    ],
)
@pytest.mark.parametrize("command", [["poll"], ["cases", "list"]])
def test_a_bad_database_url_is_reported_without_its_passwords(monkeypatch, caplog, url, command):
    monkeypatch.setenv("MAKEGOOD_DATABASE_URL", url)
    caplog.set_level(logging.DEBUG)
    result = runner.invoke(app, [*command, "--config", EXAMPLE])
    assert result.exit_code == 2, result.output
    shown = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "cannot open the database" in shown and "Traceback" not in shown
    for secret in (USER_PASSWORD, QUERY_PASSWORD):
        assert secret not in shown
        assert secret not in caplog.text


def _filtered_logger(name: str) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    logger = logging.getLogger(name)
    logger.handlers[:] = [logging.StreamHandler(stream)]
    logger.propagate = False
    install_secret_filter(logger)
    return logger, stream


def test_a_failing_smtp_login_logs_no_password(monkeypatch):
    monkeypatch.setenv("MAKEGOOD_SMTP_PASSWORD", "wrong-smtp-pass")
    logger, stream = _filtered_logger("test.secrets.smtp")
    with smtp_server(auth={"alerts": "right-pass"}) as server:
        smtp = SmtpSettings(
            host=server.host, port=server.port, username="alerts", allow_plain_login=True
        )
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@x.test", "b@x.test", "hi"
        with pytest.raises(smtplib.SMTPAuthenticationError) as caught:
            deliver(smtp, message, ["b@x.test"])
        logger.error("smtp: %s (password %s)", caught.value, smtp.password)
    assert "wrong-smtp-pass" not in stream.getvalue()
    assert "wrong-smtp-pass" not in str(caught.value)
