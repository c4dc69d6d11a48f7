"""Narrative parts of the design: rationale, ADRs, data-store descriptions and the scalability plan."""

from __future__ import annotations

from graphs.architecture.capacity import Capacity, fmt
from graphs.architecture.components import Blueprint
from graphs.architecture.profile import Profile
from graphs.architecture.schema import ADR, DataStore, StyleScore

ACCESS = {
    "relational": "transactional reads/writes by key with joins and constraints",
    "document": "key/document lookups with flexible schema",
    "wide_column": "partitioned appends and key-range scans",
    "cache": "key lookups with TTL, invalidated on write",
    "search": "full-text and faceted queries over denormalised documents",
    "object_storage": "large immutable blobs via pre-signed URLs",
    "tsdb": "time-ordered appends and time-range aggregations",
    "warehouse": "columnar scans and aggregations for reports",
}


def rationale(style: str, scores: list[StyleScore], complements: list[str]) -> str:
    """Why the winner won, against the runner-up, in one paragraph."""
    win = next(s for s in scores if s.style == style)
    rest = [s for s in scores if s.style != style]
    runner = rest[0] if rest else None
    text = f"{style} scores {win.score:g}: " + "; ".join(r.split(" ", 1)[1] for r in win.reasons if r.startswith("+"))
    if runner:
        text += (f". Runner-up: {runner.style} ({runner.score:g}) — "
                 + "; ".join(r.split(" ", 1)[1] for r in runner.reasons[:3]))
    if complements:
        text += f". Combined with {', '.join(complements)} for the processing parts"
    return text + "."


def data_stores(bp: Blueprint, c: Capacity) -> list[DataStore]:
    """One entry per datastore/cache component with its access pattern and expected load."""
    out = []
    for name, comp in bp.components.items():
        if comp.kind not in {"datastore", "cache"}:
            continue
        cat = bp.categories.get(name, "relational" if name == bp.primary_db else "")
        access = ACCESS.get(cat, comp.responsibility)
        if name == bp.primary_db:
            access += f"; ~{fmt(c.numbers['write_rps'])} writes/s at peak, {fmt(c.numbers['storage_gb'])} GB horizon"
        elif comp.kind == "cache":
            access += f"; ~{fmt(c.numbers['cache_gb'])} GB hot set"
        out.append(DataStore(name=name, technology=comp.technology, data=comp.responsibility, access_pattern=access,
                             serves=list(comp.serves)))
    return out


def scalability_plan(p: Profile, c: Capacity, tactic_ids: set[str]) -> list[str]:
    """Concrete scaling steps tied to the capacity numbers."""
    n, t = c.numbers, c.text
    plan = [f"Peak load {t['peak_rps']}; {t['app_instances']} application instances.",
            f"Read/write split: {t['read_write_rps']}."]
    if "tactic-cache-aside" in tactic_ids:
        plan.append(f"Cache sized for the hot set: {t['cache_size']}; target ≥ 80% hit rate before adding replicas.")
    if "tactic-read-replicas" in tactic_ids:
        replicas = max(1, round(n["read_rps"] * 0.2 / 5000))
        plan.append(f"{replicas} read replica(s): assuming 80% cache hits, {fmt(n['read_rps'] * 0.2)} reads/s reach "
                    "the database at ~5,000 reads/s per replica (assumed).")
    if "tactic-sharding" in tactic_ids:
        shards = max(2, round(n["write_rps"] / 2000), round(n["storage_gb"] / 2000))
        target = ("Partition the time-series store by device id and time" if p.has("ingestion")
                  else "Shard the primary store by tenant/user id")
        plan.append(f"{target} into {shards} shards (~2,000 writes/s and ~2 TB per shard, assumed).")
    if "tactic-autoscaling" in tactic_ids:
        plan.append("Autoscale stateless services on CPU 60% and p95 latency; keep sessions out of process.")
    if "tactic-queue-based-load-leveling" in tactic_ids or "tactic-competing-consumers" in tactic_ids:
        plan.append("Scale workers on queue depth/consumer lag; dead-letter queue after 5 attempts.")
    if "tactic-cdn" in tactic_ids:
        plan.append(f"CDN absorbs static/media egress: {t['bandwidth']}.")
    plan.append(f"Storage: {t['storage_total']}; growth {t['storage_growth']}.")
    if "tactic-data-lifecycle-tiering" in tactic_ids:
        plan.append("Move data older than 90 days to the archive tier; delete after the retention period.")
    if p.global_ or "tactic-multi-region-active-active" in tactic_ids:
        plan.append("Deploy to at least two regions with latency-based routing; replicate data asynchronously.")
    return plan


def make_adrs(style: str, runner: str | None, scores: list[StyleScore], p: Profile, bp: Blueprint,
              tactic_ids: set[str], all_constraints: list[str]) -> list[ADR]:
    """ADRs for the style, the primary store and (when used) asynchronous messaging and caching."""
    win = next(s for s in scores if s.style == style)
    drivers = list(dict.fromkeys(all_constraints + sum((p.ids.get(a, []) for a in (
        "availability", "throughput", "users", "global", "time_to_market", "team_size", "cost")), [])))
    adrs = [ADR(
        id="ADR-1", title=f"Use {style}",
        context=f"Team size {p.team_size or 'unknown'}, peak {fmt(p.peak_rps)} req/s, "
                + (f"availability {p.availability:g}%" if p.availability else "availability unstated")
                + f", global={p.global_}.",
        decision=f"Adopt {style} (score {win.score:g}).",
        drivers=drivers, options=[s.style for s in scores[:4]],
        consequences=[r.split(" ", 1)[1] for r in win.reasons if "retrieved" not in r][:4]
        + ([f"Revisit if the {runner} drivers grow (runner-up)"] if runner else []),
    )]
    db = bp.components[bp.primary_db]
    store_drivers = p.ids.get("consistency", []) + p.ids.get("data_size", []) + p.features.get("payments", [])
    adrs.append(ADR(
        id="ADR-2", title=f"{db.technology} as the system of record",
        context="Access pattern: " + ACCESS.get(bp.categories.get(bp.primary_db, "relational"), "mixed")
                + ("; money/strong consistency requires ACID transactions" if p.strong_consistency else ""),
        decision=f"Store core entities in {db.technology}; derived stores are fed from it.",
        drivers=store_drivers or p.ids.get("users", []),
        options=["PostgreSQL", "MySQL", "MongoDB", "DynamoDB", "Cassandra"],
        consequences=["Schema migrations are managed in CI", "Derived stores (cache, search) are eventually consistent"],
    ))
    if bp.of_kind("queue"):
        q = bp.components[bp.of_kind("queue")[0]]
        adrs.append(ADR(
            id="ADR-3", title=f"Asynchronous messaging with {q.technology}",
            context="Work that need not finish inside the request (notifications, indexing, media, events).",
            decision=f"Publish jobs/events to {q.name}; consumers are idempotent and retry with backoff.",
            drivers=list(q.serves), options=["Synchronous calls", "Managed queue", "Event log (Kafka)"],
            consequences=["At-least-once delivery needs idempotent handlers", "Queue depth must be monitored"],
        ))
    if "tactic-cache-aside" in tactic_ids:
        adrs.append(ADR(
            id=f"ADR-{len(adrs) + 1}", title="Cache-aside for hot reads",
            context="Read-heavy access with a latency target.",
            decision="Read through a cache with TTLs; invalidate on write.",
            drivers=p.ids.get("latency", []) + p.ids.get("read_write_ratio", []),
            options=["No cache", "Cache-aside", "Write-through"],
            consequences=["Reads may be stale up to the TTL", "Cache stampede protection needed for hot keys"],
        ))
    return adrs
