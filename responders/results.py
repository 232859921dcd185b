"""Expected failures as values: an action either succeeds with a value or fails with a message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Result(Generic[T]):
    """The outcome of a staff or worker action. `error` is for people: say what to do."""

    value: T | None = None
    error: str = ""
    conflict: bool = False  # someone else changed the thing first (optimistic locking)

    @property
    def ok(self) -> bool:
        """True when the action succeeded."""
        return not self.error

    @classmethod
    def success(cls, value: T | None = None) -> Result[T]:
        """A successful result carrying `value`."""
        return cls(value=value)

    @classmethod
    def failure(cls, error: str, conflict: bool = False) -> Result[T]:
        """A failed result with a message a person can act on."""
        return cls(error=error, conflict=conflict)
