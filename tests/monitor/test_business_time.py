"""Business time: working time and SLA due instants across weekends, holidays, DST and midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.business_time import WorkCalendar, due, parse_ranges, working_time

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC_ZONE = ZoneInfo("UTC")


def calendar(zone: ZoneInfo = BERLIN, holidays: tuple[date, ...] = (), **days: str) -> WorkCalendar:
    """A calendar from keyword days, e.g. mon="09:00-17:30"."""
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    week = tuple(parse_ranges(days[n]) if n in days else () for n in names)
    return WorkCalendar(zone, week, frozenset(holidays))


WEEKDAYS_9_TO_5 = {d: "09:00-17:00" for d in ("mon", "tue", "wed", "thu", "fri")}
OFFICE = calendar(**WEEKDAYS_9_TO_5)
OFFICE_NY = calendar(NEW_YORK, **WEEKDAYS_9_TO_5)
NIGHTS = calendar(UTC_ZONE, fri="22:00-06:00")
SPLIT = calendar(mon="09:00-12:00, 13:00-17:30", tue=["08:00-10:00"])
XMAS = calendar(holidays=(date(2026, 12, 24), date(2026, 12, 25)), **WEEKDAYS_9_TO_5)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def new_york(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- parsing ranges -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("09:00-17:30", ((540, 1050),)),
        ("13:00-17:30, 09:00-12:00", ((540, 720), (780, 1050))),
        ("22:00-06:00", ((1320, 1800),)),
        ("00:00-24:00", ((0, 1440),)),
        (["08:00-10:00", "12:00-13:00"], ((480, 600), (720, 780))),
    ],
)
def test_ranges_parse_into_minutes_after_midnight(text: str | list[str], spans: tuple) -> None:
    assert parse_ranges(text) == spans


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("9-17", "expected HH:MM-HH:MM"),
        ("09:00-09:00", "same time"),
        ("25:00-26:00", "hours are 00-23"),
        ("09:00-24:30", "hours are 00-23"),
        ("09:00-12:00, 11:00-13:00", "overlap"),
        ("09:00-12:00,", "empty range"),
    ],
)
def test_bad_ranges_say_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_ranges(text)


def test_a_week_with_no_open_day_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one open day"):
        WorkCalendar(BERLIN, ((),) * 7)


# --- the table: due instants ----------------------------------------------------------------------

DUE_CASES = [
    # (calendar, start, SLA, due, why)
    (OFFICE, berlin(2026, 3, 2, 10), timedelta(hours=1), berlin(2026, 3, 2, 11), "inside hours"),
    (OFFICE, berlin(2026, 3, 2, 7), timedelta(hours=1), berlin(2026, 3, 2, 10), "before opening"),
    (
        OFFICE,
        berlin(2026, 3, 2, 16, 30),
        timedelta(hours=1),
        berlin(2026, 3, 3, 9, 30),
        "overnight",
    ),
    (OFFICE, berlin(2026, 3, 6, 16), timedelta(hours=2), berlin(2026, 3, 9, 10), "over a weekend"),
    (
        OFFICE,
        berlin(2026, 3, 7, 12),
        timedelta(minutes=60),
        berlin(2026, 3, 9, 10),
        "posted Saturday",
    ),
    (OFFICE, berlin(2026, 3, 2, 17), timedelta(hours=8), berlin(2026, 3, 3, 17), "exactly a day"),
    (OFFICE, berlin(2026, 3, 2, 12), timedelta(0), berlin(2026, 3, 2, 12), "no SLA, no wait"),
    (XMAS, berlin(2026, 12, 23, 16), timedelta(hours=2), berlin(2026, 12, 28, 10), "two holidays"),
    (SPLIT, berlin(2026, 3, 2, 11), timedelta(hours=2), berlin(2026, 3, 2, 14), "lunch break"),
    (SPLIT, berlin(2026, 3, 2, 17), timedelta(hours=1), berlin(2026, 3, 3, 8, 30), "list form"),
    (NIGHTS, utc(2026, 3, 6, 23), timedelta(hours=5), utc(2026, 3, 7, 4), "past midnight"),
    (NIGHTS, utc(2026, 3, 7, 5), timedelta(hours=2), utc(2026, 3, 13, 23), "next Friday night"),
    # Berlin springs forward on 29 March 2026 (02:00 -> 03:00): a Sunday, so look at 9-to-5 over
    # it, and at New York, which springs forward on Sunday 8 March.
    (OFFICE, berlin(2026, 3, 27, 16), timedelta(hours=2), berlin(2026, 3, 30, 10), "over DST"),
    (OFFICE_NY, new_york(2026, 3, 6, 16), timedelta(hours=2), new_york(2026, 3, 9, 10), "NY DST"),
    (None, utc(2026, 3, 6, 16), timedelta(hours=2), utc(2026, 3, 6, 18), "no hours: wall clock"),
]


@pytest.mark.parametrize(
    ("cal", "start", "sla", "expected"),
    [c[:4] for c in DUE_CASES],
    ids=[c[4] for c in DUE_CASES],
)
def test_due_instants(cal: WorkCalendar | None, start: datetime, sla: timedelta, expected) -> None:
    assert due(cal, start, sla) == expected


def test_a_dst_week_keeps_its_local_hours() -> None:
    """The wall-clock day is 23 h on the spring Sunday; a round-the-clock calendar counts 23 h."""
    always = calendar(sun="00:00-24:00")
    assert working_time(always, berlin(2026, 3, 29), berlin(2026, 3, 30)) == timedelta(hours=23)
    assert working_time(always, berlin(2026, 10, 25), berlin(2026, 10, 26)) == timedelta(hours=25)


WORK_CASES = [
    (OFFICE, berlin(2026, 3, 6, 16), berlin(2026, 3, 9, 10), timedelta(hours=2), "weekend"),
    (OFFICE, berlin(2026, 3, 2, 18), berlin(2026, 3, 3, 8), timedelta(0), "all night closed"),
    (XMAS, berlin(2026, 12, 23), berlin(2026, 12, 29), timedelta(hours=16), "holidays"),
    (NIGHTS, utc(2026, 3, 6), utc(2026, 3, 8), timedelta(hours=8), "one night shift"),
    (OFFICE, berlin(2026, 3, 3), berlin(2026, 3, 2), timedelta(0), "end before start"),
    (None, utc(2026, 3, 6), utc(2026, 3, 8), timedelta(days=2), "no hours"),
]


@pytest.mark.parametrize(
    ("cal", "start", "end", "expected"),
    [c[:4] for c in WORK_CASES],
    ids=[c[4] for c in WORK_CASES],
)
def test_working_time(cal: WorkCalendar | None, start: datetime, end: datetime, expected) -> None:
    assert working_time(cal, start, end) == expected


def test_a_holiday_closes_the_night_shift_that_starts_on_it() -> None:
    off = calendar(UTC_ZONE, holidays=(date(2026, 3, 6),), fri="22:00-06:00")
    assert working_time(off, utc(2026, 3, 6), utc(2026, 3, 8)) == timedelta(0)


def test_a_negative_duration_is_an_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        due(OFFICE, berlin(2026, 3, 2), timedelta(minutes=-1))


# --- properties -----------------------------------------------------------------------------------

ZONES = st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"])
SPAN = st.tuples(st.integers(0, 23 * 60 + 59), st.integers(1, 16 * 60))


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    """Random weeks: 0-2 ranges a day (some past midnight), one day open at least, holidays."""
    week = []
    for _ in range(7):
        starts = sorted(draw(st.lists(st.integers(0, 23 * 60 + 59), max_size=2, unique=True)))
        spans = []
        for i, start in enumerate(starts):
            limit = (starts[i + 1] if i + 1 < len(starts) else start + 16 * 60) - start
            length = draw(st.integers(min(30, limit), min(limit, 16 * 60)))
            spans.append((start, start + length))
        week.append(tuple(spans))
    if not any(week):
        week[draw(st.integers(0, 6))] = ((540, 1020),)
    base = date(2026, 1, 1)
    holidays = draw(
        st.lists(st.integers(0, 400).map(lambda d: base + timedelta(days=d)), max_size=8)
    )
    return WorkCalendar(ZoneInfo(draw(ZONES)), tuple(week), frozenset(holidays))


INSTANTS = st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)
DURATIONS = st.integers(0, 2 * 24 * 60 * 60).map(lambda s: timedelta(seconds=s))
MAYBE_CALENDAR = st.one_of(st.none(), calendars())


@settings(max_examples=60, deadline=None)
@given(cal=MAYBE_CALENDAR, start=INSTANTS, a=DURATIONS, b=DURATIONS)
def test_due_is_additive(cal: WorkCalendar | None, start: datetime, a, b) -> None:
    assert due(cal, start, a + b) == due(cal, due(cal, start, a), b)


@settings(max_examples=60, deadline=None)
@given(cal=MAYBE_CALENDAR, start=INSTANTS, a=DURATIONS, b=DURATIONS)
def test_due_is_monotonic_and_never_early(cal: WorkCalendar | None, start: datetime, a, b) -> None:
    short, long = sorted((a, b))
    assert start + short <= due(cal, start, short) <= due(cal, start, long)


@settings(max_examples=60, deadline=None)
@given(cal=MAYBE_CALENDAR, start=INSTANTS, sla=DURATIONS)
def test_working_time_until_due_is_the_sla(cal: WorkCalendar | None, start: datetime, sla) -> None:
    assert working_time(cal, start, due(cal, start, sla)) == sla


@settings(max_examples=60, deadline=None)
@given(cal=MAYBE_CALENDAR, a=INSTANTS, b=INSTANTS, c=INSTANTS)
def test_working_time_adds_up_and_never_exceeds_the_wall_clock(cal, a, b, c) -> None:
    first, middle, last = sorted((a, b, c))
    whole = working_time(cal, first, last)
    assert whole == working_time(cal, first, middle) + working_time(cal, middle, last)
    assert timedelta(0) <= whole <= last - first


@settings(deadline=None)
@given(start=INSTANTS, sla=DURATIONS)
def test_without_hours_business_time_is_wall_clock(start: datetime, sla: timedelta) -> None:
    assert due(None, start, sla) == start + sla
    assert working_time(None, start, start + sla) == sla
