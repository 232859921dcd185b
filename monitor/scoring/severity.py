"""How bad it is: none/low/medium/high/critical, from negativity, reach, engagement (and its
velocity when the post's age is known), urgency words, whether the brand was addressed, and
harm (monitor.scoring.harm), which sets a floor whatever the points."""

from __future__ import annotations

import re

from monitor.scoring.thresholds import is_negative

SEVERITIES = ("none", "low", "medium", "high", "critical")
# Followers and engagement (see `weighted_engagement`) worth 3, 2 and 1 points.
REACH_LADDER = (100_000, 10_000, 1_000)
ENGAGEMENT_LADDER = (1_000, 100, 20)
# Below this engagement a post's age changes nothing.
VELOCITY_MIN_ENGAGEMENT = 20
_RANK = {name: i for i, name in enumerate(SEVERITIES)}

URGENCY = (
    r"lawsuits?|lawyers?|attorney|solicitor|sue|suing|sued|legal action|court|class action|"
    r"boycott(?:ing)?|injur(?:y|ies|ed)|hospital(?:ised|ized)?|ambulance|data breach|breach|"
    r"leaked|hacked|scam(?:med)?|fraud(?:ulent)?|fire|caught fire|on fire|explod(?:ed|ing|es)|"
    r"recall(?:ed)?|food poisoning|poison(?:ed|ing)?|allergic reaction|unsafe|dangerous|"
    r"discriminat(?:ion|ed|ing)|racist|harass(?:ed|ment)|assault(?:ed)?|police|trading standards|"
    r"ombudsman|regulator|ofcom|fcc|ftc|bbb|press|journalist|news|going viral|viral|"
    r"never (?:buying|using|flying|shopping) (?:from |with )?(?:you|this|them)? ?again|"
    r"cancel(?:l?ing)? my (?:account|subscription|contract)|switching to|chargeback|"
    r"(?:burn(?:ed|t|s)?|scald(?:ed|s)?) (?:my|me|his|her|our|their|him|us)|scalded|"
    r"(?:electric|got a|gave me a) shock|shocked (?:me|him|her|us)|electrocut\w+|sparked|"
    r"sparking|sparks|burning (?:smell|plastic)|scorch(?:ed|ing)?|scorch marks?|melted|melting|"
    r"smoking|choking|glass in",
)
# Harm to a person or property: a safety problem that is at least 'high' whatever the reach.
_HARM = re.compile(
    r"injur\w*|hospital\w*|ambulance|fire|caught fire|on fire|explod\w+|food poisoning|"
    r"poison\w*|allergic reaction|(?:burn\w*|scald\w*) \w+|scalded|(?:electric|got a|gave me a) "
    r"shock|shocked \w+|electrocut\w+|sparked|sparking|sparks|burning \w+|scorch\w*(?: marks?)?|"
    r"melted|melting|smoking|choking|glass in"
)
_CRITICAL_URGENCY = re.compile(
    r"lawsuits?|lawyers?|attorney|solicitor|sue|suing|sued|legal action|class action|"
    r"injur\w*|hospital\w*|ambulance|"
    r"data breach|breach|leaked|hacked|fire|caught fire|on fire|explod\w+|recall\w*|"
    r"food poisoning|poison\w*|allergic reaction|assault\w*|discriminat\w+|racist"
)


def severity_rank(severity: str) -> int:
    """none=0, low=1, medium=2, high=3, critical=4 (unknown names count as none)."""
    return _RANK.get(severity, 0)


def weighted_engagement(likes: int, replies: int, reposts: int) -> int:
    """Engagement as severity weighs it: a like 1, a reply 2, a repost 3.

    (Mention.engagement, the plain sum, is a different figure.)
    """
    return likes + 2 * replies + 3 * reposts


def _rung(value: int, ladder: tuple[int, int, int]) -> int:
    """3, 2 or 1 points for reaching the first, second or third step of `ladder`, else 0."""
    high, mid, low = ladder
    return 3 if value >= high else 2 if value >= mid else 1 if value >= low else 0


def _level(points: int) -> int:
    """The SEVERITIES index of a points total: none, 1-2 low, 3-4 medium, 5-6 high, 7+ critical."""
    return 0 if points <= 0 else 1 if points <= 2 else 2 if points <= 4 else 3 if points <= 6 else 4


def assess(
    *,
    sentiment: float,
    complaint: bool,
    urgent: tuple[str, ...],
    followers: int,
    likes: int,
    replies: int,
    reposts: int,
    age_hours: float | None,
    addressed: str,
    harms: tuple[tuple[str, str, str], ...] = (),
) -> tuple[str, list[str]]:
    """(severity, reasons). A post that is neither a complaint nor negative nor harm is 'none'.

    Points: a complaint 1, negativity 1-2, reach 1-3, engagement 1-3, velocity 1, urgency 2
    (3 for harm, law or a breach), direct address 1. Levels: 1-2 low, 3-4 medium, 5-6 high,
    7+ critical. Then `harms` ((family, phrase, floor), already judged to be about a problem)
    raise the level to their floor: a child at risk is critical with no followers at all.
    """
    negative = is_negative(sentiment)
    if not complaint and not negative and not urgent and not harms:
        return "none", []
    reasons: list[str] = []
    points = 1 if complaint else 0
    if sentiment <= -0.75:
        points += 2
    elif sentiment <= -0.3 or (negative and not complaint):
        points += 1
    reach = _rung(followers, REACH_LADDER)
    if reach:
        points += reach
        reasons.append(f"reach: {followers:,} followers")
    engaged = weighted_engagement(likes, replies, reposts)
    stir = _rung(engaged, ENGAGEMENT_LADDER)
    if stir:
        points += stir
        reasons.append(f"engagement: {likes:,} likes, {replies:,} replies, {reposts:,} reposts")
    if age_hours is not None and engaged >= VELOCITY_MIN_ENGAGEMENT:
        per_hour = engaged / max(age_hours, 0.25)
        if per_hour >= 50:
            points += 1
            reasons.append(f"velocity: {per_hour:,.0f} interactions an hour")
    if urgent:
        points += 3 if any(_CRITICAL_URGENCY.fullmatch(w) for w in urgent) else 2
        reasons.extend(f"urgency: '{w}'" for w in urgent[:3])
    if addressed:
        points += 1
        reasons.append(f"addressed to the brand: {addressed}")
    harm = next((w for w in urgent if _HARM.fullmatch(w)), "") if urgent and not harms else ""
    if harm and (complaint or negative) and points < 5:
        points = 5
        reasons.append(f"safety: '{harm}' means possible harm, at least high")
    if not complaint and not negative:
        # Urgent words in a neutral or positive post ("fire sale!") matter less.
        points = min(points, 2)
    level = _level(points)
    if harms:
        # After the cap above: a polite, neutral question about a toddler's safety still counts.
        level = max(level, *(_RANK[floor] for _, _, floor in harms))
        reasons.extend(f"harm: {family} '{phrase}'" for family, phrase, _ in harms[:3])
    return SEVERITIES[level], reasons
