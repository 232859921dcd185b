"""A reply sender for worker tests: "posts" to a log file, reconciling first like a real publisher.

Worker subprocesses register it with `run_worker.py`; MAKEGOOD_TEST_REPLY_LOG names the file.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from sqlalchemy.orm import Session

from monitor.settings import Settings
from monitor.storage import models as m
from responders.outbox.dispatch import SendOutcome


def send_reply(settings: Settings, session: Session, item: m.OutboxItem) -> SendOutcome:
    """Append the item's key to the log unless an earlier attempt already did (reconcile)."""
    log = Path(os.environ["MAKEGOOD_TEST_REPLY_LOG"])
    with log.open("a+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # the "platform" serialises posts to one thread
        fh.seek(0)
        posted = {line.split()[0] for line in fh if line.strip()}
        if item.idempotency_key not in posted:
            fh.write(f"{item.idempotency_key} {os.getpid()}\n")
            fh.flush()
    time.sleep(0.05)  # a platform call takes a moment: leaves a window to be killed in
    return SendOutcome(ok=True, result={"id": item.idempotency_key})
