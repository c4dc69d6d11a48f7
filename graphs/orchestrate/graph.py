"""orchestrate_task as a LangGraph StateGraph: plan_task → assign_agents → execute_subtasks ⇄ review_results.

review_results either sends work back to execute_subtasks (newly ready subtasks, or subtasks returned with
feedback, bounded by MAX_ATTEMPTS) or ends the run with a verdict.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any, Literal

from langgraph.graph import END, START, StateGraph

from graphs.common.runner import ProgressFn, StopFn, run_graph
from graphs.orchestrate.nodes import make_nodes
from graphs.orchestrate.schema import OrchestrateInput, OrchestrateOutput, Review, Subtask, SubtaskResult
from graphs.orchestrate.state import OrchestrateState

if TYPE_CHECKING:
    from langgraph.checkpoint.base import BaseCheckpointSaver
    from langgraph.graph.state import CompiledStateGraph

    from graphs.common.deps import Deps

log = logging.getLogger(__name__)
NODE_NAMES = ("plan_task", "await_approval", "assign_agents", "execute_subtasks", "review_results")
RECURSION_LIMIT = 1000
FINAL_STATES = frozenset({"awaiting_agents", "completed", "failed", "cancelled"})


def route_after_plan(state: OrchestrateState) -> Literal["await_approval", "__end__"]:
    """A failed plan ends the run; a plan goes on to (optional) approval."""
    if state.get("state") == "failed":
        return "__end__"
    if state.get("state") == "planned":
        return "await_approval"
    raise ValueError(f"route_after_plan: unexpected task state {state.get('state')!r}")


def route_after_approval(state: OrchestrateState) -> Literal["assign_agents", "__end__"]:
    """A rejected plan cancels the task; an approved (or unreviewed) plan goes on to assignment."""
    if state.get("state") == "cancelled":
        return "__end__"
    if state.get("state") == "planned":
        return "assign_agents"
    raise ValueError(f"route_after_approval: unexpected task state {state.get('state')!r}")


def route_after_review(state: OrchestrateState) -> Literal["execute_subtasks", "__end__"]:
    """Keep executing while the review left work ready; stop in a final state."""
    current = state.get("state")
    if current == "running":
        return "execute_subtasks"
    if current in FINAL_STATES:
        return "__end__"
    raise ValueError(f"route_after_review: unexpected task state {current!r}")


def build_graph(deps: Deps, checkpointer: BaseCheckpointSaver | None = None) -> CompiledStateGraph:
    """Compile the orchestrate graph bound to `deps` (pass a checkpointer for durable, resumable runs)."""
    nodes = make_nodes(deps)
    builder = StateGraph(OrchestrateState)
    for name in NODE_NAMES:
        builder.add_node(name, nodes[name])
    builder.add_edge(START, "plan_task")
    builder.add_conditional_edges("plan_task", route_after_plan, {"await_approval": "await_approval", "__end__": END})
    builder.add_conditional_edges("await_approval", route_after_approval,
                                  {"assign_agents": "assign_agents", "__end__": END})
    builder.add_edge("assign_agents", "execute_subtasks")
    builder.add_edge("execute_subtasks", "review_results")
    builder.add_conditional_edges("review_results", route_after_review,
                                  {"execute_subtasks": "execute_subtasks", "__end__": END})
    return builder.compile(checkpointer=checkpointer, name="orchestrate_task")


def new_task_id() -> str:
    """A fresh task id (uuid4 hex)."""
    return uuid.uuid4().hex


def initial_state(inp: OrchestrateInput, task_id: str) -> OrchestrateState:
    """The state a run starts from."""
    return {"input": inp.model_dump(), "task_id": task_id, "state": "planned", "notes": []}


def to_output(state: dict[str, Any]) -> OrchestrateOutput:
    """Project a (final or intermediate) graph state onto the public output model."""
    plan = [Subtask.model_validate(d) for d in state.get("plan", [])]
    results = state.get("results", {})
    fields = set(SubtaskResult.model_fields)
    review = state.get("review") or Review(
        verdict="awaiting_agents", summary=f"task in progress (state {state.get('state', 'planned')})").model_dump()
    return OrchestrateOutput(
        task_id=state["task_id"], state=state.get("state", "planned"), playbook=state.get("playbook", ""),
        plan=plan, critical_path=state.get("critical_path", []), parallel_levels=state.get("parallel_levels", []),
        complexity=state.get("complexity", 0.0), assignments=state.get("assignments", {}),
        results=[SubtaskResult.model_validate({k: v for k, v in results[s.id].items() if k in fields})
                 for s in plan if s.id in results],
        review=Review.model_validate(review), notes=list(state.get("notes", [])),
    )


def run_orchestrate(
    deps: Deps,
    inp: OrchestrateInput,
    task_id: str | None = None,
    *,
    on_event: ProgressFn | None = None,
    should_stop: StopFn | None = None,
) -> OrchestrateOutput:
    """Run the whole graph durably (checkpoint thread = task id) and store the result in the task store.

    The task is stored (state `planned`, with its input) before the graph starts, so a crash mid-run leaves a
    row that `coordinator.resume_pending` finishes after a restart. With `require_approval` the run pauses
    after planning (state `awaiting_approval`) until approve_plan resumes it.
    """
    from graphs.orchestrate.coordinator import coordinator_for

    task_id = task_id or new_task_id()
    coord = coordinator_for(deps)
    start = initial_state(inp, task_id)
    deps.tasks.save(to_output(start), input_json=inp.model_dump_json())
    with coord.task_lock(task_id):
        config = coord.config(task_id)
        run_graph(coord.graph, start, config, on_event=on_event, should_stop=should_stop)
        output = coord.publish(task_id)
    log.info("task %s finished: %s (%s)", task_id, output.state, output.review.verdict)
    return output


run = run_orchestrate
