"""Help pages: /help/severity explains the severity formula from the scoring module's own tables,
so a change to the rules changes the page with it."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from monitor.scoring import harm, severity
from monitor.storage import models as m
from responders.web.deps import current_user, render

router = APIRouter()
POINTS_SHOWN = 9  # the level bands are read off the rule for totals 0..8 (7+ is the top)


@dataclass(frozen=True, slots=True)
class Band:
    """The point totals that give one level."""

    level: str
    low: int
    high: int | None  # None: this many points or more


def level_bands(levels: tuple[str, ...] = severity.SEVERITIES) -> list[Band]:
    """Each level with the point totals that reach it, computed from the rule itself."""
    by_level: dict[str, list[int]] = {}
    for points in range(POINTS_SHOWN):
        by_level.setdefault(levels[severity._level(points)], []).append(points)
    bands = [Band(name, min(p), max(p)) for name, p in by_level.items()]
    last = bands[-1]
    bands[-1] = Band(last.level, last.low, None)  # the top level is open-ended
    return bands


def severity_help_context() -> dict[str, object]:
    """What the page lists: levels and their bands, the ladders, and every harm family."""
    return {
        "levels": severity.SEVERITIES,
        "bands": level_bands(),
        "reach": severity.REACH_LADDER,
        "engagement": severity.ENGAGEMENT_LADDER,
        "velocity_min": severity.VELOCITY_MIN_ENGAGEMENT,
        "families": harm.FAMILIES,
        "asked_about": sorted(harm.ASKED_ABOUT),
        "self_evident": sorted(harm.SELF_EVIDENT),
    }


@router.get("/help/severity")
def severity_help(request: Request, user: m.User = Depends(current_user)) -> Response:
    """How a post's severity is reached, in words, with the numbers the rule uses."""
    return render(request, "help/severity.html", severity_help_context())
