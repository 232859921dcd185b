"""How long a reply is on each platform, counted by its length rule (monitor.platforms)."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.platforms import PLATFORMS, LengthRule

# platform -> its limit (0 = no public replies); kept for callers that only need the number.
LIMITS = {name: record.length.limit for name, record in PLATFORMS.items()}
_NO_RULE = LengthRule(0)  # a name no record describes: plain characters, no limit


@dataclass(frozen=True, slots=True)
class Length:
    """A reply's length on a platform: the count, the limit (0 = no public replies), the unit."""

    count: int
    limit: int
    unit: str

    @property
    def over(self) -> bool:
        """True when the reply is longer than the platform allows."""
        return self.limit > 0 and self.count > self.limit

    def describe(self) -> str:
        """For people: '142 / 280 weighted characters'."""
        return (
            f"{self.count} / {self.limit} {self.unit}"
            if self.limit
            else f"{self.count} {self.unit}"
        )


def measure(text: str, platform: str) -> Length:
    """The reply's length on `platform` against its limit."""
    record = PLATFORMS.get(platform)
    rule = record.length if record is not None else _NO_RULE
    return Length(rule.count(text), rule.limit, rule.unit)
