"""Tactics called for by assessed forces (`forces.py`), with the forces and requirement ids as their reason."""

from __future__ import annotations

from graphs.architecture.catalog import pattern_index
from graphs.architecture.profile import ForceScore, Profile
from graphs.architecture.schema import ADR
from graphs.architecture.tactics import TacticChoice

# Force key -> tactics it calls for once its threshold is met. Style-level forces (serverless, stream
# processing) are scored in `styles.py`; client forces become features in `forces.apply_feature_forces`.
FORCE_TACTICS: dict[str, tuple[str, ...]] = {
    "audit_log": ("tactic-audit-log",),
    "publish_subscribe": ("tactic-publish-subscribe",),
    "load_leveling": ("tactic-queue-based-load-leveling",),
    "cqrs": ("tactic-cqrs",),
    "multi_region": ("tactic-multi-region-active-active",),
    "dependency_failure": ("tactic-circuit-breaker", "tactic-retry-backoff"),
    "duplicate_effects": ("tactic-idempotency-keys",),
    "legacy_migration": ("tactic-strangler-fig",),
}
MAX_FORCE_ADRS = 4


def explain(force: ForceScore) -> str:
    """"forces: +2 why (QA-1); +1 why (FR-2) → 3 ≥ 2"."""
    return f"forces: {'; '.join(force.forces)} → {force.score:g} ≥ {force.threshold:g}"


def apply_forces(choices: list[TacticChoice], p: Profile) -> list[TacticChoice]:
    """`choices` plus the tactics whose forces are met (merged by pattern id; order kept)."""
    chosen = {c.pattern_id: c for c in choices}
    for key, pids in FORCE_TACTICS.items():
        force = p.force(key)
        if force is None:
            continue
        for pid in pids:
            if pid in chosen:
                c = chosen[pid]
                c.serves.extend(i for i in force.ids if i not in c.serves)
                c.reason += f"; {explain(force)}"
            else:
                chosen[pid] = TacticChoice(pid, explain(force), list(force.ids))
    return list(chosen.values())


def force_adrs(p: Profile, tactic_ids: set[str], first_number: int) -> list[ADR]:
    """One ADR per force-driven tactic in the design (strongest forces first, capped)."""
    entries = pattern_index()
    met = sorted((f for f in p.forces.values() if f.met and f.key in FORCE_TACTICS),
                 key=lambda f: (-f.score, f.key))
    out: list[ADR] = []
    for force in met:
        pid = FORCE_TACTICS[force.key][0]
        if pid not in tactic_ids or len(out) >= MAX_FORCE_ADRS:
            continue
        entry = entries[pid]
        out.append(ADR(
            id=f"ADR-{first_number + len(out)}", title=f"Adopt {entry['title']}",
            context="Forces: " + "; ".join(f.split(" ", 1)[1] for f in force.forces),
            decision=f"{entry['summary']} (force score {force.score:g}, threshold {force.threshold:g}).",
            drivers=list(force.ids), options=[entry["title"], "Do without (accept the risk)"],
            consequences=list(entry.get("tradeoffs") or [])[:3],
        ))
    return out
