"""The force table: which stated forces call for which tactic, with weights (evaluated by `forces.py`).

Weights: 2 = a force that on its own justifies the tactic, 1 = a supporting force that needs a second one,
negative = a force against it. Thresholds are per signal. Text cues are case-insensitive regexes over single
requirement/description sentences; keep them about the *force* (compliance, fan-out, burst, residency ...),
never about one domain's wording.
"""

from __future__ import annotations

from graphs.architecture.forces import Cue, Signal
from graphs.architecture.profile import Profile

SMALL_SCALE_RPS = 50.0


def _small_and_quiet(p: Profile) -> bool:
    return p.small_team() and p.peak_rps < SMALL_SCALE_RPS


def _high_stated_rate(p: Profile) -> bool:
    return (p.stated_rps or 0) >= 100


AUDIT_LOG = Signal("audit_log", 2.0, (
    Cue("compliance regime requires an access/change trail", 2, text=(
        r"\b(?:PCI(?:[- ]?DSS)?|HIPAA|SOX|Sarbanes|SOC ?2|ISO ?27001|FedRAMP|FINRA|MiFID|21 CFR|GxP|EU MDR|"
        r"eIDAS|AML|KYC)\b")),
    Cue("GDPR accountability (records of processing)", 1, text=r"\bGDPR\b|\bCCPA\b"),
    Cue("auditors, regulators or legal evidence", 2, text=(
        r"\baudit\w*|\bregulators?\b|legal(?:ly)? (?:evidence|proof|hold|binding)|evidence trail|"
        r"evidentiary|non[- ]repudiation|forensic|chain of custody|disputes?\b")),
    Cue("immutable / append-only history", 2, text=(
        r"\bimmutable\b|append[- ]only|tamper[- ](?:evident|proof)|write[- ]once|\bWORM\b|"
        r"cannot be (?:altered|changed|edited|deleted)")),
    Cue("who changed what must be answerable", 2, text=(
        r"\bwho (?:did|changed|approved|accessed|viewed|edited|signed|deleted)\b|traceab\w*|"
        r"\bevery (?:\w+ ){0,3}(?:is |are |gets? )?(?:logged|recorded|tracked)\b|"
        r"(?:full|complete|entire) (?:\w+ ){0,2}(?:history|trail)|change history|provenance")),
    Cue("four-eyes approval / sign-off", 2, text=(
        r"\bsigns? off\b|sign[- ]off|second (?:marker|approver|reviewer|signature)|four[- ]eyes|"
        r"maker[- ]checker|dual (?:approval|control)")),
    Cue("money movements / ledger postings", 1, text=r"\bledgers?\b|double[- ]entry|postings?\b|payouts?\b|"
                                                      r"reconcil\w*|chargebacks?"),
    Cue("medical or personal records access", 1, text=r"(?:medical|patient|health|clinical) records?|\bEHR\b|"
                                                        r"\bEMR\b|prescriptions?"),
))

PUBLISH_SUBSCRIBE = Signal("publish_subscribe", 2.0, (
    Cue("several downstream consumers of the same events", 2, text=(
        r"\bconsum(?:e|es|ed|ers?)\b(?! (?:goods|products|electricity|energy|power))|subscribe\w* to\b|"
        r"\bdownstream\b|fan[- ]?out|broadcast\w*|domain events|business events|event[- ]driven")),
    Cue("state changes propagate to other systems within a bound", 2, text=(
        r"\b(?:changes?|updates?|balances?|stock|levels?|status\w*|inventory|availability|prices?|events?|"
        r"points)\b[^.]{0,60}\b(?:reach\w*|pushed|propagat\w*|reflected|visible|synced|synchroni[sz]ed|"
        r"replicated|appear\w*)\b[^.]{0,80}\bwithin\b")),
    Cue("systems kept consistent or in sync", 2, text=(
        r"\b(?:both|all|the two|these) (?:\w+ ){0,2}(?:stay|remain|are kept|kept) (?:consistent|in sync)\b|"
        r"\bsynchroni[sz]\w* (?:with|between|across)")),
    Cue("another team's service reacts asynchronously", 2, text=(
        r"(?:owned|run|built|maintained) by (?:another|other|a different|separate) teams?|"
        r"\b(?:call(?:ed|s)?|invoked?|notif(?:y|ied)|inform(?:ed)?) (?:\w+ ){0,2}asynchronously|"
        r"\bdecoupl\w*|react(?:s|ing)? to\b|listens? (?:to|for)\b")),
    Cue("a continuous stream of business events", 1, text=(
        r"\bas a stream\b|streams? of (?:events|transactions|updates|changes)|event streams?|"
        r"\w+ events (?:per|a|/) (?:second|minute)")),
    Cue("external partners or channels integrate", 1, text=(
        r"\bwebhooks?\b|channel managers?|sales channels|marketplaces|partners?'? (?:systems|apis)|"
        r"clients'? systems|"
        r"\bconnectors?\b|\b(?:ERP|CRM|POS)\b")),
    Cue("a message broker is part of the given stack", 1, stack=(
        r"kafka|rabbitmq|rabbit|amqp|sqs|sns|nats|pub/?sub|kinesis|mqtt|ibm mq|activemq|event ?hubs?|redpanda")),
    Cue("small team at small scale", -1.5, fact=_small_and_quiet, cite=("team_size",)),
))

LOAD_LEVELING = Signal("load_leveling", 2.0, (
    Cue("bursty or spiky demand", 1, fact=lambda p: p.bursty, cite=("scalability",)),
    Cue("demand concentrated in a deadline or shared window", 1, text=(
        r"deadline[- ](?:day|week|hour|night)|(?:before|near|at|on) the deadline|"
        r"\blast (?:\w+ ){0,2}(?:days?|weeks?|hours?) before|same (?:\w+[- ])?(?:hours?|windows?|time|"
        r"minute)\b|\ball at once\b|simultaneous\w*|\brush\b|\bopens? at\b")),
    Cue("mass creation of work at once", 2, text=(
        r"\b(?:creates?|generates?|enqueues?|triggers?|sends?|produces?) (?:\d{1,3}(?:,\d{3})+|\d{4,}|"
        r"\d+(?:\.\d+)?\s*(?:k|thousand|million)\b)\s*(?:\w+ ){0,2}\w+s\b|\bat once\b|\bbulk\b|"
        r"\bmass (?:\w+ )?(?:import|export|mailing|update)")),
    Cue("slow, failure-prone or rate-limited downstream work", 1, text=(
        r"\b(?:slow|unreliable|flaky|sometimes down|often down|time ?outs?)\b|rate[- ]limit\w*|\bquotas?\b|"
        r"throttl\w*|limit how often")),
    Cue("work can complete after the request (retries, later delivery)", 1, text=(
        r"\bbackground\b|process(?:ed)? later|at[- ]least[- ]once|\bretr(?:y|ies)\b|\bqueued?\b|"
        r"\bbatch(?:es)?\b")),
    Cue("stated peak rate of writes or events", 1, fact=_high_stated_rate, cite=("throughput",)),
    Cue("accepted work must never be lost", 1, fact=lambda p: p.durability, cite=("durability",)),
    Cue("small team at small scale", -1, fact=_small_and_quiet, cite=("team_size",)),
))

CQRS = Signal("cqrs", 3.0, (
    Cue("one consolidated view assembled from many sources", 2, text=(
        r"\b(?:one|single|unified|consolidated|360|global) (?:\w+ )?(?:view|picture) of\b|"
        r"aggregat\w* (?:from|across) (?:\d[\d,]*|many|several|multiple|all)")),
    Cue("query-shaped read side (search, map, filters, dashboards)", 1,
        fact=lambda p: p.has("search") or p.has("analytics") or (p.has("geo") and p.has("catalog"))),
    Cue("continuous stream of writes/updates", 1, fact=lambda p: p.has("ingestion") or (p.stated_rps or 0) >= 1000,
        cite=("throughput",)),
    Cue("read load far above write load", 1, fact=lambda p: (p.read_ratio or 0) >= 10 or p.peak_rps >= 10_000,
        cite=("read_write_ratio", "throughput")),
    Cue("explicit read models / projections", 2, text=r"read models?|projections?|\bcqrs\b|materiali[sz]ed views?|"
                                                      r"denormali[sz]ed (?:view|copy|read)"),
    Cue("small team", -2, fact=lambda p: p.small_team(), cite=("team_size",)),
    Cue("small scale", -1, fact=lambda p: p.peak_rps < SMALL_SCALE_RPS),
))

MULTI_REGION = Signal("multi_region", 2.0, (
    Cue("survive the loss of a whole region", 2, text=(
        r"\bregion(?:al)? (?:outage|failure|loss|down)|(?:single|one|a|any|entire) region (?:failure|outage|"
        r"goes down|is down)|(?:loss|lose|survive|failure) of (?:a|an|one|any) (?:\w+ )?region|"
        r"cross[- ]region")),
    Cue("availability beyond one region (99.99 %+)", 2, fact=lambda p: (p.availability or 0) >= 99.99,
        cite=("availability",)),
    Cue("users served from several regions", 2, text=(
        r"\b(?:in|across|from) (?:\d+|two|three|four|five|six|several|multiple|many) (?:\w+ )?"
        r"(?:regions|continents)\b")),
    Cue("audience spread over many countries", 1, text=r"\b(?:\d{2,}|several|many|multiple) countries\b|"
                                                        r"multinational"),
    Cue("data residency per jurisdiction", 2, text=(
        r"\b(?:stays?|stored|kept|resides?|remains?|hosted) in (?:the|its|their|each) (?:\w+ )?(?:region|country|"
        r"jurisdiction) (?:of|where)\b|per[- ](?:region|country|jurisdiction) (?:data )?residen\w*|"
        r"in[- ]country (?:storage|hosting|processing)|data residency (?:in|across|per|for) (?:each|every|"
        r"several|multiple)")),
    Cue("global audience", 1, fact=lambda p: p.global_, cite=("global",)),
    Cue("global audience with a latency target", 1, fact=lambda p: p.global_ and p.latency_ms is not None,
        cite=("latency",)),
    Cue("small team or tight budget", -1, fact=lambda p: p.small_team() or p.cost_sensitive,
        cite=("team_size", "cost")),
))

SERVERLESS = Signal("serverless", 3.0, (
    Cue("near-zero running cost / pay per use", 3, text=(
        r"\b(?:zero|no|free|minimal|near[- ]zero) (?:\w+ )?(?:hosting|running|infrastructure|server) costs?\b|"
        r"\b(?:runs?|hosted|host) (?:for )?free\b|nearly free|free tier|pay[- ](?:per[- ]use|as[- ]you[- ]go)|"
        r"scales? to zero|nothing when idle")),
    Cue("sporadic, event- or schedule-triggered work", 2, text=(
        r"\b(?:one|a|single|few) (?:scheduled |nightly |daily )?(?:jobs?|runs?|tasks?) (?:a|per|each) "
        r"(?:day|week|hour|month)\b|\bonce an? (?:day|week|month)\b|triggered (?:by|on)")),
    Cue("work arrives as chat-platform events", 1, text=(
        r"\b(?:in|via|from) (?:slack|microsoft teams|discord|telegram)\b|"
        r"\b(?:slack|discord|telegram|chat) ?(?:bots?|apps?|commands?)\b")),
    Cue("a serverless or backend-as-a-service platform is given", 2, stack=(
        r"firebase|supabase|apps script|google apps script|netlify|vercel|cloudflare workers|lambda|"
        r"cloud functions|azure functions|serverless")),
    Cue("very low load for a small team", 1, fact=lambda p: p.small_team() and p.peak_rps < 200,
        cite=("team_size",)),
    Cue("long-lived connections or long jobs", -2, fact=lambda p: p.real_time or p.has("media_processing"),
        cite=("real_time",)),
))

EVENT_STREAM = Signal("event_stream", 1.0, (
    Cue("events arrive as a continuous stream", 1, text=(
        r"\bas a stream\b|streams? of (?:events|transactions|updates|readings)|event streams?|"
        r"\w+ events (?:per|a|/) (?:second|minute)|(?:app|usage|listening|click|user|behaviou?ral) events")),
    Cue("device or telemetry ingestion", 1, fact=lambda p: p.has("ingestion")),
))

STREAM_PROCESSING = Signal("stream_processing", 2.0, (
    Cue("continuous detection or aggregation shortly after each event", 2, text=(
        r"\bwithin \d+\s*(?:s|sec|seconds?|min|minutes?) of (?:a|an|each|every|the)\b|near[- ]real[- ]time|"
        r"\b(?:rolling|sliding|tumbling|windowed)\b|\btrends?\b|deteriorat\w*|anomal\w*|"
        r"real[- ]time (?:features?|aggregat\w*|scoring|pipeline|analytics|detection|fraud)|"
        r"streaming (?:features?|aggregat\w*|analytics|pipeline)")),
    Cue("stream processor in the given stack", 2, stack=r"flink|kafka streams|ksqldb|spark streaming|beam"),
))

MOBILE_CLIENT = Signal("mobile_client", 1.0, (
    Cue("mobile devices named", 1, text=(
        r"\b(?:mobile|ios|android|iphones?|ipads?|smartphones?|tablets?|handhelds?|hand-held|app stores?|"
        r"play store|push notifications?|in[- ]app)\b")),
    Cue("end users act through an app", 1, text=(
        r"\b(?:in|via|from|through|on|using|with) (?:an|the|their|our|a) "
        r"(?!(?:web|slack|teams|desktop|admin|internal|back[- ]office)\b)(?:\w+ )?app\b")),
    Cue("a mobile toolkit is in the stack", 1, stack=(
        r"android|ios|swift|swiftui|kotlin|flutter|react native|xamarin|expo|jetpack compose")),
))

DEPENDENCY_FAILURE = Signal("dependency_failure", 1.0, (
    Cue("external dependency is slow, down or rate-limited", 1, text=(
        r"\b(?:apis?|providers?|suppliers?|partners?|carriers?|endpoints?|services?|gateways?)\b[^.]{0,60}"
        r"\b(?:slow|unreliable|flaky|down|time ?outs?|rate[- ]limit\w*|quotas?|limit how often)\b|"
        r"\b(?:slow|unreliable|flaky)\b[^.]{0,30}\b(?:apis?|providers?|suppliers?|partners?|endpoints?)\b")),
))

DUPLICATE_EFFECTS = Signal("duplicate_effects", 2.0, (
    Cue("side effects must happen exactly once", 2, text=(
        r"\bexactly[- ]once\b|\bat[- ]least[- ]once\b|\bduplicat\w*|\btwice\b|double[- ](?:charg|book|spend|"
        r"count|bill)\w*|\batomic(?:ally)?\b")),
))

LEGACY_MIGRATION = Signal("legacy_migration", 2.0, (
    Cue("an old system is replaced incrementally", 2, text=(
        r"\b(?:cobol|mainframe|as/?400)\b|\d+[- ]year[- ]old (?:\w+ ){0,3}(?:system|platform|application)|"
        r"will be replaced|replac\w* (?:the |our |an? )?(?:old|existing|legacy|current)|big[- ]bang|"
        r"\bcut ?over\b")),
))

SIGNALS: tuple[Signal, ...] = (AUDIT_LOG, PUBLISH_SUBSCRIBE, LOAD_LEVELING, CQRS, MULTI_REGION, SERVERLESS,
                               EVENT_STREAM, STREAM_PROCESSING, MOBILE_CLIENT, DEPENDENCY_FAILURE, DUPLICATE_EFFECTS,
                               LEGACY_MIGRATION)
