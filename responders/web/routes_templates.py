"""The templates page (admins): every reply template file, its Jinja source, a preview, saving.

Staff answer customers in the case page's words-and-chips editor; the source of the templates
stays here, for admins only (checked on the server). A save is rendered in the sandbox first,
written atomically, audited (`template.edit`, with the old and new length) and shown on the
case pages at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Body, Depends, Form, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from monitor.storage import models as m
from responders.replies.drafting import MAX_TEMPLATE_CHARS, render_measured
from responders.replies.template_files import list_files, parse_name, sample_variables, write_file
from responders.staff.access import ADMIN
from responders.staff.audit import audit
from responders.web import case_data as cd
from responders.web.deps import (
    csrf_protect,
    db_session,
    flash,
    render,
    require_role,
    see_other,
    settings_of,
)

router = APIRouter()
PREVIEW_PLATFORMS = ("x", "bluesky", "mastodon", "reddit", "hackernews", "rss")


def _folder(request: Request) -> Path:
    return Path(settings_of(request).templates_dir)


@router.get("/admin/templates")
def templates_list(request: Request, user: m.User = Depends(require_role(ADMIN))) -> Response:
    """Every reply template file: kind, tone, platform and language."""
    return render(request, "templates_admin.html", {"files": list_files(_folder(request))})


def _edit_page(
    request: Request, name: str, source: str | None = None, error: str = "", status: int = 200
) -> Response:
    parsed = parse_name(name)
    if not parsed.ok or parsed.value is None:
        raise HTTPException(404, parsed.error)
    path = _folder(request) / "replies" / f"{parsed.value.name}.j2"
    exists = path.is_file()
    if source is None:
        source = path.read_text(encoding="utf-8") if exists else ""
    context: dict[str, Any] = {
        "file": parsed.value,
        "source": source,
        "exists": exists,
        "error": error,
        "platforms": PREVIEW_PLATFORMS,
        "modes": cd.CHANNELS,
    }
    return render(request, "template_edit.html", context, status)


@router.get("/admin/templates/{name}")
def template_edit(
    request: Request, name: str, user: m.User = Depends(require_role(ADMIN))
) -> Response:
    """One template's source to edit, with a live preview on a chosen platform and mode."""
    return _edit_page(request, name)


@router.post("/admin/templates/new", dependencies=[Depends(csrf_protect)])
def template_new(
    request: Request, name: str = Form(...), user: m.User = Depends(require_role(ADMIN))
) -> Response:
    """Start a new file (a language variant, say): its editor, prefilled from its default."""
    parsed = parse_name(name.strip())
    if not parsed.ok or parsed.value is None:
        flash(request, parsed.error, "error")
        return see_other("/admin/templates")
    file = parsed.value
    base = _folder(request) / "replies" / f"{file.name.rsplit('.', 1)[0]}.j2"
    start = base.read_text(encoding="utf-8") if file.lang and base.is_file() else None
    return _edit_page(request, file.name, start)


@router.post("/admin/templates/{name}/preview", dependencies=[Depends(csrf_protect)])
def template_preview(
    request: Request,
    name: str,
    payload: dict[str, Any] = Body(...),
    user: m.User = Depends(require_role(ADMIN)),
) -> JSONResponse:
    """Render the source being edited in the sandbox with sample values, as on a case page."""
    source = str(payload.get("source", ""))
    platform = str(payload.get("platform", "x"))
    mode = str(payload.get("mode", "public"))
    if platform not in PREVIEW_PLATFORMS or mode not in cd.CHANNELS:
        return JSONResponse({"ok": False, "error": "unknown platform or mode"}, 400)
    values = sample_variables(platform, mode)
    rendered = render_measured(source, values, platform, public=mode == "public", mode=mode)
    if not rendered.ok or rendered.value is None:
        return JSONResponse({"ok": False, "error": rendered.error, "text": "", "length": ""})
    length = rendered.value.length
    return JSONResponse(
        {"ok": not length.over, "text": rendered.value.text, "length": length.describe(),
         "over": length.over, "error": ""}
    )  # fmt: skip


@router.post("/admin/templates/{name}", dependencies=[Depends(csrf_protect)])
def template_save(
    request: Request,
    name: str,
    source: str = Form(...),
    user: m.User = Depends(require_role(ADMIN)),
    session: Session = Depends(db_session),
) -> Response:
    """Save a template: sandbox-checked, written atomically, audited; the editor sees it now."""
    parsed = parse_name(name)
    if not parsed.ok or parsed.value is None:
        raise HTTPException(404, parsed.error)  # nothing is read or written for a bad name
    if len(source) > MAX_TEMPLATE_CHARS:
        return _edit_page(request, name, source, f"too long ({len(source)} characters)", 400)
    path = _folder(request) / "replies" / f"{parsed.value.name}.j2"
    before = path.read_text(encoding="utf-8") if path.is_file() else None
    written = write_file(_folder(request), name, source)
    if not written.ok or written.value is None:
        return _edit_page(request, name, source, written.error, 400)
    audit(
        session, user, "template.edit", f"template:{written.value.name}",
        created=before is None, chars_before=len(before or ""), chars_after=len(source),
    )  # fmt: skip
    session.commit()
    cd.forget_sources()
    flash(request, f"template {written.value.name} saved")
    return see_other(f"/admin/templates/{written.value.name.removesuffix('.j2')}")
