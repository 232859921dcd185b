"""Screenshots of the queue and a case page for the README, from a seeded demo database.

    .venv/bin/python bench/screenshots.py [--out docs]

Plays the bundled demo stream through the real ingest pipeline into a temporary SQLite file,
adds staff, records a step and a submitted draft on the top case, serves the app with uvicorn
on a free loopback port and photographs it with Debian's chromium (Playwright).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import uvicorn  # noqa: E402
from sqlalchemy import select  # noqa: E402

from monitor.ingest.pipeline import Pipeline  # noqa: E402
from monitor.ingest.sweep import poll_all  # noqa: E402
from monitor.storage import models as m  # noqa: E402
from monitor.storage.engine import open_database  # noqa: E402
from responders.cases.actions import record_step, save_draft  # noqa: E402
from responders.cases.review_queue import QueueFilter, queue_page  # noqa: E402
from responders.publishers import MODES, reply_modes  # noqa: E402
from responders.staff.accounts import add_user  # noqa: E402
from responders.web.app import create_app  # noqa: E402
from tests.conftest import make_settings  # noqa: E402

PASSWORD = "screenshot password"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def seed(url: str, data_dir: Path) -> tuple[object, int]:
    """Ingest the demo stream, add staff and a little history; returns settings and a case id."""
    settings = make_settings(url, data_dir)
    _, factory = open_database(url)
    poll_all(settings, Pipeline(settings, factory), drain=True, max_pages=100)
    with factory() as session, session.begin():
        sam = add_user(session, "sam", PASSWORD, "approver", display_name="Sam Rivera").value
        rob = add_user(session, "rob", PASSWORD, "responder", display_name="Rob Chen").value
        assert sam is not None and rob is not None
        first = queue_page(session, QueueFilter(), limit=1).rows[0].case  # a row, not an entity
        top = session.get(m.RecoveryCase, first.id)
        assert top is not None
        mention = session.get(m.Mention, top.first_mention_id)
        assert mention is not None
        record_step(session, top, rob, "acknowledge", "seen, checking the order")
        body = f"@{mention.author_handle} We're so sorry. Please DM us your order number."
        # The first mode this post really has here (on the demo's X without credentials: by hand).
        modes = reply_modes(mention.platform, mention.reply_allowed)
        channel = next(mode for mode in MODES if not modes.get(mode, "unknown"))
        saved = save_draft(
            session, top, mention, rob, "apology", body, channel=channel, submit=True
        )
        if not saved.ok:
            raise SystemExit(f"the screenshot's draft was refused: {saved.error}")
        second = session.scalars(
            select(m.RecoveryCase).where(m.RecoveryCase.id != top.id).limit(1)
        ).first()
        if second is not None:
            second.assignee_id = rob.id
        return settings, top.id


def main() -> None:
    """Seed a demo database, serve it, and save the queue and case page screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("MAKEGOOD_SECRET_KEY", "screenshots-" + "k" * 40)
    with tempfile.TemporaryDirectory() as tmp:
        settings, case_id = seed(f"sqlite:///{tmp}/demo.db", Path(tmp))
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = uvicorn.Server(
            uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        from playwright.sync_api import expect, sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=ARGS
            )
            page = browser.new_page(viewport={"width": 1360, "height": 900})
            page.goto(f"{base}/login")
            page.fill("input[name=username]", "sam")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")
            page.screenshot(path=str(out / "queue.png"))
            page.goto(f"{base}/cases/{case_id}")
            # Rob's draft waits for approval: the approver sees it with Approve and Reject.
            expect(page.get_by_text("pending approval").first).to_be_visible()
            page.screenshot(path=str(out / "case.png"), full_page=True)
            browser.close()
        server.should_exit = True
        thread.join(timeout=10)
    print(f"wrote {out / 'queue.png'} and {out / 'case.png'}")


if __name__ == "__main__":
    main()
