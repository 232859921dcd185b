"""Masking secrets in text and log records: URL passwords and credential values (environment)."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus, unquote_plus

MASK = "***"
# Environment variables whose values are credentials: makegood's own names (MAKEGOOD_*_TOKEN,
# *_SECRET, *_PASSWORD, *_KEY, the database URL) and whatever a channel's *_env option names.
_SECRET_NAME = re.compile(r"(TOKEN|SECRET|PASSWORD|PASSWD|KEY|DATABASE_URL)", re.IGNORECASE)
# The password of a URL's user part: scheme://user:PASSWORD@host
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][\w+.-]*://[^\s:/@]*:)(?P<pw>[^\s@/]+)(?=@)")
# A password given as a query or connection-string parameter: ?password=..., &sslpassword=...
_PASSWORD_KEY = r"(?:ssl)?(?:password|passwd|pwd)"
_PARAM_PASSWORD = re.compile(rf"(?P<head>\b{_PASSWORD_KEY}=)(?P<pw>[^&\s'\"]+)", re.IGNORECASE)
# Values this short are not masked by value: "1" or "on" would blank out ordinary text.
_MIN_SECRET_LENGTH = 4


def is_password_parameter(name: str) -> bool:
    """Whether a URL query or connection-string parameter of this name carries a password."""
    return (
        re.fullmatch(_PASSWORD_KEY, name, re.IGNORECASE) is not None or "password" in name.lower()
    )


def mask_urls(text: str) -> str:
    """`text` with every URL user-part password and every `password=` parameter masked."""
    text = _URL_PASSWORD.sub(lambda m: m.group("head") + MASK, text)
    return _PARAM_PASSWORD.sub(lambda m: m.group("head") + MASK, text)


def secret_values(environ: dict[str, str] | None = None) -> set[str]:
    """The credential values in the environment (and their URL-encoded and URL passwords)."""
    environ = dict(os.environ if environ is None else environ)
    values: set[str] = set()
    for name, value in environ.items():
        if not value or not _SECRET_NAME.search(name):
            continue
        values.add(value)
        for match in _URL_PASSWORD.finditer(value):
            values.add(unquote_plus(match.group("pw")))
            values.add(match.group("pw"))
    forms = {form for v in values for form in (v, quote_plus(v), quote(v, safe=""))}
    return {v for v in forms if len(v) >= _MIN_SECRET_LENGTH}


def mask(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with URL passwords and each of `secrets` (longest first) replaced by ***."""
    text = mask_urls(text)
    for value in sorted(set(secrets), key=len, reverse=True):
        if value and value in text:
            text = text.replace(value, MASK)
    return text


def mask_known(text: str) -> str:
    """`text` fit to show or store: URL passwords and the environment's credentials masked.

    For error messages that reach tables, pages and JSON (a platform's error may quote the URL
    it was given, token and all); logs are masked by SecretFilter.
    """
    return mask(text, secret_values())


class SecretFilter(logging.Filter):
    """A handler filter that masks secrets in every record's message (and its traceback)."""

    def __init__(self, secrets: Iterable[str] | None = None) -> None:
        super().__init__()
        self.secrets = set(secret_values() if secrets is None else secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with secrets masked; never drops a record."""
        message = record.getMessage()
        masked = mask(message, self.secrets)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[1] is not None:
            # The formatter would print the exception text as it is: render and mask it here.
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = mask(text, self.secrets), None
        elif record.exc_text:
            record.exc_text = mask(record.exc_text, self.secrets)
        return True


def install_secret_filter(logger: logging.Logger | None = None) -> SecretFilter:
    """Put one SecretFilter on every handler of `logger` (default: the root logger)."""
    logger = logger or logging.getLogger()
    secret_filter = SecretFilter()
    for handler in logger.handlers:
        for old in [f for f in handler.filters if isinstance(f, SecretFilter)]:
            handler.removeFilter(old)
        handler.addFilter(secret_filter)
    return secret_filter
