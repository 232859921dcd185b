"""One tokenisation for every phrase pass: regex work only where a phrase can start.

Each pass (cues, who is addressed, urgency, spam, category) is a list of regex branches that
`re` would try at every character of the text. Almost every branch starts with a known word
("never arrived", "thanks? for nothing") or a known symbol ("#fail", "$5"), so the text is cut
into candidate tokens once, each distinct token is looked up once in a table (token -> for each
pass, a small regex of only the branches that can start with it), and a regex runs only at the
few positions whose token can start a phrase. The result is what `pattern.finditer` over the
full alternation would give: same positions, same winning branch, same non-overlap rule.
"""

from __future__ import annotations

import re
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from typing import NamedTuple

from monitor.scoring._regex import expand_prefix, grouped_alternation, split_top

_MAX_STATES = 256  # beyond this many spellings a branch start is treated as a prefix
_MEMO_LIMIT = 200_000  # distinct tokens remembered before the memo starts over


class Heads(NamedTuple):
    """What the first token of a branch's match can be."""

    exact: frozenset[str]  # the whole token is one of these
    prefixes: frozenset[str]  # the token starts with one of these
    anywhere: bool  # no idea: try the branch at every candidate position


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def branch_heads(branch: str) -> Heads:
    """The tokens a match of `branch` can start with, found from its parsed form.

    A token is a run of word characters, or one symbol when the match starts with a non-word
    character. The answer only ever over-approximates: an unusual construct widens it to a
    prefix, or to `anywhere`.
    """
    try:
        items = list(P.parse(branch))
    except Exception:  # an unusual construct: try this branch everywhere
        return Heads(frozenset(), frozenset(), True)
    states = _walk(items, {("", "cont")})
    exact: set[str] = set()
    prefixes: set[str] = set()
    for text, status in states:
        if not text:
            return Heads(frozenset(), frozenset(), True)
        (prefixes if status == "open" else exact).add(text)
    return Heads(frozenset(exact), frozenset(prefixes), False)


def _walk(items: list, states: set[tuple[str, str]]) -> set[tuple[str, str]]:
    for op, av in items:
        if all(status != "cont" for _, status in states):
            return states
        states = _step(op, av, states)
    return states


def _add_char(states: set[tuple[str, str]], chars: list[str]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for text, status in states:
        if status != "cont":
            out.add((text, status))
            continue
        for ch in chars:
            if _is_word(ch):
                out.add((text + ch, "cont"))
            elif text:
                out.add((text, "done"))  # a non-word character ends the token
            else:
                out.add((ch, "done"))  # a match starting on a symbol: the symbol is the token
    if len(out) > _MAX_STATES:
        return _open(out)
    return out


def _open(states: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Stop spelling out: every unfinished token becomes a prefix."""
    return {(text, "open" if status == "cont" else status) for text, status in states}


def _class_chars(av: list) -> list[str] | None:
    chars: list[str] = []
    for op, arg in av:
        if op is C.LITERAL:
            chars.append(chr(arg))
        elif op is C.RANGE and arg[1] - arg[0] < 64:
            chars.extend(chr(c) for c in range(arg[0], arg[1] + 1))
        elif op is C.CATEGORY and arg is C.CATEGORY_DIGIT:
            chars.extend("0123456789")
        else:
            return None
    return chars


def _step(op, av, states: set[tuple[str, str]]) -> set[tuple[str, str]]:
    if op is C.LITERAL:
        return _add_char(states, [chr(av)])
    if op is C.IN:
        chars = _class_chars(av)
        return _open(states) if chars is None or len(chars) > 64 else _add_char(states, chars)
    if op is C.CATEGORY and av is C.CATEGORY_DIGIT:
        return _add_char(states, list("0123456789"))
    if op is C.SUBPATTERN:
        return _walk(list(av[-1]), states)
    if op is C.BRANCH:
        out: set[tuple[str, str]] = set()
        for alternative in av[1]:
            out |= _walk(list(alternative), states)
        return out
    if op in (C.MAX_REPEAT, C.MIN_REPEAT):
        low, high, sub = av
        sub_items = list(sub)
        if high > 4:  # a long or open repeat: spell the required part, then stop
            current = states
            for _ in range(low):
                current = _walk(sub_items, current)
            if low == 0:
                current = current | _walk(sub_items, current)
            return _open(current)
        out = set()
        current = states
        for count in range(high + 1):
            if count >= low:
                out |= current
            if count < high:
                current = _walk(sub_items, current)
        return out
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return states  # assertions consume nothing; ignoring them only widens the answer
    return _open(states)


class Pass(NamedTuple):
    """One family of phrases: its regex sources and the characters it may not follow."""

    name: str
    sources: tuple[str, ...]
    not_after: str  # besides word characters, e.g. "#@/"


class PhraseScanner:
    """Several phrase passes over lower-cased text, sharing one tokenisation."""

    def __init__(self, passes: list[Pass]) -> None:
        self.names = tuple(p.name for p in passes)
        self._not_after = tuple(frozenset(p.not_after) for p in passes)
        # Every pass's branches, expanded as `grouped_alternation` expands them (same order).
        self._branches = [
            [b for source in p.sources for top in split_top(source) for b in expand_prefix(top)]
            for p in passes
        ]
        self._exact: list[dict[str, list[int]]] = []
        self._prefix: list[dict[str, list[int]]] = []
        self._anywhere: list[list[int]] = []
        symbols: set[str] = set()
        for branches in self._branches:
            exact: dict[str, list[int]] = {}
            prefix: dict[str, list[int]] = {}
            anywhere: list[int] = []
            for i, branch in enumerate(branches):
                heads = branch_heads(branch)
                if heads.anywhere:
                    anywhere.append(i)
                for token in heads.exact:
                    exact.setdefault(token, []).append(i)
                    if not _is_word(token[0]):
                        symbols.add(token)
                for start in heads.prefixes:
                    prefix.setdefault(start, []).append(i)
            self._exact.append(exact)
            self._prefix.append(prefix)
            self._anywhere.append(anywhere)
        # The lengths the prefixes come in: a new token is cut only at those.
        self._prefix_sizes = [sorted({len(start) for start in p}) for p in self._prefix]
        if any(self._anywhere):
            # Some branch may start anywhere: every position after a boundary is a candidate.
            token_source = r"\w+|[^\w\s]|\s"
        else:
            token_source = r"\w+" + (f"|[{re.escape(''.join(sorted(symbols)))}]" if symbols else "")
        shared = set.intersection(*(set(p.not_after) for p in passes)) if passes else set()
        behind = "".join(sorted(shared))
        self._token_re = re.compile(
            rf"(?<![\w{re.escape(behind)}])(?:{token_source})"
            if behind
            else rf"(?<!\w)(?:{token_source})"
        )
        self._memo: dict[str, tuple[re.Pattern[str] | None, ...] | None] = {}
        self._compiled: dict[tuple[int, tuple[int, ...]], re.Pattern[str]] = {}

    def _entry(self, token: str) -> tuple[re.Pattern[str] | None, ...] | None:
        """For each pass, the regex of the branches that can start with `token` (or None)."""
        entry: list[re.Pattern[str] | None] = []
        length = len(token)
        for k in range(len(self._branches)):
            picked = set(self._exact[k].get(token, ()))
            prefix = self._prefix[k]
            for size in self._prefix_sizes[k]:
                if size > length:
                    break
                found = prefix.get(token[:size])
                if found:
                    picked.update(found)
            picked.update(self._anywhere[k])
            entry.append(self._pattern(k, tuple(sorted(picked))) if picked else None)
        return tuple(entry) if any(p is not None for p in entry) else None

    def _pattern(self, k: int, picked: tuple[int, ...]) -> re.Pattern[str]:
        key = (k, picked)
        pattern = self._compiled.get(key)
        if pattern is None:
            branches = [self._branches[k][i] for i in picked]
            # The boundary before is already checked by the tokeniser; the one after is not.
            pattern = re.compile(grouped_alternation(branches) + r"(?!\w)")
            self._compiled[key] = pattern
        return pattern

    def hits(self, lower: str) -> list[tuple[int, tuple[re.Pattern[str] | None, ...]]]:
        """(position, per-pass regexes) for every token of `lower` that can start a phrase."""
        memo = self._memo
        out = []
        for match in self._token_re.finditer(lower):
            token = match[0]
            try:
                entry = memo[token]
            except KeyError:
                if len(memo) >= _MEMO_LIMIT:
                    memo.clear()
                entry = memo[token] = self._entry(token)
            if entry is not None:
                out.append((match.start(), entry))
        return out

    def matches(
        self,
        lower: str,
        hits: list[tuple[int, tuple[re.Pattern[str] | None, ...]]],
        k: int,
        first_only: bool = False,
    ) -> list[str]:
        """The phrases of pass `k`, exactly as `finditer` of its full alternation finds them."""
        out: list[str] = []
        end = 0
        not_after = self._not_after[k]
        for pos, entry in hits:
            pattern = entry[k]
            if pattern is None or pos < end:
                continue
            if pos and lower[pos - 1] in not_after:
                continue
            match = pattern.match(lower, pos)
            if match is not None:
                out.append(match[0])
                if first_only:
                    break
                end = match.end()
        return out
