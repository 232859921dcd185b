"""The webhooks admin page (admins only, CSRF, secret shown once, delivery log); outbox panel."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.events import emit
from monitor.mention import utcnow
from monitor.settings import Settings
from monitor.storage import models as m
from responders.outbox.dispatch import process_due
from responders.outbox.queue import enqueue, mark_failed
from tests.fakes.http_server import json_reply, server_error, serving
from tests.responders.web.seed import csrf_from

PAGE = "/admin/webhooks"


def add_form(client: TestClient, **fields: object) -> dict[str, object]:
    token = csrf_from(client.get(PAGE).text)
    return {"csrf_token": token, "url": "https://helpdesk.example/in", **fields}


@pytest.mark.parametrize(("who", "status"), [("vera", 403), ("rob", 403), ("alice", 403)])
def test_only_admins_see_or_change_webhooks(
    client_for: Callable[[str], TestClient], factory: sessionmaker[Session], who: str, status: int
) -> None:
    client = client_for(who)
    assert client.get(PAGE).status_code == status
    token = csrf_from(client.get("/").text)
    data = {"csrf_token": token, "url": "https://evil.example/", "event_types": "case.opened"}
    assert client.post(PAGE, data=data).status_code == status
    with factory() as session:
        assert session.scalars(select(m.WebhookEndpoint)).all() == []


def test_a_form_without_the_csrf_token_is_refused(
    client_for: Callable[[str], TestClient], factory: sessionmaker[Session]
) -> None:
    client = client_for("ada")
    data = {"url": "https://helpdesk.example/in", "event_types": "case.opened"}
    assert client.post(PAGE, data=data).status_code == 403
    with factory() as session:
        assert session.scalars(select(m.WebhookEndpoint)).all() == []


def test_an_admin_adds_an_endpoint_and_sees_its_generated_secret_only_once(
    client_for: Callable[[str], TestClient], factory: sessionmaker[Session]
) -> None:
    client = client_for("ada")
    data = add_form(client, event_types=["case.opened", "case.closed"], description="Zendesk")
    answer = client.post(PAGE, data=data)
    assert answer.status_code == 200
    with factory() as session:
        endpoint = session.scalars(select(m.WebhookEndpoint)).one()
        audit = session.scalars(select(m.AuditEntry).where(m.AuditEntry.action == "webhook.add"))
        detail = str(audit.one().detail)
    assert endpoint.event_types == ["case.opened", "case.closed"] and endpoint.active
    assert endpoint.secret.startswith("whsec_") and endpoint.secret in answer.text
    assert endpoint.secret not in detail  # not in the audit trail
    later = client.get(PAGE).text
    assert "https://helpdesk.example/in" in later and "Zendesk" in later
    assert endpoint.secret not in later  # never shown again
    assert endpoint.secret not in str(client.cookies)  # nor carried in the session cookie


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"url": "javascript:alert(1)", "event_types": "case.opened"}, "url: the URL must"),
        ({"url": "https://u:p@h.example/", "event_types": "case.opened"}, "no credentials"),
        ({"event_types": "case.deleted"}, "unknown case.deleted"),
        ({}, "pick at least one"),
        ({"event_types": "case.opened", "secret": "short"}, "secret: between 16"),
        ({"url": "http://169.254.169.254/latest", "event_types": "case.opened"}, "internal"),
        ({"url": "http://localhost:5432/", "event_types": "case.opened"}, "allow_internal_"),
    ],
)
def test_a_bad_endpoint_is_refused_naming_the_field(
    client_for: Callable[[str], TestClient],
    factory: sessionmaker[Session],
    fields: dict[str, object],
    message: str,
) -> None:
    client = client_for("ada")
    answer = client.post(PAGE, data=add_form(client, **fields))
    assert answer.status_code == 400 and message in answer.text
    with factory() as session:
        assert session.scalars(select(m.WebhookEndpoint)).all() == []


def test_the_delivery_log_shows_status_attempts_response_code_and_error_and_disable_works(
    client_for: Callable[[str], TestClient],
    factory: sessionmaker[Session],
    web_settings: Settings,
    app: FastAPI,
) -> None:
    local = web_settings.webhooks.model_copy(update={"allow_internal_addresses": True})
    app.state.settings = web_settings = web_settings.model_copy(update={"webhooks": local})
    client = client_for("ada")  # the receiver is on 127.0.0.1: allowed for this test
    with serving() as receiver:
        receiver.add("POST", "/in", json_reply({}))
        receiver.fault(server_error(502))
        data = add_form(client, url=receiver.url + "/in", event_types="case.closed")
        data["secret"] = "whsec_a_secret_the_admin_chose"
        assert client.post(PAGE, data=data).status_code == 200
        with factory() as session, session.begin():
            emit(session, "case.closed", {"case_id": 7}, event_id="evt_first")
            emit(session, "case.closed", {"case_id": 8}, event_id="evt_second")
        process_due(web_settings, factory, "test-worker", kinds=("webhook",))
    html = client.get(PAGE).text
    assert "evt_first" in html and "evt_second" in html
    assert "502" in html and "the endpoint answered 502" in html and "200" in html
    assert "whsec_a_secret_the_admin_chose" not in html
    endpoint_id = 1
    token = csrf_from(html)
    answer = client.post(f"{PAGE}/{endpoint_id}/disable", data={"csrf_token": token})
    assert answer.status_code == 200 and "disabled" in answer.text  # followed to the page
    with factory() as session:
        assert session.get_one(m.WebhookEndpoint, endpoint_id).active is False


def test_the_dashboard_shows_chat_and_webhook_items_and_their_last_errors(
    client_for: Callable[[str], TestClient], factory: sessionmaker[Session]
) -> None:
    now = utcnow()
    with factory() as session, session.begin():
        enqueue(session, "notify", "notify:1:MAKEGOOD_SLACK_URL", {"url_env": "X"}, now=now)
        item_id = enqueue(session, "webhook", "webhook:1:evt_x", {}, now=now)
        item = session.get_one(m.OutboxItem, item_id)
        item.attempts = 1
        mark_failed(session, item, "the endpoint answered 503: <b>busy</b>", now)
    html = client_for("vera").get("/dashboard").text
    assert "Outbox" in html and "notify" in html and "webhook:1:evt_x" in html
    assert "the endpoint answered 503: &lt;b&gt;busy&lt;/b&gt;" in html  # escaped
