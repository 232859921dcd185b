"""The incident pages the crisis e-mails link to: list, detail with grouped mentions, Resolve."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.storage import models as m
from tests.responders.web.seed import csrf_from, make_case

XSS = "<script>alert(1)</script> @kettlebird melted my counter"


@pytest.fixture
def incident_id(factory: sessionmaker[Session]) -> int:
    """An open spike incident grouping two complaints (one with a script in its text)."""
    with factory() as session, session.begin():
        incident = m.Incident(
            brand="Kettlebird",
            kind="spike",
            summary="14 negative mentions in the last 1 h where 3.1 were expected",
            opened_at=utcnow(),
            data={"reasons": ["14 negative mentions in the last 1 h where 3.1 were expected"]},
        )
        session.add(incident)
        session.flush()
        for text in (XSS, "@kettlebird the lid snapped off"):
            case = make_case(session, text=text)
            case.incident_id = incident.id
            session.get(m.Mention, case.first_mention_id).incident_id = incident.id  # type: ignore[union-attr]
        return incident.id


def resolve(client: TestClient, incident_id: int, token: str | None) -> object:
    data = {"csrf_token": token} if token is not None else {}
    return client.post(f"/incidents/{incident_id}/resolve", data=data, follow_redirects=False)


def test_the_incident_page_shows_the_grouped_mentions_escaped(
    client_for: Callable[[str], TestClient], incident_id: int
) -> None:
    page = client_for("vera").get(f"/incidents/{incident_id}")
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text
    assert "the lid snapped off" in page.text
    assert page.text.count('href="/cases/') == 2  # each mention links its case
    assert "where 3.1 were expected" in page.text
    assert 'id="resolve-form"' not in page.text  # a viewer is not offered the button


@pytest.mark.parametrize(
    ("username", "with_token", "status"),
    [
        ("vera", True, 403),  # a viewer may look, not resolve
        ("rob", False, 403),  # no CSRF token
        ("rob", True, 303),
        ("ada", True, 303),
    ],
)
def test_who_may_resolve(
    client_for: Callable[[str], TestClient],
    factory: sessionmaker[Session],
    incident_id: int,
    username: str,
    with_token: bool,
    status: int,
) -> None:
    client = client_for(username)
    token = csrf_from(client.get(f"/incidents/{incident_id}").text) if with_token else None
    response = resolve(client, incident_id, token)
    assert response.status_code == status  # type: ignore[attr-defined]
    with factory() as session:
        incident = session.get(m.Incident, incident_id)
        assert incident is not None
        assert (incident.resolved_at is not None) is (status == 303)


def test_a_resolved_incident_leaves_the_open_list_and_is_audited(
    client_for: Callable[[str], TestClient],
    factory: sessionmaker[Session],
    staff: dict[str, int],
    incident_id: int,
) -> None:
    client = client_for("rob")
    listing = client.get("/incidents").text
    open_part, recent_part = listing.split('id="recent-incidents"')
    assert f'id="incident-{incident_id}"' in open_part
    token = csrf_from(client.get(f"/incidents/{incident_id}").text)
    assert resolve(client, incident_id, token).status_code == 303  # type: ignore[attr-defined]

    page = client.get(f"/incidents/{incident_id}").text
    assert "resolved" in page and "by Rob" in page and 'id="resolve-form"' not in page
    open_part, recent_part = client.get("/incidents").text.split('id="recent-incidents"')
    assert f'id="incident-{incident_id}"' not in open_part
    assert f'id="incident-{incident_id}"' in recent_part
    # Resolving twice is refused with a page, not an error.
    again = resolve(client, incident_id, token)
    assert again.status_code == 400  # type: ignore[attr-defined]
    with factory() as session:
        entries = session.scalars(
            select(m.AuditEntry).where(m.AuditEntry.action == "incident_resolved")
        ).all()
        assert [e.user_id for e in entries] == [staff["rob"]]


def test_an_unknown_incident_is_404(client_for: Callable[[str], TestClient]) -> None:
    assert client_for("vera").get("/incidents/999999").status_code == 404
