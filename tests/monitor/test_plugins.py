"""The "module:attr" resolver behind the source, publisher and outbox-sender registries."""

from __future__ import annotations

import pytest

from monitor import plugins
from monitor.plugins import BadTarget, resolve


def test_a_target_names_the_object() -> None:
    assert resolve("monitor.plugins:resolve") is plugins.resolve


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("monitor.plugins", "is not of the form 'module:attr'"),
        (":resolve", "is not of the form 'module:attr'"),
        ("monitor.plugins:", "is not of the form 'module:attr'"),
        ("monitor.nowhere:thing", "no module named 'monitor.nowhere'"),
        ("monitor.plugins:nothing", "module 'monitor.plugins' has no 'nothing'"),
    ],
)
def test_a_bad_target_says_what_is_wrong(target: str, message: str) -> None:
    with pytest.raises(BadTarget, match=message) as raised:
        resolve(target)
    assert repr(target) in str(raised.value)
