"""/metrics: Prometheus metrics computed from the database at scrape time (a custom collector).

Everything here is read from tables every process shares, so any web worker answers the same
and nothing needs PROMETHEUS_MULTIPROC_DIR: what the worker counts (polls, failures, their time,
mentions flagged) it writes to `poll_stats` and `channels`; queue depth, SLA breaches, the
outbox and alert deliveries are counted from their rows. One scrape is seven aggregate queries.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    Metric,
    SummaryMetricFamily,
)
from prometheus_client.registry import Collector
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from monitor import heartbeat
from monitor.health import is_down
from monitor.settings import Settings
from monitor.sources import channel_key
from monitor.storage import models as m

log = logging.getLogger(__name__)
ACTIVE_STATUSES = ("open", "awaiting_approval")  # the review queue's cases
BACKLOG_STATES = ("pending", "sending")  # outbox items not yet sent nor given up


def _counter(name: str, doc: str, labels: list[str]) -> CounterMetricFamily:
    return CounterMetricFamily(f"makegood_{name}", doc, labels=labels)


def _gauge(name: str, doc: str, labels: list[str]) -> GaugeMetricFamily:
    return GaugeMetricFamily(f"makegood_{name}", doc, labels=labels)


class DatabaseCollector(Collector):
    """Collects makegood's metrics from the database on each scrape."""

    def __init__(
        self,
        settings: Settings,
        factory: sessionmaker[Session],
        clock: Callable[[], datetime],
    ) -> None:
        self.settings = settings
        self.factory = factory
        self.clock = clock

    def collect(self) -> Iterator[Metric]:
        """Every metric family; only `makegood_database_up 0` when the database fails."""
        up = _gauge("database_up", "Whether the last scrape could read the database.", [])
        try:
            with self.factory() as session:
                families = [*self._collect(session, self.clock())]
        except Exception:
            log.warning("metrics: cannot read the database", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _collect(self, session: Session, now: datetime) -> Iterator[Metric]:
        yield from self._channels(session, now)
        yield from self._polls(session)
        yield from self._cases(session, now)
        yield from self._outbox(session, now)
        yield from self._alerts(session)
        yield from self._workers(session, now)

    def _channels(self, session: Session, now: datetime) -> Iterator[Metric]:
        labels = ["brand", "channel"]
        ingested = _counter("mentions_ingested", "New mentions stored, per channel.", labels)
        up = _gauge("channel_up", "1 unless the channel is down (failing too long).", labels)
        failing = _gauge("channel_consecutive_failures", "Failed polls in a row.", labels)
        rows = {
            row.key: row
            for row in session.execute(
                select(
                    m.Channel.key,
                    m.Channel.brand,
                    m.Channel.mentions_ingested,
                    m.Channel.consecutive_failures,
                    m.Channel.down_since,
                )
            )
        }
        for brand in self.settings.brands:
            for channel in brand.channels:
                if not channel.enabled:
                    continue
                key = channel_key(brand, channel)
                row = rows.get(key)
                values = [brand.name, key]
                down = row is not None and is_down(row.down_since, now, channel.down_after_minutes)
                up.add_metric(values, 0 if down else 1)
                failing.add_metric(values, row.consecutive_failures if row else 0)
                ingested.add_metric(values, row.mentions_ingested if row else 0)
        yield from (ingested, up, failing)

    def _polls(self, session: Session) -> Iterator[Metric]:
        labels = ["brand", "channel"]
        runs = _counter("poll_runs", "Poll runs (a job's pages, or one sweep).", labels)
        failures = _counter("poll_failures", "Poll runs that ended in an error.", labels)
        flagged = _counter("mentions_flagged", "Mentions flagged for the queue.", labels)
        duration = SummaryMetricFamily(
            "makegood_poll_duration_seconds", "Wall time of poll runs.", labels=labels
        )
        last = _gauge("poll_last_duration_seconds", "Wall time of the latest poll run.", labels)
        for row in session.scalars(select(m.PollStats)):
            values = [row.brand, row.channel_key]
            runs.add_metric(values, row.runs)
            failures.add_metric(values, row.failures)
            flagged.add_metric(values, row.mentions_flagged)
            duration.add_metric(values, count_value=row.runs, sum_value=row.seconds_total)
            last.add_metric(values, row.last_seconds)
        yield from (runs, failures, flagged, duration, last)

    def _cases(self, session: Session, now: datetime) -> Iterator[Metric]:
        labels = ["brand", "severity"]
        depth = _gauge(
            "queue_depth", "Cases in the review queue (open or awaiting approval).", labels
        )
        breached_open = _gauge(
            "sla_breached_open_cases", "Queue cases past their SLA without a response.", labels
        )
        breaches = _counter(
            "sla_breaches", "Cases whose first response came (or is) later than the SLA.", labels
        )
        case_ = m.RecoveryCase
        active = case_.status.in_(ACTIVE_STATUSES)
        late = and_(
            case_.sla_due_at.is_not(None),
            or_(
                case_.first_response_at > case_.sla_due_at,
                and_(case_.first_response_at.is_(None), case_.sla_due_at < now),
            ),
        )
        query = select(
            case_.brand,
            case_.severity,
            func.sum(case((active, 1), else_=0)),
            func.sum(case((and_(active, late), 1), else_=0)),
            func.sum(case((late, 1), else_=0)),
        ).group_by(case_.brand, case_.severity)
        for brand, severity, in_queue, late_open, late_ever in session.execute(query):
            values = [brand, severity]
            depth.add_metric(values, in_queue or 0)
            breached_open.add_metric(values, late_open or 0)
            breaches.add_metric(values, late_ever or 0)
        yield from (depth, breached_open, breaches)

    def _outbox(self, session: Session, now: datetime) -> Iterator[Metric]:
        items = _gauge("outbox_items", "Outbox items by kind and state.", ["kind", "state"])
        age = _gauge(
            "outbox_oldest_pending_age_seconds",
            "Age of the oldest outbox item not yet sent (pending or sending).",
            ["kind"],
        )
        oldest: dict[str, datetime] = {}
        query = select(
            m.OutboxItem.kind, m.OutboxItem.state, func.count(), func.min(m.OutboxItem.created_at)
        ).group_by(m.OutboxItem.kind, m.OutboxItem.state)
        for kind, state, count, first in session.execute(query):
            items.add_metric([kind, state], count)
            if state in BACKLOG_STATES and first is not None:
                oldest[kind] = min(first, oldest.get(kind, first))
        for kind, first in sorted(oldest.items()):
            age.add_metric([kind], max((now - first).total_seconds(), 0.0))
        yield from (items, age)

    def _alerts(self, session: Session) -> Iterator[Metric]:
        alerts = _gauge(
            "alerts",
            "Alerts by kind and delivery: new or held (not queued yet), else their outbox state.",
            ["brand", "kind", "delivery"],
        )
        delivered = _counter("alert_deliveries", "Alert e-mails sent.", ["brand", "kind"])
        delivery = func.coalesce(m.OutboxItem.state, m.Alert.state)
        query = (
            select(m.Alert.brand, m.Alert.kind, delivery, func.count())
            .outerjoin(m.OutboxItem, m.OutboxItem.id == m.Alert.outbox_id)
            .group_by(m.Alert.brand, m.Alert.kind, delivery)
        )
        for brand, kind, state, count in session.execute(query):
            alerts.add_metric([brand, kind, state], count)
            if state == "sent":
                delivered.add_metric([brand, kind], count)
        yield from (alerts, delivered)

    def _workers(self, session: Session, now: datetime) -> Iterator[Metric]:
        stale = self.settings.health.worker_stale_seconds
        alive = _gauge("workers_alive", f"Workers whose heartbeat is under {stale} s old.", [])
        alive.add_metric([], heartbeat.alive(session, now, stale))
        yield alive
        newest, _count = heartbeat.latest(session)
        if newest is not None:
            age = _gauge("worker_heartbeat_age_seconds", "Age of the newest heartbeat.", [])
            age.add_metric([], max((now - newest).total_seconds(), 0.0))
            yield age


def metrics_registry(
    settings: Settings, factory: sessionmaker[Session], clock: Callable[[], datetime]
) -> CollectorRegistry:
    """A registry of its own holding the database collector (nothing process-global)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector(settings, factory, clock))
    return registry


def render(registry: CollectorRegistry) -> bytes:
    """The registry in the Prometheus text exposition format."""
    return generate_latest(registry)
