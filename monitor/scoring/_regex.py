"""Fast alternations (branches grouped by their possible first character), and which group a
phrase found by one came from.

Python's `re` tries the branches of an alternation one by one at every position, so a few
hundred cue phrases cost ~1 µs per word. Grouping the branches under a look-ahead on their first
character lets the engine skip almost all of them at once. Branches that share a first
character keep their order, so "earlier branch wins at the same position" still holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]

_DIGITS = frozenset("0123456789")


def classifier(groups: Iterable[tuple[str, Iterable[str]]], default: str) -> Callable[[str], str]:
    """A cached lookup: the name of the first group whose alternation matches a whole phrase.

    The shared scan finds phrases of many groups in one alternation; this tells which group a
    found phrase came from (`default` when none matches it whole).
    """
    compiled = tuple((name, re.compile("|".join(sources))) for name, sources in groups)

    @lru_cache(maxsize=4096)
    def name_of(phrase: str) -> str:
        for name, pattern in compiled:
            if pattern.fullmatch(phrase):
                return name
        return default

    return name_of


def _syntax(source: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """Index and character of each `(`, `)` and `|` from `start` that is regex syntax.

    Escaped characters and the insides of character classes are skipped.
    """
    escaped = in_class = False
    for i in range(start, len(source)):
        ch = source[i]
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()|":
            yield i, ch


def split_top(source: str) -> list[str]:
    """Split a regex source on its top-level `|` (not inside groups or classes)."""
    parts: list[str] = []
    depth = begin = 0
    for i, ch in _syntax(source):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0:
            parts.append(source[begin:i])
            begin = i + 1
    parts.append(source[begin:])
    return parts


def first_chars(branch: str) -> frozenset[str] | None:
    """The characters a match of `branch` can start with; None when that is not simple."""
    try:
        return _first(list(P.parse(branch)))
    except Exception:  # an unusual construct: the branch just goes in the slow bucket
        return None


def _first(items: list) -> frozenset[str] | None:
    out: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            out.add(chr(av))
            return frozenset(out)
        if op is C.IN:
            for sub_op, sub_av in av:
                if sub_op is C.LITERAL:
                    out.add(chr(sub_av))
                elif sub_op is C.RANGE:
                    out.update(chr(c) for c in range(sub_av[0], sub_av[1] + 1))
                elif sub_op is C.CATEGORY and sub_av is C.CATEGORY_DIGIT:
                    out |= _DIGITS
                else:
                    return None
            return frozenset(out)
        if op is C.CATEGORY and av is C.CATEGORY_DIGIT:
            return frozenset(out | _DIGITS)
        if op is C.SUBPATTERN:
            found = _first(list(av[-1]))
            if found is None:
                return None
            return frozenset(out | found)
        if op is C.BRANCH:
            for branch in av[1]:
                found = _first(list(branch))
                if found is None:
                    return None
                out |= found
            return frozenset(out)
        if op in (C.MAX_REPEAT, C.MIN_REPEAT):
            low, _high, sub = av
            found = _first(list(sub))
            if found is None:
                return None
            out |= found
            if low > 0:
                return frozenset(out)
            continue  # optional: the next item may come first too
        return None
    return None


def _group_end(source: str, start: int) -> int:
    """Index just past the `)` closing the group opened at `start`."""
    depth = 0
    for i, ch in _syntax(source, start):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    raise ValueError(f"unbalanced group in {source!r}")


def expand_prefix(branch: str, limit: int = 64) -> list[str]:
    """Distribute a leading `(?:a|b)` (or `(?:a)?`) over the rest, so each branch starts plainly."""
    if not branch.startswith("(?:"):
        return [branch]
    end = _group_end(branch, 0)
    inner, rest = branch[3 : end - 1], branch[end:]
    optional = rest.startswith("?") and not rest.startswith("??")
    if optional:
        rest = rest[1:]
    elif rest[:1] in ("*", "+", "{"):
        return [branch]
    out: list[str] = []
    for alt in split_top(inner):
        out.extend(expand_prefix(alt + rest, limit))
    if optional:
        out.extend(expand_prefix(rest, limit))
    return out if len(out) <= limit else [branch]


def grouped_alternation(branches: list[str]) -> str:
    """One regex source matching any branch, grouped by a literal first character, order kept.

    `re` skips an alternative whose first op is a literal that does not match in one cheap
    step, so `a(?:...)|b(?:...)|...` costs a few dozen such steps per position instead of a few
    hundred full attempts.
    """
    expanded = [b for source in branches for top in split_top(source) for b in expand_prefix(top)]
    return "(?:" + _bucket(expanded, depth=2, top=True) + ")"


def _literal_head(branch: str) -> bool:
    head = branch[:1]
    return (
        bool(head)
        and (head.isalnum() or head in "#/'@ ")
        and branch[1:2] not in ("?", "*", "+", "{")
    )


def _bucket(branches: list[str], depth: int, top: bool = False) -> str:
    # Below the top level, sub-group only when every branch starts with a literal, so that
    # "earlier branch wins" holds exactly; at the top, the few other branches go last.
    slow = [b for b in branches if not _literal_head(b)]
    if depth == 0 or (slow and not top):
        return "|".join(branches)
    buckets: dict[str, list[str]] = {}
    for branch in branches:
        if _literal_head(branch):
            buckets.setdefault(branch[0], []).append(branch[1:])
    parts = []
    for ch, rests in buckets.items():
        inner = _bucket([e for r in rests for e in expand_prefix(r)], depth - 1)
        parts.append(f"{re.escape(ch)}(?:{inner})")
    return "|".join(parts + slow)
