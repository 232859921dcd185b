"""The seeded generator: authors, post texts with their fill-ins, and engagement numbers."""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta
from typing import Any

from .details import (
    AGENTS,
    BEANS,
    DAYS,
    EMOJI,
    FIRST,
    MASTODON_INSTANCES,
    MODELS,
    SPAM_NAMES,
    WORDS,
)
from .plan import SEED
from .posts import (
    MILD,
    MILD_CLOSE,
    MILD_OPEN,
    PRAISE,
    PRAISE_CLOSE,
    PRAISE_OPEN,
    QUESTION,
    QUESTION_CLOSE,
    QUESTION_OPEN,
    SARCASM,
    SEVERE,
    SEVERE_CLOSE,
)
from .posts_extra import BURST, FOREIGN, NOISE, PUB, SPAM

DIURNAL = [3, 2, 2, 2, 2, 3, 5, 8, 10, 10, 9, 9, 9, 9, 10, 10, 10, 10, 11, 12, 12, 10, 7, 5]
BRAND_RE = re.compile(r"kettle ?bird", re.IGNORECASE)
HANDLE_RE = re.compile(r"@kettlebird(help)?\b", re.IGNORECASE)


class Gen:
    """Everything random goes through one seeded generator, in a fixed order."""

    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)
        self.authors: dict[str, list[dict[str, Any]]] = {}
        self.used_text: set[str] = set()
        self.used_ids: set[tuple[str, str]] = set()

    # -- small helpers ------------------------------------------------------------------------

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def weighted(self, weights: dict[str, int]) -> str:
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def b32(self, n: int) -> str:
        return "".join(self.pick("abcdefghijklmnopqrstuvwxyz234567") for _ in range(n))

    def b36(self, n: int) -> str:
        return "".join(self.pick("0123456789abcdefghijklmnopqrstuvwxyz") for _ in range(n))

    def time_between(self, lo: datetime, hi: datetime) -> datetime:
        """A time in [lo, hi), busier in the afternoon and evening (UTC)."""
        span = int((hi - lo).total_seconds())
        while True:
            t = lo + timedelta(seconds=self.rng.randrange(span))
            if self.rng.random() * 12 < DIURNAL[t.hour]:
                return t

    # -- authors ------------------------------------------------------------------------------

    def new_author(self, platform: str, spam: bool = False) -> dict[str, Any]:
        rng = self.rng
        first, word = self.pick(FIRST), self.pick(WORDS)
        if spam:
            handle = self.pick(SPAM_NAMES).replace(".", "_") + str(rng.randrange(10, 999))
            if platform == "mastodon":
                handle += "@" + self.pick(MASTODON_INSTANCES)
            elif platform == "bluesky":
                handle += ".bsky.example"
        elif platform == "x":
            handle = self.pick(
                [
                    f"{first}{word}",
                    f"{first}_{word}{rng.randrange(1, 99)}",
                    f"{first}{rng.randrange(1980, 2006)}",
                    f"the{word}{first}",
                ]
            )
        elif platform == "reddit":
            handle = self.pick(
                [
                    f"{word.capitalize()}{first.capitalize()}{rng.randrange(1, 9999)}",
                    f"throwaway_{word}{rng.randrange(10, 999)}",
                    f"{first}_{word}",
                    f"Sorry{word.capitalize()}{rng.randrange(100, 9999)}",
                ]
            )
        elif platform == "mastodon":
            handle = f"{first}{self.pick(['', '_', '.'])}{word}@{self.pick(MASTODON_INSTANCES)}"
        elif platform == "bluesky":
            handle = f"{first}{word}.bsky.example"
        else:  # hackernews
            handle = self.pick(
                [f"{word}{first}", f"{first}{rng.randrange(1, 999)}", f"{word}_{word}z"]
            )
        if platform == "x":
            followers = int(min(rng.lognormvariate(5.3, 1.7), 2_000_000))
            author_id = str(
                rng.randrange(10**7, 10**9)
                if rng.random() < 0.4
                else rng.randrange(10**17, 2 * 10**18)
            )
        elif platform == "bluesky":
            followers = int(rng.lognormvariate(4.5, 1.4))
            author_id = "did:plc:" + self.b32(24)
        elif platform == "mastodon":
            followers = int(rng.lognormvariate(4.8, 1.2))
            author_id = str(rng.randrange(10**17, 2 * 10**17))
        elif platform == "reddit":
            followers = int(rng.lognormvariate(0.8, 1.5))
            author_id = "t2_" + self.b36(rng.choice([6, 8]))
        else:
            followers = 0
            author_id = handle
        if spam:
            followers = rng.choice([rng.randrange(0, 40), rng.randrange(3000, 40000)])
        return {
            "platform": platform,
            "handle": handle,
            "author_id": author_id,
            "followers": followers,
        }

    def author(self, platform: str, kind: str) -> dict[str, Any]:
        """Reuse an earlier author now and then, so some people post more than once."""
        pool = self.authors.setdefault(platform + ("/spam" if kind == "spam" else ""), [])
        reuse = 0.45 if kind == "spam" else 0.14
        if pool and self.rng.random() < reuse:
            # Earlier-known authors are likelier to come back.
            i = min(int(self.rng.expovariate(1 / 4)), len(pool) - 1)
            return pool[i]
        a = self.new_author(platform, spam=kind == "spam")
        pool.append(a)
        return a

    # -- text ---------------------------------------------------------------------------------

    def fill(self, template: str, platform: str) -> str:
        rng = self.rng
        out = template
        while "{b}" in out:
            if platform == "x":
                form = self.weighted(
                    {"@kettlebird": 40, "Kettlebird": 42, "kettlebird": 12, "kettle bird": 6}
                )
            else:
                form = self.weighted(
                    {"Kettlebird": 78, "kettlebird": 14, "kettle bird": 5, "KettleBird": 3}
                )
            out = out.replace("{b}", form, 1)
        while "{c}" in out:
            if platform == "x":
                form = self.weighted(
                    {"Kettlebird Coffee": 60, "@kettlebird": 25, "kettlebird coffee": 15}
                )
            else:
                form = self.weighted({"Kettlebird Coffee": 80, "kettlebird coffee": 20})
            out = out.replace("{c}", form, 1)
        if out.startswith("{h}") and platform != "x":
            out = "@kettlebirdhelp" + out[3:]
        while "{h}" in out:
            if platform == "x":
                form = self.weighted({"@kettlebirdhelp": 80, "@kettlebird": 20})
            else:
                share = 40 if platform in ("bluesky", "mastodon") else 10
                form = self.weighted({"Kettlebird support": 100 - share, "@kettlebirdhelp": share})
            out = out.replace("{h}", form, 1)
        subs = {
            "{m}": lambda: self.pick(MODELS),
            "{bean}": lambda: self.pick(BEANS),
            "{day}": lambda: self.pick(DAYS),
            "{name}": lambda: self.pick(AGENTS),
            "{order}": lambda: self.pick(
                [f"KB-{rng.randrange(100000, 999999)}", f"#{rng.randrange(1000000, 9999999)}"]
            ),
            "{n}": lambda: str(self.pick([50, 100, 200, 500, 1000])),
            "{pct}": lambda: str(self.pick([70, 80, 90, 95])),
            "{cash}": lambda: f"{rng.randrange(2, 9)},{rng.randrange(0, 9)}00",
        }
        for key, make in subs.items():
            while key in out:
                out = out.replace(key, make(), 1)
        return out

    def compose(self, kind: str, platform: str) -> tuple[str, str]:
        """One post of `kind`, as (lang, text)."""
        rng = self.rng
        lang = "en"
        if kind == "praise":
            parts = [self.pick(PRAISE_OPEN), self.pick(PRAISE), self.pick(PRAISE_CLOSE)]
        elif kind == "question":
            parts = [self.pick(QUESTION_OPEN), self.pick(QUESTION), self.pick(QUESTION_CLOSE)]
        elif kind == "mild":
            parts = [self.pick(MILD_OPEN), self.pick(MILD), self.pick(MILD_CLOSE)]
        elif kind == "severe":
            parts = ["", self.pick(SEVERE), self.pick(SEVERE_CLOSE)]
        elif kind == "sarcasm":
            parts = ["", self.pick(SARCASM), ""]
        elif kind == "spam":
            parts = ["", self.pick(SPAM), ""]
        elif kind == "foreign":
            lang, body = self.pick(FOREIGN)
            parts = ["", body, ""]
        elif kind == "pub":
            parts = ["", self.pick(PUB), ""]
        elif kind == "noise":
            parts = ["", self.pick(NOISE), ""]
        elif kind == "burst":
            parts = ["", self.pick(BURST), self.pick(["", "", "", "not ok", "???", "help"])]
        else:
            raise ValueError(kind)
        open_, body, close = parts
        # Articles and HN comments: no chatty openers, closers or emoji.
        if platform in ("rss", "hackernews"):
            open_ = close = ""
        if open_ and body[:1].islower() and open_.endswith((".", "?", "!")):
            body = body[0].upper() + body[1:]
        text = " ".join(p for p in (open_, body) if p)
        if close:
            if not close[0].isalnum() or text.endswith(("?", "!", ".")):
                text += " " + close
            else:
                text += self.pick([". ", " - ", ", "]) + close
        if (
            kind in EMOJI
            and platform not in ("rss", "hackernews")
            and (not close or close[0].isalnum())
            and rng.random() < 0.35
        ):
            text += " " + self.pick(EMOJI[kind])
        chatty = kind in ("praise", "question", "mild", "severe", "sarcasm")
        if (
            chatty
            and platform in ("x", "bluesky", "mastodon")
            and rng.random() < (0.25 if platform == "mastodon" else 0.1)
        ):
            text += self.pick(
                [" #kettlebird", " #Kettlebird", " #kettlebird #coffee", " #tea #kettlebird"]
            )
        text = self.fill(text, platform)
        if kind not in ("pub", "noise") and not BRAND_RE.search(text):
            # A post that only names a model: say whose it is, as people do.
            if platform == "x" and rng.random() < 0.6:
                text = self.pick(["@kettlebird ", "@kettlebirdhelp "]) + text
            else:
                text += self.pick(
                    [" (Kettlebird)", " #kettlebird", " — Kettlebird", " @kettlebird"]
                )
        return lang, text

    def unique_text(self, kind: str, platform: str) -> tuple[str, str]:
        for _ in range(200):
            lang, text = self.compose(kind, platform)
            if text not in self.used_text:
                self.used_text.add(text)
                return lang, text
        raise RuntimeError(f"ran out of distinct {kind} texts")

    # -- engagement ---------------------------------------------------------------------------

    def engagement(
        self, platform: str, followers: int, kind: str, is_post: bool
    ) -> tuple[int, int, int]:
        rng = self.rng
        if platform == "rss" or (platform == "hackernews" and not is_post):
            return 0, (rng.randrange(0, 6) if platform == "hackernews" else 0), 0
        boost = {
            "severe": 3.0,
            "burst": 2.0,
            "sarcasm": 1.6,
            "spam": 0.15,
            "pub": 0.6,
            "noise": 0.7,
        }.get(kind, 1.0)
        if platform == "reddit":
            likes = int(rng.lognormvariate(1.2, 1.3) * boost * (3 if is_post else 1))
            replies = int(likes * rng.uniform(0.1, 0.6)) + (rng.randrange(0, 8) if is_post else 0)
            return likes, replies, 0
        if platform == "hackernews":
            likes = int(rng.lognormvariate(1.4, 1.5) * boost) + 1
            return likes, int(likes * rng.uniform(0.2, 0.9)), 0
        likes = int(rng.lognormvariate(0, 1.3) * (max(followers, 1) ** 0.5) * 0.2 * boost)
        replies = int(likes * rng.uniform(0.03, 0.35)) + (1 if rng.random() < 0.2 else 0)
        reposts = int(likes * rng.uniform(0.0, 0.3))
        return likes, replies, reposts
