"""The queue kept live: cases new to a page under its filter (capped), and its rows' state."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from responders.cases import queue_live
from responders.cases.review_queue import QueueFilter
from tests.responders.web.seed import add_staff, make_case, seed_cases


@pytest.fixture
def staff(factory: sessionmaker[Session]) -> dict[str, int]:
    return add_staff(factory)


def test_watermark_is_the_highest_case_id_and_zero_on_an_empty_table(
    factory: sessionmaker[Session],
) -> None:
    with factory() as session:
        assert queue_live.watermark(session) == 0
    ids = seed_cases(factory, [{}, {}])
    with factory() as session:
        assert queue_live.watermark(session) == max(ids)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 3),  # the default view: active cases (the closed one is not new to it)
        ({"status": "all"}, 4),
        ({"platform": "x"}, 1),
        ({"severity": "critical"}, 1),
        ({"q": "descaler"}, 1),
        ({"q": "@newcomer"}, 1),  # the author's handle is searched too
        ({"lang": "de"}, 1),
        ({"assignee": "none"}, 2),
        ({"brand": "Nobody"}, 0),
    ],
)
def test_new_cases_are_counted_under_the_pages_filter(
    factory: sessionmaker[Session],
    staff: dict[str, int],
    params: dict[str, str],
    expected: int,
) -> None:
    (old,) = seed_cases(factory, [{"platform": "x", "text": "old descaler post"}])
    with factory() as session, session.begin():
        since = queue_live.watermark(session)
        make_case(session, platform="x", text="the descaler ate my kettle", severity="critical")
        make_case(session, handle="@newcomer", assignee_id=staff["rob"])
        make_case(session, text="Wasserkocher kaputt, keine Antwort", lang="de")
        make_case(session, status="closed")
    with factory() as session:
        assert since == old
        assert queue_live.count_new(session, QueueFilter.from_params(params), since) == expected


def test_the_new_count_is_capped_like_the_queues(factory: sessionmaker[Session]) -> None:
    seed_cases(factory, [{} for _ in range(5)])
    with factory() as session:
        assert queue_live.count_new(session, QueueFilter(), 0, cap=3) == 4  # "3+"


def test_row_states_give_status_owner_and_version_by_id(
    factory: sessionmaker[Session], staff: dict[str, int]
) -> None:
    first, second = seed_cases(factory, [{}, {"assignee_id": staff["alice"]}])
    with factory() as session:
        states = queue_live.row_states(session, [second, first, second, 10**6])
    assert [(s.id, s.status, s.assignee) for s in states] == [
        (first, "open", ""),
        (second, "open", "alice"),
    ]
    assert states[1].as_dict()["status_label"] == "open"
    with factory() as session:
        assert queue_live.row_states(session, []) == []
