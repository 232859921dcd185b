"""The ASGI entry point for uvicorn worker processes: `responders.web.asgi:app_from_env`.

`makegood serve --workers N` migrates the database once, then has uvicorn start N processes;
each calls this factory, which reads the configuration named by MAKEGOOD_CONFIG (set by `serve`)
and opens the database without migrating it again.
"""

from __future__ import annotations

from fastapi import FastAPI

from monitor.settings import load_settings
from monitor.storage.engine import open_database
from responders.web.app import create_app

FACTORY = "responders.web.asgi:app_from_env"


def app_from_env() -> FastAPI:
    """Build the web app in a worker process from MAKEGOOD_CONFIG (already migrated)."""
    settings = load_settings()
    engine, factory = open_database(settings.database_url, migrate=False)
    return create_app(settings, factory=factory, engine=engine)
