"""The worker's jobs of the answer side: importable "module:function", picklable args only.

APScheduler stores each job by reference in the database, so these functions take only the
config path (and a channel key) and load what they need through `monitor.jobs.context`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from monitor import leases
from monitor.jobs.context import context, worker_id
from monitor.jobs.incidents import watch
from monitor.jobs.polling import poll_channel
from monitor.mention import utcnow
from responders.alerts.chat import route_alerts
from responders.alerts.digest import queue_digests
from responders.alerts.mail import queue_alerts
from responders.cases import lifecycle
from responders.cases.sla_warnings import raise_sla_warnings
from responders.outbox.dispatch import SENDERS, process_due


def send_emails(config_path: str) -> None:
    """Queue pending alerts (under the "alerts" lease); send due e-mails, chats, webhooks now."""
    ctx = context(config_path)
    now = utcnow()
    seconds = ctx.settings.worker.lease_seconds
    with leases.held(ctx.factory, "alerts", worker_id(), seconds, now) as mine:
        if mine:
            queue_alerts(ctx.settings, ctx.factory, now)
            route_alerts(ctx.settings, ctx.factory, now)  # the chat routes, if any
    # Webhooks too: a poll that opened a case has just emitted case.opened.
    _drain(config_path, ("email", "notify", "webhook"))


def _drain(config_path: str, kinds: tuple[str, ...], rounds: int = 10) -> None:
    ctx = context(config_path)
    for _ in range(rounds):
        done = process_due(
            ctx.settings,
            ctx.factory,
            worker_id(),
            kinds,
            lease_seconds=ctx.settings.worker.lease_seconds,
        )
        if not done:
            return


def poll_job(config_path: str, key: str) -> None:
    """Poll a channel; if anything new arrived, mail its alerts now rather than at the next run."""
    reports = poll_channel(context(config_path), key, worker_id())
    if reports and any(r.cases_opened or r.cases_attached for r in reports):
        send_emails(config_path)


def outbox_job(config_path: str) -> None:
    """Send every due outbox item (replies and e-mails) this worker can claim."""
    _drain(config_path, tuple(SENDERS))


def alerts_job(config_path: str) -> None:
    """Raise the SLA warnings now due, then turn new and held alerts into e-mails and send them."""
    ctx = context(config_path)
    _leased(
        config_path,
        "sla_warnings",
        lambda now: raise_sla_warnings(ctx.settings, ctx.factory, now),
    )
    send_emails(config_path)


def spike_job(config_path: str) -> None:
    """Watch for spikes and viral posts; mail a crisis alert at once."""
    if watch(context(config_path), worker_id()):
        send_emails(config_path)


def _leased(config_path: str, name: str, run: Callable[[datetime], object]) -> None:
    """Run `run(now)` under lease `name`, unless another worker holds it."""
    ctx = context(config_path)
    now = utcnow()
    seconds = ctx.settings.worker.lease_seconds
    with leases.held(ctx.factory, name, worker_id(), seconds, now) as mine:
        if mine:
            run(now)


def follow_ups_job(config_path: str) -> None:
    """Bring cases whose follow-up is due back into the queue (responders.cases.lifecycle)."""
    ctx = context(config_path)
    _leased(
        config_path,
        "follow_ups",
        lambda now: lifecycle.due_follow_ups(ctx.settings, ctx.factory, now),
    )


def digest_job(config_path: str) -> None:
    """Queue each brand's daily digest once it is due, then send it."""
    ctx = context(config_path)
    _leased(config_path, "digest", lambda now: queue_digests(ctx.settings, ctx.factory, now))
    _drain(config_path, ("email", "notify"))
