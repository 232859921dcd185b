"""What a complaint is about: delivery, billing, product quality, customer service,
account/access, safety, or other. One pass over the words; the category with most hits wins, safety
whenever it appears at all (a burn or a data breach outranks a late parcel)."""

from __future__ import annotations

from monitor.scoring._regex import classifier

CATEGORIES = (
    "safety",
    "account/access",
    "billing",
    "delivery",
    "customer service",
    "product quality",
    "other",
)

_WORDS: dict[str, tuple[str, ...]] = {
    "safety": (
        r"injur(?:y|ies|ed)|hurt me|burn(?:s|ed|t)?|fire|caught fire|smoke|explod(?:e|ed|ing)|"
        r"exploding|electric shock|shocked me|recall(?:ed)?|unsafe|dangerous|hazard(?:ous)?|"
        r"poison(?:ing|ed)?|food poisoning|allerg(?:y|ic|ies)|hospital|ambulance|choking|"
        r"glass in|bleeding|sliced|cut my|sick after|vomit(?:ing)?|data breach|breach|leaked|"
        r"hacked|stolen identity|identity theft|sparked|sparking|sparks|"
        r"scald(?:ed|s|ing)?|scorch(?:ed|ing)?|scorch marks?|burning (?:smell|plastic)|melted|"
        r"melting|electric shock|got a shock|shocked me|electrocut\w+",
    ),
    "account/access": (
        r"log ?in|login|logged out|sign ?in|sign-in|signin|password|account|locked out|"
        r"2fa|two[- ]factor|verification|verify|verification code|otp|username|suspended|"
        r"banned|deactivated|reset link|access",
    ),
    "billing": (
        r"charged?|charges|charging|overcharged|refunds?|refunded|bill|billed|billing|invoice|"
        r"payments?|paid|pay|price|pricing|fees?|subscription|money|\$\d+|£\d+|€\d+|"
        r"credit card|debit|card|direct debit|cost|costs|expensive|discount|voucher|coupon|"
        r"promo code|cashback|tariff|receipt|fraud(?:ulent)?|scam(?:med)?",
    ),
    "delivery": (
        r"deliver(?:y|ies|ed)?|arrived?|shipping|shipped|shipment|ship|dispatch(?:ed)?|"
        r"package|parcel|courier|tracking|tracked|postage|postman|order(?:ed)?|"
        r"never came|collection|pick ?up|driver|flight|train|bus|delay(?:ed|s)?|late|"
        r"cancel+ed|luggage|baggage|bags?|stranded|connection|platform|journey|trip",
    ),
    "customer service": (
        r"customer (?:service|care|support)|support|service desk|helpline|call cent(?:er|re)|"
        r"on hold|hold music|no (?:response|reply|answer)|respond(?:ed)?|reply|replied|"
        r"email(?:ed)?|e-mail|dm|dms|chat|agent|staff|manager|rude|employee|advisor|representative|rep|"
        r"call(?:ed)? back|phoned|called|waiting|complaint|complain(?:ed)?|ignored|store|branch",
    ),
    "product quality": (
        r"broken|broke|faulty|defective|damaged|cracked|quality|stopped working|not working|"
        r"doesn'?t work|won'?t work|crash(?:es|ed|ing)?|bug(?:s|gy)?|glitch(?:es)?|errors?|"
        r"freez(?:es|ing)|battery|screen|update|app|software|firmware|printer|wifi|wi-fi|"
        r"internet|signal|outage|network|slow|stale|cold|undercooked|taste[sd]?|smells?|"
        r"size|fit|ripped|torn|leak(?:s|ing)?|fell apart|missing|wrong",
    ),
}

CATEGORY_SOURCES = tuple(p for v in _WORDS.values() for p in v)
_category_of = classifier(_WORDS.items(), "other")
_ORDER = {name: i for i, name in enumerate(CATEGORIES)}


def category_from(phrases: list[str]) -> tuple[str, str]:
    """(category, deciding word) from a text's category phrases in order of appearance."""
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    for phrase in phrases:
        name = _category_of(phrase)
        if name == "safety":
            return name, phrase
        counts[name] = counts.get(name, 0) + 1
        first.setdefault(name, phrase)
    if not counts:
        return "other", ""
    best = min(counts, key=lambda name: (-counts[name], _ORDER[name]))
    return best, first[best]
