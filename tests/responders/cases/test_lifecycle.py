"""Lifecycle rules: roles, the root-cause list, the ledger, closing, win-back from later posts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.settings import Settings
from monitor.storage import models as m
from responders.cases import lifecycle
from tests.fakes.seed import add_user, open_case_from_post
from tests.responders.cases.test_full_case import _hear


@pytest.fixture
def case_id(settings: Settings, factory: sessionmaker[Session], tmp_path: Path) -> int:
    """An open case, the brand's root causes seeded, and one user per role."""
    case_id = open_case_from_post(settings, factory, tmp_path)
    with factory() as session, session.begin():
        for role in m.ROLES:
            add_user(session, role, role)
        lifecycle.seed_root_causes(session, settings.brands[0])
        lifecycle.seed_root_causes(session, settings.brands[0])  # idempotent
    return case_id


def user(session: Session, role: str) -> m.User:
    """The seeded user of `role`."""
    return session.query(m.User).filter_by(username=role).one()


@pytest.mark.parametrize(
    ("role", "action", "ok"),
    [
        ("viewer", "root_cause", False),
        ("responder", "root_cause", True),
        ("responder", "compensate", False),
        ("approver", "compensate", True),
        ("viewer", "close_spam", False),
        ("responder", "close_spam", True),
        ("responder", "add_cause", False),
        ("admin", "add_cause", True),
    ],
)
def test_roles_are_enforced(
    factory: sessionmaker[Session], case_id: int, role: str, action: str, ok: bool
) -> None:
    with factory() as session, session.begin():
        case, who = session.get_one(m.RecoveryCase, case_id), user(session, role)
        result = {
            "root_cause": lambda: lifecycle.set_root_cause(session, case, who, "billing error"),
            "compensate": lambda: lifecycle.add_compensation(session, case, who, "refund", 999),
            "close_spam": lambda: lifecycle.close_case(session, case, who, "spam"),
            "add_cause": lambda: lifecycle.add_root_cause(session, case.brand, "late pickup", who),
        }[action]()
        assert result.ok is ok, result.error
        if not ok:
            assert "needs" in result.error


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"what": "", "value_cents": 100}, "say what was given"),
        ({"what": "refund", "value_cents": -1}, "between 0"),
        ({"what": "refund", "value_cents": 100, "currency": "DOLLARS"}, "3-letter"),
    ],
)
def test_bad_compensation_is_refused_with_a_reason(
    factory: sessionmaker[Session], case_id: int, kwargs: dict[str, object], words: str
) -> None:
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        result = lifecycle.add_compensation(session, case, user(session, "approver"), **kwargs)  # type: ignore[arg-type]
        assert not result.ok and words in result.error


def test_closing_needs_a_known_root_cause_and_an_outcome(
    factory: sessionmaker[Session], case_id: int
) -> None:
    with factory() as session, session.begin():
        case, rita = session.get_one(m.RecoveryCase, case_id), user(session, "responder")
        assert "unknown outcome" in lifecycle.close_case(session, case, rita, "done").error
        assert "root cause" in lifecycle.close_case(session, case, rita, "resolved").error
        unknown = lifecycle.set_root_cause(session, case, rita, "gremlins")
        assert "pick one of" in unknown.error and "carrier delay" in unknown.error
        boss = user(session, "approver")
        assert lifecycle.add_root_cause(session, case.brand, "  gremlins  ", boss).ok
        assert lifecycle.set_root_cause(session, case, rita, "gremlins").ok
        assert lifecycle.close_case(session, case, rita, "unresolved").ok
        assert lifecycle.close_case(session, case, rita, "resolved").conflict  # already closed
        assert "gremlins" in lifecycle.root_causes(session, case.brand)


def test_a_later_post_attaches_to_the_recently_closed_case_and_scores_its_win_back(
    settings: Settings, factory: sessionmaker[Session], tmp_path: Path, case_id: int
) -> None:
    with factory() as session, session.begin():
        case, rita = session.get_one(m.RecoveryCase, case_id), user(session, "responder")
        case.first_response_at = utcnow()
        assert lifecycle.set_root_cause(session, case, rita, "carrier delay").ok
        assert lifecycle.close_case(session, case, rita, "resolved").ok
    later = (utcnow() + timedelta(minutes=1)).isoformat()
    praise = "Kettlebird fixed it fast, love them, thank you!"
    _hear(settings, factory, tmp_path, praise, later, platform="x")
    with factory() as session:
        case = session.get_one(m.RecoveryCase, case_id)
        attached = session.query(m.Mention).filter_by(external_id="t1_later").one()
        assert attached.case_id == case_id
        assert case.later_sentiment is not None and case.later_sentiment > 0.5
        assert case.win_back == pytest.approx(case.later_sentiment - case.complaint_sentiment)
        assert lifecycle.won_back(case, settings.brands[0].win_back_threshold)
