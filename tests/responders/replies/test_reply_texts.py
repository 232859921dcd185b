"""The reply texts every kind, tone and platform renders to, pinned word for word.

The table was recorded from the 30 per-platform template files before they were folded into one
file per kind and tone (with a block per platform inside), so it proves the fold changed no text.
Edit a shipped template and this table together.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from responders.replies.drafting import REPLY_KINDS, TONES, find_template, render_source
from responders.replies.drafting import reply_variables as make_variables

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
# Platforms with a short variant; every other platform (and none) gets the default text.
VARIANTS = {"x": "x", "bluesky": "bluesky"}
PLATFORMS = ("x", "bluesky", "mastodon", "reddit", "hackernews", "rss", "")
FULL = {
    "customer": "pat",
    "brand": "Kettlebird",
    "category": "late_delivery",
    "signature": "— Sam, Kettlebird Care",
    "offer": "a full refund",
    "case_id": 42,
    "post_url": "https://example.com/p/1",
    "solution": "",
}
# Without the optional variables (and with a solution), so the fallbacks and joins are pinned too.
BARE = {**FULL, "customer": "@pat", "signature": "", "offer": ""}
BARE["solution"] = "we sent a new kettle"

# (kind, tone, variant) -> (text with FULL, text with BARE)
TEXTS: dict[tuple[str, str, str], tuple[str, str]] = {
    ("apology", "warm", "x"): (
        (
            "@pat We're sorry: this late delivery problem is our mistake, not yours. DM us "
            "your order number and we'll put it right today. — Sam, Kettlebird Care"
        ),
        (
            "@pat We're sorry: this late delivery problem is our mistake, not yours. DM us "
            "your order number and we'll put it right today."
        ),
    ),
    ("apology", "warm", "bluesky"): (
        (
            "@pat We're sorry: this late delivery problem is our mistake, not yours. Could "
            "you send us a DM with your order number? We'll put it right today. — Sam, "
            "Kettlebird Care"
        ),
        (
            "@pat We're sorry: this late delivery problem is our mistake, not yours. Could "
            "you send us a DM with your order number? We'll put it right today."
        ),
    ),
    ("apology", "warm", "default"): (
        (
            "@pat You're right, and we're sorry. This late delivery problem is our "
            "mistake, not yours, and it isn't the experience Kettlebird promises. We want "
            "to put it right today: could you send us a direct message with your order "
            "number so we can look into it straight away?\n— Sam, Kettlebird Care"
        ),
        (
            "@pat You're right, and we're sorry. This late delivery problem is our "
            "mistake, not yours, and it isn't the experience Kettlebird promises. We want "
            "to put it right today: could you send us a direct message with your order "
            "number so we can look into it straight away?"
        ),
    ),
    ("apology", "formal", "x"): (
        (
            "@pat We apologise: the late delivery problem is our failure and we take "
            "responsibility. Please DM us your order number and we will resolve it "
            "promptly. — Sam, Kettlebird Care"
        ),
        (
            "@pat We apologise: the late delivery problem is our failure and we take "
            "responsibility. Please DM us your order number and we will resolve it "
            "promptly."
        ),
    ),
    ("apology", "formal", "bluesky"): (
        (
            "@pat We apologise: the late delivery problem is our failure and we take full "
            "responsibility. Please send us a DM with your order number and we will "
            "resolve it promptly. — Sam, Kettlebird Care"
        ),
        (
            "@pat We apologise: the late delivery problem is our failure and we take full "
            "responsibility. Please send us a DM with your order number and we will "
            "resolve it promptly."
        ),
    ),
    ("apology", "formal", "default"): (
        (
            "@pat We apologise. The late delivery problem you describe is our failure, and "
            "we take full responsibility for it; it falls short of the standard Kettlebird "
            "has set itself. Please send us a direct message with your order number, and "
            "we will resolve it as a priority.\n— Sam, Kettlebird Care"
        ),
        (
            "@pat We apologise. The late delivery problem you describe is our failure, and "
            "we take full responsibility for it; it falls short of the standard Kettlebird "
            "has set itself. Please send us a direct message with your order number, and "
            "we will resolve it as a priority."
        ),
    ),
    ("outreach", "warm", "x"): (
        (
            "@pat Thanks for telling us about the late delivery problem. Could you DM us "
            "your order number and what happened? We'll take it from there. — Sam, "
            "Kettlebird Care"
        ),
        (
            "@pat Thanks for telling us about the late delivery problem. Could you DM us "
            "your order number and what happened? We'll take it from there."
        ),
    ),
    ("outreach", "warm", "bluesky"): (
        (
            "@pat Thanks for telling us about the late delivery problem; we want to "
            "understand it. Could you DM us your order number and what happened? — Sam, "
            "Kettlebird Care"
        ),
        (
            "@pat Thanks for telling us about the late delivery problem; we want to "
            "understand it. Could you DM us your order number and what happened?"
        ),
    ),
    ("outreach", "warm", "default"): (
        (
            "@pat Thank you for telling us about the late delivery problem; we want to get "
            "to the bottom of it. So you don't have to share details in public, could you "
            "send us a direct message with your order number and what happened? We'll take "
            "it from there and keep you posted.\n— Sam, Kettlebird Care"
        ),
        (
            "@pat Thank you for telling us about the late delivery problem; we want to get "
            "to the bottom of it. So you don't have to share details in public, could you "
            "send us a direct message with your order number and what happened? We'll take "
            "it from there and keep you posted."
        ),
    ),
    ("outreach", "formal", "x"): (
        (
            "@pat Thank you for raising the late delivery problem. Please DM us your order "
            "number and what happened so we can investigate. — Sam, Kettlebird Care"
        ),
        (
            "@pat Thank you for raising the late delivery problem. Please DM us your order "
            "number and what happened so we can investigate."
        ),
    ),
    ("outreach", "formal", "bluesky"): (
        (
            "@pat Thank you for raising the late delivery problem. Please send us a DM "
            "with your order number and what happened so we can investigate. — Sam, "
            "Kettlebird Care"
        ),
        (
            "@pat Thank you for raising the late delivery problem. Please send us a DM "
            "with your order number and what happened so we can investigate."
        ),
    ),
    ("outreach", "formal", "default"): (
        (
            "@pat Thank you for bringing the late delivery problem to our attention. To "
            "investigate it properly and keep your details private, please send us a "
            "direct message with your order number and a short description of what "
            "happened. We will keep you informed.\n— Sam, Kettlebird Care"
        ),
        (
            "@pat Thank you for bringing the late delivery problem to our attention. To "
            "investigate it properly and keep your details private, please send us a "
            "direct message with your order number and a short description of what "
            "happened. We will keep you informed."
        ),
    ),
    ("solution", "warm", "x"): (
        (
            "@pat Update on the late delivery problem: we found what went wrong and put it "
            "right. Still not right? Reply and we'll act at once. — Sam, Kettlebird Care"
        ),
        (
            "@pat Update on the late delivery problem: we sent a new kettle. Still not "
            "right? Reply and we'll act at once."
        ),
    ),
    ("solution", "warm", "bluesky"): (
        (
            "@pat Update on the late delivery problem: we found what went wrong and put it "
            "right. If it still isn't right, reply here and we'll act at once. — Sam, "
            "Kettlebird Care"
        ),
        (
            "@pat Update on the late delivery problem: we sent a new kettle. If it still "
            "isn't right, reply here and we'll act at once."
        ),
    ),
    ("solution", "warm", "default"): (
        (
            "@pat Thanks for bearing with us on the late delivery problem. Here's what "
            "we've done: we found what went wrong on our side and put it right. If "
            "anything still isn't right, reply here and we'll pick it up straight away.\n— "
            "Sam, Kettlebird Care"
        ),
        (
            "@pat Thanks for bearing with us on the late delivery problem. Here's what "
            "we've done: we sent a new kettle. If anything still isn't right, reply here "
            "and we'll pick it up straight away."
        ),
    ),
    ("solution", "formal", "x"): (
        (
            "@pat Regarding the late delivery problem: we have identified the cause and "
            "corrected it. If anything remains, please reply here. — Sam, Kettlebird Care"
        ),
        (
            "@pat Regarding the late delivery problem: we sent a new kettle. If anything "
            "remains, please reply here."
        ),
    ),
    ("solution", "formal", "bluesky"): (
        (
            "@pat Regarding the late delivery problem: we have identified the cause and "
            "corrected it. Should anything remain unresolved, please reply here. — Sam, "
            "Kettlebird Care"
        ),
        (
            "@pat Regarding the late delivery problem: we sent a new kettle. Should "
            "anything remain unresolved, please reply here."
        ),
    ),
    ("solution", "formal", "default"): (
        (
            "@pat Regarding the late delivery problem you reported: we have identified the "
            "cause on our side and corrected it. Should anything remain unresolved, please "
            "reply here and we will act on it immediately.\n— Sam, Kettlebird Care"
        ),
        (
            "@pat Regarding the late delivery problem you reported: we sent a new kettle. "
            "Should anything remain unresolved, please reply here and we will act on it "
            "immediately."
        ),
    ),
    ("follow_up", "warm", "x"): (
        (
            "@pat Checking back on the late delivery problem: is everything working now? "
            "If not, tell us and we'll make it right. — Sam, Kettlebird Care"
        ),
        (
            "@pat Checking back on the late delivery problem: is everything working now? "
            "If not, tell us and we'll make it right."
        ),
    ),
    ("follow_up", "warm", "bluesky"): (
        (
            "@pat Checking back on the late delivery problem: is everything working as it "
            "should now? If not, tell us and we'll make it right. — Sam, Kettlebird Care"
        ),
        (
            "@pat Checking back on the late delivery problem: is everything working as it "
            "should now? If not, tell us and we'll make it right."
        ),
    ),
    ("follow_up", "warm", "default"): (
        (
            "@pat Checking back on the late delivery problem we sorted out: is everything "
            "working as it should now? If it isn't, just tell us and we'll make it right.\n"
            "— Sam, Kettlebird Care"
        ),
        (
            "@pat Checking back on the late delivery problem we sorted out: is everything "
            "working as it should now? If it isn't, just tell us and we'll make it right."
        ),
    ),
    ("follow_up", "formal", "x"): (
        (
            "@pat Following up on the late delivery problem you reported: has the solution "
            "held? If not, we will address it at once. — Sam, Kettlebird Care"
        ),
        (
            "@pat Following up on the late delivery problem you reported: has the solution "
            "held? If not, we will address it at once."
        ),
    ),
    ("follow_up", "formal", "bluesky"): (
        (
            "@pat We are following up on the late delivery problem you reported: has the "
            "solution held? If not, we will address it at once. — Sam, Kettlebird Care"
        ),
        (
            "@pat We are following up on the late delivery problem you reported: has the "
            "solution held? If not, we will address it at once."
        ),
    ),
    ("follow_up", "formal", "default"): (
        (
            "@pat We are following up on the late delivery problem you reported. Please "
            "let us know whether the solution has held; if it has not, we will address it "
            "at once.\n— Sam, Kettlebird Care"
        ),
        (
            "@pat We are following up on the late delivery problem you reported. Please "
            "let us know whether the solution has held; if it has not, we will address it "
            "at once."
        ),
    ),
    ("compensation", "warm", "x"): (
        (
            "@pat The late delivery problem was our mistake. To make up for it, we'd like "
            "to offer a full refund; details by DM. — Sam, Kettlebird Care"
        ),
        (
            "@pat The late delivery problem was our mistake. To make up for it, we'd like "
            "to offer something extra; details by DM."
        ),
    ),
    ("compensation", "warm", "bluesky"): (
        (
            "@pat The late delivery problem was our mistake. To make up for it, we'd like "
            "to offer a full refund; we'll send the details by DM. — Sam, Kettlebird Care"
        ),
        (
            "@pat The late delivery problem was our mistake. To make up for it, we'd like "
            "to offer something extra; we'll send the details by DM."
        ),
    ),
    ("compensation", "warm", "default"): (
        (
            "@pat The late delivery problem cost you time and trouble, and that's on us. "
            "We'd like to make it up to you with a full refund; we'll send the details by "
            "direct message.\n— Sam, Kettlebird Care"
        ),
        (
            "@pat The late delivery problem cost you time and trouble, and that's on us. "
            "We'd like to make it up to you with a little something extra; we'll send the "
            "details by direct message."
        ),
    ),
    ("compensation", "formal", "x"): (
        (
            "@pat For the late delivery problem we caused, we would like to offer a full "
            "refund. Details follow by DM. — Sam, Kettlebird Care"
        ),
        (
            "@pat For the late delivery problem we caused, we would like to offer a "
            "gesture of goodwill. Details follow by DM."
        ),
    ),
    ("compensation", "formal", "bluesky"): (
        (
            "@pat In recognition of the late delivery problem we caused, we would like to "
            "offer a full refund. Details follow by DM. — Sam, Kettlebird Care"
        ),
        (
            "@pat In recognition of the late delivery problem we caused, we would like to "
            "offer a gesture of goodwill. Details follow by DM."
        ),
    ),
    ("compensation", "formal", "default"): (
        (
            "@pat In recognition of the late delivery problem we caused, we would like to "
            "offer you a full refund. We will send the details by direct message.\n— Sam, "
            "Kettlebird Care"
        ),
        (
            "@pat In recognition of the late delivery problem we caused, we would like to "
            "offer you a gesture of goodwill. We will send the details by direct message."
        ),
    ),
}


def render(kind: str, tone: str, platform: str, variables: dict[str, object]) -> str:
    """The reply text the shipped templates give for this kind, tone and platform."""
    path = find_template(TEMPLATES, kind, tone, platform)
    assert path is not None, f"no template for {kind} {tone} {platform!r}"
    text = path.read_text(encoding="utf-8")
    result = render_source(text, make_variables(**variables, platform=platform))
    assert result.ok and result.value is not None, f"{path.name}: {result.error}"
    return result.value


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize("kind", REPLY_KINDS)
def test_every_kind_tone_and_platform_renders_the_recorded_text(
    kind: str, tone: str, platform: str
) -> None:
    full, bare = TEXTS[(kind, tone, VARIANTS.get(platform, "default"))]
    assert render(kind, tone, platform, FULL) == full
    assert render(kind, tone, platform, BARE) == bare


def test_the_table_covers_every_kind_tone_and_variant() -> None:
    assert set(TEXTS) == {
        (k, t, v) for k in REPLY_KINDS for t in TONES for v in ("x", "bluesky", "default")
    }
