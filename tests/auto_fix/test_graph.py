"""Graph shape, single nodes through the compiled graph, the router and the output mapping."""

from __future__ import annotations

import time

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.graph import NODE_NAMES, build_graph, initial_state, to_output
from graphs.auto_fix.nodes import route_after_test
from graphs.auto_fix.ranking import Tested
from graphs.auto_fix.schema import Analysis, AutoFixInput, Validation

MERMAID_EDGES = {
    "__start__ --> analyze_error;", "analyze_error --> propose_fixes;", "propose_fixes --> test_fixes;",
    "test_fixes -.-> propose_fixes;", "test_fixes -.-> rank_fixes;", "rank_fixes --> record_fix;",
    "record_fix --> __end__;",
}


def test_graph_shape_is_pinned(deps):
    graph = build_graph(deps)
    mermaid = graph.get_graph().draw_mermaid()
    edges = {line.strip() for line in mermaid.splitlines() if "->" in line}
    assert edges == MERMAID_EDGES
    assert set(NODE_NAMES) <= set(graph.nodes)


def test_analyze_node_locates_attribute_from_message_without_traceback(deps):
    code = "def label(item):\n    size = 3\n    return item.title.upper()\n"
    state = initial_state(AutoFixInput(code=code, error_message="AttributeError: 'NoneType' object has no "
                                                                "attribute 'title'"))
    out = build_graph(deps).nodes["analyze_error"].invoke(state)
    a = out["analysis"]
    assert a.error_class == "none_attribute" and a.location.line == 3 and a.tests_source == "none"
    assert out["effective_tests"] == ""


def test_propose_node_offers_none_guard_first_for_none_attribute(deps):
    code = "def label(item):\n    return item.title.upper()\n"
    graph = build_graph(deps)
    state = initial_state(AutoFixInput(code=code, error_message="AttributeError: 'NoneType' object has no "
                                                                "attribute 'title'"))
    state |= graph.nodes["analyze_error"].invoke(state)
    out = graph.nodes["propose_fixes"].invoke(state)
    assert out["round"] == 1
    assert out["pending"][0].strategy in ("template", "retrieved_fix")
    assert "if item is None:" in out["pending"][0].code


def _state(tested: list[Tested], tests: str = "def test_x(): pass", rnd: int = 1) -> dict:
    ctx = FixContext(code="x = 1\n", tree=None, error_class="wrong_output")
    import ast

    ctx.tree = ast.parse(ctx.code)
    return {"tested": tested, "effective_tests": tests, "round": rnd, "started": time.monotonic(),
            "fix_context": ctx}


def test_router_loops_once_when_nothing_validated(deps):
    failed = Tested(Candidate("x = 2\n", "ast_mutation", "e", 0.5), Validation(compiles=True, tests_total=1))
    ok = Tested(Candidate("x = 3\n", "ast_mutation", "e", 0.5),
                Validation(compiles=True, tests_passed=1, tests_total=1, validated=True))
    assert route_after_test(_state([failed]), deps) == "propose_fixes"
    assert route_after_test(_state([failed], rnd=2), deps) == "rank_fixes"
    assert route_after_test(_state([failed, ok]), deps) == "rank_fixes"
    assert route_after_test(_state([failed], tests=""), deps) == "rank_fixes"


def test_to_output_counts_candidates_and_dedups_notes():
    state = {"started": time.monotonic(), "analysis": Analysis(error_class="unknown"), "tested": [1, 2, 3],
             "notes": ["a", "a", "b"], "fixes": []}
    out = to_output(state)
    assert out.candidates_tried == 3 and out.notes == ["a", "b"] and out.elapsed_ms >= 0


def test_search_without_progress_stops_after_the_patience_and_says_so(deps):
    from graphs.auto_fix.graph import run_auto_fix
    from graphs.common.deps import build_deps

    # The test demands a value no edit of this code produces: every candidate fails, none beats the original.
    code = "def greeting(name):\n    return 'Hello, ' + name + '.' if len(name) > 3 else 'Hi ' + name\n"
    tests = "def test_unreachable():\n    assert greeting('Bob') == 'Good morning, Robert!'\n"
    patient = build_deps(deps.settings.with_(fix_patience=4, fix_budget_s=30.0))
    out = run_auto_fix(patient, AutoFixInput(code=code, tests=tests))
    assert out.fixes == []
    assert 4 <= out.candidates_tried <= 4 + 8  # batches already started may finish
    assert any("MO_FIX_PATIENCE=4" in note for note in out.notes)


def test_rank_prefers_the_fix_that_changes_least_on_amplified_inputs(deps):
    from graphs.auto_fix.graph import run_auto_fix

    # Both "reverse=False" and a two-pass sort pass the tie-break test; only the first also turns the points
    # order upside down, which the amplified probes (other points, other names) show.
    code = ('def leaderboard(players):\n    """Most points first; equal points in name order."""\n'
            '    return sorted(players, key=lambda p: (p["points"], p["name"]), reverse=True)\n')
    tests = ('def test_equal_points_by_name():\n    players = [{"name": "cy", "points": 3}, {"name": "al", '
             '"points": 3}]\n    assert [p["name"] for p in leaderboard(players)] == ["al", "cy"]\n')
    out = run_auto_fix(deps, AutoFixInput(code=code, tests=tests))
    assert len([f for f in out.fixes if f.validation.validated]) >= 2
    best = out.fixes[0].fixed_code
    scope: dict = {}
    exec(compile(best, "solution.py", "exec"), scope)  # noqa: S102 - the engine's fix of our own example
    players = [{"name": "bo", "points": 1}, {"name": "cy", "points": 5}, {"name": "al", "points": 5}]
    assert [p["name"] for p in scope["leaderboard"](players)] == ["al", "cy", "bo"]


def test_candidates_like_one_that_timed_out_wait_until_the_others_ran():
    from graphs.auto_fix.nodes import demote_like_timeouts

    code = "def f(x):\n    y = x + 1\n    return y\n"
    hung = Candidate(code.replace("x + 1", "x + 2"), "template", "a", 0.9)
    same_spot = Candidate(code.replace("x + 1", "x + 3"), "template", "b", 0.8)
    other_spot = Candidate(code.replace("return y", "return y + 1"), "template", "c", 0.7)
    other_source = Candidate(code.replace("x + 1", "x - 1"), "ast_mutation", "d", 0.6)
    pending = [same_spot, other_spot, other_source]
    assert demote_like_timeouts(pending, [hung], code) == [other_spot, other_source, same_spot]
    assert demote_like_timeouts(pending, [], code) == pending


def test_the_settled_prefix_is_where_a_one_at_a_time_search_stops():
    from graphs.auto_fix.nodes import MORE_AFTER_FIRST, settled_prefix

    def tried(code: str, ok: bool, strategy: str = "ast_mutation") -> Tested:
        return Tested(Candidate(code, strategy, "e", 0.5),
                      Validation(compiles=True, tests_passed=int(ok), tests_total=1, validated=ok))

    miss, hit = tried("x = 0\n", False), tried("x = 1\n", True)
    after = [tried(f"x = {i}\n", False) for i in range(2, 6)]
    # First fix at index 1, then MORE_AFTER_FIRST alternatives: what a parallel batch ran beyond is dropped.
    assert settled_prefix([miss, hit, *after]) == [miss, hit, *after[:MORE_AFTER_FIRST]]
    assert settled_prefix([miss, *after]) == [miss, *after]  # nothing validated: all kept
    past = tried("x = 9\n", True, "retrieved_fix")
    assert settled_prefix([past, hit, miss]) == [past]  # a past fix that passes again is the answer
