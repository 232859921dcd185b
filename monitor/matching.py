"""Brand matching, pure: does a post mention the brand, and by which term?

A `BrandRule` lists keywords, aliases, handles (@acme), hashtags (#acme), exclusions, and
boolean queries such as `acme AND (refund OR "never arrived") NOT job`. Matching is
case-insensitive and word-boundary aware: "acme" matches "Acme's" and "#acme" but not
"acmeology". Every rule compiles once into a `BrandMatcher` with precompiled regexes.

Query syntax: terms are words (`acme`, `@acme`, `#acme`, `acme.com`) or "quoted phrases";
`AND`, `OR`, `NOT` (upper case, or `&&`, `||`, `-term`), parentheses; two terms side by side
mean AND. NOT binds tightest, then AND, then OR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union


class QueryError(ValueError):
    """A query that cannot be parsed; the message names the position (1-based column)."""


@dataclass(frozen=True)
class BrandRule:
    """How to recognise one brand in a post."""

    name: str
    keywords: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()
    queries: tuple[str, ...] = ()


def term_pattern(term: str) -> str:
    """Regex source for one term: whitespace-flexible, bounded so it is not inside a word.

    A handle `@acme` or hashtag `#acme` must not continue (`@acme_uk` is someone else); a
    plain word must not be glued to letters or digits on either side, but may be preceded by
    `@`/`#` and followed by an apostrophe ("Acme's").
    """
    words = term.strip().split()
    if not words:
        raise ValueError("empty term")
    body = r"\s+".join(re.escape(w) for w in words)
    first = words[0][0]
    if first in "@#":
        return rf"(?<![\w@#]){body}(?![\w])"
    return rf"(?<![\w]){body}(?![\w])"


# --- queries -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A keyword or quoted phrase that must occur in the text."""

    text: str


@dataclass(frozen=True)
class Not:
    """True when its operand does not match."""

    operand: Node


@dataclass(frozen=True)
class And:
    """True when every operand matches."""

    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """True when any operand matches."""

    operands: tuple[Node, ...]


Node = Union[Term, Not, And, Or]  # noqa: UP007 (a runtime alias used in annotations above)

_TOKEN = re.compile(
    r'\s*(?:(?P<lp>\()|(?P<rp>\))|"(?P<phrase>[^"]*)"|(?P<quote>")|(?P<and>&&)|(?P<or>\|\|)'
    r'|(?P<minus>-)(?=[^\s()])|(?P<word>[^\s()"]+))'
)


def _tokens(query: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(query):
        if query[pos:].strip() == "":
            break
        m = _TOKEN.match(query, pos)
        if m is None:  # pragma: no cover - every non-space character starts some token
            raise QueryError(f"unexpected character at column {pos + 1}")
        kind = m.lastgroup or ""
        start = m.start(kind) + 1
        if kind == "quote":
            raise QueryError(f"unclosed quote at column {start}")
        if kind == "phrase":
            start -= 1  # the opening quote
            if not m.group("phrase").strip():
                raise QueryError(f"empty phrase at column {start}")
            out.append(("term", m.group("phrase"), start))
        elif kind == "word":
            word = m.group("word")
            upper = word.upper()
            if upper in ("AND", "OR", "NOT") and word == upper:
                out.append((upper.lower(), word, start))
            else:
                out.append(("term", word, start))
        elif kind == "minus":
            out.append(("not", "-", start))
        else:
            out.append((kind, m.group(kind), start))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokens(query)
        self.i = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def end_col(self) -> int:
        return len(self.query) + 1

    def parse(self) -> Node:
        if not self.tokens:
            raise QueryError("empty query at column 1")
        node = self.parse_or()
        tok = self.peek()
        if tok is not None:
            raise QueryError(f"unexpected {tok[1]!r} at column {tok[2]}")
        return node

    def parse_or(self) -> Node:
        parts = [self.parse_and()]
        while (tok := self.peek()) is not None and tok[0] == "or":
            self.i += 1
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def parse_and(self) -> Node:
        parts = [self.parse_not()]
        while (tok := self.peek()) is not None and tok[0] in ("and", "term", "not", "lp"):
            if tok[0] == "and":
                self.i += 1
            parts.append(self.parse_not())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def parse_not(self) -> Node:
        tok = self.peek()
        if tok is not None and tok[0] == "not":
            self.i += 1
            return Not(self.parse_not())
        return self.parse_atom()

    def parse_atom(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise QueryError(f"a term is missing at column {self.end_col()} (end of query)")
        kind, text, col = tok
        if kind == "term":
            self.i += 1
            return Term(text)
        if kind == "lp":
            self.i += 1
            node = self.parse_or()
            close = self.peek()
            if close is None or close[0] != "rp":
                where = close[2] if close else self.end_col()
                raise QueryError(f"')' expected at column {where} to close '(' at column {col}")
            self.i += 1
            return node
        raise QueryError(f"a term is expected at column {col}, found {text!r}")


def parse_query(query: str) -> Node:
    """Parse a boolean query into a tree of Term/Not/And/Or; QueryError on bad syntax."""
    return _Parser(query).parse()


def _terms(node: Node) -> list[str]:
    if isinstance(node, Term):
        return [node.text]
    if isinstance(node, Not):
        return _terms(node.operand)
    return [t for child in node.operands for t in _terms(child)]


def _positive_terms(node: Node, negated: bool = False) -> list[str]:
    if isinstance(node, Term):
        return [] if negated else [node.text]
    if isinstance(node, Not):
        return _positive_terms(node.operand, not negated)
    return [t for child in node.operands for t in _positive_terms(child, negated)]


# --- matchers ----------------------------------------------------------------------------


class _Query:
    __slots__ = ("positive", "source", "terms", "tree")

    def __init__(self, source: str) -> None:
        self.source = source
        self.tree = parse_query(source)
        self.terms = {
            t.lower(): re.compile(term_pattern(t), re.IGNORECASE) for t in _terms(self.tree)
        }
        self.positive = _positive_terms(self.tree)

    def evaluate(self, text: str) -> bool:
        seen: dict[str, bool] = {}

        def has(term: str) -> bool:
            key = term.lower()
            if key not in seen:
                seen[key] = self.terms[key].search(text) is not None
            return seen[key]

        def ev(node: Node) -> bool:
            if isinstance(node, Term):
                return has(node.text)
            if isinstance(node, Not):
                return not ev(node.operand)
            if isinstance(node, And):
                return all(ev(child) for child in node.operands)
            return any(ev(child) for child in node.operands)

        return ev(self.tree)

    def why(self, text: str) -> str:
        for term in self.positive:
            if self.terms[term.lower()].search(text):
                return term
        return self.source


class BrandMatcher:
    """A compiled BrandRule. `matches(text)` / `why(text)` are safe to call on every mention."""

    __slots__ = ("_exclude", "_labels", "_queries", "_terms", "name", "rule")

    def __init__(self, rule: BrandRule) -> None:
        self.rule = rule
        self.name = rule.name
        labels: list[str] = []
        sources: list[str] = []
        for term in (*rule.keywords, *rule.aliases):
            if term.strip():
                labels.append(term.strip())
                sources.append(term_pattern(term))
        for handle in rule.handles:
            h = handle.strip().lstrip("@")
            if h:
                labels.append("@" + h)
                sources.append(term_pattern("@" + h))
        for tag in rule.hashtags:
            t = tag.strip().lstrip("#")
            if t:
                labels.append("#" + t)
                sources.append(term_pattern("#" + t))
        self._labels = tuple(labels)
        self._terms = (
            re.compile("|".join(f"({s})" for s in sources), re.IGNORECASE) if sources else None
        )
        exclusions = [term_pattern(e) for e in rule.exclusions if e.strip()]
        self._exclude = re.compile("|".join(exclusions), re.IGNORECASE) if exclusions else None
        self._queries = tuple(_Query(q) for q in rule.queries if q.strip())

    def why(self, text: str) -> str | None:
        """The term (or query) that makes `text` match, or None when it does not match."""
        if self._exclude is not None and self._exclude.search(text):
            return None
        if self._terms is not None:
            m = self._terms.search(text)
            if m is not None:
                return self._labels[(m.lastindex or 1) - 1]
        for query in self._queries:
            if query.evaluate(text):
                return query.why(text)
        return None

    def matches(self, text: str) -> bool:
        """Whether `text` mentions the brand (and no exclusion applies)."""
        return self.why(text) is not None

    def __repr__(self) -> str:
        return f"BrandMatcher({self.name!r})"


def compile_brand(rule: BrandRule) -> BrandMatcher:
    """Compile a rule once (QueryError if one of its queries is malformed)."""
    return BrandMatcher(rule)


def match_brands(text: str, matchers: list[BrandMatcher] | tuple[BrandMatcher, ...]) -> list[str]:
    """The names of the brands `text` mentions, in the matchers' order."""
    return [m.name for m in matchers if m.matches(text)]
