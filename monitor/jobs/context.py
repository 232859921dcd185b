"""What every job needs, loaded once per process: settings, database, pipeline, this worker's id."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from monitor.ingest.pipeline import Pipeline
from monitor.settings import BrandSettings, ChannelSettings, Settings, load_settings
from monitor.sources import Source, channel_key
from monitor.storage.engine import open_database

_WORKER_ID = ""


def worker_id() -> str:
    """This process's name in leases and outbox claims: host, pid and a random suffix."""
    global _WORKER_ID
    if not _WORKER_ID or _WORKER_ID.split(":")[1] != str(os.getpid()):
        _WORKER_ID = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    return _WORKER_ID


@dataclass
class JobContext:
    """What a job needs, loaded once per process and config file."""

    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    pipeline: Pipeline
    sources: dict[str, Source] = field(default_factory=dict)


_CONTEXTS: dict[str, JobContext] = {}


def context(config_path: str) -> JobContext:
    """The cached settings, database and pipeline for a config file."""
    ctx = _CONTEXTS.get(config_path)
    if ctx is None:
        settings = load_settings(Path(config_path))
        engine, factory = open_database(settings.database_url)
        ctx = JobContext(settings, engine, factory, Pipeline(settings, factory))
        _CONTEXTS[config_path] = ctx
    return ctx


def forget_contexts() -> None:
    """Close every cached database connection (the worker calls this when it stops)."""
    for ctx in _CONTEXTS.values():
        ctx.engine.dispose()
    _CONTEXTS.clear()


def find_channel(settings: Settings, key: str) -> tuple[BrandSettings, ChannelSettings] | None:
    """The brand and channel settings of a channel key, if still configured."""
    for brand in settings.brands:
        for channel in brand.channels:
            if channel_key(brand, channel) == key:
                return brand, channel
    return None
