"""Pattern retrieval: queries from the requirements, hybrid KB search, and a direct-file fallback."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from graphs.architecture.catalog import load_entries
from graphs.architecture.profile import Profile
from graphs.architecture.schema import Requirement

ATTRIBUTE_QUERIES = {
    "availability": "high availability redundancy failover no single point of failure",
    "latency": "low latency caching read path response time",
    "throughput": "high throughput horizontal scaling load",
    "users": "many users scale out stateless tier",
    "read_write_ratio": "read-heavy workload cache replicas",
    "data_size": "large dataset partitioning sharding storage",
    "data_growth": "growing data storage tiering partitioning",
    "retention": "data retention archival lifecycle",
    "consistency": "strong consistency transactions idempotency",
    "security": "authentication authorization encryption security",
    "compliance": "compliance audit log PCI HIPAA GDPR",
    "real_time": "real-time push websockets live updates",
    "offline": "offline-first sync intermittent connectivity",
    "global": "global users multi-region CDN latency",
    "scalability": "bursty spiky traffic load leveling autoscaling",
    "durability": "durability backups no data loss",
    "cost": "low cost pay per use small budget",
    "auditability": "audit trail append-only immutable log regulators explainable decisions",
    "privacy": "personal data redaction minimisation GDPR",
    "tenancy": "multi-tenant SaaS tenant isolation white-label",
}
FEATURE_QUERIES = {
    "file_storage": "file uploads object storage signed URLs", "search": "full-text search index",
    "notifications": "email sms push notifications asynchronous", "payments": "payments money tokenization saga",
    "feed": "social feed timeline fan-out", "analytics": "reports dashboards analytics warehouse",
    "ingestion": "IoT telemetry event stream ingestion", "batch_jobs": "batch jobs scheduled processing",
    "media_processing": "video transcoding long-running jobs queue", "integration": "third-party API failures",
    "legacy": "migrate legacy system incrementally", "mobile": "mobile clients backend for frontend",
    "ml": "machine learning model training registry feature store online inference",
    "llm": "LLM assistant retrieval-augmented generation vector index embeddings",
    "video": "video streaming CDN edge caching adaptive bitrate",
}
Search = Callable[[str, str, int], list[Any]]


def build_queries(reqs: list[Requirement], p: Profile) -> list[str]:
    """One query per quality attribute/feature present, plus an architecture-style query."""
    attrs = list(dict.fromkeys(r.attribute for r in reqs if r.attribute))
    queries = [ATTRIBUTE_QUERIES[a] for a in attrs if a in ATTRIBUTE_QUERIES]
    queries += [FEATURE_QUERIES[f] for f in p.features if f in FEATURE_QUERIES]
    team = f"team of {p.team_size}" if p.team_size else "team"
    queries.append(f"architecture style for a {team}, {p.peak_rps:.0f} requests per second, "
                   f"{len(p.features)} business capabilities")
    return queries


def merge_queries(queries: list[str], limit: int) -> list[str]:
    """At most `limit` queries: the trailing style query kept alone, the others joined in consecutive groups.

    Each KB search embeds its query, so fewer, longer queries keep retrieval latency bounded.
    """
    if len(queries) <= limit or limit < 2:
        return list(queries)
    head, style = queries[:-1], queries[-1]
    groups = limit - 1
    size = -(-len(head) // groups)  # ceiling division
    return ["; ".join(head[i:i + size]) for i in range(0, len(head), size)] + [style]


def kb_retrieve(search: Search, queries: list[str], k: int = 5) -> dict[str, dict]:
    """Run every query through the hybrid KB; entries keyed by id, ordered by summed fused score."""
    scored: dict[str, tuple[float, dict]] = {}
    for q in queries:
        for hit in search("patterns", q, k):
            raw = hit.metadata.get("entry_json")
            if not isinstance(raw, str):
                continue
            entry = json.loads(raw)
            prev = scored.get(hit.id, (0.0, entry))[0]
            scored[hit.id] = (prev + float(hit.score), entry)
    return {pid: e for pid, (_, e) in sorted(scored.items(), key=lambda kv: (-kv[1][0], kv[0]))}


def _tokens(text: str) -> set[str]:
    return {t for t in re.findall(r"[a-z0-9]+", text.lower()) if len(t) > 2}


def _entry_text(e: dict) -> str:
    parts = [e.get("title", ""), e.get("summary", "")]
    for key in ("use_when", "forces", "quality_attributes"):
        parts.extend(str(v) for v in e.get(key) or [])
    return " ".join(parts)


def file_retrieve(queries: list[str], k: int = 5) -> dict[str, dict]:
    """Fallback without the KB: token-overlap ranking over the curated pattern files."""
    entries = load_entries("patterns")
    texts = {e["id"]: _tokens(_entry_text(e)) for e in entries}
    scored: dict[str, float] = {}
    for q in queries:
        qt = _tokens(q)
        ranked = sorted(entries, key=lambda e: (-len(qt & texts[e["id"]]), e["id"]))
        for rank, e in enumerate(ranked[:k], start=1):
            if qt & texts[e["id"]]:
                scored[e["id"]] = scored.get(e["id"], 0.0) + 1.0 / (60 + rank)
    by_id = {e["id"]: e for e in entries}
    return {pid: by_id[pid] for pid, _ in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))}
