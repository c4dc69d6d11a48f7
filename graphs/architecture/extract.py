"""Requirement extraction: functional requirements, quality attributes (with numbers and units) and constraints.

Pure functions over text. Ids are stable within one call: FR-n, QA-n, C-n in order of appearance (description
first, then the explicit requirement list).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from graphs.architecture.schema import Requirement

_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9}
_NUM = r"(\d+(?:[.,]\d+)*)"
_MULT = r"\s*(k|m|mm|b|thousand|million|billion)?\b"


def parse_number(raw: str, scale: str | None = None) -> float:
    """'1,500' -> 1500.0; '2.5' with scale 'million' -> 2.5e6."""
    value = float(raw.replace(",", ""))
    return value * _SCALE.get((scale or "").lower(), 1.0)


@dataclass(frozen=True)
class Quality:
    """One quality attribute found in a sentence."""

    attribute: str
    value: float | None = None
    unit: str | None = None


Matcher = Callable[[str], list[Quality]]

_NINES = {"two nines": 99.0, "three nines": 99.9, "four nines": 99.99, "five nines": 99.999}


def _availability(s: str) -> list[Quality]:
    out = []
    for m in re.finditer(r"(\d{2}(?:\.\d+)?)\s*%\s*(?:uptime|availability|available|sla|slo)?", s, re.I):
        if float(m.group(1)) >= 90 and re.search(r"uptime|availab|sla|slo|nines|downtime", s, re.I):
            out.append(Quality("availability", float(m.group(1)), "%"))
    for phrase, value in _NINES.items():
        if phrase in s.lower():
            out.append(Quality("availability", value, "%"))
    if not out and re.search(r"\b(highly available|high availability|no downtime|zero downtime)\b", s, re.I):
        out.append(Quality("availability", 99.9, "%"))
    return out[:1]


def _latency(s: str) -> list[Quality]:
    m = re.search(
        r"(?:(p\d{2,3})\b[^0-9]{0,25}|(?:latency|respond|response time|load|render)[^0-9]{0,30})"
        r"(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|sec|seconds?)\b",
        s,
        re.I,
    )
    if not m:
        return []
    value = float(m.group(2))
    unit = m.group(3).lower()
    if not unit.startswith("m"):
        value *= 1000
    pct = (m.group(1) or "p95").lower()
    return [Quality("latency", value, f"ms {pct}")]


_RATE_UNITS = (
    r"(rps|qps|tps|req/s|requests?\s*(?:per|/|a)\s*(second|sec|s|minute|min|hour|day)|"
    r"(?:transactions|events|messages|writes|reads|orders|queries|calls|payments|bookings|jobs|readings|uploads|"
    r"searches|clicks|logins|tickets|donations|api calls|emails|notifications|invoices|payouts|shipments|documents|"
    r"files|images|photos|videos|deliveries|rides|trips|bids|sessions|records|rows|updates|uploads)\s*(?:per|/|a)\s*"
    r"(second|sec|s|minute|min|hour|day|week|month))"
)
_PER = {"second": 1, "sec": 1, "s": 1, "minute": 60, "min": 60, "hour": 3600, "day": 86400, "week": 604800,
        "month": 2_592_000}


# Any countable work item per time unit ("300 scans per second"), when the named units above do not match.
_GENERIC_RATE = re.compile(_NUM + _MULT + r"\s*(?:[a-z-]+\s+)?([a-z]+s)\s*(?:per|/|an?)\s*"
                           r"(second|sec|minute|min|hour)\b", re.I)
_NOT_WORK = {"times", "days", "hours", "minutes", "seconds", "weeks", "months", "years", "users", "people",
             "dollars", "euros", "percent", "meters", "kilometers", "miles", "bytes", "megabytes", "gigabytes"}


def _throughput(s: str) -> list[Quality]:
    m = re.search(_NUM + _MULT + r"\s*" + _RATE_UNITS, s, re.I)
    if not m:
        g = _GENERIC_RATE.search(s)
        if g is None or g.group(3).lower() in _NOT_WORK:
            return []
        value = parse_number(g.group(1), g.group(2)) / _PER.get(g.group(4).lower(), 1)
        return [Quality("throughput", round(value, 3), "req/s")]
    per = (m.group(4) or m.group(5) or "second").lower()
    value = parse_number(m.group(1), m.group(2)) / _PER.get(per, 1)
    return [Quality("throughput", round(value, 3), "req/s")]


_DEVICE_NOUNS = {"devices", "sensors", "thermostats", "meters", "vehicles", "vans", "trucks", "trackers", "cameras",
                 "machines"}


def _users(s: str) -> list[Quality]:
    m = re.search(
        _NUM + _MULT + r"\s*(daily|monthly|concurrent|registered)?\s*(?:active\s+)?"
        r"(?:(?:smart|connected|iot|field|edge|gps|delivery)\s+)?(users|customers|subscribers|"
        r"members|players|patients|drivers|riders|students|viewers|readers|visitors|learners|employees|merchants|"
        r"citizens|devices|sensors|thermostats|meters|vehicles|vans|trucks|trackers|cameras|machines|tenants)",
        s,
        re.I,
    )
    if not m:
        m2 = re.search(_NUM + _MULT + r"\s*(dau|mau)\b", s, re.I)
        if not m2:
            return []
        kind = "daily" if m2.group(3).lower() == "dau" else "monthly"
        return [Quality("users", parse_number(m2.group(1), m2.group(2)), f"{kind} users")]
    kind = (m.group(3) or "monthly").lower()
    if kind == "registered":
        kind = "monthly"
    noun = "devices" if m.group(4).lower() in _DEVICE_NOUNS else "users"
    return [Quality("users", parse_number(m.group(1), m.group(2)), f"{kind} {noun}")]


_SIZE = {"kb": 1e-6, "mb": 1e-3, "gb": 1.0, "tb": 1e3, "pb": 1e6}


def _data_size(s: str) -> list[Quality]:
    out = []
    for m in re.finditer(r"(\d+(?:\.\d+)?)\s*(kb|mb|gb|tb|pb)\b(\s*(?:per|a|/|each)\s*(day|month|year))?", s, re.I):
        gb = float(m.group(1)) * _SIZE[m.group(2).lower()]
        if m.group(3):
            out.append(Quality("data_growth", gb, f"GB/{m.group(4).lower()}"))
        elif not re.search(r"(file|upload|image|video|attachment|document)s?\s*(up to|of up to|max|limit)", s, re.I):
            out.append(Quality("data_size", gb, "GB"))
    first: dict[str, Quality] = {}
    for q in out:
        first.setdefault(q.attribute, q)
    return list(first.values())


def _retention(s: str) -> list[Quality]:
    m = re.search(r"(?:retain|retention|keep|kept|store[d]?|archive[d]?)\D{0,40}?(\d+)\s*(days?|months?|years?)", s, re.I)
    if not m:
        return []
    unit = m.group(2).lower().rstrip("s")
    days = int(m.group(1)) * {"day": 1, "month": 30, "year": 365}[unit]
    return [Quality("retention", float(days), "days")]


def _read_write(s: str) -> list[Quality]:
    m = re.search(r"(\d+)\s*:\s*(\d+)\s*(?:read[s]?\s*(?:to|:|/)\s*write|read/write|r/w)", s, re.I)
    if m:
        return [Quality("read_write_ratio", float(m.group(1)) / max(float(m.group(2)), 1.0), "reads per write")]
    m = re.search(r"(\d{1,2})\s*%\s*(?:of\s+)?(?:traffic\s+)?(?:is\s+|are\s+)?reads?\b", s, re.I)
    if m and 0 < int(m.group(1)) < 100:
        return [Quality("read_write_ratio", round(int(m.group(1)) / (100 - int(m.group(1))), 2), "reads per write")]
    if re.search(r"read[- ]heavy|mostly reads", s, re.I):
        return [Quality("read_write_ratio", 10.0, "reads per write")]
    if re.search(r"write[- ]heavy|mostly writes|writes? dominate", s, re.I):
        return [Quality("read_write_ratio", 0.2, "reads per write")]
    return []


def _keyword(attribute: str, pattern: str, unit: str | None = None) -> Matcher:
    rx = re.compile(pattern, re.I)

    def match(s: str) -> list[Quality]:
        m = rx.search(s)
        return [Quality(attribute, None, unit or m.group(0).strip().lower())] if m else []

    return match


def _compliance(s: str) -> list[Quality]:
    found = re.findall(r"\b(PCI[- ]?DSS|PCI|HIPAA|GDPR|SOC ?2|ISO ?27001|FedRAMP|CCPA)\b", s, re.I)
    names = sorted({f.upper().replace(" ", "").replace("-", "").replace("PCIDSS", "PCI") for f in found})
    return [Quality("compliance", None, n) for n in names]


QUALITY_MATCHERS: tuple[Matcher, ...] = (
    _availability,
    _latency,
    _throughput,
    _users,
    _data_size,
    _retention,
    _read_write,
    _keyword("consistency", r"strong(ly)? consisten\w*|acid|exactly[- ]once|no double[- ]\w+|"
             r"eventual(ly)? consisten\w*|linearizab\w*|serializab\w*"),
    _keyword("security", r"encrypt\w*|authenticat\w*|authori[sz]\w*|\bsso\b|\bmfa\b|2fa|secure|"
             r"audit (log|trail)\w*|role[- ]based|rbac|pii|sensitive data"),
    _compliance,
    _keyword("real_time", r"real[- ]?time|live (updates?|tracking|location|chat|scores?)|websockets?|"
             r"instant(ly)?|streaming updates", "real-time"),
    _keyword("offline", r"offline[- ](first|mode|support|capable)|works? offline|without connectivity|"
             r"intermittent connectivity", "offline"),
    _keyword("global", r"global(ly)?\b|worldwide|multi[- ]region|multiple regions|across (the )?"
             r"(world|continents|regions)|international", "multi-region"),
    _keyword("durability", r"no data loss|never (be )?lost?|must not be lost|never lose|durab\w*|\brpo\b|disaster recovery|backups?"),
    _keyword("scalability", r"elastic\w*|auto[- ]?scal\w*|spik\w*|burst\w*|seasonal|flash sales?|"
             r"unpredictable (load|traffic)|on[- ]sale time|surges?|goes? viral|thundering herd|waiting room|"
             r"fair queu\w*|black friday|\d+x traffic", "bursty"),
    _keyword("auditability", r"audit\w*|explainab\w*|regulator\w*|regulatory|non[- ]repudiation|"
             r"who (did|changed) what", "audit trail"),
    _keyword("privacy", r"personal data|\bpii\b|redact\w*|anonymi[sz]\w*|pseudonymi[sz]\w*|data minimi[sz]\w*|"
             r"right to (be forgotten|erasure)", "personal data"),
    _keyword("tenancy", r"multi[- ]tenan\w*|tenant\w*|white[- ]label\w*|data isolation", "multi-tenant"),
    _keyword("observability", r"observab\w*|monitor\w*|tracing|metrics|alert\w*"),
)


def _team(s: str) -> list[Quality]:
    m = re.search(r"team of (\d+)|(\d+)[- ](?:person|people|developer|engineer|dev)s?\b(?:\s*team)?", s, re.I)
    if not m:
        return []
    return [Quality("team_size", float(m.group(1) or m.group(2)), "people")]


def _cost(s: str) -> list[Quality]:
    m = re.search(r"\$\s?" + _NUM + _MULT + r"\s*(?:/|per|a)\s*(month|mo|year|yr)", s, re.I)
    if m:
        monthly = parse_number(m.group(1), m.group(2)) / (12 if m.group(3).lower().startswith("y") else 1)
        return [Quality("cost", round(monthly, 2), "USD/month")]
    if re.search(r"low[- ]cost|cheap|tight budget|limited budget|cost[- ](sensitive|effective|efficient)|"
                 r"minimi[sz]e (infrastructure )?cost", s, re.I):
        return [Quality("cost", None, "minimise")]
    return []


def _time_to_market(s: str) -> list[Quality]:
    m = re.search(r"(?:in|within|by|launch in|ship in|deliver in)\s+(\d+)\s*(weeks?|months?)", s, re.I)
    if m and re.search(r"launch|ship|mvp|release|deliver|live|market|deadline|go[- ]live", s, re.I):
        weeks = int(m.group(1)) * (1 if m.group(2).lower().startswith("w") else 4.3)
        return [Quality("time_to_market", round(weeks, 1), "weeks")]
    if re.search(r"\bmvp\b|asap|quickly to market|fast time to market", s, re.I):
        return [Quality("time_to_market", None, "short")]
    return []


def _mandated(s: str) -> list[Quality]:
    m = re.search(r"must (use|run on|be deployed (on|to)|integrate with)|on[- ]prem\w*|existing \w+ (database|"
                  r"infrastructure)|data (must )?(stay|reside)\w* in", s, re.I)
    return [Quality("mandate", None, m.group(0).lower())] if m else []


CONSTRAINT_MATCHERS: tuple[Matcher, ...] = (_team, _cost, _time_to_market, _mandated)

_FUNCTIONAL_CUE = re.compile(
    r"\b(users?|customers?|admins?|clients?|drivers?|patients?|staff|operators?|sellers?|buyers?|members?|"
    r"system|app|platform|service)\b[^.]{0,40}\b(can|must|should|shall|will|need to|be able to|may)\b|"
    r"\b(allow|allows|let|lets|enable|enables|support|supports|provide|provides|send|sends|upload|search|"
    r"manage|track|book|pay|checkout|notify|generate|import|export|view|browse|create|edit|share|chat|stream|"
    r"recommend|schedule|report|order|ingest|process)\b",
    re.I,
)


def split_sentences(text: str) -> list[str]:
    """Sentences and bullet lines, trimmed; empty pieces dropped."""
    parts = re.split(r"(?<=[.!?;])\s+(?=[A-Z0-9(\"']|p\d)|\n+\s*(?:[-*•]|\d+[.)])?\s*", text)
    return [p.strip(" -*•\t") for p in parts if p and len(p.strip(" -*•\t")) > 3]


def _run(matchers: Iterable[Matcher], s: str) -> list[Quality]:
    return [q for matcher in matchers for q in matcher(s)]


def extract_requirements(description: str, requirements: list[str]) -> list[Requirement]:
    """All requirements in order of appearance, deduplicated by (attribute, unit, value) for qualities."""
    counters = {"functional": 0, "quality": 0, "constraint": 0}
    prefix = {"functional": "FR", "quality": "QA", "constraint": "C"}
    out: list[Requirement] = []
    seen_q: set[tuple] = set()
    seen_f: set[str] = set()

    def add(kind: str, text: str, q: Quality | None = None) -> None:
        counters[kind] += 1
        out.append(
            Requirement(
                id=f"{prefix[kind]}-{counters[kind]}",
                kind=kind,  # type: ignore[arg-type]
                text=text[:500],
                attribute=q.attribute if q else None,
                value=q.value if q else None,
                unit=q.unit if q else None,
            )
        )

    sources = [(s, False) for s in split_sentences(description)] + [(r.strip(), True) for r in requirements]
    for sentence, explicit in sources:
        if not sentence:
            continue
        qualities = _run(QUALITY_MATCHERS, sentence)
        constraints = _run(CONSTRAINT_MATCHERS, sentence)
        for q in qualities:
            key = (q.attribute, q.unit, q.value)
            if key not in seen_q:
                seen_q.add(key)
                add("quality", sentence, q)
        for q in constraints:
            key = (q.attribute, q.unit, q.value)
            if key not in seen_q:
                seen_q.add(key)
                add("constraint", sentence, q)
        functional = _FUNCTIONAL_CUE.search(sentence) is not None
        if (functional or (explicit and not qualities and not constraints)) and sentence.lower() not in seen_f:
            if qualities and not _has_feature_verb(sentence):
                continue
            seen_f.add(sentence.lower())
            add("functional", sentence)
    return out


def _has_feature_verb(sentence: str) -> bool:
    """A sentence that carries numbers can still describe a feature ("users upload photos, 5k rps")."""
    return re.search(r"\b(can|allow|lets?|upload|search|book|pay|chat|send|browse|order|track|manage|view)\b",
                     sentence, re.I) is not None
