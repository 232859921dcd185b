"""Reply drafting: find the template for a kind, tone and platform, render it in Jinja2's sandbox.

The shipped templates are one file per kind and tone (`apology.j2`, `apology.formal.j2`); the
platform's shorter text is a `{% if platform == "x" %}` block inside (templates/README.md). A
per-platform file (`apology.x.j2`, `apology.formal.bluesky.j2`) still wins over the generic one, so
templates staff edited in the older one-file-per-platform layout keep working. A language variant
is the same name with the language code before `.j2` (`apology.es.j2`, `apology.formal.es.j2`);
asked for a language, every variant in it is tried before the default-language files.

Rendering is pure (the template source is passed in or read once at the edge) and refuses a reply
that is over the platform's limit. Replies are plain text for the platforms, so no HTML escaping
here; every page that shows a reply escapes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError

from responders.replies.languages import is_language_code
from responders.replies.languages import normalize as normalize_language
from responders.replies.lengths import Length, measure
from responders.replies.sandbox import TemplateLimitError, bounded_render, make_environment
from responders.replies.wording import worded
from responders.results import Result

REPLY_KINDS = ("apology", "outreach", "solution", "follow_up", "compensation")
TONES = ("warm", "formal")
MAX_TEMPLATE_CHARS = 20_000

_ENV = make_environment()


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered reply and its length on the target platform."""

    text: str
    length: Length


def template_candidates(kind: str, tone: str, platform: str, lang: str = "") -> list[str]:
    """File names to try, most specific first (kind.tone.platform ... kind).

    The shipped folder has only `kind.j2` and `kind.tone.j2`; the platform names are kept for
    staff-edited per-platform files, which win over the generic file of the tone. With `lang`,
    the same names in that language come first: the customer's language matters more than a
    platform's shorter text (a language file has its own platform blocks).
    """
    stems = [f"{kind}.{tone}.{platform}", f"{kind}.{platform}", f"{kind}.{tone}", kind]
    # An empty platform or tone leaves an empty part ("apology..j2"): no such file, drop it.
    stems = [stem for stem in stems if "" not in stem.split(".")]
    code = normalize_language(lang)
    localized = [f"{stem}.{code}.j2" for stem in stems] if is_language_code(code) else []
    return localized + [f"{stem}.j2" for stem in stems]


def find_template(
    folder: Path, kind: str, tone: str = "warm", platform: str = "", lang: str = ""
) -> Path | None:
    """The most specific reply template file for a kind, tone, platform and language, if any."""
    for name in template_candidates(kind, tone, platform, lang):
        path = folder / "replies" / name
        if path.is_file():
            return path
    return None


def missing_reply_templates(folder: Path) -> list[str]:
    """What a reply template folder lacks: the folder itself, or a kind with no file at all."""
    if not (folder / "replies").is_dir():
        return [f"{folder / 'replies'}: no such folder"]
    return [
        f"{folder / 'replies'}: no template for {kind!r} ({kind}.j2)"
        for kind in REPLY_KINDS
        if find_template(folder, kind) is None
    ]


def variant_language(path: Path) -> str:
    """The language of a template file ('es' for apology.es.j2), '' for a default-language one."""
    parts = path.name.removesuffix(".j2").split(".")
    return parts[-1] if len(parts) > 1 and is_language_code(parts[-1]) else ""


def template_languages(folder: Path, kind: str) -> list[str]:
    """The languages a reply kind has a variant file in (sorted codes; the default not listed)."""
    files = (folder / "replies").glob(f"{kind}.*.j2")
    found = {variant_language(p) for p in files if p.name.split(".")[0] == kind}
    return sorted(code for code in found if code)


def list_templates(folder: Path) -> list[str]:
    """Names of the reply templates in `folder`/replies (without the .j2 suffix)."""
    return sorted(p.name.removesuffix(".j2") for p in (folder / "replies").glob("*.j2"))


def render_source(source: str, variables: dict[str, Any]) -> Result[str]:
    """Render template text in the sandbox; unsafe access or a missing variable is a failure."""
    if len(source) > MAX_TEMPLATE_CHARS:
        return Result.failure(f"the template is too long ({len(source)} > {MAX_TEMPLATE_CHARS})")
    try:
        text = bounded_render(_ENV, source, variables)
    except TemplateLimitError as exc:
        return Result.failure(f"the template does too much{_where(exc)}: {exc}")
    except SecurityError as exc:
        return Result.failure(f"this template is not allowed: {exc}")
    except UndefinedError as exc:
        known = ", ".join(sorted(variables))
        return Result.failure(f"unknown variable in the template ({exc.message}); known: {known}")
    except TemplateSyntaxError as exc:
        return Result.failure(f"template syntax error on line {exc.lineno}: {exc.message}")
    except TemplateError as exc:
        return Result.failure(f"the template could not be rendered{_where(exc)}: {exc}")
    except RecursionError as exc:
        return Result.failure(f"the template calls itself too deeply{_where(exc)}")
    except MemoryError as exc:
        return Result.failure(f"the template needs too much memory{_where(exc)}")
    except Exception as exc:  # staff-typed text: any error is a message to them, never a 500
        reason = f"{type(exc).__name__}: {exc}"[:300]
        return Result.failure(f"the template could not be rendered{_where(exc)}: {reason}")
    return Result.success(text.strip())


def _where(exc: BaseException) -> str:
    """' on line N' of the template where `exc` was raised, from Jinja's rewritten traceback."""
    line = 0
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno  # keep the innermost template frame
        tb = tb.tb_next
    return f" on line {line}" if line else ""


def render_measured(
    source: str,
    variables: dict[str, Any],
    platform: str,
    *,
    public: bool = True,
    mode: str = "",
) -> Result[Rendered]:
    """Render a reply and measure it on `platform`, over the limit or not (the caller decides).

    A reply that is not posted in public (a DM, or one staff post themselves) has no limit: its
    length is counted with limit 0. `mode` is the delivery mode: a DM is worded as one
    (responders.replies.wording), and refused when it still asks for a DM.
    """
    rendered = render_source(source, variables)
    if not rendered.ok or rendered.value is None:
        return Result.failure(rendered.error)
    adapted = worded(rendered.value, mode)
    if not adapted.ok or adapted.value is None:
        return Result.failure(adapted.error)
    length = measure(adapted.value, platform)
    if not public:
        length = Length(length.count, 0, length.unit)
    return Result.success(Rendered(adapted.value, length))


def render_reply(
    source: str,
    variables: dict[str, Any],
    platform: str,
    *,
    public: bool = True,
    mode: str = "",
) -> Result[Rendered]:
    """Render a reply for `platform`; refuse a public one (with its length) over the limit."""
    measured = render_measured(source, variables, platform, public=public, mode=mode)
    if not measured.ok or measured.value is None:
        return measured
    length = measured.value.length
    if length.over:
        return Result.failure(
            f"the reply is too long for {platform}: {length.describe()};"
            f" shorten it by {length.count - length.limit}"
        )
    return measured


def reply_variables(
    *,
    customer: str,
    brand: str,
    category: str,
    signature: str = "",
    staff: str = "",
    offer: str = "",
    case_id: int | None = None,
    platform: str = "",
    post_url: str = "",
    solution: str = "",
    delivery: str = "public",
) -> dict[str, Any]:
    """The variables every reply template may use (listed in templates/README.md).

    `platform` is the case's platform name ("x", "bluesky", "mastodon", ...): the templates'
    platform blocks test it, so it must be the platform the reply is measured and posted on.
    """
    handle = customer if not customer or customer.startswith("@") else f"@{customer}"
    return {
        "customer": customer,
        "handle": handle,
        "brand": brand,
        "category": category.replace("_", " "),
        "signature": signature,
        "staff": staff,
        "offer": offer,
        "case_id": case_id or 0,
        "platform": platform,
        "post_url": post_url,
        # What was done to fix it (the solution templates have a fallback when it is empty).
        "solution": solution,
        # How the reply goes out ("public", "dm", "manual"): a template may word itself for it.
        "delivery": delivery,
    }
