"""Hand-written posts of the other kinds: spam, other languages, the namesake pub, off-topic
noise, the descaler burst, and the complaints later won back.
"""

# ruff: noqa: E501  (the hand-written posts are kept one to a line)

# The placeholders are those of posts.py.

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
