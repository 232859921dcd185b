"""Answer one complaint on the demo, as staff do it in chromium: clicks, keystrokes and time.

    .venv/bin/python bench/answer_one_complaint.py

Plays the bundled demo stream into a temporary SQLite file (the same seeding as
bench/screenshots.py, without its extra history), adds a responder (rob) and an approver (sam),
serves the app on a free loopback port and drives Debian's chromium through Playwright:

rob logs in, opens the top case of the queue, gets a reply text (picks a template only when the
editor has none ready), submits it for approval and logs out; sam logs in, opens the same case
from the queue, approves it, and when the mode is "post by hand" records the link of the posted
reply (the reply is then sent); a public reply is sent by one outbox pass (no staff action).

Counted the way a person does it: a click is one click; a <select> choice is two (open, pick);
typing into a field is one keystroke action (whatever its length). Prints the counts and the
wall time from the first page to the reply sent. Run it on two checkouts to compare them.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path.cwd() if (Path.cwd() / "responders").is_dir() else Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import uvicorn  # noqa: E402
from sqlalchemy import select  # noqa: E402

from monitor.ingest.pipeline import Pipeline  # noqa: E402
from monitor.ingest.sweep import poll_all  # noqa: E402
from monitor.storage import models as m  # noqa: E402
from monitor.storage.engine import open_database  # noqa: E402
from responders.cases.review_queue import QueueFilter, queue_page  # noqa: E402
from responders.staff.accounts import add_user  # noqa: E402
from responders.web.app import create_app  # noqa: E402
from tests.conftest import make_settings  # noqa: E402

PASSWORD = "bench password"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


@dataclass
class Counter:
    """The staff actions of one run."""

    clicks: int = 0
    keystrokes: int = 0
    started: float = 0.0
    log: list[str] = field(default_factory=list)

    def note(self, what: str) -> None:
        """Remember when an action was done (printed with --steps)."""
        self.log.append(f"{time.perf_counter() - self.started:6.2f} s  {what}")

    def click(self, page: Any, selector: str) -> None:
        """One click on the first element `selector` matches."""
        self.note(f"click {selector}")
        page.locator(selector).first.click()
        self.clicks += 1

    def choose(self, page: Any, selector: str, value: str) -> None:
        """A <select> choice: two clicks (open the list, pick the option)."""
        self.note(f"choose {value} in {selector}")
        page.select_option(selector, value)
        self.clicks += 2

    def type(self, page: Any, selector: str, text: str) -> None:
        """Typing into a field: one keystroke action."""
        self.note(f"type into {selector}")
        page.fill(selector, text)
        self.keystrokes += 1


def seed(url: str, data_dir: Path) -> tuple[Any, Any, int]:
    """Ingest the demo stream and add the two staff; returns settings, factory, top case id."""
    settings = make_settings(url, data_dir)
    _, factory = open_database(url)
    poll_all(settings, Pipeline(settings, factory), drain=True, max_pages=100)
    with factory() as session, session.begin():
        for name, role in (("rob", "responder"), ("sam", "approver")):
            assert add_user(session, name, PASSWORD, role, display_name=name.title()).ok
        top = queue_page(session, QueueFilter(), limit=1).rows[0].case
        return settings, factory, top.id


def log_in(page: Any, base: str, name: str, count: Counter) -> None:
    """The login page: user name, password, the button."""
    page.goto(f"{base}/login")
    count.type(page, "input[name=username]", name)
    count.type(page, "input[name=password]", PASSWORD)
    count.click(page, "button[type=submit]")
    page.wait_for_url(f"{base}/")


def answer(page: Any, base: str, case_id: int, count: Counter) -> str:
    """Rob's part: open the top case, get a reply text, submit it; returns the mode chosen."""
    from playwright.sync_api import expect

    log_in(page, base, "rob", count)
    count.click(page, f"a[href='/cases/{case_id}']")
    page.wait_for_url(f"{base}/cases/{case_id}")
    if not page.locator("#template").input_value():
        count.choose(page, "#template", "apology")
    expect(page.locator("#preview")).not_to_be_empty()
    mode = page.locator("#channel").input_value()
    count.click(page, "button[value=submit]")
    expect(page.get_by_text("reply submitted for approval")).to_be_visible()
    count.click(page, "form.whoami button")
    page.wait_for_url(f"{base}/login*")
    return mode


def approve(page: Any, base: str, case_id: int, count: Counter, mode: str) -> None:
    """Sam's part: open the case, approve the draft, record the link when posted by hand."""
    from playwright.sync_api import expect

    log_in(page, base, "sam", count)
    count.click(page, f"a[href='/cases/{case_id}']")
    page.wait_for_url(f"{base}/cases/{case_id}")
    count.click(page, "article.draft-pending_approval .draft-actions button.primary")
    expect(page.get_by_text("reply approved")).to_be_visible()
    if mode == "manual":
        count.type(page, "form.manual-link input[name=url]", "https://example.com/reply/1")
        count.click(page, "form.manual-link button")
        expect(page.get_by_text("manual reply recorded")).to_be_visible()


def main() -> None:
    """Seed the demo, serve it, answer its top complaint and print the counts and the time."""
    os.environ.setdefault("MAKEGOOD_SECRET_KEY", "bench-" + "k" * 40)
    with tempfile.TemporaryDirectory() as tmp:
        settings, factory, case_id = seed(f"sqlite:///{tmp}/demo.db", Path(tmp))
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = uvicorn.Server(
            uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        from playwright.sync_api import sync_playwright

        count = Counter()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=ARGS
            )
            page = browser.new_page(viewport={"width": 1360, "height": 900})
            page.set_default_timeout(20_000)
            started = count.started = time.perf_counter()
            mode = answer(page, base, case_id, count)
            approve(page, base, case_id, count, mode)
            seconds = time.perf_counter() - started
            browser.close()
        with factory() as session:
            states = session.scalars(
                select(m.ReplyDraft.state).where(m.ReplyDraft.case_id == case_id)
            ).all()
        server.should_exit = True
        thread.join(timeout=10)
    if "--steps" in sys.argv:
        print("\n".join(count.log))
    print(f"case #{case_id}: mode {mode}, drafts {list(states)}")
    print(
        f"answer one complaint: {count.clicks} clicks, {count.keystrokes} keystroke actions,"
        f" {count.clicks + count.keystrokes} actions, {seconds:.1f} s (responder + approver)"
    )


if __name__ == "__main__":
    main()
