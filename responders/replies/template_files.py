"""The reply template files admins edit: their names, what each name means, and safe writes.

A name is `KIND[.TONE][.PLATFORM][.LANG]` (drafting.template_candidates reads them in that
order); anything else is refused with what a name may be, so a typo never writes a file the
editor would not find. A save is checked in the sandbox first (with sample values, on every
platform with a short block) and written atomically, so a half-written or broken template
never reaches the case pages.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from monitor.platforms import PLATFORMS
from responders.replies.drafting import REPLY_KINDS, TONES, render_source
from responders.replies.drafting import reply_variables as make_variables
from responders.replies.languages import language_label
from responders.results import Result

_NAME = re.compile(
    rf"^(?P<kind>{'|'.join(REPLY_KINDS)})(?:\.(?P<tone>{'|'.join(TONES)}))?"
    rf"(?:\.(?P<platform>{'|'.join(sorted(PLATFORMS, key=len, reverse=True))}))?"
    r"(?:\.(?P<lang>[a-z]{2}))?$"
)
CHECK_PLATFORMS = ("x", "bluesky", "reddit")  # the short blocks and the default text


@dataclass(frozen=True, slots=True)
class TemplateFile:
    """One reply template file and what its name says."""

    name: str  # without .j2
    kind: str
    tone: str
    platform: str
    lang: str

    @property
    def language(self) -> str:
        """'Spanish (es)', or 'default' for the file of the default language."""
        return language_label(self.lang) if self.lang else "default"


def parse_name(name: str) -> Result[TemplateFile]:
    """What a template name means, or why it is not one (with the form a name takes)."""
    found = _NAME.match(name.removesuffix(".j2"))
    if found is None:
        return Result.failure(
            f"{name!r} is not a reply template name: use KIND[.TONE][.PLATFORM][.LANG], e.g."
            f" apology.es or apology.formal.x; kinds: {', '.join(REPLY_KINDS)};"
            f" tones: {', '.join(TONES)}; LANG a two-letter code"
        )
    parts = found.groupdict()
    return Result.success(
        TemplateFile(
            name.removesuffix(".j2"), parts["kind"], parts["tone"] or "warm",
            parts["platform"] or "", parts["lang"] or "",
        )
    )  # fmt: skip


def list_files(folder: Path) -> list[TemplateFile]:
    """The reply template files in `folder`/replies with a valid name, by kind then name."""
    found = [parse_name(p.name).value for p in (folder / "replies").glob("*.j2")]
    return sorted((f for f in found if f is not None), key=lambda f: (f.kind, f.name))


def sample_variables(platform: str, delivery: str = "public", brand: str = "Kettlebird") -> dict:
    """Values a template is previewed and checked with (every variable set)."""
    return make_variables(
        customer="pat", brand=brand, category="late_delivery", signature=f"— {brand} Care",
        staff="Sam", offer="a full refund", case_id=42, platform=platform,
        post_url="https://example.com/p/1", solution="we sent a new kettle", delivery=delivery,
    )  # fmt: skip


def check_source(source: str) -> Result[str]:
    """Whether `source` renders in the sandbox on each checked platform (the first error)."""
    for platform in CHECK_PLATFORMS:
        rendered = render_source(source, sample_variables(platform))
        if not rendered.ok:
            return Result.failure(f"on {platform}: {rendered.error}")
    return Result.success(source)


def write_file(folder: Path, name: str, source: str) -> Result[Path]:
    """Check and write a template atomically (a temporary file renamed over the old one)."""
    parsed = parse_name(name)
    if not parsed.ok or parsed.value is None:
        return Result.failure(parsed.error)
    checked = check_source(source)
    if not checked.ok:
        return Result.failure(checked.error)
    target = folder / "replies" / f"{parsed.value.name}.j2"
    text = source.replace("\r\n", "\n")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".edit-", suffix=".j2")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text if text.endswith("\n") else text + "\n")
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        return Result.failure(f"could not write {target}: {exc}")
    return Result.success(target)
