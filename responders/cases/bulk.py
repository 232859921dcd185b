"""Acting on several cases at once: a table of bulk actions, each case on its own, each audited.

A bulk action is one row of `ACTIONS`: its name, its label, the role it needs and a function over
one case that calls the same domain function as the single-case page (`actions.claim`...), so the
audit entry, the event and the owner rules are those of doing it by hand, once per case. Each case
is its own transaction (committed or rolled back before the next): one case refused (claimed by
someone else, changed since it was selected) is reported and undone alone, the others go through.
Not savepoints: a conflict found at flush rolls the whole session back (actions.flush_or_conflict).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from monitor.storage import models as m
from responders.cases.actions import claim
from responders.cases.feedback import DISMISS_REASONS, dismiss
from responders.cases.review_queue import is_row_id
from responders.results import Result
from responders.staff.access import APPROVER, CONFLICT, RESPONDER, can

MAX_CASES = 100  # one confirmation page's worth; more is a filter's job, not a selection's


@dataclass(frozen=True, slots=True)
class BulkInput:
    """What the person chose for the whole selection (an action reads only what it needs)."""

    assignee: m.User | None = None
    reason: str = ""
    note: str = ""


# (session, case, acting user, expected version, input) -> the domain function's Result.
Runner = Callable[[Session, m.RecoveryCase, m.User, int, BulkInput], Result[Any]]


@dataclass(frozen=True, slots=True)
class BulkAction:
    """One bulk action: what it is called, who may run it, what it does to one case."""

    name: str
    label: str  # the button and the confirmation: "Claim", "Assign to a colleague"
    done: str  # the flash message's verb: "claimed"
    role: str
    run: Runner
    needs_assignee: bool = False
    needs_reason: bool = False  # "not a complaint": one of feedback.DISMISS_REASONS


def _claim(s: Session, c: m.RecoveryCase, u: m.User, version: int, _: BulkInput) -> Result[Any]:
    return claim(s, c, u, expected_version=version)


def _assign(s: Session, c: m.RecoveryCase, u: m.User, version: int, i: BulkInput) -> Result[Any]:
    if i.assignee is None or not i.assignee.active:
        return Result.failure("pick an active colleague to assign the cases to")
    return claim(s, c, u, expected_version=version, assignee=i.assignee)


def _dismiss(s: Session, c: m.RecoveryCase, u: m.User, version: int, i: BulkInput) -> Result[Any]:
    return dismiss(s, c, u, i.reason, i.note, expected_version=version)


# Add an action here (and nowhere else): the queue's bulk bar and its confirmation read this table.
ACTIONS: dict[str, BulkAction] = {
    a.name: a
    for a in (
        BulkAction("claim", "Claim", "claimed", RESPONDER, _claim),
        BulkAction("assign", "Assign to", "assigned", APPROVER, _assign, needs_assignee=True),
        BulkAction(
            "dismiss", "Not a complaint", "dismissed", RESPONDER, _dismiss, needs_reason=True
        ),
    )
}


REASONS = DISMISS_REASONS  # offered by the bulk bar and checked by the routes


def offered(user: m.User) -> list[BulkAction]:
    """The bulk actions `user`'s role may run, in the table's order."""
    return [a for a in ACTIONS.values() if can(user, a.role)]


def parse_selection(values: list[str]) -> Result[list[tuple[int, int]]]:
    """The selected `id:version` values as (case id, version) pairs, in order, without repeats."""
    picked: dict[int, int] = {}
    for value in values:
        case_id, _, version = value.partition(":")
        if not (is_row_id(case_id) and is_row_id(version)):
            return Result.failure(f"case: {value[:40]!r} is not a case id and version (12:3)")
        picked.setdefault(int(case_id), int(version))
    if not picked:
        return Result.failure("select at least one case (the boxes on the left of the rows)")
    if len(picked) > MAX_CASES:
        picked_n = len(picked)
        return Result.failure(f"select at most {MAX_CASES} cases at once (you picked {picked_n})")
    return Result.success(list(picked.items()))


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one selected case."""

    case_id: int
    ok: bool
    error: str = ""


def load_cases(session: Session, ids: list[int]) -> dict[int, m.RecoveryCase]:
    """The selected cases by id, in one query (ids that do not exist are left out)."""
    found = session.scalars(select(m.RecoveryCase).where(m.RecoveryCase.id.in_(ids)))
    return {case.id: case for case in found}


def run_bulk(
    session: Session,
    action: BulkAction,
    user: m.User,
    selection: list[tuple[int, int]],
    given: BulkInput,
) -> list[Outcome]:
    """Run `action` on each selected case, committing each; one outcome per case, in order.

    A case whose version moved since it was selected is refused (someone acted on it
    meanwhile), as the single-case forms refuse it.
    """
    if not can(user, action.role):
        refusal = f"your role ({user.role}) may not do this; it needs {action.role}"
        return [Outcome(case_id, False, refusal) for case_id, _ in selection]
    cases = load_cases(session, [case_id for case_id, _ in selection])
    outcomes = []
    for case_id, version in selection:
        case = cases.get(case_id)
        if case is None:
            outcomes.append(Outcome(case_id, False, "there is no such case"))
            continue
        if case.version != version:
            outcomes.append(Outcome(case_id, False, CONFLICT))
            continue
        result = action.run(session, case, user, version, given)
        if result.ok:
            try:
                session.commit()
            except StaleDataError:  # changed between our read and our write
                session.rollback()
                result = Result.failure(CONFLICT, conflict=True)
        else:
            session.rollback()
        outcomes.append(Outcome(case_id, result.ok, result.error))
    return outcomes


def summary(action: BulkAction, outcomes: list[Outcome], to: str = "") -> tuple[str, list[str]]:
    """The flash messages for people: how many went through, and one line per case refused."""
    done = sum(o.ok for o in outcomes)
    head = f"{action.done} {done} case{'' if done == 1 else 's'}" + (f" to {to}" if to else "")
    refused = [f"case #{o.case_id} not {action.done}: {o.error}" for o in outcomes if not o.ok]
    return head, refused


@dataclass(frozen=True, slots=True)
class Selected:
    """A selected case as the confirmation lists it."""

    id: int
    version: int
    handle: str
    text: str
    status: str
    assignee: str


def selected_rows(session: Session, selection: list[tuple[int, int]]) -> list[Selected]:
    """The selected cases with their author, first post and owner, in one query, in order."""
    versions = dict(selection)
    query = (
        select(
            m.RecoveryCase.id,
            m.Mention.author_handle,
            m.Mention.text,
            m.RecoveryCase.status,
            m.User.username,
        )
        .outerjoin(m.Mention, m.Mention.id == m.RecoveryCase.first_mention_id)
        .outerjoin(m.User, m.User.id == m.RecoveryCase.assignee_id)
        .where(m.RecoveryCase.id.in_(list(versions)))
    )
    found = {row[0]: row for row in session.execute(query)}
    return [
        Selected(i, versions[i], row[1] or "", row[2] or "", row[3], row[4] or "")
        for i in versions
        if (row := found.get(i)) is not None
    ]
