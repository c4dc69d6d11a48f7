"""Fix rate on the held-out sets (never used to write the test expectations of test_cases.py)."""

from __future__ import annotations

import pytest

from graphs.auto_fix.graph import run_auto_fix
from graphs.auto_fix.schema import AutoFixInput
from graphs.common.deps import build_deps
from graphs.common.sandbox import Limits, run_tests
from tests.auto_fix.heldout_cases import HELDOUT, HELDOUT_V2


def fix_rate(results: list[bool]) -> float:
    """Share of cases whose best fix is validated by the given tests AND passes the held-out asserts."""
    return sum(results) / len(results) if results else 0.0


@pytest.mark.slow
@pytest.mark.fixes
def test_heldout_fix_rate(tmp_path, settings):
    results = []
    for i, case in enumerate(HELDOUT + HELDOUT_V2):
        deps = build_deps(settings.with_(data_dir=tmp_path / f"kb{i}", fix_budget_s=15.0))
        out = run_auto_fix(deps, AutoFixInput(code=case.code, tests=case.tests, error_message=case.error,
                                              context=case.context))
        best = out.fixes[0] if out.fixes else None
        results.append(best is not None and best.validation.validated
                       and run_tests(best.fixed_code, case.heldout, Limits(timeout_s=5.0)).all_passed)
    assert fix_rate(results) >= 0.85, [c.id for c, ok in zip(HELDOUT + HELDOUT_V2, results, strict=True) if not ok]


def test_fix_rate_definition():
    assert fix_rate([True, False, True, True]) == 0.75 and fix_rate([]) == 0.0
