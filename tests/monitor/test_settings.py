"""Settings: the example runs as it is; a bad file names the key and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.settings import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]
GOOD_BRAND = '[[brands]]\nname = "Acme"\nkeywords = ["acme"]\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "makegood.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_configuration_loads() -> None:
    settings = load_settings(ROOT / "config" / "makegood.example.toml")
    assert settings.brands[0].name == "Kettlebird"
    assert settings.brands[0].channels[0].type == "replay"
    assert settings.database_url.startswith("sqlite:///")
    assert Path(settings.templates_dir).is_dir()


def test_database_url_comes_from_the_environment_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAKEGOOD_DATABASE_URL", "postgresql://postgres@127.0.0.1/x")
    assert load_settings(write(tmp_path, GOOD_BRAND)).database_url.startswith("postgresql://")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "brands: Field required"),
        ("[web]\nport = 0\n" + GOOD_BRAND, "web.port: Input should be greater than or equal to 1"),
        ('[[brands]]\nname = "Acme"\n', "brands[0] (Acme): Value error, a brand needs"),
        (GOOD_BRAND + "colour = 1\n", "brands[0] (Acme).colour: Extra inputs are not permitted"),
        (
            GOOD_BRAND + '[[brands.channels]]\ntype = "replay"\ninterval_seconds = -5\n',
            "brands[0] (Acme).channels[0].interval_seconds: Input should be greater than",
        ),
        ('[alerts]\nquiet_hours = "late"\n' + GOOD_BRAND, "alerts.quiet_hours: Value error"),
        ("brands = [", "not valid TOML"),
    ],
)
def test_a_bad_configuration_names_the_key(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_settings(tmp_path / "nope.toml")
