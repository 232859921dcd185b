"""The retraining job: a better model is kept, a worse one rejected, running twice is a no-op."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor import leases
from monitor.learned.retrain import lease_name, retrain_all, retrain_brand, why_due
from monitor.learned.train import fit
from monitor.learned.versions import list_versions
from monitor.mention import utcnow
from monitor.settings import LearningSettings, Settings
from monitor.storage import models as m
from tests.monitor.learned.labeled_posts import (
    DEVICES,
    START,
    add_labels,
    fine_post,
    jargon_rows,
)
from tests.monitor.learned.lifecycle_settings import lifecycle_settings


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return lifecycle_settings(db_url, tmp_path)


def versions(factory: sessionmaker[Session]) -> list[tuple[int, str]]:
    with factory() as session:
        return [(v.version, v.status) for v in reversed(list_versions(session, "Kettlebird"))]


def run(settings: Settings, factory: sessionmaker[Session], owner: str = "w1", **kw: object):
    return retrain_brand(settings, factory, settings.brands[0], owner, **kw)  # type: ignore[arg-type]


LEARNING = LearningSettings(retrain_after_labels=50, retrain_every_hours=24)


@pytest.mark.parametrize(
    ("changes", "age_hours", "expected"),
    [
        (0, None, ""),  # nothing labeled: nothing to learn
        (5, None, "no version yet"),
        (0, 48, ""),  # nightly, but no label changed: the same model again is pointless
        (10, 1, ""),  # too few changes, too recent
        (50, 1, "50 labels changed since the last version"),
        (10, 25, "the last version is older than 24 h"),
    ],
)
def test_when_a_brand_is_due(changes: int, age_hours: float | None, expected: str) -> None:
    now = utcnow()
    last = None if age_hours is None else now - timedelta(hours=age_hours)
    assert why_due(changes, last, now, LEARNING) == expected


def test_a_model_better_than_the_shipped_one_is_kept_with_its_figures(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    add_labels(factory, jargon_rows(60))
    outcome = run(settings, factory)
    assert (outcome.status, outcome.version) == ("kept", 1)
    with factory() as session:
        (version,) = list_versions(session, "Kettlebird")
    assert version.status == "active" and version.activated_at is not None
    assert version.labels_used == 60
    assert version.metrics["trained_on"] == 48 and version.metrics["held_back_rows"] == 12
    # The jargon carries no sentiment: the shipped model and the rules miss every complaint.
    assert version.baseline_metrics["name"] == "default"
    assert version.baseline_metrics["complaint_f1"] == 0.0
    assert version.metrics["rules"]["complaint_f1"] == 0.0
    assert version.metrics["held_back"]["complaint_f1"] == 1.0
    assert version.metrics["held_back"]["macro_f1"] >= version.baseline_metrics["macro_f1"]
    assert version.note.startswith("kept: macro F1 1.000 >= ")


def test_a_worse_model_is_stored_as_rejected_and_the_active_one_stays(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    # The latest posts turn the older ones' pattern around: a new fault code, and fine posts
    # that say "again". The active model already knows them; one trained on the older cannot.
    older = jargon_rows(48)
    latest = [
        (f"my kettlebird {DEVICES[i % 5]} flashes zq7 twice, order {i}", 1)
        if i % 2
        else (f"{fine_post(i)} again", 0)
        for i in range(48, 60)
    ]
    add_labels(factory, [*older, *latest])
    strong = fit([t for t, _ in older + latest], [y for _, y in older + latest])
    with factory() as session, session.begin():
        session.add(
            m.ModelVersion(
                brand="Kettlebird", version=1, status="active", model=strong.to_json(),
                created_at=START, metrics={"labels": {"through_id": 0, "revoked": 0}},
            )
        )  # fmt: skip
    outcome = run(settings, factory)
    assert (outcome.status, outcome.version) == ("rejected", 2)
    assert versions(factory) == [(1, "active"), (2, "rejected")]
    with factory() as session:
        rejected = list_versions(session, "Kettlebird")[0]
    assert rejected.baseline_metrics["name"] == "Kettlebird v1"
    assert rejected.metrics["held_back"]["macro_f1"] < rejected.baseline_metrics["macro_f1"]
    assert rejected.note.startswith("rejected: macro F1 ")


def test_running_again_without_new_labels_trains_nothing(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    add_labels(factory, jargon_rows(60))
    assert run(settings, factory).status == "kept"
    again = run(settings, factory)
    assert again.status == "not_due" and versions(factory) == [(1, "active")]
    # A few new labels are not enough; enough of them make the next version.
    add_labels(factory, jargon_rows(10, first=60), minutes=60)
    assert run(settings, factory).status == "not_due"
    add_labels(factory, jargon_rows(10, first=70), minutes=70)
    assert run(settings, factory).status == "kept"
    assert versions(factory) == [(1, "retired"), (2, "active")]


def test_revoked_labels_count_as_changes_and_are_not_trained_on(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    ids = add_labels(factory, jargon_rows(60))
    run(settings, factory)
    with factory() as session, session.begin():
        for label in session.scalars(select(m.MentionLabel).where(m.MentionLabel.id.in_(ids[:20]))):
            label.revoked_at = utcnow()
    outcome = run(settings, factory)
    assert outcome.status == "kept"
    with factory() as session:
        assert list_versions(session, "Kettlebird")[0].labels_used == 40


def test_another_worker_holding_the_brand_s_lease_means_no_training(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    add_labels(factory, jargon_rows(60))
    with factory() as session, session.begin():
        assert leases.try_acquire(session, lease_name("Kettlebird"), "w2", 600, utcnow())
    assert run(settings, factory, owner="w1").status == "busy"
    assert versions(factory) == []
    with factory() as session, session.begin():
        leases.release(session, lease_name("Kettlebird"), "w2", done=False)
    assert run(settings, factory, owner="w1").status == "kept"


@pytest.mark.parametrize(
    ("rows", "status"),
    [
        (jargon_rows(30), "too_few"),  # fewer than min_labels
        ([(text, 1) for text, _ in jargon_rows(60)], "one_class"),  # every label a complaint
    ],
)
def test_too_little_to_learn_from_makes_no_version(
    settings: Settings, factory: sessionmaker[Session], rows: list[tuple[str, int]], status: str
) -> None:
    add_labels(factory, rows)
    assert run(settings, factory).status == status
    assert versions(factory) == []


def test_only_brands_opted_in_to_their_own_model_are_retrained(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    add_labels(factory, jargon_rows(60))
    for mode in ("off", "default"):
        assert retrain_all(lifecycle_settings(db_url, tmp_path, learned=mode), factory, "w1") == []
    outcomes = retrain_all(lifecycle_settings(db_url, tmp_path), factory, "w1")
    assert [(o.brand, o.status) for o in outcomes] == [("Kettlebird", "kept")]


def test_the_default_data_is_trained_on_when_configured(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    folder = tmp_path / "shared" / "vader_groundtruth"
    folder.mkdir(parents=True)
    rated = ["1\t-2.5\tthis is awful and broken", "2\t2.0\tlovely morning", "3\tx\tbad row"]
    for name in ("tweets_GroundTruth.txt", "amazonReviewSnippets_GroundTruth.txt"):
        (folder / name).write_text("\n".join(rated) + "\n", encoding="utf-8")
    settings = lifecycle_settings(db_url, tmp_path, default_data_dir=str(tmp_path / "shared"))
    add_labels(factory, jargon_rows(60))
    assert run(settings, factory).status == "kept"
    with factory() as session:
        training = list_versions(session, "Kettlebird")[0].model["training"]
    assert (training["brand_labels"], training["default_rows"]) == (48, 4)


def test_a_default_data_folder_that_is_not_there_is_reported_not_raised(
    db_url: str, tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    settings = lifecycle_settings(db_url, tmp_path, default_data_dir=str(tmp_path / "nowhere"))
    add_labels(factory, jargon_rows(60))
    outcome = run(settings, factory)
    assert outcome.status == "bad_setting" and "nowhere/vader_groundtruth" in outcome.detail
    assert versions(factory) == []
