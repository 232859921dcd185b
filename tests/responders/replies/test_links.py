"""Which untrusted links may become hrefs, and which redirect targets stay on this site."""

from __future__ import annotations

import pytest

from responders.replies.links import safe_next, safe_url


@pytest.mark.parametrize(
    ("target", "fallback", "expected"),
    [
        ("/cases/7?x=1", "/", "/cases/7?x=1"),
        ("/", "/cases/7", "/"),
        ("//evil.example/x", "/", "/"),
        ("/\\evil.example", "/cases/7", "/cases/7"),
        ("https://evil.example/", "/", "/"),
        ("javascript:alert(1)", "/", "/"),
        ("", "/cases/7", "/cases/7"),
    ],
)
def test_redirects_only_go_to_paths_on_this_site(target: str, fallback: str, expected: str) -> None:
    assert safe_next(target, fallback) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.example/a/1", "https://x.example/a/1"),
        ("  HTTP://x.example/  ", "HTTP://x.example/"),
        ("javascript:alert(1)", ""),
        ("data:text/html,<b>", ""),
        (None, ""),
    ],
)
def test_only_web_links_become_hrefs(url: str | None, expected: str) -> None:
    assert safe_url(url) == expected
