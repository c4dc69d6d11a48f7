"""Pre-forked sandbox workers: reused between batches, replaced when they fail."""

from __future__ import annotations

import pytest

from graphs.common.sandbox import Limits, run_tests_many
from graphs.common.sandbox.run import _pool

pytestmark = pytest.mark.slow
LIMITS = Limits(timeout_s=10.0)
CODE = "def double(x):\n    return 2 * x\n"
TESTS = "def test_double():\n    assert double(4) == 8\n"


def test_a_worker_is_reused_for_the_next_batch():
    assert run_tests_many([CODE], TESTS, LIMITS)[0].all_passed
    idle = {w.proc.pid for w in _pool()._idle}
    assert idle
    assert run_tests_many([CODE, CODE], TESTS, LIMITS)[1].all_passed
    assert {w.proc.pid for w in _pool()._idle} & idle


def test_a_dead_worker_is_replaced_and_the_batch_still_runs():
    run_tests_many([CODE], TESTS, LIMITS)
    for worker in list(_pool()._idle):
        worker.proc.kill()
        worker.proc.wait(timeout=10)
    runs = run_tests_many([CODE, "def double(x):\n    return x\n"], TESTS, LIMITS)
    assert [r.all_passed for r in runs] == [True, False]
    assert all(w.alive for w in _pool()._idle)


def test_a_candidate_cannot_kill_its_worker():
    killer = """import ctypes, os, signal
libc = ctypes.CDLL(None, use_errno=True)

def double(x):
    for pid in (1, os.getppid()):
        libc.kill(pid, signal.SIGKILL)
    return 2 * x
"""
    runs = run_tests_many([killer, CODE], TESTS, LIMITS)
    assert runs[1].all_passed
