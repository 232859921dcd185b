"""Entry point for worker subprocesses in tests: `makegood` with the fake reply sender."""

from __future__ import annotations

import sys

from responders.cli import main
from responders.outbox import dispatch

if __name__ == "__main__":
    dispatch.SENDERS["reply"] = "tests.responders.worker.fake_sender:send_reply"
    sys.argv[0] = "makegood"
    main()
