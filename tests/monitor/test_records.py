"""Reading mention files: streamed, and every bad row a value naming file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor.mention import Mention
from monitor.records import InputFileError, iter_rows, jsonl_page, mention_from_row
from monitor.sources.base import Rejected


def lines(*records: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def test_jsonl_rows_become_mentions_with_every_optional_field(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    record = {
        "text": "kettle broke",
        "platform": "x",
        "id": 7,
        "author": "jo",
        "created_at": "2026-11-20T10:00:00Z",
        "url": "https://x.example/7",
        "author_followers": "1200",
        "likes": 3,
        "replies": 1,
        "reposts": 2,
    }
    path.write_text(lines(record))
    (row,) = list(iter_rows(path))
    mention = mention_from_row(row)
    assert isinstance(mention, Mention)
    assert (mention.platform, mention.external_id, mention.author_followers) == ("x", "7", 1200)
    assert mention.created_at is not None and mention.created_at.isoformat().endswith("+00:00")
    assert mention.engagement == 6


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ('{"text": "unterminated', "malformed JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"id": 1}', "field 'text' is missing"),
        ('{"text": 5}', "field 'text' is not a string"),
        ('{"text": "x", "likes": "many"}', "field 'likes' is not a number"),
    ],
)
def test_a_bad_jsonl_row_is_rejected_with_its_location(
    tmp_path: Path, line: str, error: str
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(lines({"text": "fine"}, line, {"text": "also fine"}))
    results = [mention_from_row(row) for row in iter_rows(path)]
    assert [type(r).__name__ for r in results] == ["Mention", "Rejected", "Mention"]
    rejected = results[1]
    assert isinstance(rejected, Rejected)
    assert rejected.location == "in.jsonl:2"
    assert error in rejected.error
    assert rejected.raw.strip() == line


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.jsonl", "the file is empty"),
        (b"   \n\n", "blank.csv", "the file is empty"),
        (b"\x00\x01\x02\x00" * 100, "blob.jsonl", "binary file"),
        (b"\xff\xfe\xfa" * 10 + b"text", "latin.csv", "not UTF-8"),
        (b"id,body\n1,hello\n", "notext.csv", "no 'text' column (found: id, body)"),
    ],
)
def test_an_unreadable_file_is_one_clear_error(
    tmp_path: Path, content: bytes, name: str, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        list(iter_rows(path))


def test_csv_with_null_bytes_mixed_scripts_and_emoji_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,text\n1,caf\x00é ☕ 日本語 مرحبا\n2,ok\n", encoding="utf-8")
    mentions = [mention_from_row(row) for row in iter_rows(path)]
    assert [m.text for m in mentions if isinstance(m, Mention)] == ["café ☕ 日本語 مرحبا", "ok"]


def test_a_huge_post_is_cut_not_refused(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(lines({"text": "word " * 200_000}))
    (mention,) = [mention_from_row(row) for row in iter_rows(path)]
    assert isinstance(mention, Mention)
    assert len(mention.text) == 40_000


def test_pages_resume_from_the_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(lines(*({"id": i, "text": f"post {i}"} for i in range(5))))
    seen: list[str] = []
    offset = line = 0
    while True:
        rows, offset, line = jsonl_page(path, offset, line, 2)
        if not rows:
            break
        seen += [row.location for row in rows]
    assert seen == [f"in.jsonl:{i}" for i in range(1, 6)]


def test_a_half_written_last_line_waits_for_the_next_page(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": 1, "text": "done"}\n{"id": 2, "te')
    rows, offset, line = jsonl_page(path, 0, 0, 10)
    assert [r.location for r in rows] == ["in.jsonl:1"]
    with path.open("a") as fh:
        fh.write('xt": "now complete"}\n')
    rows, _, _ = jsonl_page(path, offset, line, 10)
    assert [r.data["text"] for r in rows if r.data] == ["now complete"]


def rows_of(path: Path) -> list[tuple[str, str, str]]:
    """(location, text or '', error or '') of every row."""
    return [
        (r.location, str((r.data or {}).get("text", "")), r.error.split(":")[0])
        for r in iter_rows(path)
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bom.jsonl", b'\xef\xbb\xbf{"text": "one"}\n{"text": "two"}\n'),
        ("bom.csv", b"\xef\xbb\xbfid,text\n1,one\n2,two\n"),
    ],
)
def test_a_bom_on_the_first_line_is_dropped(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert [text for _, text, error in rows_of(path) if not error] == ["one", "two"]


@pytest.mark.parametrize(
    ("name", "content", "bad_location"),
    [
        (
            "latin.jsonl",
            b'{"text": "one"}\n{"text": "caf\xe9"}\n{"text": "three"}\n',
            "latin.jsonl:2",
        ),
        ("latin.csv", b"id,text\n1,one\n2,caf\xe9\n3,three\n", "latin.csv:3"),
    ],
)
def test_a_byte_that_is_not_utf8_rejects_its_row_not_the_file(
    tmp_path: Path, name: str, content: bytes, bad_location: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    rows = list(iter_rows(path))
    assert [r.data["text"] for r in rows if r.data] == ["one", "three"]
    (bad,) = [r for r in rows if r.error]
    assert bad.location == bad_location and "not UTF-8" in bad.error and "0xe9" in bad.error
    assert len(rows) == 3  # one Row per input row, in order, each numbered by its line
    assert [f"{name}:{r.number}" for r in rows] == [r.location for r in rows]


def test_an_unterminated_csv_quote_is_reported_where_it_began_and_the_rest_is_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / "quote.csv"
    path.write_text('id,text\n1,fine\n2,"never closed\n3,after\n4,"a\nmulti-line, post"\n5,end\n')
    rows = list(iter_rows(path))
    assert [(r.location, r.data["text"] if r.data else None) for r in rows] == [
        ("quote.csv:2", "fine"),
        ("quote.csv:3", None),
        ("quote.csv:4", "after"),
        ("quote.csv:5", "a\nmulti-line, post"),
        ("quote.csv:7", "end"),
    ]
    assert "unterminated quote" in rows[1].error and "line 3" in rows[1].error
    assert rows[1].raw == '2,"never closed\n'


@pytest.mark.parametrize(
    ("content", "line"),
    [
        pytest.param('id,text\n1,"never closed\n2,after\n', 2, id="first-row-to-the-end"),
        pytest.param('id,text\n1,ok\n2,"a\nb"\n3,"open\n', 5, id="after-a-multi-line-row"),
        pytest.param('id,text\n1,"open\n2,x"y\n3,z\n', 2, id="closed-mid-field-later"),
    ],
)
def test_an_unterminated_quote_row_is_numbered_by_the_line_its_field_began_on(
    tmp_path: Path, content: str, line: int
) -> None:
    path = tmp_path / "quote.csv"
    path.write_text(content)
    (bad,) = [r for r in iter_rows(path) if r.error]
    # What `makegood score` prints as the row's `line` is the line the message names.
    assert bad.number == line and bad.location == f"quote.csv:{line}"
    assert f"opened on line {line} never closes" in bad.error


def test_a_quote_that_runs_past_the_line_limit_is_cut_off_and_reading_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("monitor.records_csv.MAX_FIELD_LINES", 5)
    path = tmp_path / "long.csv"
    body = "".join(f"{i},row {i}\n" for i in range(3, 20))
    path.write_text('id,text\n1,"opens here\n' + body + '99,"closes"here"\n')
    rows = list(iter_rows(path))
    assert "unterminated quote" in rows[0].error and "more than 5 lines" in rows[0].error
    assert [r.data["text"] for r in rows[1:6] if r.data] == [f"row {i}" for i in range(3, 8)]
    assert len(rows) == 1 + 17 + 1


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("[" * 5000 + "]" * 5000, "nested too deeply"),
        ('{"text": "x", "likes": 1e400}', ""),
        ('{"text": "x", "likes": NaN}', "field 'likes' is not a number"),
        ('{"text": "x", "created_at": "0001-01-01T00:00:00+23:59"}', ""),
        ('{"text": "x", "created_at": 1e300}', ""),
        ('{"text": "x", "id": {"a": [1, 2]}}', ""),
    ],
)
def test_hostile_jsonl_values_are_a_mention_or_a_rejection(
    tmp_path: Path, line: str, error: str
) -> None:
    path = tmp_path / "h.jsonl"
    path.write_text(line + "\n")
    (row,) = list(iter_rows(path))
    result = mention_from_row(row)
    if error:
        assert isinstance(result, Rejected) and error in result.error
    else:
        assert isinstance(result, Mention)
        assert 0 <= result.likes <= 2**63 - 1
