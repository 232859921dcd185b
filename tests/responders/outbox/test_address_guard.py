"""Webhook hosts on the internal network are refused, literal or resolved; public ones pass."""

from __future__ import annotations

import pytest

from responders.outbox.address_guard import internal_address, refusal
from responders.outbox.endpoints import check_url


def public(_name: str) -> list[str]:
    return ["93.184.215.14"]


def inside(_name: str) -> list[str]:
    return ["93.184.215.14", "10.0.0.7"]


def nowhere(_name: str) -> list[str]:
    return []


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.1",
        "::1",
        "[::1]",
        "fd00::1",
        "fe80::1%eth0",
        "::ffff:127.0.0.1",
        "localhost",
        "LOCALHOST.",
        "api.localhost",
    ],
)
def test_an_internal_host_is_named(host: str) -> None:
    assert internal_address(host, public)
    assert "is an internal address" in refusal(host, public)


@pytest.mark.parametrize("host", ["8.8.8.8", "2606:4700::1111", "hooks.example.com"])
def test_a_public_host_passes(host: str) -> None:
    assert refusal(host, public) == ""


def test_a_name_is_refused_when_any_of_its_addresses_is_internal() -> None:
    assert refusal("hooks.example.com", inside).startswith("hooks.example.com (10.0.0.7) is")


def test_a_name_that_does_not_resolve_is_left_to_the_delivery() -> None:
    assert refusal("helpdesk.example", nowhere) == ""


@pytest.mark.parametrize(
    ("url", "allow", "refused"),
    [
        ("http://127.0.0.1:9000/in", False, True),
        ("http://127.0.0.1:9000/in", True, False),
        ("https://[::1]/in", False, True),
        ("https://hooks.example.com/in", False, False),
    ],
)
def test_check_url_applies_the_guard_unless_allowed(url: str, allow: bool, refused: bool) -> None:
    assert bool(check_url(url, allow, public)) is refused
