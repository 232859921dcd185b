"""Business time: working time between two instants and the due instant of an SLA, per calendar.

A `WorkCalendar` is a brand's working week (ranges per weekday, local to its time zone, a range
may run past midnight), less its holidays. Everything here is pure: instants in, instants out.
`None` for a calendar means "no hours set": business time is wall-clock time.

The rules, so the figures agree everywhere:
- a range belongs to the day it starts on; a holiday closes the ranges that start on it;
- local times are turned into instants by the zone's rules (a DST gap or fold moves a range's
  edge by the shift, as a wall clock would);
- `due(start, d)` is the earliest instant by which `d` of working time has passed since `start`,
  so `due(start, 0) == start` and `due(start, a + b) == due(due(start, a), b)`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60
_RANGE = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")

# A range as minutes after local midnight: (start, end); end > start, end <= 2 days' minutes
# (end beyond 24:00 is the next morning).
Span = tuple[int, int]


def parse_ranges(value: str | list[str]) -> tuple[Span, ...]:
    """Parse "09:00-12:00, 13:00-17:30" (or a list of such) into sorted spans; ValueError if bad.

    "22:00-06:00" runs past midnight into the next morning; "00:00-24:00" is the whole day.
    """
    parts = value if isinstance(value, list) else value.split(",")
    spans: list[Span] = []
    for part in (p.strip() for p in parts):
        if not part:
            raise ValueError("an empty range (expected HH:MM-HH:MM, e.g. 09:00-17:30)")
        match = _RANGE.fullmatch(part)
        if not match:
            raise ValueError(f"{part!r}: expected HH:MM-HH:MM, e.g. 09:00-17:30")
        start_h, start_m, end_h, end_m = (int(g) for g in match.groups())
        if start_h > 23 or max(start_m, end_m) > 59 or end_h > 24 or (end_h == 24 and end_m):
            raise ValueError(f"{part!r}: hours are 00-23 (24:00 ends a day), minutes 00-59")
        start, end = start_h * 60 + start_m, end_h * 60 + end_m
        if start == end:
            raise ValueError(f"{part!r}: starts and ends at the same time")
        spans.append((start, end if end > start else end + DAY_MINUTES))
    spans.sort()
    for (_, end), (start, _) in pairwise(spans):
        if start < end:
            raise ValueError(f"{value!r}: the ranges overlap")
    return tuple(spans)


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """A working week in a time zone, less holidays. `week[0]` is Monday's spans."""

    zone: ZoneInfo
    week: tuple[tuple[Span, ...], ...]
    holidays: frozenset[date] = frozenset()
    _days: dict[date, tuple[tuple[datetime, datetime], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValueError("a working week has seven days")
        if not any(self.week):
            raise ValueError("a working week needs at least one open day")

    def intervals(self, since: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The working intervals (UTC, in order, merged) that end after `since`, without end."""
        # Start a day early: yesterday's range may run past midnight into today.
        day = since.astimezone(self.zone).date() - timedelta(days=1)
        current: tuple[datetime, datetime] | None = None
        while True:
            for start, end in _day_instants(self, day):
                if end <= since:
                    continue
                if current is not None and start <= current[1]:
                    current = (current[0], max(current[1], end))
                    continue
                if current is not None:
                    yield current
                current = (start, end)
            day += timedelta(days=1)


def _day_instants(calendar: WorkCalendar, day: date) -> tuple[tuple[datetime, datetime], ...]:
    """The instants of the ranges that start on local date `day` (none on a holiday)."""
    # The queue reads the clocks of 50 cases a page with one calendar: the days repeat.
    cached = calendar._days.get(day)
    if cached is not None:
        return cached
    if day in calendar.holidays:
        calendar._days[day] = ()
        return ()
    midnight = datetime.combine(day, time(0))
    out = []
    for start, end in calendar.week[day.weekday()]:
        local_start = _local(midnight, start, calendar.zone)
        local_end = _local(midnight, end, calendar.zone)
        if local_end > local_start:  # a DST gap can swallow a short range whole
            out.append((local_start, local_end))
    calendar._days[day] = tuple(out)
    return calendar._days[day]


def _local(midnight: datetime, minutes: int, zone: ZoneInfo) -> datetime:
    """Local midnight + minutes as wall-clock time in `zone`, as a UTC instant."""
    wall = midnight + timedelta(minutes=minutes)
    return wall.replace(tzinfo=zone).astimezone(UTC)


def working_time(calendar: WorkCalendar | None, start: datetime, end: datetime) -> timedelta:
    """Working time in [start, end) (wall-clock without a calendar); zero when end <= start."""
    if end <= start:
        return timedelta(0)
    if calendar is None:
        return end - start
    total = timedelta(0)
    for open_at, close_at in calendar.intervals(start):
        if open_at >= end:
            break
        total += min(close_at, end) - max(open_at, start)
    return total


def due(calendar: WorkCalendar | None, start: datetime, duration: timedelta) -> datetime:
    """The earliest instant by which `duration` of working time has passed since `start`."""
    if duration < timedelta(0):
        raise ValueError(f"a negative duration: {duration}")
    if calendar is None or not duration:
        return start + duration
    left = duration
    for open_at, close_at in calendar.intervals(start):
        begin = max(open_at, start)
        if close_at - begin >= left:
            return begin + left
        left -= close_at - begin
    raise AssertionError("unreachable: a calendar's intervals never end")  # pragma: no cover
