"""Sandbox for untrusted code: run a solution's tests or a script in a confined, resource-limited child."""

from graphs.common.sandbox.run import isolation_report, run_python, run_tests
from graphs.common.sandbox.types import Limits, ProcResult, TestOutcome, TestRun

__all__ = ["Limits", "ProcResult", "TestOutcome", "TestRun", "isolation_report", "run_python", "run_tests"]
