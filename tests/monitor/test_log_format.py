"""JSON log lines: one event per line, the context ids on it, secrets masked before formatting."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import threading
from contextvars import copy_context
from typing import Any

import pytest

from monitor.log_context import ContextFilter, bound, current
from monitor.log_format import JsonFormatter, logging_config
from monitor.secrets import SecretFilter

SECRET = "s3cr3t-value-for-logs"


def json_logger(name: str) -> tuple[logging.Logger, io.StringIO]:
    """A logger with the handler chain `--log-format json` builds: mask, add ids, format."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(SecretFilter({SECRET}))
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(name)
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


def events(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_an_event_carries_the_ids_bound_around_it() -> None:
    logger, stream = json_logger("test.log.ids")
    with bound(channel="acme:rss:news", brand="Acme"):
        with bound(case_id=12, request_id=""):  # an empty id is not set
            logger.info("polled %d pages", 3)
        logger.warning("after the case")
    logger.info("outside")
    first, second, third = events(stream)
    assert first["message"] == "polled 3 pages" and first["level"] == "info"
    assert first["logger"] == "test.log.ids" and first["time"].endswith("+00:00")
    assert (first["channel"], first["brand"], first["case_id"]) == ("acme:rss:news", "Acme", "12")
    assert "request_id" not in first
    assert second["channel"] == "acme:rss:news" and "case_id" not in second
    assert not {"channel", "brand", "case_id", "request_id"} & set(third)
    assert current() == {}


def test_a_secret_is_masked_in_the_message_and_the_traceback_on_one_line() -> None:
    logger, stream = json_logger("test.log.secret")
    try:
        raise RuntimeError(f"login failed with {SECRET}\nsecond line")
    except RuntimeError:
        logger.exception("could not log in to http://bot:%s@example.org/", SECRET)
    [event] = events(stream)
    assert stream.getvalue().count("\n") == 1  # the traceback stays inside the one line
    assert SECRET not in stream.getvalue()
    assert event["message"] == "could not log in to http://bot:***@example.org/"
    assert "RuntimeError: login failed with ***" in event["error"]


def test_an_id_given_at_the_call_site_wins_over_the_context() -> None:
    logger, stream = json_logger("test.log.extra")
    with bound(channel="from-context"):
        logger.info("explicit", extra={"channel": "from-call"})
    assert events(stream)[0]["channel"] == "from-call"


def test_ids_do_not_leak_between_threads() -> None:
    logger, stream = json_logger("test.log.threads")
    with bound(request_id="req-a"):
        other = threading.Thread(target=logger.info, args=("from a plain thread",))
        other.start()
        other.join()
        copied = threading.Thread(target=copy_context().run, args=(logger.info, "copied"))
        copied.start()
        copied.join()
    plain, carried = events(stream)
    assert "request_id" not in plain and carried["request_id"] == "req-a"


def test_an_unknown_id_is_a_mistake() -> None:
    with (
        pytest.raises(TypeError, match="unknown log context fields: \\['tenant'\\]"),
        bound(tenant=1),
    ):
        pass


def test_the_configuration_routes_uvicorn_through_the_same_handler(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MAKEGOOD_TEST_TOKEN", SECRET)  # the filter reads secrets from the env
    config = logging_config("INFO", "json")
    handler = config["handlers"]["stderr"]
    assert handler["filters"] == ["secrets", "context"]  # masked before anything else sees it
    assert config["formatters"]["main"] == {"()": "monitor.log_format.JsonFormatter"}
    assert all(
        config["loggers"][name] == {"handlers": [], "propagate": True, "level": "INFO"}
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
    )
    stream = io.StringIO()
    handler["stream"] = stream
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    try:
        logging.config.dictConfig(config)
        logging.getLogger("uvicorn.error").info("started with %s", SECRET)
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    [event] = events(stream)
    assert event == {**event, "logger": "uvicorn.error", "message": "started with ***"}
