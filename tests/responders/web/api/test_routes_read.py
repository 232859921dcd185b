"""API reads: cases in the queue's order with its filters and keyset pages, mentions, one case
in full, the reports; every viewer may read, and bad input is a problem naming the field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.storage import models as m
from responders.cases.actions import record_step, save_draft
from tests.responders.web.seed import make_case, seed_cases

Api = Callable[[str], httpx.Client]


def _all_pages(client: httpx.Client, path: str, **params: object) -> tuple[list[int], int]:
    """Every item id, following next_cursor; and how many pages that took."""
    ids: list[int] = []
    cursor, pages = "", 0
    while True:
        response = client.get(path, params={**params, "cursor": cursor})
        assert response.status_code == 200, response.text
        body = response.json()
        ids += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            return ids, pages


def test_cases_come_in_queue_order_over_keyset_pages(
    api_for: Api, factory: sessionmaker[Session]
) -> None:
    now = utcnow()
    specs: list[dict[str, object]] = [
        {"severity": sev, "opened_at": now - timedelta(minutes=minutes)}
        for sev in ("low", "critical", "high", "medium")
        for minutes in (5, 50, 30)
    ]
    seed_cases(factory, specs)
    client = api_for("vera")
    whole = client.get("/cases", params={"limit": 200}).json()
    assert whole["next_cursor"] is None
    order = [(c["severity"], c["opened_at"]) for c in whole["items"]]
    ranks = ["critical", "high", "medium", "low"]
    assert order == sorted(order, key=lambda o: (ranks.index(o[0]), o[1]))
    paged, pages = _all_pages(client, "/cases", limit=5)
    assert pages == 3 and paged == [c["id"] for c in whole["items"]]  # no gap, no repeat


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"severity": "critical"}, ["critical"]),
        ({"platform": "reddit"}, ["reddit"]),
        ({"status": "closed"}, ["closed"]),
        ({"status": "all"}, ["all"]),
        ({"text": "REFUND"}, ["refund"]),
        ({"text": "100%"}, ["percent"]),  # % is taken literally, not as a wildcard
        ({"assignee": "none", "severity": "high"}, ["high"]),
        ({"lang": "es"}, ["spanish"]),
        ({"lang": "es", "severity": "critical"}, []),
    ],
)
def test_cases_are_filtered_like_the_queue(
    api_for: Api, factory: sessionmaker[Session], params: dict[str, str], expected: list[str]
) -> None:
    with factory() as session, session.begin():
        made = {
            "critical": make_case(session, severity="critical"),
            "high": make_case(session, severity="high"),
            "reddit": make_case(session, severity="low", platform="reddit"),
            "closed": make_case(session, severity="low", status="closed"),
            "refund": make_case(session, severity="low", text="@kettlebird I want a refund now"),
            "percent": make_case(session, severity="low", text="@kettlebird 100% broken"),
            "spanish": make_case(session, severity="low", text="@kettlebird llegó roto", lang="es"),
        }
        ids = {name: case.id for name, case in made.items()}
    found = api_for("vera").get("/cases", params=params).json()["items"]
    wanted = set(ids.values()) if expected == ["all"] else {ids[name] for name in expected}
    assert {c["id"] for c in found} == wanted
    assert all(c["lang"] == "es" for c in found if c["id"] == ids["spanish"])


def test_a_case_reads_with_its_mentions_steps_drafts_and_events(
    api_for: Api, factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    with factory() as session, session.begin():
        case = make_case(session)
        rob = session.get(m.User, staff["rob"])
        mention = session.get(m.Mention, case.first_mention_id)
        assert rob is not None and mention is not None
        record_step(session, case, rob, "acknowledge", "seen it")
        save_draft(session, case, mention, rob, "apology", "Sorry about that!", submit=True)
        case_id = case.id
    body = api_for("vera").get(f"/cases/{case_id}").json()
    assert body["status"] == "awaiting_approval" and body["version"] >= 2
    assert body["mention"]["text"].startswith("@kettlebird my kettle")
    assert [x["id"] for x in body["mentions"]] == [body["mention"]["id"]]
    steps = {s["name"]: s for s in body["steps"]}
    assert len(steps) == len(m.RECOVERY_STEPS)
    assert steps["acknowledge"]["done"] and steps["acknowledge"]["events"][0]["user"] == "rob"
    assert not steps["solve"]["done"]
    (draft,) = body["drafts"]
    assert (draft["state"], draft["author"], draft["body"]) == (
        "pending_approval",
        "rob",
        "Sorry about that!",
    )
    assert [e["kind"] for e in body["events"]] == ["opened", "step", "assigned", "draft"]


def test_an_unknown_case_is_a_404_problem(api_for: Api, tokens: dict[str, str]) -> None:
    response = api_for("vera").get("/cases/424242")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "there is no case #424242"


def test_mentions_are_newest_first_over_pages_and_searchable(
    api_for: Api, factory: sessionmaker[Session]
) -> None:
    with factory() as session, session.begin():
        for n in range(7):
            make_case(session, text=f"@kettlebird order {n} never came", severity="medium")
        make_case(session, text="@kettlebird the lid melted", severity="high")
        quiet = make_case(session, text="@kettlebird lovely mug", severity="low")
        session.get(m.Mention, quiet.first_mention_id).flagged = False  # type: ignore[union-attr]
    client = api_for("vera")
    ids, pages = _all_pages(client, "/mentions", limit=3)
    assert pages == 3 and ids == sorted(ids, reverse=True) and len(ids) == 9
    melted = client.get("/mentions", params={"text": "LID Melted"}).json()["items"]
    assert [x["text"] for x in melted] == ["@kettlebird the lid melted"]
    unflagged = client.get("/mentions", params={"flagged": "false"}).json()["items"]
    assert [x["text"] for x in unflagged] == ["@kettlebird lovely mug"]
    high = client.get("/mentions", params={"severity": "high"}).json()["items"]
    assert [x["severity"] for x in high] == ["high"] and high[0]["case_id"]
    one = client.get(f"/mentions/{high[0]['id']}").json()
    assert one == high[0]
    assert client.get("/mentions/999999").status_code == 404


def test_mentions_are_filtered_by_language_and_say_theirs(
    api_for: Api, factory: sessionmaker[Session]
) -> None:
    with factory() as session, session.begin():
        make_case(session, text="@kettlebird llegó roto", lang="es")
        make_case(session, text="@kettlebird kam kaputt an", lang="de")
        make_case(session, text="@kettlebird ???", lang="und")
        make_case(session, text="@kettlebird arrived broken")  # stored before detection: ''
    client = api_for("vera")
    spanish = client.get("/mentions", params={"lang": "es"}).json()["items"]
    assert [(x["text"], x["lang"]) for x in spanish] == [("@kettlebird llegó roto", "es")]
    undetermined = client.get("/mentions", params={"lang": "und"}).json()["items"]
    assert [x["text"] for x in undetermined] == ["@kettlebird ???"]
    assert len(client.get("/mentions").json()["items"]) == 4


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/cases", {"cursor": "garbage!"}, "query.cursor"),
        ("/cases", {"cursor": "bWVudGlvbjoxMg"}, "query.cursor"),  # a mention cursor
        ("/mentions", {"cursor": "Y2FzZTozLjEuMQ"}, "query.cursor"),  # a case cursor
        ("/cases", {"limit": "0"}, "query.limit"),
        ("/cases", {"limit": "many"}, "query.limit"),
        ("/cases", {"severity": "dire"}, "query.severity"),
        ("/cases", {"status": "lost"}, "query.status"),
        ("/cases", {"brand": "Nobody"}, "query.brand"),
        ("/mentions", {"flagged": "perhaps"}, "query.flagged"),
        ("/mentions", {"lang": "ES"}, "query.lang"),
        ("/cases", {"lang": "e1"}, "query.lang"),
        ("/cases", {"lang": "spanish"}, "query.lang"),
        ("/reports", {"days": "0"}, "query.days"),
    ],
)
def test_bad_input_is_a_422_problem_naming_the_field(
    api_for: Api, tokens: dict[str, str], path: str, params: dict[str, str], field: str
) -> None:
    response = api_for("vera").get(path, params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("/validation") and body["status"] == 422
    assert [e["field"] for e in body["errors"]] == [field]
    assert field in body["detail"]


def test_reports_give_the_report_page_s_figures_and_rows(
    api_for: Api, factory: sessionmaker[Session]
) -> None:
    now = utcnow()
    with factory() as session, session.begin():
        answered = make_case(session, opened_at=now - timedelta(hours=3))
        answered.first_response_at = answered.opened_at + timedelta(minutes=20)
        make_case(session, opened_at=now - timedelta(days=60))  # before the period
    client = api_for("vera")
    report = client.get("/reports", params={"days": 7, "brand": "Kettlebird"}).json()
    assert (report["opened"], report["responded"]) == (1, 1)
    assert report["median_response_minutes"] == 20.0 and report["sla_hit_rate"] == 1.0
    rows = client.get("/reports/cases", params={"since": "7d"}).json()
    assert [r["id"] for r in rows] == [answered.id] and rows[0]["sla_met"] == "true"
    bad = client.get("/reports", params={"end": "yesterday"})
    assert bad.status_code == 400 and bad.json()["detail"].startswith("end: expected a date")
