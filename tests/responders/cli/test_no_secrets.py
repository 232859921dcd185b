"""No command prints or logs a secret: database URLs, SMTP logins, Reddit and X credentials."""

from __future__ import annotations

import io
import json
import logging
import smtplib
from email.message import EmailMessage

import pytest
from typer.testing import CliRunner

from monitor.secrets import install_secret_filter
from monitor.settings import SmtpSettings
from monitor.sources.base import SourceError
from monitor.sources.x import XOptions, XSource, build_client
from responders.cli import app, load_commands
from responders.outbox.email import deliver
from tests.fakes.clients import RewriteAdapter
from tests.fakes.http_server import json_reply, serving
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


REDDIT_SECRET = "reddit-client-secret-7781"
REDDIT_PASSWORD = "reddit-account-pw-7782"
X_TOKEN = "x-bearer-token-7783"


def test_a_refused_reddit_token_is_reported_without_the_secret(
    tmp_path, db_url, monkeypatch, caplog
):
    monkeypatch.setenv("MAKEGOOD_REDDIT_CLIENT_ID", "client-id")
    monkeypatch.setenv("MAKEGOOD_REDDIT_CLIENT_SECRET", REDDIT_SECRET)
    monkeypatch.setenv("MAKEGOOD_REDDIT_USERNAME", "kettlebird")
    monkeypatch.setenv("MAKEGOOD_REDDIT_PASSWORD", REDDIT_PASSWORD)
    monkeypatch.setenv("MAKEGOOD_DATABASE_URL", db_url)
    caplog.set_level(logging.DEBUG)
    with serving() as server:
        server.fault(json_reply({"error": "invalid_grant"}, status=401))
        config = tmp_path / "makegood.toml"
        config.write_text(
            '[[brands]]\nname = "Kettlebird"\nkeywords = ["kettlebird"]\n'
            '[[brands.channels]]\ntype = "reddit"\nname = "main"\n'
            f'oauth_url = "{server.url}"\nreddit_url = "{server.url}"\n',
            encoding="utf-8",
        )
        polled = runner.invoke(app, ["poll", "--config", str(config)])
        checked = runner.invoke(app, ["check", "--config", str(config), "--online"])
        assert server.calls("/api/v1/access_token")  # the token was really asked for
    assert polled.exit_code == 1 and checked.exit_code == 1
    assert json.loads(polled.stdout.splitlines()[0])["error"]
    for secret in (REDDIT_SECRET, REDDIT_PASSWORD):
        for text in (polled.output, polled.stderr, checked.output, caplog.text):
            assert secret not in text


def test_a_refused_x_token_is_logged_without_the_token(monkeypatch):
    monkeypatch.setenv("MAKEGOOD_X_BEARER_TOKEN", X_TOKEN)
    logger, stream = _filtered_logger("test.secrets.x")
    with serving() as server:
        server.fault(json_reply({"title": "Unauthorized", "status": 401}, status=401))
        opts = XOptions(timeout_seconds=1.0, mentions=False)
        client = build_client(opts, "t:x:default", adapter=RewriteAdapter(server.url))
        source = XSource("t:x:default", client, opts, "kettlebird", {"kettlebird"})
        with pytest.raises(SourceError) as caught:
            source.poll({})
        assert server.calls()[0].headers.get("authorization") == f"Bearer {X_TOKEN}"
    logger.error("x failed: %s (with %s)", caught.value, X_TOKEN)
    assert X_TOKEN not in str(caught.value) and X_TOKEN not in stream.getvalue()
