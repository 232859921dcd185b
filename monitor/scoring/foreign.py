"""Complaint evidence in a post that is not in English: lexicon phrases and language-free cues.

VADER and the English cue tables read English only, so a Spanish "nunca llegó" scored as
neutral. This pass reads the post's own language's complaint lexicon (data files in
`monitor/lexicons/<lang>.toml`, extended by a brand's folder: see that folder's README) and
the cues that need no language: angry or crying emoji, "!!!", the brand's handle with a
question, an order number. Pure: `Lexicons` are built from text by `load_lexicons` (the one
function here that reads files) and then only matched.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parent.parent / "lexicons"
TIERS = ("not", "strong", "weak", "danger")  # `not` is tried first: its words do not count
POINTS = {"strong": 2, "weak": 1, "danger": 2}
WEAK_CAP = 2  # weak phrases count at most this many points together
COMPLAINT_POINTS = 2
SUBSTRING_LANGUAGES = frozenset({"ja", "zh", "th"})  # no spaces between words
ENGLISH = frozenset({"en", "und", ""})  # judged by the English rules alone

ANGRY_EMOJI = "😡😠🤬😤😢😭😞😩😫😖😣💢👎🙄😒"
HAPPY_EMOJI = "😍😊👍🥰😀😃😄😁🙌👏💯🎉✨😋🤩❤♥💕💖"
_ANGRY = re.compile(f"[{ANGRY_EMOJI}]")
_HAPPY = re.compile(f"[{HAPPY_EMOJI}]")
_SHOUT = re.compile(r"[!！]{3,}|[?？¿][!！]|[!！][?？]")
_QUESTION = re.compile(r"[?？¿]")
_ORDER = re.compile(r"(?<!\w)(?:#\s?\d{5,}|[a-z]{1,4}-\d{4,}|\d{7,})(?!\w)", re.IGNORECASE)


class LexiconError(ValueError):
    """A lexicon file that cannot be read, naming the file and the key."""


@dataclass(frozen=True, slots=True)
class Lexicon:
    """One language's phrases, folded, with the compiled matcher."""

    lang: str
    tier: dict[str, str]  # folded phrase (without "*") -> tier
    shown: dict[str, str]  # folded phrase -> the phrase as written (for reasons)
    prefixes: frozenset[str]  # folded phrases that matched with "*" (any ending)
    pattern: re.Pattern[str] | None

    def find(self, folded: str) -> list[tuple[str, str]]:
        """(tier, phrase as written) for each phrase in folded text, left to right."""
        if self.pattern is None:
            return []
        found = []
        for match in self.pattern.finditer(folded):
            key = match.group()
            if key not in self.tier:  # a "*" phrase with an ending: its longest stem
                key = max((p for p in self.prefixes if key.startswith(p)), key=len)
            found.append((self.tier[key], self.shown[key]))
        return found


Lexicons = dict[str, Lexicon]


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the pass found in one post, and whether it adds up to a complaint."""

    complaint: bool
    danger: tuple[str, ...]
    reasons: tuple[str, ...]


def fold(text: str, lang: str) -> str:
    """Lower case without accents ("Llegó" -> "llego"; ß -> ss); Japanese only NFKC."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'")
    if lang in SUBSTRING_LANGUAGES:
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def build(lang: str, tables: list[tuple[str, dict]]) -> Lexicon:
    """A Lexicon from parsed TOML tables ((file name, table) each, later ones added; a later
    file's tier for a phrase overrides an earlier one's)."""
    tier: dict[str, str] = {}
    shown: dict[str, str] = {}
    prefixes: set[str] = set()
    for name, table in tables:
        # Within one file the first tier of a phrase holds; a later file (a brand's) overrides
        # the tier of a phrase an earlier one has ("retraso" moved to `not`).
        mine: dict[str, str] = {}
        for key, phrases in table.items():
            if key not in TIERS:
                raise LexiconError(f"{name}: unknown key {key!r} (expected one of {TIERS})")
            if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
                raise LexiconError(f"{name}: {key!r} must be a list of phrases")
            for phrase in phrases:
                folded = fold(phrase.strip(), lang)
                if folded.endswith("*"):
                    folded = folded[:-1]
                    prefixes.add(folded)
                if folded:
                    mine.setdefault(folded, key)
                    shown.setdefault(folded, phrase.strip().rstrip("*"))
        tier.update(mine)
    return Lexicon(lang, tier, shown, frozenset(prefixes), _compile(lang, tier, prefixes))


def _compile(lang: str, tier: dict[str, str], prefixes: set[str]) -> re.Pattern[str] | None:
    if not tier:
        return None
    rank = {name: i for i, name in enumerate(TIERS)}
    # `not` phrases first, then the longest: at one position the first alternative wins.
    ordered = sorted(tier, key=lambda p: (rank[tier[p]], -len(p)))
    parts = [re.escape(p) + (r"\w*" if p in prefixes else "") for p in ordered]
    if lang in SUBSTRING_LANGUAGES:
        return re.compile("|".join(parts))
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LexiconError(f"{path}: {exc}") from exc


@lru_cache(maxsize=32)
def load_lexicons(extra_dir: str = "") -> Lexicons:
    """The shipped lexicons, each extended by `<extra_dir>/<lang>.toml` when there is one.

    A brand's folder may also add a language that ships none. Cached per folder: files are
    read once per process.
    """
    paths: dict[str, list[Path]] = {}
    for path in sorted(LEXICON_DIR.glob("*.toml")):
        paths.setdefault(path.stem, []).append(path)
    if extra_dir:
        folder = Path(extra_dir)
        if not folder.is_dir():
            raise LexiconError(f"{folder}: the brand's lexicon folder does not exist")
        for path in sorted(folder.glob("*.toml")):
            paths.setdefault(path.stem, []).append(path)
    return {lang: build(lang, [(str(p), _read(p)) for p in files]) for lang, files in paths.items()}


def _shipped_paths() -> dict[str, list[Path]]:
    paths: dict[str, list[Path]] = {}
    for path in sorted(LEXICON_DIR.glob("*.toml")):
        paths.setdefault(path.stem, []).append(path)
    return paths


@lru_cache(maxsize=32)
def load_brand_lexicons(files: tuple[tuple[str, tuple[str, ...]], ...]) -> Lexicons:
    """The shipped lexicons with a brand's own files added per language, in order.

    `files` is ((language, (path, ...)), ...), as `BrandSettings.lexicons` lists them; a
    language that ships none may be added. A file that is missing, not TOML or has an unknown
    key raises LexiconError naming it and the key. Cached: files are read once per process.
    """
    paths = _shipped_paths()
    for lang, extra in files:
        if not re.fullmatch(r"[a-z]{2,3}", lang):
            raise LexiconError(f"lexicons: {lang!r} is not a language code (es, de, pt-br: es)")
        for name in extra:
            path = Path(name)
            if not path.is_file():
                raise LexiconError(f"{path}: the brand's {lang} lexicon file does not exist")
            paths.setdefault(lang, []).append(path)
    return {lang: build(lang, [(str(p), _read(p)) for p in found]) for lang, found in paths.items()}


def brand_lexicons(files: dict[str, list[str]]) -> Lexicons | None:
    """A brand's lexicons from its `lexicons` setting; None (the shipped ones) when it has none."""
    if not files:
        return None
    return load_brand_lexicons(tuple((lang, tuple(found)) for lang, found in sorted(files.items())))


def _addressed_question(lower: str, handles: tuple[str, ...]) -> str:
    if not _QUESTION.search(lower):
        return ""
    for handle in handles:
        name = handle.strip().lstrip("@").lower()
        if name and re.search(rf"(?<![\w@])@{re.escape(name)}(?!\w)", lower):
            return "@" + name
    return ""


def evidence(
    text: str, lang: str, brand_handles: tuple[str, ...] = (), lexicons: Lexicons | None = None
) -> Evidence | None:
    """The complaint evidence of a post in `lang`; None for English or an unknown language.

    Points: a strong phrase 2 each, a weak one 1 (at most 2 together), a danger phrase 2;
    an angry emoji 1, "!!!" 1, the brand's handle with a question 1, an order number 1;
    a happy emoji 1 against. A complaint needs 2 points and at least one lexicon phrase, an
    angry emoji or "!!!": a polite question with an order number is a support request.
    """
    if lang in ENGLISH:
        return None
    lexicon = (lexicons if lexicons is not None else load_lexicons()).get(lang)
    found = lexicon.find(fold(text, lang)) if lexicon is not None else []
    points = weak = 0
    reasons: list[str] = []
    danger: list[str] = []
    for tier, phrase in found:
        if tier == "not":
            continue
        if tier == "weak":
            if weak >= WEAK_CAP:
                continue
            weak += 1
        if tier == "danger":
            danger.append(phrase)
        points += POINTS[tier]
        reasons.append(f"{lang} complaint lexicon: '{phrase}'")
    grievance = bool(reasons)
    lower = text.lower()
    angry = _ANGRY.search(text)
    if angry:
        points += 1
        grievance = True
        reasons.append(f"angry emoji {angry.group()}")
    shout = _SHOUT.search(text)
    if shout:
        points += 1
        grievance = True
        reasons.append(f"shouting '{shout.group()}'")
    handle = _addressed_question(lower, brand_handles)
    if handle:
        points += 1
        reasons.append(f"asks {handle} a question")
    order = _ORDER.search(text)
    if order:
        points += 1
        reasons.append(f"order number '{order.group()}'")
    if _HAPPY.search(text):
        points -= 1
    complaint = grievance and points >= COMPLAINT_POINTS
    if not complaint:
        return Evidence(False, (), ())
    return Evidence(True, tuple(dict.fromkeys(danger)), tuple(dict.fromkeys(reasons)))
