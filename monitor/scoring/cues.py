"""Complaint cues: the words people use when a company broke an expectation.

All families are matched in one pass over the lower-cased text (monitor.scoring.passes.find_cues).
Families, in the order the alternation tries them (earlier wins at the same position, so
"no problem" is read as a negated cue before "problem" is read as a problem word):

- negated: a problem word that is denied ("no problem", "not bad", "never disappointed");
- sarcasm: praise that means the opposite ("thanks for nothing", "great job ... again");
- breach: a broken expectation (never arrived, still waiting, charged twice, no response, on
  hold, not working, locked out, worst, unacceptable, ...) — strong on its own; its facts
  (FACTUAL: "promised today, just dispatched", "hour 4 at the gate") come first and its
  verdicts (VERDICT: worst, disgusting) last, so a rant can be told from a report;
- problem: weaker words that lean toward a complaint (late, refund, cancelled, issue, again, why);
- own doing: the writer's own slip ("i accidentally bought", "my mistake"): a request;
- praise: thanks and delight, which lean away from one;
- question: an information request ("how do I", "can I", "is there"), not a complaint by itself.
"""

from __future__ import annotations

from typing import NamedTuple

from monitor.scoring._regex import classifier

NEGATED = (
    r"no (?:problems?|issues?|complaints?|worries|trouble)",
    r"not (?:a )?(?:problem|issue|bad|terrible|awful|too bad|disappointed)",
    r"never (?:disappoint(?:s|ed)?|fails? to (?:impress|amaze|deliver))",
    r"(?:can'?t|cannot|couldn'?t) complain",
    r"(?:without|no) (?:any )?(?:delays?|hassle|fuss)",
    r"problem solved|issue (?:is )?(?:now )?(?:fixed|resolved|solved)|(?:all )?sorted now",
    r"worst (?:case|part is over)",
    # Positive idioms built of problem words ("can't wait", "couldn't put it down").
    r"(?:can'?t|cannot|can not) wait|(?:couldn'?t|can'?t) (?:put (?:it|this) down|stop (?:smiling|"
    r"laughing|listening|watching|playing|eating)|get enough|be happier|ask for (?:a )?better|"
    r"fault (?:it|them|this))|(?:will )?never get (?:tired|bored|sick) of|no (?:regrets|"
    r"complaints here|drama)|nothing but (?:love|praise|good)|never (?:looked|felt|been) better|"
    r"(?:not|never) (?:gonna|going to) lie|(?:don'?t|do not) (?:hate|mind) (?:it|this|that)|"
    r"(?:wasn'?t|not|isn'?t) (?:too )?(?:bad|shabby) at all|no (?:wonder|doubt|joke)",
    # Reassurance and resignation-free idioms: "don't worry", "couldn't help it", "could do worse".
    r"(?:don'?t|do not|never) worry|no need to (?:worry|apologi[sz]e)|(?:couldn'?t|can'?t|cannot) "
    r"help (?:it|myself|but|smiling|laughing)|(?:could|can) (?:do|have done) (?:a lot |much |far )?"
    r"worse|(?:i'?d|i would|would) (?:die|kill) for|(?:no|not a) (?:problem|worries) (?:at all|"
    r"whatsoever)|nothing (?:wrong|bad) with (?:it|that|this)|(?:would|will|'d|'ll|definitely|"
    r"happily|can'?t wait to) (?:buy|order|use|shop|fly|stay|come|go|visit|book|eat) (?:\w+ )?"
    r"(?:again|here again)|(?:never|not) (?:had|have) (?:a|any) "
    r"(?:problems?|issues?|complaints?)",
)

SARCASM = (
    r"thanks? (?:a lot )?for nothing",
    r"#not|#sarcasm|/s",
    r"so (?:much )?for (?:customer service|your service|support|next day|express|fast)",
    r"cheers for nothing|what a joke|you had one job",
    r"thanks? (?:\w+ )?for (?:ignoring|wasting|ruining|making me wait|the wait|leaving me)",
    r"thanks?,? (?:\w+ )?for (?:losing|breaking|delaying|cancel\w*|overcharging|double charging|"
    r"the runaround|the headache|the (?:non-?|zero )?(?:help|reply|response|update))",
    r"(?:could|can) (?:\w+ ){1,2}(?:make (?:it|this|that) |be )?any (?:harder|worse|slower|more "
    r"(?:difficult|confusing|complicated|annoying|frustrating|useless))|"
    r"(?:oh )?(?:great|wonderful|fantastic|brilliant|perfect|lovely),? just "
    r"(?:great|what i needed)|"
    r"slow clap|golf clap|(?:10|ten)/10 would not|(?:yet )?another (?:day|week|month),? another "
    r"(?:delay|outage|problem|issue|excuse|cancel\w*|fail\w*)",
)

# Praise that is sarcastic only next to a problem ("great job ... lost my bag again").
MAYBE_SARCASM = (
    r"thanks? for (?:the|your) (?:useless|non|zero|lack)\S*",
    r"thanks? for (?:nothing|cancel\w*)",
    r"(?:yeah|oh|ah) (?:right|great|sure|thanks|yes|joy|fantastic|wonderful|lovely|perfect)",
    r"(?:just|how) (?:great|lovely|wonderful|brilliant|fantastic)",
    r"(?:gotta|got to|have to|i) love (?:how|it when|that|being|paying|waiting)",
    r"(?:great|nice|good|brilliant|fantastic|well) (?:job|work|one|service|done)(?: there)?",
    r"thanks? a lot|thanks? (?:so much|again) for",
    r"(?:oh )?(?:great|fantastic|brilliant|wonderful|perfect|lovely|awesome|super|marvell?ous),* "
    r"(?:another|more|again|just great)",
    r"(?:wonderful|great|fantastic|excellent|amazing|stellar|brilliant|top[- ]notch|"
    r"outstanding|lovely) (?:customer )?(?:service|support|job|work|experience),* (?:truly|really|"
    r"as (?:always|usual)|once again|yet again|again)",
    # Mock praise and mock gratitude, ironic next to a failure ("what a treat, a 6 hour delay").
    r"exactly what i (?:needed|wanted|ordered|asked for)|what a (?:treat|surprise|shock|joy|"
    r"pleasure|result|bargain|deal|time to be alive)|such a (?:pleasure|joy|treat)|"
    r"(?:real|very|so|how|truly|really) (?:classy|convenient|efficient|professional|reliable|"
    r"secure|smart|clever|thoughtful|considerate|generous|reassuring|customer[- ]friendly)|"
    r"(?:gotta|got to|have to|must) hand it to|genius (?:move|idea|decision)|"
    r"congrat\w* (?:on|for)|(?:love|loving|enjoying|enjoy) (?:paying|waiting|being|getting|"
    r"having|spending|finding|listening)|(?:so )?(?:glad|happy|pleased) (?:i|to have) (?:spent|"
    r"paid|waited|wasted)|(?:really|so|very) impressed (?:that|how|with how|by how)|"
    r"nothing like (?:paying|waiting|being|getting|spending|finding|having)|"
    r"top (?:value|service|marks)|five stars for|(?:10|ten) out of (?:10|ten) for|"
    r"just what i (?:needed|wanted)|nothing says \w+ like|(?:way|nice|good) to go|bravo|"
    r"(?:love|loving) (?:it |how |that )?when (?:my|the|you|your|a|an)|(?:what|such) a (?:great|"
    r"fantastic|wonderful|lovely|brilliant) (?:start|way|service|experience)",
)

_TIME = r"(?:\d+|an?|one|two|three|four|five|six|several|many|few|couple(?: of)?) ?\+? ?"
_SPAN = r"(?:mins?|minutes?|hours?|hrs?|days?|weeks?|wks?|months?)"

# Failures told as facts, with no opinion word: a promise and what happened instead, the
# hours counted ("hour 4 at the gate", "2 days since we ordered"), nothing "till now".
FACTUAL = (
    r"(?:promised|supposed to (?:arrive|be (?:here|delivered|shipped|fixed|back))|due|expected|"
    r"guaranteed|scheduled|meant to (?:arrive|be here))[^.!?]{0,40}? (?:just|only just|still|"
    r"only now|now) (?:been )?(?:dispatched|shipped|posted|sent|processing|being processed|"
    r"preparing|leaving|left)",
    r"(?:hour|day|week|month|night) (?:\d+|two|three|four|five|six|seven|eight|nine|ten) (?:at|on|"
    r"in|stuck|waiting|still|and still|of (?:no|waiting|being|trying|not))",
    _TIME + _SPAN + r" (?:since (?:i|we|my|our) |after (?:i|we) )(?:ordered|paid|called|emailed|"
    r"booked|reported|returned|sent|applied|submitted|placed|bought|raised|contacted|complained)|"
    + _TIME
    + _SPAN
    + r" and counting",
    r"no (?:\w+ ){1,2}(?:till|until|up to|as of) (?:now|date|today)|(?:still )?no (?:reply|"
    r"response|respon|answer|refund|update|call|email|word|news|sign|delivery|parcel|package|"
    r"engineer|technician|one) (?:yet|so far|to date|whatsoever)",
    r"(?:says|said|shows?|showing|marked(?: as)?|claims?|tracking says) (?:it(?: was|'s| is)? |"
    r"its |my \w+ (?:was |is )?)?(?:delivered|dispatched|out for delivery)",
    r"(?:do|does|did|will|would)(?:n'?t| not) (?:reply|respond|answer|call back|get back|pick up|"
    r"show up|turn up|bother)|(?:not|stopped|isn'?t|aren'?t|won'?t be) (?:letting|allowing) (?:me|"
    r"us)|(?:did|have|has)(?:n'?t| not) (?:get|received? any|been updated|updated)",
    r"where(?:'s| is| are) (?:the|our|your) (?:\w+ )?(?:update|refund|order|delivery|package|"
    r"parcel|replacement|money|driver|food|reply|response|engineer|technician|compensation|"
    r"callback)",
    r"(?:still )?waiting (?:on|for) (?:a|an|my|our|the|your|any) (?:call ?back|reply|response|"
    r"answer|refund|replacement|engineer|technician|update|delivery|confirmation|resolution)|"
    r"(?:should|was supposed to|were supposed to) (?:have )?(?:been )?(?:received|arrived|"
    r"delivered|refunded|credited|shipped|fixed|here)(?: by| on| last| yesterday| days)|"
    r"(?:do|does|did)(?:n'?t| not) (?:have|get) (?:any )?(?:power|internet|signal|service|wi-?fi|"
    r"connection|network|electricity|water|heating|hot water|coverage|broadband|tv|phone)|"
    r"(?:says|said|saying|shows?|showing|tells? me) (?:that )?(?:my|the|it|its|it'?s|this) "
    r"(?:\w+ )?(?:does ?n'?t|does not|don'?t|do not|is not|isn'?t) "
    r"(?:exist|valid|recogni[sz]ed|found|"
    r"available|eligible)|"
    r"(?:not|wasn'?t|weren'?t|isn'?t|aren'?t) (?:in|inside) (?:the|my|our) (?:bag|bags|box|order|"
    r"package|parcel|delivery)|missing from (?:the|my|our)|ripp(?:ing|ed) (?:\w+ )?off",
)

# Verdicts: opinion words of dissatisfaction about something. Strong when aimed at someone;
# a verdict with no addressee, no writer and no service named ("the Browns are the worst")
# is a rant, not a complaint.
VERDICT = (
    r"worst|terrible|awful|horrible|horrendous|horrid|pathetic|disgusting|disgusted|disgraceful|"
    r"disgrace|unacceptable|ridiculous|appalling|appalled|shocking|shocked|shambles|atrocious|"
    r"abysmal|useless|rubbish|crap|crappy|sucks|suck|sucked|joke|nightmare|dreadful|diabolical|"
    r"incompetent|unprofessional|unreliable|inexcusable|lousy|shoddy|stinks?|unusable|unhelpful|"
    r"impolite|(?:not|wasn'?t|isn'?t|weren'?t) (?:very |at all )?helpful|"
    r"unresponsive|inaccurate|non-?existent|overheat(?:s|ed|ing)?|riddled with|ridden with",
)
# Feelings: the writer's own dissatisfaction, a report of an experience even unaddressed.
FEELING = (
    r"fed up|sick (?:and tired )?of|tired of|had enough|disappointed|disappointing|"
    r"disappointment|let ?down|frustrat(?:ed|ing|ion)|annoyed|annoying|angry|furious|livid|"
    r"outraged|fuming|pissed|unhappy|dissatisfied|upset|gutted|#?nothappy|"
    r"not (?:happy|impressed|satisfied|pleased|ok|okay|good|great|cool|fair|acceptable|right)",
)

# Own doing: the writer's own slip, which makes a refund or a wrong address a request.
OWN_DOING = (
    r"i (?:accidentally|accidently|mistakenly|unknowingly|wrongly) \w+|by (?:mistake|accident)|"
    r"my (?:mistake|bad|fault|error)|i (?:forgot|made a (?:mistake|typo|error))|"
    r"i (?:put|entered|typed|gave|used|chose|selected|picked|ordered) (?:in )?(?:the )?wrong \w+",
)

FAILURE = (
    # delivery and waiting
    r"never (?:arrived|came|received|got|showed up|turned up|delivered|got back|heard back)",
    r"(?:is|was|are|were|running|arrived|came|turned up|showed up) (?:\w+ )?late|"
    r"(?:has|have|had|did)(?:n'?t| not) (?:yet )?(?:arrived|received|come|shown up|turned up|"
    r"been (?:delivered|refunded|sorted|fixed|resolved|answered|contacted)|heard|got|gotten)",
    r"not (?:yet )?(?:arrived|received|delivered|refunded|resolved|sorted|fixed)",
    r"still (?:waiting|not|no|haven'?t|hasn'?t|can'?t|cannot|isn'?t|doesn'?t|don'?t|won'?t|"
    r"didn'?t|nothing|broken|down|missing|the same|same|having|getting|unable|no sign)",
    r"where(?:'s| is| are) my|been waiting|kept waiting|left waiting|waited (?:over |for )?"
    + _TIME
    + _SPAN,
    _TIME + _SPAN + r" (?:late|later|on hold|waiting|wait(?: time)?|and (?:still|no))",
    # no answer
    r"no (?:one|body) (?:has )?(?:replied|responded|answered|called|got(?:ten)? back|helps?|"
    r"cares?)",
    r"(?:did not|didn'?t|have not|haven'?t|has not|hasn'?t|never) (?:yet )?receive[ds]?|"
    r"(?:have not|haven'?t|has not|hasn'?t|not) (?:yet )?(?:had|got|gotten) (?:any|one|it|them|"
    r"anything|a (?:reply|response|refund|call))",
    r"no (?:response|reply|replies|answer|call ?back|feedback|update|help|support|solution|"
    r"resolution|follow[- ]?up|acknowledge?ment)",
    r"(?:haven'?t|hasn'?t|didn'?t|never|not) (?:yet )?(?:heard|replied|responded|got back|"
    r"called (?:me )?back|been (?:contacted|helped))",
    r"ignor(?:ed|ing) (?:me|my|us|our)|on hold|hold music|(?:hung|hangs?|hanging) up on",
    r"(?:please|pls|plz) (?:respond|reply|answer|fix|sort)",
    # things that do not work
    r"(?:not|isn'?t|aren'?t|doesn'?t|don'?t|won'?t|wont|didn'?t|can'?t|cannot|couldn'?t|"
    r"stopped|never|nothing|unable to) ?(?:work|working|worked|load|loading|connect|"
    r"connecting|print|printing|charge|charging|turn on|turning on|power on|powering on|"
    r"switch on|boot|booting|start|starting|open|opening|"
    r"sync|syncing|update|updating|play|playing|download|downloading|install|send|sending|"
    r"accept|accepting|let me)",
    r"(?:has|have|had)(?:n'?t| not) (?:worked|helped|loaded|changed|improved|been working)|"
    r"(?:doesn'?t|does not|never|won'?t|still|no longer) (?:works|loads|connects|charges|syncs|"
    r"opens|starts|updates|responds|turns on)|(?:not|never|no longer) (?:been )?able to "
    r"(?:\w+ ){0,2}(?:use|log ?in|sign ?in|access|connect|get|reach|pay|book|order|find|see|"
    r"download|watch|play|call|cancel|make)|keeps? on (?:crashing|freezing|failing|dropping|"
    r"logging|kicking|signing|buffering|lagging|disconnecting|restarting|cancel\w*|charging|"
    r"asking|sending|happening)|"
    r"(?:can'?t|cannot|unable to|couldn'?t|won'?t let me) (?:log ?in|sign ?in|login|access|"
    r"get (?:in|through|hold)|reach|contact|use|find|cancel|pay|book|order)",
    r"locked out|keeps? (?:crashing|freezing|failing|dropping|disconnecting|cutting out|"
    r"rebooting|restarting|asking)|stopped working|out of (?:service|order|stock again)",
    r"(?:no|lost|losing|without|zero) (?:signal|service|internet|power|wi-?fi|connection|"
    r"network|electricity|water|heating|hot water|coverage|broadband|sound|audio|picture|video|"
    r"display|heat|gas)",
    r"(?:turn(?:s|ing)?|shut(?:s|ting)?|power(?:s|ing)?|switch(?:es|ing)?) (?:itself )?(?:off|"
    r"down) (?:on (?:its|their) own|by itself|randomly)|falling apart|charg(?:ed|ing) (?:me |us )?"
    r"extra|(?:lose|lost|losing) (?:my|our|a) (?:business|custom|customer)",
    # money
    r"charged (?:me )?(?:twice|double|again|for)|double[- ]?charged|over-?charged|"
    r"(?:want|need|demand|waiting for|still no|where is|get) (?:a |my |our )?(?:full )?refund",
    r"refund (?:me|my)|took my money|(?:stole|steal|stealing) (?:my|our)|ripped off|rip-?off|"
    r"fleeced|short-? ?changed|scam(?:med|mers?)?|hidden (?:fees?|charges?)|daylight robbery",
    # quality
    r"broken|broke|faulty|defective|damaged|cracked|smashed|leaking|leaks|mouldy|moldy|"
    r"expired|stale|undercooked|raw in the middle|cold food|not as described|fell apart|ruined",
    r"wrong (?:item|order|size|product|colou?r|address|parcel|food|bill|amount|charge)|"
    r"(?:is|was|were|are|came|arrived|item|part|parts|piece|order) missing",
    r"arrived (?:damaged|broken|late|open|empty)|(?:doesn'?t|does not|didn'?t) (?:fit|match)|"
    r"poor (?:quality|service|customer service|communication)",
    # dissatisfaction beyond the verdicts
    r"(?:fuck|fck|fxck|f\*ck|screw)(?:ed|ing|in'?)? (?:\w+ )?up|(?:not|isn'?t|wasn'?t|no) any "
    r"better|no better than|"
    r"rude|lied|lying|liars?|false advertising|misleading|never again|last time i|"
    r"complain(?:t|ts|ing|ed)?|not good enough|waste of (?:time|money)|"
    r"(?:so|very|really|extremely|too) (?:slow|bad|poor|late)",
    # cancellation and delay
    r"impossible|cuts? (?:you|me|us) off|(?:does|did|do) nothing|mistreat(?:ed|ing)?|"
    r"(?:has|have)n'?t (?:shipped|been shipped|been sent|come back)|not (?:shipped|sent|helped)|"
    r"yet to (?:arrive|receive|ship|hear|get|be)|inconvenien(?:ce|ced|t)|please explain|"
    r"(?:pls|please|plz) (?:take action|look into|sort (?:it|this) out|do something)|"
    r"have (?:this|it) looked (?:at|into)|"
    r"no (?:information|info|notice|warning|explanation)|coming apart|(?:went|go|gone|is) dead|"
    r"died|switched off|overpriced|extortion|lacks?|used to (?:be able|work|be)|"
    r"(?:should|would) have (?:been|had|got)|(?:shouldn'?t|should not) have to|"
    r"messed up|screwed up|not (?:getting|accepted|accepting|received|loading|responding)|"
    r"(?:got|received|heard|done) nothing|no progress|(?:denied|declined|rejected) (?:my|our|the)|"
    r"ignoring (?:me|my|us|our|all)|every (?:single )?time|(?:again and again|over and over)|"
    r"(?:can|could) (?:barely|hardly)|(?:keep|keeps|kept) (?:getting|having|telling|saying)|"
    r"why (?:is|are|does|do|did|can'?t|won'?t|isn'?t|doesn'?t|hasn'?t|haven'?t|would|should|"
    r"was|were|am|has|have|on earth|the hell|you|u|not)|"
    r"#(?:\w*(?:sucks|fail)\w*|badservice|poorservice|neveragain|fixit|notimpressed|unacceptable|"
    r"disappointed|frustrated|angry|annoyed|worstservice|customerservicefail)|"
    r"(?:is|are|been|still|goes|keeps going) down|let (?:me|us) down|"
    r"(?:went|gone|going|goes|keeps going) off again|(?:was|got|been|keep getting) "
    r"cut off|(?:doesn'?t|don'?t|didn'?t) seem to (?:be )?\w+|won'?t (?:get|go) past|"
    r"(?:want|need|demand|asking for|request(?:ed)?|still no|where is) (?:a |my |an |some )?"
    r"(?:replacement|compensation|explanation|answer|callback|call back|apology)|"
    r"(?:keeps?|kept) (?:logging|kicking|signing|throwing) (?:me|us) (?:out|off)|"
    r"(?:kicks?|kicked|logs?|logged|throws?|threw) (?:me|us) (?:off|out)|"
    r"(?:keeps?|kept) (?:lagging|buffering|loading|glitching|timing out|going off|cancel+ing|"
    r"disconnecting|dropping|stopping|breaking)|"
    r"(?:been|was|were|being|get|got|feel|keep getting) ignored|needs? to be (?:fixed|escalated|"
    r"sorted|addressed|resolved|looked at)|(?:will not|won'?t|never) be (?:renewing|using|buying|"
    r"returning|recommending|ordering|flying|shopping)|(?:would|will|do|can)(?:n'?t| not) "
    r"recommend|not recommended|price (?:hike|increase|rise|gouging)|"
    r"(?:several|multiple|many|countless|numerous|so many) (?:times|emails|calls|attempts|"
    r"messages|complaints|tweets)|"
    r"refus(?:ed|es|ing) to|won'?t let (?:me|us)|(?:no|without (?:a|any)) reason(?: given)?|"
    r"not (?:being|been|shown|showing|displayed|available|allowed|possible|included|honou?red|"
    r"appearing|running)|"
    r"(?:getting|even|much|way|any) worse|worse than|(?:no|any) (?:longer|more) (?:working|works|"
    r"available|charging|loading)|(?:please|pls|plz|kindly) (?:resolve|refund|escalate|check|"
    r"assist|investigate|update me|advise)|"
    r"cancel+ed (?:my|our|the|a) \w+|(?:flight|train|order|bus|delivery|booking|service) "
    r"(?:was |is |has been |got )?(?:cancel+ed|delayed|late)|(?:late|delayed) again",
)

# A broken expectation: facts of failure first, then the verdicts (same family, "b").
BREACH = (*FACTUAL, *FAILURE, *VERDICT, *FEELING)

# Waiting, said with time: "since Monday", "for 3 days", "the third time", "all week".
WAITING = (
    r"since (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|last \w+|"
    r"this morning|the (?:update|weekend|\d+\w*)|\d+(?:st|nd|rd|th)?|early|noon|then|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*)",
    r"for (?:over |more than |almost |nearly |the (?:last|past) )?" + _TIME + _SPAN + r"(?: now)?",
    r"(?:second|third|fourth|fifth|2nd|3rd|4th|5th|\d+th) time|(?:all|every) (?:day|week|night)|"
    r"(?:days|weeks|months) (?:now|later)|no longer|any longer|anymore|"
    r"(?:it'?s|its|it has|it'?s already|has) been (?:like |over |almost |nearly |more than )?"
    + _TIME
    + _SPAN,
)

# Questions about a problem: "when will...", "how long until...", "what is going on".
PROBLEM_QUESTION = (
    r"when (?:will|can|are|is) (?:i|we|you|it|this|my|our|the)|"
    r"how (?:long|much longer|many more|come)|how (?:is|are) (?:this|that|it) (?:ok|okay|fair|"
    r"acceptable|legal|possible)|what(?:'s| is| the hell is) (?:going on|happening|wrong|up with)|"
    r"any (?:updates?|news|eta|reason|idea why|chance|suggestions|fix|solution)|"
    r"what (?:kind|type|sort) of (?:service|support|company|customer service) is (?:this|that)|"
    r"(?:are|is) (?:you|anyone) (?:guys )?aware|what (?:is|are) (?:this|you (?:playing at|doing))|"
    r"(?:can|could|will) (?:you|someone|anyone|"
    r"somebody) (?:please )?(?:help|assist|fix|sort|look into|explain|tell me why)|"
    r"need (?:help|assistance|someone to)|is (?:there|this) (?:a problem|an issue|"
    r"an outage|a fault)|is (?:anyone|anybody) (?:else|there|home|working)|(?:are|do|does|is) "
    r"(?:you|your|it) (?:even|actually|really)",
    # Questions that are complaints: "what gives?", "is this normal?", "when will it be back?"
    r"what gives|is (?:this|that|it) (?:normal|a joke|right|legal|acceptable|fair|ok|okay|how you)|"
    r"when (?:will|is|are|does) (?:\w+ ){1,3}(?:be )?back (?:on|up)|"
    r"(?:any|are there) (?:fix(?:es)?|updates?|news|patch) (?:coming|planned|on (?:this|that|it))|"
    r"anything (?:i|we|you) can do|what(?:'s| is) (?:happening|going on) (?:to|with|at)|"
    r"what (?:is|'s) (?:this|that)\?|(?:is|are) (?:you|they) (?:serious|kidding|joking)|"
    r"(?:seriously|really)\?|"
    r"why (?:is|does|do|did|can'?t) (?:it|this|my|our) (?:\w+ )?(?:take|keep)",
)

# The brand spoken to directly ("you guys", "your app") — a complaint only with a negative stance.
ADDRESS = (
    r"(?:you|u|y'?all) (?:guys|people|lot|folks)|your (?:customer (?:service|care|support)|"
    r"service|support|staff|team|company|app|website|site|system|product|products|store|"
    r"stores|employees?|agents?|reps?|driver|drivers|people|policy|policies|delivery|"
    r"shipping|network|servers?|prices?|update|software|phone line|call cent(?:er|re))",
)

# What complaints are about, when it is the writer's own ("my order", "our bill").
ISSUE = (
    r"(?:my|our) (?:order|orders|refund|delivery|account|bill|package|parcel|payment|card|"
    r"subscription|internet|money|booking|reservation|flight|luggage|bags?|claim|ticket|item|"
    r"items|purchase|device|router|connection|service|plan|phone|laptop|car|data|points|"
    r"credit|balance|invoice|case|complaint|email|emails|messages?|call|calls)",
)

PROBLEM = (
    r"issues?|problems?|errors?|glitch(?:es)?|bugs?|buggy|crash(?:es|ed|ing)?|freez(?:es|ing)|"
    r"fix(?:ed)?|fail(?:s|ed|ing|ure)?|down|outage|slow|lost|stuck|stranded|late|delay(?:ed|s)?|"
    r"cancel+(?:ed|ing|ation)?|missing|wrong|refund|charged|again|waiting|still|hate|mess|"
    r"messed|bad|poor|ugh|wtf|seriously|apparently|supposed to|should(?:n'?t)? have|even|"
    r"no one|nobody|never|paid|days|weeks|months|hours|why|how come|what happened|"
    r"what'?s going on|help|explain|prob|dead|drain(?:s|ed|ing)|flicker\w*|safe|legit|"
    r"nothing|yet|stopped|properly|twice|times|wait|waited|hold|complicated|difficult|"
    r"what'?s going on|help|smh|tf|fml|nasty|confusing|invalid|denied|declined|rejected|"
    r"awaiting|any (?:answer|update|response|reply|news|progress|feedback)|really\?|"
    r"(?:supposed|meant|promised) to|having to|had to|(?:you|u|they) (?:should|need to|must) "
    r"(?:send|give|refund|replace|fix|sort|change|update|improve|pay)|cant|can'?t|cannot|"
    r"won'?t|doesn'?t|didn'?t|isn'?t|unable|bring (?:back|it back)|what the (?:fuck|hell|heck|f)|"
    r"(?:i|we) (?:really )?miss (?:the old|having|being able)|(?:used|supposed) to be better",
)

PRAISE = (
    r"thanks?|thank you|thx|ty|cheers|love|loving|loved|great|awesome|amazing|excellent|"
    r"brilliant|fantastic|wonderful|perfect|best|well done|kudos|shout ?out|congrat\w*|"
    r"appreciat\w*|impressed|happy|glad|enjoy\w*|beautiful|delicious|yay",
)

QUESTION = (
    r"how (?:do|can|to|does|long|much|many)|(?:can|could|may) (?:i|we|you)|is (?:there|it)|"
    r"are (?:there|you)|do (?:you|i|we)|does (?:it|this|the)|what (?:is|are|time|does)|"
    r"when (?:is|are|does|do|will)|where (?:can|do|is)|will (?:there|you|it)|any (?:idea|news|"
    r"plans)|would (?:you|it)|which",
)

_FAMILIES = (
    ("n", NEGATED),
    ("x", SARCASM),
    ("y", MAYBE_SARCASM),
    ("o", OWN_DOING),
    ("b", BREACH),
    ("w", WAITING),
    ("k", PROBLEM_QUESTION),
    ("p", PROBLEM),
    ("g", PRAISE),
    ("q", QUESTION),
)

# Every family in one alternation, in the order above (earlier wins at the same position).
CUE_SOURCES = tuple(p for _, fam in _FAMILIES for p in fam)
# Who and what a post is about overlap other cues ("are you guys aware", "my flight was
# cancelled"), so the brand addressed and the writer's issue nouns get a pass of their own.
TARGET_SOURCES = (*ADDRESS, *ISSUE)
_family = classifier(_FAMILIES, "p")
_verdict = classifier((("v", VERDICT),), "")


def is_verdict(phrase: str) -> bool:
    """Whether a breach phrase is an opinion word (VERDICT) rather than a reported failure."""
    return _verdict(phrase) == "v"


class Cues(NamedTuple):
    """What one pass over the text found, each family in order of appearance, deduplicated.

    A NamedTuple rather than a frozen dataclass: one is built per post, and a frozen
    dataclass pays an `object.__setattr__` call for each of its ten fields.
    """

    breach: tuple[str, ...] = ()
    problem: tuple[str, ...] = ()
    sarcasm: tuple[str, ...] = ()
    negated: tuple[str, ...] = ()
    praise: tuple[str, ...] = ()
    question: bool = False
    waiting: tuple[str, ...] = ()
    problem_question: tuple[str, ...] = ()
    address: tuple[str, ...] = ()
    issue: tuple[str, ...] = ()
    own: tuple[str, ...] = ()  # the writer's own slip ("i accidentally ...")


_EMPTY = Cues()
_QUESTION = Cues(question=True)


def normalize(text: str) -> str:
    """Lower-case, with typographic apostrophes made plain so "don’t" reads as "don't"."""
    lower = text.lower()
    if "\u2019" in lower:
        lower = lower.replace("\u2019", "'")
    return lower


def cues_from(lower: str, phrases: list[str], targets: list[str]) -> Cues:
    """The Cues of a text from its cue phrases and its target phrases, in order of appearance."""
    question = "?" in lower
    issue: tuple[str, ...] = ()
    address: tuple[str, ...] = ()
    if targets:
        unique = dict.fromkeys(targets) if len(targets) > 1 else targets
        issue = tuple(t for t in unique if t.startswith(_MINE))
        address = tuple(t for t in unique if not t.startswith(_MINE))
    if not phrases:
        if issue or address:
            return Cues(question=question, issue=issue, address=address)
        return _QUESTION if question else _EMPTY
    # Only the families present get a list: a post has one to three cue phrases.
    found: dict[str, list[str]] = {}
    for phrase in phrases:
        key = _family(phrase)
        bucket = found.get(key)
        if bucket is None:
            found[key] = [phrase]
        elif phrase not in bucket:
            bucket.append(phrase)
    get = found.get
    breach = get("b", _NONE)
    problem = get("p", _NONE)
    maybe = get("y", _NONE)
    praise = get("g", _NONE)
    sarcasm = get("x", _NONE)
    if maybe:
        if breach or problem:
            sarcasm = [*sarcasm, *maybe]
        else:
            praise = [*praise, *maybe]
    problem_question = get("k", _NONE)
    return Cues(
        tuple(breach),
        tuple(problem),
        tuple(sarcasm),
        tuple(get("n", _NONE)),
        tuple(praise),
        question or "q" in found or bool(problem_question),
        tuple(get("w", _NONE)),
        tuple(problem_question),
        address,
        issue,
        tuple(get("o", _NONE)),
    )


_NONE: list[str] = []  # never changed: stands for a family not found
_MINE = ("my ", "our ")
