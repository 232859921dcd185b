"""When a report or export starts: '2026-01-31', an ISO time, or '7d' / '12h' ago (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from responders.results import Result

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # reports reach no further back than this
MAX_BACK = timedelta(days=36_500)
EXPECTED = "expected a date like 2026-01-31, a time, or 7d / 12h"


def parse_when(value: str | None, now: datetime) -> Result[datetime]:
    """The moment `value` names, as UTC; an empty value is a success with no value."""
    value = (value or "").strip()
    if not value:
        return Result.success(None)
    if value[-1:] in ("d", "h") and value[:-1].isdigit() and len(value) <= 9:
        back = timedelta(**{"days" if value[-1] == "d" else "hours": int(value[:-1])})
        if back > MAX_BACK:
            return Result.failure(f"at most {MAX_BACK.days}d back, not {value!r}")
        return Result.success(now - back)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return Result.failure(f"{EXPECTED}, not {value[:40]!r}")
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if not EARLIEST <= parsed <= now + timedelta(days=366):
        return Result.failure(f"{value[:40]!r} is out of range (2000-01-01 to a year from now)")
    return Result.success(parsed)
