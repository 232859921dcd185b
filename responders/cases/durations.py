"""Durations in words people read at a glance: '45 s', '12 min', '2 h 13 min', '3 d 4 h' (pure)."""

from __future__ import annotations

from datetime import timedelta


def human_duration(value: timedelta | float | None) -> str:
    """A duration as the two largest units that matter; a number is taken as minutes.

    '' for None; the sign is dropped (callers say "overdue" or "due in" themselves)."""
    if value is None:
        return ""
    delta = value if isinstance(value, timedelta) else timedelta(minutes=float(value))
    seconds = int(abs(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"
