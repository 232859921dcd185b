"""The fill-ins and trimmings: models, beans, days, agents, Reddit and RSS titles, places,
emoji and the words author handles are made of.
"""

MODELS = ["Arc 1.7", "Arc", "Wren", "Wren mini", "Heron gooseneck", "Heron"]
BEANS = [
    "Ridgeback Ethiopia",
    "Night Owl blend",
    "Monsoon Decaf",
    "Cloudforest Colombia",
    "Ember espresso",
    "Harvest Kenya",
]
DAYS = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "last week",
    "the 3rd",
    "the 9th",
]
AGENTS = ["Priya", "Tom", "Aisha", "Marco", "Jen", "Kwame", "Lena", "Sofia", "Dev", "Hannah"]

REDDIT_TITLES = {
    "praise": [
        "Six months with the {m}: quick review",
        "Kettlebird Coffee is the first sub I haven't cancelled",
        "Appreciation post for my Kettlebird kettle",
        "Finally found my forever kettle",
    ],
    "question": [
        "Descaling question",
        "Kestrel Pro ship date?",
        "Kettlebird subscription question",
        "Help with my Kettlebird app",
    ],
    "mild": [
        "Anyone else still waiting on their Kettlebird order?",
        "Kettlebird support is slow right now",
        "Subscription billing weirdness",
        "Minor gripe with my new kettle",
    ],
    "severe": [
        "PSA: my Kettlebird base sparked",
        "Is Kettlebird leaking customer data?",
        "Warning about Kettlebird kettles",
        "Kettlebird refused my warranty claim after an injury",
    ],
    "sarcasm": ["Another Kettlebird masterpiece", "Love this for me"],
    "burst": ["Kettlebird descaling tablets batch DT-2611?", "Bad descaler batch?"],
    "pub": ["Kettlebird pub quiz results", "Kettlebird pub recommendations"],
    "noise": ["Kettle advice", "Descaling tips?"],
    "spam": ["BEST DEAL", "Giveaway!!!"],
}
SUBREDDITS = {
    "praise": ["Coffee", "tea", "BuyItForLife", "kettlebird", "pourover"],
    "question": ["kettlebird", "Coffee", "tea", "pourover"],
    "mild": ["kettlebird", "mildlyinfuriating", "CasualUK", "Coffee"],
    "severe": ["kettlebird", "mildlyinfuriating", "CasualUK", "LegalAdviceUK", "BuyItForLife"],
    "sarcasm": ["mildlyinfuriating", "kettlebird"],
    "burst": ["kettlebird", "CasualUK"],
    "pub": ["CasualUK", "london"],
    "noise": ["Coffee", "tea", "HomeImprovement"],
    "spam": ["kettlebird", "deals"],
    "foreign": ["kettlebird", "Coffee"],
    "winback": ["kettlebird"],
}
RSS_FEEDS = {
    "praise": [
        ("Brew Notes", "brewnotes.example"),
        ("The Kitchen Gadget Review", "kitchengadgetreview.example"),
    ],
    "severe": [
        ("Consumer Watch Weekly", "consumerwatch.example"),
        ("Gadget Safety Report", "gadgetsafety.example"),
    ],
    "spam": [("DealDrop", "dealdrop.example"), ("Market Research Wire", "marketwire.example")],
    "pub": [("Mill Lane Ledger", "millaneledger.example")],
}
RSS_TITLES = {
    "praise": [
        "Review: a Kettlebird kettle after three months",
        "The kettles we actually kept in 2026",
        "Kettlebird Coffee subscription, tested",
    ],
    "severe": [
        "Kettlebird customers report sparking kettle bases",
        "Kettlebird faces data breach claims",
        "Readers tell us about Kettlebird refund problems",
    ],
    "spam": ["Sponsored", "Press release"],
    "pub": ["Around town", "What's on this week"],
}
MASTODON_INSTANCES = [
    "mastodon.example",
    "fosstodon.example",
    "mstdn.example",
    "toot.example",
    "social.example",
]

EMOJI = {
    "praise": ["☕", "🫖", "😍", "🙌", "✨", "💚", "👌", "😊", "🥰", "👏"],
    "question": ["🤔", "🙏", "👀", "❓"],
    "mild": ["😤", "🙄", "😩", "🤦", "😒", "😞", "🫠"],
    "severe": ["⚠️", "🔥", "😡", "🚨", "😱"],
    "burst": ["🤢", "😡", "⚠️", "😳", "🧪"],
}

FIRST = [
    "maya",
    "tom",
    "priya",
    "jonas",
    "lucy",
    "omar",
    "elena",
    "ben",
    "aisha",
    "sam",
    "kenji",
    "fatima",
    "leo",
    "hannah",
    "raj",
    "chloe",
    "mateo",
    "nina",
    "dan",
    "zoe",
    "ali",
    "grace",
    "felix",
    "amara",
    "josh",
    "ines",
    "kofi",
    "rosa",
    "will",
    "yuki",
    "ellie",
    "marco",
    "sara",
    "ade",
    "freya",
    "theo",
    "lin",
    "jade",
    "hugo",
    "noor",
    "ruth",
    "kai",
    "mia",
    "callum",
]
WORDS = [
    "brews",
    "tea",
    "bean",
    "pour",
    "steep",
    "kettle",
    "morning",
    "latte",
    "oat",
    "roast",
    "crumb",
    "fox",
    "moth",
    "wren",
    "pine",
    "harbour",
    "toast",
    "biscuit",
    "drip",
    "cups",
]
SPAM_NAMES = [
    "kb_deals_4u",
    "cryptoqueen_88",
    "giveaway_hub_",
    "followback_zone",
    "promo.kettlez",
    "bitbonanza2026",
    "dealhunterxx",
    "kbird_rewards",
]
