"""The ids a log line carries (request, channel, brand, case): context variables set where known.

`bound(channel=..., brand=...)` sets them for a block (a poll job, a web request, a case page);
`ContextFilter` copies the current ones onto every log record, so the JSON formatter
(monitor.log_format) writes them as fields. Context variables follow threads started with a
copied context and asyncio tasks, so a request's id stays with that request.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

FIELDS = ("request_id", "channel", "brand", "case_id")
_VARS: dict[str, ContextVar[str]] = {
    name: ContextVar(f"makegood_{name}", default="") for name in FIELDS
}


def current() -> dict[str, str]:
    """The ids set in this context (only those that are set)."""
    return {name: var.get() for name, var in _VARS.items() if var.get()}


def bind(**ids: object) -> list[Token[str]]:
    """Set some of the ids (FIELDS) until `unbind`; an empty or None value is skipped."""
    unknown = set(ids) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown log context fields: {sorted(unknown)} (known: {FIELDS})")
    return [_VARS[name].set(str(value)) for name, value in ids.items() if value not in ("", None)]


def unbind(tokens: list[Token[str]]) -> None:
    """Restore the ids `bind` replaced (in reverse order)."""
    for token in reversed(tokens):
        token.var.reset(token)


@contextmanager
def bound(**ids: object) -> Iterator[None]:
    """Carry these ids on every log line written inside the block."""
    tokens = bind(**ids)
    try:
        yield
    finally:
        unbind(tokens)


class ContextFilter(logging.Filter):
    """A handler filter putting the current ids on each record (as attributes); never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Attach the ids set in this context, unless the call site gave its own."""
        for name, value in current().items():
            if not getattr(record, name, ""):
                setattr(record, name, value)
        return True
