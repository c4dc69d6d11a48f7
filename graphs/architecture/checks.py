"""Deterministic validation of a design. Each check is a small pure function returning a `Check`."""

from __future__ import annotations

from collections import deque

from graphs.architecture.capacity import Capacity, verify_capacity
from graphs.architecture.design import Design
from graphs.architecture.mermaid import check_mermaid
from graphs.architecture.profile import Profile
from graphs.architecture.schema import ArchitectureOutput, Check, Requirement
from graphs.architecture.security import boundaries

COVERED_ATTRIBUTES = {"availability", "latency", "throughput", "users", "scalability", "global", "real_time",
                      "offline", "security", "compliance", "durability", "consistency", "data_size", "data_growth",
                      "retention", "read_write_ratio", "observability"}
REDUNDANT_KINDS = {"edge", "service", "datastore", "cache", "queue"}
NON_ACID = ("mongodb", "dynamodb", "cassandra", "firestore", "couchdb", "redis", "memcached")


def reachable(out: ArchitectureOutput, starts: list[str], sync_only: bool = False) -> set[str]:
    adj: dict[str, list[str]] = {}
    for c in out.connections:
        if not sync_only or c.mode == "sync":
            adj.setdefault(c.source, []).append(c.target)
    seen, todo = set(starts), deque(starts)
    while todo:
        for nxt in adj.get(todo.popleft(), []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def check_requirements_served(out: ArchitectureOutput, reqs: list[Requirement]) -> Check:
    missing = [r.id for r in reqs if not out.traceability.get(r.id)]
    return Check(name="requirements_served", passed=not missing,
                 detail=f"unserved: {missing}" if missing else f"all {len(reqs)} requirements traced")


def check_no_orphans(out: ArchitectureOutput) -> Check:
    linked = {c.source for c in out.connections} | {c.target for c in out.connections}
    orphans = [c.name for c in out.components if c.name not in linked]
    return Check(name="no_orphan_components", passed=not orphans,
                 detail=f"orphans: {orphans}" if orphans else f"{len(out.components)} components all connected")


def check_connected(out: ArchitectureOutput) -> Check:
    names = [c.name for c in out.components]
    adj: dict[str, set[str]] = {n: set() for n in names}
    for c in out.connections:
        adj.setdefault(c.source, set()).add(c.target)
        adj.setdefault(c.target, set()).add(c.source)
    seen, todo = {names[0]} if names else set(), deque(names[:1])
    while todo:
        for nxt in adj.get(todo.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    apart = [n for n in names if n not in seen]
    return Check(name="graph_connected", passed=not apart,
                 detail=f"disconnected: {apart}" if apart else "one connected component graph")


def check_clients_reach_stores(out: ArchitectureOutput) -> Check:
    clients = [c.name for c in out.components if c.kind == "client"]
    reached = reachable(out, clients)
    stores = [c.name for c in out.components if c.kind in {"datastore", "cache"}]
    lost = [s for s in stores if s not in reached]
    return Check(name="clients_reach_stores", passed=bool(clients) and not lost,
                 detail=f"unreachable from clients: {lost}" if lost else f"{len(stores)} stores reachable")


def check_no_spof(out: ArchitectureOutput, p: Profile, redundancy: dict[str, int]) -> Check:
    if p.availability is None:
        return Check(name="no_single_point_of_failure", passed=True, detail="no availability target stated")
    clients = [c.name for c in out.components if c.kind == "client"]
    path = reachable(out, clients, sync_only=True)
    kinds = {c.name: c.kind for c in out.components}
    single = [n for n in path if kinds.get(n) in REDUNDANT_KINDS and redundancy.get(n, 1) < 2]
    return Check(name="no_single_point_of_failure", passed=not single,
                 detail=f"single instances on the request path: {sorted(single)}" if single else
                 f"every request-path element redundant for {p.availability}%")


def check_quality_covered(out: ArchitectureOutput, reqs: list[Requirement]) -> Check:
    served = {i for pat in out.patterns for i in pat.serves}
    missing = [r.id for r in reqs if r.kind == "quality" and r.attribute in COVERED_ATTRIBUTES and r.id not in served]
    return Check(name="quality_targets_covered", passed=not missing,
                 detail=f"no tactic for: {missing}" if missing else "every quality target has a tactic")


def check_store_fit(out: ArchitectureOutput, p: Profile, primary_db: str) -> Check:
    names = {c.name: c for c in out.components}
    problems = []
    db = names.get(primary_db)
    if db is None:
        problems.append("no primary datastore")
    elif p.strong_consistency and any(t in db.technology.lower() for t in NON_ACID):
        problems.append(f"{db.technology} for transactional/strongly consistent data")
    if p.has("search") and "Search Index" not in names:
        problems.append("search required but no search index")
    if p.has("file_storage") and "Object Storage" not in names:
        problems.append("files stored without object storage")
    if db is not None and "sqlite" in db.technology.lower() and (p.peak_rps > 50 or p.availability):
        problems.append("SQLite as a shared server-side store")
    return Check(name="store_fits_workload", passed=not problems,
                 detail="; ".join(problems) or "stores match access patterns")


def check_boundaries(out: ArchitectureOutput) -> Check:
    present = boundaries(out.components, out.connections)
    covered = {m.boundary for m in out.security}
    bare = sorted(present - covered)
    return Check(name="trust_boundaries_controlled", passed=not bare,
                 detail=f"no controls at: {bare}" if bare else f"{len(present)} boundaries controlled")


def check_capacity(cap: Capacity) -> Check:
    problems = verify_capacity(cap)
    return Check(name="capacity_consistent", passed=not problems, detail="; ".join(problems) or "identities hold")


def check_compatibility(design: Design) -> Check:
    issue_ids = design.issue_ids
    open_ids = [i for i in issue_ids if i not in design.mitigated]
    used = {c.technology.lower() for c in design.output.components}
    still = [old for old in design.replaced if old.lower() in used]
    ok = not open_ids and not still
    detail = (f"unaddressed: {open_ids}; still using {still}" if not ok else
              f"{len(issue_ids)} compatibility issue(s) addressed")
    return Check(name="compatibility_addressed", passed=ok, detail=detail)


def check_mermaid_valid(out: ArchitectureOutput) -> Check:
    problems = check_mermaid(out.mermaid)
    return Check(name="mermaid_valid", passed=not problems, detail="; ".join(problems[:3]) or "valid flowchart")


def check_team_fit(out: ArchitectureOutput, p: Profile) -> Check:
    services = [c for c in out.components if c.kind == "service"]
    if p.team_size is None:
        return Check(name="fits_team", passed=True, detail="team size not stated")
    limit = max(2, p.team_size)
    return Check(name="fits_team", passed=len(services) <= limit,
                 detail=f"{len(services)} deployable services for a team of {p.team_size}")


def run_checks(design: Design, reqs: list[Requirement], p: Profile, cap: Capacity) -> list[Check]:
    """All checks, in a stable order."""
    out = design.output
    return [
        check_requirements_served(out, reqs), check_no_orphans(out), check_connected(out),
        check_clients_reach_stores(out), check_no_spof(out, p, design.redundancy), check_quality_covered(out, reqs),
        check_store_fit(out, p, design.primary_db), check_boundaries(out), check_capacity(cap),
        check_compatibility(design), check_mermaid_valid(out), check_team_fit(out, p),
    ]
