"""Settings for the model lifecycle tests: the example brand opted in to its own model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from monitor.settings import Settings, parse_settings
from tests.conftest import make_settings


def lifecycle_settings(
    db_url: str, tmp_path: Path, learned: str = "brand", **learning: Any
) -> Settings:
    """The example settings with Kettlebird's `learned` mode and small retraining thresholds."""
    data = make_settings(db_url, tmp_path).model_dump()
    data["brands"][0]["learned"] = learned
    data["learning"] = {"retrain_after_labels": 20, "min_labels": 40, **learning}
    return parse_settings(data, "lifecycle test settings")
