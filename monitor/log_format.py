"""Log output for machines: one JSON object per line, and the logging configuration using it.

`logging_config(level, "json")` is a dictConfig document: one stderr handler whose filters mask
secrets (monitor.secrets.SecretFilter, before anything is formatted) and add the context ids
(monitor.log_context); uvicorn's loggers hand their records to it too. The same document
configures `makegood serve`'s worker processes, which uvicorn starts afresh.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any, Literal

from monitor.log_context import FIELDS

LogFormat = Literal["text", "json"]
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON: time, level, logger, message, the context ids, the error."""

    def format(self, record: logging.LogRecord) -> str:
        """Render `record` (its message already masked by the SecretFilter) as JSON, one line."""
        event: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, "")
            if value:
                event[name] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            event["error"] = record.exc_text
        # json.dumps escapes newlines inside strings: a traceback stays on its line.
        return json.dumps(event, ensure_ascii=False, default=str)


def logging_config(level: str = "INFO", log_format: LogFormat = "text") -> dict[str, Any]:
    """The dictConfig document: stderr, secrets masked, ids attached, text or JSON lines."""
    formatter: dict[str, Any] = (
        {"()": "monitor.log_format.JsonFormatter"}
        if log_format == "json"
        else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": formatter},
        "filters": {
            # Order matters: mask first, so no formatter ever sees an unmasked message.
            "secrets": {"()": "monitor.secrets.SecretFilter"},
            "context": {"()": "monitor.log_context.ContextFilter"},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "main",
                "filters": ["secrets", "context"],
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
        # uvicorn's own loggers: no handlers of their own, their records go to the root's.
        "loggers": {
            name: {"handlers": [], "propagate": True, "level": level}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }
