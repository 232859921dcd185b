"""The API docs page in a real browser: Swagger UI renders every endpoint under the pages' CSP,
with no request leaving this server, and "try it out" calls the API with a bearer token."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session, sessionmaker

from tests.responders.web.seed import seed_cases


def test_swagger_ui_renders_and_tries_an_endpoint_with_a_token(
    live_server: str, page: Any, tokens: dict[str, str], factory: sessionmaker[Session]
) -> None:
    seed_cases(factory, [{"text": "@kettlebird the spout leaks"}])
    refused: list[str] = []
    hosts: set[str] = set()
    page.on("console", lambda msg: refused.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.goto(f"{live_server}/api/docs")
    page.get_by_text("makegood API").first.wait_for()
    page.locator("#operations-default-list_cases_v1_cases_get").click()
    assert page.get_by_text("List and search cases (the queue)").is_visible()
    # Authorize with the token, then run the request from the page.
    page.locator(".scheme-container button.authorize").click()
    page.locator(".modal-ux .auth-container input").fill(tokens["vera"])
    page.locator(".modal-ux button.modal-btn.authorize").click()
    page.locator(".modal-ux button.btn-done").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    # The live response (not the documented one, which also says 200) carries the case's text.
    page.locator(".live-responses-table .response-col_status").get_by_text("200").wait_for()
    page.locator(".live-responses-table").get_by_text("the spout leaks").first.wait_for()
    assert hosts == {urlsplit(live_server).netloc}  # no CDN, no outside validator
    assert not [text for text in refused if "Content Security Policy" in text], refused
