"""Pure DAG maths over subtasks: validation, topological layers, effort-weighted critical path, complexity."""

from __future__ import annotations

import math
from collections.abc import Sequence

from graphs.orchestrate.schema import Subtask


class PlanError(ValueError):
    """The plan is not a valid DAG (duplicate ids, unknown dependencies or a cycle)."""


def parallel_levels(subtasks: Sequence[Subtask]) -> list[list[str]]:
    """Kahn layers: level 0 has no dependencies, level k depends only on earlier levels. Raises PlanError."""
    ids = [s.id for s in subtasks]
    if len(set(ids)) != len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise PlanError(f"duplicate subtask ids: {dupes}")
    known = set(ids)
    deps = {s.id: set(s.depends_on) for s in subtasks}
    for sid, wanted in deps.items():
        if sid in wanted:
            raise PlanError(f"cycle: subtask {sid!r} depends on itself")
        unknown = wanted - known
        if unknown:
            raise PlanError(f"subtask {sid!r} depends on unknown subtasks {sorted(unknown)}")
    order = {sid: i for i, sid in enumerate(ids)}
    levels: list[list[str]] = []
    done: set[str] = set()
    remaining = set(ids)
    while remaining:
        layer = sorted((sid for sid in remaining if deps[sid] <= done), key=order.__getitem__)
        if not layer:
            raise PlanError(f"cycle among subtasks: {' -> '.join(_cycle(remaining, deps))} (each depends on the next)")
        levels.append(layer)
        done.update(layer)
        remaining.difference_update(layer)
    return levels


def _cycle(remaining: set[str], deps: dict[str, set[str]]) -> list[str]:
    """One concrete cycle inside `remaining` (for a readable error), e.g. ['a', 'b', 'a']."""
    start = min(remaining)
    path, seen = [start], {start}
    node = start
    while True:
        node = min(d for d in deps[node] if d in remaining)
        if node in seen:
            return path[path.index(node):] + [node]
        path.append(node)
        seen.add(node)


def validate_dag(subtasks: Sequence[Subtask]) -> None:
    """Raise PlanError if the subtasks do not form a DAG."""
    parallel_levels(subtasks)


def critical_path(subtasks: Sequence[Subtask]) -> list[str]:
    """The dependency chain with the largest total effort_hours (ties: earliest-listed subtasks)."""
    by_id = {s.id: s for s in subtasks}
    best: dict[str, tuple[float, list[str]]] = {}
    for layer in parallel_levels(subtasks):
        for sid in layer:
            prev = [best[d] for d in by_id[sid].depends_on]
            base = max(prev, key=lambda p: p[0], default=(0.0, []))
            best[sid] = (base[0] + by_id[sid].effort_hours, base[1] + [sid])
    if not best:
        return []
    return max(best.values(), key=lambda p: p[0])[1]


def path_hours(subtasks: Sequence[Subtask], path: Sequence[str]) -> float:
    """Total effort of the subtasks on `path`."""
    by_id = {s.id: s for s in subtasks}
    return sum(by_id[sid].effort_hours for sid in path)


def complexity(subtasks: Sequence[Subtask]) -> float:
    """A 0–10 size-and-coupling score.

    log2(1 + total_hours/8)       (effort in person-days, diminishing)
    + 0.3 · distinct roles        (coordination across disciplines)
    + 0.05 · dependency edges     (coupling)
    + 0.02 · critical-path hours  (how long the work is serial)
    capped at 10, rounded to one decimal: a one-day fix scores about 2, a new service about 8.
    """
    if not subtasks:
        return 0.0
    total = sum(s.effort_hours for s in subtasks)
    roles = len({s.role for s in subtasks})
    edges = sum(len(s.depends_on) for s in subtasks)
    serial = path_hours(subtasks, critical_path(subtasks))
    score = math.log2(1 + total / 8) + 0.3 * roles + 0.05 * edges + 0.02 * serial
    return round(min(10.0, score), 1)
