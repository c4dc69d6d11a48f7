import pytest

from graphs.architecture.graph import MAX_REPAIR_ROUNDS, build_graph, route_after_validation
from graphs.architecture.schema import Check

BRIEF = {"description": "Shoppers can browse products, search the catalogue and pay at checkout. 99.9% uptime, "
                        "p95 latency under 300 ms, 1 million monthly users. Team of 6.",
         "tech_stack": ["FastAPI", "PostgreSQL", "Redis"], "raw_requirements": ["Send order confirmation e-mails"]}


@pytest.fixture(scope="module")
def graph(arch_deps):
    return build_graph(arch_deps)


@pytest.fixture(scope="module")
def analysed(graph):
    return {**BRIEF, **graph.nodes["analyze_requirements"].invoke(BRIEF)}


def test_analyze_requirements_extracts_and_estimates(analysed):
    ids = [r.id for r in analysed["requirements"]]
    assert {"FR-1", "QA-1", "C-1"} <= set(ids)
    assert analysed["profile"].peak_rps == analysed["capacity"].numbers["peak_rps"] > 0
    assert analysed["repair_round"] == 0
    assert {"search", "payments", "notifications"} <= set(analysed["profile"].features)


def test_retrieve_patterns_goes_through_the_knowledge_base(graph, analysed):
    update = graph.nodes["retrieve_patterns"].invoke(analysed)
    assert update["notes"] == []  # no fallback note: the KB answered
    assert any("latency" in q for q in update["queries"])
    cands = update["candidates"]
    assert "tactic-cache-aside" in cands and "tactic-search-index" in cands
    assert cands["tactic-cache-aside"]["kind"] == "tactic"


def test_design_then_validate(graph, analysed):
    state = {**analysed, **graph.nodes["retrieve_patterns"].invoke(analysed)}
    designed = graph.nodes["design_architecture"].invoke(state)
    out = designed["design"].output
    assert out.style.startswith("Modular monolith")
    assert {"Cache", "Search Index", "Notification Worker", "Payment Provider"} <= {c.name for c in out.components}
    checks = graph.nodes["validate_design"].invoke({**state, **designed})["checks"]
    assert all(c.passed for c in checks), [c for c in checks if not c.passed]


def test_router_is_pure_and_bounded():
    ok = [Check(name="a", passed=True)]
    bad = [Check(name="a", passed=False)]
    assert route_after_validation({"checks": ok, "repair_round": 0}) == "__end__"
    assert route_after_validation({"checks": bad, "repair_round": 0}) == "design_architecture"
    assert route_after_validation({"checks": bad, "repair_round": MAX_REPAIR_ROUNDS}) == "__end__"
    with pytest.raises(ValueError):
        route_after_validation({})
