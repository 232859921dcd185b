"""The ingest pipeline: poll -> match -> dedupe -> score -> store -> open or attach recovery cases.

One page is stored in one transaction together with the channel's new cursor, so a crash between
fetch and commit re-fetches the page instead of skipping it, and re-running changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from monitor.events import case_data, emit_many, flagged_data
from monitor.health import (
    budget_refusal,
    failure_retry_after,
    month_key,
    next_poll_time,
    spent_this_month,
    start_of_next_month,
)
from monitor.ingest import case_writes, normalize, routing, writes
from monitor.ingest.gaps import record_gaps
from monitor.learned.brand_models import BrandModels
from monitor.matching import BrandMatcher, BrandRule, compile_brand
from monitor.mention import Mention, author_key, clean_text, utcnow
from monitor.retry import clamp_wait
from monitor.scoring import score_mention, severity_rank
from monitor.scoring.foreign import brand_lexicons
from monitor.secrets import mask_known
from monitor.settings import BrandSettings, ChannelSettings, Settings
from monitor.sources.base import Budget, PollResult, Rejected, Source, SourceError
from monitor.storage import models as m

log = logging.getLogger(__name__)

# Errors that are not one row's fault (a lost connection, a lock timeout): they fail the page,
# which is then fetched again. Anything else a row makes the database or driver refuse (too
# long, NUL, out of range, not serializable, a constraint) is that row's alone.
PAGE_FAULTS = (OperationalError, InterfaceError)


@dataclass
class IngestReport:
    """What one poll of one channel did."""

    channel: str
    fetched: int = 0
    new: int = 0
    duplicates: int = 0
    unmatched: int = 0
    flagged: int = 0
    quarantined: int = 0
    gaps: int = 0  # stretches this poll could not reach back over, newly recorded
    cases_opened: list[int] = field(default_factory=list)
    cases_attached: list[int] = field(default_factory=list)
    calls: int = 0
    exhausted: bool = True
    skipped: str = ""  # why the poll did not happen (backing off), if it didn't
    error: str = ""


def brand_matcher(brand: BrandSettings) -> BrandMatcher:
    """Compile a brand's matching rules from its settings."""
    return compile_brand(
        BrandRule(
            name=brand.name,
            keywords=tuple(brand.keywords),
            aliases=tuple(brand.aliases),
            handles=tuple(brand.handles),
            hashtags=tuple(brand.hashtags),
            exclusions=tuple(brand.exclusions),
            queries=tuple(brand.queries),
        )
    )


class Pipeline:
    """Runs polls of configured channels and stores what they return."""

    def __init__(
        self,
        settings: Settings,
        factory: sessionmaker[Session],
        clock: Callable[[], datetime] = utcnow,
        no_cases_older_than: timedelta | None = None,
    ):
        self.settings = settings
        self.factory = factory
        self.clock = clock
        # Posts older than this are stored and scored but open no case and raise no alert.
        self.no_cases_older_than = no_cases_older_than
        self._matchers = {b.name: brand_matcher(b) for b in settings.brands}
        # The learned flag per brand (its `learned` setting), each model parsed once.
        self.learned = BrandModels()

    def poll_channel(
        self, brand: BrandSettings, channel: ChannelSettings, source: Source, force: bool = False
    ) -> IngestReport:
        """Poll one page of `source` and store it; failures are recorded, not raised."""
        report = IngestReport(channel=source.name)
        now = self.clock()
        with self.factory() as session, session.begin():
            row = writes.get_or_create_channel(session, source.name, brand.name, source.platform)
            if not force and row.next_poll_after and row.next_poll_after > now:
                report.skipped = f"backing off until {row.next_poll_after.isoformat()}"
                return report
            cursor = dict(row.cursor or {})
            budget: Budget | None = getattr(source, "budget", None)
            if budget is not None:
                refusal = budget_refusal(
                    row.spend_month, row.spend_cents, budget.cap_cents,
                    budget.max_poll_cost_cents, now,
                )  # fmt: skip
                if refusal:
                    report.error = f"{source.name}: {refusal}"
                    self._refuse_over_budget(session, row, report.error, now)
                    return report
        try:
            result = source.poll(cursor)
        except SourceError as exc:
            report.error = mask_known(str(exc))
            report.quarantined = len(exc.rejected)
            retry_after = failure_retry_after(exc.retry_after, exc.permanent)
            self._record_failure(source.name, report.error, retry_after, channel, exc.rejected)
            return report
        except Exception as exc:  # a bug in a source is still a failing channel
            return self._unexpected(source.name, exc, channel, report)
        # A row the database refuses is quarantined inside; what still escapes store_page is the
        # database itself failing: the page rolls back and is fetched again on the next poll.
        return self.store_page(brand, source.name, result, report)

    def _unexpected(
        self, key: str, exc: Exception, channel: ChannelSettings, report: IngestReport
    ) -> IngestReport:
        """Record an exception nobody expected as a channel failure: back-off, count, alert."""
        log.exception("channel %s: unexpected error while polling", key)
        text = f"{key}: unexpected {type(exc).__name__} while polling: {exc}"
        report.error = mask_known(clean_text(text))
        self._record_failure(key, report.error, None, channel)
        return report

    def store_page(
        self, brand: BrandSettings, key: str, result: PollResult, report: IngestReport | None = None
    ) -> IngestReport:
        """Store one page and move the channel's cursor, all in one transaction."""
        report = report or IngestReport(channel=key)
        report.fetched = len(result.mentions)
        report.calls = result.calls
        report.exhausted = result.exhausted
        now = self.clock()
        mentions, unusable = normalize.split(result.mentions, now)
        with self.factory() as session, session.begin():
            channel = writes.get_or_create_channel(session, key, brand.name, "")
            unstorable = self._ingest_isolated(session, brand, key, mentions, report, now)
            rejected = [*result.rejected, *unusable, *unstorable]
            writes.quarantine(session, key, rejected)
            report.quarantined = len(rejected)
            report.gaps = record_gaps(session, channel, result.gaps, now)
            channel.cursor = result.next_cursor
            channel.last_poll_at = now
            channel.last_success_at = now
            channel.consecutive_failures = 0
            channel.last_error = ""
            channel.down_since = None
            channel.down_alerted_at = None
            wait = clamp_wait(result.retry_after)
            channel.next_poll_after = now + timedelta(seconds=wait) if wait else None
            channel.api_calls += result.calls
            channel.mentions_ingested += report.new
            if result.cost_cents:
                month = month_key(now)
                spent = spent_this_month(channel.spend_month, channel.spend_cents, now)
                channel.spend_month = month
                channel.spend_cents = spent + result.cost_cents
        return report

    def _ingest_isolated(
        self,
        session: Session,
        brand: BrandSettings,
        key: str,
        mentions: Sequence[Mention],
        report: IngestReport,
        now: datetime,
    ) -> list[Rejected]:
        """Store the page in one go; if one row breaks it, store row by row and reject that row.

        Each attempt runs in a SAVEPOINT, so a refused row leaves the rest of the page (and the
        cursor) to commit. A lost connection is not a row's fault: it fails the whole page.
        """
        if self._attempt(session, brand, key, mentions, report, now) is None:
            return []
        refused: list[Rejected] = []
        for mention in mentions:  # find the row that broke the page: store them one by one
            exc = self._attempt(session, brand, key, [mention], report, now)
            if exc is None:
                continue
            # The driver's own message, without the SQL statement SQLAlchemy appends.
            reason = getattr(exc, "orig", None) or exc
            detail = clean_text(f"{type(reason).__name__}: {reason}")[:500]
            refused.append(
                Rejected(
                    f"{key}:{mention.external_id}",
                    f"could not be stored: {detail}",
                    normalize.raw_text(normalize.as_record(mention)),
                )
            )
            log.warning("channel %s: quarantined %s: %s", key, mention.external_id, detail)
        return refused

    def _attempt(
        self,
        session: Session,
        brand: BrandSettings,
        key: str,
        mentions: Sequence[Mention],
        report: IngestReport,
        now: datetime,
    ) -> Exception | None:
        """Store `mentions` in a SAVEPOINT: None when stored, else what refused them (undone)."""
        before = _counters(report)
        try:
            with session.begin_nested():
                self.ingest_mentions(session, brand, key, mentions, report, now)
        except PAGE_FAULTS:
            raise
        except Exception as exc:  # a row's fault: the savepoint and the report's counts undone
            _restore(report, before)
            return exc
        return None

    def ingest_mentions(
        self,
        session: Session,
        brand: BrandSettings,
        key: str,
        mentions: Sequence[Mention],
        report: IngestReport,
        now: datetime,
    ) -> None:
        """Match, dedupe, score and store mentions of one brand; open or attach cases."""
        matcher = self._matchers[brand.name]
        matched = [x for x in mentions if matcher.matches(x.text)]
        report.unmatched += len(mentions) - len(matched)
        if not matched:
            return
        existing = writes.stored_keys(session, [x.key for x in matched])
        fresh: dict[tuple[str, str], Mention] = {}
        for mention in matched:
            if mention.key in existing or mention.key in fresh:
                report.duplicates += 1
            else:
                fresh[mention.key] = mention
        if not fresh:
            return
        handles = tuple(brand.handles)
        lexicons = brand_lexicons(brand.lexicons)  # read at config load: a cache hit here
        scores = {  # the language was detected when the mention was normalized
            k: score_mention(x, brand_handles=handles, now=now, lang=x.lang, lexicons=lexicons)
            for k, x in fresh.items()
        }
        if brand.learned != "off":
            texts = {k: x.text for k, x in fresh.items()}
            scores = self.learned.rejudge(
                session, brand.name, brand.learned, handles, texts, scores
            )
        authors = writes.upsert_authors(session, fresh.values())
        inserted = writes.insert_mentions(session, brand.name, key, fresh, scores, authors, now)
        report.new += len(inserted)
        report.duplicates += len(fresh) - len(inserted)
        flagged = [(k, mention_id) for k, mention_id in inserted.items() if scores[k].flagged]
        report.flagged += len(flagged)
        emit_many(
            session,
            "mention.flagged",
            (flagged_data(brand, fresh[k], mention_id, scores[k]) for k, mention_id in flagged),
        )
        # History (a backfill's old posts) is stored and scored but opens or joins no case.
        oldest = now - self.no_cases_older_than if self.no_cases_older_than else None
        items = []
        for index, (k, mention_id) in enumerate(inserted.items()):
            x = fresh[k]
            if oldest is None or x.created_at is None or x.created_at >= oldest:
                author = authors[author_key(x)]
                items.append(routing.Routed(index, mention_id, author, scores[k], x.created_at,
                                            x.platform))  # fmt: skip
        self._route_to_cases(session, brand, items, report, now)

    def _route_to_cases(
        self,
        session: Session,
        brand: BrandSettings,
        items: Sequence[routing.Routed],
        report: IngestReport,
        now: datetime,
    ) -> None:
        """Open, join or escalate the authors' cases for the page's new mentions, in bulk.

        Each author's open case and recently closed case are loaded for the whole page at once;
        routing decides in memory; case_writes writes it with one statement per kind of row.
        """
        if not items:
            return
        alert_rank = severity_rank(self.settings.alerts.min_severity)
        groups = routing.by_author(items)
        cases = case_writes.PageCases(brand.name, now - timedelta(days=brand.win_back_days))
        cases.load(session, groups)
        plans = routing.plan_page(groups, *cases.states(), alert_rank)
        calendar = self.settings.calendar_for(brand.name)
        lost = case_writes.insert_new_cases(session, brand.name, plans, self.settings.sla, calendar)
        if lost:
            # Another worker opened these authors' cases a moment ago: join theirs instead.
            cases.load(session, lost)
            again = routing.plan_page({a: groups[a] for a in lost}, *cases.states(), alert_rank)
            if case_writes.insert_new_cases(
                session, brand.name, again, self.settings.sla, calendar
            ):
                raise IntegrityError("opening a case", None, ValueError("case opened twice"))
            plans.update(again)
        case_writes.write_plans(session, plans, cases, brand.win_back_days, now)
        for _, how, case in routing.outcomes_in_order(plans.values()):
            assert case.id is not None
            (report.cases_opened if how == "opened" else report.cases_attached).append(case.id)
        opened = select(m.RecoveryCase).where(m.RecoveryCase.id.in_(report.cases_opened))
        # Lazy: the opened cases are loaded only when some endpoint subscribes to case.opened.
        emit_many(session, "case.opened", (case_data(c) for c in session.scalars(opened)))

    def _refuse_over_budget(
        self, session: Session, row: m.Channel, error: str, now: datetime
    ) -> None:
        """A paid channel at its cap: no poll until next month, and one alert for the month."""
        row.last_error = error[:2000]
        row.last_poll_at = now
        row.next_poll_after = start_of_next_month(now)
        writes.raise_channel_alert(
            session, row, "spend_cap", f"spend_cap:{row.key}:{month_key(now)}", "high",
            {"error": error, "spend_cents": row.spend_cents, "month": row.spend_month},
        )  # fmt: skip
        log.warning("channel %s not polled: %s", row.key, error)

    def _record_failure(
        self,
        key: str,
        error: str,
        retry_after: float | None,
        channel: ChannelSettings,
        rejected: Sequence[Rejected] = (),
    ) -> None:
        now = self.clock()
        with self.factory() as session, session.begin():
            row = session.scalars(select(m.Channel).where(m.Channel.key == key)).one()
            # A malformed page is kept for a person to inspect, even though the poll failed.
            writes.quarantine(session, key, rejected)
            row.consecutive_failures += 1
            row.last_failure_at = now
            row.last_poll_at = now
            row.last_error = clean_text(error)[:2000]
            row.down_since = row.down_since or now
            row.next_poll_after = next_poll_time(now, row.consecutive_failures, retry_after)
            writes.maybe_raise_channel_down(session, row, channel.down_after_minutes, now)
        log.warning("channel %s failed (%d in a row): %s", key, row.consecutive_failures, error)


def _counters(report: IngestReport) -> dict[str, Any]:
    """The counts a failed attempt may have changed, to put back."""
    return {
        "new": report.new,
        "duplicates": report.duplicates,
        "unmatched": report.unmatched,
        "flagged": report.flagged,
        "cases_opened": list(report.cases_opened),
        "cases_attached": list(report.cases_attached),
    }


def _restore(report: IngestReport, counters: dict[str, Any]) -> None:
    for name, value in counters.items():
        setattr(report, name, value)


def page_summary(report: IngestReport) -> dict[str, Any]:
    """A report as a plain dict for logs and the CLI."""
    return {
        "channel": report.channel,
        "fetched": report.fetched,
        "new": report.new,
        "duplicates": report.duplicates,
        "flagged": report.flagged,
        "opened": len(report.cases_opened),
        "attached": len(report.cases_attached),
        "quarantined": report.quarantined,
        "error": report.error,
    }
