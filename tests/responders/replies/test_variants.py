"""Language variants of reply templates: which file the editor picks for a post's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from responders.replies.drafting import find_template, template_languages, variant_language
from responders.replies.languages import language_label, normalize


@pytest.mark.parametrize(
    ("files", "kind", "platform", "lang", "chosen"),
    [
        # The post's language wins when a variant exists, else the default file.
        (["apology.j2", "apology.es.j2"], "apology", "x", "es", "apology.es.j2"),
        (["apology.j2", "apology.es.j2"], "apology", "x", "de", "apology.j2"),
        (["apology.j2", "apology.es.j2"], "apology", "x", "", "apology.j2"),
        (["apology.j2", "apology.es.j2"], "apology", "x", "und", "apology.j2"),
        # A region or script tag still finds the language's file.
        (["apology.j2", "apology.pt.j2"], "apology", "x", "pt-BR", "apology.pt.j2"),
        (["apology.j2", "apology.es.j2"], "apology", "x", "ES", "apology.es.j2"),
        # The language matters more than a per-platform file in the default language.
        (["apology.j2", "apology.x.j2", "apology.es.j2"], "apology", "x", "es", "apology.es.j2"),
        (["apology.j2", "apology.x.es.j2", "apology.es.j2"], "apology", "x", "es",
         "apology.x.es.j2"),
        (["apology.j2", "apology.x.es.j2"], "apology", "bluesky", "es", "apology.j2"),
        # Another kind's variant is not this kind's.
        (["apology.j2", "outreach.es.j2"], "apology", "x", "es", "apology.j2"),
        # 'rss' is a platform, never a language: rss.j2 files are not language variants.
        (["apology.j2", "apology.rss.j2"], "apology", "rss", "", "apology.rss.j2"),
    ],
)  # fmt: skip
def test_the_variant_in_the_posts_language_is_chosen_when_there_is_one(
    tmp_path: Path, files: list[str], kind: str, platform: str, lang: str, chosen: str
) -> None:
    (tmp_path / "replies").mkdir()
    for name in files:
        (tmp_path / "replies" / name).write_text("{{ handle }} hi", encoding="utf-8")
    found = find_template(tmp_path, kind, "warm", platform, lang)
    assert found is not None and found.name == chosen


def test_the_languages_a_kind_has_variants_in(tmp_path: Path) -> None:
    (tmp_path / "replies").mkdir()
    for name in ("apology.j2", "apology.es.j2", "apology.formal.de.j2", "apology.x.j2",
                 "apology.rss.j2", "outreach.fr.j2"):  # fmt: skip
        (tmp_path / "replies" / name).write_text("hi", encoding="utf-8")
    assert template_languages(tmp_path, "apology") == ["de", "es"]
    assert template_languages(tmp_path, "outreach") == ["fr"]


@pytest.mark.parametrize(
    ("name", "lang"),
    [("apology.j2", ""), ("apology.es.j2", "es"), ("apology.formal.x.ja.j2", "ja"),
     ("apology.x.j2", ""), ("apology.formal.j2", ""), ("apology.rss.j2", "")],
)  # fmt: skip
def test_a_files_language_is_read_from_its_name(name: str, lang: str) -> None:
    assert variant_language(Path(name)) == lang


@pytest.mark.parametrize(
    ("code", "normal", "label"),
    [
        ("es", "es", "Spanish (es)"),
        ("es-MX", "es", "Spanish (es)"),
        ("pt_BR", "pt", "Portuguese (pt)"),
        ("JA", "ja", "Japanese (ja)"),
        ("und", "", "not detected"),
        ("", "", "not detected"),
        (None, "", "not detected"),
        ("xq", "xq", "xq (xq)"),
        ("not a code", "", "not detected"),
    ],
)
def test_a_posts_language_is_shown_by_name_and_code(
    code: str | None, normal: str, label: str
) -> None:
    assert normalize(code) == normal
    assert language_label(code) == label
