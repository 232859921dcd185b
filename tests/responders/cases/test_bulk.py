"""Bulk actions: the selection read strictly, each case done on its own, each one audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from responders.cases import bulk
from responders.staff.access import CONFLICT
from tests.responders.web.seed import add_staff, seed_cases


@pytest.fixture
def staff(factory: sessionmaker[Session]) -> dict[str, int]:
    return add_staff(factory)


def user(session: Session, name: str) -> m.User:
    return session.scalars(select(m.User).where(m.User.username == name)).one()


@pytest.mark.parametrize(
    ("values", "expected", "error"),
    [
        (["3:1", "5:2"], [(3, 1), (5, 2)], ""),
        (["3:1", "3:4"], [(3, 1)], ""),  # a repeat keeps the first
        ([], None, "select at least one case"),
        (["3"], None, "'3' is not a case id and version"),
        (["x:1"], None, "is not a case id and version"),
        (["0:1"], None, "is not a case id and version"),
        (["99999999999:1"], None, "is not a case id and version"),
        ([f"{i}:1" for i in range(1, bulk.MAX_CASES + 2)], None, "at most 100 cases"),
    ],
)
def test_the_selection_is_id_version_pairs(
    values: list[str], expected: list[tuple[int, int]] | None, error: str
) -> None:
    result = bulk.parse_selection(values)
    assert result.value == expected
    assert error in result.error


@pytest.mark.parametrize(
    ("name", "offered"),
    [
        ("vera", []),
        ("rob", ["claim", "dismiss"]),
        ("alice", ["claim", "assign", "dismiss"]),
        ("ada", ["claim", "assign", "dismiss"]),
    ],
)
def test_each_role_is_offered_what_it_may_run(
    factory: sessionmaker[Session], staff: dict[str, int], name: str, offered: list[str]
) -> None:
    with factory() as session:
        assert [a.name for a in bulk.offered(user(session, name))] == offered


def test_claiming_several_does_each_audits_each_and_reports_the_ones_refused(
    factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    free, taken, moved = seed_cases(factory, [{}, {"assignee_id": staff["alice"]}, {}])
    with factory() as session, session.begin():  # someone acts on `moved` after it was selected
        session.execute(update(m.RecoveryCase).where(m.RecoveryCase.id == moved).values(version=5))
    selection = [(free, 1), (taken, 1), (moved, 1), (10**6, 1)]
    with factory() as session:
        outcomes = bulk.run_bulk(
            session, bulk.ACTIONS["claim"], user(session, "rob"), selection, bulk.BulkInput()
        )
    assert [(o.case_id, o.ok) for o in outcomes] == [
        (free, True),
        (taken, False),
        (moved, False),
        (10**6, False),
    ]
    errors = {o.case_id: o.error for o in outcomes}
    assert "claimed by someone else" in errors[taken]
    assert errors[moved] == CONFLICT
    assert errors[10**6] == "there is no such case"
    with factory() as session:
        owners = dict(session.execute(select(m.RecoveryCase.id, m.RecoveryCase.assignee_id)).all())
        audited = session.scalars(
            select(m.AuditEntry.target).where(m.AuditEntry.action == "case.assign")
        ).all()
    assert (owners[free], owners[taken], owners[moved]) == (staff["rob"], staff["alice"], None)
    assert audited == [f"case:{free}"]
    head, refused = bulk.summary(bulk.ACTIONS["claim"], outcomes)
    assert head == "claimed 1 case"
    assert len(refused) == 3 and refused[0].startswith(f"case #{taken} not claimed:")


def test_assigning_several_gives_each_to_the_colleague_with_one_audit_entry_each(
    factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    ids = seed_cases(factory, [{}, {}, {}])
    with factory() as session:
        given = bulk.BulkInput(assignee=user(session, "rob"))
        outcomes = bulk.run_bulk(
            session, bulk.ACTIONS["assign"], user(session, "alice"), [(i, 1) for i in ids], given
        )
        assert bulk.summary(bulk.ACTIONS["assign"], outcomes, "rob")[0] == "assigned 3 cases to rob"
    with factory() as session:
        entries = session.scalars(
            select(m.AuditEntry).where(m.AuditEntry.action == "case.assign")
        ).all()
        owners = session.scalars(select(m.RecoveryCase.assignee_id)).all()
    assert sorted(e.target for e in entries) == sorted(f"case:{i}" for i in ids)
    assert {e.actor for e in entries} == {"alice"} and {e.detail["assignee"] for e in entries} == {
        "rob"
    }
    assert set(owners) == {staff["rob"]}


def test_not_a_complaint_in_bulk_closes_each_labels_it_and_leaves_others_cases_alone(
    factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    mine, free, theirs = seed_cases(
        factory, [{"assignee_id": staff["rob"]}, {}, {"assignee_id": staff["alice"]}]
    )
    with factory() as session:
        given = bulk.BulkInput(reason="spam_or_bot", note="a bot network")
        outcomes = bulk.run_bulk(
            session,
            bulk.ACTIONS["dismiss"],
            user(session, "rob"),
            [(mine, 1), (free, 1), (theirs, 1)],
            given,
        )
    assert [o.ok for o in outcomes] == [True, True, False]
    assert bulk.summary(bulk.ACTIONS["dismiss"], outcomes)[0] == "dismissed 2 cases"
    with factory() as session:
        states = dict(session.execute(select(m.RecoveryCase.id, m.RecoveryCase.outcome)).all())
        labels = session.scalars(select(m.MentionLabel)).all()
    assert (states[mine], states[free], states[theirs]) == ("not_a_complaint",) * 2 + ("",)
    assert {(lab.label, lab.reason, lab.case_id) for lab in labels} == {
        ("not_complaint", "spam_or_bot", mine),
        ("not_complaint", "spam_or_bot", free),
    }


def test_a_role_below_the_action_changes_nothing(
    factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    with factory() as session:
        given = bulk.BulkInput(assignee=user(session, "alice"))
        outcomes = bulk.run_bulk(
            session, bulk.ACTIONS["assign"], user(session, "rob"), [(case_id, 1)], given
        )
    assert not outcomes[0].ok and "needs approver" in outcomes[0].error
    with factory() as session:
        assert session.get(m.RecoveryCase, case_id).assignee_id is None  # type: ignore[union-attr]


def test_the_confirmation_lists_author_post_and_owner_in_selection_order(
    factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    a, b = seed_cases(factory, [{"handle": "pat"}, {"handle": "sam", "assignee_id": staff["rob"]}])
    with factory() as session:
        rows = bulk.selected_rows(session, [(b, 1), (a, 1), (10**6, 1)])
    assert [(r.id, r.handle, r.assignee) for r in rows] == [(b, "sam", "rob"), (a, "pat", "")]
