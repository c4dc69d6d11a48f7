"""Normal behaviour of the sandbox: counting, errors, pytest features, coverage, concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from graphs.common.config import Settings
from graphs.common.sandbox import Limits, run_python, run_tests

pytestmark = pytest.mark.slow
LIMITS = Limits(timeout_s=20.0)

CODE = '''def clamp(value, low, high):
    if value < low:
        return low
    if value > high:
        return low
    return value


def parse_pair(text):
    left, right = text.split("=")
    return left.strip(), int(right)
'''

TESTS = '''import pytest


def test_below():
    assert clamp(-5, 0, 10) == 0


def test_above():
    assert clamp(50, 0, 10) == 10


@pytest.mark.parametrize("text,expected", [("a = 1", ("a", 1)), ("b=22", ("b", 22))])
def test_parse(text, expected):
    assert parse_pair(text) == expected


def test_bad_pair_raises():
    with pytest.raises(ValueError):
        parse_pair("novalue")


def test_crash():
    parse_pair("k=v")
'''


def test_counts_passing_and_failing_tests_with_reasons():
    run = run_tests(CODE, TESTS, LIMITS)
    by_name = {o.name: o for o in run.outcomes}
    assert run.compiled and run.import_error is None and not run.timed_out and run.crashed is None
    assert (run.passed, run.total, run.all_passed) == (4, 6, False)
    assert by_name["test_parse[a = 1-expected0]"].passed and by_name["test_bad_pair_raises"].passed
    assert by_name["test_above"].error.startswith("AssertionError: assert 0 == 10")
    assert by_name["test_crash"].error.startswith("ValueError: invalid literal for int()")


def test_fixed_code_passes_everything():
    fixed = CODE.replace("        return low\n    return value", "        return high\n    return value")
    tests = TESTS.split("def test_crash")[0]
    run = run_tests(fixed, tests, LIMITS)
    assert run.all_passed and run.total == 5


def test_syntax_error_is_reported_without_running():
    run = run_tests("def broken(:\n    pass\n", TESTS, LIMITS)
    assert not run.compiled and run.duration_s == 0.0
    assert run.import_error.startswith("SyntaxError") and "line 1" in run.import_error


def test_import_time_error_is_an_import_error():
    run = run_tests("import json\nCONFIG = json.loads('{bad')\n", "def test_x():\n    assert CONFIG\n", LIMITS)
    assert run.compiled and run.total == 0 and not run.all_passed
    assert "JSONDecodeError" in run.import_error


def test_coverage_maps_each_test_to_solution_lines():
    run = run_tests(CODE, TESTS, LIMITS, coverage=True)
    assert run.coverage["test_below"] == [2, 3]
    assert run.coverage["test_above"] == [2, 4, 5]
    assert run.coverage["test_bad_pair_raises"] == [10]
    assert run.coverage["test_parse[b=22-expected1]"] == [10, 11]


def test_two_concurrent_runs_stay_separate():
    other = "def clamp(value, low, high):\n    return max(low, min(high, value))\n"
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(run_tests, CODE, "def test_a():\n    assert clamp(50, 0, 10) == 10\n", LIMITS)
        second = pool.submit(run_tests, other, "def test_a():\n    assert clamp(50, 0, 10) == 10\n", LIMITS)
        a, b = first.result(timeout=60), second.result(timeout=60)
    assert (a.passed, b.passed) == (0, 1)


def test_run_python_returns_exit_code_and_output():
    res = run_python("import sys\nprint('hello')\nprint('bad', file=sys.stderr)\nsys.exit(3)\n", LIMITS)
    assert (res.returncode, res.stdout, res.stderr, res.timed_out) == (3, "hello\n", "bad\n", False)
    res = run_python("raise KeyError('k')\n", LIMITS)
    assert res.returncode == 1 and "KeyError: 'k'" in res.stderr


def test_limits_from_settings():
    limits = Limits.from_settings(Settings(sandbox_timeout_s=7.5, sandbox_memory_mb=256))
    assert (limits.timeout_s, limits.memory_mb) == (7.5, 256)
