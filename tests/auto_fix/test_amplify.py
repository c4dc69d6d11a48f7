"""Test amplification: probes with one input changed, and how fixes are compared on them."""

from __future__ import annotations

import ast

import pytest

from graphs.auto_fix.amplify import DIGEST, MARK, PROBE_TEST, amplified_tests
from graphs.auto_fix.behaviour import Behaviour, compare, observations, probe_fixes
from graphs.common.sandbox.types import TestOutcome

TESTS = '''import pytest

def test_total():
    rows = [{"name": "a", "qty": "2"}, {"name": "b", "qty": "3"}]
    assert total(rows) == 5
    assert total([]) == 0, "empty"

def test_rejects():
    with pytest.raises(ValueError):
        parse("x", base=3)
    assert parse("12") == pytest.approx(12.0)
'''


def _probe_bodies(source: str) -> list[str]:
    tree = ast.parse(source)
    return [ast.unparse(f) for f in tree.body if isinstance(f, ast.FunctionDef) and f.name.startswith("_mo_body_")]


def test_probes_change_one_input_and_observe_instead_of_asserting():
    source, count = amplified_tests(TESTS)
    bodies = _probe_bodies(source)
    assert count == len(bodies) > 10
    assert all("assert " not in b for b in bodies)
    assert source.count(f"def {PROBE_TEST}(") == 1
    assert all("_mo_obs(total(rows))" in b or "_mo_obs(parse(" in b for b in bodies if "rows" in b or "parse" in b)
    # inputs vary, expectations and dict keys do not
    # numbers written as text vary as numbers (same format), other text as text
    assert any("'qty': '4'" in b for b in bodies) and any("'qty': '6'" in b for b in bodies)
    assert any("parse('13')" in b for b in bodies) and any("parse('x x'" in b for b in bodies)
    assert not any("== 5" in b or "'empty'" in b or "approx(" in b for b in bodies)
    assert all("'name'" in b for b in bodies if "rows = " in b)
    assert all("pytest.raises(ValueError)" in b for b in bodies if "parse('x'" in b or "base=" in b)
    compile(source, "test_solution.py", "exec")


def test_every_site_gets_a_first_variant_before_any_gets_a_second():
    source, count = amplified_tests(TESTS, limit=4)
    assert count == 4
    bodies = _probe_bodies(source)
    assert len({b.split(":", 1)[1] for b in bodies}) == 4


def test_nothing_to_vary_or_unparsable_tests_give_no_probes():
    assert amplified_tests("def test_x():\n    assert f() is None\n") == ("", 0)
    assert amplified_tests("def test_x(:\n") == ("", 0)


def test_observations_read_one_token_per_probe_from_the_single_probe_test():
    tokens = "=abcdex01234r4567f"
    assert DIGEST + 1 == 6
    outcomes = [TestOutcome("test_other", False, "AssertionError: boom"),
                TestOutcome(PROBE_TEST, False, f"AssertionError: {MARK}{tokens[:12]}")]
    assert observations(outcomes, 2) == ["=abcde", "x01234"]
    assert observations(outcomes, 3) == ["", "", ""]  # a truncated report is not trusted
    assert observations([], 2) == ["", ""]


def test_compare_counts_unintended_crashes_and_changes_against_the_original():
    original = ["=aaaaa", "x11111", "=ccccc", "", "=eeeee"]
    fixed = ["=aaaaa", "=bbbbb", "rvvvvv", "=ddddd", "tkkkkk"]
    assert compare(original, fixed) == Behaviour(probes=4, crashes=1, changed=3)


SORTING = '''def rank(results):
    """Highest score first; equal scores by title A-Z."""
    return sorted(results, key=lambda r: (r["score"], r["title"]), reverse=True)
'''
RIGHT = SORTING.replace('return sorted(results, key=lambda r: (r["score"], r["title"]), reverse=True)',
                        'return sorted(results, key=lambda r: (-r["score"], r["title"]))')
WRONG = SORTING.replace("reverse=True", "reverse=False")
SORT_TESTS = '''def test_title_tie_break():
    results = [{"title": "b", "score": 1}, {"title": "a", "score": 1}]
    assert [r["title"] for r in rank(results)] == ["a", "b"]
'''

MEDIAN = "def median(values):\n    ordered = sorted(values)\n    mid = len(ordered) / 2\n" \
         "    if len(ordered) % 2:\n        return ordered[mid]\n    return (ordered[mid - 1] + ordered[mid]) / 2\n"
MEDIAN_TESTS = "def test_odd():\n    assert median([3, 1, 2]) == 2\n"


@pytest.mark.slow
def test_a_fix_that_overfits_changes_more_or_crashes_more_on_amplified_inputs():
    # Both sorting fixes pass the tie-break test; only the wrong one also flips every score ordering.
    right, wrong = probe_fixes(SORTING, [RIGHT, WRONG], SORT_TESTS, timeout_s=2.0, memory_mb=512, deadline_s=20)
    assert right.probes == wrong.probes > 0
    assert right.changed < wrong.changed
    # Both median fixes pass the odd-length test; converting at one use still crashes on even lengths.
    floor = MEDIAN.replace("len(ordered) / 2", "len(ordered) // 2")
    at_use = MEDIAN.replace("return ordered[mid]", "return ordered[int(mid)]")
    good, bad = probe_fixes(MEDIAN, [floor, at_use], MEDIAN_TESTS, timeout_s=2.0, memory_mb=512, deadline_s=20)
    assert good.crashes < bad.crashes


@pytest.mark.slow
def test_a_probe_that_hangs_is_stopped_and_counted_as_a_crash():
    code = "def count_down(n):\n    steps = 0\n    while n != 0:\n        n -= 1\n        steps += 1\n    return steps\n"
    tests = "def test_three():\n    assert count_down(3) == 3\n"
    guarded = code.replace("while n != 0", "while n > 0")
    same, = probe_fixes(code, [code], tests, timeout_s=2.0, memory_mb=512, deadline_s=20)
    safe, = probe_fixes(code, [guarded], tests, timeout_s=2.0, memory_mb=512, deadline_s=20)
    assert same.crashes >= 1  # count_down(-1) never ends: the alarm stops it, the limit is not hit
    assert safe.crashes == 0 and safe.changed >= 1


BSEARCH = '''def last_at_most(values, t):
    lo, hi = 0, len(values) - 1
    answer = -1
    while lo <= hi:
        mid = (lo + hi) // 2
        if values[mid] <= t:
            answer = mid
            lo = mid
        else:
            hi = mid - 1
    return answer
'''
BSEARCH_TESTS = "def test_between():\n    assert last_at_most([10, 20, 30, 40], 25) == 1\n"


@pytest.mark.slow
def test_a_hanging_original_is_not_probed_and_a_fix_that_still_hangs_nearby_crashes_more():
    right = BSEARCH.replace("lo = mid\n", "lo = mid + 1\n")
    loose = BSEARCH.replace("while lo <= hi", "while lo < hi")  # passes the test, still spins elsewhere
    good, bad = probe_fixes(BSEARCH, [right, loose], BSEARCH_TESTS, timeout_s=0.7, memory_mb=512, deadline_s=20,
                            original_hangs=True)
    assert not good.compared and not bad.compared
    assert good.probes > 0 and good.crashes == 0
    assert bad.crashes > 0


def test_the_probe_prelude_stops_running_probes_after_repeated_timeouts():
    from graphs.auto_fix.amplify import MAX_TIMEOUTS, PRELUDE

    scope: dict = {}
    exec(PRELUDE, scope)  # noqa: S102 - our own prelude, to check its bookkeeping without a sandbox
    scope["_mo_timeouts"][0] = MAX_TIMEOUTS
    ran = []
    token = scope["_mo_run"](lambda seen: ran.append(1))
    assert token.startswith("t") and not ran
