"""The API's OpenAPI document and docs page (no CDN, under the pages' CSP), and its problem
objects for paths and methods that do not exist, while the pages keep their HTML errors."""

from __future__ import annotations

import httpx
import pytest

from responders.web.security import CSP


def test_openapi_lists_every_endpoint_with_bearer_auth(live_server: str) -> None:
    spec = httpx.get(f"{live_server}/api/openapi.json").json()
    assert spec["info"]["title"] == "makegood API"
    assert spec["servers"] == [{"url": "/api"}]
    assert set(spec["paths"]) == {
        "/v1/cases",
        "/v1/cases/{case_id}",
        "/v1/mentions",
        "/v1/mentions/{mention_id}",
        "/v1/reports",
        "/v1/reports/cases",
        "/v1/cases/{case_id}/drafts",
        "/v1/cases/{case_id}/drafts/{draft_id}/approve",
        "/v1/cases/{case_id}/steps",
        "/v1/cases/{case_id}/root-cause",
        "/v1/cases/{case_id}/compensations",
        "/v1/cases/{case_id}/claim",
        "/v1/cases/{case_id}/take-over",
        "/v1/cases/{case_id}/close",
        "/v1/cases/{case_id}/reopen",
        "/v1/cases/{case_id}/dismiss",
        "/v1/cases/{case_id}/undo-dismissal",
        "/v1/mentions/{mention_id}/missed",
    }
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    approve = spec["paths"]["/v1/cases/{case_id}/drafts/{draft_id}/approve"]["post"]
    problem = approve["responses"]["409"]["content"]["application/problem+json"]
    assert problem["schema"]["$ref"].endswith("/Problem")


def test_the_docs_page_loads_its_assets_from_this_server_under_the_csp(live_server: str) -> None:
    page = httpx.get(f"{live_server}/api/docs")
    assert page.status_code == 200 and page.headers["content-security-policy"] == CSP
    assert "<script>" not in page.text and "cdn" not in page.text.lower()  # no inline, no CDN
    for asset in ("docs/assets/swagger-ui-bundle.js", "docs/assets/swagger-ui.css"):
        assert f"/api/{asset}" in page.text
        assert httpx.get(f"{live_server}/api/{asset}").status_code == 200
    starter = httpx.get(f"{live_server}/api/docs/static/docs.js")
    assert starter.status_code == 200 and "SwaggerUIBundle" in starter.text


@pytest.mark.parametrize(
    ("method", "path", "status", "detail"),
    [
        ("GET", "/api/v1/nothing", 404, "no API endpoint at /api/v1/nothing (see /api/docs)"),
        ("GET", "/api/v2/cases", 404, "no API endpoint at /api/v2/cases (see /api/docs)"),
        ("DELETE", "/api/v1/cases", 405, "DELETE is not allowed on /api/v1/cases"),
        ("GET", "/api/v1/cases/99999999999", 400, "case_id: 99999999999 is not a valid id"),
    ],
)
def test_unknown_paths_and_methods_are_problems(
    live_server: str, tokens: dict[str, str], method: str, path: str, status: int, detail: str
) -> None:
    headers = {"Authorization": f"Bearer {tokens['vera']}"}
    response = httpx.request(method, f"{live_server}{path}", headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["detail"].startswith(detail)
    assert set(body) == {"type", "title", "status", "detail", "errors"}


def test_the_pages_keep_their_html_errors_and_csp(live_server: str) -> None:
    page = httpx.get(f"{live_server}/no-such-page")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert page.headers["content-security-policy"] == CSP
