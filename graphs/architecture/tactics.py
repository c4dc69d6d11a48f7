"""Tactic selection: which curated tactics the workload calls for, why, and which requirements they serve."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphs.architecture.profile import Profile

DISTRIBUTED = {"style-microservices", "style-event-driven", "style-cqrs-event-sourcing", "style-service-based"}


@dataclass
class TacticChoice:
    pattern_id: str
    reason: str
    serves: list[str] = field(default_factory=list)


class _Picker:
    def __init__(self) -> None:
        self.chosen: dict[str, TacticChoice] = {}

    def add(self, pid: str, reason: str, serves: list[str] | None = None) -> None:
        if pid in self.chosen:
            c = self.chosen[pid]
            c.serves.extend(s for s in serves or [] if s not in c.serves)
            if reason not in c.reason:
                c.reason += f"; {reason}"
        else:
            self.chosen[pid] = TacticChoice(pid, reason, list(dict.fromkeys(serves or [])))


def select_tactics(p: Profile, style: str, complements: list[str], numbers: dict[str, float]) -> list[TacticChoice]:
    """Rule-based tactic choice from quality attributes, features and the chosen style."""
    k = _Picker()
    ids = p.ids
    f = p.features
    reads, writes = numbers.get("read_rps", 0.0), numbers.get("write_rps", 0.0)
    storage_gb = numbers.get("storage_gb", 0.0)

    k.add("tactic-health-monitoring", "measure SLOs and alert", ids.get("availability", []) +
          ids.get("latency", []) + ids.get("observability", []))
    if style in {"style-microservices", "style-serverless", "style-event-driven"} or p.has("mobile") and (
            style in DISTRIBUTED):
        k.add("tactic-api-gateway", "single entry point with auth and routing for several backends")
    else:
        k.add("tactic-load-balancer", "distribute requests over application replicas", ids.get("availability", []))
    k.add("tactic-rate-limiting", "protect public endpoints from abuse and bursts",
          ids.get("scalability", []) + ids.get("security", []))
    k.add("tactic-waf-ddos", "filter hostile internet traffic at the edge", ids.get("security", []))
    k.add("tactic-backup-restore", "recover the system of record from loss or operator error",
          ids.get("durability", []) + ids.get("retention", []))
    k.add("tactic-federated-identity", "delegate login, MFA and token issuance", f.get("auth", []) +
          ids.get("security", []) + ids.get("compliance", []))
    k.add("tactic-encryption-secrets", "TLS in transit, KMS encryption at rest, managed secrets",
          ids.get("security", []) + ids.get("compliance", []))

    if p.availability is not None:
        k.add("tactic-multi-az-redundancy", f"{p.availability}% availability needs no single point of failure",
              ids["availability"])
        if p.availability >= 99.99:
            k.add("tactic-multi-region-active-active", f"{p.availability}% exceeds one region's availability",
                  ids["availability"])
    if p.global_:
        k.add("tactic-multi-region-active-active", "users on several continents", ids.get("global", []))
        k.add("tactic-cdn", "serve content near global users", ids.get("global", []))
    if p.latency_ms is not None or (p.read_ratio or 0) >= 3 or reads > 500:
        k.add("tactic-cache-aside", "serve hot reads from memory", ids.get("latency", []) +
              ids.get("read_write_ratio", []) + ids.get("throughput", []))
    if reads > 1000 and (p.read_ratio or 4) >= 3:
        k.add("tactic-read-replicas", f"{reads:,.0f} reads/s at peak offloaded from the primary",
              ids.get("throughput", []) + ids.get("read_write_ratio", []))
    if numbers.get("peak_rps", 0) > 2000 or p.bursty:
        k.add("tactic-autoscaling", "scale stateless tiers with load", ids.get("throughput", []) +
              ids.get("scalability", []) + ids.get("users", []))
    elif p.users:
        k.add("tactic-autoscaling", "scale stateless tiers with daily cycles", ids.get("users", []))
    if writes > 3000 or storage_gb > 5000:
        k.add("tactic-sharding", f"{writes:,.0f} writes/s and {storage_gb:,.0f} GB exceed one primary node",
              ids.get("throughput", []) + ids.get("data_size", []) + ids.get("data_growth", []))
    if p.bursty:
        k.add("tactic-queue-based-load-leveling", "absorb bursts without dropping work", ids["scalability"])
    if p.read_ratio is not None and p.read_ratio < 1:
        k.add("tactic-queue-based-load-leveling", "buffer write-heavy load ahead of the stores",
              ids.get("read_write_ratio", []))
        k.add("tactic-competing-consumers", "parallel consumers drain the write stream",
              ids.get("read_write_ratio", []))
    if p.strong_consistency or p.has("payments") or p.has("orders"):
        k.add("tactic-idempotency-keys", "retries must not duplicate side effects",
              ids.get("consistency", []) + f.get("payments", []) + f.get("orders", []))
    if p.compliance:
        k.add("tactic-audit-log", f"{', '.join(sorted(p.compliance))} require an access trail", ids["compliance"])
    if "PCI" in p.compliance or p.has("payments"):
        k.add("tactic-payment-tokenization", "keep card data out of scope (PCI DSS)",
              ids.get("compliance", []) + f.get("payments", []))
    if p.has("file_storage"):
        k.add("tactic-object-storage-signed-urls", "large files bypass app servers", f["file_storage"])
        if reads > 200 or p.global_:
            k.add("tactic-cdn", "cache media at the edge", f["file_storage"])
    if p.has("media_processing") or p.has("batch_jobs"):
        k.add("tactic-queue-based-load-leveling", "long jobs run off the request path",
              f.get("media_processing", []) + f.get("batch_jobs", []))
        k.add("tactic-async-request-reply", "clients poll or get notified when jobs finish",
              f.get("media_processing", []) + f.get("batch_jobs", []))
    if p.has("search"):
        k.add("tactic-search-index", "full-text and faceted search", f["search"])
    if p.has("notifications"):
        k.add("tactic-notification-service", "send email/SMS/push asynchronously with retries", f["notifications"])
        k.add("tactic-queue-based-load-leveling", "notifications are queued", f["notifications"])
    if p.real_time:
        k.add("tactic-realtime-gateway", "push updates over WebSockets", ids.get("real_time", []) +
              f.get("realtime", []))
    if p.has("feed"):
        k.add("tactic-fan-out-on-write", "feeds read as one key lookup", f["feed"] + ids.get("latency", []))
    if p.has("analytics"):
        k.add("tactic-analytics-warehouse", "reports must not load the OLTP database", f["analytics"])
        k.add("tactic-materialized-view", "precomputed dashboard aggregates", f["analytics"])
    if p.has("ingestion") or "style-stream-processing" in complements:
        k.add("tactic-time-series-store", "append-heavy telemetry with retention", f.get("ingestion", []) +
              ids.get("data_growth", []))
        k.add("tactic-competing-consumers", "parallel consumers for high event volume", f.get("ingestion", []) +
              ids.get("throughput", []))
    if p.has("integration") or p.has("payments"):
        k.add("tactic-circuit-breaker", "fail fast when a third party is down", f.get("integration", []) +
              f.get("payments", []))
        k.add("tactic-retry-backoff", "retry transient third-party failures with jitter",
              f.get("integration", []) + f.get("payments", []))
    if p.retention_days is not None or storage_gb > 10000:
        k.add("tactic-data-lifecycle-tiering", "move cold data to cheaper tiers, delete after retention",
              ids.get("retention", []) + ids.get("data_growth", []))
    if p.offline:
        k.add("tactic-offline-sync-queue", "queue changes on the device and sync later", ids["offline"])
        k.add("tactic-idempotency-keys", "replayed offline changes must apply once", ids["offline"])
    if p.has("legacy"):
        k.add("tactic-strangler-fig", "migrate incrementally from the existing system", f["legacy"])
    if style in {"style-microservices", "style-event-driven"}:
        k.add("tactic-database-per-service", "services own their data")
        k.add("tactic-publish-subscribe", "services react to each other's domain events")
        k.add("tactic-transactional-outbox", "publish events reliably with the state change",
              ids.get("consistency", []))
        k.add("tactic-circuit-breaker", "contain failures between services", ids.get("availability", []))
        k.add("tactic-bulkhead", "isolate resources per dependency", ids.get("availability", []))
        if p.has("payments") or p.has("orders") or p.has("booking"):
            k.add("tactic-saga", "cross-service business transactions with compensation",
                  f.get("payments", []) + f.get("orders", []) + f.get("booking", []))
        if p.has("mobile"):
            k.add("tactic-bff", "mobile-shaped aggregation over many services", f["mobile"])
    if style == "style-serverless":
        k.add("tactic-connection-pooling", "functions would exhaust database connections")
    return list(k.chosen.values())
