"""A brand's own lexicon files: relative to the project, read at load, a bad one named."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.scoring import score_text
from monitor.scoring.foreign import brand_lexicons
from monitor.settings import ConfigError, load_settings

BRAND = '[[brands]]\nname = "Acme"\nkeywords = ["acme"]\n'


def config(tmp_path: Path, lexicons: str) -> Path:
    path = tmp_path / "makegood.toml"
    path.write_text(BRAND + f"lexicons = {lexicons}\n", encoding="utf-8")
    return path


def test_a_brand_lexicon_file_extends_the_shipped_one_relative_to_the_project(tmp_path) -> None:
    (tmp_path / "lex").mkdir()
    (tmp_path / "lex" / "es.toml").write_text('strong = ["la tetera pita"]\n', encoding="utf-8")
    settings = load_settings(config(tmp_path, '{es = ["lex/es.toml"]}'))
    brand = settings.brand("Acme")
    assert brand.lexicons == {"es": [str(tmp_path / "lex" / "es.toml")]}
    lexicons = brand_lexicons(brand.lexicons)
    assert score_text("La tetera pita mucho", lang="es", lexicons=lexicons).complaint
    assert score_text("nunca llegó mi pedido", lang="es", lexicons=lexicons).complaint


def test_a_brand_file_overrides_the_tier_of_a_shipped_phrase(tmp_path) -> None:
    (tmp_path / "es.toml").write_text('not = ["nunca llegó"]\n', encoding="utf-8")
    lexicons = brand_lexicons({"es": [str(tmp_path / "es.toml")]})
    assert lexicons is not None and lexicons["es"].tier["nunca llego"] == "not"
    assert brand_lexicons({}) is None  # no setting: the shipped lexicons


@pytest.mark.parametrize(
    ("files", "body", "said"),
    [
        ('{es = ["missing.toml"]}', None, "missing.toml: the brand's es lexicon file does not"),
        ('{es = ["bad.toml"]}', 'angry = ["x"]\n', "bad.toml: unknown key 'angry'"),
        ('{es = ["bad.toml"]}', "strong = [1]\n", "bad.toml: 'strong' must be a list of phrases"),
        ('{es = ["bad.toml"]}', "strong = [\n", "bad.toml: "),
    ],
)
def test_a_bad_lexicon_file_stops_the_load_naming_brand_file_and_key(
    tmp_path: Path, files: str, body: str | None, said: str
) -> None:
    if body is not None:
        (tmp_path / "bad.toml").write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_settings(config(tmp_path, files))
    message = str(raised.value)
    assert "brands 'Acme' lexicons" in message and said in message, message


def test_a_lexicon_language_must_be_a_code(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a language code"):
        load_settings(config(tmp_path, '{Spanish = ["es.toml"]}'))
