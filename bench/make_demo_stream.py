"""Write the bundled demo stream, `monitor/demo/stream.jsonl`, for the fictional brand Kettlebird.

Kettlebird makes electric kettles and sells a coffee-bean subscription (handles @kettlebird and
@kettlebirdhelp, hashtag #kettlebird). An unrelated "Kettlebird pub" shares the name. Every post
text below was written by hand for this demo; the generator only combines the fragments with
names, order numbers, days and emoji. Output is deterministic: re-running gives identical bytes.

    .venv/bin/python bench/make_demo_stream.py            # writes the file and prints the mix
    .venv/bin/python bench/make_demo_stream.py --check    # also re-reads and validates the file

`build()` returns the rows together with the kind each was written as (praise, question, mild,
severe, sarcasm, spam, foreign, pub, noise, burst, winback), for benchmarks that need labels;
the stream itself carries no labels.
"""

# ruff: noqa: E501  (the hand-written posts are kept one to a line)

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SEED = 20261120
END = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)
START = END - timedelta(days=7)
OUT = Path(__file__).resolve().parent.parent / "monitor" / "demo" / "stream.jsonl"

# How many posts of each kind (about 400 in all).
MIX = {
    "praise": 98,
    "question": 60,
    "mild": 89,  # plus the 3 complaints that are later won back
    "severe": 38,
    "sarcasm": 8,
    "spam": 32,
    "foreign": 28,
    "pub": 7,
    "noise": 7,
    "burst": 26,
}

PLATFORM_WEIGHTS = {
    "praise": {"x": 35, "reddit": 20, "bluesky": 18, "mastodon": 15, "rss": 7, "hackernews": 5},
    "question": {"reddit": 35, "x": 35, "bluesky": 12, "mastodon": 12, "hackernews": 6},
    "mild": {"x": 45, "reddit": 22, "bluesky": 13, "mastodon": 12, "hackernews": 8},
    "severe": {"x": 40, "reddit": 25, "bluesky": 10, "mastodon": 8, "hackernews": 9, "rss": 8},
    "sarcasm": {"x": 50, "reddit": 25, "bluesky": 25},
    "spam": {"x": 50, "bluesky": 20, "mastodon": 10, "reddit": 10, "rss": 10},
    "foreign": {"x": 45, "mastodon": 20, "bluesky": 18, "reddit": 17},
    "pub": {"x": 35, "reddit": 25, "mastodon": 20, "rss": 20},
    "noise": {"reddit": 40, "x": 25, "mastodon": 20, "hackernews": 15},
    "burst": {"x": 60, "reddit": 15, "bluesky": 15, "mastodon": 10},
}

# ---------------------------------------------------------------------------------------------
# Hand-written text. Placeholders: {b} brand, {c} the coffee subscription, {h} the support
# handle, {m} a kettle model, {bean} a coffee, {order} an order number, {day} a day, {name} an
# agent's first name.
# ---------------------------------------------------------------------------------------------

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

PRAISE = [
    "the {m} boils a full litre in under three minutes and it's dead quiet",
    "three years in and my {b} kettle still looks brand new",
    "finally a kettle that doesn't sound like a jet engine at 6am. {b} {m} is lovely",
    "the keep-warm setting on the {m} is the best thing that's happened to my tea habit",
    "{bean} from {c} this month is unreal. blueberry notes, no joke",
    "got my first {c} box today and the little tasting card is such a nice touch",
    "the gooseneck on the Heron makes pour-over so much easier. {b} nailed it",
    "{b} support swapped my wobbly lid in two days, no questions asked",
    "switched from a big-brand kettle to a {b} {m} and I can't go back",
    "the 80° preset for green tea is a game changer",
    "my partner thinks I'm obsessed with the {b} kettle. they are correct",
    "paused my {c} sub for a month while travelling and it took ten seconds in the app",
    "honest review after 6 months of {c}: consistently fresh, roast dates always within a week",
    "the matte sage {m} matches my kitchen perfectly",
    "{b} sent a handwritten note with my order?? who does that anymore",
    "descaled my {m} with the {b} tablets, took 15 minutes and it's spotless",
    "gift idea for coffee people: a {c} subscription. my dad texts me about every single bag",
    "auto shut-off actually works, unlike my old kettle that boiled dry twice",
    "the {b} app's 'boil when I wake up' schedule is witchcraft",
    "{c} decaf that actually tastes like coffee. Monsoon Decaf is legit",
    "the base is heavy and doesn't slide around the counter. small thing, big difference",
    "bought the Wren for my dorm from {b}, tiny footprint and boils fast",
    "the water window lights up so I can see the level at night. thoughtful design",
    "{b} refunded the dented-box discount the same day I asked. quick and friendly",
    "the handle stays cool even at a full rolling boil",
    "{b} beans + {m} + a V60 = my whole personality now",
    "second {b} kettle for the office, the first survived 40 people using it daily for two years",
    "love that {c} lets you skip a month without any guilt-trip emails",
    "hold-temp keeps the water at 93° for half an hour and I've stopped reheating",
    "ordered Tuesday, arrived Thursday, well packed, no plastic. well done {b}",
    "my gran can use the {m} with no instructions. big buttons, clear beeps",
    "the limited winter roast from {c} smells like christmas in a bag",
    "been recommending {b} to everyone at work, four converts so far",
    "{b}'s repair programme replaced just the base instead of making me buy a whole kettle",
    "the spout doesn't dribble. after years of drippy kettles this matters to me",
    "stainless interior on the {m} means no plastic taste. finally",
    "the roast notes card in every {c} bag has genuinely taught me stuff",
    "set it to 96° for the french press and forgot about it. perfect every morning",
    "{b} fixed my cracked lid hinge under warranty with just the serial number, no receipt",
    "the Kestrel Pro preview from {b} looks gorgeous, already saving up",
    "this {b} kettle is so pretty I leave it out when guests come over",
    "{c} roasted my beans on the 14th and they arrived on the 16th. that's fresh",
    "chat agent {name} at {b} sorted my address change in about two minutes",
    "the {m} is the first kettle I've owned that doesn't leave flakes in my tea",
    "{c} finally added a lighter roast option and it's exactly what I wanted",
    "took the {m} camping (with a power bank station) and it was the MVP of the weekend",
]
PRAISE_OPEN = [
    "",
    "",
    "",
    "",
    "Not sponsored but",
    "Okay,",
    "Small appreciation post:",
    "PSA:",
    "Honestly,",
    "Can confirm:",
    "Update:",
    "Unpopular opinion?",
    "Ngl",
]
PRAISE_CLOSE = [
    "",
    "",
    "",
    "10/10",
    "would buy again",
    "highly recommend",
    "worth every penny",
    "no regrets",
    "happy customer here",
    "thank you {b}!",
    "love it",
    "zero complaints",
    "kitchen MVP",
    "best purchase of the year",
    "my mornings are better for it",
    "🫶",
]

QUESTION = [
    "how often should I descale the {m}? we have very hard water",
    "how do I descale my {b} kettle without the official tablets? is vinegar ok?",
    "when does the Kestrel Pro actually ship? {b} preorder page just says 'winter'",
    "does {c} ship to Canada yet?",
    "can I change the grind size on my {c} subscription mid-cycle?",
    "is the {m} lid dishwasher safe?",
    "does the {b} {m} work on 110V? moving to the US next year",
    "what's the difference between the Arc 1.7 and the Heron apart from the spout?",
    "how do I reset the {b} app pairing? kettle just shows a blinking blue light",
    "is there a way to turn off the beep on the {m}?",
    "can you gift a {c} subscription for three months only?",
    "where's the serial number on a {b} kettle, base or body?",
    "what temperature do you brew {bean} at?",
    "does the {b} warranty cover limescale damage?",
    "are replacement filters for the {m} sold separately?",
    "will the Kestrel Pro base work with the old Arc kettles? {b} please say yes",
    "is {c} whole bean by default or do I have to choose?",
    "anyone tried {b} descaling tablets in a different brand of kettle?",
    "how long does {c} take to ship to Ireland?",
    "does keep-warm mode on the {m} use much electricity? thinking of leaving it on all morning",
    "what does the orange light on the {m} base mean?",
    "is the Black Friday discount on {b} kettles stackable with the subscriber code?",
    "can I swap my next {c} bag for decaf?",
    "is there a student discount at {b}?",
    "how do I cancel {c}? I can't find the button anywhere in the app",
    "do {b} kettles have boil-dry protection? mine clicks off early sometimes",
    "what's the max fill line in ml on the Wren from {b}?",
    "will {b} do a trade-in for old kettles when the Kestrel Pro launches?",
    "what's the {b} return window if the kettle was a gift?",
    "is the gooseneck spout on the {b} Heron removable for cleaning?",
    "any word on a {b} app for Android tablets?",
    "which {c} roast is best for cold brew?",
    "roughly how many cups does a 250g {c} bag make?",
    "is the {m} ok on a boat with an inverter? asking for a very specific reason",
    "when is the next {c} limited roast dropping?",
    "does {b} sell a travel case for the Wren mini?",
    "is it normal for the {m} to tick while it cools down?",
    "can two people share one {c} subscription with different deliveries?",
]
QUESTION_OPEN = [
    "",
    "",
    "",
    "Quick q:",
    "Genuine question:",
    "Help pls -",
    "Asking here before I email support:",
    "Kettle nerds,",
    "Hivemind:",
]
QUESTION_CLOSE = [
    "",
    "",
    "",
    "thanks in advance",
    "TIA",
    "🙏",
    "any tips appreciated",
    "cheers",
    "🤔",
]

MILD = [
    "my {c} box was supposed to arrive {day} and tracking hasn't moved in 4 days",
    "still waiting on order {order} from {b}. placed it two weeks ago",
    "charged twice for the same {c} renewal. {h} can you look at this?",
    "can't log into the {b} app since the update, keeps saying 'session expired'",
    "refund for my returned {m} still pending after 12 days. {h}?",
    "been on hold with {b} for 40 minutes now. the hold music is lovely, I guess",
    "the lid on my {b} {m} started squeaking after a month",
    "{c} sent me ground coffee when I picked whole bean. again",
    "the {b} app keeps resetting my temperature presets",
    "{b} delivery said 'left at front door'. it was not at my front door",
    "why does the {b} chat bot loop me back to the FAQ every single time",
    "my {c} arrived with a split bag, beans loose all over the box",
    "emailed {b} support on {day}, nothing but the auto-reply so far",
    "my {b} discount code didn't apply at checkout and now it says 'expired'",
    "the Kestrel Pro preorder date slipped again? come on {b}",
    "water tastes a bit metallic from the new {b} {m}. is that normal for the first week?",
    "the {b} app wants location permission to boil water. why",
    "{c} renewed even though I paused it last week",
    "courier marked my {b} parcel as 'refused'. I did not refuse anything",
    "{b} base light flickers on the keep-warm setting. more annoying than anything",
    "{h} I've sent three emails about order {order}, can someone reply please",
    "password reset email for the {b} app never arrives. checked spam",
    "{b} told me 3-5 days for a replacement lid. it's been 11",
    "shipping cost more than the beans this time. what happened {b}",
    "{c} skipped my delivery without telling me",
    "ordered the sage {m} from {b}, got the charcoal one",
    "the {b} app crashes whenever I open the schedule tab",
    "{b} invoice shows my old address even after I updated it twice",
    "{b} support ticket closed as 'resolved' without anyone ever replying",
    "beans in this month's {c} box were roasted 5 weeks ago. not the 'fresh' I signed up for",
    "my {b} {m} takes noticeably longer to boil than when I bought it",
    "order {order} has said 'processing' for 9 days now. {h}",
    "{b} phone line hangs up after 30 minutes on hold. twice today",
    "tried cancelling {c} online and it sent me round a survey loop",
    "my {b} kettle beeps five times when it's done and there's no way to stop it?",
    "the replacement base {b} sent doesn't fit my older Arc",
    "got a 'payment failed' email from {b} but the money left my account",
    "late delivery again. third month in a row for {c}",
    "{b} refund was promised 'within 5 working days' on {day}. still nothing",
    "the free gift bag from the {c} promo never came with my order",
    "{h} chat says agents are 'unavailable' at 2pm on a weekday?",
    "new {b} app update logged me out and now wants 2FA to an old phone number",
    "lid button on the {m} got stiff after descaling, have to really press it",
    "ordered two bags from {c}, got one, charged for two",
    "the {b} store won't accept my postcode. it's a real postcode, I live here",
    "{c} changed my delivery day without asking and now it comes when I'm at work",
    "app says my {b} kettle is 'offline' while it's literally boiling in front of me",
]
MILD_OPEN = [
    "",
    "",
    "",
    "Ugh.",
    "Hey {h},",
    "Not thrilled:",
    "Sigh.",
    "Day 3 of this:",
    "Anyone else?",
    "Mildly annoyed:",
    "Hmm.",
]
MILD_CLOSE = [
    "",
    "",
    "",
    "not great",
    "pretty frustrating",
    "please sort this out",
    "losing patience a bit",
    "any update?",
    "this is getting old",
    "would appreciate a reply",
    "kind of disappointing tbh",
    "😕",
]

SEVERE = [
    "the base of my {b} {m} sparked when I put the kettle on it. actual sparks. unplugged it and I'm not touching it again",
    "my {b} kettle caught fire on the counter this morning. smoke everywhere, alarm going off. {h} what is going on??",
    "burned my hand because the {m} lid popped open mid-boil. blister the size of a coin. {b} this is dangerous",
    "got an email from {b} about 'unusual account activity'. is this a data breach? why has nobody said anything else?",
    "someone used my saved card on the {b} store. data breach? I only ever used that card there",
    "talking to a lawyer about the {b} {m} that scalded my kid. they've ignored me for 3 weeks",
    "boycott {b} until they recall the Arc 1.7 bases. this is a fire risk",
    "{b} is a scam. took my money for a 'subscription', sent nothing for 2 months, won't refund",
    "the cord melted where it meets the base. {b} {m}, bought in August",
    "burning plastic smell every time my {b} {m} boils and there's a brown scorch mark under the base now",
    "kettle tripped the whole house breaker and the socket is blackened. {b} base is toast, literally",
    "class action anyone? at least six people in this thread with sparking {b} bases",
    "{b} customer data is apparently for sale on a forum. emails, addresses, last 4 of cards. no statement yet",
    "the handle came off my {b} kettle while I was pouring. boiling water down my leg. A&E. they offered a 10% coupon",
    "reporting {b} to trading standards. two faulty bases and now they refuse a refund",
    "do NOT buy from {b}. charged me £140 for a kettle that never shipped and support has gone silent",
    "my {b} {m} kept boiling and didn't switch off, nearly boiled dry. could have been a fire if I wasn't home",
    "I'm done with {b}. chargeback filed, review posted, telling everyone I know",
    "the {b} app shows other customers' order history if you change the number in the URL. reported weeks ago, still open",
    "nobody touched it and the {b} base just popped and went dark with a burning smell. it sits next to my kids' lunchboxes",
    "{b} billed me 4 times this month and my bank flagged it as fraud. scam-level mess",
    "{b} is refusing warranty on a kettle that scalded me because I 'used a non-official descaler'. seeing a solicitor",
    "just saw the base of my {b} {m} glowing orange underneath. GLOWING. please recall these",
    "water leaked into the base and I got a shock touching the switch. an electric shock from a {b} kettle",
    "my {b} kettle exploded off the base with a bang. lid hit the ceiling. I'm shaking",
    "{b} sent my full name, address and order history to a stranger by email. GDPR complaint going in today",
    "if {b} doesn't answer by Friday I'm going to the press with the photos of my burned counter",
    "lost a day's pay waiting in for a {b} engineer who never came, then they cancelled my warranty claim. fraud",
]
SEVERE_CLOSE = [
    "",
    "",
    "",
    "⚠️",
    "🚨",
    "😡",
    "furious",
    "unacceptable",
    "be careful everyone",
    "RT so people see this",
]

SARCASM = [
    "great, third kettle this year 🙃 thanks {b}",
    "love how {b}'s 'next-day delivery' means next week. very innovative",
    "nothing says premium like a {c} box arriving crushed for the third time ✨",
    "shoutout to {b} support for teaching me patience. 52 minutes on hold and counting",
    "wow {b}, charging me twice is one way to hit your quarterly targets 👏",
    "my {b} {m} now has two modes: boil and mystery beeping. thrilling",
    "so glad the {b} app needed an update before I could boil water. very 2026 of it",
    "10/10 would wait three weeks for a {b} kettle lid again 🙂",
    "love paying for 'fresh roasted' {c} beans that were roasted during the last ice age",
    "thank you {b} for the surprise subscription renewal, my overdraft says hi",
]

SPAM = [
    "🚀 WIN FREE BITCOIN kettlebird giveaway!! first {n} only, connect wallet at kbird-prize.example",
    "kettlebird coupon {pct}% OFF today only >> deals-hub.example/kb 🔥🔥",
    "Kettlebird kettles wholesale, factory direct, MOQ {n} units, DM for price list",
    "follow for follow!! #kettlebird #coffee #tea #f4f #giveaway",
    "I made ${cash} this week from home, ask me how 💸 #kettlebird #coffee",
    "Kettlebird airdrop LIVE ✅ claim $KBIRD token now before it ends",
    "free kettlebird kettle for the first {n} who repost + drop your email below 👇",
    "cheap kettlebird replacement bases, 100% original, worldwide shipping, whatsapp +00 000 {n}",
    "#kettlebird #kettle #coffeetime #morning #barista #latteart #homecafe #teatime #brew",
    "Earn crypto by sipping coffee ☕ Kettlebird x MoonChain partnership, limited spots",
    "[PRESS RELEASE] Global Electric Kettle Market 2026-2033: Kettlebird and other key players profiled",
    "kettlebird gift card generator 2026 working no survey no verification",
    "hot singles in your area love kettlebird coffee 😍 link in bio",
    "Best kettle of 2026?? Kettlebird vs the rest, honest review (affiliate link in bio)",
    "CONGRATS you have been selected for a Kettlebird reward 🎁 verify your account at kb-rewards.example",
    "Need followers? {n} real followers $5. #kettlebird #coffee #growth",
    "win free bitcoin kettlebird 🎉🎉 retweet and tag 3 friends, winners DM'd",
    "Kettlebird Coffee beans 70% off clearance!!! only at cheap-beanz.example",
]

# (lang, text): Spanish, German, French, Portuguese, Japanese, and a few mixed-script posts.
FOREIGN = [
    ("es", "Me encanta mi hervidor {b}, hierve rapidísimo y no hace nada de ruido ☕"),
    ("es", "{h} llevo 10 días esperando mi pedido {order}, ¿alguna novedad?"),
    ("es", "¿Alguien sabe cómo descalcificar el {m}? El agua aquí es durísima"),
    ("es", "El café de {c} de este mes está buenísimo, notas de chocolate y naranja"),
    ("es", "Me cobraron dos veces la suscripción de {c}. Muy mal."),
    ("es", "La base de mi hervidor {b} echó chispas. Da miedo, no lo vuelvo a usar."),
    ("de", "Der {m} von {b} ist der beste Wasserkocher, den ich je hatte."),
    ("de", "Warte seit drei Wochen auf meine Rückerstattung von {b}. Langsam reicht's."),
    ("de", "Wie entkalke ich den {m} richtig? Zitronensäure oder die {b} Tabletten?"),
    ("de", "{c} Abo gekündigt, die Bohnen kamen zweimal zu spät."),
    ("de", "Kundenservice von {b} war super, der neue Deckel kam in zwei Tagen 👍"),
    ("de", "Die Basis meines {b} Wasserkochers riecht verbrannt. Ist das normal??"),
    ("fr", "Ma bouilloire {b} est parfaite pour le thé vert, le réglage 80° est génial"),
    ("fr", "Toujours pas reçu ma box {c}, commande {order}. {h} ?"),
    ("fr", "Quelqu'un sait quand la Kestrel Pro de {b} sort en France ?"),
    ("fr", "Service client {b} injoignable depuis hier, 45 minutes d'attente 😤"),
    ("fr", "Le café {c} de novembre est incroyable, merci !"),
    ("pt", "Adorei a chaleira da {b}, ferve rápido e é linda 😍"),
    ("pt", "Fui cobrado duas vezes pela assinatura da {c}. Mais alguém?"),
    ("pt", "Quando a {b} vai entregar no Brasil? Quero muito a Heron"),
    ("pt", "{h} meu pedido {order} ainda não chegou, já faz duas semanas"),
    ("pt", "A base da minha chaleira {b} soltou faíscas. Perigoso demais."),
    ("ja", "{b}の電気ケトル、沸くのが早くて静か。買ってよかった☕"),
    ("ja", "{c}の定期便、今月の豆がすごく美味しい"),
    ("ja", "{b}のケトルの湯垢取りってどうやるの？クエン酸でいい？"),
    ("ja", "注文してから2週間、まだ届かない… {h}"),
    ("ja", "{b}のアプリにログインできない。アップデート後ずっとエラー"),
    ("ja", "新しい Heron gooseneck from {b}、pour-over が本当に楽になった ✨"),
    ("ko", "{b} 전기포트 진짜 조용해요 😊 highly recommend"),
    ("ru", "Заказал {m} от {b}, shipping took forever, но чайник отличный"),
    ("hi", "{b} का kettle बहुत अच्छा है, boils in 2 minutes 🔥"),
    ("es", "Mi {c} subscription llegó tarde otra vez, ¿qué onda {h}?"),
]

# About the unrelated pub: every one says "Kettlebird pub" so the brand's exclusion applies.
PUB = [
    "Quiz night at the Kettlebird pub on Thursday, our team came second to a table of retired teachers 🍺",
    "The Kettlebird pub on Mill Lane does the best Sunday roast in town, fight me",
    "Anyone know if the Kettlebird pub still does the open mic on Fridays?",
    "Pints at the Kettlebird pub after the match, beer garden was rammed",
    "New landlord at the Kettlebird pub has put the darts board back up and the regulars are thrilled",
    "Booked the back room at the Kettlebird pub for Sam's 40th. @thekettlebirdpub thanks for sorting the cake!",
    "Kettlebird pub fish & chips: 8/10. mushy peas: 10/10",
    "Lost my scarf at the Kettlebird pub last night, green and yellow stripes, anyone seen it?",
    "Local history walk ended at the Kettlebird pub (est. 1847), apparently named after a tin kettle sign",
]

# From a broad search: about kettles or coffee, never naming the brand.
NOISE = [
    "best way to descale a kettle? mine is furry inside and the tea tastes chalky",
    "electric kettle vs stovetop for pour-over, what are you all using?",
    "my kettle whistles like a haunted train, time for a new one",
    "hard water problems: third kettle element covered in scale this year",
    "coffee subscription recommendations? my current one keeps sending dark roasts",
    "gooseneck kettles are the most overhyped coffee gear, change my mind",
    "fixed the kettle at work by descaling it with citric acid. I am now the office hero",
    "does anyone else boil the kettle twice because they forgot about it the first time",
    "looking for a quiet electric kettle for a flat with thin walls, budget about £60",
    "descaling tablets vs vinegar, which actually works better?",
]

# The last-day burst: a bad batch of descaling tablets.
BURST = [
    "{h} the new descaling tablets (batch DT-2611) left a white foam in my {m} that won't rinse out",
    "anyone else's {b} descaling tablets smell like bleach? batch DT-2611 on the pack",
    "used the {b} descaler this morning and now my tea tastes like a swimming pool 🤢",
    "{h} is the DT-2611 batch of descaling tablets safe?? blue residue after 3 rinses",
    "boiled the kettle 5 times after the {b} tablets and it still smells chemical",
    "so it's not just me. the {b} descaling tablets from the latest box are foaming like crazy",
    "{b} please say something about the descaling tablets. people are drinking this",
    "binned the {b} descaler pack. the tablets were crumbly and green-ish, not white like usual",
    "my {m} element is discoloured after the new {b} descaling tablets. it was fine yesterday",
    "{h} got the tablets with my {c} box this week, batch DT-2611. should I not use them?",
    "the {b} descaling tablets fizzed over the top of the kettle and onto the counter. never happened before",
    "can {b} confirm whether the new descaler batch is food safe? kind of urgent, I have a toddler",
    "{b} descaling tablets left a film inside my kettle. everything tastes soapy",
    "there's a whole thread about the DT-2611 tablets now. {b} where is the statement?",
    "partner used the new {b} tablets, kitchen smelled like a pool all morning. not ok",
    "{h} the descaling tablets in the November box smell awful. refund or replacement please",
    "can't get the chemical taste out after the {b} descaling tablets. boiled and dumped 8 times",
    "reporting the {b} descaler batch to the product safety people, this isn't right",
    "so the {b} tablets ate the shiny finish off the inside of my kettle? batch DT-2611",
    "woke up, descaled with the new {b} tablets, now drinking instant from the office. great start",
    "{b} descaling tablets: blue foam, weird smell, and my kettle now shows error E4",
    "seeing loads of posts about bad {b} descaling tablets. mine look fine but I'm not risking it",
    "{h} are you aware of the DT-2611 descaling issue? 20+ posts in the last hour",
    "the descaling tablets {b} sent me are the wrong colour and the packet wasn't sealed",
    "please pull the DT-2611 descaler batch {h}, my whole kitchen smells of chlorine",
    "used the {b} descaler, kettle tripped the breaker on the very next boil. coincidence? doubt it",
]

# Complaints early in the week whose authors come back happy near the end.
WINBACK_PAIRS = [
    (
        "x",
        "{h} charged twice for my November {c} box (order {order}). can someone look at this please?",
        "{h} sorted it in a day, thanks! double charge reversed 🙌",
    ),
    (
        "bluesky",
        "day 9 of waiting for my Wren replacement lid. {b} support keeps saying 'escalated' 😩",
        "update on the Wren lid saga: {b} support overnighted a new one and threw in a bag of beans. fair play, happy again ☕",
    ),
    (
        "reddit",
        "still waiting on my refund from {b}, three weeks now and two 'it's being processed' emails",
        "update: the refund came through today after an agent called {name} picked it up. took a while but {b} made it right",
    ),
]

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

BASE32_SORT = "234567abcdefghijklmnopqrstuvwxyz"
DIURNAL = [3, 2, 2, 2, 2, 3, 5, 8, 10, 10, 9, 9, 9, 9, 10, 10, 10, 10, 11, 12, 12, 10, 7, 5]


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


BRAND_RE = re.compile(r"kettle ?bird", re.IGNORECASE)
HANDLE_RE = re.compile(r"@kettlebird(help)?\b", re.IGNORECASE)


def slug(text: str) -> str:
    """A URL-safe short form of a text."""
    s = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return s[:48].rstrip("_") or "post"


def iso(t: datetime) -> str:
    """An ISO 8601 UTC timestamp with a Z."""
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def tid(t: datetime, clock: int) -> str:
    """A Bluesky record key: microseconds since 1970 and a clock id, base32-sortable."""
    v = (int(t.timestamp()) * 1_000_000 + clock % 1_000_000) << 10 | (clock % 1024)
    return "".join(BASE32_SORT[(v >> (5 * i)) & 31] for i in range(12, -1, -1))


def build(seed: int = SEED) -> list[tuple[str, dict[str, Any]]]:
    """The stream as (kind, row) pairs in chronological order."""
    g = Gen(seed)
    rng = g.rng
    plan: list[dict[str, Any]] = []  # items before ids and urls are assigned

    def add(
        kind: str,
        platform: str,
        when: datetime,
        text: str,
        lang: str,
        author: dict[str, Any],
        **extra: Any,
    ) -> dict[str, Any]:
        item = {
            "kind": kind,
            "platform": platform,
            "when": when,
            "text": text,
            "lang": lang,
            "author": author,
            **extra,
        }
        plan.append(item)
        return item

    def platform_author(kind: str) -> tuple[str, dict[str, Any] | None]:
        platform = g.weighted(PLATFORM_WEIGHTS[kind])
        return platform, (None if platform == "rss" else g.author(platform, kind))

    # Background mentions spread over the week.
    for kind, count in MIX.items():
        if kind == "burst":
            continue
        for _ in range(count):
            platform, author = platform_author(kind)
            lang, text = g.unique_text(kind, platform)
            add(kind, platform, g.time_between(START, END), text, lang, author)

    # The burst: a bad batch of descaling tablets, within about an hour on the last morning.
    burst_start = datetime(2026, 11, 20, 8, 47, 0, tzinfo=UTC)
    for i in range(MIX["burst"]):
        platform, author = platform_author("burst")
        lang, text = g.unique_text("burst", platform)
        when = burst_start + timedelta(
            seconds=int(3600 * (i / MIX["burst"]) ** 0.8) + rng.randrange(0, 90)
        )
        add("burst", platform, when, text, lang, author)

    # Complaints early in the week, won back near the end (replies to their own complaint).
    for i, (platform, before, after) in enumerate(WINBACK_PAIRS):
        author = g.new_author(platform)
        g.authors.setdefault(platform, []).append(author)
        t1 = g.time_between(START + timedelta(days=1 + i), START + timedelta(days=2 + i))
        first = add("mild", platform, t1, g.fill(before, platform), "en", author)
        t2 = (
            datetime(2026, 11, 20, 10, 15, tzinfo=UTC) + timedelta(minutes=35 * i)
            if i != 1
            else g.time_between(START + timedelta(days=5, hours=6), START + timedelta(days=6))
        )
        add("winback", platform, t2, g.fill(after, platform), "en", author, reply_to=first)

    # Sort, then assign platform ids (several are derived from the time) and urls.
    order = sorted(range(len(plan)), key=lambda i: (plan[i]["when"], i))
    plan = [plan[i] for i in order]
    hn_next = 46_180_000
    reddit_threads: dict[str, list[str]] = {}
    viral_done: set[str] = set()
    rows: list[tuple[str, dict[str, Any]]] = []
    for item in plan:
        kind, platform, when, a = item["kind"], item["platform"], item["when"], item["author"]
        ms = int(when.timestamp()) * 1000 + rng.randrange(1000)
        text = item["text"]
        parent_id = ""
        is_post = True
        if platform == "x":
            ext_id = str(((ms - 1288834974657) << 22) | rng.getrandbits(22))
            url = f"https://x.example/{a['handle']}/status/{ext_id}"
            if item.get("reply_to"):
                parent_id = item["reply_to"]["row"]["id"]
            elif HANDLE_RE.search(text) and rng.random() < 0.15:
                parent_id = str(
                    ((ms - 3_600_000 * rng.randrange(1, 48) - 1288834974657) << 22)
                    | rng.getrandbits(22)
                )
        elif platform == "mastodon":
            ext_id = str((ms << 16) | rng.getrandbits(16))
            user, instance = a["handle"].split("@")
            url = f"https://{instance}/@{user}/{ext_id}"
        elif platform == "bluesky":
            rkey = tid(when, rng.randrange(1 << 30))
            ext_id = f"at://{a['author_id']}/app.bsky.feed.post/{rkey}"
            url = f"https://bsky.example/profile/{a['handle']}/post/{rkey}"
        elif platform == "hackernews":
            hn_next += rng.randrange(200, 2600)
            ext_id = str(hn_next)
            is_post = kind in ("severe", "praise") and rng.random() < 0.3
            if not is_post:
                parent_id = str(hn_next - rng.randrange(2000, 90000))
            url = f"https://news.ycombinator.example/item?id={ext_id}"
        elif platform == "reddit":
            subs = SUBREDDITS["winback" if kind == "winback" else kind]
            sub = g.pick(subs)
            if item.get("reply_to"):
                sub = item["reply_to"]["sub"]
            is_post = kind not in ("winback", "foreign") and rng.random() < 0.3
            if is_post:
                ext_id = "t3_" + "1" + g.b36(6)
                title = g.fill(g.pick(REDDIT_TITLES.get(kind, ["Question"])), "reddit")
                text = f"{title}\n\n{text}"
                url = f"https://reddit.example/r/{sub}/comments/{ext_id[3:]}/{slug(title)}/"
                reddit_threads.setdefault(sub, []).append(ext_id)
                item["thread"] = ext_id
            else:
                ext_id = "t1_" + g.pick("lmn") + g.b36(6)
                if item.get("reply_to"):
                    parent_id = item["reply_to"]["row"]["id"]
                    thread = item["reply_to"]["thread"]
                else:
                    known = reddit_threads.get(sub, [])
                    thread = g.pick(known) if known and rng.random() < 0.5 else "t3_1" + g.b36(6)
                    parent_id = thread
                url = f"https://reddit.example/r/{sub}/comments/{thread[3:]}/comment/{ext_id[3:]}/"
                item["thread"] = thread
            item["sub"] = sub
        else:  # rss: a blog or news item, the guid is its url
            name, domain = g.pick(RSS_FEEDS.get(kind, RSS_FEEDS["praise"]))
            title = g.fill(g.pick(RSS_TITLES.get(kind, RSS_TITLES["praise"])), "rss")
            url = f"https://{domain}/{when:%Y/%m/%d}/{slug(title)}-{rng.randrange(100, 999)}/"
            ext_id = url
            text = text if kind == "spam" else f"{title}. {text[0].upper()}{text[1:]}"
            a = {"handle": name, "author_id": f"https://{domain}/feed.xml", "followers": 0}
        key = (platform, ext_id)
        if key in g.used_ids:
            raise RuntimeError(f"duplicate id {key}")
        g.used_ids.add(key)

        likes, replies, reposts = g.engagement(platform, a["followers"], kind, is_post)
        followers = a["followers"]
        # Two severe posts go viral: one on X, one on Reddit.
        if (
            kind == "severe"
            and platform in ("x", "reddit")
            and platform not in viral_done
            and BRAND_RE.search(text)
            and re.search(r"fire|spark|melt|glow|burn", text)
        ):
            viral_done.add(platform)
            if platform == "x":
                followers = max(followers, 48_300)
                a["followers"] = followers
                likes, replies, reposts = 9_842, 1_187, 3_216
            else:
                likes, replies = 2_431, 618
        row: dict[str, Any] = {
            "platform": platform,
            "id": ext_id,
            "author": a["handle"],
            "author_id": a["author_id"],
            "created_at": iso(when),
            "text": text,
            "url": url,
            "author_followers": followers,
            "likes": likes,
            "replies": replies,
            "reposts": reposts,
            "lang": item["lang"],
        }
        if platform == "x":
            row["reply_allowed"] = bool(HANDLE_RE.search(text))
        if parent_id:
            row["parent_id"] = parent_id
        item["row"] = row
        rows.append((kind, row))
    return rows


def write(path: Path = OUT, seed: int = SEED) -> list[tuple[str, dict[str, Any]]]:
    """Build the stream and write it as JSONL; returns the rows."""
    rows = build(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for _, row in rows:
            f.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
    return rows


def check(path: Path, rows: list[tuple[str, dict[str, Any]]]) -> None:
    """Re-read the file and check it parses, ids are unique per platform and times are in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    loaded = [json.loads(line) for line in lines]
    assert loaded == [row for _, row in rows], "file does not match build()"
    keys = [(r["platform"], r["id"]) for r in loaded]
    assert len(keys) == len(set(keys)), "duplicate ids"
    times = [r["created_at"] for r in loaded]
    assert times == sorted(times), "not chronological"
    assert all(START <= datetime.fromisoformat(t.replace("Z", "+00:00")) <= END for t in times)
    for r in loaded:
        if r["platform"] == "x":
            assert r["reply_allowed"] == bool(HANDLE_RE.search(r["text"]))
        assert ".example" in r["url"], r["url"]
    print(f"check ok: {len(loaded)} lines, {path.stat().st_size} bytes")


def main() -> None:
    """Write (or with --check, validate) the bundled demo stream."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="re-read and validate the file")
    args = parser.parse_args()
    rows = write(args.out)
    kinds = Counter(kind for kind, _ in rows)
    platforms = Counter(row["platform"] for _, row in rows)
    print(f"wrote {len(rows)} mentions to {args.out}")
    print("kinds:", dict(sorted(kinds.items(), key=lambda kv: -kv[1])))
    print("platforms:", dict(sorted(platforms.items(), key=lambda kv: -kv[1])))
    if args.check:
        check(args.out, rows)


if __name__ == "__main__":
    main()
