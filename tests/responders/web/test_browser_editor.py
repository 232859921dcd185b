"""In chromium: the words-and-chips editor, the post's language, the templates page, presence."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from monitor.storage import models as m
from responders.cases import viewers
from responders.replies.drafting import variant_language
from responders.web.app import create_app
from tests.conftest import ROOT, make_settings
from tests.responders.web.conftest import served
from tests.responders.web.seed import seed_cases
from tests.responders.web.test_browser import log_in
from tests.responders.web.test_browser_ownership import person

pytestmark = pytest.mark.browser

SPANISH = "{{ handle }} Lo sentimos mucho: el problema de {{ category }} es culpa nuestra."


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped templates the test may edit (the checkout's stay untouched).

    Without the shipped language variants: these tests add one the way an admin would.
    """
    copy = tmp_path / "own_templates"
    shutil.copytree(ROOT / "templates", copy)
    for variant in (copy / "replies").glob("*.j2"):
        if variant_language(variant):
            variant.unlink()
    return copy


@pytest.fixture
def server(
    db_url: str,
    tmp_path: Path,
    folder: Path,
    factory: sessionmaker[Session],
    staff: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[str]:
    """The app on the test database and the copied templates, served by uvicorn."""
    monkeypatch.setenv("MAKEGOOD_SECRET_KEY", "test-secret-key-" + "x" * 32)
    settings = make_settings(db_url, tmp_path, templates_dir=str(folder))
    with served(create_app(settings, factory=factory)) as base:
        yield base


def spanish_case(factory: sessionmaker[Session]) -> int:
    """A case whose post is in Spanish (as the language detector stores it)."""
    (case_id,) = seed_cases(factory, [{"platform": "x", "handle": "ana"}])
    with factory() as session, session.begin():
        case = session.get_one(m.RecoveryCase, case_id)
        session.execute(
            update(m.Mention)
            .where(m.Mention.id == case.first_mention_id)
            .values(lang="es", text="@kettlebird mi hervidor llegó roto y nadie responde")
        )
    return case_id


def test_the_editor_shows_words_with_chips_to_inspect_and_remove(
    server: str, page: Any, factory: sessionmaker[Session]
) -> None:
    (case_id,) = seed_cases(factory, [{"platform": "x", "handle": "pat"}])
    log_in(page, server, "rob")
    page.goto(f"{server}/cases/{case_id}")
    editor = page.locator("#reply-editor")

    # The apology is there already, rendered: words, and the case's values as chips.
    expect(editor).to_contain_text("We're sorry: this")
    assert "{{" not in editor.inner_text()
    chips = editor.locator(".chip")
    names = chips.evaluate_all("cs => cs.map(c => c.dataset.name)")
    assert names[:2] == ["handle", "category"]
    expect(page.locator("#preview")).to_contain_text("@pat We're sorry")

    # Inspect a chip: what it is and its value.
    editor.locator(".chip[data-name=handle] .chip-value").click()
    expect(page.locator("#chip-info")).to_have_text(
        "{handle} = “@pat”: the customer's handle, with one @. It is filled in from the case"
        " when the reply is sent; × removes it."
    )

    # Remove one: the preview loses its value, the words around it stay, with one space.
    editor.locator(".chip[data-name=category] .chip-remove").click()
    expect(page.locator("#chip-info")).to_contain_text("{category} removed")
    expect(page.locator("#preview")).not_to_contain_text("product quality")
    expect(page.locator("#preview")).to_contain_text("We're sorry: this problem")

    # Edit the words: type at the end; the draft keeps the chips and the typed words.
    editor.focus()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Thanks, {Pat}!")
    expect(page.locator("#preview")).to_contain_text("Thanks, {Pat}!")
    page.click("button[value=submit]")
    expect(page.get_by_text("reply submitted for approval")).to_be_visible()
    with factory() as session:
        body = session.scalars(select(m.ReplyDraft.body)).one()
    assert body.startswith("@pat We're sorry: this problem is our mistake")
    assert body.endswith("Thanks, {Pat}!")
    assert "product quality" not in body


def test_the_editor_shows_the_posts_language_and_preselects_its_variant(
    server: str, page: Any, folder: Path, factory: sessionmaker[Session]
) -> None:
    (folder / "replies" / "apology.es.j2").write_text(SPANISH, encoding="utf-8")
    spanish, english = spanish_case(factory), seed_cases(factory, [{"platform": "x"}])[0]
    log_in(page, server, "rob")

    page.goto(f"{server}/cases/{spanish}")
    expect(page.locator("#post-language")).to_contain_text("Post language: Spanish (es)")
    assert page.locator("#lang").input_value() == "es"
    expect(page.locator("#reply-editor")).to_contain_text("Lo sentimos mucho")
    expect(page.locator("#preview")).to_contain_text("@ana Lo sentimos mucho")

    # The default variant is one choice away, and back.
    page.select_option("#lang", "")
    expect(page.locator("#reply-editor")).to_contain_text("We're sorry")
    page.select_option("#lang", "es")
    expect(page.locator("#reply-editor")).to_contain_text("Lo sentimos mucho")
    page.click("button[value=submit]")
    expect(page.get_by_text("reply submitted for approval")).to_be_visible()
    with factory() as session:
        draft = session.scalars(select(m.ReplyDraft)).one()
    assert draft.template == "apology.es" and draft.body.startswith("@ana Lo sentimos")

    # A post in a language with no variant: the default words, the language still shown.
    page.goto(f"{server}/cases/{english}")
    expect(page.locator("#post-language")).to_contain_text("Post language: not detected")
    assert page.locator("#lang").input_value() == ""
    expect(page.locator("#reply-editor")).to_contain_text("We're sorry")


def test_removing_a_chip_leaves_no_stray_space(
    server: str, page: Any, factory: sessionmaker[Session]
) -> None:
    (case_id,) = seed_cases(factory, [{"platform": "x", "handle": "pat"}])
    log_in(page, server, "rob")
    page.goto(f"{server}/cases/{case_id}")
    editor = page.locator("#reply-editor")
    # The handle starts the text: the space after it goes with it.
    editor.locator(".chip[data-name=handle] .chip-remove").click()
    # Web-first assertions: they wait for the preview to re-render (a plain read races it).
    expect(page.locator("#preview")).to_have_text(re.compile(r"^We're sorry: this product quality"))
    # The signature ends it, after "today.": the space before it goes too.
    editor.locator(".chip[data-name=signature] .chip-remove").click()
    expect(page.locator("#preview")).to_have_text(re.compile(r"right today\.\s*$"))


def test_admins_edit_template_source_with_a_sandboxed_preview_and_an_audit(
    server: str, page: Any, folder: Path, factory: sessionmaker[Session]
) -> None:
    log_in(page, server, "ada")
    page.click("nav >> text=Templates")
    rows = page.locator("#template-files tbody tr")
    expect(rows).to_have_count(10)
    expect(page.locator("#template-files")).to_contain_text("apology.formal.j2")

    # A new Spanish variant starts as a copy of the default to translate.
    page.fill("#new-template input[name=name]", "apology.es")
    page.click("#new-template button")
    source = page.locator("#template-source")
    expect(source).to_have_value((folder / "replies" / "apology.j2").read_text("utf-8"))
    expect(page.locator("#preview")).to_contain_text("@pat We're sorry")

    # The preview renders in the sandbox: reaching for Python internals is refused.
    source.fill("{{ ''.__class__.__mro__ }}")
    expect(page.locator("#preview-error")).to_contain_text("not allowed")
    page.click("#template-form button[type=submit]")
    expect(page.locator("#save-error")).to_contain_text("not allowed")
    assert not (folder / "replies" / "apology.es.j2").exists()
    expect(source).to_have_value("{{ ''.__class__.__mro__ }}")  # what was typed is kept

    # As a DM, the preview never asks for a DM.
    source.fill(SPANISH + " DM us your order number.")
    page.select_option("#preview-mode", "dm")
    expect(page.locator("#preview")).to_contain_text("Send us your order number.")
    source.fill(SPANISH)
    page.click("#template-form button[type=submit]")
    expect(page.get_by_text("template apology.es.j2 saved")).to_be_visible()
    assert (folder / "replies" / "apology.es.j2").read_text("utf-8") == SPANISH + "\n"
    page.goto(f"{server}/admin/templates")
    expect(page.locator("tr[data-name='apology.es']")).to_contain_text("Spanish (es)")
    with factory() as session:
        entry = session.scalars(
            select(m.AuditEntry).where(m.AuditEntry.action == "template.edit")
        ).one()
    assert (entry.actor, entry.target, entry.detail["created"]) == (
        "ada",
        "template:apology.es.j2",
        True,
    )

    # Responders answer in the new variant at once (no restart, no cache wait).
    case_id = spanish_case(factory)
    rob = person(page.context.browser, server, "rob")
    rob.goto(f"{server}/cases/{case_id}")
    expect(rob.locator("#reply-editor")).to_contain_text("Lo sentimos mucho")


def test_two_people_on_one_case_see_each_other_live(
    server: str, browser: Any, factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(viewers, "VIEWING_WINDOW", viewers.timedelta(seconds=7))
    (case_id,) = seed_cases(factory, [{"platform": "x", "handle": "pat"}])
    url = f"{server}/cases/{case_id}"
    rob, rex = person(browser, server, "rob"), person(browser, server, "alice")

    rob.goto(url)
    expect(rob.locator("#viewers")).to_have_text("")
    rex.goto(url)
    # Alice sees Rob at once (the page); Rob sees Alice without a reload (the polling).
    expect(rex.locator("#viewers")).to_contain_text("Also viewing: rob (since ")
    expect(rob.locator("#viewers")).to_contain_text("Also viewing: alice (since ", timeout=20_000)

    # Alice leaves: after the viewing window, Rob's banner lets her go.
    rex.goto(f"{server}/")
    expect(rob.locator("#viewers")).to_have_text("", timeout=30_000)
