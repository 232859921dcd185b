"""No secret is printed or logged: URL passwords, credential values, SMTP logins, driver errors."""

from __future__ import annotations

import io
import logging

import pytest

from monitor.secrets import (
    SecretFilter,
    install_secret_filter,
    is_password_parameter,
    mask,
    secret_values,
)
from monitor.storage.engine import display_url, redact

PASSWORD = "hunter2-in-user"
QUERY_PASSWORD = "qs3cret-in-query"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://bob:hunter2@db:5432/app", "postgresql://bob:***@db:5432/app"),
        ("postgresql://bob@db/app?password=qsecret", "postgresql://bob@db/app?password=***"),
        (
            "postgresql+psycopg://bob:a%40b@db/app?sslmode=require&password=q%26s",
            "postgresql+psycopg://bob:***@db/app?password=***&sslmode=require",
        ),
        ("sqlite:///data/makegood.db", "sqlite:///data/makegood.db"),
        ("::not a url::", "(an unreadable database URL)"),
    ],
)
def test_display_url_masks_the_user_part_and_the_query_password(url, shown):
    assert display_url(url) == shown


def test_redact_masks_a_driver_message_that_echoes_both_passwords():
    url = f"postgresql://bob:{PASSWORD}@db/app?password={QUERY_PASSWORD}"
    echoed = f'connection to {url} failed: password "{PASSWORD}" / {QUERY_PASSWORD} refused'
    text = redact(echoed, url)
    assert PASSWORD not in text and QUERY_PASSWORD not in text
    assert "bob:***@db/app?password=***" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "dsn host=db user=bob password=pw123 dbname=x",
            "dsn host=db user=bob password=*** dbname=x",
        ),
        ("https://u:tok@example.test/x", "https://u:***@example.test/x"),
        ("no secrets here: 10:30 http://a.test/b", "no secrets here: 10:30 http://a.test/b"),
    ],
)
def test_mask_hides_url_and_connection_string_passwords(text, expected):
    assert mask(text) == expected


def test_secret_values_come_from_credential_variables_only():
    environ = {
        "MAKEGOOD_X_BEARER_TOKEN": "bearer-abc-123",
        "MAKEGOOD_REDDIT_CLIENT_SECRET": "reddit/secret+1",
        "MAKEGOOD_DATABASE_URL": f"postgresql://bob:{PASSWORD}@db/app",
        "MAKEGOOD_CONFIG": "config/makegood.toml",  # not a secret
        "MAKEGOOD_SMTP_PASSWORD": "on",  # too short to mask by value
    }
    values = secret_values(environ)
    assert {"bearer-abc-123", "reddit/secret+1", "reddit%2Fsecret%2B1", PASSWORD} <= values
    assert "config/makegood.toml" not in values and "on" not in values


def _filtered_logger(name: str) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    logger = logging.getLogger(name)
    logger.handlers[:] = [logging.StreamHandler(stream)]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    install_secret_filter(logger)
    return logger, stream


def test_log_records_and_tracebacks_have_environment_secrets_masked(monkeypatch):
    monkeypatch.setenv("MAKEGOOD_X_BEARER_TOKEN", "x-bearer-token-42")
    monkeypatch.setenv("MAKEGOOD_REDDIT_CLIENT_SECRET", "reddit-secret-77")
    logger, stream = _filtered_logger("test.secrets.env")
    logger.debug("GET /2/tweets headers={'Authorization': 'Bearer %s'}", "x-bearer-token-42")
    try:
        raise RuntimeError("token endpoint refused client reddit-secret-77")
    except RuntimeError:
        logger.exception("reddit: token failed for postgresql://u:%s@db/x", PASSWORD)
    text = stream.getvalue()
    for secret in ("x-bearer-token-42", "reddit-secret-77", PASSWORD):
        assert secret not in text
    assert "Bearer ***" in text and "RuntimeError" in text and "u:***@db" in text


def test_the_filter_never_drops_a_record():
    record = logging.LogRecord("n", logging.INFO, __file__, 1, "plain %s", ("text",), None)
    assert SecretFilter(secrets=["zzzz"]).filter(record) is True
    assert record.getMessage() == "plain text"


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("password", True),
        ("PASSWORD", True),
        ("sslpassword", True),
        ("passwd", True),
        ("pwd", True),
        ("db_password", True),
        ("user", False),
        ("sslmode", False),
        ("password_file_path_hint", True),  # says "password": masked rather than risk it
    ],
)
def test_a_password_parameter_is_known_by_its_name(name: str, secret: bool) -> None:
    assert is_password_parameter(name) is secret
