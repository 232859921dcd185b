"""The queue page live and by hand, over HTTP: the poll and its ETag, language, search, bulk."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from tests.responders.web.seed import csrf_from, make_case, seed_cases
from tests.responders.web.test_queue import case_ids

LIVE_RE = re.compile(r'data-live="([^"]+)"')


def live_url(html: str) -> str:
    """The poll URL the page carries (its filter and watermark)."""
    match = LIVE_RE.search(html)
    assert match, "the queue page has no live poll URL"
    return match.group(1).replace("&amp;", "&")


def test_the_poll_counts_new_cases_under_the_filter_and_answers_304_when_nothing_moved(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient], staff: dict[str, int]
) -> None:
    (shown,) = seed_cases(factory, [{"platform": "x"}])
    vera = client_for("vera")
    url = live_url(vera.get("/", params={"platform": "x"}).text) + f"&ids={shown}"
    first = vera.get(url)
    assert first.json() == {
        "new": 0,
        "more": False,
        "rows": [
            {"id": shown, "status": "open", "status_label": "open", "assignee": "", "version": 1}
        ],
    }
    etag = first.headers["etag"]
    assert vera.get(url, headers={"If-None-Match": etag}).status_code == 304

    seed_cases(factory, [{"platform": "x"}, {"platform": "mastodon"}])  # one new under the filter
    with factory() as session, session.begin():
        case = session.get(m.RecoveryCase, shown)
        assert case is not None
        case.assignee_id = staff["rob"]
    moved = vera.get(url, headers={"If-None-Match": etag})
    assert moved.status_code == 200
    assert moved.json()["new"] == 1
    assert moved.json()["rows"][0]["assignee"] == "rob"
    assert moved.json()["rows"][0]["version"] == 2


@pytest.mark.parametrize(
    "query",
    ["ids=1,x,,-3,99999999999", "since=abc", "since=-1", "since=5&status=bogus&lang=xx1"],
)
def test_the_poll_ignores_values_it_cannot_use(
    client_for: Callable[[str], TestClient], query: str
) -> None:
    response = client_for("vera").get(f"/queue/live?{query}")
    assert response.status_code == 200
    assert response.json() == {"new": 0, "more": False, "rows": []}


def test_a_page_drawn_on_an_empty_queue_counts_every_case_that_arrives(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    vera = client_for("vera")
    url = live_url(vera.get("/").text)
    assert url.endswith("since=0")
    seed_cases(factory, [{}, {}])
    assert vera.get(url).json()["new"] == 2


def test_the_show_link_marks_the_cases_that_arrived(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    (old,) = seed_cases(factory, [{}])
    (new,) = seed_cases(factory, [{}])
    html = client_for("vera").get("/", params={"seen": old}).text
    assert re.search(rf'class="[^"]*fresh[^"]*" data-case="{new}"', html)
    assert not re.search(rf'class="[^"]*fresh[^"]*" data-case="{old}"', html)


def language_case(factory: sessionmaker[Session], text: str, lang: str, handle: str) -> int:
    with factory() as session, session.begin():
        return make_case(session, text=text, handle=handle, lang=lang).id


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"lang": "es"}, ["es"]),
        ({"lang": "de"}, ["de"]),
        ({"lang": "und"}, []),
        ({"q": "@ana"}, ["es"]),  # the author's handle
        ({"q": "ANA_"}, []),  # the handle is matched literally: "_" is no wildcard
        ({"q": "kaputt"}, ["de"]),
        ({}, ["de", "es"]),
    ],
)
def test_the_language_column_and_filter_and_the_search_over_the_author(
    factory: sessionmaker[Session],
    client_for: Callable[[str], TestClient],
    params: dict[str, str],
    expected: list[str],
) -> None:
    spanish = language_case(factory, "mi pedido nunca llegó", "es", "@ana")
    german = language_case(factory, "Wasserkocher kaputt", "de", "@bernd")
    html = client_for("vera").get("/", params=params).text
    by_id = {spanish: "es", german: "de"}
    assert sorted(by_id[i] for i in case_ids(html)) == expected
    for case_id in case_ids(html):
        assert re.search(
            rf'data-case="{case_id}"[^>]*>.*?<td class="lang">{by_id[case_id]}</td>', html, re.S
        )


@pytest.mark.parametrize(
    ("query", "field"),
    [("lang=EN1", "lang: 'EN1' is not a language code"), ("seen=x", "seen: 'x' is not a case id")],
)
def test_a_bad_language_or_seen_value_gets_the_error_page(
    client_for: Callable[[str], TestClient], query: str, field: str
) -> None:
    response = client_for("vera").get(f"/?{query}")
    assert response.status_code == 400
    assert field in unescape(response.text)


def bulk_form(client: TestClient, action: str, cases: list[str], **extra: str) -> dict[str, object]:
    token = csrf_from(client.get("/").text)
    return {"csrf_token": token, "action": action, "case": cases, "back": "/", **extra}


def test_bulk_claim_confirms_first_then_claims_each_with_its_audit_entry(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient], staff: dict[str, int]
) -> None:
    a, b, taken = seed_cases(
        factory, [{"handle": "pat"}, {"handle": "sam"}, {"assignee_id": staff["alice"]}]
    )
    rob = client_for("rob")
    form = bulk_form(rob, "claim", [f"{a}:1", f"{b}:1", f"{taken}:1"])
    confirm = rob.post("/queue/bulk", data=form)
    assert confirm.status_code == 200
    assert "Claim: 3 cases?" in confirm.text and "pat" in confirm.text and "alice" in confirm.text
    with factory() as session:  # nothing is done before the confirmation
        assert (
            session.scalars(select(m.AuditEntry).where(m.AuditEntry.action == "case.assign")).all()
            == []
        )
    done = rob.post("/queue/bulk/run", data=form, follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, "/")
    page = rob.get("/").text
    assert "claimed 2 cases" in page
    assert f"case #{taken} not claimed: this case is already claimed by someone else" in page
    with factory() as session:
        targets = session.scalars(
            select(m.AuditEntry.target).where(m.AuditEntry.action == "case.assign")
        ).all()
    assert sorted(targets) == sorted([f"case:{a}", f"case:{b}"])


def test_bulk_assign_names_the_colleague(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient], staff: dict[str, int]
) -> None:
    ids = seed_cases(factory, [{}, {}])
    alice = client_for("alice")
    form = bulk_form(alice, "assign", [f"{i}:1" for i in ids], assignee_id=str(staff["rob"]))
    assert "Assign to rob: 2 cases?" in alice.post("/queue/bulk", data=form).text
    alice.post("/queue/bulk/run", data=form, follow_redirects=False)
    assert "assigned 2 cases to rob" in alice.get("/").text
    with factory() as session:
        owners = session.scalars(select(m.RecoveryCase.assignee_id)).all()
    assert set(owners) == {staff["rob"]}


@pytest.mark.parametrize(
    ("who", "action", "cases", "extra", "status", "says"),
    [
        ("vera", "claim", ["1:1"], {}, 403, "needs responder"),
        (
            "rob",
            "assign",
            ["1:1"],
            {"assignee_id": "2"},
            400,
            "may not assign to cases; it needs approver",
        ),
        ("rob", "delete", ["1:1"], {}, 400, "action: 'delete' is not one of claim, assign"),
        ("rob", "claim", [], {}, 400, "select at least one case"),
        ("rob", "claim", ["1"], {}, 400, "case: '1' is not a case id and version"),
        ("alice", "assign", ["1:1"], {}, 400, "assignee_id: pick a colleague"),
        ("alice", "assign", ["1:1"], {"assignee_id": "999"}, 400, "pick an active colleague"),
    ],
)
def test_bulk_refusals_name_what_is_wrong_and_change_nothing(
    factory: sessionmaker[Session],
    client_for: Callable[[str], TestClient],
    who: str,
    action: str,
    cases: list[str],
    extra: dict[str, str],
    status: int,
    says: str,
) -> None:
    seed_cases(factory, [{}])
    client = client_for(who)
    form = bulk_form(client, action, cases, **extra)
    for path in ("/queue/bulk", "/queue/bulk/run"):
        response = client.post(path, data=form)
        assert response.status_code == status
        assert says in unescape(response.text)
    with factory() as session:
        assert session.scalars(select(m.RecoveryCase.assignee_id)).all() == [None]


def test_bulk_needs_the_csrf_token(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    response = client_for("rob").post(
        "/queue/bulk/run", data={"action": "claim", "case": f"{case_id}:1"}
    )
    assert response.status_code == 403
