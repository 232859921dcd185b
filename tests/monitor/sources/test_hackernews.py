"""Hacker News poller: the Algolia search_by_date API served from 127.0.0.1 (payloads by us)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from monitor.sources.base import SourceError
from monitor.sources.hackernews import HackerNewsOptions, HackerNewsSource
from tests.fakes.http_server import (
    FakeServer,
    json_reply,
    malformed_json,
    serving,
    too_many_requests,
)

PAYLOADS = Path(__file__).resolve().parents[2] / "fakes" / "payloads"


def hits() -> dict[str, Any]:
    return json.loads((PAYLOADS / "hn_search_by_date.json").read_text(encoding="utf-8"))


def hn(server: FakeServer) -> HackerNewsSource:
    options = HackerNewsOptions(base_url=server.url + "/api/v1", timeout_seconds=1)
    return HackerNewsSource("t:hackernews:default", options, ["kettlebird"])


def test_stories_and_comments_oldest_first_with_a_created_at_cursor() -> None:
    with serving() as server:
        server.add_json("GET", "/api/v1/search_by_date", hits())
        source = hn(server)
        first = source.poll({})
        again = source.poll(first.next_cursor)
        queries = [r.query for r in server.calls("/api/v1/search_by_date")]
    assert [x.external_id for x in first.mentions] == ["40000001", "40000003"]
    story, comment = first.mentions
    assert story.text.startswith("Kettlebird raises") and (story.likes, story.replies) == (57, 31)
    assert "Kettlebird's app lost my order" in comment.text and "<i>" not in comment.text
    assert comment.parent_id == "40000001" and comment.url.endswith("id=40000003")
    [bad] = first.rejected
    assert bad.location == "hackernews:40000002"
    assert queries[0]["tags"] == "(story,comment)" and "numericFilters" not in queries[0]
    assert queries[1]["numericFilters"] == "created_at_i>=1777716120"
    assert again.mentions == []  # the same second again: the seen id is dropped


@pytest.mark.parametrize(
    ("fault", "message", "quarantined"),
    [
        (too_many_requests(90), "rate limited (429)", 0),
        (malformed_json(), "malformed JSON", 1),
        (json_reply({"message": "oops"}), "no 'hits' list", 1),
    ],
)
def test_faults_become_source_errors(fault: Any, message: str, quarantined: int) -> None:
    with serving() as server:
        server.add_json("GET", "/api/v1/search_by_date", hits())
        server.fault(fault)
        with pytest.raises(SourceError, match=re.escape(message)) as caught:
            hn(server).poll({})
        assert len(hn(server).poll({}).mentions) == 2  # recovered
    assert len(caught.value.rejected) == quarantined
    if message.startswith("rate"):
        assert caught.value.retry_after == 90


def test_refresh_reads_items() -> None:
    item = {"id": 40000001, "created_at_i": 1777716060, "author": "kim", "title": "Kettlebird up",
            "points": 420, "children": [{"id": 1}, {"id": 2}]}  # fmt: skip
    with serving() as server:
        server.add_json("GET", "/api/v1/items/40000001", item)
        [fresh] = hn(server).refresh(["40000001"])
    assert (fresh.likes, fresh.replies) == (420, 2)
