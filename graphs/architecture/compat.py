"""Compatibility checks of the user's tech stack against curated conflicts (knowledge/compat/conflicts.yaml)."""

from __future__ import annotations

from collections.abc import Callable

from graphs.architecture.catalog import Technology, load_entries, resolve_stack
from graphs.architecture.profile import Profile
from graphs.architecture.schema import CompatibilityIssue

STORE_CATEGORIES = {"relational", "document", "wide_column", "cache", "search", "tsdb", "warehouse", "graph",
                    "object_storage"}
DURABLE_CATEGORIES = {"relational", "document", "wide_column", "tsdb", "warehouse", "graph"}


def _conditions(p: Profile, stack: dict[str, list[Technology]]) -> dict[str, Callable[[], bool]]:
    stores = {c for c in stack if c in STORE_CATEGORIES}
    return {
        "concurrent_writes": lambda: p.peak_rps / ((p.read_ratio or 4.0) + 1) > 20 or (p.users or 0) > 5000,
        "multi_instance": lambda: p.availability is not None or p.peak_rps > 500,
        "realtime": lambda: p.real_time,
        "transactions": lambda: p.strong_consistency or p.has("payments"),
        "long_jobs": lambda: p.has("media_processing") or p.has("batch_jobs"),
        "high_scale": lambda: p.peak_rps > 1000 or p.bursty,
        "analytics": lambda: p.has("analytics"),
        "sole_store": lambda: not (stores & DURABLE_CATEGORIES) and bool(stores),
        "needs_durability": lambda: True,
        "small_scale_team": lambda: p.small_team() and p.peak_rps < 1000,
    }


def _present(token: str, stack: dict[str, list[Technology]]) -> list[str]:
    if token.startswith("category:"):
        return [t.name for t in stack.get(token.split(":", 1)[1], [])]
    return [t.name for techs in stack.values() for t in techs if t.id == token]


def detect_compatibility(tech_stack: list[str], p: Profile) -> list[tuple[str, CompatibilityIssue, dict]]:
    """(conflict id, issue, mitigation) for every curated conflict the stack and workload trigger."""
    stack = resolve_stack(tech_stack)
    conditions = _conditions(p, stack)
    found: list[tuple[str, CompatibilityIssue, dict]] = []
    for entry in load_entries("compat"):
        names: list[str] = []
        for token in entry["technologies"]:
            present = _present(token, stack)
            if not present:
                break
            names.extend(present)
        else:
            unknown = [c for c in entry.get("when", []) if c not in conditions]
            if unknown:
                raise ValueError(f"{entry['id']}: unknown conditions {unknown}")
            if all(conditions[c]() for c in entry.get("when", [])):
                found.append((entry["id"], CompatibilityIssue(
                    technologies=sorted(set(names)), problem=entry["problem"].strip(),
                    severity=entry["severity"], recommendation=entry["recommendation"].strip(),
                ), dict(entry.get("mitigation") or {})))
    found.extend(_orm_mismatches(stack))
    return found


def _orm_mismatches(stack: dict[str, list[Technology]]) -> list[tuple[str, CompatibilityIssue, dict]]:
    out = []
    stores = [t for c in ("relational", "document", "wide_column") for t in stack.get(c, [])]
    for orm in stack.get("orm", []):
        for store in stores:
            if store.id not in orm.supports:
                out.append((f"compat-orm-{orm.id}-{store.id}", CompatibilityIssue(
                    technologies=[orm.name, store.name],
                    problem=f"{orm.name} has no supported driver/dialect for {store.name}.",
                    severity="high",
                    recommendation=f"Pair {store.name} with its native driver/ODM, or keep {orm.name} with one of: "
                                   f"{', '.join(orm.supports)}.",
                ), {"note": f"data access for {store.name} uses its native client, not {orm.name}"}))
    return out
