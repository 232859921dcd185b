"""In a real browser: an admin registers a webhook endpoint and copies its secret, shown once."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from tests.responders.web.test_browser import log_in

pytestmark = pytest.mark.browser


def test_an_admin_adds_an_endpoint_in_the_browser_and_sees_the_secret_once(
    live_server: str, page: Any, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    log_in(page, live_server, "ada")
    page.click("nav a[href='/admin/webhooks']")
    page.wait_for_url(f"{live_server}/admin/webhooks")
    page.fill("input[name=url]", "https://helpdesk.example/makegood")
    page.fill("input[name=description]", "<b>Zendesk</b>")
    page.check("input[name=event_types][value='case.opened']")
    page.check("input[name=event_types][value='case.closed']")
    page.click("form.stack button[type=submit]")
    secret = page.locator("#created-secret code").inner_text()
    with factory() as session:
        endpoint = session.scalars(select(m.WebhookEndpoint)).one()
    assert secret == endpoint.secret and secret.startswith("whsec_")
    assert endpoint.event_types == ["case.opened", "case.closed"]
    assert page.get_by_text("<b>Zendesk</b>", exact=True).is_visible()  # shown as text
    page.goto(f"{live_server}/admin/webhooks")
    assert page.locator("#created-secret").count() == 0
    assert secret not in page.content()
    assert page.locator(f"#endpoint-{endpoint.id} h2").inner_text().startswith("#1 https://")
