"""Batched validation: many candidates in one sandbox process, each in its own confined fork child."""

from __future__ import annotations

import os

import pytest

from graphs.common.sandbox import NOT_RUN, Limits, isolation_report, run_tests, run_tests_many

pytestmark = pytest.mark.slow
LIMITS = Limits(timeout_s=10.0)

TESTS = """def test_add():
    assert add(2, 3) == 5


def test_none():
    assert add(None, 1) is None
"""


def _add(op: str) -> str:
    return f"def add(a, b):\n    if a is None:\n        return None\n    return a {op} b\n"


def test_results_come_back_in_order_and_match_single_runs():
    codes = [_add("+"), _add("-"), "def add(a, b)\n    return a + b\n", _add("*")]
    runs = run_tests_many(codes, TESTS, LIMITS)
    assert [(r.passed, r.total) for r in runs] == [(2, 2), (1, 2), (0, 0), (1, 2)]
    assert runs[0].all_passed and not runs[1].all_passed
    assert runs[2].compiled is False and "SyntaxError" in runs[2].import_error
    single = run_tests(codes[1], TESTS, LIMITS)
    assert [(o.name, o.passed, o.error) for o in single.outcomes] == \
        [(o.name, o.passed, o.error) for o in runs[1].outcomes]


def test_failing_solution_line_is_reported_per_test():
    code = "def ratio(a, b):\n    total = a + b\n    return a / (total - a - b)\n"
    tests = "def test_ratio():\n    assert ratio(1, 2) == 0.5\n\ndef test_ok():\n    assert callable(ratio)\n"
    run = run_tests_many([code], tests, LIMITS)[0]
    by_name = {o.name: o for o in run.outcomes}
    assert by_name["test_ratio"].line == 3 and by_name["test_ratio"].error.startswith("ZeroDivisionError")
    assert by_name["test_ok"].passed and by_name["test_ok"].line is None


def test_a_hanging_candidate_times_out_alone():
    spin = "def add(a, b):\n    while True:\n        pass\n"
    runs = run_tests_many([spin, _add("+")], TESTS, Limits(timeout_s=1.0))
    assert runs[0].timed_out and not runs[0].outcomes
    assert runs[1].all_passed


def test_deadline_leaves_later_candidates_unrun():
    spin = "def add(a, b):\n    while True:\n        pass\n"
    runs = run_tests_many([spin, _add("+"), _add("+")], TESTS, Limits(timeout_s=5.0), deadline_s=0.5)
    assert runs[0].timed_out
    assert [r.crashed for r in runs[1:]] == [NOT_RUN, NOT_RUN]


def test_candidate_cannot_write_outside_its_scratch_dir(tmp_path):
    target = tmp_path / "pwned.txt"
    os.chmod(tmp_path, 0o777)
    code = f"def add(a, b):\n    open({str(target)!r}, 'w').write('x')\n    return a + b\n"
    run = run_tests_many([code], TESTS, LIMITS)[0]
    assert run.passed == 0 and "PermissionError" in run.outcomes[0].error
    assert not target.exists()


def test_candidates_cannot_leave_processes_or_files_for_the_next_one():
    report = isolation_report()
    if not (report.get("pid_namespace") and report.get("dropped_privileges")):
        pytest.skip("needs a private pid namespace and the privilege drop (root) to sweep leftovers")
    plant = """import ctypes
libc = ctypes.CDLL(None, use_errno=True)

def add(a, b):
    fd = libc.open(b"/tmp/mo-leftover", 0o101, 0o644)
    if libc.fork() == 0:
        libc.pause()
        libc._exit(0)
    return a + b
"""
    probe = """import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)

def add(a, b):
    others = [p for p in range(2, 400) if p != os.getpid() and libc.kill(p, 0) == 0]
    assert not others, f"leftover processes {others}"
    assert not os.path.exists("/tmp/mo-leftover")
    return None if a is None else a + b
"""
    runs = run_tests_many([plant, probe], TESTS, LIMITS)
    assert runs[1].all_passed, runs[1]


def test_each_candidate_runs_as_nobody_without_network():
    if not isolation_report().get("dropped_privileges"):
        pytest.skip("privilege drop happens only when the server runs as root")
    code = """import os, socket

def add(a, b):
    assert os.getuid() == 65534
    try:
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    except OSError:
        return None if a is None else a + b
    raise AssertionError("network reachable")
"""
    assert run_tests_many([code, code], TESTS, LIMITS)[1].all_passed


def test_a_coverage_run_interrupts_a_hanging_test_where_it_spins_and_skips_the_rest():
    spin = ("def add(a, b):\n    total = a\n    while total != a + b:\n        try:\n            total += 2\n"
            "        except Exception:\n            pass\n    return total\n")  # odd b: steps of 2 jump over a + b
    tests = "def test_first():\n    assert add(1, 4) == 5\n\ndef test_spins():\n    assert add(1, 1) == 2\n\n" \
            "def test_after():\n    assert add(0, 0) == 0\n"
    run = run_tests_many([spin], tests, Limits(timeout_s=1.0), coverage=True)[0]
    by_name = {o.name: o for o in run.outcomes}
    assert run.timed_out and by_name["test_first"].passed
    assert "HangInterrupt" in by_name["test_spins"].error and by_name["test_spins"].line in (3, 4, 5)
    assert "test_after" not in by_name  # skipped: it would only have spent the rest of the limit
    assert 5 in run.coverage["test_spins"]
    plain = run_tests_many([spin], tests, Limits(timeout_s=1.0))[0]  # candidates are not interrupted: killed
    assert plain.timed_out and not plain.outcomes
