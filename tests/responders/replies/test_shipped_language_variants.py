"""The shipped reply templates in Spanish, French, German and Portuguese: every kind, every
platform, every delivery mode renders within the platform's limit and asks for a DM only in public.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from responders.replies.drafting import (
    REPLY_KINDS,
    TONES,
    find_template,
    render_reply,
    reply_variables,
    template_languages,
)

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
SHIPPED = ("de", "es", "fr", "pt")
PLATFORMS = ("x", "bluesky", "mastodon", "reddit", "hackernews", "rss")
# How each language asks for a direct message, and how the DM wording says "here" instead.
ASKS_FOR_DM = {
    "es": "mensaje directo",
    "fr": "message privé",
    "de": "Direktnachricht",
    "pt": "mensagem direta",
}
# Kinds whose text moves the details to a private conversation.
ASKING_KINDS = ("apology", "outreach", "compensation")
# Long values, so the limits are checked with room to spare: a 15-character handle, a signature,
# an offer and a solution as staff would write them.
LONG = {
    "customer": "kettle_lover_01",
    "brand": "Kettlebird",
    "category": "late_delivery",
    "signature": "— Sam, Kettlebird Care",
    "offer": "a 20% voucher",
    "solution": "we sent a new kettle",
}


def _render(lang: str, kind: str, platform: str, delivery: str) -> str:
    path = find_template(TEMPLATES, kind, "warm", platform, lang)
    assert path is not None and path.name == f"{kind}.{lang}.j2"
    variables = reply_variables(**LONG, platform=platform, delivery=delivery)
    result = render_reply(
        path.read_text("utf-8"), variables, platform, public=delivery == "public", mode=delivery
    )
    assert result.ok and result.value is not None, result.error
    return result.value.text


def test_every_kind_ships_in_each_language() -> None:
    assert {kind: template_languages(TEMPLATES, kind) for kind in REPLY_KINDS} == {
        kind: list(SHIPPED) for kind in REPLY_KINDS
    }


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize("lang", SHIPPED)
def test_a_post_in_a_shipped_language_gets_its_language_in_either_tone(
    lang: str, tone: str
) -> None:
    chosen = find_template(TEMPLATES, "apology", tone, "x", lang)
    assert chosen is not None and chosen.name == f"apology.{lang}.j2"


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("kind", REPLY_KINDS)
@pytest.mark.parametrize("lang", SHIPPED)
def test_a_public_reply_fits_the_platform_and_starts_with_the_handle(
    lang: str, kind: str, platform: str
) -> None:
    text = _render(lang, kind, platform, "public")
    assert text.startswith("@kettle_lover_01 ")
    assert text.endswith("— Sam, Kettlebird Care")
    assert "{" not in text and "  " not in text


@pytest.mark.parametrize("kind", ASKING_KINDS)
@pytest.mark.parametrize("lang", SHIPPED)
def test_only_a_public_reply_asks_for_a_direct_message(lang: str, kind: str) -> None:
    assert ASKS_FOR_DM[lang] in _render(lang, kind, "x", "public")
    assert ASKS_FOR_DM[lang] in _render(lang, kind, "x", "manual")
    assert ASKS_FOR_DM[lang] not in _render(lang, kind, "x", "dm")


@pytest.mark.parametrize("lang", SHIPPED)
def test_staff_values_appear_where_given_and_a_fallback_where_not(lang: str) -> None:
    given = _render(lang, "compensation", "mastodon", "public")
    assert "a 20% voucher" in given
    path = find_template(TEMPLATES, "compensation", "warm", "x", lang)
    assert path is not None
    bare = reply_variables(customer="pat", brand="Kettlebird", category="other", platform="x")
    result = render_reply(path.read_text("utf-8"), bare, "x", mode="public")
    assert result.ok and result.value is not None
    assert result.value.text.startswith("@pat ") and "None" not in result.value.text
