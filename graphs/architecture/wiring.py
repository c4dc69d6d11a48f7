"""Connections between components and per-component redundancy/scaling."""

from __future__ import annotations

from graphs.architecture.components import PROTOCOL, WORKER_ROUTES, Blueprint
from graphs.architecture.profile import Profile

EDGE_ORDER = ("Global Traffic Manager", "CDN", "Routing Facade", "API Gateway", "Load Balancer")
# Feature-specific elements are called only by the service of their area when such a service exists.
OWNER_AREA = {"Object Storage": "Media", "Search Index": "Search", "Timeline Cache": "Feed",
              "Payment Provider": "Payments", "Partner APIs": "Integrations", "Realtime Gateway": "Live Updates"}


def _callers(bp: Blueprint, target: str, services: list[str]) -> list[str]:
    area = OWNER_AREA.get(target)
    owners = [s for s in services if area and s.startswith(area + " ")]
    return owners or services


def _resolve(bp: Blueprint, token: str) -> list[str]:
    if token == "@db":
        return [bp.primary_db]
    if token == "@queue" or token == "queue":
        return bp.of_kind("queue")[:1]
    return [token] if token in bp.components else []


def wire(bp: Blueprint) -> None:
    """Directed call/data-flow connections: clients → edge chain → services → stores/queues → workers."""
    clients = bp.of_kind("client")
    edges = [e for e in EDGE_ORDER if e in bp.components]
    entry = edges[0] if edges else None
    for client in clients:
        if entry:
            bp.link(client, entry, "HTTPS", "sync", "all client traffic")
        if "Ingestion Endpoint" in bp.components:
            bp.link(client, "Ingestion Endpoint", "HTTPS/MQTT over TLS", "async", "device events")
    for a, b in zip(edges, edges[1:], strict=False):
        bp.link(a, b, "HTTPS", "sync", "forward dynamic requests")
    if "CDN" in bp.components and "Object Storage" in bp.components:
        bp.link("CDN", "Object Storage", "HTTPS", "sync", "origin fetch of media")
    last = edges[-1] if edges else None
    front = [s for s in bp.services if s not in {"Mobile BFF"}]
    if "Mobile BFF" in bp.components and last:
        bp.link(last, "Mobile BFF", "HTTPS", "sync", "mobile API")
        for s in front:
            bp.link("Mobile BFF", s, "HTTPS/gRPC", "sync", "aggregate backend calls")
    for s in front:
        if last:
            bp.link(last, s, "HTTPS", "sync", "route API requests")
        elif clients:
            bp.link(clients[0], s, "HTTPS", "sync", "API requests")
    if "Realtime Gateway" in bp.components:
        if last:
            bp.link(last, "Realtime Gateway", "WebSocket over TLS", "sync", "upgrade to WebSocket")
        if "Pub/Sub Backplane" in bp.components:
            bp.link("Realtime Gateway", "Pub/Sub Backplane", "RESP over TLS", "async", "fan messages across nodes")
        for s in _callers(bp, "Realtime Gateway", front)[:1]:
            bp.link(s, "Realtime Gateway", "HTTPS", "async", "push events to connected clients")
    _wire_services(bp, front)
    _wire_workers(bp)
    _wire_stores(bp)


def _wire_services(bp: Blueprint, front: list[str]) -> None:
    db = bp.primary_db
    pooler = "Connection Pooler" if "Connection Pooler" in bp.components else None
    if pooler:
        bp.link(pooler, db, PROTOCOL["relational"], "sync", "pooled connections")
    callers = front + (["Workflow Orchestrator"] if "Workflow Orchestrator" in bp.components else [])
    for s in callers:
        bp.link(s, pooler or db, PROTOCOL.get(bp.categories.get(db, "relational"), "SQL over TLS"), "sync",
                "read/write system of record")
        for name, comp in bp.components.items():
            if s not in _callers(bp, name, callers):
                continue
            cat = bp.categories.get(name, "")
            if comp.kind == "cache" and name not in {"Pub/Sub Backplane"}:
                bp.link(s, name, PROTOCOL["cache"], "sync", "cache reads")
            elif name in {"Read Replicas", "Search Index", "Object Storage", "Audit Log", "Read Store"}:
                bp.link(s, name, PROTOCOL.get(cat, "HTTPS"), "sync", comp.responsibility)
            elif comp.kind == "queue":
                bp.link(s, name, PROTOCOL["queue"], "async", "publish jobs/events")
            elif comp.kind == "external":
                bp.link(s, name, "HTTPS", "sync", comp.responsibility)
            elif comp.kind == "observability":
                bp.link(s, name, "OTLP", "async", "telemetry")
        if "Workflow Orchestrator" in bp.components and s != "Workflow Orchestrator":
            bp.link(s, "Workflow Orchestrator", "HTTPS/gRPC", "sync", "start and advance sagas")
    if "Event Store" in bp.components:
        for s in front:
            bp.link(s, "Event Store", PROTOCOL["relational"], "sync", "append or read events")
    if "Reporting Service" in bp.components and "Analytics Warehouse" in bp.components:
        bp.link("Reporting Service", "Analytics Warehouse", PROTOCOL["warehouse"], "sync", "report queries")


def _wire_workers(bp: Blueprint) -> None:
    obs = bp.of_kind("observability")
    for worker in bp.of_kind("worker"):
        source, targets = WORKER_ROUTES.get(worker, ("queue", ("@db",)))
        for src in _resolve(bp, source) if source else []:
            protocol = PROTOCOL["queue"] if bp.components[src].kind == "queue" else "SQL over TLS"
            bp.link(src, worker, protocol, "async", "deliver work")
        for token in targets:
            for dst in _resolve(bp, token):
                cat = bp.categories.get(dst, "")
                mode = "async" if bp.components[dst].kind == "queue" else "sync"
                bp.link(worker, dst, PROTOCOL.get(cat, "HTTPS"), mode, "write results")
        for o in obs:
            bp.link(worker, o, "OTLP", "async", "telemetry")
    if "Job Scheduler" in bp.components and not any(c.target == "Job Scheduler" for c in bp.connections):
        bp.link(bp.services[0], "Job Scheduler", "HTTPS", "async", "register scheduled jobs")


def _wire_stores(bp: Blueprint) -> None:
    db = bp.primary_db
    if "Read Replicas" in bp.components:
        bp.link(db, "Read Replicas", "streaming replication", "async", "replicate changes")
    if "Analytics Warehouse" in bp.components and not any(c.target == "Analytics Warehouse" for c in bp.connections):
        bp.link(db, "Analytics Warehouse", "CDC/ETL", "async", "load operational data for reports")
    if "Archive Storage" in bp.components:
        src = "Object Storage" if "Object Storage" in bp.components else db
        bp.link(src, "Archive Storage", "lifecycle/export job", "async", "move data past its hot window")
        if src != db:
            bp.link(db, "Archive Storage", "scheduled export", "async", "archive old rows")
    if "Payment Provider" in bp.components:
        target = next((s for s in bp.services if s.startswith("Payments")), bp.services[0])
        bp.link("Payment Provider", target, "HTTPS webhook (signed)", "async", "payment status events")
    if "Ingestion Endpoint" in bp.components and bp.of_kind("queue"):
        bp.link("Ingestion Endpoint", bp.of_kind("queue")[0], PROTOCOL["queue"], "async", "append events")


def apply_redundancy(bp: Blueprint, p: Profile, instances: int) -> dict[str, int]:
    """Instance counts and scaling text; with an availability target nothing on the request path runs alone."""
    ha = p.availability is not None
    per_service = max(2 if ha else 1, round(instances / max(len(bp.services), 1)))
    redundancy: dict[str, int] = {}
    for name, comp in bp.components.items():
        if comp.kind in {"client", "external"}:
            continue
        if comp.kind == "service":
            n = per_service
            comp.scaling = (f"{n}+ stateless instances across availability zones, autoscaled on CPU and req/s"
                            if n > 1 else "1 instance; scale out behind the load balancer when needed")
        elif comp.kind == "worker":
            n = 2 if ha else 1
            comp.scaling = f"{n}+ consumers, autoscaled on queue depth/lag"
        elif comp.kind in {"datastore", "cache"}:
            n = 2 if ha else 1
            comp.scaling = ("primary + synchronous standby in another zone (multi-AZ), automated failover"
                            if n > 1 else "single instance with automated backups")
        elif comp.kind in {"edge", "queue"}:
            n = 2 if ha else 1
            comp.scaling = ("managed, multi-AZ" if n > 1 else "managed service") + (
                "; partitions scale consumers" if comp.kind == "queue" else "")
        else:
            n = 1
            comp.scaling = comp.scaling or "managed"
        redundancy[name] = n
    return redundancy
