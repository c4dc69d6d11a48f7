"""Each soundness check fails on a design that violates it (the checks are real, not always-true)."""

import copy

import pytest
from arch_cases import CASES

from graphs.architecture.checks import (
    check_capacity,
    check_connected,
    check_mermaid_valid,
    check_quality_covered,
    check_requirements_served,
    check_store_fit,
    check_team_fit,
    run_checks,
)
from graphs.architecture.graph import build_graph, initial_state
from graphs.architecture.schema import ArchitectureInput, Component


@pytest.fixture(scope="module")
def state(arch_deps):
    return build_graph(arch_deps).invoke(initial_state(ArchitectureInput(**CASES["photo_feed"])))


def test_all_twelve_checks_run_and_pass_on_the_generated_design(state):
    checks = run_checks(state["design"], state["requirements"], state["profile"], state["capacity"])
    assert len(checks) == 12 and len({c.name for c in checks}) == 12
    assert [c.name for c in checks if not c.passed] == []


def test_untraced_requirement_fails_requirements_served(state):
    out = copy.deepcopy(state["design"].output)
    rid = state["requirements"][0].id
    out.traceability[rid] = []
    check = check_requirements_served(out, state["requirements"])
    assert not check.passed and rid in check.detail


def test_isolated_component_fails_graph_connected(state):
    out = copy.deepcopy(state["design"].output)
    out.components.append(Component(name="Island", kind="service", technology="x", responsibility="nothing"))
    check = check_connected(out)
    assert not check.passed and "Island" in check.detail


def test_quality_requirement_without_tactic_fails_quality_covered(state):
    out = copy.deepcopy(state["design"].output)
    for pat in out.patterns:
        pat.serves = []
    assert not check_quality_covered(out, state["requirements"]).passed


def test_missing_search_index_fails_store_fit(state):
    out = copy.deepcopy(state["design"].output)
    out.components = [c for c in out.components if c.name != "Search Index"]
    check = check_store_fit(out, state["profile"], state["design"].primary_db)
    assert not check.passed and "search" in check.detail


def test_inconsistent_capacity_fails_capacity_consistent(state):
    cap = copy.deepcopy(state["capacity"])
    cap.numbers["read_rps"] += 1000
    check = check_capacity(cap)
    assert not check.passed and "reads + writes" in check.detail


def test_broken_diagram_fails_mermaid_valid(state):
    out = copy.deepcopy(state["design"].output)
    out.mermaid = "graph TD\n  A-->B"
    assert not check_mermaid_valid(out).passed


def test_more_services_than_people_fails_team_fit(state):
    out = copy.deepcopy(state["design"].output)
    profile = copy.deepcopy(state["profile"])
    profile.team_size = 1
    out.components += [Component(name=f"S{i}", kind="service", technology="x", responsibility="r")
                       for i in range(3)]
    assert not check_team_fit(out, profile).passed
