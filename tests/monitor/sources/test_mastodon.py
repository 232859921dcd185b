"""Mastodon poller: real Mastodon.py against documented-format payloads served from 127.0.0.1."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.pipeline import Pipeline
from monitor.ingest.sweep import poll_all
from monitor.sources import build_source
from monitor.sources.base import SourceError
from monitor.sources.mastodon import MastodonOptions, MastodonSource, build_api, html_to_text
from monitor.storage import models as m
from tests.fakes.http_server import (
    FakeServer,
    json_reply,
    malformed_json,
    server_error,
    serving,
    slow,
    too_many_requests,
)
from tests.fakes.pipeline import brand_and_channel, catch_all_settings, channel_row, stored_ids

PAYLOADS = Path(__file__).resolve().parents[2] / "fakes" / "payloads"
TAG = "/api/v1/timelines/tag/kettlebird"
SEARCH = "/api/v2/search"
NOTIFICATIONS = "/api/v1/notifications"
TOKEN_ENV = "MAKEGOOD_MASTODON_ACCESS_TOKEN"


def payload(name: str) -> Any:
    return json.loads((PAYLOADS / f"mastodon_{name}.json").read_text(encoding="utf-8"))


def routes(server: FakeServer) -> None:
    """An instance answering every feed with our payloads."""
    server.add_json("GET", "/api/v2/instance", payload("instance"))
    server.add_json("GET", TAG, payload("hashtag"))
    server.add_json("GET", SEARCH, payload("search"))
    server.add_json("GET", NOTIFICATIONS, payload("notifications"))


def source(server: FakeServer, token: str = "test-token", **options: Any) -> MastodonSource:
    opts = MastodonOptions(api_base_url=server.url, timeout_seconds=1.0, **options)
    api = build_api(opts, token)
    return MastodonSource(
        "t:mastodon:default", api, opts, ["kettlebird"], ["kettlebird"], bool(token)
    )


def status(status_id: str, html: str, **fields: Any) -> dict[str, Any]:
    """A copy of the payload's first status with a new id and content."""
    item = copy.deepcopy(payload("hashtag")[0])
    item.update(id=status_id, content=html, **fields)
    return item


@pytest.fixture
def token_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, "test-token")


def test_first_poll_reads_hashtags_search_and_mentions_as_plain_text() -> None:
    with serving() as server:
        routes(server)
        result = source(server).poll({})
        asked = {r.path: r for r in server.requests}
    texts = {x.external_id: x for x in result.mentions}
    loving, third, app, order = result.mentions  # oldest first within each feed
    assert loving.text == "Loving my new #Kettlebird,\nboils in 90 seconds!"
    assert third.text.startswith(
        "Third #kettlebird kettle in a year. The lid hinge snapped again & "
    )
    assert third.text.endswith('support says "wait 6 weeks".\n\nNever again.')
    assert "<strong>" in third.raw["status"]["content"]  # the payload is kept as received
    assert (third.likes, third.replies, third.reposts, third.author_followers) == (12, 4, 3, 23004)
    assert third.created_at == datetime(2026, 5, 2, 10, 5, tzinfo=UTC)
    assert app.author == "bob@fosstodon.example" and app.text.startswith("Does anyone else's")
    assert order.parent_id == "112300000000000050" and order.reply_allowed
    assert order.raw["notification"]["type"] == "mention"
    assert all(x.reply_allowed for x in texts.values())
    [bad] = result.rejected
    assert bad.location == "mastodon:112400000000000002" and "content" in bad.error
    assert '"content": null' in bad.raw
    assert result.next_cursor == {
        "tag:kettlebird": {"min_id": "112400000000000003"},
        "search:kettlebird": {"min_id": "112400000000000005"},
        "notifications": {"min_id": "9001"},
    }
    assert asked[NOTIFICATIONS].query["types[]"] == "mention"
    assert asked[SEARCH].query == {"q": "kettlebird", "limit": "40", "type": "statuses"}
    assert asked[TAG].headers["authorization"] == "Bearer test-token"
    assert "min_id" not in asked[TAG].query


def test_the_cursor_moves_only_to_newer_items() -> None:
    with serving() as server:
        routes(server)
        mastodon = source(server, search=False, notifications=False)
        first = mastodon.poll({})
        # The server ignores min_id and sends the same page: nothing is new, the cursor stays.
        again = mastodon.poll(first.next_cursor)
        assert again.mentions == [] and again.next_cursor == first.next_cursor
        assert server.calls(TAG)[-1].query["min_id"] == "112400000000000003"
        newer = status("112400000000000009", "<p>kettlebird &lt;3</p>")
        server.add_json(  # routes naming more parameters win: this one answers min_id=...03
            "GET", TAG, [newer, *payload("hashtag")], query={"min_id": "112400000000000003"}
        )
        later = mastodon.poll(again.next_cursor)
    assert [x.external_id for x in later.mentions] == ["112400000000000009"]
    assert later.mentions[0].text == "kettlebird <3"
    assert later.next_cursor["tag:kettlebird"] == {"min_id": "112400000000000009"}


def test_an_empty_page_keeps_the_cursor_and_a_full_one_asks_for_more() -> None:
    cursor = {"tag:kettlebird": {"min_id": "112400000000000003"}}
    with serving() as server:
        routes(server)
        server.add_json("GET", TAG, [], query={"limit": "40"})
        empty = source(server, search=False, notifications=False).poll(cursor)
        burst = [status(f"11250000000000000{i}", f"<p>kettlebird {i}</p>") for i in (2, 1)]
        server.add_json("GET", TAG, burst, query={"limit": "2"})
        full = source(server, search=False, notifications=False, page_size=2).poll(cursor)
    assert empty.mentions == [] and empty.next_cursor == cursor and empty.exhausted
    assert [x.text for x in full.mentions] == ["kettlebird 1", "kettlebird 2"]
    assert not full.exhausted  # the page was full: the pipeline reads on right away


def test_without_a_token_hashtags_are_read_anonymously() -> None:
    with serving() as server:
        routes(server)
        result = source(server, token="").poll({})
        paths = {r.path for r in server.requests}
        auth = [r.headers.get("authorization") for r in server.requests]
    assert len(result.mentions) == 2 and SEARCH not in paths and NOTIFICATIONS not in paths
    assert auth == [None, None]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"hashtags": []}, "MAKEGOOD_MASTODON_ACCESS_TOKEN is not set (needed for search and "
                           "notifications; no hashtags to read without it)"),
        ({"hashtags": ["kettlebird"], "notifications": True},
         "MAKEGOOD_MASTODON_ACCESS_TOKEN is not set (needed for notifications)"),
        ({"hashtags": ["kb"], "notifications": True, "access_token_env": "KB_MASTODON"},
         "KB_MASTODON is not set (needed for notifications)"),
    ],
)  # fmt: skip
def test_missing_token_names_channel_and_variable(
    options: dict[str, Any], message: str, monkeypatch: pytest.MonkeyPatch, db_url: str,
    tmp_path: Path,
) -> None:  # fmt: skip
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    settings = catch_all_settings(db_url, tmp_path, [{"type": "mastodon", **options}])
    with pytest.raises(SourceError) as caught:
        build_source(*brand_and_channel(settings))
    assert str(caught.value) == f"Streamtest:mastodon:default: {message}"
    assert caught.value.permanent


def test_a_channel_without_credentials_fails_alone(
    monkeypatch: pytest.MonkeyPatch, db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    stream = tmp_path / "stream.jsonl"
    stream.write_text('{"id": "1", "author": "ann", "text": "hello there"}\n', encoding="utf-8")
    settings = catch_all_settings(
        db_url,
        tmp_path,
        [{"type": "mastodon"}, {"type": "replay", "name": "file", "path": str(stream)}],
    )
    reports = {
        r.channel: r
        for r in poll_all(settings, Pipeline(settings, factory), drain=False, max_pages=1)
    }
    assert f"{TOKEN_ENV} is not set" in reports["Streamtest:mastodon:default"].error
    assert reports["Streamtest:replay:file"].new == 1


def test_a_refused_token_is_permanent_and_names_the_variable() -> None:
    with serving() as server:
        routes(server)
        server.fault(json_reply({"error": "The access token is invalid"}, status=401), path=TAG)
        with pytest.raises(SourceError, match=f"refused the access token .*{TOKEN_ENV}") as caught:
            source(server, token="bad").poll({})
    assert caught.value.permanent and "bad" not in str(caught.value)


def _reset_429() -> Any:
    reset = (datetime.now(UTC) + timedelta(seconds=600)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    headers = {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
    return json_reply({"error": "Too many requests"}, status=429, headers=headers)


FAULTS = [
    pytest.param(_reset_429, "rate limited (429)", 590, id="429-x-ratelimit-reset"),
    pytest.param(lambda: too_many_requests(120), "rate limited (429)", 120, id="429-retry-after"),
    pytest.param(lambda: server_error(503), "HTTP 503", None, id="503"),
    pytest.param(lambda: slow(3), "request failed", None, id="timeout"),
    pytest.param(malformed_json, "malformed JSON", None, id="malformed-json"),
]


@pytest.mark.parametrize(("fault", "error", "min_wait"), FAULTS)
def test_faults_back_off_quarantine_and_recover(
    fault: Any, error: str, min_wait: float | None, token_env: None, db_url: str, tmp_path: Path,
    factory: sessionmaker[Session],
) -> None:  # fmt: skip
    with serving() as server:
        routes(server)
        channel = {"type": "mastodon", "api_base_url": server.url, "hashtags": ["kettlebird"],
                   "search": False, "notifications": False, "timeout_seconds": 0.5}  # fmt: skip
        settings = catch_all_settings(db_url, tmp_path, [channel])
        brand, channel_settings = brand_and_channel(settings)
        mastodon = build_source(brand, channel_settings)
        pipeline = Pipeline(settings, factory)
        server.fault(fault(), times=2, path=TAG)
        for attempt in (1, 2):
            failed = pipeline.poll_channel(brand, channel_settings, mastodon, force=True)
            assert error in failed.error
            row = channel_row(factory, mastodon.name)
            assert row.consecutive_failures == attempt and error in row.last_error
            if min_wait:
                assert row.next_poll_after - row.last_failure_at >= timedelta(seconds=min_wait)
        assert pipeline.poll_channel(brand, channel_settings, mastodon).skipped
        recovered = pipeline.poll_channel(brand, channel_settings, mastodon, force=True)
    assert recovered.error == "" and recovered.new == 2
    with factory() as session:
        quarantined = session.scalars(select(m.Quarantine).order_by(m.Quarantine.id)).all()
    if error == "malformed JSON":
        assert len(quarantined) == 2 + 1  # two bad pages, then the malformed status of the page
        assert quarantined[0].raw.startswith('{"data": [ {"id": oops')
        assert TAG in quarantined[0].location
    else:
        assert [q.location for q in quarantined] == ["mastodon:112400000000000002"]
    row = channel_row(factory, mastodon.name)
    assert row.consecutive_failures == 0 and row.down_since is None
    assert len(stored_ids(factory, "mastodon")) == 2


def test_a_nearly_spent_rate_window_defers_the_next_poll() -> None:
    reset = (datetime.now(UTC) + timedelta(seconds=120)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    with serving() as server:
        routes(server)
        server.add_json(
            "GET", TAG, payload("hashtag"), query={"limit": "40"},
            headers={"X-RateLimit-Remaining": "1", "X-RateLimit-Reset": reset},
        )  # fmt: skip
        result = source(server, search=False, notifications=False).poll({})
    assert result.retry_after is not None and 100 < result.retry_after <= 120


def test_refresh_reads_current_counts_and_skips_deleted_statuses() -> None:
    grown = status("112400000000000003", "<p>Third kettle</p>", favourites_count=900,
                   replies_count=140, reblogs_count=310)  # fmt: skip
    with serving() as server:
        routes(server)
        server.add_json("GET", "/api/v1/statuses/112400000000000003", grown)
        server.add_json(
            "GET", "/api/v1/statuses/112400000000000001", {"error": "Record not found"}, 404
        )
        fresh = source(server).refresh(["112400000000000003", "112400000000000001"])
    [third] = fresh
    assert (third.likes, third.replies, third.reposts) == (900, 140, 310)


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>a &amp; b</p><p>c</p>", "a & b\n\nc"),
        ("line<br>two<br />three", "line\ntwo\nthree"),
        ('<p><a href="x"><span>@</span>kb</a> &lt;script&gt;</p>', "@kb <script>"),
    ],
)
def test_html_content_becomes_plain_text(html: str, text: str) -> None:
    assert html_to_text(html) == text
    assert not re.search(r"<(p|br|a|span)\b", html_to_text(html))
