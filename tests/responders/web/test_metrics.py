"""/metrics over TCP: parsed by prometheus_client, checked against the rows and a real worker."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from monitor import poll_stats
from monitor.ingest import writes
from monitor.ingest.pipeline import IngestReport
from monitor.mention import utcnow
from monitor.settings import load_settings
from monitor.storage import models as m
from responders.outbox.queue import enqueue
from responders.web.app import create_app
from responders.worker.scheduler import Worker
from tests.conftest import make_settings
from tests.fakes.config import write_config
from tests.fakes.smtp import smtp_server
from tests.responders.alerts.helpers import SEVERE
from tests.responders.web.conftest import served
from tests.responders.web.seed import seed_cases
from tests.responders.web.test_health import readiness
from tests.responders.worker.helpers import append, post_line, worker_settings

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
TOKEN = "metrics-token-for-tests-5150"


def scrape(base: str, **headers: str) -> Samples:
    """Every sample of /metrics, keyed by name and labels (the text parsed by prometheus_client)."""
    response = httpx.get(f"{base}/metrics", headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value (KeyError naming what is there when it is missing)."""
    key = (name, frozenset(labels.items()))
    if key not in samples:
        near = sorted(str(dict(k[1])) for k in samples if k[0] == name)
        raise KeyError(f"{name}{labels} not in /metrics; {name} has {near}")
    return samples[key]


def test_the_metrics_agree_with_the_rows(app, factory: sessionmaker[Session], web_settings) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    key = "Kettlebird:replay:demo"
    seed_cases(
        factory,
        [
            {"severity": "high"},  # in the queue, within its SLA
            {"severity": "high", "opened_at": now - timedelta(hours=3)},  # in the queue, late
            {"severity": "critical", "status": "awaiting_approval"},
            {"severity": "low", "status": "closed", "opened_at": now - timedelta(hours=3)},
        ],
    )
    with factory() as session, session.begin():
        closed = session.scalars(select(m.RecoveryCase).where(m.RecoveryCase.status == "closed"))
        for case in closed:  # answered, but after its hour was up: a breach on the record
            case.first_response_at = case.opened_at + timedelta(minutes=90)
            case.sla_due_at = case.opened_at + timedelta(minutes=60)
        channel = writes.get_or_create_channel(session, key, "Kettlebird", "replay")
        channel.mentions_ingested = 7
        channel.down_since = now - timedelta(hours=1)  # down after 30 minutes
        channel.consecutive_failures = 3
        items = {}
        for name, kind, state, minutes_old in [
            ("old", "email", "pending", 10),
            ("new", "email", "pending", 1),
            ("sent", "email", "sent", 60),
            ("dead", "reply", "dead", 120),
        ]:
            items[name] = enqueue(session, kind, f"item-{name}", {})
            session.execute(
                update(m.OutboxItem)
                .where(m.OutboxItem.id == items[name])
                .values(state=state, created_at=now - timedelta(minutes=minutes_old))
            )
        sent, old = items["sent"], items["old"]
        for n, outbox_id in enumerate((sent, old, None)):
            session.add(
                m.Alert(
                    brand="Kettlebird", kind="severity", dedupe_key=f"a{n}", outbox_id=outbox_id
                )
            )
    reports = [IngestReport(channel=key, new=5, flagged=2), IngestReport(channel=key, flagged=1)]
    poll_stats.record_run(factory, key, "Kettlebird", reports, 1.5, now)
    failed = [IngestReport(channel=key, error="HTTP 503")]
    poll_stats.record_run(factory, key, "Kettlebird", failed, 0.5, now)
    skipped = [IngestReport(channel=key, skipped="backing off")]  # not a run at all
    poll_stats.record_run(factory, key, "Kettlebird", skipped, 9.0, now)

    with served(app) as base:
        samples = scrape(base)
    at = {"brand": "Kettlebird", "channel": key}
    assert value(samples, "makegood_database_up") == 1
    assert value(samples, "makegood_mentions_ingested_total", **at) == 7
    assert value(samples, "makegood_mentions_flagged_total", **at) == 3
    assert value(samples, "makegood_poll_runs_total", **at) == 2
    assert value(samples, "makegood_poll_failures_total", **at) == 1
    assert value(samples, "makegood_poll_duration_seconds_count", **at) == 2
    assert value(samples, "makegood_poll_duration_seconds_sum", **at) == 2.0
    assert value(samples, "makegood_poll_last_duration_seconds", **at) == 0.5
    assert value(samples, "makegood_channel_up", **at) == 0
    assert value(samples, "makegood_channel_consecutive_failures", **at) == 3
    brand = {"brand": "Kettlebird"}
    assert value(samples, "makegood_queue_depth", **brand, severity="high") == 2
    assert value(samples, "makegood_queue_depth", **brand, severity="critical") == 1
    assert value(samples, "makegood_queue_depth", **brand, severity="low") == 0
    assert value(samples, "makegood_sla_breached_open_cases", **brand, severity="high") == 1
    assert value(samples, "makegood_sla_breaches_total", **brand, severity="high") == 1
    assert value(samples, "makegood_sla_breaches_total", **brand, severity="low") == 1
    assert value(samples, "makegood_outbox_items", kind="email", state="pending") == 2
    assert value(samples, "makegood_outbox_items", kind="email", state="sent") == 1
    assert value(samples, "makegood_outbox_items", kind="reply", state="dead") == 1
    age = value(samples, "makegood_outbox_oldest_pending_age_seconds", kind="email")
    assert 600 <= age < 3600  # the ten-minute-old mail, not the sent one
    assert ("makegood_outbox_oldest_pending_age_seconds", frozenset({("kind", "reply")})) not in (
        samples
    )  # a dead item is no backlog
    kind = {"brand": "Kettlebird", "kind": "severity"}
    assert value(samples, "makegood_alerts", **kind, delivery="sent") == 1
    assert value(samples, "makegood_alerts", **kind, delivery="pending") == 1
    assert value(samples, "makegood_alerts", **kind, delivery="new") == 1
    assert value(samples, "makegood_alert_deliveries_total", **kind) == 1
    assert value(samples, "makegood_workers_alive") == 0


def wait_until(check, timeout: float = 20.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError("condition not met before the deadline")


def test_a_real_worker_makes_the_service_ready_and_its_polls_show(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAKEGOOD_SECRET_KEY", "test-secret-key-" + "x" * 32)
    stream = tmp_path / "stream.jsonl"
    stream.write_text("")
    with smtp_server() as mail:
        config = write_config(
            worker_settings(db_url, tmp_path, mail, stream), tmp_path / "makegood.toml"
        )
        settings = load_settings(config)
        worker = Worker(settings, str(config))
        with served(create_app(settings, factory=factory)) as base:
            assert readiness(base)[1]["worker"] is False  # no worker yet
            worker.start()
            try:
                assert readiness(base)[0] == 200
                append(
                    stream,
                    post_line(1, utcnow(), SEVERE.format(extra="")),
                    post_line(2, utcnow(), "kettlebird coffee arrived, tastes great"),
                )
                mail.wait_for(1, timeout=20)
                with factory() as session:
                    wait_until(lambda: session.scalar(select(func.count(m.Mention.id))) == 2)
                    flagged = session.scalar(select(func.count()).where(m.Mention.flagged))
                samples = wait_until(
                    lambda: (s := scrape(base))
                    and value(s, "makegood_alert_deliveries_total", brand="Kettlebird",
                              kind="severity") == 1
                    and s
                )  # fmt: skip
            finally:
                worker.stop()
            status, checks = readiness(base)
    at = {"brand": "Kettlebird", "channel": "Kettlebird:replay:live"}
    assert flagged == 1
    assert value(samples, "makegood_mentions_ingested_total", **at) == 2
    assert value(samples, "makegood_mentions_flagged_total", **at) == 1
    runs = value(samples, "makegood_poll_runs_total", **at)
    assert runs >= 1 and value(samples, "makegood_poll_duration_seconds_count", **at) == runs
    assert value(samples, "makegood_poll_failures_total", **at) == 0
    assert value(samples, "makegood_channel_up", **at) == 1
    assert value(samples, "makegood_queue_depth", brand="Kettlebird", severity="critical") == 1
    assert value(samples, "makegood_outbox_items", kind="email", state="sent") == 1
    assert value(samples, "makegood_workers_alive") == 1
    assert status == 503 and checks["worker"] is False  # a stopped worker is no longer alive


@pytest.mark.parametrize(
    ("access", "token_set", "headers", "forwarded_for", "status"),
    [
        ("localhost", False, {}, None, 200),
        ("localhost", False, {}, "203.0.113.9", 403),  # a remote client behind a local proxy
        ("token", True, {"Authorization": f"Bearer {TOKEN}"}, "203.0.113.9", 200),
        ("token", True, {"Authorization": f"bearer {TOKEN}"}, None, 200),
        ("token", True, {}, None, 401),
        ("token", True, {"Authorization": "Bearer wrong-token"}, None, 401),
        ("token", True, {"Authorization": f"Basic {TOKEN}"}, None, 401),
        ("token", False, {"Authorization": "Bearer guess"}, None, 503),  # the variable is unset
    ],
)
def test_who_may_read_the_metrics(
    db_url: str,
    tmp_path: Path,
    factory: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
    access: str,
    token_set: bool,
    headers: dict[str, str],
    forwarded_for: str | None,
    status: int,
) -> None:
    monkeypatch.setenv("MAKEGOOD_SECRET_KEY", "test-secret-key-" + "x" * 32)
    monkeypatch.delenv("MAKEGOOD_METRICS_TOKEN", raising=False)
    if token_set:
        monkeypatch.setenv("MAKEGOOD_METRICS_TOKEN", TOKEN)
    settings = make_settings(db_url, tmp_path, health={"metrics_access": access})
    if forwarded_for:
        headers = {**headers, "X-Forwarded-For": forwarded_for}
    with served(create_app(settings, factory=factory), proxy_headers=True) as base:
        response = httpx.get(f"{base}/metrics", headers=headers, timeout=30)
    assert response.status_code == status, response.text
    if status == 200:
        assert "makegood_database_up 1.0" in response.text
    else:
        assert "makegood_" not in response.text and "error" in response.json()
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")
