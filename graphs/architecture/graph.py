"""The `generate_architecture` graph: analyze → retrieve → design → validate (→ design, bounded) → end."""

from __future__ import annotations

from typing import Literal

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from graphs.architecture.nodes import ArchitectureNodes
from graphs.architecture.schema import ArchitectureInput, ArchitectureOutput
from graphs.architecture.state import ArchState, InputState
from graphs.common.deps import Deps
from graphs.common.runner import ProgressFn, StopFn, run_graph

NODE_NAMES = ("analyze_requirements", "retrieve_patterns", "design_architecture", "validate_design")
MAX_REPAIR_ROUNDS = 2
# Types stored in checkpoints; register them with the checkpoint serializer (allowed_msgpack_modules).
CHECKPOINT_TYPES: tuple[tuple[str, str], ...] = (
    *(("graphs.architecture.schema", n) for n in (
        "Requirement", "StyleScore", "Component", "Connection", "SchemaSketch", "DataStore", "PatternUse", "SecurityMeasure",
        "CompatibilityIssue", "ADR", "Check", "ArchitectureOutput")),
    ("graphs.architecture.profile", "Profile"),
    ("graphs.architecture.profile", "ForceScore"),
    ("graphs.architecture.capacity", "Capacity"),
    ("graphs.architecture.design", "Design"),
)


def route_after_validation(state: ArchState) -> Literal["design_architecture", "__end__"]:
    """Back to design while checks fail and repair rounds remain; otherwise finish."""
    checks = state.get("checks")
    if checks is None:
        raise ValueError("route_after_validation called before validate_design produced checks")
    if all(c.passed for c in checks):
        return END
    return "design_architecture" if state.get("repair_round", 0) < MAX_REPAIR_ROUNDS else END


def build_graph(deps: Deps, checkpointer: object | None = None) -> CompiledStateGraph:
    """Compile the architecture graph; pass a checkpointer to make runs resumable."""
    nodes = ArchitectureNodes(deps)
    g = StateGraph(ArchState, input_schema=InputState)
    for name in NODE_NAMES:
        g.add_node(name, getattr(nodes, name))
    g.add_edge(START, "analyze_requirements")
    g.add_edge("analyze_requirements", "retrieve_patterns")
    g.add_edge("retrieve_patterns", "design_architecture")
    g.add_edge("design_architecture", "validate_design")
    g.add_conditional_edges("validate_design", route_after_validation, ["design_architecture", END])
    return g.compile(checkpointer=checkpointer)  # type: ignore[arg-type]


def initial_state(inp: ArchitectureInput) -> InputState:
    """Graph input from the tool's validated input."""
    return {"description": inp.project_description, "tech_stack": list(inp.tech_stack),
            "raw_requirements": list(inp.requirements)}


def to_output(state: ArchState) -> ArchitectureOutput:
    """Final tool output: the design plus requirements, capacity, checks and all notes."""
    design = state["design"]
    out = design.output.model_copy(deep=True)
    out.requirements = list(state["requirements"])
    cap = state["capacity"]
    out.capacity = dict(cap.text)
    out.checks = list(state.get("checks", []))
    out.notes = (out.notes + [f"assumption: {a}" for a in cap.assumptions] + list(state.get("notes", [])))
    return out


_COMPILED: dict[int, tuple[Deps, CompiledStateGraph]] = {}  # id(deps) -> (deps, graph without checkpointer)
_COMPILED_MAX = 8


def compiled_graph(deps: Deps) -> CompiledStateGraph:
    """The checkpointer-less graph for `deps`, compiled once and reused (compiling costs ~20 ms)."""
    hit = _COMPILED.get(id(deps))
    if hit is None or hit[0] is not deps:
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.pop(next(iter(_COMPILED)))
        hit = (deps, build_graph(deps))
        _COMPILED[id(deps)] = hit
    return hit[1]


def run_architecture(
    deps: Deps,
    inp: ArchitectureInput,
    *,
    on_event: ProgressFn | None = None,
    should_stop: StopFn | None = None,
) -> ArchitectureOutput:
    """Run the whole graph synchronously and return the output model."""
    final = run_graph(compiled_graph(deps), dict(initial_state(inp)), on_event=on_event, should_stop=should_stop)
    return to_output(final)


run = run_architecture
