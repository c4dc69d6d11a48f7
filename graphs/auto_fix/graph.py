"""The auto_fix graph: analyze → propose alternatives → test (one more round if nothing passes) → rank → learn."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from graphs.auto_fix import nodes
from graphs.auto_fix.schema import Analysis, AutoFixInput, AutoFixOutput
from graphs.auto_fix.state import AutoFixState
from graphs.common.deps import Deps
from graphs.common.runner import ProgressFn, StopFn, run_graph

NODE_NAMES: tuple[str, ...] = ("analyze_error", "propose_fixes", "test_fixes", "rank_fixes", "record_fix")


def _bind(fn: Callable[[AutoFixState, Deps], Any], deps: Deps) -> Callable[[AutoFixState], Any]:
    def node(state: AutoFixState) -> Any:
        return fn(state, deps)

    return update_wrapper(node, fn)


def build_graph(deps: Deps) -> CompiledStateGraph:
    """Compile the auto_fix graph (stateless: no checkpointer)."""
    g = StateGraph(AutoFixState)
    for name in NODE_NAMES:
        g.add_node(name, _bind(getattr(nodes, name), deps))
    g.add_edge(START, "analyze_error")
    g.add_edge("analyze_error", "propose_fixes")
    g.add_edge("propose_fixes", "test_fixes")
    g.add_conditional_edges("test_fixes", _bind(nodes.route_after_test, deps), ["propose_fixes", "rank_fixes"])
    g.add_edge("rank_fixes", "record_fix")
    g.add_edge("record_fix", END)
    return g.compile()


def initial_state(inp: AutoFixInput) -> dict:
    """Graph input from the tool input; the budget clock starts here."""
    return {"code": inp.code, "error_message": inp.error_message, "context": inp.context, "tests": inp.tests,
            "started": time.monotonic(), "tested": [], "notes": []}


def to_output(state: dict) -> AutoFixOutput:
    """Tool output from the final graph state."""
    analysis = state.get("analysis") or Analysis(error_class="unknown")
    return AutoFixOutput(
        analysis=analysis,
        fixes=state.get("fixes", []),
        candidates_tried=len(state.get("tested", [])),
        elapsed_ms=round((time.monotonic() - state["started"]) * 1000, 1),
        learned_fix_id=state.get("learned_fix_id"),
        notes=list(dict.fromkeys(state.get("notes", []))),
    )


def run_auto_fix(
    deps: Deps,
    inp: AutoFixInput,
    *,
    on_event: ProgressFn | None = None,
    should_stop: StopFn | None = None,
) -> AutoFixOutput:
    """Run the whole graph on one input."""
    final = run_graph(build_graph(deps), initial_state(inp), on_event=on_event, should_stop=should_stop)
    return to_output(final)


run = run_auto_fix
