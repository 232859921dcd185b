"""Brand matching: keywords, aliases, handles, hashtags, exclusions and boolean queries."""

from __future__ import annotations

import pytest

from monitor.matching import (
    And,
    BrandRule,
    Not,
    Or,
    QueryError,
    Term,
    compile_brand,
    match_brands,
    parse_query,
)

ACME = compile_brand(
    BrandRule(
        name="Acme",
        keywords=("acme",),
        aliases=("acme corp", "ACME Widgets"),
        handles=("@acme",),
        hashtags=("#acmefail",),
        exclusions=("acme jobs",),
    )
)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Acme's blender broke", "acme"),
        ("ACME is great", "acme"),
        ("hey @acme my order?", "@acme"),
        ("#AcmeFail again", "#acmefail"),
        ("love #acme", "acme"),
        ("acme\ncorp", "acme"),
        ("(acme)", "acme"),
    ],
)
def test_terms_match_whole_words_in_any_case(text, why):
    assert ACME.matches(text)
    assert ACME.why(text) == why


@pytest.mark.parametrize(
    "text",
    ["acmeology is a science", "@acme_uk different account", "#acmefailing", "nothing here"],
)
def test_terms_do_not_match_inside_other_words(text):
    assert not ACME.matches(text)
    assert ACME.why(text) is None


def test_an_exclusion_vetoes_a_match():
    assert not ACME.matches("Acme jobs fair this Friday")


def test_multi_word_alias_matches_across_any_whitespace():
    rule = compile_brand(BrandRule(name="W", aliases=("acme widgets",)))
    assert rule.why("the ACME   Widgets line") == "acme widgets"


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("roadrunner AND refund", "Roadrunner: I want a refund", True),
        ("roadrunner AND refund", "roadrunner is fast", False),
        ("roadrunner refund", "refund from roadrunner", True),  # side by side means AND
        ("coyote OR roadrunner", "the coyote again", True),
        ('"never arrived" AND roadrunner', "Roadrunner parcel never   arrived", True),
        ('"never arrived" AND roadrunner', "roadrunner arrived, never again", False),
        ("roadrunner NOT cartoon", "roadrunner cartoon marathon", False),
        ("roadrunner -cartoon", "roadrunner delivery", True),
        ("(a OR b) AND (c OR d)", "b and d", True),
        ("(a OR b) AND (c OR d)", "b and e", False),
        ("NOT NOT acme", "acme", True),
    ],
)
def test_queries(query, text, expected):
    matcher = compile_brand(BrandRule(name="Q", queries=(query,)))
    assert matcher.matches(text) is expected


def test_query_precedence_not_then_and_then_or():
    assert parse_query("a OR b AND NOT c") == Or((Term("a"), And((Term("b"), Not(Term("c"))))))


@pytest.mark.parametrize(
    ("query", "column"),
    [
        ("a AND", "column 6"),
        ("(a OR b", "column 8"),
        ('"unclosed', "column 1"),
        ("a OR OR b", "column 6"),
        (")", "column 1"),
        ("", "column 1"),
        ('a AND ""', "column 7"),
    ],
)
def test_bad_queries_name_the_position(query, column):
    with pytest.raises(QueryError, match=column):
        parse_query(query)


def test_a_bad_query_fails_at_compile_time():
    with pytest.raises(QueryError):
        compile_brand(BrandRule(name="X", queries=("a AND (",)))


def test_match_brands_lists_brand_names_in_order():
    other = compile_brand(BrandRule(name="Globex", handles=("globex",)))
    assert match_brands("@globex and Acme both", [ACME, other]) == ["Acme", "Globex"]
    assert match_brands("neither", [ACME, other]) == []
