"""Reply templates: every kind, tone and platform renders, fits, follows the recovery model, and the
sandbox keeps staff-edited templates from reaching Python internals."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from responders.replies.drafting import (
    REPLY_KINDS,
    TONES,
    find_template,
    list_templates,
    render_reply,
    render_source,
    reply_variables,
    template_candidates,
    variant_language,
)
from responders.replies.lengths import LIMITS, measure

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
PLATFORMS = ("x", "bluesky", "mastodon", "reddit")
# The longest handles a platform allows (X: 15 characters; Bluesky: a long custom domain;
# Mastodon: user@instance), with the longest category and a long signature and offer.
LONG_HANDLES = {
    "x": "kettle_lover_99",
    "bluesky": "a-very-long-customer-name.bsky.social",
    "mastodon": "averylongusername30characters@mastodon.example.social",
    "reddit": "Some_Very_Long_Reddit_Username",
}
LONG_SIGNATURE = "— Alexandra-Marie, Kettlebird Customer Care"
LONG_OFFER = "a full refund and a free replacement kettle"
# Canned phrases that tell a customer nobody read their post, and phrases that blame them.
BANNED = (
    "sorry for any inconvenience",
    "any inconvenience",
    "inconvenience",
    "we apologize for any",
    "sorry you feel",
    "sorry if you",
    "your call is important",
    "as per our policy",
    "user error",
    "you should have",
    "misunderstanding",
    "unfortunately",
)
OWNERSHIP = ("our mistake", "on us", "responsibility", "our failure", "not yours")


def variables(platform: str, **overrides: Any) -> dict[str, Any]:
    """The variables of a worst case for length: long handle, category, signature and offer."""
    base: dict[str, Any] = {
        "customer": LONG_HANDLES[platform],
        "brand": "Kettlebird",
        "category": "customer service",
        "signature": LONG_SIGNATURE,
        "staff": "Alexandra-Marie",
        "offer": LONG_OFFER,
        "case_id": 123456,
        "platform": platform,
        "post_url": "https://example.com/some/very/long/path/to/the/post/1234567890",
    }
    return reply_variables(**{**base, **overrides})


def source(kind: str, tone: str, platform: str) -> tuple[Path, str]:
    path = find_template(TEMPLATES, kind, tone, platform)
    assert path is not None, f"no template for {kind} {tone} {platform}"
    return path, path.read_text(encoding="utf-8")


COMBOS = list(itertools.product(REPLY_KINDS, TONES, PLATFORMS))


@pytest.mark.parametrize(("kind", "tone", "platform"), COMBOS)
def test_every_template_renders_fits_and_follows_the_model(
    kind: str, tone: str, platform: str
) -> None:
    path, text = source(kind, tone, platform)
    result = render_reply(text, variables(platform), platform)
    assert result.ok and result.value is not None, f"{path.name}: {result.error}"
    reply = result.value.text
    assert reply.startswith("@" + LONG_HANDLES[platform])
    assert "customer service" in reply  # specific: it names the problem
    assert reply.endswith(LONG_SIGNATURE)
    assert not result.value.length.over
    lowered = reply.lower()
    assert [b for b in BANNED if b in lowered] == []
    if kind == "apology":
        assert any(phrase in lowered for phrase in OWNERSHIP), f"{path.name} takes no ownership"
    if kind == "compensation":
        assert LONG_OFFER in reply


@pytest.mark.parametrize(("kind", "tone", "platform"), COMBOS)
def test_templates_render_without_the_optional_variables(
    kind: str, tone: str, platform: str
) -> None:
    _, text = source(kind, tone, platform)
    result = render_reply(text, variables(platform, signature="", offer=""), platform)
    assert result.ok and result.value is not None, result.error
    assert result.value.text == result.value.text.strip()
    assert "  " not in result.value.text and "None" not in result.value.text


@pytest.mark.parametrize(
    ("kind", "tone", "platform", "expected"),
    [
        ("apology", "warm", "x", "apology.j2"),  # one file; its platform block picks the text
        ("apology", "formal", "x", "apology.formal.j2"),
        ("apology", "warm", "bluesky", "apology.j2"),
        ("outreach", "formal", "bluesky", "outreach.formal.j2"),
        ("solution", "formal", "mastodon", "solution.formal.j2"),
        ("follow_up", "warm", "reddit", "follow_up.j2"),
        ("compensation", "warm", "hackernews", "compensation.j2"),
    ],
)
def test_the_most_specific_template_is_chosen(
    kind: str, tone: str, platform: str, expected: str
) -> None:
    path = find_template(TEMPLATES, kind, tone, platform)
    assert path is not None and path.name == expected
    assert template_candidates(kind, tone, platform)[0] == f"{kind}.{tone}.{platform}.j2"


def test_every_kind_has_both_tones_with_a_block_for_each_short_platform() -> None:
    # Language variants (kind.es.j2) are one short text for every platform: see
    # test_shipped_language_variants.py.
    names = {name for name in list_templates(TEMPLATES) if not variant_language(Path(name + ".j2"))}
    assert names == {f"{kind}{tone}" for kind in REPLY_KINDS for tone in ("", ".formal")}
    for name in names:
        text = (TEMPLATES / "replies" / f"{name}.j2").read_text(encoding="utf-8")
        assert '{% if platform == "x" %}' in text and '{% elif platform == "bluesky" %}' in text


# A deployment whose staff edited the old per-platform files (kind.x.j2, kind.tone.platform.j2).
STAFF_EDITED = {
    "apology.x.j2": "{{ handle }} staff's own X apology for the {{ category }} problem.",
    "apology.formal.bluesky.j2": "{{ handle }} staff's own formal Bluesky one.",
}


@pytest.mark.parametrize(
    ("tone", "platform", "expected", "text"),
    [
        ("warm", "x", "apology.x.j2", "@pat staff's own X apology for the delivery problem."),
        ("formal", "bluesky", "apology.formal.bluesky.j2", "@pat staff's own formal Bluesky one."),
        # A platform file wins over the generic file of the tone, as it always did.
        ("formal", "x", "apology.x.j2", "@pat staff's own X apology for the delivery problem."),
        # Platforms without an old file get the generic file and its platform block.
        ("warm", "bluesky", "apology.j2", "@pat We're sorry: this delivery problem is our mistake"),
        ("formal", "mastodon", "apology.formal.j2", "@pat We apologise. The delivery problem"),
    ],
)
def test_staff_edited_old_style_platform_files_keep_winning(
    tmp_path: Path, tone: str, platform: str, expected: str, text: str
) -> None:
    folder = tmp_path / "replies"
    folder.mkdir()
    for name in ("apology.j2", "apology.formal.j2"):
        (folder / name).write_text((TEMPLATES / "replies" / name).read_text(encoding="utf-8"))
    for name, source in STAFF_EDITED.items():
        (folder / name).write_text(source, encoding="utf-8")
    path = find_template(tmp_path, "apology", tone, platform)
    assert path is not None and path.name == expected
    values = variables(platform, customer="pat", category="delivery", signature="")
    result = render_reply(path.read_text(encoding="utf-8"), values, platform)
    assert result.ok and result.value is not None, result.error
    assert result.value.text.startswith(text)


@pytest.mark.parametrize(
    "attack",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ self._TemplateReference__context }}",
        "{{ lipsum.__globals__['os'] }}",
        "{{ brand.__class__.__base__ }}",
        "{% set x = handle.__len__ %}{{ x() }}",
        "{{ namespace.__init__.__globals__ }}",
    ],
)
def test_the_sandbox_refuses_reaching_python_internals(attack: str) -> None:
    result = render_source(attack, variables("mastodon"))
    assert not result.ok
    assert result.error.startswith("this template is not allowed: access to attribute")


def test_the_sandbox_refuses_mutating_values() -> None:
    result = render_source("{{ [1].append(2) }}", variables("mastodon"))
    assert not result.ok and "not allowed" in result.error


def test_an_unknown_variable_names_the_known_ones() -> None:
    result = render_source("{{ handle }} hi {{ customer_name }}", variables("x"))
    assert not result.ok
    assert "customer_name" in result.error
    for known in ("brand", "category", "customer", "handle", "offer", "signature", "staff"):
        assert known in result.error


@pytest.mark.parametrize(
    ("platform", "count", "limit"),
    [("x", 300, 280), ("bluesky", 301, 300), ("mastodon", 520, 500)],
)
def test_an_over_limit_reply_is_refused_with_its_count(
    platform: str, count: int, limit: int
) -> None:
    result = render_reply("{{ brand }}" + "a" * (count - 10), variables(platform), platform)
    assert not result.ok
    assert f"{count} / {limit}" in result.error
    assert f"shorten it by {count - limit}" in result.error
    assert LIMITS[platform] == limit


def test_a_syntax_error_names_the_line() -> None:
    result = render_source("line one\n{{ handle ", variables("x"))
    assert not result.ok and "line 2" in result.error


def test_the_customer_handle_gets_one_at_sign() -> None:
    assert variables("x", customer="@pat")["handle"] == "@pat"
    assert variables("x", customer="pat")["handle"] == "@pat"
    assert variables("x", category="account_access")["category"] == "account access"


def test_rendering_is_plain_text_and_the_page_escapes_it() -> None:
    # Replies go to platforms as text: no HTML entities in what is posted.
    result = render_reply("{{ handle }} <3 & thanks", variables("x", customer="a&b"), "x")
    assert result.value is not None and result.value.text == "@a&b <3 & thanks"
    assert measure(result.value.text, "x").count == len(result.value.text)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ 1/0 }}", "on line 1: ZeroDivisionError"),
        ("hi\n{{ 1 + 'a' }}", "on line 2: TypeError"),
        ("{{ 2.0 ** 5000 }}", "OverflowError"),
        ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "calls itself too deeply"),
        ("{{ '%d' % handle }}", "could not be rendered on line 1: TypeError"),
    ],
)
def test_a_template_that_fails_at_run_time_is_a_failure_naming_the_line(
    source: str, message: str
) -> None:
    result = render_source(source, variables("x"))
    assert not result.ok
    assert message in result.error


@pytest.mark.parametrize(
    "source",
    [
        "{{ 'a' * 100000000 }}",
        "{{ [1] * 100000000 }}",
        "{{ 100000000 * 'a' }}",
        "{{ 10 ** 100000 }}",
        "{{ (10 ** 9) ** 9 }}",
        "{% for i in range(10**9) %}{% endfor %}",
        "{% for i in range(20000) %}{% for j in range(20000) %}{% endfor %}{% endfor %}",
        "{% for c in handle * 1000 %}{% for d in handle * 1000 %}{% endfor %}{% endfor %}",
        "{{ 'x'.ljust(10**9) }}",
        "{{ 'x'|center(999999999) }}",
        "{{ '%999999999s' % 1 }}",
        "{{ '{:>999999999}'.format(1) }}",
        "{{ '{:>{w}}'.format(1, w=999999999) }}",
        "{{ '%*s' % (999999999, 1) }}",
        "{{ '%*s'|format(999999999, 1) }}",
        "{{ lipsum(999999) }}",
        "{{ 'a' * 15000 ~ 'b' * 15000 }}",
        "{% set a %}{{ 'a' * 15000 }}{{ 'a' * 15000 }}{% endset %}{{ a|length }}",
        "{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}"
        "{% endfor %}",
        "{% for i in range(100) %}{{ 'a' * 1000 }}{% endfor %}",
    ],
)
def test_a_template_cannot_build_huge_values_or_loop_without_end(source: str) -> None:
    result = render_source(source, variables("reddit"))
    assert not result.ok
    assert "the template does too much" in result.error


def test_the_rendered_text_is_capped_with_a_message() -> None:
    result = render_source("{% for i in range(30) %}{{ 'a' * 1000 }}{% endfor %}", variables("x"))
    assert not result.ok
    assert "the rendered text is over 20000 characters" in result.error


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("{{ 'ab' * 3 }} {{ 2 ** 10 }} {{ 7 % 3 }} {{ '%05d' % 42 }}", "ababab 1024 1 00042"),
        ("{{ '{} {}'.format(handle, brand) }}", "@pat Kettlebird"),
        ("{% for i in range(3) %}{{ i }}{% endfor %} {{ handle ~ '!' }}", "012 @pat!"),
        ("{{ 'a' * 9000 ~ 'b' }}", "a" * 9000 + "b"),  # up to a Reddit reply's size is fine
        # Big numbers as data (a case id), not as sizes, are fine anywhere.
        ("{{ 'Case #{}'.format(case_id) }} {{ '#%d'|format(case_id) }}", "Case #123456 #123456"),
        (
            "{% macro m(n) %}{{ n }}{% endmacro %}{{ m(case_id) }} {{ '%d' % case_id }}",
            "123456 123456",
        ),
        ("{% set ns = namespace(c=case_id) %}{{ ns.c }} {{ dict(a=case_id).a }}", "123456 123456"),
        ("{{ '{} {}'.format('order 1234567', case_id) }}", "order 1234567 123456"),
    ],
)
def test_ordinary_operators_still_work(source: str, text: str) -> None:
    result = render_source(
        source, variables("reddit", customer="pat", brand="Kettlebird", case_id=123456)
    )
    assert result.ok, result.error
    assert result.value == text
