"""The bundled demo stream scores exactly as recorded: a guard for speed work on the core.

A change in these results must be deliberate: regenerate the file with
`MAKEGOOD_REGEN_GOLDEN=1 .venv/bin/pytest tests/responders/cli/test_score_golden.py` and say
in the commit why the scores moved.
"""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from responders.cli.score_cmd import score_file
from tests.conftest import ROOT

DEMO_STREAM = ROOT / "monitor" / "demo" / "stream.jsonl"
GOLDEN = Path(__file__).parent / "golden" / "demo_stream.scores.jsonl"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # fixed: velocity depends on the post's age


def scored_demo_stream() -> str:
    """`makegood score` over the demo stream, as of NOW, single process."""
    out = io.StringIO()
    score_file(DEMO_STREAM, out, brand_handles=("@kettlebird", "@kettlebirdhelp"), now=NOW)
    return out.getvalue()


def test_the_demo_stream_scores_exactly_as_recorded() -> None:
    got = scored_demo_stream()
    if os.environ.get("MAKEGOOD_REGEN_GOLDEN"):
        GOLDEN.write_text(got, encoding="utf-8")
    want = GOLDEN.read_text(encoding="utf-8")
    changed = [
        (json.loads(a)["id"], a, b)
        for a, b in zip(want.splitlines(), got.splitlines(), strict=True)
        if a != b
    ]
    assert not changed, f"{len(changed)} rows changed, first: {changed[0]}"
