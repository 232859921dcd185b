"""Spam and promotion: get-rich posts, crypto giveaways, press releases, phishing "rewards".

Such posts mention the brand but nobody there is a customer to recover, so they are never
flagged. The phrases are general marketing and scam language, not any one brand's; the shared
scan matches them (monitor.scoring.passes.spam_phrase).
"""

from __future__ import annotations

SPAM = (
    # get rich quick
    r"(?:i |we )?(?:made|make|making|earn|earned|earning) (?:over |up to )?[$£€]\s?[\d,.]+k?"
    r"(?: \w+){0,3} (?:from home|a (?:day|week|month)|per (?:day|week|month)|this (?:week|month)|"
    r"online|in (?:a|one|\d+) (?:day|week|hour)s?)",
    r"(?:work|working|job|jobs|earn|income) (?:from|at) home|ask me how|dm me (?:for|to|how)|"
    r"passive income|financial freedom|be your own boss|side hustle",
    # crypto and giveaways that want something back
    r"free (?:bitcoin|btc|crypto|eth|ethereum|nft|iphone|gift ?cards?|money|cash)|"
    r"(?:bitcoin|crypto|nft|forex) (?:giveaway|airdrop|signals?|trading group|investment)|airdrop",
    r"(?:retweet|rt|like|follow) (?:and|&|\+) (?:tag|follow|retweet|rt|like)\b[^.!?]{0,30}"
    r"(?:win|winners?|giveaway|prize)|winners? (?:will be )?dm'?d",
    # phishing
    r"(?:you have|you've) been (?:selected|chosen)|(?:claim|collect) your (?:reward|prize|gift)|"
    r"verify your account (?:at|on|here|via)|congrat\w* you (?:have )?won",
    # press releases and market reports
    r"\[?press release\]?|market (?:size|share|report|research|analysis|forecast|outlook|"
    r"trends?|to (?:reach|grow|witness))|cagr|key (?:players|vendors)|"
    r"forecast (?:period|to 20\d\d)",
    # follower and traffic selling
    r"(?:buy|get|gain) (?:\d+k? )?(?:real )?(?:followers|likes|subscribers)|"
    r"(?:check out|visit) my (?:profile|bio|page)|link in (?:my )?bio",
)
