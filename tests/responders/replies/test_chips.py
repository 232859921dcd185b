"""The editor's pieces: a template rendered to text and chips, and back to a template."""

from __future__ import annotations

import pytest

from responders.replies.chips import (
    Segment,
    plain_text,
    render_segments,
    segments_to_source,
)
from responders.replies.drafting import render_source
from responders.replies.drafting import reply_variables as make_variables

VALUES = make_variables(
    customer="pat", brand="Kettlebird", category="late_delivery", signature="— Sam",
    platform="x",
)  # fmt: skip


@pytest.mark.parametrize(
    ("source", "pieces"),
    [
        ("{{ handle }} sorry!", [Segment("@pat", "handle"), Segment(" sorry!")]),
        (
            "Hi {{ customer }}, {{ brand }} here.",
            [Segment("Hi "), Segment("pat", "customer"), Segment(", "),
             Segment("Kettlebird", "brand"), Segment(" here.")],
        ),
        # A platform test and an `if` see the plain values; an empty value makes no chip.
        ('{% if platform == "x" %}short{% else %}long{% endif %}', [Segment("short")]),
        ("a{% if offer %} {{ offer }}{% endif %}.", [Segment("a.")]),
        # A filtered value is text, not a chip (the filter's output is not the variable).
        ("{{ brand | upper }}", [Segment("KETTLEBIRD")]),
        ("{{ case_id }}", [Segment("0")]),
    ],
)  # fmt: skip
def test_a_template_renders_to_text_and_chips(source: str, pieces: list[Segment]) -> None:
    assert render_segments(source, VALUES).value == pieces


def test_a_template_error_is_a_failure_naming_it() -> None:
    result = render_segments("{{ order }}", VALUES)
    assert not result.ok and "unknown variable" in result.error


@pytest.mark.parametrize(
    "pieces",
    [
        [Segment("@pat", "handle"), Segment(" sorry about {{ this }} {% that %} {# x #}")],
        [Segment("a{"), Segment("@pat", "handle"), Segment("}")],
        [Segment("line one\nline two "), Segment("— Sam", "signature")],
    ],
)
def test_edited_pieces_become_a_template_that_renders_to_them(pieces: list[Segment]) -> None:
    source = segments_to_source(pieces)
    assert render_source(source, VALUES).value == plain_text(pieces).strip()


def test_marker_characters_in_a_value_cannot_forge_a_chip() -> None:
    values = {**VALUES, "customer": "x\x02brand\x1fevil\x03y"}
    pieces = render_segments("{{ customer }}", values).value
    assert pieces == [Segment("xbrandevily", "customer")]


def test_a_chip_says_what_it_holds() -> None:
    assert Segment("@pat", "handle").as_dict() == {
        "text": "@pat",
        "name": "handle",
        "meaning": "the customer's handle, with one @",
    }
