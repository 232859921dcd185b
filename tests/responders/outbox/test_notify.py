"""Chat routes through Apprise, against a real local HTTP receiver: content, retries, routing."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.settings import AlertRouteSettings, ConfigError, Settings
from monitor.storage import models as m
from responders.alerts.chat import route_alerts, route_wants
from responders.alerts.digest import queue_digests
from responders.outbox.dispatch import process_due
from tests.conftest import make_settings
from tests.fakes.http_server import FakeServer, Reply, json_reply, server_error, serving
from tests.fakes.pipeline import ingest
from tests.responders.alerts.helpers import complaint

NOW = datetime(2026, 11, 13, 12, 0, tzinfo=UTC)
URL_ENV = "MAKEGOOD_TEST_CHAT_URL"


def routed_settings(db_url: str, tmp_path: Path, *routes: dict[str, object]) -> Settings:
    base = make_settings(db_url, tmp_path)
    alerts = {**base.alerts.model_dump(), "recipients": [], "routes": list(routes)}
    return make_settings(db_url, tmp_path, alerts=alerts)


def route_and_send(settings: Settings, factory: sessionmaker[Session], now: datetime) -> list:
    route_alerts(settings, factory, now)
    return process_due(settings, factory, "test-worker", kinds=("notify",), now=now)


def notify_items(factory: sessionmaker[Session]) -> list[m.OutboxItem]:
    with factory() as session:
        items = list(session.scalars(select(m.OutboxItem).where(m.OutboxItem.kind == "notify")))
        session.expunge_all()
        return items


@pytest.fixture
def receiver() -> FakeServer:
    with serving() as server:
        server.add("POST", "/hook", json_reply({"ok": True}))
        server.add("POST", "/hook/sekrittoken", json_reply({"ok": True}))
        yield server


def test_a_json_route_receives_the_alert_subject_text_link_and_type(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session], receiver: FakeServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv(URL_ENV, f"json://127.0.0.1:{receiver.port}/hook")
    settings = routed_settings(db_url, tmp_path, {"url_env": URL_ENV})
    report = ingest(settings, factory, [complaint(1, NOW)], NOW)
    assert [state for _, state in route_and_send(settings, factory, NOW)] == ["sent"]
    [post] = receiver.calls("/hook", "POST")
    body = post.json()
    case_id = report.cases_opened[0]
    assert body["title"] == "[Kettlebird] CRITICAL complaint from @customer1 on x"
    assert "caught fire and burned my hand" in body["message"]
    assert f"http://127.0.0.1:8080/cases/{case_id}" in body["message"]
    assert body["type"] == "failure"  # critical: Apprise's red
    [item] = notify_items(factory)
    assert item.state == "sent" and item.result["service"] == "JSON"
    assert item.payload["url_env"] == URL_ENV
    assert str(receiver.port) not in json.dumps(item.payload)  # the URL is never stored


def test_a_form_route_receives_the_alert_as_form_fields(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session], receiver: FakeServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv(URL_ENV, f"form://127.0.0.1:{receiver.port}/hook")
    settings = routed_settings(db_url, tmp_path, {"url_env": URL_ENV})
    ingest(settings, factory, [complaint(1, NOW)], NOW)
    route_and_send(settings, factory, NOW)
    [post] = receiver.calls("/hook", "POST")
    assert post.headers["content-type"].startswith("application/x-www-form-urlencoded")
    form = post.form()
    assert form["title"].startswith("[Kettlebird] CRITICAL complaint")
    assert "caught fire" in form["message"] and form["type"] == "failure"


def test_a_slack_format_incoming_webhook_on_our_host_receives_the_text(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Apprise's slack:// always posts to hooks.slack.com (its webhook URL is fixed in the plugin),
    # so Slack itself cannot be pointed here. Mattermost's incoming webhook takes the same
    # Slack-format body ({"text": ..., "username": ...}) and Apprise lets its host be set.
    with serving() as server:
        server.add("POST", "/hooks/xyzhooktoken", Reply(200, b"ok"))
        monkeypatch.setenv(URL_ENV, f"mmost://127.0.0.1:{server.port}/xyzhooktoken")
        settings = routed_settings(db_url, tmp_path, {"url_env": URL_ENV})
        ingest(settings, factory, [complaint(1, NOW)], NOW)
        route_and_send(settings, factory, NOW)
        [post] = server.calls("/hooks/xyzhooktoken", "POST")
    text = post.json()["text"]
    assert "CRITICAL complaint from @customer1" in text and "caught fire" in text


def test_with_the_receiver_down_the_alert_waits_and_is_delivered_once_it_is_back(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session], receiver: FakeServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv(URL_ENV, f"json://hookuser:hookpass@127.0.0.1:{receiver.port}/hook")
    settings = routed_settings(db_url, tmp_path, {"url_env": URL_ENV})
    ingest(settings, factory, [complaint(1, NOW)], NOW)
    receiver.fault(server_error(503), times=2)
    assert [s for _, s in route_and_send(settings, factory, NOW)] == ["pending"]
    [item] = notify_items(factory)
    assert "503" in item.last_error and item.last_error.startswith(URL_ENV)
    assert "hookpass" not in item.last_error and str(receiver.port) not in item.last_error
    assert item.next_attempt_at > NOW
    assert process_due(settings, factory, "w", kinds=("notify",), now=NOW) == []  # backing off
    process_due(settings, factory, "w", kinds=("notify",), now=item.next_attempt_at)  # still 503
    [item] = notify_items(factory)
    assert (item.state, item.attempts) == ("pending", 2)
    process_due(settings, factory, "w", kinds=("notify",), now=item.next_attempt_at)
    later = item.next_attempt_at + timedelta(days=1)
    assert route_and_send(settings, factory, later) == []  # nothing queued or sent again
    [item] = notify_items(factory)
    assert (item.state, item.attempts, item.last_error) == ("sent", 3, "")
    assert len(receiver.calls("/hook")) == 3  # two refused, one delivered


def test_an_unset_variable_is_retried_and_named_and_sends_once_it_is_set(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session], receiver: FakeServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.delenv(URL_ENV, raising=False)
    settings = routed_settings(db_url, tmp_path, {"url_env": URL_ENV})
    ingest(settings, factory, [complaint(1, NOW)], NOW)
    route_and_send(settings, factory, NOW)
    [item] = notify_items(factory)
    assert item.state == "pending" and f"the variable {URL_ENV}" in item.last_error
    monkeypatch.setenv(URL_ENV, f"json://127.0.0.1:{receiver.port}/hook")
    process_due(settings, factory, "w", kinds=("notify",), now=item.next_attempt_at)
    assert [i.state for i in notify_items(factory)] == ["sent"]
    assert len(receiver.calls("/hook")) == 1


def test_each_alert_goes_once_to_every_matching_route_and_never_to_the_others(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session], receiver: FakeServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    for name in ("MAKEGOOD_A_URL", "MAKEGOOD_B_URL", "MAKEGOOD_C_URL"):
        monkeypatch.setenv(name, f"json://127.0.0.1:{receiver.port}/hook")
    settings = routed_settings(
        db_url, tmp_path,
        {"url_env": "MAKEGOOD_A_URL", "min_severity": "critical"},
        {"url_env": "MAKEGOOD_B_URL", "brands": ["Kettlebird"], "kinds": ["severity"]},
        {"url_env": "MAKEGOOD_C_URL", "kinds": ["spike", "channel_down"]},
    )  # fmt: skip
    ingest(settings, factory, [complaint(1, NOW), complaint(2, NOW)], NOW)
    route_and_send(settings, factory, NOW)
    route_and_send(settings, factory, NOW + timedelta(minutes=1))  # a second run adds nothing
    items = notify_items(factory)
    assert (
        sorted(i.payload["url_env"] for i in items)
        == ["MAKEGOOD_A_URL"] * 2 + ["MAKEGOOD_B_URL"] * 2
    )
    assert len(receiver.calls("/hook")) == 4
    with factory() as session:
        assert len(session.scalars(select(m.AlertRouting)).all()) == 2


def test_alerts_already_a_day_old_when_routes_are_added_are_not_sent(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(URL_ENV, "json://127.0.0.1:9/hook")
    settings = routed_settings(db_url, tmp_path, {"url_env": URL_ENV})
    ingest(settings, factory, [complaint(1, NOW)], NOW)
    with factory() as session:
        created = session.scalars(select(m.Alert.created_at)).one()
    assert route_alerts(settings, factory, created + timedelta(days=2)) == []
    with factory() as session:
        [routing] = session.scalars(select(m.AlertRouting)).all()
    assert routing.outbox_ids == [] and "older than a day" in routing.note


def test_the_digest_goes_only_to_routes_that_name_it(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session], receiver: FakeServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("MAKEGOOD_A_URL", f"json://127.0.0.1:{receiver.port}/hook")
    monkeypatch.setenv("MAKEGOOD_B_URL", f"json://127.0.0.1:{receiver.port}/hook")
    settings = routed_settings(
        db_url, tmp_path,
        {"url_env": "MAKEGOOD_A_URL", "kinds": ["digest"]},
        {"url_env": "MAKEGOOD_B_URL", "min_severity": "low"},
    )  # fmt: skip
    queue_digests(settings, factory, NOW)
    process_due(settings, factory, "w", kinds=("notify",), now=NOW)
    [post] = receiver.calls("/hook")
    assert post.json()["title"].startswith("[Kettlebird] Daily digest 2026-11-13")
    assert [i.payload["url_env"] for i in notify_items(factory)] == ["MAKEGOOD_A_URL"]


ROUTE_CASES = [
    # route options, (brand, kind, severity), wanted
    ({}, ("Kettlebird", "severity", "high"), True),
    ({}, ("Kettlebird", "severity", "medium"), False),
    ({"min_severity": "medium"}, ("Kettlebird", "severity", "medium"), True),
    ({"min_severity": "critical"}, ("Kettlebird", "spike", "critical"), True),
    ({"brands": ["Other"]}, ("Kettlebird", "severity", "critical"), False),
    ({"kinds": ["gap", "sla_warning"]}, ("Kettlebird", "gap", "high"), True),
    ({"kinds": ["gap", "sla_warning"]}, ("Kettlebird", "sla_warning", "high"), True),
    ({"kinds": ["gap"]}, ("Kettlebird", "channel_down", "high"), False),
    ({}, ("Kettlebird", "digest", "low"), False),
    ({"kinds": ["digest"], "min_severity": "critical"}, ("Kettlebird", "digest", "low"), True),
]


@pytest.mark.parametrize(("options", "alert", "wanted"), ROUTE_CASES)
def test_a_route_takes_the_alerts_its_brand_kind_and_severity_filters_allow(
    options: dict[str, object], alert: tuple[str, str, str], wanted: bool
) -> None:
    route = AlertRouteSettings.model_validate({"url_env": URL_ENV, **options})
    assert route_wants(route, *alert) is wanted


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ({"url": "slack://T000/B000/XXXX"}, "literal Apprise URL is a secret"),
        ({"url_env": "slack://T000/B000/XXXX"}, "names an environment variable, not the URL"),
        ({"url_env": "MAKEGOOD SLACK"}, "is not an environment variable name"),
        ({"url_env": URL_ENV, "kinds": ["weather"]}, "kinds"),
    ],
)
def test_a_bad_route_is_refused_naming_the_route_and_what_to_do(
    db_url: str, tmp_path: Path, route: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError) as error:
        routed_settings(db_url, tmp_path, route)
    assert "alerts.routes[0]" in str(error.value) and message in str(error.value)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def root_log() -> list[str]:
    """What a handler on the root logger sees at DEBUG level (as the service's own would)."""
    root, handler = logging.getLogger(), _Collect()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(level)


def test_the_route_url_is_never_logged_even_at_debug_level(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session], receiver: FakeServer,
    monkeypatch: pytest.MonkeyPatch, root_log: list[str],
) -> None:  # fmt: skip
    monkeypatch.setenv(URL_ENV, f"json://127.0.0.1:{receiver.port}/hook/sekrittoken")
    settings = routed_settings(db_url, tmp_path, {"url_env": URL_ENV})
    ingest(settings, factory, [complaint(1, NOW)], NOW)
    receiver.fault(server_error(500))
    route_and_send(settings, factory, NOW)
    [item] = notify_items(factory)
    process_due(settings, factory, "w", kinds=("notify",), now=item.next_attempt_at)
    assert [i.state for i in notify_items(factory)] == ["sent"]
    assert any('"POST /' in line and "***" in line for line in root_log)  # urllib3's, masked
    assert not [line for line in root_log if "sekrittoken" in line]
    assert "sekrittoken" not in item.last_error
