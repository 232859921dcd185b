"""The outbox: enqueue once per key, one claimer per item, leases expire, retries back off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from monitor.retry import MAX_WAIT_SECONDS
from monitor.settings import Settings
from monitor.storage import models as m
from responders.outbox import dispatch
from responders.outbox.dispatch import SendOutcome, process_due
from responders.outbox.queue import claim_due, enqueue, mark_failed

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_enqueue_is_idempotent_per_key(factory: sessionmaker[Session]) -> None:
    with factory() as session, session.begin():
        first = enqueue(session, "email", "alert:1", {"n": 1})
        second = enqueue(session, "email", "alert:1", {"n": 2})
    assert first == second
    with factory() as session:
        (item,) = session.scalars(select(m.OutboxItem)).all()
    assert item.payload == {"n": 1}


def test_an_item_is_claimed_by_one_worker_until_its_lease_expires(
    factory: sessionmaker[Session],
) -> None:
    with factory() as session, session.begin():
        enqueue(session, "email", "alert:1", {}, now=T0)
    with factory() as session, session.begin():
        assert [i.lease_owner for i in claim_due(session, "w1", now=T0)] == ["w1"]
    with factory() as session, session.begin():
        assert claim_due(session, "w2", now=T0 + timedelta(seconds=60)) == []
    with factory() as session, session.begin():
        # w1 died: after the lease, w2 takes the item over (and the sender reconciles).
        (item,) = claim_due(session, "w2", now=T0 + timedelta(minutes=5))
        assert (item.lease_owner, item.attempts) == ("w2", 2)


def test_failures_back_off_and_the_last_try_is_dead(factory: sessionmaker[Session]) -> None:
    with factory() as session, session.begin():
        enqueue(session, "email", "alert:1", {}, max_attempts=2, now=T0)
    states = []
    now = T0
    for _ in range(2):
        with factory() as session, session.begin():
            (item,) = claim_due(session, "w1", now=now)
            mark_failed(session, item, "connection refused", now, retry_after=90)
            states.append((item.state, item.next_attempt_at - now >= timedelta(seconds=90)))
            now = item.next_attempt_at
    assert states == [("pending", True), ("dead", False)]


@pytest.mark.parametrize("asked", [1e12, float("inf"), float("nan"), -30.0])
def test_a_wait_the_platform_asked_for_is_made_safe(
    factory: sessionmaker[Session], asked: float
) -> None:
    with factory() as session, session.begin():
        enqueue(session, "email", "alert:1", {}, max_attempts=3, now=T0)
    with factory() as session, session.begin():
        (item,) = claim_due(session, "w1", now=T0)
        mark_failed(session, item, "429", T0, retry_after=asked)
        waited = (item.next_attempt_at - T0).total_seconds()
    assert item.state == "pending" and 0 < waited <= MAX_WAIT_SECONDS


@pytest.fixture
def fake_sender(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    sent: list[int] = []

    def send(settings: Settings, session: Session, item: m.OutboxItem) -> SendOutcome:
        if item.payload.get("fail"):
            return SendOutcome(ok=False, error="SMTP 451 try later", retry_after=30)
        if item.payload.get("crash"):
            raise ValueError("bug")
        sent.append(item.id)
        return SendOutcome(ok=True, result={"message_id": f"<{item.id}@test>"})

    monkeypatch.setitem(dispatch.SENDERS, "email", send)
    return sent


def test_process_due_sends_retries_and_survives_a_crashing_sender(
    settings: Settings, factory: sessionmaker[Session], fake_sender: list[int]
) -> None:
    payloads: list[dict[str, Any]] = [{}, {"fail": True}, {"crash": True}]
    with factory() as session, session.begin():
        ids = [enqueue(session, "email", f"k{i}", p) for i, p in enumerate(payloads)]
    done = dict(process_due(settings, factory, "w1", kinds=("email",)))
    assert done == {ids[0]: "sent", ids[1]: "pending", ids[2]: "pending"}
    assert fake_sender == [ids[0]]
    with factory() as session:
        crashed = session.get(m.OutboxItem, ids[2])
        assert crashed is not None and "internal error: ValueError" in crashed.last_error
    assert process_due(settings, factory, "w1", kinds=("email",)) == []  # nothing due yet


def test_an_item_whose_write_fails_does_not_stop_the_batch(
    settings: Settings, factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The broken item goes back to pending (its retry reconciles); the others are sent."""
    sent: list[int] = []

    def send(settings: Settings, session: Session, item: m.OutboxItem) -> SendOutcome:
        if item.payload.get("break"):
            # A write that cannot land: a second row with the same idempotency key.
            session.add(m.OutboxItem(kind="email", idempotency_key="k0", payload={}, result={}))
        sent.append(item.id)
        return SendOutcome(ok=True, result={"message_id": f"<{item.id}@test>"})

    monkeypatch.setitem(dispatch.SENDERS, "email", send)
    payloads: list[dict[str, Any]] = [{}, {"break": True}, {}]
    with factory() as session, session.begin():
        ids = [enqueue(session, "email", f"k{i}", p) for i, p in enumerate(payloads)]

    done = dict(process_due(settings, factory, "w1", kinds=("email",)))

    assert done == {ids[0]: "sent", ids[1]: "pending", ids[2]: "sent"}
    assert sent == ids  # the item after the broken one was still sent
    with factory() as session:
        broken = session.get_one(m.OutboxItem, ids[1])
        assert (broken.lease_owner, broken.lease_until, broken.attempts) == ("", None, 1)
        assert "internal error: IntegrityError" in broken.last_error
        assert session.scalars(select(m.OutboxItem.state)).all().count("sent") == 2


def test_an_item_taken_over_between_claim_and_send_is_left_alone(
    settings: Settings,
    factory: sessionmaker[Session],
    fake_sender: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with factory() as session, session.begin():
        enqueue(session, "email", "k0", {})
    real_claim = dispatch.claim_due

    def claim_then_lose(session: Session, worker: str, *args: Any) -> list[m.OutboxItem]:
        claimed = real_claim(session, worker, *args)
        session.execute(update(m.OutboxItem).values(lease_owner="w2"))  # w2 took it over
        return claimed

    monkeypatch.setattr(dispatch, "claim_due", claim_then_lose)
    assert process_due(settings, factory, "w1", kinds=("email",)) == []
    assert fake_sender == []
