"""What every page answers alike: the app's error page for bad ids and query values (the JSON
API keeps its problem objects), the favicon, and HEAD like GET without a body."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.responders.web.seed import seed_cases


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/cases/abc", 404, "case_id: input should be a valid integer"),
        ("/cases/abc/recovery", 404, "case_id: input should be a valid integer"),
        ("/cases/-1", 404, "there is no case #-1"),
        ("/incidents/abc", 404, "incident_id: input should be a valid integer"),
        ("/cases/0", 400, "case_id: 0 is not a valid id"),
        ("/cases/2147483647", 404, "there is no case #2147483647"),
        ("/?severity=zzz", 400, "severity: &#39;zzz&#39; is not one of"),
        ("/?status=zzz", 400, "status: &#39;zzz&#39; is not one of"),
        ("/?platform=myspace", 400, "platform: &#39;myspace&#39; is not one of"),
        ("/?category=zzz", 400, "category: &#39;zzz&#39; is not one of"),
        ("/?assignee=abc", 400, "assignee: &#39;abc&#39; is not a user id"),
        ("/reports?days=-1", 400, "days: input should be greater than or equal to 1"),
        ("/reports?days=abc", 400, "days: input should be a valid integer"),
        ("/no/such/page", 404, "there is no such page"),
    ],
)
def test_a_bad_id_or_query_value_gets_the_error_page_naming_the_field(
    client_for: Callable[[str], TestClient], url: str, status: int, message: str
) -> None:
    response = client_for("rob").get(url)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert '<header class="top">' in response.text  # the layout, with its navigation
    assert message in response.text


def test_the_json_api_keeps_its_own_problem_objects(
    client_for: Callable[[str], TestClient],
) -> None:
    response = client_for("rob").get("/api/v1/cases/abc")
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == response.status_code


def test_the_favicon_answers_and_the_layout_links_it(
    client_for: Callable[[str], TestClient],
) -> None:
    client = client_for("rob")
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
    assert icon.content.startswith(b"<svg")
    assert client.get("/static/favicon.svg").content == icon.content
    assert '<link rel="icon" href="/static/favicon.svg"' in client.get("/").text


@pytest.mark.parametrize("path", ["/", "/cases/{id}", "/incidents", "/help/severity", "/login"])
def test_head_answers_like_get_without_a_body(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient], path: str
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    client = client_for("rob")
    url = path.format(id=case_id)
    get, head = client.get(url), client.head(url)
    assert head.status_code == get.status_code == 200
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.content == b""


def test_head_of_a_missing_case_is_its_404(client_for: Callable[[str], TestClient]) -> None:
    response = client_for("rob").head("/cases/2147483647")
    assert response.status_code == 404 and response.content == b""
