"""The dashboard's learned-model panel: each brand's model versions, their figures and status."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from monitor.learned.versions import Summary, list_versions, summarize
from monitor.settings import Settings

SHOWN = 10  # newest versions shown per brand (older ones stay in `makegood models list`)


@dataclass
class BrandModelsRow:
    """One brand: its `learned` setting and its newest versions."""

    brand: str
    mode: str
    versions: list[Summary] = field(default_factory=list)


def load_models_panel(session: Session, settings: Settings) -> list[BrandModelsRow]:
    """Every configured brand (and any other with stored versions), newest versions first."""
    rows = {b.name: BrandModelsRow(b.name, b.learned) for b in settings.brands}
    for version in list_versions(session):
        row = rows.setdefault(version.brand, BrandModelsRow(version.brand, "not configured"))
        if len(row.versions) < SHOWN:
            row.versions.append(summarize(version))
    return list(rows.values())
