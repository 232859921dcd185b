"""The worker's retraining job: each opted-in brand's learned model, when enough labels changed."""

from __future__ import annotations

import logging

from monitor.jobs.context import context, worker_id
from monitor.learned.retrain import Outcome, retrain_all

log = logging.getLogger(__name__)


def retrain_job(config_path: str) -> list[Outcome]:
    """Retrain every brand with `learned = "brand"` that is due (monitor.learned.retrain)."""
    ctx = context(config_path)
    outcomes = retrain_all(ctx.settings, ctx.factory, worker_id())
    for outcome in outcomes:
        if outcome.status not in ("not_due", "busy"):
            log.info("retrain %s: %s %s", outcome.brand, outcome.status, outcome.detail)
    return outcomes
