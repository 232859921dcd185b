"""Harm phrases: data exposure, child and health safety, injury, fire, law, regulators, media,
mass outages. Each family has a severity floor; the shared scan finds them
(monitor.scoring.passes), and `assess` raises a post that is about a problem to the floor.

The false friends come first in the alternation so that, at the same or an earlier position,
"this kettle is fire", "no smoke" or "I'd sue for a kettle this good" are read whole and never
as harm; they are dropped from the answer (and from the urgency words, which share them).
"""

from __future__ import annotations

from typing import NamedTuple

from monitor.scoring._regex import classifier

# Slang, negation and hypotheticals that contain a harm word but report no harm.
FALSE_FRIENDS = (
    r"(?:is|was|are|were|so|pure|straight|absolute|absolutely|literally|lowkey|kinda) "
    r"(?:so |pure |straight |absolute |literally |lowkey )?fire(?! \w)|"
    r"(?:a |the )?fire (?:sale|deals?|emoji|playlist|track|beans|pick)",
    r"(?:no|without|zero|never) (?:any )?(?:smoke|sparks?|fire|burns?|leaks?|"
    r"fuss|drama|outages?|downtime)",
    r"(?:i'?d|i would|you'?d|would) (?:\w+ )?(?:sue|kill|die) for",
    r"(?:the )?press (?:of|the|a) (?:a )?(?:button|lid|switch)|"
    r"french press|in the news for (?:all )?the right reasons",
    r"(?:didn'?t|did not|doesn'?t|does not|never|won'?t) (?:catch fire|spark|melt|smoke|burn)",
)

# Each family: its name as staff read it in a reason, the floor, and its phrases.
DATA = (
    r"other (?:customers?|people|users)'?s? (?:order history|orders|details|data|addresses|"
    r"accounts?|names|info(?:rmation)?|card details|emails)",
    r"someone else'?s (?:order history|orders?|address|account|details|data|card|name|info)",
    r"(?:card|payment|bank|personal|customer|credit card) (?:details|data|info(?:rmation)?|"
    r"numbers?) (?:were |was |have been |has been |got |are |is )?(?:apparently )?(?:leaked|"
    r"exposed|stolen|compromised|for sale|published|shared)",
    r"data breach|data leak|leak(?:ed|ing) (?:customer|my|our|personal|card) (?:data|details|"
    r"info\w*)|(?:customer )?data is (?:apparently )?for sale|"
    r"sent my (?:full name|name|address|details|data|order history)[^.!?]{0,40} to "
    r"(?:a stranger|someone else|the wrong person|another customer)|gdpr breach",
)
CHILD_HEALTH = (
    r"safe (?:for|around) (?:my |our |a |the )?(?:toddler|baby|babies|kids?|child|children|"
    r"infant|newborn|son|daughter|pregnan\w+)",
    r"(?:my|our|a) (?:toddler|baby|kid|child|son|daughter|infant|dog|cat) (?:has )?(?:swallowed|"
    r"drank|ate|licked)|swallowed (?:a|the|some)",
    r"i have (?:a|two|young) (?:toddler|baby|newborn|infant|kids)|food[- ]safe",
    r"allergic reaction|anaphyla\w+|food poisoning|poison(?:ed|ing)|made (?:me|us|him|her|them|"
    r"my \w+) (?:really )?(?:sick|ill|vomit|throw up)|(?:threw|throwing) up after|sick after",
)
INJURY = (
    r"(?:burn(?:ed|t|s)?|scald(?:ed|s)?) (?:me|him|her|us)|(?:burn(?:ed|t|s)?|scald(?:ed|s)?|cut|"
    r"hurt|injured) (?:myself|my (?:hand|arm|leg|finger|fingers|thumb|skin|face|mouth|wrist|kid|"
    r"child|son|daughter|toddler|baby))",
    r"scalded|blisters?|stitches|hospital(?:ised|ized)?|a&e|emergency room|urgent care|"
    r"ambulance|injur(?:y|ies|ed)|glass in",
)
FIRE = (
    r"caught fire|on fire|burst into flames|flames|fire (?:risk|hazard)|(?:a|the) fire|"
    r"smoke (?:coming|pouring|everywhere|from|out)|(?:was|is|started|it's|it is) smoking|"
    r"sparked|sparking|sparks|melted|melting|explod(?:ed|ing|es)|"
    r"(?:electric|got a|gave me a) shock|shocked (?:me|him|her|us)|electrocut\w+|"
    r"burning (?:smell|plastic)|scorch(?:ed|ing)?|scorch marks?|blackened",
)
LEGAL = (
    r"(?:my|a|our) (?:lawyer|solicitor|attorney)(?! general)|lawyers?|solicitors?|lawsuits?|"
    r"sue (?:you|u|them|the|for|over|him|her|it)|sue \w+ (?:for|over)|"
    r"(?:will|i'?ll|going to|gonna|want to|to|and|or|should|could|can|we'?ll|might) sue|"
    r"suing|sued|class action|small claims|"
    r"legal action|take (?:you|them|\w+) to court",
)
REGULATOR = (
    r"ftc|cpsc|fda|trading standards|bbb|better business bureau|ombudsman|attorney general|"
    r"data protection (?:authority|commissioner|office)|the ico|information commissioner|"
    r"gdpr complaint|consumer protection|"
    r"product safety (?:people|regulator|authority|office|team)|regulators?",
)
MEDIA = (
    r"contact(?:ing|ed)? the (?:press|media|news)|(?:going|go|went) to the (?:press|media|news)|"
    r"tell(?:ing)? the (?:press|media|papers)|journalists?|reporters?|watchdog",
)
OUTAGE = (
    r"down for (?:everyone|everybody|all)|(?:nobody|no one|noone) can (?:log ?in|sign ?in|"
    r"order|pay|check ?out|access|connect|use)|outage|all (?:customers|users)|"
    r"everyone(?: is| else)? (?:locked out|affected|getting)",
)


class Family(NamedTuple):
    """One kind of harm and the least severity a post about it gets."""

    name: str
    floor: str
    sources: tuple[str, ...]


FAMILIES = (
    Family("data exposure", "critical", DATA),
    Family("child safety", "critical", CHILD_HEALTH),
    Family("injury", "critical", INJURY),
    Family("fire", "critical", FIRE),
    Family("legal threat", "high", LEGAL),
    Family("regulator", "high", REGULATOR),
    Family("media", "high", MEDIA),
    Family("mass outage", "high", OUTAGE),
)
# Families a plain question is enough context for: "is this batch safe for my toddler?"
ASKED_ABOUT = frozenset({"child safety", "data exposure"})
# Families whose phrases are a problem by themselves ("other customers' order history",
# "smoke coming out", "cut myself"): a calm report of them is still one.
SELF_EVIDENT = frozenset({"data exposure", "fire", "injury"})

_NOT_HARM = "-"
HARM_SOURCES = (*FALSE_FRIENDS, *(p for family in FAMILIES for p in family.sources))
# A false friend is looked up first, as the scan tried it first; "" is a phrase of no family.
family_of = classifier(((_NOT_HARM, FALSE_FRIENDS), *((f.name, f.sources) for f in FAMILIES)), "")
FLOOR = {family.name: family.floor for family in FAMILIES}


class Harm(NamedTuple):
    """One harm phrase found in a post, its family and that family's floor."""

    family: str
    phrase: str
    floor: str


def harms_from(phrases: list[str]) -> tuple[Harm, ...]:
    """The harm phrases of a text (false friends dropped), one per family, in order."""
    out: dict[str, Harm] = {}
    for phrase in phrases:
        name = family_of(phrase)
        if name and name != _NOT_HARM and name not in out:
            out[name] = Harm(name, phrase, FLOOR[name])
    return tuple(out.values())


def is_false_friend(phrase: str) -> bool:
    """Whether a phrase the scan found is slang, negation or a hypothetical, not harm."""
    return family_of(phrase) == _NOT_HARM


def about_a_problem(
    family: str, *, complaint: bool, negative: bool, troubled: bool, question: bool, cheerful: bool
) -> bool:
    """Whether a harm phrase of `family` counts: the post reports or asks about a problem.

    A complaint, negative sentiment or problem language is enough; for a child's safety or
    someone's data a question is too (a polite worried parent is still a case). Seeing other
    people's data, smoke or an injury is a problem however calmly it is said, unless the post
    is all praise ("this kettle is on fire, love it").
    """
    if family in SELF_EVIDENT and not cheerful:
        return True
    return complaint or negative or troubled or (question and family in ASKED_ABOUT)
