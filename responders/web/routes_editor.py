"""The reply editor's words-not-code view: a template rendered as text with its variables as chips.

The case page shows the chosen template already rendered for this case (the customer's handle,
the brand, the category as chips); staff edit the words, and the page's script writes them back
as a template for the preview and the draft (responders.replies.chips). `/cases/N/compose` gives
the pieces for another template, language variant or delivery mode; a DM's pieces are worded
as a DM (responders.replies.wording).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from monitor.settings import Settings
from monitor.storage import models as m
from responders.replies.chips import Segment, render_segments
from responders.replies.languages import language_label
from responders.replies.wording import for_delivery
from responders.results import Result
from responders.staff.access import RESPONDER
from responders.web import case_data as cd
from responders.web.deps import case_or_404, csrf_protect, db_session, require_role, settings_of

router = APIRouter()
DEFAULT_KIND = "apology"  # what most flagged posts need first: the editor opens with it ready


def pieces(source: str, variables: dict[str, Any], channel: str) -> Result[list[Segment]]:
    """`source` rendered as text and chips for this case, its words adapted to the channel."""
    rendered = render_segments(source, variables)
    if not rendered.ok or rendered.value is None:
        return rendered
    return Result.success(
        [s if s.name else Segment(for_delivery(s.text, channel)) for s in rendered.value]
    )


def editor_context(
    settings: Settings,
    case: m.RecoveryCase,
    mention: m.Mention | None,
    user: m.User,
    sources: dict[str, dict[str, Any]],
    editor: dict[str, str],
) -> dict[str, Any]:
    """What the editor opens with: the template, its language variant and the pieces to edit.

    After a refused submit (`editor` carries the person's source) their text is shown again;
    otherwise the editor opens on the default kind, in the post's language when a variant
    exists in it.
    """
    lang = mention.lang if mention else ""
    kind = editor.get("template") or (DEFAULT_KIND if DEFAULT_KIND in sources else "")
    variant = editor.get("lang", cd.choose_variant(sources, kind, lang))
    channel = editor.get("channel", "public")
    source = editor.get("source") or _source_of(sources, kind, variant)
    variables = cd.case_variables(settings, case, mention, user, delivery=channel)
    made = pieces(source, variables, channel) if source else Result.success([])
    languages = sorted({code for t in sources.values() for code in t["variants"] if code})
    return {
        "post_language": language_label(lang),
        "post_lang": lang,
        "kind": kind,
        "variant": variant,
        "languages": [(code, language_label(code)) for code in languages],
        "segments": made.value or [],
        "segments_error": made.error,
        "source": source,
    }


def _source_of(sources: dict[str, dict[str, Any]], kind: str, variant: str) -> str:
    """The text of `kind` in the `variant` language, else in the default one ('' if none)."""
    found = sources.get(kind)
    if found is None:
        return ""
    chosen = found["variants"].get(variant) or found["variants"][""]
    return str(chosen["source"])


@router.post("/cases/{case_id}/compose", dependencies=[Depends(csrf_protect)])
def compose(
    request: Request,
    case_id: int,
    payload: dict[str, Any] = Body(...),
    user: m.User = Depends(require_role(RESPONDER)),
    session: Session = Depends(db_session),
) -> JSONResponse:
    """The pieces of a template (kind, language variant) for this case, worded for the channel."""
    case = case_or_404(session, case_id)
    mention = session.get(m.Mention, case.first_mention_id)
    settings = settings_of(request)
    sources = cd.template_sources(settings, case.platform)
    kind, lang = str(payload.get("template", "")), str(payload.get("lang", ""))
    channel = str(payload.get("channel", "public"))
    if kind not in sources or channel not in cd.CHANNELS:
        return JSONResponse({"ok": False, "error": f"no template {kind!r} for this case"}, 400)
    found = sources[kind]["variants"]
    variant = lang if lang in found else ""
    variables = cd.case_variables(settings, case, mention, user, delivery=channel)
    made = pieces(_source_of(sources, kind, variant), variables, channel)
    if not made.ok or made.value is None:
        return JSONResponse({"ok": False, "error": made.error})
    return JSONResponse(
        {
            "ok": True,
            "file": found[variant]["file"],
            "lang": variant,
            "segments": [s.as_dict() for s in made.value],
        }
    )
