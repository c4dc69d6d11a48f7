"""Orchestration metrics over an OrchestrateOutput (as a dict) and an orchestration case."""

from __future__ import annotations

from typing import Any

from evals.metrics.base import RunContext, Score, metric_class
from evals.vocabulary import matches


def dag_problems(plan: list[dict[str, Any]]) -> list[str]:
    """Why a plan is not a valid DAG: empty, duplicate ids, unknown dependencies, or a cycle ([] when valid)."""
    if not plan:
        return ["empty plan"]
    ids = [s["id"] for s in plan]
    problems = [f"duplicate id {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    known = set(ids)
    problems += [f"{s['id']} depends on unknown {d}" for s in plan for d in s.get("depends_on") or [] if d not in known]
    deps = {s["id"]: [d for d in s.get("depends_on") or [] if d in known] for s in plan}
    state: dict[str, int] = {}  # 1 = visiting, 2 = done

    def visit(node: str) -> bool:
        state[node] = 1
        for dep in deps.get(node, []):
            if state.get(dep) == 1 or (state.get(dep) is None and not visit(dep)):
                return False
        state[node] = 2
        return True

    if any(state.get(n) is None and not visit(n) for n in deps):
        problems.append("dependency cycle")
    return problems


def ancestors(plan: list[dict[str, Any]], subtask_id: str) -> set[str]:
    """All transitive dependencies of one subtask."""
    deps = {s["id"]: s.get("depends_on") or [] for s in plan}
    seen: set[str] = set()
    stack = list(deps.get(subtask_id, []))
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(deps.get(node, []))
    return seen


def subtasks_of_kind(plan: list[dict[str, Any]], kind: str) -> list[str]:
    """Ids of subtasks whose kind or title matches `kind` through the kinds vocabulary."""
    return [s["id"] for s in plan if matches(kind, [s.get("kind", ""), s.get("title", "")], "kinds")]


def score_dag_valid(output: dict[str, Any], case: dict[str, Any], ctx: RunContext) -> Score:
    """1.0 when the plan is a non-empty DAG with unique ids and existing dependencies, else 0.0."""
    problems = dag_problems(output.get("plan") or [])
    return Score(0.0 if problems else 1.0, "; ".join(problems[:5]) or "valid DAG")


def score_role_coverage(output: dict[str, Any], case: dict[str, Any], ctx: RunContext) -> Score:
    """Fraction of `expected_roles` assigned to at least one subtask."""
    expected = case["expected_roles"]
    roles = {s.get("role") for s in output.get("plan") or []}
    missed = [r for r in expected if r not in roles]
    if not expected:
        return Score(None, "skipped: case expects no roles")
    value = 1.0 - len(missed) / len(expected)
    return Score(value, f"missing roles {missed}" if missed else "all expected roles covered")


def score_kind_coverage(output: dict[str, Any], case: dict[str, Any], ctx: RunContext) -> Score:
    """Fraction of `expected_kinds` matched by some subtask kind or title (kinds vocabulary)."""
    plan = output.get("plan") or []
    expected = case["expected_kinds"]
    missed = [k for k in expected if not subtasks_of_kind(plan, k)]
    if not expected:
        return Score(None, "skipped: case expects no kinds")
    value = 1.0 - len(missed) / len(expected)
    return Score(value, f"missing kinds {missed}" if missed else "all expected kinds present")


def score_dependency_order(output: dict[str, Any], case: dict[str, Any], ctx: RunContext) -> Score:
    """Fraction of `dependency_constraints` [A, B] satisfied: some subtask of kind A is an ancestor of some
    subtask of kind B. Skipped when the case has no constraints."""
    plan = output.get("plan") or []
    pairs = case["dependency_constraints"]
    if not pairs:
        return Score(None, "skipped: case has no ordering constraints")
    broken = []
    for before, after in pairs:
        firsts = set(subtasks_of_kind(plan, before))
        if not any(firsts & ancestors(plan, b) for b in subtasks_of_kind(plan, after)):
            broken.append(f"{before}->{after}")
    return Score(1.0 - len(broken) / len(pairs), f"unsatisfied {broken}" if broken else "all orderings hold")


def score_requirements_mapped(output: dict[str, Any], case: dict[str, Any], ctx: RunContext) -> Score:
    """Distinct requirement ids referenced by subtasks divided by the number of case requirements (capped at
    1.0); skipped when the case lists none. Ids are the engine's own, so this counts coverage, not naming."""
    n = len(case["requirements"])
    if n == 0:
        return Score(None, "skipped: case has no requirements")
    ids = {rid for s in output.get("plan") or [] for rid in s.get("requirement_ids") or []}
    return Score(min(1.0, len(ids) / n), f"{len(ids)} requirement ids mapped for {n} requirements")


DagValid = metric_class("dag_valid", score_dag_valid, 1.0, score_dag_valid.__doc__ or "")
RoleCoverage = metric_class("role_coverage", score_role_coverage, 0.75, score_role_coverage.__doc__ or "")
KindCoverage = metric_class("kind_coverage", score_kind_coverage, 0.75, score_kind_coverage.__doc__ or "")
DependencyOrder = metric_class("dependency_order", score_dependency_order, 1.0, score_dependency_order.__doc__ or "")
RequirementsMapped = metric_class("requirements_mapped", score_requirements_mapped, 1.0,
                                  score_requirements_mapped.__doc__ or "")

METRICS = (DagValid, RoleCoverage, KindCoverage, DependencyOrder, RequirementsMapped)
