"""Per-agent statistics for get_system_status: utilization, completions, failures, lease durations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphs.orchestrate.registry import registry_for

if TYPE_CHECKING:
    from graphs.common.deps import Deps


def _percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of `values` (0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def agent_stats(deps: Deps) -> dict[str, Any]:
    """Agent id → {external, capacity_hours, open_hours, utilization, active_leases, completions, failures,
    expired, duration_p50_s, duration_p95_s, last_seen}, plus totals under "_totals".

    utilization = planned hours of the agent's open assignments (all tasks) / its capacity_hours;
    durations are claim → completion of finished leases (completed or failed).
    """
    registry = registry_for(deps)
    load = registry.open_load()
    now = registry.clock()
    rows = registry.lease_rows()
    out: dict[str, Any] = {}
    for rec in registry.agent_records():
        mine = [r for r in rows if r[0] == rec["id"]]
        durations = [r[3] - r[2] for r in mine if r[1] in ("completed", "failed") and r[3] is not None]
        open_hours = round(load.get(rec["id"], 0.0), 3)
        out[rec["id"]] = {
            "external": rec["external"], "capacity_hours": rec["capacity_hours"], "open_hours": open_hours,
            "utilization": round(open_hours / rec["capacity_hours"], 3) if rec["capacity_hours"] else 0.0,
            "active_leases": len(registry.active_leases_of(rec["id"], now)),
            "completions": sum(1 for r in mine if r[1] == "completed"),
            "failures": sum(1 for r in mine if r[1] == "failed"),
            "expired": sum(1 for r in mine if r[1] == "expired"),
            "duration_p50_s": round(_percentile(durations, 50), 3),
            "duration_p95_s": round(_percentile(durations, 95), 3),
            "last_seen": rec["last_seen"],
        }
    agents = [v for v in out.values()]
    out["_totals"] = {"agents": len(agents), "external": sum(1 for a in agents if a["external"]),
                      "completions": sum(a["completions"] for a in agents),
                      "failures": sum(a["failures"] for a in agents),
                      "active_leases": sum(a["active_leases"] for a in agents)}
    return out
