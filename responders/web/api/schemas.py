"""The JSON API's request and response models (Pydantic): what OpenAPI documents."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from monitor.storage import models as m
from responders.cases.lifecycle import OUTCOMES
from responders.cases.reports import Report
from responders.cases.review_queue import MAX_ID, QueueRow
from responders.web.case_data import CaseView

Version = Field(ge=1, le=MAX_ID, description="the case's `version` you read: 409 if it moved on")


class MentionOut(BaseModel):
    """A stored post with its scores."""

    id: int
    platform: str
    brand: str
    author_handle: str
    text: str
    url: str
    created_at: datetime
    lang: str = Field(
        description="detected language code ('es'; 'und' undetermined, '' never detected)"
    )
    sentiment: float
    complaint: bool
    category: str
    severity: str
    flagged: bool
    reasons: list[str]
    reply_allowed: bool
    case_id: int | None

    @classmethod
    def of(cls, mention: m.Mention) -> MentionOut:
        """From a stored mention."""
        return cls(
            id=mention.id,
            platform=mention.platform,
            brand=mention.brand,
            author_handle=mention.author_handle,
            text=mention.text,
            url=mention.url,
            created_at=mention.created_at,
            lang=mention.lang or "",
            sentiment=mention.sentiment,
            complaint=mention.complaint,
            category=mention.category,
            severity=mention.severity,
            flagged=mention.flagged,
            reasons=[str(r) for r in mention.reasons or []],
            reply_allowed=mention.reply_allowed,
            case_id=mention.case_id,
        )


def _case_columns(case: m.RecoveryCase) -> dict[str, Any]:
    """The columns every case model repeats as they are stored."""
    return {
        "id": case.id,
        "brand": case.brand,
        "platform": case.platform,
        "status": case.status,
        "severity": case.severity,
        "category": case.category,
        "lang": case.lang or "",
        "opened_at": case.opened_at,
        "sla_due_at": case.sla_due_at,
        "first_response_at": case.first_response_at,
    }


class CaseSummary(BaseModel):
    """A case as the queue lists it."""

    id: int
    brand: str
    platform: str
    status: str
    severity: str
    category: str
    lang: str = Field(
        description="the first mention's language ('es'; 'und' undetermined, '' never detected)"
    )
    opened_at: datetime
    sla_due_at: datetime | None
    first_response_at: datetime | None
    overdue: bool
    assignee_id: int | None
    assignee: str
    version: int
    text: str = Field(description="the first mention's text")
    author_handle: str
    url: str

    @classmethod
    def of_row(cls, row: QueueRow) -> CaseSummary:
        """From a queue row."""
        case = row.case
        return cls(
            **_case_columns(case),
            overdue=row.overdue,
            assignee_id=case.assignee_id,
            assignee=row.assignee,
            version=case.version,
            text=row.text,
            author_handle=row.handle,
            url=row.url,
        )


class EventOut(BaseModel):
    """One entry of a case's history."""

    id: int
    kind: str
    step: str
    user: str
    note: str
    at: datetime


class StepOut(BaseModel):
    """One of the ten recovery steps: whether it is done, and the events that did it."""

    name: str
    done: bool
    events: list[EventOut]


class DraftOut(BaseModel):
    """A reply draft."""

    id: int
    state: str
    channel: str
    template: str
    body: str
    author: str
    approved_by: str
    reject_reason: str
    created_at: datetime
    published_url: str

    @classmethod
    def of(cls, draft: m.ReplyDraft, author: str = "", approver: str = "") -> DraftOut:
        """From a stored draft and the usernames of its author and approver."""
        return cls(
            id=draft.id,
            state=draft.state,
            channel=draft.channel,
            template=draft.template,
            body=draft.body,
            author=author,
            approved_by=approver,
            reject_reason=draft.reject_reason,
            created_at=draft.created_at,
            published_url=draft.published_url,
        )


def event_out(event: m.CaseEvent, user: str) -> EventOut:
    """An event with the username of who did it."""
    return EventOut(
        id=event.id, kind=event.kind, step=event.step, user=user, note=event.note, at=event.at
    )


class CaseDetail(BaseModel):
    """A case with its mentions, recovery steps, drafts and history."""

    id: int
    brand: str
    platform: str
    status: str
    severity: str
    category: str
    lang: str = Field(
        description="the first mention's language ('es'; 'und' undetermined, '' never detected)"
    )
    opened_at: datetime
    sla_due_at: datetime | None
    first_response_at: datetime | None
    closed_at: datetime | None
    assignee: str
    root_cause: str
    outcome: str
    version: int
    mention: MentionOut | None
    mentions: list[MentionOut]
    steps: list[StepOut]
    drafts: list[DraftOut]
    events: list[EventOut]

    @classmethod
    def of(cls, view: CaseView) -> CaseDetail:
        """From the case page's view of a case."""
        case = view.case
        return cls(
            **_case_columns(case),
            closed_at=case.closed_at,
            assignee=view.assignee,
            root_cause=case.root_cause,
            outcome=case.outcome,
            version=case.version,
            mention=MentionOut.of(view.mention) if view.mention else None,
            mentions=[MentionOut.of(x) for x in view.mentions],
            steps=[
                StepOut(name=s.name, done=s.done, events=[event_out(e, u) for e, u in s.events])
                for s in view.steps
            ],
            drafts=[DraftOut.of(d, w, a) for d, w, a in view.drafts],
            events=[event_out(e, u) for e, u in view.events],
        )


class CasePage(BaseModel):
    """A page of cases; pass `next_cursor` as `cursor` for the next one (null: the last page)."""

    items: list[CaseSummary]
    next_cursor: str | None


class MentionPage(BaseModel):
    """A page of mentions, newest first; `next_cursor` as `cursor` for the next one."""

    items: list[MentionOut]
    next_cursor: str | None


class DraftIn(BaseModel):
    """A reply to save or submit: `source` is template text, rendered with the case's variables."""

    model_config = ConfigDict(extra="forbid")

    version: int = Version
    source: str = Field(min_length=1, max_length=20_000, description="the reply (Jinja2 text)")
    template: str = Field("", max_length=100, description="the template it started from")
    channel: Literal["public", "dm", "manual"] = "public"
    submit: bool = Field(True, description="submit for approval (false: keep as a draft)")


class ApproveIn(BaseModel):
    """Approve a draft: it goes to the outbox."""

    model_config = ConfigDict(extra="forbid")

    version: int = Version


class StepIn(BaseModel):
    """Record one of the ten recovery steps as done."""

    model_config = ConfigDict(extra="forbid")

    version: int = Version
    step: Literal[m.RECOVERY_STEPS]  # type: ignore[valid-type]
    note: str = Field("", max_length=2000)


class RootCauseIn(BaseModel):
    """Set the case's root cause, one of the brand's list."""

    model_config = ConfigDict(extra="forbid")

    version: int = Version
    cause: str = Field(min_length=1, max_length=100)
    note: str = Field("", max_length=2000)


class CompensationIn(BaseModel):
    """Add to the case's compensation ledger (approvers)."""

    model_config = ConfigDict(extra="forbid")

    version: int = Version
    what: str = Field(min_length=1, max_length=500, description="what was given")
    value_cents: int = Field(ge=0, le=10_000_000)
    currency: str = Field("USD", pattern=r"^[A-Za-z]{3}$")


class ActionOut(BaseModel):
    """An action's result: the case as it is now (its new `version`) and what was made."""

    case: CaseDetail
    draft_id: int | None = None
    event_id: int | None = None
    compensation_id: int | None = None


class RootCauseCount(BaseModel):
    """How many cases had a root cause in the period and in the one before."""

    name: str
    count: int
    previous: int


class ReportOut(BaseModel):
    """The recovery figures of a period (cases opened in [start, end))."""

    brand: str
    start: datetime
    end: datetime
    opened: int
    responded: int
    closed: int
    median_response_minutes: float | None
    p90_response_minutes: float | None
    sla_hit_rate: float | None
    resolution_rate: float | None
    win_back_rate: float | None
    root_causes: list[RootCauseCount]
    compensation_cents: dict[str, int]

    @classmethod
    def of(cls, report: Report, brand: str) -> ReportOut:
        """From a computed report."""
        return cls(
            brand=brand,
            start=report.start,
            end=report.end,
            opened=report.opened,
            responded=report.responded,
            closed=report.closed,
            median_response_minutes=report.median_response_minutes,
            p90_response_minutes=report.p90_response_minutes,
            sla_hit_rate=report.sla_hit_rate,
            resolution_rate=report.resolution_rate,
            win_back_rate=report.win_back_rate,
            root_causes=[
                RootCauseCount(name=n, count=c, previous=p) for n, c, p in report.root_causes
            ],
            compensation_cents=report.compensation_cents,
        )


class ClaimIn(BaseModel):
    """Claim the case yourself, or (approvers) give it to `assignee`."""

    model_config = ConfigDict(extra="forbid")

    version: int = Version
    assignee: str = Field(
        "", max_length=80, description="username to assign (approvers); empty: claim it yourself"
    )


class TakeOverIn(BaseModel):
    """Take a case someone else holds: audited, and they are told."""

    model_config = ConfigDict(extra="forbid")

    version: int = Version


class CloseIn(BaseModel):
    """Close the case with its outcome; a root cause must be set first (except for spam)."""

    model_config = ConfigDict(extra="forbid")

    version: int = Version
    outcome: Literal[OUTCOMES]  # type: ignore[valid-type]
    note: str = Field("", max_length=2000)


class ReopenIn(BaseModel):
    """Reopen a closed case, saying why."""

    model_config = ConfigDict(extra="forbid")

    version: int = Version
    reason: str = Field(min_length=1, max_length=2000)


# --- staff feedback on the flag (issue 12) ------------------------------------------------------


class DismissIn(BaseModel):
    """ "Not a complaint": close the case without a root cause, with a reason (reversible)."""

    model_config = ConfigDict(extra="forbid")

    version: int = Version
    reason: Literal["not_negative", "not_about_us", "spam_or_bot", "handled_elsewhere"]
    note: str = Field("", max_length=2000)


class UndoDismissalIn(BaseModel):
    """Undo "not a complaint": the case reopens, or the author's open case carries on."""

    model_config = ConfigDict(extra="forbid")

    version: int = Version
    note: str = Field("", max_length=2000)


class MissedIn(BaseModel):
    """ "Missed complaint" on an unflagged mention."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=2000)


class MissedOut(BaseModel):
    """The case that now holds the mention, its label, and whether this call made them."""

    case_id: int
    label_id: int
    created: bool
