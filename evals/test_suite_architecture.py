"""Eval suite `architecture`: one test per case (records scores, fails only on an engine crash) and a regression verdict."""

from __future__ import annotations

import pytest

from evals.suite_support import case_ids, record_case, require_engine, run_case, suite_verdict

SUITE = "architecture"
pytestmark = pytest.mark.architecture


@pytest.mark.parametrize("case_id", case_ids(SUITE))
def test_case(case_id, eval_settings, eval_deps, eval_options, case_results, record_property):
    require_engine(SUITE)
    result = run_case(SUITE, case_id, eval_settings, eval_deps, eval_options, case_results)
    record_case(result, record_property)
    # A missed case is a score, not a failure; an engine crash is a bug.
    assert result.error is None, result.error


def test_suite_does_not_regress(eval_settings, eval_deps, eval_options, case_results, record_property):
    require_engine(SUITE)
    report, regressions = suite_verdict(SUITE, eval_settings, eval_deps, eval_options, case_results)
    for name, mean in report.means().items():
        record_property(f"mean_{name}", mean)
    assert not regressions, f"{SUITE} regressed vs evals/baselines/{SUITE}.json: " + "; ".join(regressions)
