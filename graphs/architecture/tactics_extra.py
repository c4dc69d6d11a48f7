"""Tactics implied by the given stack, by processing needs (pipelines, ML, LLM) and by event flows.

Complements `tactics.select_tactics`: a named technology is put to work (or reported as unused by the caller),
multi-step processing becomes an explicit pipeline, and several asynchronous reactions to one business fact
become publish-subscribe with an outbox when the publisher also writes business state.
"""

from __future__ import annotations

from graphs.architecture.profile import Profile
from graphs.architecture.tactics import TacticChoice

# Stack category -> (tactic that puts the named technology to work, what it does there).
STACK_TACTICS: dict[str, tuple[str, str]] = {
    "cache": ("tactic-cache-aside", "serves hot reads and short-lived state"),
    "queue": ("tactic-queue-based-load-leveling", "buffers asynchronous work between producers and workers"),
    "worker": ("tactic-queue-based-load-leveling", "runs background jobs off the request path"),
    "search": ("tactic-search-index", "serves full-text and faceted queries"),
    "object_storage": ("tactic-object-storage-signed-urls", "stores files and media outside the database"),
    "tsdb": ("tactic-time-series-store", "stores time-ordered measurements"),
    "warehouse": ("tactic-analytics-warehouse", "serves analytical queries away from the OLTP store"),
    "cdn": ("tactic-cdn", "caches static assets and media at the edge"),
    "vector": ("tactic-rag-vector-search", "stores embeddings for semantic retrieval"),
    "model_registry": ("tactic-ml-model-lifecycle", "versions and promotes models"),
    "feature_store": ("tactic-ml-model-lifecycle", "serves consistent features for training and inference"),
    "scheduler": ("tactic-pipes-and-filters", "orchestrates pipeline stages"),
}
# Features whose work happens asynchronously in reaction to a business event.
ASYNC_REACTIONS = ("notifications", "search", "analytics", "realtime", "ingestion", "integration", "feed",
                   "media_processing", "ml")
PIPELINE_FEATURES = ("batch_jobs", "media_processing", "ingestion", "llm", "ml")
PUBLIC_DAU = 10_000
HOT_CATALOG_DAU = 5_000
BUSY_DAU = 50_000
RUSH_USERS = 50_000


def _add(chosen: dict[str, TacticChoice], pid: str, reason: str, serves: list[str]) -> None:
    if pid in chosen:
        c = chosen[pid]
        c.serves.extend(s for s in serves if s not in c.serves)
        if reason not in c.reason:
            c.reason += f"; {reason}"
    else:
        chosen[pid] = TacticChoice(pid, reason, list(dict.fromkeys(serves)))


def extend_tactics(choices: list[TacticChoice], p: Profile, stack: dict[str, list[str]],
                   numbers: dict[str, float]) -> list[TacticChoice]:
    """`choices` plus the stack-, processing- and event-driven tactics (merged by pattern id, order kept).

    `stack` maps technology category -> names the user gave (e.g. {"cache": ["Redis"]}).
    """
    chosen = {c.pattern_id: c for c in choices}
    f, ids = p.features, p.ids
    dau = numbers.get("dau", 0.0)

    for category, (pid, role) in STACK_TACTICS.items():
        if stack.get(category):
            _add(chosen, pid, f"{', '.join(stack[category])} (given stack) {role}", [])

    stages = [feat for feat in PIPELINE_FEATURES if p.has(feat)]
    if stages or (p.has("analytics") and p.has("batch_jobs")):
        _add(chosen, "tactic-pipes-and-filters", f"multi-step processing ({', '.join(stages) or 'ETL'}) as "
             "restartable stages", [i for feat in stages for i in f.get(feat, [])])
    if p.has("ml"):
        _add(chosen, "tactic-ml-model-lifecycle", "models are trained, versioned and served online",
             f["ml"] + ids.get("latency", []) + ids.get("auditability", []))
    if p.has("llm"):
        _add(chosen, "tactic-rag-vector-search", "answers grounded in the organisation's documents", f["llm"])
        _add(chosen, "tactic-circuit-breaker", "the model provider can be slow or down", f["llm"])
    if p.privacy:
        _add(chosen, "tactic-data-redaction", "personal data must not leak to logs, analytics or third parties",
             ids.get("privacy", []) + ids.get("compliance", []))
    if p.multi_tenant:
        _add(chosen, "tactic-multi-tenant-isolation", "tenants share the deployment but not their data",
             ids.get("tenancy", []))
    if p.audit:
        _add(chosen, "tactic-audit-log", "decisions and changes must be traceable for auditors",
             ids.get("auditability", []))
    if p.has("ingestion"):
        _add(chosen, "tactic-queue-based-load-leveling", "a durable log absorbs device/event bursts",
             f["ingestion"] + ids.get("throughput", []))

    reactions = [feat for feat in ASYNC_REACTIONS if p.has(feat)]
    broker = bool(stack.get("queue") or stack.get("iot_broker"))
    events = (len(reactions) >= 2 or (broker and bool(reactions)) or (broker and p.has("legacy"))
              or p.force("publish_subscribe") is not None)
    if events:
        _add(chosen, "tactic-publish-subscribe", f"several consumers react to the same business events "
             f"({', '.join(reactions) or 'legacy synchronisation'})",
             [i for feat in reactions for i in f.get(feat, [])] + ids.get("real_time", []))
        if p.strong_consistency or p.has("payments") or p.has("orders") or p.has("legacy") or p.has("booking"):
            _add(chosen, "tactic-transactional-outbox", "events must be published exactly when the state changes",
                 ids.get("consistency", []) + f.get("legacy", []))
    if (p.has("orders") or p.has("booking")) and p.has("payments"):
        _add(chosen, "tactic-saga", "reserve → charge → confirm spans the payment provider; failures compensate "
             "(release the reservation)", f.get("orders", []) + f.get("booking", []) + f.get("payments", []))

    if not p.has("internal") and (p.has("video") or p.global_ or p.bursty or (
            dau >= PUBLIC_DAU and (p.has("file_storage") or p.has("catalog") or p.has("feed")))):
        _add(chosen, "tactic-cdn", "public traffic: static assets and media served from the edge",
             f.get("video", []) + ids.get("scalability", []) + ids.get("global", []))
    if dau >= BUSY_DAU:
        _add(chosen, "tactic-cache-aside", f"{dau:,.0f} daily users: hot per-user state and shared reads from "
             "memory", ids.get("users", []))
    if (p.has("catalog") or p.has("feed") or p.has("search")) and dau >= HOT_CATALOG_DAU:
        _add(chosen, "tactic-cache-aside", f"{dau:,.0f} daily users re-read the same catalog/feed/search results",
             f.get("catalog", []) + f.get("feed", []))
    if p.bursty and (p.has("booking") or p.has("orders")) and (p.users or 0) >= RUSH_USERS:
        _add(chosen, "tactic-virtual-waiting-room", "demand at one instant exceeds what the system of record "
             "can serve; admit buyers fairly", ids.get("scalability", []) + f.get("booking", []))
        _add(chosen, "tactic-queue-based-load-leveling", "admissions and orders are queued", ids["scalability"])
    return list(chosen.values())
