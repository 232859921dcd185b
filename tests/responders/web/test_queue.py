"""The queue page: order, filters, keyset pagination, SLA marks, incidents, claiming."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from monitor.mention import utcnow
from monitor.storage import models as m
from responders.cases.review_queue import Cursor, QueueFilter, queue_page
from tests.responders.web.seed import csrf_from, make_case, seed_cases

ROW_RE = re.compile(r'data-case="(\d+)"')


def case_ids(html: str) -> list[int]:
    """The case ids of the queue's rows, in order."""
    return [int(x) for x in ROW_RE.findall(html)]


def test_queue_is_ordered_by_severity_then_waiting_longest(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    now = utcnow()
    ids = seed_cases(
        factory,
        [
            {"severity": "medium", "opened_at": now - timedelta(hours=5)},
            {"severity": "critical", "opened_at": now - timedelta(minutes=5)},
            {"severity": "high", "opened_at": now - timedelta(minutes=30)},
            {"severity": "high", "opened_at": now - timedelta(hours=2)},
            {"severity": "low", "opened_at": now - timedelta(days=1), "status": "closed"},
        ],
    )
    html = client_for("vera").get("/").text
    assert case_ids(html) == [ids[1], ids[3], ids[2], ids[0]]
    assert "4 cases" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("brand=Other", [3]),
        ("platform=x", [1]),
        ("severity=critical", [2]),
        ("category=billing", [1]),
        ("status=awaiting_approval", [2]),
        ("status=closed", [4]),
        ("assignee=none", [2, 1, 3]),
        ("brand=Kettlebird&platform=mastodon", [2, 0]),
    ],
)
def test_filters(
    factory: sessionmaker[Session],
    staff: dict[str, int],
    client_for: Callable[[str], TestClient],
    query: str,
    expected: list[int],
) -> None:
    now = utcnow()
    ids = seed_cases(
        factory,
        [
            {"opened_at": now - timedelta(hours=4), "assignee_id": staff["rob"]},
            {"platform": "x", "category": "billing", "opened_at": now - timedelta(hours=3)},
            {"severity": "critical", "status": "awaiting_approval", "opened_at": now},
            {"brand": "Other", "severity": "medium", "opened_at": now - timedelta(hours=1)},
            {"status": "closed"},
        ],
    )
    html = client_for("vera").get(f"/?{query}").text
    assert case_ids(html) == [ids[i] for i in expected]


def test_assignee_filter_by_user(
    factory: sessionmaker[Session], staff: dict[str, int], client_for: Callable[[str], TestClient]
) -> None:
    ids = seed_cases(factory, [{"assignee_id": staff["rob"]}, {}, {"assignee_id": staff["alice"]}])
    html = client_for("vera").get(f"/?assignee={staff['rob']}").text
    assert case_ids(html) == [ids[0]]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("REFUND", [0]),
        ("second post", [1]),  # any mention of the case, not only the first
        ("50%", [2]),  # % and _ are literal, not wildcards
        ("5_%", []),
        ("  refund   ", [0]),
    ],
)
def test_text_search_finds_words_in_any_post_of_a_case(
    factory: sessionmaker[Session],
    client_for: Callable[[str], TestClient],
    q: str,
    expected: list[int],
) -> None:
    with factory() as session, session.begin():
        cases = [
            make_case(session, text="@kettlebird I want a Refund"),
            make_case(session, text="@kettlebird lid broke"),
            make_case(session, text="@kettlebird 50% of my order is missing"),
        ]
        first = session.get(m.Mention, cases[1].first_mention_id)
        assert first is not None
        later = m.Mention(
            platform=first.platform, external_id="later", brand=first.brand, text="my second post",
            created_at=utcnow(), author_id=first.author_id, case_id=cases[1].id,
        )  # fmt: skip
        session.add(later)
        ids = [c.id for c in cases]
    html = client_for("vera").get("/", params={"q": q}).text
    assert case_ids(html) == [ids[i] for i in expected]
    assert f'name="q" value="{" ".join(q.split())}"' in html  # the field keeps the search


def test_keyset_pagination_walks_every_case_once_in_order(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    now = utcnow()
    same_time = now - timedelta(hours=1)  # ties on opened_at are broken by id
    specs: list[dict[str, object]] = [
        {
            "severity": ("critical", "high", "medium", "low")[i % 4],
            "opened_at": same_time if i % 3 == 0 else now - timedelta(minutes=i),
        }
        for i in range(120)
    ]
    seed_cases(factory, specs)
    client = client_for("vera")
    seen: list[int] = []
    url = "/"
    pages = 0
    while url:
        html = client.get(url).text
        seen.extend(case_ids(html))
        found = re.search(r'href="([^"]+)" rel="next"', html)
        url = found.group(1).replace("&amp;", "&") if found else ""
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 120
    with factory() as session:
        whole = queue_page(session, QueueFilter(), limit=500)
    assert seen == [row.case.id for row in whole.rows]


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "garbage",
        "9.1.1",
        "1.x.2",
        "-1.0.0",
        "4.99999999999999999999.1",
        "1.0.99999999999999999999999",  # an id the database cannot hold
        "1.0.0",
        "1.0.²",  # a digit to str.isdigit, not to int()
    ],
)
def test_a_malformed_cursor_starts_over(cursor: str) -> None:
    assert Cursor.decode(cursor) is None


def test_cursor_round_trips() -> None:
    cursor = Cursor(3, utcnow().replace(microsecond=123456), 42)
    assert Cursor.decode(cursor.encode()) == cursor


def test_overdue_cases_are_marked_and_the_clock_shows(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    now = utcnow()
    late, fresh = seed_cases(
        factory,
        [{"opened_at": now - timedelta(minutes=90)}, {"opened_at": now - timedelta(minutes=5)}],
    )
    html = client_for("vera").get("/").text
    assert re.search(rf'class="overdue" data-case="{late}"', html)
    assert f'class="" data-case="{fresh}"' in html
    assert "overdue 30 min" in html
    assert "due in 55 min" in html or "due in 54 min" in html


def test_open_incidents_are_shown_above_the_queue(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    with factory() as session, session.begin():
        session.add(m.Incident(brand="Kettlebird", kind="spike", summary="42 angry posts in 1h"))
        session.add(
            m.Incident(brand="Kettlebird", kind="viral", summary="old news", resolved_at=utcnow())
        )
    html = client_for("vera").get("/").text
    assert "42 angry posts in 1h" in html
    assert "old news" not in html
    assert html.index("42 angry posts") < html.index("Review queue")


def _claim(client: TestClient, case_id: int, version: int) -> int:
    token = csrf_from(client.get("/").text)
    response = client.post(
        f"/cases/{case_id}/claim",
        data={"version": version, "csrf_token": token},
        follow_redirects=False,
    )
    return response.status_code


def test_claim_one_wins_the_other_is_told(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient], staff: dict[str, int]
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    rob = client_for("rob")
    with factory() as session:
        version = session.get(m.RecoveryCase, case_id).version  # type: ignore[union-attr]
    assert _claim(rob, case_id, version) == 303
    # Alice's page still shows the old version: her claim is refused, Rob keeps the case.
    alice = client_for("alice")
    token = csrf_from(alice.get("/").text)
    response = alice.post(f"/cases/{case_id}/claim", data={"version": version, "csrf_token": token})
    assert response.status_code == 409
    assert "someone else changed this case" in response.text
    with factory() as session:
        case = session.get(m.RecoveryCase, case_id)
        assert case is not None and case.assignee_id == staff["rob"]


@pytest.mark.parametrize(
    ("who", "path", "form", "expected"),
    [
        ("vera", "claim", {}, 403),
        ("rob", "assign", {"assignee_id": "alice"}, 403),
        ("alice", "assign", {"assignee_id": "rob"}, 303),
    ],
)
def test_roles_for_claim_and_assign(
    factory: sessionmaker[Session],
    client_for: Callable[[str], TestClient],
    staff: dict[str, int],
    who: str,
    path: str,
    form: dict[str, str],
    expected: int,
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    client = client_for(who)
    token = csrf_from(client.get("/").text)
    data = {"version": "1", "csrf_token": token, **{k: str(staff[v]) for k, v in form.items()}}
    response = client.post(f"/cases/{case_id}/{path}", data=data, follow_redirects=False)
    assert response.status_code == expected


def test_claim_without_csrf_token_is_forbidden(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    client = client_for("rob")
    response = client.post(f"/cases/{case_id}/claim", data={"version": 1})
    assert response.status_code == 403
    response = client.post(f"/cases/{case_id}/claim", data={"version": 1, "csrf_token": "forged"})
    assert response.status_code == 403


def test_untrusted_post_text_is_escaped_in_the_queue(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    with factory() as session, session.begin():
        make_case(session, text="<script>alert(1)</script> kettlebird", handle="<b>x</b>")
    html = client_for("vera").get("/").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        (f"/cases/{HUGE}", 400, "case_id: 99999999999999999999 is not a valid id"),
        (f"/cases/{HUGE}/recovery", 400, "case_id:"),
        (f"/incidents/{HUGE}", 400, "incident_id:"),
        ("/cases/2147483648", 400, "case_id: 2147483648 is not a valid id"),
        ("/cases/0", 400, "case_id: 0 is not a valid id"),
        ("/cases/2147483647", 404, "there is no case #2147483647"),
        (f"/?after=1.0.{HUGE}", 200, "Review queue"),  # a bad cursor starts over
        (f"/?assignee={HUGE}", 400, "assignee: "),  # a bad filter value says so
        ("/?assignee=²", 400, "assignee: "),
        (f"/admin/audit?before={HUGE}", 200, "Audit"),  # past the newest entry: from the top
    ],
)
def test_out_of_range_ids_in_the_address_are_refused_by_name_not_a_server_error(
    client_for: Callable[[str], TestClient], url: str, status: int, message: str
) -> None:
    response = client_for("ada").get(url)
    assert response.status_code == status
    assert message in response.text


def test_assigning_to_an_impossible_user_id_is_a_400_naming_the_field(
    factory: sessionmaker[Session], client_for: Callable[[str], TestClient]
) -> None:
    (case_id,) = seed_cases(factory, [{}])
    client = client_for("ada")
    token = csrf_from(client.get("/").text)
    data = {"version": "1", "csrf_token": token, "assignee_id": HUGE}
    response = client.post(f"/cases/{case_id}/assign", data=data, follow_redirects=False)
    assert response.status_code == 400
    assert "assignee_id:" in response.text
