"""Each token is rate limited: past its burst it gets 429 with Retry-After, others do not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from monitor.settings import Settings
from tests.conftest import make_settings


@pytest.fixture
def web_settings(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings allowing a burst of 3 and then one request a minute."""
    monkeypatch.setenv("MAKEGOOD_SECRET_KEY", "test-secret-key-" + "x" * 32)
    return make_settings(db_url, tmp_path, web={"api_burst": 3, "api_requests_per_minute": 1})


def test_past_the_burst_a_token_gets_429_with_retry_after(
    api_for: Callable[[str], httpx.Client],
) -> None:
    rob = api_for("rob")
    assert [rob.get("/cases").status_code for _ in range(3)] == [200, 200, 200]
    limited = rob.get("/cases")
    assert limited.status_code == 429
    assert limited.headers["content-type"] == "application/problem+json"
    assert 1 <= int(limited.headers["retry-after"]) <= 60  # a request a minute is regained
    assert limited.json()["title"] == "Too many requests"
    # The bucket is the token's: a colleague's token is not slowed down.
    assert api_for("alice").get("/cases").status_code == 200


def test_wrong_tokens_are_rate_limited_too(live_server: str, tokens: dict[str, str]) -> None:
    headers = {"Authorization": "Bearer mg_guess"}
    codes = [
        httpx.get(f"{live_server}/api/v1/cases", headers=headers).status_code for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]
