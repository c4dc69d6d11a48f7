"""Review: per-subtask quality gates, send-back decisions (bounded) and the overall verdict. Pure functions."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphs.orchestrate.executors import EXECUTOR_BY_NAME
from graphs.orchestrate.schema import Review, Subtask

MAX_ATTEMPTS = 3  # first run + 2 retries, then escalate
Check = Callable[[dict[str, Any]], bool | None]  # None: the output cannot tell


def _has(out: dict[str, Any], *keys: str) -> bool:
    return all(k in out for k in keys)


GATES: tuple[tuple[re.Pattern[str], Check], ...] = (
    (re.compile(r"\ball tests pass"), lambda o: bool(o["all_passed"]) if _has(o, "all_passed") else None),
    (re.compile(r"failing test reproduces"),
     lambda o: (o["compiled"] and not o["timed_out"] and o["total"] > o["passed"])
     if _has(o, "compiled", "timed_out", "total", "passed") else None),
    (re.compile(r"no high[- ]severity findings"),
     lambda o: o["high_severity"] == 0 if _has(o, "high_severity") else None),
    (re.compile(r"no new (static |security )?findings"),
     lambda o: o["new_findings"] == 0 if _has(o, "new_findings")
     else (o["findings_after"] <= o["findings_before"] if _has(o, "findings_after", "findings_before") else None)),
    (re.compile(r"fix is validated by the tests"), lambda o: bool(o["validated"]) if _has(o, "validated") else None),
    (re.compile(r"design checks pass"), lambda o: not o["checks_failed"] if _has(o, "checks_failed") else None),
    (re.compile(r"every requirement is traced"),
     lambda o: not o["untraced_requirements"] if _has(o, "untraced_requirements") else None),
    (re.compile(r"threats are mapped to controls"),
     lambda o: bool(o["security_measures"]) if _has(o, "security_measures") else None),
    (re.compile(r"findings (are )?recorded"), lambda o: "findings" in o),
)


@dataclass
class GateResult:
    met: list[str] = field(default_factory=list)
    unmet: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)


def evaluate_gates(sub: Subtask, output: dict[str, Any], executor: str | None) -> GateResult:
    """Check each acceptance criterion the output can decide, plus 'required outputs present'."""
    gate = GateResult()
    for criterion in sub.acceptance_criteria:
        low = criterion.lower()
        check = next((fn for pattern, fn in GATES if pattern.search(low)), None)
        verdict = check(output) if check else None
        target = gate.unverified if verdict is None else gate.met if verdict else gate.unmet
        target.append(criterion)
    spec = EXECUTOR_BY_NAME.get(executor or "")
    if spec is not None:
        expected = [name for name in sub.outputs if name in spec.artifacts]
        missing = [name for name in expected if name not in output.get("artifacts", [])]
        if expected:
            label = f"required outputs present ({', '.join(expected)})"
            (gate.unmet if missing else gate.met).append(label if not missing else f"{label}: missing {missing}")
    return gate


def evaluate_agent_gates(sub: Subtask, output: dict[str, Any]) -> GateResult:
    """Gates for an external agent's result: checkable criteria plus every declared output delivered."""
    gate = evaluate_gates(sub, output, None)
    if sub.outputs:
        missing = [name for name in sub.outputs if name not in output.get("artifacts", [])]
        label = f"required outputs present ({', '.join(sub.outputs)})"
        (gate.unmet if missing else gate.met).append(f"{label}: missing {missing}" if missing else label)
    return gate


def ancestors(plan: dict[str, Subtask], sid: str) -> list[str]:
    """All transitive dependencies of `sid`, nearest first."""
    seen: list[str] = []
    frontier = list(plan[sid].depends_on)
    while frontier:
        nxt = frontier.pop(0)
        if nxt not in seen:
            seen.append(nxt)
            frontier.extend(plan[nxt].depends_on)
    return seen


def descendants(plan: dict[str, Subtask], sid: str) -> set[str]:
    """All subtasks that (transitively) depend on `sid`."""
    out: set[str] = set()
    frontier = [sid]
    while frontier:
        cur = frontier.pop()
        for s in plan.values():
            if cur in s.depends_on and s.id not in out:
                out.add(s.id)
                frontier.append(s.id)
    return out


def send_back_target(plan: dict[str, Subtask], results: dict[str, dict[str, Any]], sid: str) -> str | None:
    """Which subtask to redo when `sid` fails a gate.

    A fix redoes itself (a retry applies the next untried candidate). Tests and scans are deterministic on
    unchanged code, so they send back the nearest upstream fix that produced the code. The offline
    architecture engine is deterministic too. Without a useful target the subtask escalates at once.
    """
    executor = results[sid].get("executor")
    if executor == "auto_fix":  # a retry applies the next candidate, so only worth it if one was applied
        return sid if "patch" in results[sid].get("output", {}).get("artifacts", []) else None
    if executor == "architecture":
        return None
    return next((a for a in ancestors(plan, sid) if results[a].get("executor") == "auto_fix"), None)


def overall_review(plan: list[Subtask], results: dict[str, dict[str, Any]], rounds: int,
                   escalated: list[str]) -> Review:
    """approved (all done), awaiting_agents (nothing failed, some wait), rejected (something failed)."""
    statuses = {s.id: results[s.id]["status"] for s in plan}
    failed = [sid for sid, st in statuses.items() if st == "failed"]
    waiting = [sid for sid, st in statuses.items() if st == "awaiting_agent"]
    blocked = [sid for sid, st in statuses.items() if st in ("pending", "ready")]
    issues = list(escalated)
    for sid in failed:
        unmet = results[sid].get("criteria_unmet") or []
        line = f"{sid} failed: " + ("; ".join(unmet) if unmet else results[sid].get("summary", ""))
        if line not in issues:
            issues.append(line)
    if failed:
        verdict, summary = "rejected", f"{len(failed)} subtask(s) failed after review: {', '.join(failed)}"
    elif waiting or blocked:
        verdict = "awaiting_agents"
        summary = (f"{len(statuses) - len(waiting) - len(blocked)}/{len(statuses)} subtasks done internally; "
                   f"{len(waiting)} awaiting agents, {len(blocked)} blocked behind them")
        issues += [f"{sid} awaits an agent: {results[sid].get('summary', '')}" for sid in waiting]
    else:
        verdict, summary = "approved", f"all {len(statuses)} subtasks done and their checkable gates met"
    return Review(verdict=verdict, summary=summary, issues=issues, rounds=rounds)
