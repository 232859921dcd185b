"""The dashboard's model panel and the admin-only activate / roll back action (CSRF, audited)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.storage import models as m
from tests.responders.web.seed import csrf_from

FIGURES = {"macro_f1": 0.8123, "complaint_f1": 0.7, "rows": 20}


def add_versions(factory: sessionmaker[Session]) -> dict[str, int]:
    """Kettlebird v1 retired, v2 active, v3 rejected; the ids by status."""
    now = utcnow()
    ids = {}
    with factory() as session, session.begin():
        for number, status in enumerate(("retired", "active", "rejected"), 1):
            version = m.ModelVersion(
                brand="Kettlebird",
                version=number,
                status=status,
                model={},
                labels_used=40 * number,
                metrics={
                    "held_back": FIGURES,
                    "held_back_rows": 8 * number,
                    "rules": {"macro_f1": 0.6, "complaint_f1": 0.45},
                },
                baseline_metrics={"name": "default", "macro_f1": 0.5, "complaint_f1": 0.25},
                note=f"<b>v{number}</b>",
                created_at=now - timedelta(days=3 - number),
            )
            session.add(version)
            session.flush()
            ids[status] = version.id
    return ids


def statuses(factory: sessionmaker[Session]) -> list[str]:
    with factory() as session:
        query = select(m.ModelVersion.status).order_by(m.ModelVersion.version)
        return list(session.scalars(query))


def test_the_dashboard_lists_each_brand_s_versions_with_their_figures(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    ids = add_versions(factory)
    html = client_for("vera").get("/dashboard").text
    assert 'id="models"' in html and 'learned = "off"' in html
    assert (
        f'id="model-{ids["active"]}"' in html
        and "0.812" in html
        and "default: 0.500 / 0.250" in html
    )
    assert "0.600 / 0.450" in html  # the rules on the same held-back posts
    assert "<b>v1</b>" not in html and "&lt;b&gt;v1&lt;/b&gt;" in html  # the note is escaped
    assert "/activate" not in html  # a viewer sees no action


def test_the_panel_says_when_a_brand_has_no_version_yet(
    client_for: Callable[[str], TestClient],
) -> None:
    assert "No model versions yet" in client_for("ada").get("/dashboard").text


def test_an_admin_rolls_back_to_an_earlier_version_and_it_is_audited(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    ids = add_versions(factory)
    client = client_for("ada")
    page = client.get("/dashboard").text
    assert f'action="/models/{ids["retired"]}/activate"' in page and "Roll back to v1" in page
    response = client.post(
        f"/models/{ids['retired']}/activate",
        data={"csrf_token": csrf_from(page)},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/dashboard#models"
    assert statuses(factory) == ["active", "retired", "rejected"]
    with factory() as session:
        entry = session.scalars(
            select(m.AuditEntry).where(m.AuditEntry.action == "model.activate")
        ).one()
    assert (entry.actor, entry.target) == ("ada", "model:Kettlebird:v1")
    assert entry.detail["previous_version"] == 2 and entry.detail["status_before"] == "retired"
    assert "Kettlebird v1 is now the active model" in client.get("/dashboard").text


@pytest.mark.parametrize("who", ["vera", "rob", "alice"])
def test_only_admins_may_activate_a_version(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient], who: str
) -> None:
    ids = add_versions(factory)
    client = client_for(who)
    token = csrf_from(client.get("/dashboard").text)
    response = client.post(f"/models/{ids['retired']}/activate", data={"csrf_token": token})
    assert response.status_code == 403
    assert statuses(factory) == ["retired", "active", "rejected"]


@pytest.mark.parametrize(
    ("target", "data", "status"),
    [
        ("retired", {}, 403),  # no CSRF token
        ("retired", {"csrf_token": "forged"}, 403),
        ("active", None, 400),  # already active: nothing changes
        ("missing", None, 400),
    ],
)
def test_an_activation_that_cannot_be_done_changes_nothing(
    factory: sessionmaker[Session],
    client_for: Callable[[str], TestClient],
    target: str,
    data: dict[str, str] | None,
    status: int,
) -> None:
    ids = add_versions(factory)
    client = client_for("ada")
    if data is None:
        data = {"csrf_token": csrf_from(client.get("/dashboard").text)}
    version_id = ids.get(target, 999_999)
    assert client.post(f"/models/{version_id}/activate", data=data).status_code == status
    assert statuses(factory) == ["retired", "active", "rejected"]
