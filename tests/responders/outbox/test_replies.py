"""Exactly-once sending: approved replies go out once through the real outbox and real praw,
whatever fails on the way (timeouts after acceptance, a killed worker, 429 and 500)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.settings import Settings
from monitor.storage import models as m
from responders.cases import actions as cases
from responders.outbox.dispatch import process_due
from responders.outbox.queue import claim_due
from responders.outbox.replies import record_manual_reply, send_reply
from tests.fakes.cassettes import load
from tests.fakes.http_server import (
    FakeServer,
    json_reply,
    server_error,
    serving,
    slow,
    too_many_requests,
)
from tests.fakes.seed import add_user, open_case_from_post
from tests.responders.publishers.test_reddit import BOT, env_for, listing, recorded_comment

PARENT = "t1_d1616q2"  # the comment answered in the recorded reply
TEXT = "We're sorry, this is on us. Please DM us your order number and we'll fix it today."


@pytest.fixture
def reddit(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    """A local Reddit serving the recorded reply; the publisher's env points at it."""
    with serving() as server:
        cassette = shared_data / "praw_cassettes" / "TestComment.test_reply.json"
        server.add_entries(load(cassette), match_query=False)
        server.add_json("GET", f"/user/{BOT}/comments", listing())
        for name, value in env_for(server).items():
            monkeypatch.setenv(name, value)
        yield server


def approved_reply(
    settings: Settings, factory: sessionmaker[Session], tmp_path: Path, template: str
) -> tuple[int, int]:
    """A case opened from a Reddit comment, with an approved reply; returns (case id, draft id)."""
    case_id = open_case_from_post(
        settings, factory, tmp_path, platform="reddit", post_id=PARENT,
        text="@kettlebird my order never arrived, still waiting after 3 weeks",
    )  # fmt: skip
    with factory() as session, session.begin():
        writer = add_user(session, "rita", "responder")
        boss = add_user(session, "abe", "approver")
        case = session.get_one(m.RecoveryCase, case_id)
        mention = session.get_one(m.Mention, case.first_mention_id)
        draft = cases.save_draft(session, case, mention, writer, template, TEXT, submit=True).value
        assert draft is not None
        assert cases.approve_draft(session, case, draft, boss).ok
        return case_id, draft.id


def make_due(factory: sessionmaker[Session]) -> None:
    """Skip the back-off wait: every pending item is due now."""
    with factory() as session, session.begin():
        session.execute(
            update(m.OutboxItem)
            .where(m.OutboxItem.state == "pending")
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )


def our_comment_is_listed(server: FakeServer, shared_data: Path) -> None:
    """Reddit now shows our reply among the brand account's comments."""
    ours = {**recorded_comment(shared_data), "body": TEXT, "parent_id": PARENT}
    server.fault(json_reply(listing(ours)), times=5, method="GET", path=f"/user/{BOT}/comments")


def history(factory: sessionmaker[Session], case_id: int) -> list[tuple[str, str, str]]:
    """(kind, step, note) of the case's events, oldest first."""
    with factory() as session:
        events = session.scalars(
            select(m.CaseEvent).where(m.CaseEvent.case_id == case_id).order_by(m.CaseEvent.id)
        )
        return [(e.kind, e.step, e.note) for e in events]


def state(factory: sessionmaker[Session], case_id: int, draft_id: int) -> dict[str, Any]:
    """The draft, case and outbox item as a dict, for assertions."""
    with factory() as session:
        draft = session.get_one(m.ReplyDraft, draft_id)
        case = session.get_one(m.RecoveryCase, case_id)
        item = session.scalars(
            select(m.OutboxItem).where(m.OutboxItem.idempotency_key == f"reply:{draft_id}")
        ).one()
        return {
            "draft": draft.state,
            "published_id": draft.published_id,
            "url": draft.published_url,
            "case": case.status,
            "first_response_at": case.first_response_at,
            "outbox": item.state,
            "attempts": item.attempts,
            "error": item.last_error,
        }


def test_an_approved_apology_is_published_once_and_completes_its_steps(
    settings: Settings, factory: sessionmaker[Session], tmp_path: Path, reddit: FakeServer
) -> None:
    case_id, draft_id = approved_reply(settings, factory, tmp_path, "apology.warm")
    assert state(factory, case_id, draft_id)["draft"] == "approved"

    assert process_due(settings, factory, "w1") == [(1, "sent")]
    assert process_due(settings, factory, "w1") == []  # nothing left: never twice

    now = state(factory, case_id, draft_id)
    assert now["draft"] == "sent" and now["outbox"] == "sent" and now["case"] == "responded"
    assert now["published_id"] == "t1_d1680wu"
    assert now["first_response_at"] is not None
    assert len(reddit.calls("/api/comment", "POST")) == 1
    assert reddit.calls("/api/comment", "POST")[0].form()["text"] == TEXT
    steps = [(kind, step) for kind, step, _ in history(factory, case_id)]
    assert ("sent", "communicate") in steps
    assert {"acknowledge", "apologize", "timing"} <= {step for _, step in steps}


def test_a_timeout_after_reddit_accepted_is_reconciled_not_reposted(
    settings: Settings,
    factory: sessionmaker[Session],
    tmp_path: Path,
    reddit: FakeServer,
    shared_data: Path,
) -> None:
    case_id, draft_id = approved_reply(settings, factory, tmp_path, "outreach")
    reddit.fault(slow(3.0), path="/api/comment")  # accepted, but the answer comes too late

    assert process_due(settings, factory, "w1") == [(1, "pending")]
    after_timeout = state(factory, case_id, draft_id)
    assert after_timeout["draft"] == "sending"
    assert "no answer from Reddit" in after_timeout["error"]

    our_comment_is_listed(reddit, shared_data)
    make_due(factory)
    assert process_due(settings, factory, "w1") == [(1, "sent")]

    assert len(reddit.calls("/api/comment", "POST")) == 1
    final = state(factory, case_id, draft_id)
    assert final["draft"] == "sent" and final["published_id"] == "t1_d1680wu"
    notes = history(factory, case_id)
    assert any(k == "send_retry" and "no answer from Reddit" in n for k, _, n in notes)
    assert any(k == "sent" and "not posted again" in n for k, _, n in notes)


def test_a_worker_killed_mid_send_does_not_post_twice(
    settings: Settings,
    factory: sessionmaker[Session],
    tmp_path: Path,
    reddit: FakeServer,
    shared_data: Path,
) -> None:
    case_id, draft_id = approved_reply(settings, factory, tmp_path, "apology")
    # A worker claims the item (committed), posts, and dies before its transaction commits.
    with factory() as session, session.begin():
        [item] = claim_due(session, "doomed")
    with factory() as session:
        session.begin()
        item = session.get_one(m.OutboxItem, item.id)
        assert send_reply(settings, session, item).ok
        session.rollback()  # the crash: nothing it wrote survives
    assert len(reddit.calls("/api/comment", "POST")) == 1
    assert state(factory, case_id, draft_id)["draft"] == "approved"

    with factory() as session, session.begin():  # time passes: the dead worker's lease runs out
        session.execute(update(m.OutboxItem).values(lease_until=utcnow() - timedelta(seconds=1)))
    our_comment_is_listed(reddit, shared_data)
    # Its lease has run out: another worker takes over and finds the reply already out.
    assert process_due(settings, factory, "w2") == [(1, "sent")]

    assert len(reddit.calls("/api/comment", "POST")) == 1
    final = state(factory, case_id, draft_id)
    assert final["draft"] == "sent" and final["attempts"] == 2
    assert any("not posted again" in n for _, _, n in history(factory, case_id))


def test_429_then_500_back_off_then_post_once(
    settings: Settings, factory: sessionmaker[Session], tmp_path: Path, reddit: FakeServer
) -> None:
    case_id, draft_id = approved_reply(settings, factory, tmp_path, "apology")
    reddit.fault(too_many_requests(retry_after=90), path="/api/comment")
    reddit.fault(server_error(500), path="/api/comment")

    started = utcnow()
    assert process_due(settings, factory, "w1") == [(1, "pending")]
    with factory() as session:
        item = session.scalars(select(m.OutboxItem)).one()
        assert item.next_attempt_at >= started + timedelta(seconds=90)  # Retry-After honoured
    make_due(factory)
    assert process_due(settings, factory, "w1") == [(1, "pending")]
    make_due(factory)
    assert process_due(settings, factory, "w1") == [(1, "sent")]

    posts = reddit.calls("/api/comment", "POST")
    lookups = reddit.calls(f"/user/{BOT}/comments", "GET")
    assert len(posts) == 3  # two refused by Reddit, one accepted
    assert len(lookups) == 2  # before each retry we looked for the reply first
    notes = [n for k, _, n in history(factory, case_id) if k == "send_retry"]
    assert "rate limit" in notes[0] and "server error 500" in notes[1]
    assert state(factory, case_id, draft_id)["draft"] == "sent"


def test_the_last_failed_try_puts_the_case_back_in_the_queue_with_the_error(
    settings: Settings, factory: sessionmaker[Session], tmp_path: Path, reddit: FakeServer
) -> None:
    case_id, draft_id = approved_reply(settings, factory, tmp_path, "apology")
    with factory() as session, session.begin():
        session.execute(update(m.OutboxItem).values(max_attempts=2))
    reddit.fault(server_error(503), times=2, path="/api/comment")

    assert process_due(settings, factory, "w1") == [(1, "pending")]
    make_due(factory)
    assert process_due(settings, factory, "w1") == [(1, "dead")]

    final = state(factory, case_id, draft_id)
    assert (final["draft"], final["case"], final["outbox"]) == ("failed", "open", "dead")
    failed = [n for k, _, n in history(factory, case_id) if k == "send_failed"]
    assert failed and "server error 503" in failed[0]


def test_a_deleted_post_fails_at_once(
    settings: Settings, factory: sessionmaker[Session], tmp_path: Path, reddit: FakeServer
) -> None:
    case_id, draft_id = approved_reply(settings, factory, tmp_path, "apology")
    body = {"json": {"errors": [["DELETED_COMMENT", "that comment has been deleted", "parent"]]}}
    reddit.fault(json_reply(body), path="/api/comment")
    assert process_due(settings, factory, "w1") == [(1, "dead")]
    assert state(factory, case_id, draft_id)["draft"] == "failed"


def test_a_reply_posted_by_hand_is_recorded_and_never_sent_by_the_worker(
    settings: Settings, factory: sessionmaker[Session], tmp_path: Path, reddit: FakeServer
) -> None:
    case_id, draft_id = approved_reply(settings, factory, tmp_path, "apology")
    url = "https://www.reddit.com/r/kettles/comments/4b1tfm/_/d9zz001/"
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        draft = session.get_one(m.ReplyDraft, draft_id)
        viewer = add_user(session, "vic", "viewer")
        assert not record_manual_reply(session, case, draft, viewer, url).ok
        responder = session.scalars(select(m.User).where(m.User.username == "rita")).one()
        assert not record_manual_reply(session, case, draft, responder, "not a link").ok
        assert record_manual_reply(session, case, draft, responder, url, settings).ok

    assert process_due(settings, factory, "w1") == []
    assert reddit.calls("/api/comment", "POST") == []
    final = state(factory, case_id, draft_id)
    assert (final["draft"], final["outbox"], final["published_id"]) == ("sent", "sent", "d9zz001")
