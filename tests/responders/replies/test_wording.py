"""A reply sent as a DM never asks for a DM: the wording rule, for every shipped template too."""

from __future__ import annotations

from pathlib import Path

import pytest

from responders.replies.drafting import REPLY_KINDS, TONES, find_template, render_reply
from responders.replies.drafting import reply_variables as make_variables
from responders.replies.wording import dm_leftover, for_delivery, worded

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


@pytest.mark.parametrize(
    ("text", "as_dm"),
    [
        ("@pat DM us your order number.", "@pat Send us your order number."),
        ("Sorry. DM us your order number.", "Sorry. Send us your order number."),
        ("Could you DM us your order number?", "Could you send us your order number?"),
        ("Please send us a DM with your order number.", "Please send us your order number."),
        (
            "could you send us a direct message with your order number so we can look",
            "could you send us your order number so we can look",
        ),
        ("Details follow by DM.", "Details follow here."),
        ("we'll send the details by direct message.", "we'll send the details here."),
        ("offer a refund; details by DM.", "offer a refund; details here."),
        ("Just DM us!", "Just reply here!"),
        ("Message us privately and we'll help.", "Reply here and we'll help."),
        ("Drop us a DM when you can.", "Reply here when you can."),
        ("Thanks, it is fixed. Reply if not.", "Thanks, it is fixed. Reply if not."),
    ],
)
def test_a_dm_loses_its_requests_for_a_dm(text: str, as_dm: str) -> None:
    assert for_delivery(text, "dm") == as_dm
    assert dm_leftover(for_delivery(text, "dm"), "dm") == ""


@pytest.mark.parametrize("mode", ["public", "manual", ""])
def test_other_modes_keep_the_words(mode: str) -> None:
    assert for_delivery("DM us your order number.", mode) == "DM us your order number."
    assert worded("DM us your order number.", mode).value == "DM us your order number."


def test_a_dm_that_still_mentions_a_dm_is_refused_with_the_phrase() -> None:
    result = worded("We read every DMs inbox daily.", "dm")
    assert not result.ok
    assert "'DMs'" in result.error and "direct message" in result.error


@pytest.mark.parametrize("kind", REPLY_KINDS)
@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize("platform", ["x", "bluesky", "mastodon", "reddit"])
def test_no_shipped_template_says_dm_us_in_a_dm(kind: str, tone: str, platform: str) -> None:
    path = find_template(TEMPLATES, kind, tone, platform)
    assert path is not None
    values = make_variables(
        customer="pat", brand="Kettlebird", category="late_delivery", platform=platform,
        delivery="dm",
    )  # fmt: skip
    rendered = render_reply(path.read_text(encoding="utf-8"), values, platform, mode="dm")
    assert rendered.ok, rendered.error
    assert rendered.value is not None
    text = rendered.value.text
    assert "DM" not in text and "direct message" not in text
    public = render_reply(path.read_text(encoding="utf-8"), values, platform, mode="public")
    assert public.value is not None
    # Only the requests for a DM change: the public reply's first words are kept.
    assert text.split()[:3] == public.value.text.split()[:3]
