"""Business-hours settings: [brands.hours] loads into a calendar; a bad value names file and key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from monitor.settings import ConfigError, load_settings

BRAND = '[[brands]]\nname = "Acme"\nkeywords = ["acme"]\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "makegood.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_hours_load_into_the_brands_calendar(tmp_path: Path) -> None:
    text = (
        '[alerts]\ntimezone = "Europe/Berlin"\n'
        + BRAND
        + 'sla_warning_share = 0.5\n[brands.hours]\nmon = "09:00-12:00, 13:00-17:30"\n'
        + 'sat = ["22:00-02:00"]\nholidays = ["2026-12-25", 2026-12-26]\n'
    )
    settings = load_settings(write(tmp_path, text))
    calendar = settings.calendar_for("Acme")
    assert calendar is not None
    assert str(calendar.zone) == "Europe/Berlin"  # the alerts zone when the hours name none
    assert calendar.week[0] == ((540, 720), (780, 1050))
    assert calendar.week[5] == ((1320, 1560),)
    assert calendar.week[1] == ()  # a day left out is closed
    assert calendar.holidays == {date(2026, 12, 25), date(2026, 12, 26)}
    assert settings.brand("Acme").sla_warning_share == 0.5


def test_without_hours_the_clock_is_the_wall_clock(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, BRAND))
    assert settings.calendar_for("Acme") is None
    assert settings.calendar_for("no such brand") is None
    assert settings.brand("Acme").sla_warning_share == 0.8


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        ('mon = "9-5"', "brands[0] (Acme).hours.mon: Value error, '9-5': expected HH:MM-HH:MM"),
        ('tue = "09:00-12:00, 11:00-13:00"', "brands[0] (Acme).hours.tue: Value error,"),
        ('mon = "09:00-17:00"\ntimezone = "Mars/Olympus"', "hours.timezone: Value error, unknown"),
        ('mon = "09:00-17:00"\nholidays = ["2026-02-30"]', "hours.holidays[0]: Input should be"),
        ('mon = "09:00-17:00"\nfriday = "09:00-17:00"', "hours.friday: Extra inputs"),
        ('timezone = "UTC"', "brands[0] (Acme).hours: Value error, no working hours on any day"),
    ],
)
def test_bad_hours_name_the_file_and_the_key(tmp_path: Path, hours: str, expected: str) -> None:
    path = write(tmp_path, BRAND + "[brands.hours]\n" + hours + "\n")
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    assert str(error.value).startswith(f"{path}: invalid configuration")
    assert expected in str(error.value)


@pytest.mark.parametrize("share", ["0", "1", "1.5"])
def test_the_warning_share_is_a_fraction_of_the_sla(tmp_path: Path, share: str) -> None:
    with pytest.raises(ConfigError, match=r"brands\[0\] \(Acme\)\.sla_warning_share"):
        load_settings(write(tmp_path, BRAND + f"sla_warning_share = {share}\n"))
