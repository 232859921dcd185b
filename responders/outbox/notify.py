"""The chat sender of the outbox (kind "notify"): one Apprise notification per item.

The item names the environment variable that holds the Apprise URL (`url_env`); the URL is read
here, at send time, so it is never stored, logged or shown. Apprise's `notify()` answers False on
any failure (server down, refused, timed out): that is retried with back-off and the reason
Apprise logged is recorded, with the URL and its parts masked. A chat webhook cannot tell us
whether a dropped answer was delivered, so after a crash mid-send a message may arrive twice.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

import apprise
from sqlalchemy.orm import Session

from monitor.secrets import mask
from monitor.settings import Settings
from monitor.storage import models as m
from responders.outbox.dispatch import SendOutcome

REASON_LIMIT = 500
# Apprise logs the service URL it posts to (a Slack or Teams URL carries its token in the path),
# so its records never reach our handlers; its warnings are captured per send, masked, and kept
# as the item's error instead.
logging.getLogger("apprise").propagate = False


def url_parts(url: str) -> set[str]:
    """The URL and the pieces of it that are secrets (tokens in the path, user, password)."""
    parts = {url}
    split = urlsplit(url)
    parts.update(p for p in (split.username, split.password) if p)
    # Webhook tokens live in the path (slack://T/B/XXXX, json://host/hooks/TOKEN): all of it.
    parts.update(unquote(p) for p in split.path.split("/") if len(p) >= 4)
    parts.update(p for p in split.netloc.split("@")[:-1] if p)
    return parts


class _RouteUrlFilter(logging.Filter):
    """Masks the route URLs sent to so far in urllib3's debug lines ("POST /hooks/TOKEN")."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message, self.secrets)
        if masked != message:
            record.msg, record.args = masked, None
        return True


_URL_FILTER = _RouteUrlFilter()
logging.getLogger("urllib3.connectionpool").addFilter(_URL_FILTER)


def failure_reason(captured: str, url: str) -> str:
    """What Apprise said went wrong (its warnings and errors), with every part of the URL masked."""
    lines = [line.strip() for line in captured.splitlines() if line.strip()]
    text = " | ".join(lines[-3:]) or "Apprise gave no reason"
    return mask(text, url_parts(url))[:REASON_LIMIT]


def send_notify(settings: Settings, session: Session, item: m.OutboxItem) -> SendOutcome:
    """Send one chat notification through Apprise; a failure is retried with its reason."""
    return notify(item.payload or {}, os.environ)


def notify(payload: Mapping[str, object], env: Mapping[str, str]) -> SendOutcome:
    """Resolve the route's URL from `env` and send the payload's message to it."""
    name = str(payload.get("url_env", ""))
    url = env.get(name, "").strip()
    if not url:
        # Retried: the variable may be set on the next deploy; say which one.
        return SendOutcome(ok=False, error=f"the variable {name} (this route's url_env) is not set")
    _URL_FILTER.secrets |= url_parts(url)
    target = apprise.Apprise()
    if not target.add(url):
        return SendOutcome(
            ok=False,
            error=f"the variable {name} does not hold an Apprise URL that Apprise can use"
            " (see the Apprise wiki for the form of each service's URL)",
        )
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
        ok = target.notify(
            body=str(payload.get("body", "")),
            title=str(payload.get("title", "")),
            notify_type=str(payload.get("notify_type", "info")),
            body_format=apprise.NotifyFormat.TEXT,
        )
        said = captured.getvalue()
    if not ok:
        return SendOutcome(ok=False, error=f"{name}: {failure_reason(said, url)}")
    services = sorted({str(service.service_name) for service in target})
    return SendOutcome(ok=True, result={"url_env": name, "service": ", ".join(services)})
