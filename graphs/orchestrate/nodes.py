"""Nodes of the orchestrate graph: plan_task, assign_agents, execute_subtasks, review_results.

Each node returns a partial state update. `make_nodes(deps)` binds them to the shared resources.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from graphs.orchestrate.agents import assign
from graphs.orchestrate.dag import PlanError, complexity, critical_path, parallel_levels
from graphs.orchestrate.executors import ExecContext, execute_subtask, executor_for
from graphs.orchestrate.planning import build_plan
from graphs.orchestrate.playbooks import PlaybookError, select_playbook
from graphs.orchestrate.refine import refine_plan
from graphs.orchestrate.registry import registry_for
from graphs.orchestrate.review import (
    MAX_ATTEMPTS,
    descendants,
    evaluate_agent_gates,
    evaluate_gates,
    overall_review,
    send_back_target,
)
from graphs.orchestrate.schema import OrchestrateInput, Review, Subtask, SubtaskResult
from graphs.orchestrate.state import OrchestrateState

if TYPE_CHECKING:
    from graphs.common.deps import Deps

log = logging.getLogger(__name__)
MAX_PARALLEL = 4
Node = Callable[[OrchestrateState], dict[str, Any]]


def emit(node: str, message: str) -> None:
    """Send a progress event to the stream (no-op outside a graph run)."""
    log.info("%s: %s", node, message)
    try:
        from langgraph.config import get_stream_writer

        get_stream_writer()({"node": node, "message": message})
    except RuntimeError:  # called outside a runnable context (e.g. a unit test of the node function)
        pass


def plan_of(state: OrchestrateState) -> dict[str, Subtask]:
    return {d["id"]: Subtask.model_validate(d) for d in state.get("plan", [])}


def ready_ids(state: OrchestrateState) -> list[str]:
    """Pending subtasks whose dependencies are all done, in plan order."""
    results = state.get("results", {})
    return [s["id"] for s in state.get("plan", []) if results[s["id"]]["status"] in ("pending", "ready")
            and all(results[d]["status"] == "done" for d in s["depends_on"])]


def make_nodes(deps: Deps) -> dict[str, Node]:
    """The four nodes bound to `deps`; a per-task memo (scans, fix runs) lives as long as the task runs."""
    memo: dict[str, dict[str, Any]] = {}

    def plan_task(state: OrchestrateState) -> dict[str, Any]:
        inp = OrchestrateInput.model_validate(state["input"])
        try:
            choice = select_playbook(deps, inp.description, " ".join([*inp.requirements, *inp.constraints]))
            plan = build_plan(inp, choice.playbook)
        except (PlanError, PlaybookError) as exc:
            log.error("planning failed: %s", exc)
            review = Review(verdict="rejected", summary=f"planning failed: {exc}", issues=[str(exc)])
            return {"state": "failed", "playbook": "", "plan": [], "results": {}, "review": review.model_dump(),
                    "notes": [f"planning failed: {exc}"]}
        subtasks, notes = plan.subtasks, list(choice.notes) + plan.notes
        notes.insert(0, f"playbook {choice.playbook.id} (keywords: {', '.join(choice.matched_keywords) or '-'})")
        refined, llm_notes = refine_plan(deps.llm, inp, subtasks)
        subtasks, notes = (refined or subtasks), notes + llm_notes
        emit("plan_task", f"playbook {choice.playbook.id}: {len(subtasks)} subtasks")
        return {
            "state": "planned", "playbook": choice.playbook.id, "plan": [s.model_dump() for s in subtasks],
            "critical_path": critical_path(subtasks), "parallel_levels": parallel_levels(subtasks),
            "complexity": complexity(subtasks), "code": inp.code, "feedback": {}, "escalated": [], "rounds": 0,
            "results": {s.id: SubtaskResult(subtask_id=s.id, status="pending").model_dump() for s in subtasks},
            "notes": notes,
        }

    def await_approval(state: OrchestrateState) -> dict[str, Any]:
        # interrupt() re-runs this node from the top on resume, so nothing before it may have effects
        if not state["input"].get("require_approval"):
            return {}
        from langgraph.types import interrupt

        decision = interrupt({"task_id": state["task_id"], "playbook": state.get("playbook"),
                              "subtasks": [s["id"] for s in state.get("plan", [])],
                              "question": "approve this plan? resume with {approved, feedback}"})
        approved = bool(decision.get("approved")) if isinstance(decision, dict) else bool(decision)
        feedback = str(decision.get("feedback", "")) if isinstance(decision, dict) else ""
        if approved:
            emit("await_approval", "plan approved")
            return {"notes": [f"plan approved{': ' + feedback if feedback else ''}"]}
        review = Review(verdict="rejected", summary=f"plan rejected by the reviewer: {feedback or 'no reason'}",
                        issues=[feedback] if feedback else [])
        emit("await_approval", "plan rejected")
        return {"state": "cancelled", "review": review.model_dump(), "notes": [f"plan rejected: {feedback}"]}

    def assign_agents(state: OrchestrateState) -> dict[str, Any]:
        plan = plan_of(state)
        subtasks = list(plan.values())
        registry = registry_for(deps)
        assignments, load, notes = assign(subtasks, registry.agents(), registry.open_load())
        registry.record_assignments(state["task_id"], {sid: (agent, plan[sid].effort_hours)
                                                       for sid, agent in assignments.items()})
        results = {sid: {**r, "agent": assignments.get(sid)} for sid, r in state["results"].items()}
        busy = ", ".join(f"{a} {h:g}h" for a, h in sorted(load.items()) if h)
        emit("assign_agents", f"{len(assignments)}/{len(subtasks)} subtasks assigned ({busy})")
        return {"assignments": assignments, "results": results, "state": "running", "notes": notes}

    def execute_subtasks(state: OrchestrateState) -> dict[str, Any]:
        plan, inp = plan_of(state), OrchestrateInput.model_validate(state["input"])
        results = {sid: dict(r) for sid, r in state["results"].items()}
        wave = ready_ids(state)
        cache = memo.setdefault(state["task_id"], {})

        def run_one(sid: str) -> tuple[str, Any]:
            sub, res = plan[sid], results[sid]
            ctx = ExecContext(
                deps=deps, description=inp.description, requirements=inp.requirements, constraints=inp.constraints,
                original_code=inp.code, code=state.get("code", ""), tests=inp.tests, attempt=res["attempts"] + 1,
                feedback=state.get("feedback", {}).get(sid, []), cache=cache, previous=res.get("output", {}),
                upstream={d: results[d]["output"] for d in sub.depends_on},
            )
            return sid, execute_subtask(sub, ctx, res.get("agent"))

        # agent-only subtasks resolve inline (hot path). Executor work always runs in pool threads: they do not
        # inherit this node's runnable context, so engine graphs run standalone instead of as checkpointed
        # subgraphs of this graph (their state need not be serialisable).
        heavy = [sid for sid in wave if executor_for(plan[sid].kind) is not None]
        outcomes = dict(run_one(sid) for sid in wave if sid not in heavy)
        if heavy:
            with ThreadPoolExecutor(max_workers=MAX_PARALLEL) as pool:
                outcomes.update(pool.map(run_one, heavy))
        code = state.get("code", "")
        for sid in wave:  # plan order, so a later fix in the same wave wins deterministically
            out = outcomes[sid]
            attempts = results[sid]["attempts"] + (1 if out.executor else 0)
            results[sid] = {**results[sid], "status": out.status, "executor": out.executor, "output": out.output,
                            "summary": out.summary, "attempts": attempts, "criteria_met": [], "criteria_unmet": []}
            if out.new_code is not None:
                code = out.new_code
            emit("execute_subtasks", f"{sid}: {out.status} - {out.summary[:160]}")
        return {"results": results, "code": code, "last_wave": wave}

    def review_results(state: OrchestrateState) -> dict[str, Any]:
        plan = plan_of(state)
        results = {sid: dict(r) for sid, r in state["results"].items()}
        feedback = {k: list(v) for k, v in state.get("feedback", {}).items()}
        escalated, sent_back, notes = list(state.get("escalated", [])), [], []
        for sid in state.get("last_wave", []):
            res = results[sid]
            if res["status"] == "failed":
                escalated.append(f"{sid}: {res['summary']}")
                continue
            if res["status"] != "done":
                continue
            if res["executor"] is None:  # an external agent's result (complete_subtask)
                _review_agent_result(plan[sid], res, feedback, escalated, notes)
                continue
            gate = evaluate_gates(plan[sid], res["output"], res["executor"])
            res.update(criteria_met=gate.met, criteria_unmet=gate.unmet)
            res["output"] = {**res["output"], "unverified_criteria": gate.unverified}
            if not gate.unmet:
                continue
            target = send_back_target(plan, results, sid)
            detail = f"{sid} gate failed: {'; '.join(gate.unmet)} ({res['summary'][:200]})"
            if target is not None and results[target]["attempts"] < MAX_ATTEMPTS and target not in sent_back:
                feedback.setdefault(target, []).append(detail)
                for rid in {target} | descendants(plan, target):
                    if results[rid]["status"] == "done":
                        results[rid]["status"] = "pending"
                sent_back.append(target)
                notes.append(f"review sent {target} back (attempt {results[target]['attempts'] + 1}): {detail}")
            elif target not in sent_back or target is None:
                res["status"] = "failed"
                why = "retries exhausted" if target is not None else "re-running on unchanged inputs cannot help"
                escalated.append(f"{detail} - escalated: {why}")
        rounds = state.get("rounds", 0) + 1
        update: dict[str, Any] = {"results": results, "feedback": feedback, "escalated": escalated,
                                  "rounds": rounds, "notes": notes}
        if ready_ids({**state, "results": results}):
            verdict = "changes_requested" if sent_back else "awaiting_agents"
            update["review"] = Review(verdict=verdict, summary=f"round {rounds}: work continues",
                                      issues=list(notes), rounds=rounds).model_dump()
            update["state"] = "running"
            emit("review_results", f"round {rounds}: {len(sent_back)} sent back, continuing")
            return update
        subtasks = list(plan.values())
        review = overall_review(subtasks, results, rounds, escalated)
        update["review"] = review.model_dump()
        update["state"] = {"approved": "completed", "rejected": "failed"}.get(review.verdict, "awaiting_agents")
        memo.pop(state["task_id"], None)
        emit("review_results", f"verdict {review.verdict}: {review.summary}")
        return update

    return {"plan_task": plan_task, "await_approval": await_approval, "assign_agents": assign_agents, "execute_subtasks": execute_subtasks,
            "review_results": review_results}


def _review_agent_result(sub: Subtask, res: dict[str, Any], feedback: dict[str, list[str]], escalated: list[str],
                         notes: list[str]) -> None:
    """Gate an agent's result in place: accepted, returned to the agents with feedback, or failed (bounded)."""
    gate = evaluate_agent_gates(sub, res["output"])
    res.update(criteria_met=gate.met, criteria_unmet=gate.unmet)
    res["output"] = {**res["output"], "unverified_criteria": gate.unverified}
    if not gate.unmet:
        return
    detail = f"{sub.id} gate failed: {'; '.join(gate.unmet)}"
    if res["attempts"] < MAX_ATTEMPTS:
        res["status"] = "awaiting_agent"
        feedback.setdefault(sub.id, []).append(detail)
        notes.append(f"review returned {sub.id} to the agents (attempt {res['attempts']}): {detail}")
    else:
        res["status"] = "failed"
        escalated.append(f"{detail} - escalated: retries exhausted")
