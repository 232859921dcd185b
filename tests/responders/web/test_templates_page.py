"""The templates page is admins' only (on the server), CSRF-protected and audited; compose words."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from responders.web.app import create_app
from tests.conftest import ROOT, make_settings
from tests.responders.web.conftest import login
from tests.responders.web.seed import csrf_from, seed_cases


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "own_templates"
    shutil.copytree(ROOT / "templates", copy)
    return copy


@pytest.fixture
def client_as(
    db_url: str,
    tmp_path: Path,
    folder: Path,
    factory: sessionmaker[Session],
    staff: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Any]:
    monkeypatch.setenv("MAKEGOOD_SECRET_KEY", "k" * 40)
    app = create_app(make_settings(db_url, tmp_path, templates_dir=str(folder)), factory=factory)
    clients: list[TestClient] = []

    def make(name: str) -> TestClient:
        client = TestClient(app)
        clients.append(client)
        login(client, name)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.mark.parametrize("name", ["vera", "rob", "alice"])
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/admin/templates"),
        ("get", "/admin/templates/apology"),
        ("post", "/admin/templates/apology"),
        ("post", "/admin/templates/new"),
        ("post", "/admin/templates/apology/preview"),
    ],
)
def test_only_admins_reach_the_templates(
    client_as: Any, folder: Path, name: str, method: str, url: str
) -> None:
    client = client_as(name)
    token = csrf_from(client.get("/").text)
    before = (folder / "replies" / "apology.j2").read_text("utf-8")
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, data={"source": "x", "name": "apology.es", "csrf_token": token})
    assert response.status_code == 403
    assert (folder / "replies" / "apology.j2").read_text("utf-8") == before


def test_a_save_needs_the_csrf_token(client_as: Any, folder: Path) -> None:
    ada = client_as("ada")
    response = ada.post("/admin/templates/apology", data={"source": "{{ handle }} zzyzx"})
    assert response.status_code == 403
    assert "zzyzx" not in (folder / "replies" / "apology.j2").read_text("utf-8")


@pytest.mark.parametrize(
    ("name", "source", "status", "says"),
    [
        ("apology", "{{ handle }} sorry", 303, ""),
        ("apology.es", "{{ handle }} lo sentimos", 303, ""),
        ("apology.formal.x.de", "{{ handle }} Entschuldigung", 303, ""),
        ("apology", "{{ order }} sorry", 400, "unknown variable"),
        ("apology", "{% if %}", 400, "syntax error"),
        ("apology", "{{ ''.__class__ }}", 400, "not allowed"),
    ],
)
def test_a_save_is_checked_in_the_sandbox_and_audited(
    client_as: Any,
    folder: Path,
    factory: sessionmaker[Session],
    name: str,
    source: str,
    status: int,
    says: str,
) -> None:
    ada = client_as("ada")
    token = csrf_from(ada.get(f"/admin/templates/{name}").text)
    before = (folder / "replies" / "apology.j2").read_text("utf-8")
    response = ada.post(
        f"/admin/templates/{name}",
        data={"source": source, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == status
    path = folder / "replies" / f"{name}.j2"
    with factory() as session:
        audited = session.scalars(select(m.AuditEntry.target).where(
            m.AuditEntry.action == "template.edit")).all()  # fmt: skip
    if status == 303:
        assert path.read_text("utf-8") == source + "\n"
        assert audited == [f"template:{name}.j2"]
    else:
        assert says in response.text and source.replace("'", "&#39;") in response.text
        assert (folder / "replies" / "apology.j2").read_text("utf-8") == before
        assert audited == []


@pytest.mark.parametrize("name", ["apology.xx.yy", "refund", "../apology", "apology.fancy"])
def test_a_name_that_is_not_a_template_name_is_refused(client_as: Any, name: str) -> None:
    ada = client_as("ada")
    token = csrf_from(ada.get("/admin/templates").text)
    response = ada.post("/admin/templates/new", data={"name": name, "csrf_token": token})
    assert "is not a reply template name" in response.text


def compose(client: TestClient, case_id: int, **payload: str) -> Any:
    token = csrf_from(client.get(f"/cases/{case_id}").text)
    return client.post(
        f"/cases/{case_id}/compose",
        json=payload,
        headers={"X-CSRF-Token": token, "Accept": "application/json"},
    )


@pytest.mark.parametrize(
    ("channel", "has", "has_not"),
    [
        ("public", "send us a direct message with your order number", ""),
        ("dm", "could you send us your order number", "direct message"),
        ("manual", "send us a direct message", ""),
    ],
)
def test_compose_gives_words_and_chips_worded_for_the_channel(
    client_as: Any, factory: sessionmaker[Session], channel: str, has: str, has_not: str
) -> None:
    (case_id,) = seed_cases(factory, [{"handle": "pat"}])
    body = compose(client_as("rob"), case_id, template="apology", channel=channel).json()
    assert body["ok"] and body["file"] == "apology.j2"
    words = "".join(s["text"] for s in body["segments"])
    assert has in words and (not has_not or has_not not in words)
    assert body["segments"][0] == {
        "text": "@pat", "name": "handle", "meaning": "the customer's handle, with one @",
    }  # fmt: skip


def test_a_dm_preview_and_draft_never_ask_for_a_dm(
    client_as: Any, factory: sessionmaker[Session]
) -> None:
    (case_id,) = seed_cases(factory, [{"handle": "pat"}])
    rob = client_as("rob")
    token = csrf_from(rob.get(f"/cases/{case_id}").text)
    source = "{{ handle }} Sorry! Please DM us your order number."
    body = rob.post(
        f"/cases/{case_id}/preview",
        json={"source": source, "channel": "dm"},
        headers={"X-CSRF-Token": token, "Accept": "application/json"},
    ).json()
    assert body["text"] == "@pat Sorry! Please send us your order number."
    refused = rob.post(
        f"/cases/{case_id}/preview",
        json={"source": "{{ handle }} our DMs are open", "channel": "dm"},
        headers={"X-CSRF-Token": token, "Accept": "application/json"},
    ).json()
    assert not refused["ok"] and "'DMs'" in refused["error"]


@pytest.mark.parametrize("name", ["..", "apology.xx.yy", "refund"])
def test_saving_under_a_bad_name_writes_nothing(client_as: Any, folder: Path, name: str) -> None:
    ada = client_as("ada")
    token = csrf_from(ada.get("/admin/templates").text)
    files = sorted(p.name for p in folder.rglob("*"))
    response = ada.post(f"/admin/templates/{name}", data={"source": "hi", "csrf_token": token})
    assert response.status_code in (404, 405)
    assert sorted(p.name for p in folder.rglob("*")) == files
