"""Follow-up repairs: which candidates got further, and templates run on top of them."""

from __future__ import annotations

from graphs.auto_fix.candidates import Candidate
from graphs.auto_fix.follow_up import FOLLOW_UP_FLOOR, FOLLOW_UP_SPAN, follow_up_candidates, progressed
from graphs.auto_fix.graph import run_auto_fix
from graphs.auto_fix.ranking import Tested
from graphs.auto_fix.schema import Analysis, AutoFixInput, Location, Validation
from graphs.common.deps import build_deps
from tests.auto_fix.snippets import working_codes


def _analysis(error_class: str, exception_type: str | None) -> Analysis:
    return Analysis(error_class=error_class, exception_type=exception_type, location=Location(source="none"),
                    tests_given=True, tests_source="given")


def _tested(code: str, passed: int, failure: str, *, timed_out: bool = False, prior: float = 0.5,
            destructive: bool = False) -> Tested:
    v = Validation(compiles=True, tests_passed=passed, tests_total=3, timed_out=timed_out)
    return Tested(Candidate(code, "template", code, prior, destructive=destructive), v, failure=failure)


def test_progress_is_more_tests_passing_a_changed_crash_or_a_hang_that_ends():
    crash = _analysis("type_error", "TypeError")
    same = _tested("a", 0, "TypeError: unsupported operand")
    now_wrong = _tested("b", 0, "AssertionError: assert 10 == 15")
    elsewhere = _tested("c", 0, "KeyError: 'price'")
    more = _tested("d", 1, "AssertionError: assert 1 == 2")
    undefined = _tested("e", 0, "NameError: name 'x' is not defined")
    assert [t.candidate.code for t in progressed([same, elsewhere, now_wrong, more, undefined], 0, crash)] == \
        ["d", "b"]
    assert progressed([same, undefined], 0, crash) == []
    blind = Tested(Candidate("m", "ast_mutation", "m", 0.9), now_wrong.validation, failure=now_wrong.failure)
    assert progressed([blind], 0, crash) == []  # a blind mutation that only changes the failure is no lead
    hang = _analysis("hang", None)
    assert progressed([_tested("f", 0, "", timed_out=True)], 0, hang) == []
    assert [t.candidate.code for t in progressed([_tested("g", 0, "AssertionError")], 0, hang)] == ["g"]
    # Wrong output that stays wrong is no progress; a destructive edit ranks after a plain one.
    wrong = _analysis("wrong_output", "AssertionError")
    assert progressed([_tested("h", 0, "AssertionError: assert 3 == 4")], 0, wrong) == []
    cut, kept = _tested("i", 0, "AssertionError", destructive=True, prior=0.9), _tested("j", 0, "AssertionError")
    assert [t.candidate.code for t in progressed([cut, kept], 0, crash)] == ["j"]  # one base per kind of progress
    assert [t.candidate.code for t in progressed([now_wrong, elsewhere], 0, crash)] == ["b", "c"]


def test_follow_up_proposes_on_top_of_the_base_from_a_fresh_analysis(settings):
    base_code = ("def mean_score(rows):\n    scores = [r.get('score') for r in rows]\n"
                 "    return sum(scores) / len(scores)\n")
    tests = "def test_mean():\n    assert mean_score([{'score': 2}, {}, {'score': 4}]) == 3\n"
    base = _tested(base_code, 0, "TypeError: unsupported operand type(s) for +: 'int' and 'NoneType'")
    found = follow_up_candidates([base], context="", tests=tests, hints="", settings=settings)
    assert found and all(c.explanation.startswith(base_code + "; then ") for c in found)
    assert all(FOLLOW_UP_FLOOR <= c.prior <= FOLLOW_UP_FLOOR + FOLLOW_UP_SPAN * base.candidate.prior for c in found)
    assert all(c.strategy == "template" for c in found)  # templates only on top of a first edit
    assert working_codes(found, "mean_score", ([{"score": 2}, {}, {"score": 4}],), 3)


def test_a_crash_whose_repair_uncovers_a_second_fault_is_fixed_in_two_steps(settings):
    code = ('def average_score(records):\n    """Mean score of the records that have one."""\n'
            '    scores = [r["score"] for r in records]\n    return round(sum(scores) / len(scores), 1)\n')
    tests = ('def test_unscored_records_are_skipped():\n'
             '    assert average_score([{"score": 3}, {"name": "x"}, {"score": 4}]) == 3.5\n')
    out = run_auto_fix(build_deps(settings.with_(fix_budget_s=15.0)), AutoFixInput(code=code, tests=tests))
    assert out.fixes and out.fixes[0].validation.validated, out.notes
    best = out.fixes[0]
    assert "; then " in best.explanation  # the KeyError repair exposed a None in the sum, repaired next
    assert working_codes([Candidate(best.fixed_code, "x", "", 1.0)], "average_score",
                         ([{"score": 2}, {}, {"score": 0}],), 1.0)
