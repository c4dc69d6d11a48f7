"""Sandbox for untrusted code: run a solution's tests or a script in a confined, resource-limited child."""

from graphs.common.sandbox.run import (
    NOT_RUN,
    isolation_report,
    run_python,
    run_tests,
    run_tests_many,
    warm_workers,
)
from graphs.common.sandbox.types import Limits, ProcResult, TestOutcome, TestRun

__all__ = [
    "NOT_RUN",
    "Limits",
    "ProcResult",
    "TestOutcome",
    "TestRun",
    "isolation_report",
    "run_python",
    "run_tests",
    "run_tests_many",
    "warm_workers",
]
