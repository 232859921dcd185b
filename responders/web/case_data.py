"""What the case page shows: the mention in context, the author's history, steps and drafts."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, aliased

from monitor.platforms import PLATFORMS
from monitor.settings import Settings
from monitor.storage import models as m
from responders.replies.drafting import (
    REPLY_KINDS,
    find_template,
    template_languages,
)
from responders.replies.drafting import reply_variables as make_variables
from responders.replies.languages import normalize as normalize_language
from responders.web.deps import by_id

CHANNELS = ("public", "dm", "manual")


@dataclass
class StepState:
    """One of the ten recovery steps and who did it when."""

    name: str
    events: list[tuple[m.CaseEvent, str]] = field(default_factory=list)

    @property
    def done(self) -> bool:
        """Whether anyone recorded this step."""
        return bool(self.events)


@dataclass
class CaseView:
    """Everything the case page needs, loaded in a handful of queries."""

    case: m.RecoveryCase
    mention: m.Mention | None
    author: m.Author | None
    mentions: list[m.Mention]
    earlier_mentions: list[m.Mention]
    other_cases: list[m.RecoveryCase]
    events: list[tuple[m.CaseEvent, str]]
    steps: list[StepState]
    drafts: list[tuple[m.ReplyDraft, str, str]]
    assignee: str


# Built once at import: building a select() and its cache key costs more than running it here.
_WRITER, _APPROVER = aliased(m.User), aliased(m.User)
MENTIONS_OF_CASE = (
    select(m.Mention)
    .where(m.Mention.case_id == bindparam("case_id"))
    .order_by(m.Mention.created_at)
)
EARLIER_MENTIONS = (
    select(m.Mention)
    .where(
        m.Mention.author_id == bindparam("author_id"),
        (m.Mention.case_id != bindparam("case_id")) | m.Mention.case_id.is_(None),
    )
    .order_by(m.Mention.created_at.desc())
    .limit(20)
)
OTHER_CASES = (
    select(m.RecoveryCase)
    .where(
        m.RecoveryCase.author_id == bindparam("author_id"),
        m.RecoveryCase.id != bindparam("case_id"),
    )
    .order_by(m.RecoveryCase.opened_at.desc())
    .limit(20)
)
EVENTS = (
    select(m.CaseEvent, m.User.username)
    .outerjoin(m.User, m.User.id == m.CaseEvent.user_id)
    .where(m.CaseEvent.case_id == bindparam("case_id"))
    .order_by(m.CaseEvent.id)
)
DRAFTS = (
    select(m.ReplyDraft, _WRITER.username, _APPROVER.username)
    .outerjoin(_WRITER, _WRITER.id == m.ReplyDraft.author_user_id)
    .outerjoin(_APPROVER, _APPROVER.id == m.ReplyDraft.approved_by)
    .where(m.ReplyDraft.case_id == bindparam("case_id"))
    .order_by(m.ReplyDraft.id.desc())
)


def load_case_view(session: Session, case: m.RecoveryCase) -> CaseView:
    """Load a case with its mentions, author history, events and drafts."""
    ids = {"case_id": case.id, "author_id": case.author_id}
    mentions = list(session.scalars(MENTIONS_OF_CASE, ids))
    # Usually among `mentions` already: then this is an identity-map hit, not a query.
    mention = by_id(session, m.Mention, case.first_mention_id) if case.first_mention_id else None
    author = by_id(session, m.Author, case.author_id) if case.author_id else None
    earlier = list(session.scalars(EARLIER_MENTIONS, ids))
    other_cases = list(session.scalars(OTHER_CASES, ids))
    events = [(event, name or "system") for event, name in session.execute(EVENTS, ids)]
    steps = [StepState(name) for name in m.RECOVERY_STEPS]
    by_name = {s.name: s for s in steps}
    for event, name in events:
        if event.kind == "step" and event.step in by_name:
            by_name[event.step].events.append((event, name))
    drafts = [(draft, w or "", a or "") for draft, w, a in session.execute(DRAFTS, ids)]
    assignee = by_id(session, m.User, case.assignee_id) if case.assignee_id else None
    return CaseView(
        case=case,
        mention=mention,
        author=author,
        mentions=mentions,
        earlier_mentions=earlier,
        other_cases=other_cases,
        events=events,
        steps=steps,
        drafts=drafts,
        assignee=assignee.username if assignee else "",
    )


def public_reply_allowed(mention: m.Mention | None) -> bool:
    """Whether a public reply may be queued (X: only when the author addressed the brand)."""
    if not (mention and mention.reply_allowed):
        return False
    record = PLATFORMS.get(mention.platform)
    return record is None or record.public_reply  # a name without a record is not refused


def channels_for(mention: m.Mention | None) -> list[str]:
    """The reply channels offered for this mention (a DM where the platform has them)."""
    record = PLATFORMS.get(mention.platform) if mention else None
    dm = record is None or record.dm
    return [
        c
        for c in CHANNELS
        if (c != "public" or public_reply_allowed(mention)) and (c != "dm" or dm)
    ]


SOURCES_TTL = 10.0  # seconds: an edited reply template shows in the editor within this
_sources: dict[tuple[str, str], tuple[float, dict[str, dict[str, Any]]]] = {}


def template_sources(settings: Settings, platform: str) -> dict[str, dict[str, Any]]:
    """For each reply kind with a template: the file chosen for this platform and its text.

    `variants` maps each language the kind has a file in ('' for the default) to that file
    and its text, chosen for this platform the same way.

    Kept for SOURCES_TTL seconds per folder and platform, so a case page does not look up and
    read five files on every view.
    """
    key = (str(settings.templates_dir), platform)
    now = time.monotonic()
    cached = _sources.get(key)
    if cached is not None and now - cached[0] < SOURCES_TTL:
        return cached[1]
    found = _read_sources(Path(settings.templates_dir), platform)
    _sources[key] = (now, found)
    return found


def _read_sources(folder: Path, platform: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for kind in REPLY_KINDS:
        path = find_template(folder, kind, "warm", platform)
        if path is None:
            continue
        variants: dict[str, dict[str, str]] = {"": _file(path)}
        for lang in template_languages(folder, kind):
            localized = find_template(folder, kind, "warm", platform, lang)
            if localized is not None:
                variants[lang] = _file(localized)
        found[kind] = {**_file(path), "variants": variants}
    return found


def _file(path: Path) -> dict[str, str]:
    return {"file": path.name, "source": path.read_text(encoding="utf-8")}


def forget_sources() -> None:
    """Drop the cached template texts (after an admin saved a template: show it at once)."""
    _sources.clear()


def choose_variant(sources: dict[str, dict[str, Any]], kind: str, lang: str) -> str:
    """The variant of `kind` the editor preselects: the post's language if it has one, else ''."""
    code = normalize_language(lang)
    variants = sources.get(kind, {}).get("variants", {})
    return code if code and code in variants else ""


def case_variables(
    settings: Settings,
    case: m.RecoveryCase,
    mention: m.Mention | None,
    user: m.User,
    delivery: str = "public",
) -> dict[str, Any]:
    """The variables a reply template sees for this case."""
    try:
        signature = settings.brand(case.brand).signature
    except KeyError:
        signature = ""
    return make_variables(
        customer=mention.author_handle if mention else "",
        brand=case.brand,
        category=case.category,
        signature=signature,
        staff=user.display_name or user.username,
        case_id=case.id,
        platform=case.platform,
        post_url=mention.url if mention else "",
        delivery=delivery,
    )
