"""The background worker: the APScheduler schedule kept in the database, and the SQLite guard.

The scheduler in each worker decides *when* a job is due; the database decides *who* runs it
(leases in monitor.leases, SKIP LOCKED claims in the outbox). Jobs live in the same database
(SQLAlchemyJobStore), so a restart keeps the schedule. On SQLite exactly one worker runs: a
second one is refused while the first holds the "worker" lease (PostgreSQL scales past one).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import text
from sqlalchemy.engine import make_url

from monitor import heartbeat, leases
from monitor.jobs.context import context, forget_contexts, worker_id
from monitor.mention import utcnow
from monitor.settings import Settings
from monitor.sources import channel_key
from monitor.storage.engine import make_engine

log = logging.getLogger(__name__)
JOB_PREFIX = "makegood:"
SQLITE_LEASE = "worker:sqlite"


class WorkerRefused(RuntimeError):
    """Another worker already runs on this SQLite database."""


@dataclass(frozen=True)
class JobSpec:
    """A scheduled job: its id, its importable function, interval and picklable arguments."""

    id: str
    func: str  # "module:function"
    seconds: float
    args: tuple[str, ...]


# The fixed jobs (besides one poll job per channel): (name, function, interval setting).
FIXED_JOBS: tuple[tuple[str, str, str], ...] = (
    ("outbox", "responders.worker.jobs:outbox_job", "outbox_interval_seconds"),
    ("alerts", "responders.worker.jobs:alerts_job", "alerts_interval_seconds"),
    ("spike", "responders.worker.jobs:spike_job", "spike_interval_seconds"),
    ("refresh", "monitor.jobs.refresh:refresh_job", "refresh_interval_seconds"),
    ("follow_ups", "responders.worker.jobs:follow_ups_job", "follow_up_interval_seconds"),
    ("digest", "responders.worker.jobs:digest_job", "digest_check_seconds"),
    ("retrain", "monitor.jobs.retrain:retrain_job", "retrain_interval_seconds"),
)


def job_specs(settings: Settings, config_path: str) -> list[JobSpec]:
    """Every job this configuration schedules: one per enabled channel, then the fixed ones."""
    specs = [
        JobSpec(
            id=f"{JOB_PREFIX}poll:{channel_key(brand, channel)}",
            func="responders.worker.jobs:poll_job",
            seconds=channel.interval_seconds,
            args=(config_path, channel_key(brand, channel)),
        )
        for brand in settings.brands
        for channel in brand.channels
        if channel.enabled
    ]
    for name, func, interval in FIXED_JOBS:
        seconds = getattr(settings.worker, interval)
        specs.append(JobSpec(f"{JOB_PREFIX}{name}", func, seconds, (config_path,)))
    return specs


class _Scheduler(BackgroundScheduler):
    """A BackgroundScheduler that looks for due jobs no more once it is shut down.

    APScheduler 3 checks for "stopped" only at the top of its loop: a wake-up landing just after
    `shutdown()` still submits due jobs to the closed thread pool and logs a traceback. The check
    is made under the job-store lock, the one `shutdown()` closes the executors under.
    """

    def _process_jobs(self) -> float | None:
        with self._jobstores_lock:
            if self.state == STATE_STOPPED:
                return None
            return super()._process_jobs()  # type: ignore[no-any-return]


def build_scheduler(settings: Settings) -> BackgroundScheduler:
    """A background scheduler whose jobs persist in the application database."""
    engine = make_engine(settings.database_url)
    store = SQLAlchemyJobStore(engine=engine, tablename="apscheduler_jobs")
    with engine.begin() as conn:
        # Workers starting together would race to create the table: serialise on PostgreSQL.
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('makegood:apscheduler'))"))
        store.jobs_t.create(conn, checkfirst=True)
    return _Scheduler(
        jobstores={"default": store},
        executors={"default": ThreadPoolExecutor(max_workers=4)},
        job_defaults={
            "coalesce": True,  # a worker back from a pause runs a missed job once, not n times
            "max_instances": 1,  # a job never overlaps itself in one worker
            "misfire_grace_time": settings.worker.misfire_grace_seconds,
        },
        timezone="UTC",
    )


def sync_jobs(scheduler: BackgroundScheduler, specs: list[JobSpec], jitter: float) -> None:
    """Make the stored schedule match the configuration: add or update jobs, drop stale ones."""
    wanted = {spec.id for spec in specs}
    for job in scheduler.get_jobs():
        if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
            with contextlib.suppress(JobLookupError):  # another worker removed it first
                job.remove()
    for spec in specs:
        scheduler.add_job(
            spec.func,
            IntervalTrigger(seconds=spec.seconds, jitter=min(jitter, spec.seconds * 0.1) or None),
            args=list(spec.args),
            id=spec.id,
            name=spec.id.removeprefix(JOB_PREFIX),
            replace_existing=True,
        )


def is_sqlite(settings: Settings) -> bool:
    """Whether the configured database is SQLite (one worker only)."""
    return make_url(settings.database_url).get_backend_name() == "sqlite"


class Worker:
    """One worker process: the scheduler plus, on SQLite, the single-worker guard."""

    def __init__(self, settings: Settings, config_path: str):
        self.settings = settings
        self.config_path = config_path
        self.owner = worker_id()
        self.scheduler: BackgroundScheduler | None = None

    def start(self) -> None:
        """Claim the database (SQLite), start the scheduler with the configured jobs."""
        ctx = context(self.config_path)
        if is_sqlite(self.settings):
            now = utcnow()
            seconds = self.settings.worker.lease_seconds
            with ctx.factory() as session, session.begin():
                if not leases.try_acquire(session, SQLITE_LEASE, self.owner, seconds, now):
                    holder = leases.holder(session, SQLITE_LEASE, now)
                    raise WorkerRefused(
                        f"another worker ({holder}) already runs on this SQLite database; on "
                        "SQLite one worker runs — use PostgreSQL for several, or wait "
                        f"{seconds} s if that worker has died"
                    )
        self.scheduler = build_scheduler(self.settings)
        self.scheduler.start(paused=True)
        specs = job_specs(self.settings, self.config_path)
        sync_jobs(self.scheduler, specs, self.settings.worker.jitter_seconds)
        # The heartbeat runs in memory: it belongs to this process, not the shared schedule.
        # It stamps this worker's row for /readyz and, on SQLite, renews the guard's lease.
        self.scheduler.add_jobstore("memory", alias="local")
        self.scheduler.add_job(
            self._heartbeat,
            IntervalTrigger(seconds=self._heartbeat_seconds()),
            id="heartbeat",
            jobstore="local",
        )
        self._heartbeat()  # ready at once, not one interval later
        self.scheduler.resume()
        log.info("worker %s started with %d jobs", self.owner, len(specs))

    def _heartbeat_seconds(self) -> float:
        """How often to beat: often enough for the SQLite lease and for /readyz's staleness."""
        every = self.settings.health.worker_stale_seconds / 4
        if is_sqlite(self.settings):
            every = min(every, self.settings.worker.lease_seconds / 3)
        return max(every, 1.0)

    def _heartbeat(self) -> None:
        ctx = context(self.config_path)
        now = utcnow()
        with ctx.factory() as session, session.begin():
            heartbeat.beat(session, self.owner, self.settings.health.worker_stale_seconds, now)
            if is_sqlite(self.settings):
                leases.renew(
                    session, SQLITE_LEASE, self.owner, self.settings.worker.lease_seconds, now
                )

    def stop(self) -> None:
        """Stop scheduling and wait for running jobs to finish their write, then let go."""
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=True)
            self.scheduler = None
        ctx = context(self.config_path)
        with ctx.factory() as session, session.begin():
            leases.release(session, SQLITE_LEASE, self.owner, done=False)
            heartbeat.forget(session, self.owner)
        forget_contexts()
        log.info("worker %s stopped", self.owner)
