"""Explicit scoring of architecture styles against the workload profile (every point has a stated reason)."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphs.architecture.profile import Profile
from graphs.architecture.schema import StyleScore

PRIMARY_STYLES = {
    "style-modular-monolith": "Modular monolith",
    "style-layered-monolith": "Layered monolith",
    "style-service-based": "Service-based architecture",
    "style-microservices": "Microservices",
    "style-serverless": "Serverless",
    "style-event-driven": "Event-driven architecture",
    "style-cqrs-event-sourcing": "CQRS with event sourcing",
}
COMPLEMENT_STYLES = {
    "style-stream-processing": "stream processing",
    "style-batch-processing": "batch processing",
    "style-offline-first": "offline-first sync",
}
COMPLEMENT_THRESHOLD = 3.0
AREA_FEATURES = ("auth", "catalog", "orders", "payments", "booking", "feed", "search", "file_storage", "realtime",
                 "analytics", "ingestion", "recommendations", "geo", "integration", "notifications")


@dataclass
class _Card:
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def add(self, points: float, why: str) -> None:
        self.score += points
        self.reasons.append(f"{points:+g} {why}")


def _ref(p: Profile, attr: str) -> str:
    ids = p.ids.get(attr)
    return f" ({', '.join(ids[:2])})" if ids else ""


def score_styles(p: Profile, retrieved: set[str] | None = None, stack: set[str] | None = None
                 ) -> list[StyleScore]:
    """All styles scored and sorted (best first).

    `retrieved` style ids get a small relevance tie-breaker; `stack` holds the technology categories the user
    named (a chosen serverless or container platform counts as a preference).
    """
    stack = stack or set()
    cards = {sid: _Card() for sid in (*PRIMARY_STYLES, *COMPLEMENT_STYLES)}
    peak, team = p.peak_rps, p.team_size
    small = p.small_team()
    areas = sum(1 for f in AREA_FEATURES if p.has(f) and f != "notifications")
    write_heavy = p.read_ratio is not None and p.read_ratio < 1
    # Scheduled jobs are long-running only over sizeable data; a small weekly job fits a function's time limit.
    long_jobs = p.has("media_processing") or (p.has("batch_jobs") and ((p.data_gb or 0) >= 50
                                                                     or (p.growth_gb or 0) >= 1))
    t = _ref(p, "team_size")

    mm = cards["style-modular-monolith"]
    mm.add(2, "simplest deployable that keeps module boundaries")
    if small:
        mm.add(3, f"small team of {team}{t}: one deployable avoids distributed-systems overhead")
    elif team is not None and team <= 12:
        mm.add(1, f"team of {team}{t} can own one codebase")
    if peak < 1000:
        mm.add(2, f"peak {peak:,.0f} req/s fits a few replicas of one application")
    elif peak > 5000:
        mm.add(-3, f"peak {peak:,.0f} req/s needs parts to scale independently")
    if peak > 20000:
        mm.add(-2, "very high throughput")
    if p.ttm_short:
        mm.add(2, f"short time to market{_ref(p, 'time_to_market')}")
    if p.cost_sensitive:
        mm.add(1, f"lowest running cost{_ref(p, 'cost')}")
    if p.strong_consistency:
        mm.add(1, "local ACID transactions across modules")
    if p.global_:
        mm.add(-1, "global deployment favours independently deployable parts")
    if p.bursty:
        mm.add(-1, "must be provisioned for burst peaks")

    lm = cards["style-layered-monolith"]
    lm.add(1.5, "familiar layering, simple hosting")
    if small:
        lm.add(2, f"small team{t}")
    if areas >= 4:
        lm.add(-2, f"{areas} business areas: horizontal layers blur module boundaries")
    if peak > 5000:
        lm.add(-4, "throughput beyond a single layered application")

    sb = cards["style-service-based"]
    sb.add(1, "coarse services with a shared database")
    if team is not None and 7 <= team <= 25:
        sb.add(2, f"team of {team}{t} can own a few services")
    if small:
        sb.add(-2, f"small team{t}: several deployables add overhead")
    if p.availability and p.availability >= 99.9:
        sb.add(1, f"fault isolation between areas{_ref(p, 'availability')}")
    if 1000 <= peak <= 20000:
        sb.add(1, f"peak {peak:,.0f} req/s benefits from per-area scaling")

    ms = cards["style-microservices"]
    if team is not None and team >= 15:
        ms.add(3, f"team of {team}{t} splits into several autonomous teams")
    elif team is not None and team >= 8:
        ms.add(1, f"team of {team}{t}")
    if small:
        ms.add(-4, f"over-engineering for a team of {team}{t}")
    if peak > 5000:
        ms.add(2, f"peak {peak:,.0f} req/s needs independent scaling")
    if peak > 20000:
        ms.add(2, "very high throughput")
    if peak < 500:
        ms.add(-2, f"peak {peak:,.0f} req/s does not justify distribution")
    if p.global_:
        ms.add(2, f"global deployment{_ref(p, 'global')}")
    if areas >= 5:
        ms.add(1, f"{areas} distinct business areas")
    if p.availability and p.availability >= 99.95:
        ms.add(1, f"failure isolation for {p.availability}% availability")
    if p.ttm_short:
        ms.add(-1, "slower to start (platform, CI/CD, observability)")
    if areas <= 1:
        ms.add(-2, "a single business area: nothing to split into services")
        cards["style-service-based"].add(-2, "a single business area: nothing to split into services")
    if "orchestration" in stack:
        ms.add(1, "container orchestration already in the tech stack")
    if p.cost_sensitive:
        ms.add(-1, "higher baseline cost")

    sl = cards["style-serverless"]
    sl.add(1, "no servers to operate")
    if p.bursty and (p.read_ratio or 0) >= 10:
        sl.add(1, f"bursty load{_ref(p, 'scalability')}, but spikes on a cacheable read path are absorbed by "
                  "CDN and cache")
    elif p.bursty:
        sl.add(3, f"bursty load scales to zero and back{_ref(p, 'scalability')}")
    if peak > 20000:
        sl.add(-2, f"concurrency limits and per-invocation cost at {peak:,.0f} req/s")
    if p.cost_sensitive and peak < 200:
        sl.add(2, "pay-per-use at low average load")
    if small:
        sl.add(1, "little ops capacity")
    if "serverless" in stack:
        sl.add(2, "serverless platform named in the tech stack")
    if p.real_time:
        sl.add(-2, "long-lived connections do not fit functions")
    if long_jobs:
        sl.add(-2, "long-running jobs exceed function limits")
    if peak > 5000 and not p.bursty:
        sl.add(-2, "steady high load costs more per request than containers")
    if p.latency_ms is not None and p.latency_ms <= 100:
        sl.add(-1, f"cold starts threaten {p.latency_ms:g} ms latency")
    if (f := p.force("serverless")) is not None:
        sl.add(f.score, "pay-per-use forces: " + "; ".join(x.split(" ", 1)[1] for x in f.forces))

    ed = cards["style-event-driven"]
    for feat in ("ingestion", "notifications", "integration"):
        if p.has(feat):
            ed.add(1, f"{feat.replace('_', ' ')} reacts to events")
    if p.real_time:
        ed.add(2, f"real-time reactions{_ref(p, 'real_time')}")
    if write_heavy:
        ed.add(2, f"write-heavy load{_ref(p, 'read_write_ratio')}")
    if peak > 5000:
        ed.add(1, "asynchronous buffering of high throughput")
    if small:
        ed.add(-1, "messaging infrastructure for a small team")
    if p.strong_consistency:
        ed.add(-1, "eventual consistency between consumers")

    cq = cards["style-cqrs-event-sourcing"]
    if p.compliance:
        cq.add(2, f"immutable audit history for {', '.join(sorted(p.compliance))}")
    if (p.read_ratio or 0) >= 10 and peak > 5000:
        cq.add(1, "strong read/write asymmetry")
    if small:
        cq.add(-3, "high conceptual cost for a small team")
    if p.ttm_short:
        cq.add(-2, "slows initial delivery")
    if not p.compliance and (p.read_ratio or 0) < 10:
        cq.add(-1, "no audit or asymmetry driver")

    sp = cards["style-stream-processing"]
    stream = p.force("event_stream")
    if (f := p.force("stream_processing")) is not None and (stream is not None or "stream" in stack):
        sp.add(2, "continuous detection/aggregation over the stream: "
               + "; ".join(x.split(" ", 1)[1] for x in f.forces))
    if p.has("ingestion") or stream is not None:
        sp.add(2, "continuous event ingestion" if p.has("ingestion") else
               "events arrive continuously: " + "; ".join(x.split(" ", 1)[1] for x in stream.forces))
        if p.real_time:
            sp.add(1, "results needed in seconds")
        if "devices" in p.users_kind:
            sp.add(2, "device telemetry streams")
        if write_heavy:
            sp.add(1, "write-heavy append workload")
        if (p.stated_rps or 0) >= 1000:
            sp.add(1, f"sustained {p.stated_rps:,.0f} events/s")
        if "stream" in stack:
            sp.add(2, "a stream processor is part of the given stack")
    elif "stream" in stack:
        sp.add(3, "a stream processor is part of the given stack (events arrive continuously)")
    else:
        sp.add(-3, "no continuous event stream")
    bp = cards["style-batch-processing"]
    if p.has("analytics") or (p.has("batch_jobs") and (p.data_gb or 0) >= 100):
        bp.add(3, "scheduled reports or bulk processing over large data")
    elif "batch" in stack:
        bp.add(3, "a batch compute engine is part of the given stack")
    elif p.has("batch_jobs"):
        bp.add(1, "small scheduled jobs (a job runner in the application suffices)")
    else:
        bp.add(-3, "no bulk or scheduled processing")
    of = cards["style-offline-first"]
    of.add(5 if p.offline else -5, "offline operation required" if p.offline else "always-online clients")

    for card in cards.values():
        if not card.reasons:
            card.add(0, "no requirement speaks for or against it")
    for sid in retrieved or set():
        if sid in cards:
            cards[sid].add(0.25, "retrieved as a close match for the requirements")
    names = {**PRIMARY_STYLES, **{k: v.capitalize() for k, v in COMPLEMENT_STYLES.items()}}
    scores = [StyleScore(style=names[sid], score=round(c.score, 2), reasons=c.reasons) for sid, c in cards.items()]
    return sorted(scores, key=lambda s: (-s.score, s.style))


def style_id(name: str) -> str:
    """Style id for a display name produced by `score_styles`."""
    for sid, label in {**PRIMARY_STYLES, **COMPLEMENT_STYLES}.items():
        if label.lower() == name.lower():
            return sid
    raise KeyError(name)


def choose_style(scores: list[StyleScore]) -> tuple[str, str | None, list[str]]:
    """(primary style id, runner-up primary style id, complementary style ids above the threshold)."""
    primary = [s for s in scores if style_id(s.style) in PRIMARY_STYLES]
    complements = [style_id(s.style) for s in scores
                   if style_id(s.style) in COMPLEMENT_STYLES and s.score >= COMPLEMENT_THRESHOLD]
    runner = style_id(primary[1].style) if len(primary) > 1 else None
    return style_id(primary[0].style), runner, complements
