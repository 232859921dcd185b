"""HEAD answers like GET without a body, and the pages carry a favicon that is served."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(("path", "status"), [("/login", 200), ("/", 200), ("/nowhere", 404)])
def test_head_answers_like_get_without_a_body(
    client_for: Callable[[str], TestClient], path: str, status: int
) -> None:
    client = client_for("vera")
    got, head = client.get(path), client.head(path)
    assert (head.status_code, got.status_code) == (status, status)
    assert head.content == b"" and head.headers["content-type"] == got.headers["content-type"]


def test_pages_link_a_favicon_that_is_served(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("vera")
    assert '<link rel="icon" href="/static/favicon.svg"' in client.get("/").text
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg")
