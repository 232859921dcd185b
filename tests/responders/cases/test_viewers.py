"""Who has a case open: heartbeats, the viewing window, a new visit after a gap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from responders.cases.viewers import VIEWING_WINDOW, describe, heartbeat, viewers
from tests.responders.web.seed import add_staff, seed_cases

T0 = datetime(2026, 3, 2, 10, 42, tzinfo=UTC)


def test_others_seen_within_the_window_are_listed_with_their_visits_start(
    factory: sessionmaker[Session],
) -> None:
    staff = add_staff(factory)
    (case_id,) = seed_cases(factory, [{}])
    rob, alice, vera = staff["rob"], staff["alice"], staff["vera"]
    steps: list[tuple[timedelta, int, list[str], str]] = [
        # (time after T0, who beats, whom rob sees, rob's line)
        (timedelta(0), rob, [], ""),
        (timedelta(seconds=1), alice, ["alice"], "Also viewing: alice (since 10:42)"),
        (timedelta(seconds=2), vera, ["alice", "vera"], "Also viewing: alice (since 10:42), vera"
         " (since 10:42)"),
        # alice keeps polling; vera closed her page and falls out of the window
        (VIEWING_WINDOW + timedelta(seconds=3), alice, ["alice"],
         "Also viewing: alice (since 10:42)"),
        # vera comes back two minutes later: a new visit, with its own start
        (timedelta(minutes=2), vera, ["vera"], "Also viewing: vera (since 10:44)"),
    ]  # fmt: skip
    for after, who, seen, line in steps:
        with factory() as session, session.begin():
            heartbeat(session, case_id, who, T0 + after)
        with factory() as session:
            found = viewers(session, case_id, rob, T0 + after)
            assert [v.name for v in found] == seen
            assert describe(found) == line
    with factory() as session:  # nobody sees themselves
        assert [v.name for v in viewers(session, case_id, staff["vera"], T0 + after)] == []


def test_a_heartbeat_twice_is_one_row(factory: sessionmaker[Session]) -> None:
    from sqlalchemy import func, select

    from monitor.storage import models as m

    staff = add_staff(factory)
    (case_id,) = seed_cases(factory, [{}])
    for seconds in (0, 1, 1):
        with factory() as session, session.begin():
            heartbeat(session, case_id, staff["rob"], T0 + timedelta(seconds=seconds))
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(m.CaseViewer)) == 1


def test_a_late_heartbeat_never_moves_last_seen_back(factory: sessionmaker[Session]) -> None:
    from sqlalchemy import select

    from monitor.storage import models as m

    staff = add_staff(factory)
    (case_id,) = seed_cases(factory, [{}])
    for seconds in (5, 2):  # two tabs: the later-timed poll lands first
        with factory() as session, session.begin():
            heartbeat(session, case_id, staff["rob"], T0 + timedelta(seconds=seconds))
    with factory() as session:
        row = session.scalars(select(m.CaseViewer)).one()
        assert (row.first_seen, row.last_seen) == (T0 + timedelta(seconds=5),) * 2
