"""The `Publisher` protocol every platform implements, and the values it takes and returns."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

_TAG_RE = re.compile(r"<[^>]+>")
_URL_RE = re.compile(r"https?://\S+", re.IGNORECASE)
_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class OutgoingReply:
    """One approved reply to publish: the text, and the post it answers on its platform.

    `key` is the outbox idempotency key; `parent_id` is the platform's id of the post answered
    (Reddit fullname or id, X tweet id, Mastodon status id, Bluesky at:// URI); `parent_raw` is
    that post's stored payload (Bluesky needs its cid and thread root from it).
    """

    platform: str
    parent_id: str
    text: str
    key: str = ""
    root_id: str = ""
    parent_url: str = ""
    parent_author: str = ""
    reply_allowed: bool = True
    channel: str = "public"  # public, dm, manual
    parent_raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class PublishResult:
    """What a publish (or a reconciliation) found: a post id and URL, or an error saying what to do.

    `unknown` means the platform may have accepted the reply (a timeout after sending, or an
    accepted request that returned no id): the next attempt must look for it before resending.
    `permanent` means retrying cannot help (missing credentials, the post was deleted, a public
    reply is not allowed).
    """

    ok: bool
    post_id: str = ""
    url: str = ""
    error: str = ""
    retry_after: float | None = None
    permanent: bool = False
    unknown: bool = False
    note: str = ""

    @classmethod
    def posted(cls, post_id: str, url: str = "", note: str = "") -> PublishResult:
        """The reply is on the platform."""
        return cls(ok=True, post_id=post_id, url=url, note=note)

    @classmethod
    def failed(
        cls,
        error: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
        unknown: bool = False,
    ) -> PublishResult:
        """The reply could not be published (yet)."""
        return cls(
            ok=False, error=error, retry_after=retry_after, permanent=permanent, unknown=unknown
        )


# How a reply reaches the customer, best first: the editor's default is the first sendable one.
MODES = ("public", "dm", "manual")
MODE_LABELS = {
    "public": "public reply",
    "dm": "direct message",
    "manual": "post by hand (copy the text, paste the link back)",
}
# mode -> None when this publisher, as configured, can deliver it; else why not (for staff).
Modes = dict[str, str | None]


def best_mode(modes: Modes) -> str:
    """The first sendable mode in MODES order ("manual" is always possible)."""
    return next((mode for mode in MODES if modes.get(mode) is None), "manual")


def manual_mode_only(public: str, dm: str) -> Modes:
    """Modes of a publisher that sends nothing itself: public and DM refused with their reasons."""
    return {"public": public, "dm": dm, "manual": None}


class PublisherError(Exception):
    """A publisher was misconfigured (e.g. credentials missing); the message says which variable."""


@runtime_checkable
class Publisher(Protocol):
    """Posts replies on one platform. No database and no sleeping inside."""

    platform: str

    def publish(self, reply: OutgoingReply) -> PublishResult:
        """Post `reply` once; never retries a request that may have reached the platform."""
        ...

    def find_existing(self, reply: OutgoingReply) -> PublishResult | None:
        """Look for `reply` already on the platform (our account, same parent, same text)."""
        ...

    def modes(self, reply_allowed: bool = True) -> Modes:
        """Which delivery modes this publisher, as configured, can do for a post, and why not.

        `reply_allowed` is the post's own eligibility (X: the author addressed the brand).
        """
        ...


def normalize_text(text: str) -> str:
    """Text reduced for comparison: HTML tags and entities, links and spacing removed, lowercased.

    Platforms rewrite what we send (X shortens links, Mastodon returns HTML), so an exact
    comparison would miss our own reply and post it twice.
    """
    text = html.unescape(_TAG_RE.sub(" ", text))
    text = _URL_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip().lower()


def same_text(ours: str, theirs: str) -> bool:
    """Whether a post found on the platform carries our reply's text."""
    a, b = normalize_text(ours), normalize_text(theirs)
    if not a or not b:
        return False
    # Platforms may cut a trailing part (a signature, a link): a long common prefix is enough.
    prefix = min(len(a), len(b), 80)
    return a == b or (prefix >= 40 and a[:prefix] == b[:prefix])


def missing_env(names: dict[str, str]) -> str:
    """'' when every variable is set, else a message naming the missing ones (never values)."""
    missing = [name for name, value in names.items() if not value]
    if not missing:
        return ""
    return f"set the environment variable(s) {', '.join(missing)} to publish"
