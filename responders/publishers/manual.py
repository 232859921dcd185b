"""Manual replies: for channels without a write API, staff post by hand and paste the link here."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from monitor.platforms import PLATFORMS
from responders.publishers.base import Modes, OutgoingReply, PublishResult, manual_mode_only
from responders.results import Result


def parse_pasted_url(url: str, platform: str = "") -> Result[tuple[str, str]]:
    """Check a pasted link to a reply posted by hand; returns (post id, clean URL)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return Result.failure(
            f"paste the full link of the reply you posted (https://...), not {url[:80]!r}"
        )
    if any(c.isspace() for c in url) or len(url) > 2000:
        return Result.failure("that does not look like a single link; paste only the reply's URL")
    # The post id at the end of the link, where the platform has a shape for it.
    record = PLATFORMS.get(platform)
    pattern = record.post_id_pattern if record is not None else None
    match = pattern.search(url) if pattern else None
    return Result.success((match.group(1) if match else url, url))


class ManualPublisher:
    """A publisher that never posts: it says what staff have to do instead."""

    platform = "manual"

    def publish(self, reply: OutgoingReply) -> PublishResult:
        """Refuse: there is no write API; post by hand and record the link on the case."""
        return PublishResult.failed(
            f"{reply.platform or 'this channel'} has no write API here: post the reply by hand"
            " and paste its link on the case (record manual reply)",
            permanent=True,
        )

    def find_existing(self, reply: OutgoingReply) -> PublishResult | None:
        """Nothing to find: manual replies are recorded by staff."""
        return None

    def modes(self, reply_allowed: bool = True) -> Modes:
        """Only by hand: the platform has no write API for us."""
        return manual_mode_only(
            "this channel has no API for replies: post it by hand",
            "this channel has no API for direct messages: write to the author by hand",
        )


def modes_for_platform(platform: str) -> Modes:
    """The manual publisher's modes for `platform`, its reasons naming the platform."""
    record = PLATFORMS.get(platform)
    name = record.display if record is not None else (platform or "this channel")
    return manual_mode_only(
        f"{name} has no API for replies: post it by hand",
        f"{name} has no API for direct messages: write to the author by hand",
    )


def from_env(env: Mapping[str, str]) -> ManualPublisher:
    """The manual publisher (it needs no credentials)."""
    return ManualPublisher()
