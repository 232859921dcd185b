"""Wording per delivery mode: a reply that is itself a direct message never asks for one.

The shipped templates ask the customer to "DM us" (a public reply moves the details out of
public). Sent as a DM, that line is nonsense, so `for_delivery` rewrites the ways a text asks for
a direct message into asking here ("DM us your order number" -> "Send us your order number",
"details by DM" -> "details here"), keeping the sentence's capital letter. What it cannot
rewrite is named by `dm_leftover`, so the editor can refuse it with the phrase to change.
Pure text in, text out: the preview, the saved draft and the tests all use the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from responders.results import Result

_DM = r"(?:DMs?|direct message|private message)"
# (pattern, replacement): most specific first; every pattern is case-insensitive. A replacement
# starting with a lowercase word is capitalised where the match began a sentence.
_RULES: list[tuple[re.Pattern[str], str]] = [
    # "send us a DM with your order number" -> "send us your order number"
    (re.compile(rf"\b(send|drop|shoot)( us)? an? {_DM} with\b", re.I), r"send us"),
    (re.compile(rf"\b(send|drop|shoot)( us)? an? {_DM}\b", re.I), r"reply here"),
    (re.compile(rf"\b(message|write to) us (privately|in a {_DM}|by {_DM}|via {_DM})", re.I),
     "reply here"),
    (re.compile(rf"\bslide into (our|my) {_DM}\b", re.I), "reply here"),
    # "DM us your order number" -> "send us your order number"; "DM us" alone -> "reply here"
    (re.compile(r"\bDM (us|me)\b(?= (your|the|a|an|with|what|when|where|how|some|any)\b)", re.I),
     "send us"),
    (re.compile(r"\bDM (us|me)\b", re.I), "reply here"),
    # "details follow by DM", "we'll send the details by direct message" -> "... here"
    (re.compile(rf"\b(by|via|in|over|through) (an? )?{_DM}\b", re.I), "here"),
    (re.compile(rf"\b(in|to) (our|your) {_DM}s?\b", re.I), "here"),
]  # fmt: skip
_LEFTOVER = re.compile(rf"\b{_DM}\b", re.I)
# Where a sentence starts: the text's start (after the customer's @handle), a full stop, a line.
_SENTENCE_START = re.compile(r"(^|^@\S+\s+|[.!?:]\s+|\n\s*)$")


def _replacer(replacement: str, text: str) -> Callable[[re.Match[str]], str]:
    """A re.sub callback that capitalises `replacement` where the match starts a sentence."""

    def replace(match: re.Match[str]) -> str:
        new = match.expand(replacement)
        if _SENTENCE_START.search(text[: match.start()]) is not None:
            return new[:1].upper() + new[1:]
        return new

    return replace


def for_delivery(text: str, mode: str) -> str:
    """`text` worded for how it is delivered: a DM ("dm") loses its requests for a DM."""
    if mode != "dm":
        return text
    for pattern, replacement in _RULES:
        text = pattern.sub(_replacer(replacement, text), text)
    return text


def dm_leftover(text: str, mode: str) -> str:
    """The phrase of a DM that still mentions a direct message ('' when none or not a DM)."""
    if mode != "dm":
        return ""
    found = _LEFTOVER.search(text)
    return found.group(0) if found else ""


def worded(text: str, mode: str) -> Result[str]:
    """`text` adapted to `mode`, or why it cannot go as a DM (it still mentions one)."""
    adapted = for_delivery(text, mode)
    leftover = dm_leftover(adapted, mode)
    if leftover:
        return Result.failure(
            f"this reply is sent as a direct message but still says {leftover!r}:"
            " reword it (the customer is already in a private conversation with you)"
        )
    return Result.success(adapted)
