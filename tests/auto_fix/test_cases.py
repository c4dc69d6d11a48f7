"""Whole graph on our own buggy programs: the best fix passes the given tests AND held-out asserts."""

from __future__ import annotations

import json

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from graphs.auto_fix.graph import build_graph, initial_state, run_auto_fix, to_output
from graphs.auto_fix.schema import AutoFixInput
from graphs.common.deps import build_deps
from graphs.common.sandbox import Limits, run_tests
from tests.auto_fix.cases import CASES, SECURITY_CASE

pytestmark = pytest.mark.slow  # each case spawns several sandbox processes


@pytest.fixture
def deps(settings):
    # A roomier budget than the 5 s default so a loaded CI machine does not change which fix is found.
    return build_deps(settings.with_(fix_budget_s=15.0))


def _heldout_passes(code: str, heldout: str) -> bool:
    return run_tests(code, heldout, Limits(timeout_s=5.0)).all_passed


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_best_fix_passes_given_and_heldout_tests(case, deps):
    out = run_auto_fix(deps, AutoFixInput(code=case.code, tests=case.tests, error_message=case.error,
                                          context=case.context))
    assert out.fixes, out.notes
    best = out.fixes[0]
    assert best.rank == 1 and best.validation.validated and best.confidence > 0.8
    assert best.diff.startswith("--- a/solution.py")
    assert _heldout_passes(best.fixed_code, case.heldout)
    assert out.learned_fix_id is not None
    assert out.candidates_tried >= 1


def test_security_finding_without_tests_is_fixed_statically_and_marked_unvalidated(deps):
    out = run_auto_fix(deps, AutoFixInput(code=SECURITY_CASE.code))
    assert out.analysis.error_class == "static_finding"
    assert any(f.cwe or f.tool == "semgrep" for f in out.analysis.static_findings)
    best = out.fixes[0]
    assert "yaml.safe_load(fh)" in best.fixed_code
    assert best.validation.findings_after < best.validation.findings_before
    assert not best.validation.validated and best.confidence < 0.8
    assert any("UNVALIDATED" in n for n in out.notes)
    assert out.learned_fix_id is None


def test_learned_fix_is_retrieved_and_tried_first_the_second_time(deps):
    case = next(c for c in CASES if c.id == "off_by_one_range")
    inp = AutoFixInput(code=case.code, tests=case.tests)
    first = run_auto_fix(deps, inp)
    assert first.learned_fix_id
    graph = build_graph(deps)
    final = graph.invoke(initial_state(inp))
    assert final["tested"][0].candidate.strategy == "retrieved_fix"
    assert final["tested"][0].candidate.source_id == first.learned_fix_id
    second = to_output(final)
    assert second.fixes[0].strategy == "retrieved_fix" and second.fixes[0].validation.validated
    assert final["tested"][0].validation.validated  # the very first candidate tried already fixes it


COLLATZ = '''def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
    return steps
'''
COLLATZ_TESTS = "def test_steps():\n    assert collatz_steps(1) == 0\n    assert collatz_steps(4) == 2\n"


def _llm(*answers: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(content=a) for a in answers]))


def test_good_llm_answer_is_tested_and_accepted(settings):
    fixed = COLLATZ.replace("            n = 3 * n + 1\n", "            n = 3 * n + 1\n        steps += 1\n")
    answer = json.dumps({"fixed_code": fixed, "explanation": "count each step of the loop"})
    deps = build_deps(settings.with_(fix_budget_s=15.0), llm=_llm(answer))
    out = run_auto_fix(deps, AutoFixInput(code=COLLATZ, tests=COLLATZ_TESTS))
    best = out.fixes[0]
    assert best.strategy == "llm" and best.validation.validated
    assert _heldout_passes(best.fixed_code, "def test_h():\n    assert collatz_steps(6) == 8\n")


@pytest.mark.parametrize("garbage", ["I think you should add a counter.",
                                     json.dumps({"fixed_code": "steps += 1", "explanation": "partial"})])
def test_garbage_llm_answer_falls_back_to_offline(settings, garbage):
    case = next(c for c in CASES if c.id == "wrong_comparison")
    deps = build_deps(settings.with_(fix_budget_s=15.0), llm=_llm(garbage))
    out = run_auto_fix(deps, AutoFixInput(code=case.code, tests=case.tests))
    assert out.fixes[0].strategy != "llm" and out.fixes[0].validation.validated
    assert any("LLM" in n for n in out.notes)


def test_passing_code_without_error_is_left_alone(deps):
    out = run_auto_fix(deps, AutoFixInput(code="def f(x):\n    return x\n", tests="def test_a():\n    assert f(1) == 1\n"))
    assert out.fixes == [] and out.candidates_tried == 0
    assert any("nothing to fix" in n for n in out.notes)


def test_uncompilable_tests_are_ignored_with_a_note(deps):
    out = run_auto_fix(deps, AutoFixInput(code="def f(x):\n    return x.strip()\n", tests="def test_a(:\n",
                                          error_message="AttributeError: 'NoneType' object has no attribute 'strip'"))
    assert any("do not compile" in n for n in out.notes)
    assert out.analysis.tests_source == "none" and out.fixes and not out.fixes[0].validation.validated
