"""A template as staff see it: the rendered text, with each variable's value kept as a chip.

Staff edit words, not Jinja. `render_segments` renders a template with its variables marked, so
the result is a list of text pieces and chips ({handle} = "@pat"); the editor shows the text to
edit and the chips to inspect or remove. `segments_to_source` turns the edited pieces back into
a template (text with every `{` escaped, a chip as `{{ name }}`), which the server renders in
the sandbox like any other, so the draft still follows the case's values and the length rules.
The page's script (static/editor.js) writes the same source from the same pieces.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from responders.replies.drafting import render_source
from responders.results import Result

# What each variable holds, for the chip's "inspect" line (templates/README.md lists them too).
MEANINGS = {
    "handle": "the customer's handle, with one @",
    "customer": "the customer's name as the platform gave it",
    "brand": "your brand",
    "category": "what the complaint is about",
    "signature": "the brand's signature",
    "staff": "who writes the reply (you)",
    "offer": "the compensation offered",
    "solution": "what was done to fix it",
    "case_id": "the case number",
    "post_url": "the link to the customer's post",
    "platform": "where the post was made",
    "delivery": "how the reply is delivered (public, dm or manual)",
}
# Control characters a post's text cannot carry into a value (they are stripped from values).
_OPEN, _SEP, _CLOSE = "\x02", "\x1f", "\x03"
_MARK = re.compile(f"{_OPEN}(\\w+){_SEP}(.*?){_CLOSE}", re.S)
_CONTROL = re.compile(f"[{_OPEN}{_SEP}{_CLOSE}]")


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a rendered reply: plain text (`name` empty) or a variable's value (a chip)."""

    text: str
    name: str = ""

    def as_dict(self) -> dict[str, str]:
        """The piece as JSON for the page's script, with the chip's meaning."""
        out = asdict(self)
        if self.name:
            out["meaning"] = MEANINGS.get(self.name, "")
        return out


class _Marked(str):
    """A string variable that renders as its value between markers, and compares as the value.

    Jinja writes `{{ x }}` as `str(x)`: the override marks it there, while tests such as
    `platform == "x"` and `{% if signature %}` see the plain value. A filter (`| upper`)
    returns a plain string, so a filtered value becomes text, not a chip.
    """

    __slots__ = ("_name",)

    def __new__(cls, value: str, name: str) -> _Marked:
        made = super().__new__(cls, value)
        made._name = name
        return made

    def __str__(self) -> str:
        return f"{_OPEN}{self._name}{_SEP}{str.__str__(self)}{_CLOSE}"


def render_segments(source: str, variables: dict[str, Any]) -> Result[list[Segment]]:
    """Render `source` with `variables` as text pieces and chips (empty values make no chip)."""
    marked = {
        name: _Marked(_CONTROL.sub("", value), name) if isinstance(value, str) and value else value
        for name, value in variables.items()
    }
    rendered = render_source(source, marked)
    if not rendered.ok or rendered.value is None:
        return Result.failure(rendered.error)
    return Result.success(split_marked(rendered.value))


def split_marked(text: str) -> list[Segment]:
    """Cut marked text into pieces: text between markers, and a chip for each marked value."""
    pieces: list[Segment] = []
    at = 0
    for found in _MARK.finditer(text):
        if found.start() > at:
            pieces.append(Segment(text[at : found.start()]))
        pieces.append(Segment(found.group(2), found.group(1)))
        at = found.end()
    if at < len(text):
        pieces.append(Segment(text[at:]))
    return pieces


def escape_text(text: str) -> str:
    """Staff's own words as template text: every `{` is written so Jinja prints it as it is."""
    return text.replace("{", "{{ '{' }}")


def segments_to_source(segments: list[Segment]) -> str:
    """The template that renders to these pieces: text escaped, each chip as `{{ name }}`."""
    return "".join(f"{{{{ {s.name} }}}}" if s.name else escape_text(s.text) for s in segments)


def plain_text(segments: list[Segment]) -> str:
    """The pieces as the customer reads them (each chip its value)."""
    return "".join(s.text for s in segments)
