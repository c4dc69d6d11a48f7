import copy

import pytest
from arch_cases import CASES

from graphs.architecture.checks import run_checks
from graphs.architecture.graph import build_graph, initial_state, to_output
from graphs.architecture.nodes import ArchitectureNodes
from graphs.architecture.repair import repair_design
from graphs.architecture.schema import ArchitectureInput


@pytest.fixture(scope="module")
def final_state(arch_deps):
    graph = build_graph(arch_deps)
    return graph.invoke(initial_state(ArchitectureInput(**CASES["photo_feed"])))


def _failed(state, design):
    return [c for c in run_checks(design, state["requirements"], state["profile"], state["capacity"])
            if not c.passed]


def test_broken_design_fails_the_right_checks_and_is_repaired(final_state):
    broken = copy.deepcopy(final_state["design"])
    out = broken.output
    out.connections = [c for c in out.connections if "Search Index" not in (c.source, c.target)]
    out.patterns = [p for p in out.patterns if p.pattern_id != "tactic-cache-aside"]
    for comp in out.components:
        comp.serves = [i for i in comp.serves if i != "QA-4"]
    broken.redundancy["Cache"] = 1
    out.security = [m for m in out.security if m.boundary != "Services → Data"]
    broken.mitigated.clear()
    broken.issue_ids.append("compat-example")
    from graphs.architecture.design import refresh_derived

    refresh_derived(out, final_state["requirements"])
    failed = {c.name for c in _failed(final_state, broken)}
    assert {"no_orphan_components", "clients_reach_stores", "no_single_point_of_failure",
            "trust_boundaries_controlled", "compatibility_addressed"} <= failed

    repaired, actions = repair_design(broken, _failed(final_state, broken), final_state["requirements"],
                                      final_state["profile"], final_state["capacity"])
    assert _failed(final_state, repaired) == []
    assert any("no_single_point_of_failure" in a for a in actions)
    assert broken.redundancy["Cache"] == 1  # the input design is not mutated


def test_graph_routes_a_failing_design_back_through_repair(arch_deps, monkeypatch):
    """A design step that drops the search index must be repaired by the loop, within the round limit."""
    original = ArchitectureNodes.design_architecture

    def lossy(self, state):
        update = original(self, state)
        if state.get("repair_round", 0) == 0 and not state.get("checks"):
            out = update["design"].output
            out.components = [c for c in out.components if c.name not in {"Search Index", "Search Indexer"}]
            out.connections = [c for c in out.connections
                               if not {"Search Index", "Search Indexer"} & {c.source, c.target}]
        return update

    monkeypatch.setattr(ArchitectureNodes, "design_architecture", lossy)
    final = build_graph(arch_deps).invoke(initial_state(ArchitectureInput(**CASES["team_chat"])))
    out = to_output(final)
    assert final["repair_round"] == 1
    assert all(c.passed for c in out.checks), [c for c in out.checks if not c.passed]
    assert "Search Index" in {c.name for c in out.components}
    assert any(n.startswith("repair round 1: repaired store_fits_workload") for n in out.notes)
