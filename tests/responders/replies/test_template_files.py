"""Reply template file names: what each means, and what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from responders.replies.template_files import list_files, parse_name, write_file


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("apology", ("apology", "warm", "", "")),
        ("apology.j2", ("apology", "warm", "", "")),
        ("apology.formal", ("apology", "formal", "", "")),
        ("apology.x", ("apology", "warm", "x", "")),
        ("follow_up.formal.bluesky.es", ("follow_up", "formal", "bluesky", "es")),
        ("outreach.rss", ("outreach", "warm", "rss", "")),
        ("outreach.de", ("outreach", "warm", "", "de")),
    ],
)
def test_a_name_says_kind_tone_platform_and_language(
    name: str, parts: tuple[str, str, str, str]
) -> None:
    parsed = parse_name(name).value
    assert parsed is not None
    assert (parsed.kind, parsed.tone, parsed.platform, parsed.lang) == parts


@pytest.mark.parametrize(
    "name", ["refund", "apology.es.x", "apology.spanish", "../apology", "apology..es", ""]
)
def test_anything_else_is_refused_saying_what_a_name_is(name: str) -> None:
    result = parse_name(name)
    assert not result.ok and "KIND[.TONE][.PLATFORM][.LANG]" in result.error


def test_a_write_is_checked_first_and_lists_with_its_language(tmp_path: Path) -> None:
    (tmp_path / "replies").mkdir()
    assert not write_file(tmp_path, "apology.es", "{{ nope }}").ok
    assert list_files(tmp_path) == []
    assert write_file(tmp_path, "apology.es", "{{ handle }} hola").ok
    (tmp_path / "replies" / "notes.j2").write_text("not a template name", encoding="utf-8")
    files = list_files(tmp_path)
    assert [(f.name, f.language) for f in files] == [("apology.es", "Spanish (es)")]
    assert (tmp_path / "replies" / "apology.es.j2").read_text("utf-8") == "{{ handle }} hola\n"
