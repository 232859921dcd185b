"""The per-brand model lifecycle on a time-ordered label stream: what the retraining job keeps.

  .venv/bin/python bench/model_lifecycle.py [--data ../shared/data] [--steps 200,500,1000,2000,3000]

Sanders' relevant tweets in time order (negative = a complaint label, the rest not) are stored
as one brand's mentions and staff labels in a fresh SQLite database, a batch at a time; after
each step the real retraining job (monitor.learned.retrain, the worker's code) runs. Printed per
step: the labels so far, what the job did (kept / rejected), the new model's macro and
complaint F1 on its held-back slice (the latest 20% of labels), the same figures of the model in
use then (the shipped default, or the active version) and of the rules, on the same posts, and
the training time. Then: how many times ingest parsed the model over 50 pages (the cache).

The last line printed is a JSON summary for machines.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from flag_quality import sanders  # noqa: E402

from monitor.ingest.pipeline import Pipeline  # noqa: E402
from monitor.learned.retrain import retrain_brand  # noqa: E402
from monitor.learned.versions import list_versions  # noqa: E402
from monitor.mention import Mention  # noqa: E402
from monitor.settings import load_settings, parse_settings  # noqa: E402
from monitor.sources.base import PollResult  # noqa: E402
from monitor.storage import models as m  # noqa: E402
from monitor.storage.engine import open_database  # noqa: E402

START = datetime(2011, 10, 1, tzinfo=UTC)
BRAND = "Kettlebird"  # the example brand; Sanders' posts are stored as its mentions


def settings_for(url: str, folder: Path):
    """The example settings on `url`, the brand learning from its labels, every step due."""
    data = load_settings(ROOT / "config" / "makegood.example.toml").model_dump()
    data["storage"] = {"url": url}
    data["data_dir"] = str(folder)
    data["brands"][0]["learned"] = "brand"
    data["learning"] = {"retrain_after_labels": 1, "min_labels": 40}
    return parse_settings(data, "bench settings")


def store_labels(factory, texts: list[str], labels: list[int], first: int) -> None:
    """Mentions and their labels for rows first.., a minute apart (the stream's order)."""
    with factory() as session, session.begin():
        for i, (text, label) in enumerate(zip(texts, labels, strict=True), first):
            at = START + timedelta(minutes=i)
            mention = m.Mention(
                platform="x", external_id=f"s{i}", brand=BRAND, text=text, created_at=at, lang="en"
            )
            session.add(mention)
            session.flush()
            session.add(
                m.MentionLabel(
                    mention_id=mention.id,
                    brand=BRAND,
                    label="complaint" if label else "not_complaint",
                    created_at=at,
                )
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--steps", default="200,500,1000,2000,3000")
    args = parser.parse_args()
    source = args.data / "sanders_twitter" / "full-corpus.csv"
    if not source.exists():
        sys.exit(f"{source} is missing: this bench needs ../shared/data")
    texts, labels = sanders(source)
    steps = [int(s) for s in args.steps.split(",") if int(s) <= len(texts)]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        engine, factory = open_database(url)
        settings = settings_for(url, Path(folder))
        brand = settings.brands[0]
        done = 0
        print(f"Sanders in time order as {BRAND}'s label stream ({len(texts)} posts):")
        for step in steps:
            store_labels(factory, texts[done:step], labels[done:step], done)
            done = step
            began = time.perf_counter()
            outcome = retrain_brand(settings, factory, brand, "bench")
            seconds = time.perf_counter() - began
            with factory() as session:
                version = list_versions(session, BRAND)[0]
                held, base = version.metrics["held_back"], version.baseline_metrics
                rules = version.metrics["rules"]
            row = {
                "labels": step,
                "outcome": outcome.status,
                "version": outcome.version,
                "held_back": version.metrics["held_back_rows"],
                "new": {"macro_f1": held["macro_f1"], "complaint_f1": held["complaint_f1"]},
                "in_use": {
                    "name": base["name"],
                    "macro_f1": base["macro_f1"],
                    "complaint_f1": base["complaint_f1"],
                },
                "rules": {"macro_f1": rules["macro_f1"], "complaint_f1": rules["complaint_f1"]},
                "seconds": round(seconds, 1),
            }
            rows.append(row)
            print(
                f"  {step:>5} labels: v{outcome.version} {outcome.status:<8}"
                f" new macro {held['macro_f1']:.3f} complaint {held['complaint_f1']:.3f} |"
                f" in use ({base['name']}) {base['macro_f1']:.3f} / {base['complaint_f1']:.3f} |"
                f" rules {rules['macro_f1']:.3f} / {rules['complaint_f1']:.3f}"
                f" | held back {row['held_back']}, {seconds:.1f} s"
            )
        pipeline = Pipeline(settings, factory)
        for page in range(50):
            mentions = [
                Mention("x", f"p{page}-{i}", f"kettlebird {texts[(page * 4 + i) % len(texts)]}")
                for i in range(4)
            ]
            pipeline.store_page(brand, "Kettlebird:bench", PollResult(mentions, {}))
        print(f"  ingest, 50 pages with the active model: {pipeline.learned.loads} model parse(s)")
        engine.dispose()
    print(json.dumps({"steps": rows, "ingest_model_loads_50_pages": pipeline.learned.loads}))


if __name__ == "__main__":
    main()
