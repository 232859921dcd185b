"""X poller: real tweepy against recorded X API v2 traffic, its host rewritten to 127.0.0.1."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.pipeline import Pipeline
from monitor.sources.base import SourceError
from monitor.sources.x import XOptions, XSource, build_client
from monitor.storage import models as m
from tests.fakes.cassettes import load
from tests.fakes.clients import RewriteAdapter
from tests.fakes.http_server import (
    FakeServer,
    json_reply,
    malformed_json,
    server_error,
    serving,
    slow,
)
from tests.fakes.pipeline import catch_all_settings, channel_row, stored_ids

PAYLOADS = Path(__file__).resolve().parents[2] / "fakes" / "payloads"
SEARCH = "/2/tweets/search/recent"


@pytest.fixture(autouse=True)
def x_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAKEGOOD_X_BEARER_TOKEN", "test-bearer-token")


def x_source(server: FakeServer, **options: Any) -> XSource:
    opts = XOptions(**{"timeout_seconds": 1.0, **options})
    client = build_client(opts, "t:x:default", adapter=RewriteAdapter(server.url))
    return XSource("t:x:default", client, opts, "kettlebird -is:retweet", {"kettlebird"})


def expanded() -> dict[str, Any]:
    return json.loads((PAYLOADS / "x_search_expanded.json").read_text(encoding="utf-8"))


def test_recent_search_replays_recorded_traffic_and_moves_since_id(shared_data: Path) -> None:
    with serving() as server:
        server.add_entries(
            load(shared_data / "tweepy_cassettes/test_client_search_recent_tweets.yaml"),
            match_query=False,
        )
        # One page per poll: the recording ignores since_id and always offers a next_token.
        source = x_source(server, mentions=False, max_pages=1)
        result = source.poll({})
        second = source.poll(result.next_cursor)
        first_query, second_query = (r.query for r in server.calls(SEARCH))
    assert len(result.mentions) == 10 and result.rejected == []
    assert result.mentions[-1].external_id == "1578516068309794817"  # newest last
    assert result.next_cursor == {"search": {"since_id": "1578516068309794817"}}
    assert result.cost_cents == pytest.approx(10 * 0.5)  # 10 posts at $0.005
    assert "since_id" not in first_query and second_query["since_id"] == "1578516068309794817"
    assert (
        first_query["expansions"] == "author_id,referenced_tweets.id,referenced_tweets.id.author_id"
    )
    assert (
        "public_metrics" in first_query["tweet.fields"]
        and "public_metrics" in first_query["user.fields"]
    )
    assert len(second.mentions) == 10  # the recording ignores since_id; the pipeline dedupes
    assert result.gaps == [] and [g.missing for g in second.gaps] == [None]  # bound of 1 hit


def test_mentions_of_the_brand_account_replay_recorded_traffic(shared_data: Path) -> None:
    with serving() as server:
        server.add_entries(
            load(shared_data / "tweepy_cassettes/test_client_get_users_mentions.yaml"),
            match_query=False,
        )
        source = x_source(server, search=False, account_id="783214")
        result = source.poll({})
        assert len(server.calls("/2/users/783214/mentions")) == 1
    assert len(result.mentions) == 10
    assert all(x.reply_allowed for x in result.mentions)  # they addressed the account
    assert result.next_cursor["mentions"]["since_id"] == "1578516295611748353"


def test_authors_metrics_and_reply_eligibility_from_expansions() -> None:
    with serving() as server:
        server.add_json("GET", SEARCH, expanded())
        result = x_source(server, mentions=False).poll({})
    by_id = {x.external_id: x for x in result.mentions}
    angry = by_id["1790000000000000003"]
    assert (angry.author, angry.author_followers) == ("ann_brews", 15400)
    assert (angry.likes, angry.replies, angry.reposts) == (240, 30, 15)
    assert angry.reply_allowed  # mentioned @kettlebird
    assert not by_id["1790000000000000002"].reply_allowed  # named the brand, not the account
    # Quoting the brand's post counts as addressing it only when we know the account id.
    assert not by_id["1790000000000000001"].reply_allowed
    [bad] = result.rejected
    assert bad.location == "x:1790000000000000000" and "text" in bad.error
    assert json.loads(bad.raw)["author_id"] == "504"


def test_quoting_the_brand_account_allows_a_reply() -> None:
    with serving() as server:
        server.add_json("GET", SEARCH, expanded())
        result = x_source(server, mentions=False, account_id="900").poll({})
    assert {x.external_id: x.reply_allowed for x in result.mentions}["1790000000000000001"]


def test_a_burst_larger_than_a_page_is_read_to_the_end_in_one_poll() -> None:
    page1 = {"data": [{"id": "30", "text": "kettlebird c"}, {"id": "29", "text": "kettlebird b"}],
             "meta": {"newest_id": "30", "result_count": 2, "next_token": "p2"}}  # fmt: skip
    page2 = {"data": [{"id": "28", "text": "kettlebird a"}],
             "meta": {"newest_id": "28", "oldest_id": "28", "result_count": 1}}  # fmt: skip
    with serving() as server:
        server.add("GET", SEARCH, json_reply(page1), query=None)
        server.add("GET", SEARCH, json_reply(page2), query={"next_token": "p2"})
        result = x_source(server, mentions=False).poll({"search": {"since_id": "10"}})
        asked = [r.query for r in server.calls(SEARCH)]
    assert [q["since_id"] for q in asked] == ["10", "10"]  # pinned while paging back
    assert result.exhausted and result.gaps == []
    assert result.next_cursor["search"] == {"since_id": "30"}
    assert [x.external_id for x in result.mentions] == ["28", "29", "30"]  # oldest first
    assert result.cost_cents == pytest.approx(3 * 0.5)


def test_a_burst_left_half_read_by_an_older_cursor_is_read_on() -> None:
    page2 = {"data": [{"id": "28", "text": "kettlebird a"}], "meta": {"result_count": 1}}
    with serving() as server:
        server.add("GET", SEARCH, json_reply(page2), query={"next_token": "p2"})
        state = {"since_id": "10", "next_token": "p2", "pending_newest": "30"}
        result = x_source(server, mentions=False).poll({"search": state})
    assert [x.external_id for x in result.mentions] == ["28"]
    assert result.next_cursor["search"] == {"since_id": "30"}


@pytest.mark.parametrize(("options", "cents"), [
    ({"mentions": False}, 1 * 100 * 3 * 0.5),  # one feed, 100 posts a page, 3 pages, 0.5 cents
    ({"account_id": "9", "max_pages": 5}, 2 * 100 * 5 * 0.5),
    ({"mentions": False, "max_results": 10, "max_pages": 1}, 10 * 0.5),
])  # fmt: skip
def test_the_budget_counts_every_page_a_poll_may_read(
    options: dict[str, Any], cents: float
) -> None:
    with serving() as server:
        assert x_source(server, **options).budget.max_poll_cost_cents == pytest.approx(cents)


def test_a_page_failing_mid_burst_keeps_what_was_paid_for_and_reads_on_next_poll() -> None:
    page1 = {"data": [{"id": "30", "text": "kettlebird c"}],
             "meta": {"newest_id": "30", "result_count": 1, "next_token": "p2"}}  # fmt: skip
    page2 = {"data": [{"id": "28", "text": "kettlebird a"}], "meta": {"result_count": 1}}
    with serving() as server:
        server.add("GET", SEARCH, json_reply(page1), query=None)
        server.add(
            "GET", SEARCH, [server_error(503), json_reply(page2)], query={"next_token": "p2"}
        )
        source = x_source(server, mentions=False)
        first = source.poll({"search": {"since_id": "10"}})
        second = source.poll(first.next_cursor)
        asked = [r.query.get("next_token") for r in server.calls(SEARCH)]
    assert [x.external_id for x in first.mentions] == ["30"] and first.gaps == []
    assert first.next_cursor["search"] == {
        "since_id": "10", "next_token": "p2", "pending_newest": "30"
    }  # fmt: skip
    assert asked == [None, "p2", "p2"]  # page 1 is not bought twice
    assert [x.external_id for x in second.mentions] == ["28"]
    assert second.next_cursor["search"] == {"since_id": "30"}


def test_missing_token_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAKEGOOD_X_BEARER_TOKEN")
    with pytest.raises(SourceError, match=r"^t:x:default: MAKEGOOD_X_BEARER_TOKEN is not set$"):
        build_client(XOptions(), "t:x:default")


def test_a_rejected_token_is_permanent_and_never_echoed() -> None:
    with serving() as server:
        server.add_json("GET", SEARCH, {"title": "Unauthorized", "status": 401}, status=401)
        with pytest.raises(SourceError) as caught:
            x_source(server, mentions=False).poll({})
        assert server.requests[0].headers["authorization"] == "Bearer test-bearer-token"
    assert caught.value.permanent and "MAKEGOOD_X_BEARER_TOKEN" in str(caught.value)
    assert "test-bearer-token" not in str(caught.value)


def x_settings(db_url: str, tmp_path: Path, server_url: str, cap_usd: float) -> Any:
    return catch_all_settings(
        db_url,
        tmp_path,
        [{"type": "x", "mentions": False, "monthly_cap_usd": cap_usd, "max_results": 10}],
    )


def test_the_monthly_cap_stops_polling_before_it_would_be_passed(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    # Each poll may read 10 posts ($0.05) and reads 4 ($0.02): a $0.08 cap allows two polls.
    now = [datetime(2026, 5, 30, 12, 0, tzinfo=UTC)]
    with serving() as server:
        server.add_json("GET", SEARCH, expanded())
        settings = x_settings(db_url, tmp_path, server.url, cap_usd=0.08)
        brand = settings.brands[0]
        channel = brand.channels[0]
        source = x_source(server, mentions=False, max_results=10, monthly_cap_usd=0.08, max_pages=1)
        pipeline = Pipeline(settings, factory, clock=lambda: now[0])
        assert pipeline.poll_channel(brand, channel, source).error == ""
        assert pipeline.poll_channel(brand, channel, source, force=True).error == ""
        refused = pipeline.poll_channel(brand, channel, source, force=True)
        assert len(server.calls(SEARCH)) == 2  # the third poll never reached X
    assert "monthly spending cap reached: $0.04 spent of $0.08" in refused.error
    row = channel_row(factory, source.name)
    assert (row.spend_month, row.spend_cents) == ("2026-05", pytest.approx(4.0))
    assert row.next_poll_after == datetime(2026, 6, 1, tzinfo=UTC)
    with factory() as session:
        alerts = session.scalars(select(m.Alert).where(m.Alert.kind == "spend_cap")).all()
    assert [a.dedupe_key for a in alerts] == [f"spend_cap:{source.name}:2026-05"]
    # A new month starts from zero.
    now[0] = datetime(2026, 6, 1, 0, 5, tzinfo=UTC)
    with serving() as server:
        server.add_json("GET", SEARCH, expanded())
        source = x_source(server, mentions=False, max_results=10, monthly_cap_usd=0.08, max_pages=1)
        assert pipeline.poll_channel(brand, channel, source).error == ""
    row = channel_row(factory, source.name)
    assert (row.spend_month, row.spend_cents) == ("2026-06", pytest.approx(2.0))


@pytest.mark.parametrize(
    ("fault", "error", "min_wait"),
    [
        pytest.param("429", "rate limited (429)", 290, id="429-reset-header"),
        pytest.param(server_error(503), "HTTP 503 from X", None, id="503"),
        pytest.param(slow(3), "ReadTimeout", None, id="timeout"),
        pytest.param(malformed_json(), "malformed JSON", None, id="malformed-json"),
    ],
)
def test_faults_back_off_quarantine_and_recover(
    fault: Any, error: str, min_wait: float | None, db_url: str, tmp_path: Path,
    factory: sessionmaker[Session],
) -> None:  # fmt: skip
    with serving() as server:
        server.add_json("GET", SEARCH, expanded())
        if fault == "429":
            reset = str(int(time.time()) + 300)
            body = {"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429}
            fault = json_reply(
                body, 429, {"x-rate-limit-reset": reset, "x-rate-limit-remaining": "0"}
            )
        server.fault(fault, times=1)
        settings = x_settings(db_url, tmp_path, server.url, cap_usd=50)
        brand, channel = settings.brands[0], settings.brands[0].channels[0]
        source = x_source(server, mentions=False)
        pipeline = Pipeline(settings, factory)
        failed = pipeline.poll_channel(brand, channel, source)
        assert error in failed.error
        row = channel_row(factory, source.name)
        assert row.consecutive_failures == 1 and error in row.last_error
        if min_wait:
            assert row.next_poll_after - row.last_failure_at >= timedelta(seconds=min_wait)
        assert pipeline.poll_channel(brand, channel, source, force=True).new == 3
    with factory() as session:
        quarantined = session.scalars(select(m.Quarantine.raw)).all()
    if error == "malformed JSON":
        assert quarantined[0].startswith('{"data": [ {"id": oops')
    assert channel_row(factory, source.name).consecutive_failures == 0
    assert len(stored_ids(factory, "x")) == 3


def test_refresh_reads_current_metrics() -> None:
    body = expanded()
    body["data"] = body["data"][:1]
    body["data"][0]["public_metrics"]["like_count"] = 9000
    with serving() as server:
        server.add_json("GET", "/2/tweets", body)
        [fresh] = x_source(server).refresh(["1790000000000000003"])
        assert server.calls("/2/tweets")[0].query["ids"] == "1790000000000000003"
    assert fresh.likes == 9000
