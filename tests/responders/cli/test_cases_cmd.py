"""`makegood cases list|export`: recovery cases on the terminal and as CSV, with filters."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from monitor.mention import utcnow
from monitor.storage import models as m
from responders.cases.reports import EXPORT_COLUMNS
from responders.cli import app, load_commands
from tests.responders.web.seed import make_case

runner = CliRunner()


@pytest.fixture
def config(db_url: str, tmp_path: Path) -> Path:
    """A configuration file pointing at the test database."""
    path = tmp_path / "makegood.toml"
    example = (Path(__file__).resolve().parents[3] / "config" / "makegood.example.toml").read_text()
    example = example.replace('url = "sqlite:///data/makegood.db"', f'url = "{db_url}"')
    path.write_text(example.replace('data_dir = "data"', f'data_dir = "{tmp_path / "data"}"'))
    load_commands([])
    return path


@pytest.fixture
def seeded(factory: sessionmaker[Session]) -> dict[str, int]:
    """A recent resolved case of Kettlebird, an old open one, and one of another brand."""
    with factory() as session, session.begin():
        recent = make_case(session, handle="pat", opened_at=utcnow() - timedelta(days=2))
        recent.first_response_at = recent.opened_at + timedelta(minutes=30)
        recent.root_cause, recent.status, recent.outcome = "carrier delay", "closed", "resolved"
        recent.later_sentiment, recent.win_back = 0.5, 1.2
        session.add(m.Compensation(case_id=recent.id, what="refund", value_cents=1999))
        old = make_case(session, handle="=HYPERLINK(1)", opened_at=utcnow() - timedelta(days=40))
        other = make_case(session, handle="zed", brand="Othercorp")
        return {"recent": recent.id, "old": old.id, "other": other.id}


def run(config: Path, *args: str) -> Result:
    return runner.invoke(app, ["cases", *args, "--config", str(config)])


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_export_writes_one_row_per_case_with_the_recovery_columns(
    config: Path, seeded: dict[str, int]
) -> None:
    result = run(config, "export")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == ",".join(EXPORT_COLUMNS)
    by_id = {r["id"]: r for r in rows(result.stdout)}
    assert set(by_id) == {str(i) for i in seeded.values()}
    row = by_id[str(seeded["recent"])]
    assert (row["brand"], row["author"], row["status"], row["outcome"]) == (
        "Kettlebird", "pat", "closed", "resolved",
    )  # fmt: skip
    assert (row["response_minutes"], row["sla_met"], row["root_cause"]) == (
        "30.0", "true", "carrier delay",
    )  # fmt: skip
    assert (row["win_back"], row["won_back"], row["compensation_cents"]) == ("1.2", "true", "1999")
    # A handle a spreadsheet would run as a formula is quoted.
    assert by_id[str(seeded["old"])]["author"] == "'=HYPERLINK(1)"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--brand", "Kettlebird"), {"recent", "old"}),
        (("--since", "7d"), {"recent", "other"}),
        (("--since", "720h"), {"recent", "other"}),
        (("--brand", "Kettlebird", "--since", "7d"), {"recent"}),
    ],
)
def test_export_filters(
    config: Path, seeded: dict[str, int], args: tuple[str, ...], expected: set[str]
) -> None:
    result = run(config, "export", *args)
    assert result.exit_code == 0, result.output
    assert {r["id"] for r in rows(result.stdout)} == {str(seeded[name]) for name in expected}


def test_export_since_a_date(config: Path, seeded: dict[str, int]) -> None:
    day = (utcnow() - timedelta(days=10)).date().isoformat()
    result = run(config, "export", "--since", day)
    assert {r["id"] for r in rows(result.stdout)} == {
        str(seeded["recent"]), str(seeded["other"]),
    }  # fmt: skip


def test_export_to_a_file(config: Path, seeded: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "cases.csv"
    result = run(config, "export", "-o", str(out), "--brand", "Kettlebird")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # stdout stays clean; the count goes to stderr
    assert "2 cases written to" in result.stderr
    written = rows(out.read_text(encoding="utf-8"))
    assert [r["id"] for r in written] == [str(seeded["recent"]), str(seeded["old"])]


def test_list_shows_newest_first(config: Path, seeded: dict[str, int]) -> None:
    result = run(config, "list", "--brand", "Kettlebird")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = ["id", "status", "severity", "opened", "(UTC)", "1st", "reply", "author"]
    assert lines[0].split() == header
    assert lines[1].split()[0] == str(seeded["recent"]) and lines[1].split()[-2:] == ["30m", "pat"]
    assert lines[2].split()[0] == str(seeded["old"]) and "-" in lines[2].split()


def test_list_filters_by_status_and_limits(config: Path, seeded: dict[str, int]) -> None:
    closed = run(config, "list", "--status", "closed")
    assert [line.split()[0] for line in closed.stdout.splitlines()[1:]] == [str(seeded["recent"])]
    limited = run(config, "list", "--limit", "1")
    assert len(limited.stdout.splitlines()) == 2
    assert "2 more (use --limit)" in limited.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("export", "--since", "last tuesday"), "--since: expected a date like 2026-01-31"),
        (("list", "--since", "2026-13-45"), "--since: expected a date"),
        (("export", "--brand", "Nope"), "--brand: no brand 'Nope'"),
        (("list", "--status", "lost"), "--status: unknown 'lost'"),
    ],
)
def test_bad_options_get_a_clear_message_and_no_traceback(
    config: Path, seeded: dict[str, int], args: tuple[str, ...], message: str
) -> None:
    result = run(config, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
