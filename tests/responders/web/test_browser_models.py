"""In a real browser: the dashboard's model panel, and an admin rolling a brand's model back."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.responders.web.test_browser import log_in
from tests.responders.web.test_models_panel import add_versions, statuses

pytestmark = pytest.mark.browser


def test_an_admin_rolls_back_from_the_dashboard_panel(
    live_server: str, page: Any, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    ids = add_versions(factory)
    log_in(page, live_server, "ada")
    page.goto(f"{live_server}/dashboard")
    active = page.locator(f"#model-{ids['active']}")
    assert active.locator(".status").inner_text() == "active"
    assert "0.812" in active.inner_text() and "default: 0.500 / 0.250" in active.inner_text()
    assert active.locator("button").count() == 0  # the active version offers no action
    page.locator(f"#model-{ids['retired']} button").click()
    page.wait_for_url(f"{live_server}/dashboard#models")
    assert page.get_by_text("Kettlebird v1 is now the active model").is_visible()
    assert page.locator(f"#model-{ids['retired']} .status").inner_text() == "active"
    assert page.locator(f"#model-{ids['active']} .status").inner_text() == "retired"
    assert statuses(factory) == ["active", "retired", "rejected"]


def test_a_viewer_sees_the_figures_but_no_button(
    live_server: str, page: Any, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    ids = add_versions(factory)
    log_in(page, live_server, "vera")
    page.goto(f"{live_server}/dashboard")
    assert page.locator(f"#model-{ids['rejected']} .status").inner_text() == "rejected"
    assert page.locator("#models ~ section button").count() == 0
