"""Case routing of a page, decided in memory: which mention opens, joins or escalates which case.

Pure: given the page's new mentions in delivery order and each author's open case and recently
closed case (loaded with one query each), it returns what to write. The rules are those of one
mention at a time, applied in order: a mention joins its author's open case (escalating it when
worse); a flagged mention with no open case opens one; a mention with neither joins the author's
case closed within the win-back window, whose win-back it then refreshes. Authors never share
a case, so each author's mentions are decided on their own (`plan_author`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from monitor.scoring import Score, severity_rank


@dataclass(eq=False, slots=True)
class CaseState:
    """What routing knows of a case: its id (None until a new one is inserted) and severity."""

    id: int | None
    author_id: int
    severity: str
    first_mention_id: int
    closed: bool = False
    escalated: bool = False  # an existing case whose severity this page raised

    @property
    def rank(self) -> int:
        """The severity's rank (none 0 .. critical 4)."""
        return severity_rank(self.severity)


@dataclass(frozen=True, slots=True)
class Routed:
    """A new mention to route: where it sits in the page, who wrote it, how it scored."""

    index: int
    mention_id: int
    author_id: int
    score: Score
    created_at: datetime | None
    platform: str


@dataclass(slots=True)
class Attachment:
    """A mention joining a case, with the data of its `mention_attached` event."""

    item: Routed
    case: CaseState
    data: dict[str, Any]


@dataclass
class AuthorPlan:
    """What one author's new mentions of this page do to cases."""

    opened: CaseState | None = None
    opener: Routed | None = None
    attached: list[Attachment] = field(default_factory=list)
    alerts: list[tuple[CaseState, str]] = field(default_factory=list)  # (case, level)
    refresh: list[CaseState] = field(default_factory=list)  # win-back to recompute
    outcomes: list[tuple[int, str, CaseState]] = field(default_factory=list)  # (index, how)

    def attach(self, item: Routed, case: CaseState) -> None:
        """The mention joins `case`; a worse mention raises the case's severity."""
        data: dict[str, Any] = {"mention_id": item.mention_id, "sentiment": item.score.sentiment}
        if severity_rank(item.score.severity) > case.rank:
            data["escalated_from"] = case.severity
            case.severity = item.score.severity
            case.escalated = case.id is not None
        self.attached.append(Attachment(item, case, data))
        self.outcomes.append((item.index, "attached", case))

    def alert(self, case: CaseState) -> None:
        """A severity alert for the case at its level now (once per case and level)."""
        if all(not (c is case and level == case.severity) for c, level in self.alerts):
            self.alerts.append((case, case.severity))

    def refreshes(self, case: CaseState) -> None:
        """The case's win-back is recomputed once the page is written."""
        if all(c is not case for c in self.refresh):
            self.refresh.append(case)


def plan_author(
    items: Iterable[Routed],
    open_case: CaseState | None,
    closed_case: CaseState | None,
    alert_rank: int,
) -> AuthorPlan:
    """Route one author's new mentions, in delivery order, to cases."""
    plan = AuthorPlan()
    case = open_case
    for item in items:
        current = case
        if current is None and item.score.flagged:
            current = CaseState(None, item.author_id, item.score.severity, item.mention_id)
            plan.opened, plan.opener, case = current, item, current
            plan.outcomes.append((item.index, "opened", current))
        elif current is not None:
            plan.attach(item, current)
        # What the author says after a response counts for that case's win-back.
        if current is not None and current.first_mention_id != item.mention_id:
            plan.refreshes(current)
        elif closed_case is not None:
            if current is None:
                plan.attach(item, closed_case)
            plan.refreshes(closed_case)
        if current is not None and current.rank >= alert_rank:
            plan.alert(current)
    return plan


def by_author(items: Iterable[Routed]) -> dict[int, list[Routed]]:
    """The page's items grouped by author, each group in delivery order."""
    groups: dict[int, list[Routed]] = {}
    for item in items:
        groups.setdefault(item.author_id, []).append(item)
    return groups


def plan_page(
    groups: Mapping[int, list[Routed]],
    open_cases: Mapping[int, CaseState],
    closed_cases: Mapping[int, CaseState],
    alert_rank: int,
) -> dict[int, AuthorPlan]:
    """Route every author's group: {author_id: plan}."""
    return {
        author: plan_author(items, open_cases.get(author), closed_cases.get(author), alert_rank)
        for author, items in groups.items()
    }


def outcomes_in_order(plans: Iterable[AuthorPlan]) -> list[tuple[int, str, CaseState]]:
    """Every (index, "opened"/"attached", case) of the page, in delivery order."""
    return sorted((o for plan in plans for o in plan.outcomes), key=lambda o: o[0])
