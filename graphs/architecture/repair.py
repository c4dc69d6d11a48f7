"""Targeted repairs for failed checks. Each repair returns a new Design; the input is never mutated."""

from __future__ import annotations

import copy
from collections.abc import Callable

from graphs.architecture.capacity import Capacity
from graphs.architecture.catalog import pattern_index
from graphs.architecture.checks import reachable
from graphs.architecture.design import Design, refresh_derived
from graphs.architecture.profile import Profile
from graphs.architecture.schema import Check, Component, Connection, PatternUse, Requirement, SecurityMeasure
from graphs.architecture.security import boundaries

ATTRIBUTE_TACTIC = {
    "availability": "tactic-multi-az-redundancy", "latency": "tactic-cache-aside", "throughput": "tactic-autoscaling",
    "users": "tactic-autoscaling", "scalability": "tactic-autoscaling", "global": "tactic-cdn",
    "real_time": "tactic-realtime-gateway", "offline": "tactic-offline-sync-queue",
    "security": "tactic-encryption-secrets", "compliance": "tactic-audit-log", "durability": "tactic-backup-restore",
    "consistency": "tactic-idempotency-keys", "data_size": "tactic-backup-restore",
    "data_growth": "tactic-data-lifecycle-tiering", "retention": "tactic-data-lifecycle-tiering",
    "read_write_ratio": "tactic-cache-aside", "observability": "tactic-health-monitoring",
}
DEFAULT_CONTROLS = {
    "Internet → Edge": ("S (Spoofing)", "OIDC authentication and TLS 1.2+ at the edge"),
    "Edge → Services": ("E (Elevation of privilege)", "per-request authorisation in every service"),
    "Services → Data": ("I (Information disclosure)", "encryption at rest, TLS, least-privilege credentials"),
    "Services → Messaging": ("T (Tampering)", "authenticated, encrypted broker connections"),
    "Services → Third parties": ("I (Information disclosure)", "minimal data sharing, secrets in a manager"),
    "Third parties → Services": ("S (Spoofing)", "verify webhook signatures"),
}
STORE_PROTOCOL = {"datastore": ("SQL/HTTPS over TLS", "sync"), "cache": ("RESP over TLS", "sync"),
                  "queue": ("broker protocol over TLS", "async"), "external": ("HTTPS", "sync"),
                  "observability": ("OTLP", "async"), "worker": ("broker protocol over TLS", "async"),
                  "service": ("HTTPS", "sync"), "edge": ("HTTPS", "sync"), "client": ("HTTPS", "sync")}


def _main_service(d: Design) -> str:
    return next(c.name for c in d.output.components if c.kind == "service")


def _connect_from_main(d: Design, names: list[str], purpose: str) -> None:
    main = _main_service(d)
    kinds = {c.name: c.kind for c in d.output.components}
    for name in names:
        if name == main:
            continue
        if kinds[name] == "client":
            d.output.connections.append(Connection(source=name, target=main, protocol="HTTPS", mode="sync",
                                                   purpose=purpose))
            continue
        protocol, mode = STORE_PROTOCOL[kinds[name]]
        queue = next((n for n, k in kinds.items() if k == "queue"), None)
        if kinds[name] == "worker" and queue:
            d.output.connections.append(Connection(source=queue, target=name, protocol=protocol, mode="async",
                                                   purpose=purpose))
            continue
        d.output.connections.append(Connection(source=main, target=name, protocol=protocol, mode=mode,  # type: ignore[arg-type]
                                               purpose=purpose))


def _unlinked(d: Design) -> None:
    linked = {c.source for c in d.output.connections} | {c.target for c in d.output.connections}
    _connect_from_main(d, [c.name for c in d.output.components if c.name not in linked], "repair: attach orphan")


def _unreachable(d: Design) -> None:
    clients = [c.name for c in d.output.components if c.kind == "client"]
    reached = reachable(d.output, clients)
    main = _main_service(d)
    if main not in reached and clients:
        _connect_from_main(d, clients[:1], "repair: clients call the main service")
        reached = reachable(d.output, clients)
    lost = [c.name for c in d.output.components if c.name not in reached and c.kind != "client"]
    _connect_from_main(d, lost, "repair: make reachable")


def _spof(d: Design) -> None:
    for comp in d.output.components:
        if comp.kind in {"edge", "service", "datastore", "cache", "queue"} and d.redundancy.get(comp.name, 1) < 2:
            d.redundancy[comp.name] = 2
            comp.scaling = (comp.scaling + "; " if comp.scaling else "") + "repair: 2+ instances across zones"


def _served(d: Design, reqs: list[Requirement], p: Profile) -> None:
    main = next(c for c in d.output.components if c.kind == "service")
    for r in reqs:
        if not d.output.traceability.get(r.id):
            if r.kind == "quality" and r.attribute in ATTRIBUTE_TACTIC:
                _add_tactic(d, _tactic_for(r), [r.id])
            else:
                main.serves.append(r.id)


def _add_tactic(d: Design, pid: str, serves: list[str]) -> None:
    """Make sure the tactic is listed (serving `serves`) and its curated components exist and are connected."""
    entry = pattern_index()[pid]
    listed = next((pat for pat in d.output.patterns if pat.pattern_id == pid), None)
    if listed is not None:
        listed.serves = list(dict.fromkeys(listed.serves + serves))
    else:
        d.output.patterns.append(PatternUse(pattern_id=pid, name=entry["title"], reason="repair: covers " +
                                            ", ".join(serves), serves=serves))
        d.tactic_ids.append(pid)
    names = {c.name for c in d.output.components}
    new = []
    for spec in entry.get("components") or []:
        if spec["name"] not in names:
            d.output.components.append(Component(name=spec["name"], kind=spec["kind"], technology=spec["technology"],
                                                 responsibility=spec["responsibility"], serves=list(serves)))
            new.append(spec["name"])
    _connect_from_main(d, new, "repair: added by tactic")


def _quality(d: Design, reqs: list[Requirement]) -> None:
    served = {i for pat in d.output.patterns for i in pat.serves}
    for r in reqs:
        if r.kind == "quality" and r.attribute in ATTRIBUTE_TACTIC and r.id not in served:
            _add_tactic(d, _tactic_for(r), [r.id])


def _tactic_for(r: Requirement) -> str:
    if r.attribute == "read_write_ratio" and r.value is not None and r.value < 1:
        return "tactic-queue-based-load-leveling"
    return ATTRIBUTE_TACTIC[r.attribute or ""]


def _store(d: Design, p: Profile) -> None:
    names = {c.name: c for c in d.output.components}
    db = names.get(d.primary_db)
    if db is not None and (p.strong_consistency or "sqlite" in db.technology.lower()):
        if db.technology != "PostgreSQL":
            d.replaced[db.technology] = "PostgreSQL"
            db.technology = "PostgreSQL"
    if p.has("search") and "Search Index" not in names:
        _add_tactic(d, "tactic-search-index", p.features.get("search", []))
    if p.has("file_storage") and "Object Storage" not in names:
        _add_tactic(d, "tactic-object-storage-signed-urls", p.features.get("file_storage", []))


def _bounds(d: Design) -> None:
    covered = {m.boundary for m in d.output.security}
    for b in sorted(boundaries(d.output.components, d.output.connections) - covered):
        threat, control = DEFAULT_CONTROLS[b]
        d.output.security.append(SecurityMeasure(boundary=b, threat=threat, control=control))


def _compat(d: Design) -> None:
    for comp in d.output.components:
        for old, new in d.replaced.items():
            if comp.technology.lower() == old.lower():
                comp.technology = new
    d.mitigated = list(dict.fromkeys(d.mitigated + d.issue_ids))


def repair_design(d: Design, failed: list[Check], reqs: list[Requirement], p: Profile, cap: Capacity
                  ) -> tuple[Design, list[str]]:
    """Apply the repair for each failed check; returns the new design and what was done."""
    new = copy.deepcopy(d)
    actions: dict[str, Callable[[], None]] = {
        "no_orphan_components": lambda: _unlinked(new),
        "graph_connected": lambda: _unlinked(new),
        "clients_reach_stores": lambda: _unreachable(new),
        "no_single_point_of_failure": lambda: _spof(new),
        "requirements_served": lambda: _served(new, reqs, p),
        "quality_targets_covered": lambda: _quality(new, reqs),
        "store_fits_workload": lambda: _store(new, p),
        "trust_boundaries_controlled": lambda: _bounds(new),
        "compatibility_addressed": lambda: _compat(new),
    }
    done = []
    for check in failed:
        action = actions.get(check.name)
        if action is None:
            done.append(f"no automatic repair for {check.name}: {check.detail}")
            continue
        action()
        done.append(f"repaired {check.name} ({check.detail})")
    # Repairs may add components/connections: re-run the cheap structural fixes and re-derive views.
    refresh_derived(new.output, reqs)
    _unlinked(new)
    _bounds(new)
    if p.availability is not None:
        _spof(new)
    refresh_derived(new.output, reqs)
    return new, done
