"""Test helpers for alerts: severe complaints (stored with `tests.fakes.pipeline.ingest`)."""

from __future__ import annotations

from datetime import datetime

from monitor.mention import Mention

SCRIPT = "<script>alert(1)</script>"
SEVERE = "@kettlebird your Heron kettle caught fire and burned my hand. Calling my lawyer. {extra}"


def complaint(n: int, at: datetime, extra: str = SCRIPT, followers: int = 20_000) -> Mention:
    """A critical complaint from author n (one case per author)."""
    return Mention(
        platform="x",
        external_id=f"post-{n}",
        text=SEVERE.format(extra=extra),
        author=f"customer{n}",
        author_id=f"u{n}",
        author_followers=followers,
        created_at=at,
        url=f"https://x.example/customer{n}/status/{n}",
    )
