"""`makegood score` writes each row's language as `lang`."""

from __future__ import annotations


def test_score_output_carries_the_language(tmp_path):
    import io
    import json

    from responders.cli.score_cmd import score_file

    src = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "text": "Meine Bestellung ist nie angekommen"},
        {"id": "b", "text": "my order never arrived, still waiting"},
        {"id": "c", "text": "ok", "lang": "pt-BR"},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = io.StringIO()
    score_file(src, out)
    got = {r["id"]: r for r in map(json.loads, out.getvalue().splitlines())}
    assert {k: r["lang"] for k, r in got.items()} == {"a": "de", "b": "en", "c": "pt"}
    assert "de complaint lexicon: 'nie angekommen'" in got["a"]["reasons"]
