"""Run pytest-style tests against a code string: in the project sandbox when it exists, else a subprocess.

Tests see the code as module `solution`; `from solution import *` is implied (prepended), matching the
contract of `graphs.common.sandbox.run_tests`. The fallback runner is a plain subprocess with a wall-clock
timeout (no resource isolation): it is only used before the sandbox lands, and only on dataset code.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from graphs.common.config import Settings

# Collects `test_*` functions and calls them; pytest.raises/approx work because the test module imports pytest.
_RUNNER = r"""
import importlib, inspect, json, sys, traceback
sys.path.insert(0, sys.argv[1])
passed, failed, errors = 0, 0, []
try:
    module = importlib.import_module("test_solution")
except BaseException as exc:
    print("@@RESULT@@" + json.dumps({"passed": 0, "total": 1, "errors": ["collect: " + repr(exc)[:300]]}))
    sys.exit(0)
tests = [(n, f) for n, f in vars(module).items() if n.startswith("test_") and inspect.isfunction(f)]
for name, fn in tests:
    try:
        fn()
        passed += 1
    except BaseException as exc:
        errors.append(name + ": " + repr(exc)[:300])
print("@@RESULT@@" + json.dumps({"passed": passed, "total": len(tests), "errors": errors}))
"""


@dataclass(frozen=True)
class TestOutcome:
    """Result of one test run: counts, whether every test passed, and why not."""

    __test__ = False  # not a pytest class
    passed: int
    total: int
    timed_out: bool = False
    clean: bool = True  # compiled, collected and did not crash
    detail: str = ""

    @property
    def all_passed(self) -> bool:
        return self.clean and self.total > 0 and self.passed == self.total and not self.timed_out


def _sandbox_run(code: str, tests: str, settings: Settings) -> TestOutcome | None:
    try:
        from graphs.common.sandbox import Limits, run_tests
    except ImportError:
        return None
    limits = Limits(timeout_s=settings.sandbox_timeout_s, memory_mb=settings.sandbox_memory_mb)
    run = run_tests(code, tests, limits)
    problems = [p for p in (run.import_error, run.crashed) if p]
    problems += [f"{o.name}: {o.error}" for o in run.outcomes if not o.passed]
    clean = run.compiled and run.import_error is None and run.crashed is None
    return TestOutcome(passed=run.passed, total=run.total, timed_out=run.timed_out, clean=clean,
                       detail="; ".join(problems)[:500])


def _subprocess_run(code: str, tests: str, timeout_s: float) -> TestOutcome:
    with tempfile.TemporaryDirectory(prefix="mo-eval-") as tmp:
        folder = Path(tmp)
        (folder / "solution.py").write_text(code, encoding="utf-8")
        (folder / "test_solution.py").write_text("import pytest\nfrom solution import *\n" + tests, encoding="utf-8")
        try:
            done = subprocess.run([sys.executable, "-I", "-c", _RUNNER, tmp], cwd=tmp, capture_output=True,
                                  text=True, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return TestOutcome(passed=0, total=max(tests.count("def test_"), 1), timed_out=True, detail="timeout")
    marker = [line for line in done.stdout.splitlines() if line.startswith("@@RESULT@@")]
    if not marker:
        return TestOutcome(passed=0, total=max(tests.count("def test_"), 1), detail=done.stderr[-500:])
    data = json.loads(marker[-1][len("@@RESULT@@"):])
    return TestOutcome(passed=data["passed"], total=data["total"], detail="; ".join(data["errors"])[:500])


def run_case_tests(code: str, tests: str, settings: Settings, *, prefer_sandbox: bool = True) -> TestOutcome:
    """Run `tests` against `code`; the sandbox when importable (and preferred), else a timed subprocess."""
    if prefer_sandbox:
        outcome = _sandbox_run(code, tests, settings)
        if outcome is not None:
            return outcome
    return _subprocess_run(code, tests, timeout_s=max(settings.sandbox_timeout_s, 1.0) * 2)
