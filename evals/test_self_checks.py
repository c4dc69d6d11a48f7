"""The evaluator checks itself: gold (reference) outputs pass every suite, empty outputs fail."""

from __future__ import annotations

import pytest

from evals.runner import run_suite

DETERMINISTIC_SUITES = ("architecture", "orchestration")


@pytest.mark.parametrize("suite", DETERMINISTIC_SUITES)
def test_gold_outputs_pass(suite, eval_settings):
    report = run_suite(suite, settings=eval_settings, mode="gold", reports_dir=None)
    failing = [c.case_id for c in report.cases if not c.passed]
    assert not failing, failing
    assert min(report.means().values()) == 1.0


@pytest.mark.parametrize("suite", ("fixes", *DETERMINISTIC_SUITES))
def test_empty_outputs_fail(suite, eval_settings):
    report = run_suite(suite, settings=eval_settings, mode="empty", reports_dir=None)
    assert report.pass_rate() == 0.0
    quality = {k: v for k, v in report.means().items() if k != "latency"}
    assert max(quality.values()) == 0.0, quality


def test_judge_is_reported_skipped_without_a_model(eval_settings, monkeypatch):
    monkeypatch.delenv("MO_JUDGE_LLM", raising=False)
    report = run_suite("orchestration", settings=eval_settings, mode="gold", reports_dir=None,
                       case_filter="orch-001")
    judge = report.cases[0].metrics["judge_quality"]
    assert judge.score is None and judge.passed is None and "skipped" in judge.reason
    assert "judge_quality" not in report.means()


@pytest.mark.slow
def test_gold_fixes_pass_hidden_tests_in_the_sandbox(eval_settings):
    report = run_suite("fixes", settings=eval_settings, mode="gold", reports_dir=None,
                       case_filter=lambda c: c["kind"] in {"security", "hang", "syntax_error"})
    failing = {c.case_id: {k: m.reason for k, m in c.metrics.items() if m.passed is False}
               for c in report.cases if not c.passed}
    assert not failing, failing
    assert report.means()["hidden_tests_pass"] == 1.0
