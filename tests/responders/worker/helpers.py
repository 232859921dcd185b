"""Worker test helpers: fast-job settings, posts appended to a replay stream."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from monitor.settings import Settings
from tests.conftest import make_settings
from tests.fakes.smtp import SmtpServer


def worker_settings(
    db_url: str,
    tmp_path: Path,
    server: SmtpServer,
    stream: Path,
    interval: int = 1,
    channels: list[dict[str, Any]] | None = None,
    **worker: Any,
) -> Settings:
    """Test settings: the example brand reading `stream` (or `channels`), mailing `server`."""
    base = make_settings(db_url, tmp_path)
    brand = base.brands[0].model_dump()
    brand["channels"] = channels or [
        {"type": "replay", "name": "live", "path": str(stream), "interval_seconds": interval}
    ]
    return make_settings(
        db_url,
        tmp_path,
        smtp={**base.smtp.model_dump(), "host": server.host, "port": server.port},
        alerts={
            **base.alerts.model_dump(),
            "recipients": ["team@kettlebird.example"],
            "max_per_hour": 1000,  # the cap has its own tests; here every alert is mailed
        },
        worker={
            "outbox_interval_seconds": 1,
            "alerts_interval_seconds": 2,
            "spike_interval_seconds": 600,
            "digest_check_seconds": 3600,
            "jitter_seconds": 0,
            "lease_seconds": 5,
            **worker,
        },
        brands=[brand],
    )


def post_line(n: int, at: datetime, text: str) -> str:
    """One JSONL line of the replay format."""
    return json.dumps(
        {
            "platform": "x",
            "id": f"live-{n}",
            "author": f"customer{n}",
            "author_id": f"u{n}",
            "author_followers": 20_000,
            "created_at": at.isoformat(),
            "text": text,
            "url": f"https://x.example/customer{n}/status/{n}",
        }
    )


def append(stream: Path, *lines: str) -> None:
    """Append whole lines to a replay file, as an export being written would."""
    with stream.open("a", encoding="utf-8") as fh:
        for line in lines:
            fh.write(line + "\n")
