"""Reliability and operations plan: bottlenecks from the numbers, failover, backups, RPO/RTO, observability,
deployment. Every figure shows its arithmetic; assumed capacities are labelled as such."""

from __future__ import annotations

from graphs.architecture.capacity import Capacity, fmt
from graphs.architecture.profile import Profile

PRIMARY_WRITES_PER_S = 3000.0  # one well-tuned relational primary on a large instance (assumed)
DB_CONNECTIONS_PER_INSTANCE = 20
DB_MAX_CONNECTIONS = 500
MINUTES_PER_MONTH = 43_200


def _bottlenecks(c: Capacity, tactic_ids: set[str]) -> list[str]:
    n = c.numbers
    plan = []
    util = n["write_rps"] / PRIMARY_WRITES_PER_S
    verdict = ("fits one primary" if util < 0.5 else "approaching one primary's limit: batch writes or shard"
               if util < 1 else "exceeds one primary: shard or buffer writes")
    if util >= 1 and "tactic-sharding" in tactic_ids:
        verdict += " (sharding selected)"
    plan.append(f"Bottleneck — primary writes: {fmt(n['write_rps'])} writes/s ÷ {PRIMARY_WRITES_PER_S:,.0f} writes/s "
                f"per primary (assumed) = {util:.1%} utilisation; {verdict}.")
    conns = int(n["instances"]) * DB_CONNECTIONS_PER_INSTANCE
    pool = "within" if conns <= DB_MAX_CONNECTIONS else "above — add a connection pooler (PgBouncer/RDS Proxy)"
    plan.append(f"Bottleneck — database connections: {int(n['instances'])} instances × {DB_CONNECTIONS_PER_INSTANCE} "
                f"pooled connections = {conns:,}, {pool} a {DB_MAX_CONNECTIONS}-connection budget (assumed).")
    if n["egress_mb_s"] > 100:
        plan.append(f"Bottleneck — egress {fmt(n['egress_mb_s'])} MB/s at peak: serve media/static content from "
                    "the CDN and compress API responses.")
    return plan


def _recovery(p: Profile) -> list[str]:
    a = p.availability
    if a is not None:
        budget = (1 - a / 100) * MINUTES_PER_MONTH
        plan = [f"Error budget: (1 − {a:g}%) × {MINUTES_PER_MONTH:,} min/month = {budget:,.1f} min of downtime per "
                "month; alert on budget burn rate."]
    else:
        plan = ["No availability target stated: single-AZ deployment with automated restarts; state a target "
                "before buying redundancy."]
    if a is not None and a >= 99.99:
        rpo, rto = "≈ 0 (synchronous replication across zones, asynchronous to a second region)", "≤ 5 min"
        failover = "automatic regional failover with health-checked DNS; rehearsed quarterly"
    elif a is not None and a >= 99.9:
        rpo, rto = "≤ 1 min (synchronous standby in a second zone + continuous WAL/PITR archiving)", "≤ 15 min"
        failover = "managed multi-AZ database failover (~1–2 min) and replicas of every stateless tier across zones"
    else:
        rpo, rto = "≤ 15 min (continuous log archiving/point-in-time recovery)", "≤ 4 h (restore from backup)"
        failover = "restore from backups into a fresh instance; infrastructure as code recreates the rest"
    if p.durability or p.strong_consistency:
        rpo = rpo.split(" (")[0] if rpo.startswith("≈ 0") else "≤ 1 min" + rpo[rpo.find(" ("):]
    plan += [f"Recovery objectives: RPO {rpo}; RTO {rto}.", f"Failover: {failover}.",
             "Backups: daily snapshots + point-in-time recovery, retained 35 days, copied to a second region/"
             "account, restore tested monthly."]
    return plan


def operations_plan(p: Profile, c: Capacity, tactic_ids: set[str], style_id: str) -> list[str]:
    """Bottlenecks, recovery (RPO/RTO, failover, backups), observability and deployment, in that order."""
    plan = _bottlenecks(c, tactic_ids) + _recovery(p)
    slo = f"p95 ≤ {p.latency_ms:g} ms" if p.latency_ms else "p95 latency"
    plan.append(f"Observability: OpenTelemetry traces, metrics and structured logs with correlation ids; SLO "
                f"dashboards ({slo}, error rate, saturation) and alerts routed to on-call.")
    if style_id == "style-serverless":
        deploy = "functions deployed by CI/CD with versioned aliases and weighted (canary) traffic shifting"
    elif style_id in {"style-microservices", "style-event-driven", "style-service-based"}:
        deploy = ("each service built into a container image and deployed independently (Kubernetes, rolling or "
                  "canary releases); contract tests guard APIs and event schemas")
    else:
        deploy = ("one container image deployed by CI/CD with rolling or blue-green releases behind the load "
                  "balancer; database migrations are backward compatible (expand → migrate → contract)")
    plan.append(f"Deployment: {deploy}; infrastructure as code (Terraform/OpenTofu); separate staging and "
                "production accounts.")
    return plan
