"""Real praw and tweepy clients wired to a FakeServer on 127.0.0.1 (no internet, no mocks)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import praw
import requests
import tweepy
from requests.adapters import HTTPAdapter

from tests.fakes.http_server import FakeServer


class RewriteAdapter(HTTPAdapter):
    """A transport adapter sending every request to `base_url` instead of its own host."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        parts = urlsplit(base_url)
        self._scheme, self._netloc = parts.scheme, parts.netloc

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """Rewrite scheme and host, keep path and query, then send for real."""
        parts = urlsplit(request.url or "")
        request.url = urlunsplit((self._scheme, self._netloc, parts.path, parts.query, ""))
        return super().send(request, **kwargs)


def rewriting_session(server: FakeServer) -> requests.Session:
    """A requests.Session whose https:// and http:// traffic goes to `server`."""
    session = requests.Session()
    adapter = RewriteAdapter(server.url)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def praw_reddit(server: FakeServer, **kwargs: Any) -> praw.Reddit:
    """A praw.Reddit talking to `server` (script-app credentials are placeholders)."""
    options: dict[str, Any] = {
        "client_id": "fake-client-id",
        "client_secret": "fake-client-secret",
        "user_agent": "makegood-tests/1.0",
        "oauth_url": server.url,
        "reddit_url": server.url,
        "check_for_updates": False,
        "check_for_async": False,
        "timeout": 5,
    }
    options.update(kwargs)
    return praw.Reddit(**options)


def tweepy_client(server: FakeServer, bearer_token: str = "fake-bearer") -> tweepy.Client:
    """A tweepy.Client whose fixed https://api.twitter.com host is rewritten to `server`."""
    client = tweepy.Client(bearer_token=bearer_token, wait_on_rate_limit=False)
    client.session = rewriting_session(server)
    return client


def reddit_token_route(server: FakeServer) -> None:
    """Serve POST /api/v1/access_token with a bearer token (what praw asks first)."""
    server.add_json(
        "POST",
        "/api/v1/access_token",
        {
            "access_token": "fake-access-token",
            "token_type": "bearer",
            "expires_in": 3600,
            "scope": "*",
        },
    )
