"""Outgoing webhooks against a real local receiver: signatures, event filters, retries, events."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.events import EVENT_TYPES, UnknownEvent, emit
from monitor.jobs.incidents import watch_brand
from monitor.mention import Mention, utcnow
from monitor.settings import Settings
from monitor.storage import models as m
from responders.cases import actions as cases
from responders.cases import lifecycle
from responders.outbox.dispatch import process_due
from responders.outbox.endpoints import add_endpoint, deliveries, set_active
from responders.outbox.replies import record_manual_reply
from responders.outbox.signing import signature, signature_header, verify
from tests.conftest import make_settings
from tests.fakes.http_server import FakeServer, Recorded, json_reply, server_error, serving
from tests.fakes.pipeline import ingest
from tests.fakes.seed import add_user
from tests.responders.alerts.helpers import complaint

NOW = datetime(2026, 11, 13, 12, 0, tzinfo=UTC)
SECRET = "whsec_test_secret_for_the_receiver"


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """Example settings whose webhooks may reach the receiver on this machine (127.0.0.1)."""
    return make_settings(db_url, tmp_path, webhooks={"allow_internal_addresses": True})


@pytest.fixture
def receiver() -> FakeServer:
    with serving() as server:
        server.add("POST", "/events", json_reply({"received": True}))
        yield server


def register(
    factory: sessionmaker[Session], url: str, events: list[str], secret: str = SECRET
) -> int:
    with factory() as session, session.begin():
        admin = session.scalars(select(m.User).where(m.User.username == "ada")).one_or_none()
        admin = admin or add_user(session, "ada", "admin")
        endpoint = add_endpoint(session, admin, url, events, secret, allow_internal=True).value
        assert endpoint is not None
        return endpoint.id


def send_all(
    settings: Settings, factory: sessionmaker[Session], now: datetime | None = None
) -> list:
    """Send due webhooks (events are stamped with the real clock, so "due" is real time too)."""
    return process_due(settings, factory, "test-worker", kinds=("webhook",), now=now or utcnow())


DOCS = Path(__file__).resolve().parents[3] / "docs" / "webhooks.md"


def documented_verify() -> Callable[..., bool]:
    """The `verify_signature` function of docs/webhooks.md, run as the page prints it."""
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(r"```python\n(import hashlib\n.*?)```", text, re.DOTALL)
    assert match, "docs/webhooks.md has no verification snippet"
    namespace: dict[str, Any] = {}
    exec(compile(match.group(1), str(DOCS), "exec"), namespace)
    return cast(Callable[..., bool], namespace["verify_signature"])


def documented_check(post: Recorded, secret: str) -> bool:
    """The receiver's check exactly as docs/webhooks.md writes it."""
    return documented_verify()(secret, post.headers["makegood-signature"], post.body)


def test_a_new_case_is_posted_signed_with_its_event_id_as_idempotency_key(
    settings: Settings, factory: sessionmaker[Session], receiver: FakeServer
) -> None:
    register(factory, receiver.url + "/events", ["case.opened"])
    report = ingest(settings, factory, [complaint(1, NOW)], NOW)
    assert [state for _, state in send_all(settings, factory)] == ["sent"]
    [post] = receiver.calls("/events", "POST")
    assert documented_check(post, SECRET)
    assert verify(SECRET, post.headers["makegood-signature"], post.body, time.time())
    assert not documented_check(post, "whsec_some_other_secret")
    event = post.json()
    assert post.headers["idempotency-key"] == event["id"] and event["id"].startswith("evt_")
    assert post.headers["makegood-event"] == event["type"] == "case.opened"
    assert post.headers["content-type"] == "application/json"
    data = event["data"]
    assert data["case_id"] == report.cases_opened[0]
    assert (data["brand"], data["platform"], data["severity"]) == ("Kettlebird", "x", "critical")
    assert SECRET not in post.body.decode()


def test_each_endpoint_gets_only_the_event_types_it_subscribed_to(
    settings: Settings, factory: sessionmaker[Session], receiver: FakeServer
) -> None:
    cases_id = register(factory, receiver.url + "/events?who=cases", ["case.opened"])
    flags_id = register(factory, receiver.url + "/events?who=flags", ["mention.flagged"])
    register(factory, receiver.url + "/events?who=closed", ["case.closed", "incident.opened"])
    ingest(settings, factory, [complaint(1, NOW), complaint(2, NOW)], NOW)
    send_all(settings, factory)
    got = sorted((p.query["who"], p.json()["type"]) for p in receiver.calls("/events"))
    assert got == [("cases", "case.opened")] * 2 + [("flags", "mention.flagged")] * 2
    with factory() as session:
        assert [d.event_type for d in deliveries(session, cases_id)] == ["case.opened"] * 2
        flagged = deliveries(session, flags_id)
    assert {(d.state, d.attempts, d.response_code) for d in flagged} == {("sent", 1, 200)}
    body = next(p.json() for p in receiver.calls("/events") if p.query["who"] == "flags")
    assert "caught fire" in body["data"]["text"] and body["data"]["author"] in (
        "customer1",
        "customer2",
    )


def test_with_the_receiver_down_the_event_is_retried_with_the_same_body_and_key(
    settings: Settings, factory: sessionmaker[Session], receiver: FakeServer,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    caplog.set_level(logging.DEBUG)
    endpoint_id = register(factory, receiver.url + "/events", ["case.opened"])
    ingest(settings, factory, [complaint(1, NOW)], NOW)
    receiver.fault(server_error(503))
    assert [state for _, state in send_all(settings, factory)] == ["pending"]
    with factory() as session:
        [down] = deliveries(session, endpoint_id)
        item = session.scalars(select(m.OutboxItem).where(m.OutboxItem.kind == "webhook")).one()
    assert (down.state, down.attempts, down.response_code) == ("pending", 1, 503)
    assert down.last_error.startswith("the endpoint answered 503")
    assert send_all(settings, factory) == []  # backing off
    assert [state for _, state in send_all(settings, factory, item.next_attempt_at)] == ["sent"]
    assert send_all(settings, factory, item.next_attempt_at + timedelta(days=1)) == []
    first, second = receiver.calls("/events")
    assert first.body == second.body  # the same bytes, so the receiver can dedupe by key
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert documented_check(second, SECRET)
    with factory() as session:
        [back] = deliveries(session, endpoint_id)
    assert (back.state, back.attempts, back.response_code, back.last_error) == ("sent", 2, 200, "")
    assert SECRET not in caplog.text


def test_an_unreachable_endpoint_is_retried_and_named_without_its_secret(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    server = FakeServer().start()
    url = server.url + "/events"
    server.stop()  # nobody listens there now
    endpoint_id = register(factory, url, ["case.opened"])
    ingest(settings, factory, [complaint(1, NOW)], NOW)
    send_all(settings, factory)
    with factory() as session:
        [delivery] = deliveries(session, endpoint_id)
    assert delivery.state == "pending" and delivery.response_code is None
    assert "cannot reach the endpoint" in delivery.last_error and SECRET not in delivery.last_error


def test_a_disabled_endpoint_gets_no_new_events_and_its_queued_ones_stop(
    settings: Settings, factory: sessionmaker[Session], receiver: FakeServer
) -> None:
    endpoint_id = register(factory, receiver.url + "/events", ["case.opened"])
    ingest(settings, factory, [complaint(1, NOW)], NOW)
    with factory() as session, session.begin():
        admin = session.scalars(select(m.User)).one()
        assert set_active(session, admin, endpoint_id, False).ok
    assert [state for _, state in send_all(settings, factory)] == ["dead"]
    ingest(settings, factory, [complaint(2, NOW)], NOW)
    with factory() as session:
        [delivery] = deliveries(session, endpoint_id)
    assert delivery.last_error == "the endpoint was disabled"
    assert receiver.calls("/events") == []


def test_an_event_of_a_rolled_back_change_is_never_sent(
    settings: Settings, factory: sessionmaker[Session], receiver: FakeServer
) -> None:
    register(factory, receiver.url + "/events", list(EVENT_TYPES))
    with factory() as session:
        assert emit(session, "case.closed", {"case_id": 1})
        session.rollback()
    with factory() as session:
        assert session.scalars(select(m.OutboxItem)).all() == []
        with pytest.raises(UnknownEvent):
            emit(session, "case.deleted", {})


def test_staff_actions_and_the_spike_watch_emit_their_events(
    settings: Settings, factory: sessionmaker[Session], receiver: FakeServer
) -> None:
    register(factory, receiver.url + "/events", ["case.step", "reply.published", "case.closed"])
    register(factory, receiver.url + "/events?who=incidents", ["incident.opened"])
    report = ingest(settings, factory, [complaint(1, NOW)], NOW)
    with factory() as session, session.begin():
        rob = add_user(session, "rob", "approver")
        case = session.get_one(m.RecoveryCase, report.cases_opened[0])
        mention = session.get_one(m.Mention, case.first_mention_id)
        assert cases.record_step(session, case, rob, "explore", "called the customer").ok
        draft = cases.save_draft(
            session, case, mention, rob, "apology_friendly", "So sorry, we are on it."
        ).value
        assert draft is not None and cases.approve_draft(session, case, draft, rob).ok
        url = "https://x.com/kettlebird/status/99001"
        assert record_manual_reply(session, case, draft, rob, url, settings).ok
        lifecycle.seed_root_causes(session, settings.brands[0])
        assert lifecycle.set_root_cause(session, case, rob, "product defect").ok
        assert lifecycle.close_case(session, case, rob, "resolved").ok
    viral = Mention(
        platform="x", external_id="v1", text="kettlebird kettle broke again, terrible, worst ever",
        author="loud", author_id="loud", created_at=NOW - timedelta(hours=2), likes=3000,
    )  # fmt: skip
    ingest(settings, factory, [viral], NOW)
    with factory() as session, session.begin():
        [incident_id] = watch_brand(session, settings, "Kettlebird", NOW)
    send_all(settings, factory)
    events = [p.json() for p in receiver.calls("/events")]
    assert [e["type"] for e in events] == [
        "case.step", "reply.published", "case.closed", "incident.opened",
    ]  # fmt: skip
    step, published, closed, incident = (e["data"] for e in events)
    assert (step["step"], step["note"], step["by"]) == ("explore", "called the customer", "rob")
    assert published["url"] == "https://x.com/kettlebird/status/99001"
    assert (closed["outcome"], closed["root_cause"], closed["status"]) == (
        "resolved",
        "product defect",
        "closed",
    )
    assert (incident["incident_id"], incident["kind"]) == (incident_id, "viral")
    assert json.dumps(events)  # every payload is plain JSON


BODY = b'{"id":"evt_1","type":"case.opened"}'
T = 1_794_571_203


@pytest.mark.parametrize(
    ("header", "body", "now", "valid"),
    [
        (signature_header(SECRET, T, BODY), BODY, T, True),
        (signature_header(SECRET, T, BODY), BODY, T + 299, True),
        (signature_header(SECRET, T, BODY), BODY, T + 301, False),  # a replay, too late
        (signature_header(SECRET, T, BODY), BODY + b" ", T, False),  # the body was changed
        (signature_header("whsec_another_one", T, BODY), BODY, T, False),
        (f"t={T},v1=00,v1=" + signature(SECRET, T, BODY), BODY, T, True),  # rotated: any v1
        (f"t={T + 1},v1=" + signature(SECRET, T, BODY), BODY, T, False),  # timestamp swapped
        (f"t={T}", BODY, T, False),
        ("v1=" + signature(SECRET, T, BODY), BODY, T, False),
        ("", BODY, T, False),
    ],
)
def test_the_signature_holds_only_for_the_same_secret_body_and_a_recent_timestamp(
    header: str, body: bytes, now: float, valid: bool
) -> None:
    assert verify(SECRET, header, body, now) is valid
    assert documented_verify_at(now)(SECRET, header, body) is valid


def documented_verify_at(now: float) -> Callable[..., bool]:
    """The documented function with its clock set to `now`."""
    function = documented_verify()
    function.__globals__["time"] = type("Clock", (), {"time": staticmethod(lambda: now)})
    return function


def test_a_delivery_to_an_internal_address_is_refused_unless_allowed(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session], receiver: FakeServer
) -> None:
    """Registered while allowed, then sent with the guard on: refused, never posted."""
    guarded = make_settings(db_url, tmp_path)
    register(factory, receiver.url + "/events", ["case.opened"])
    ingest(guarded, factory, [complaint(1, NOW)], NOW)
    assert [state for _, state in send_all(guarded, factory)] == ["dead"]
    assert receiver.calls("/events", "POST") == []
    with factory() as session:
        [item] = session.scalars(select(m.OutboxItem).where(m.OutboxItem.kind == "webhook"))
    assert "refused: 127.0.0.1 is an internal address" in item.last_error
