"""Leases: one holder at a time, renewal by the holder, takeover after expiry, done recently."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from monitor import leases
from monitor.storage import models as m
from monitor.storage.engine import transaction

T0 = datetime(2026, 11, 13, 12, 0, tzinfo=UTC)


def acquire(factory: sessionmaker[Session], owner: str, at: datetime, **kw: object) -> bool:
    with transaction(factory) as session:
        return leases.try_acquire(session, "poll:x", owner, 60, at, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("second_owner", "after_seconds", "expected"),
    [
        ("b", 10, False),  # held by a live owner
        ("a", 10, True),  # the holder renews its own lease
        ("b", 61, True),  # expired: a dead worker's lease is taken over
    ],
)
def test_one_holder_until_expiry(
    factory: sessionmaker[Session], second_owner: str, after_seconds: int, expected: bool
) -> None:
    assert acquire(factory, "a", T0)
    assert acquire(factory, second_owner, T0 + timedelta(seconds=after_seconds)) is expected


def test_release_frees_the_lease_and_stamps_done(factory: sessionmaker[Session]) -> None:
    assert acquire(factory, "a", T0)
    with transaction(factory) as session:
        assert leases.release(session, "poll:x", "a", T0 + timedelta(seconds=5))
        assert leases.holder(session, "poll:x", T0) == ""
    # Done 5 s after T0: a worker asking "not done since T0" skips, an older bound does not.
    assert not acquire(factory, "b", T0 + timedelta(seconds=6), not_done_since=T0)
    assert acquire(factory, "b", T0 + timedelta(seconds=6), not_done_since=T0 + timedelta(10))


def test_release_by_a_non_holder_changes_nothing(factory: sessionmaker[Session]) -> None:
    assert acquire(factory, "a", T0)
    with transaction(factory) as session:
        assert not leases.release(session, "poll:x", "b", T0)
        assert leases.holder(session, "poll:x", T0) == "a"


def test_renew_fails_once_taken_over(factory: sessionmaker[Session]) -> None:
    assert acquire(factory, "a", T0)
    assert acquire(factory, "b", T0 + timedelta(seconds=61))
    with transaction(factory) as session:
        assert not leases.renew(session, "poll:x", "a", 60, T0 + timedelta(seconds=62))
        assert leases.renew(session, "poll:x", "b", 60, T0 + timedelta(seconds=62))


def test_concurrent_claimers_exactly_one_wins(factory: sessionmaker[Session]) -> None:
    winners: list[str] = []
    barrier = threading.Barrier(6)

    def claim(owner: str) -> None:
        barrier.wait()
        if acquire(factory, owner, T0):
            winners.append(owner)

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(winners) == 1


def test_held_runs_the_block_once_and_stamps_it_done_even_when_it_fails(
    factory: sessionmaker[Session],
) -> None:
    with leases.held(factory, "job", "a", 60, T0) as mine:
        assert mine
        with leases.held(factory, "job", "b", 60, T0) as theirs:
            assert not theirs  # a holds it: b does not run, and releases nothing
        with transaction(factory) as session:
            assert leases.holder(session, "job", T0) == "a"
    with pytest.raises(RuntimeError), leases.held(factory, "job", "b", 60, T0) as mine:
        assert mine
        raise RuntimeError("the job failed")
    with transaction(factory) as session:
        assert leases.holder(session, "job", T0) == ""  # released despite the failure
        row = session.get(m.Lease, "job")
        assert row is not None and row.last_done_at is not None


def test_held_with_not_done_since_skips_a_job_done_recently(
    factory: sessionmaker[Session],
) -> None:
    with leases.held(factory, "poll:x", "a", 60, T0) as mine:
        assert mine
    later = datetime.now(UTC) + timedelta(seconds=1)
    with leases.held(factory, "poll:x", "b", 60, later, not_done_since=T0) as mine:
        assert not mine  # done after T0 (by a): b skips
    with leases.held(factory, "poll:x", "b", 60, later, not_done_since=later) as mine:
        assert mine
