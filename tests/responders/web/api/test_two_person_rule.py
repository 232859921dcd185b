"""A brand's two-person rule holds over the API as on the page: nobody approves their own draft."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from monitor.settings import Settings, load_settings
from tests.conftest import ROOT, make_settings
from tests.responders.web.seed import case_with_draft


@pytest.fixture
def web_settings(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The example settings with the two-person rule on for its brand."""
    monkeypatch.setenv("MAKEGOOD_SECRET_KEY", "test-secret-key-" + "x" * 32)
    brands = load_settings(ROOT / "config" / "makegood.example.toml").model_dump()["brands"]
    brands[0]["two_person_rule"] = True
    return make_settings(db_url, tmp_path, brands=brands)


def test_an_approver_cannot_approve_their_own_draft(
    api_for: Callable[[str], httpx.Client], factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    case_id, draft_id, version = case_with_draft(factory, staff["alice"])
    path = f"/cases/{case_id}/drafts/{draft_id}/approve"
    own = api_for("alice").post(path, json={"version": version})
    assert own.status_code == 400 and own.json()["detail"].startswith("two-person rule")
    assert api_for("ada").post(path, json={"version": version}).status_code == 200
