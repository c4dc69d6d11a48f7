"""Shared logic of the per-suite pytest modules: per-case recording and the suite-level regression verdict."""

from __future__ import annotations

import importlib.util
import logging
from typing import Any

import pytest

from evals.baselines import find_regressions, load_baseline, write_baseline
from evals.datasets import load_cases
from evals.engines import engine_module
from evals.runner import CaseResult, evaluate_case, new_report

log = logging.getLogger(__name__)


def case_ids(suite: str, version: str = "v1") -> list[str]:
    """Case ids of a suite (collection time; the default version)."""
    return [c["id"] for c in load_cases(suite, version)]


def require_engine(suite: str) -> None:
    """Skip when the suite's engine module is not importable yet."""
    name = engine_module(suite)
    if importlib.util.find_spec(name.rsplit(".", 1)[0]) is None:
        pytest.skip(f"{name} not importable")
    pytest.importorskip(name)


def run_case(suite: str, case_id: str, settings: Any, deps: Any, options: dict[str, Any],
             results: dict[tuple[str, str], CaseResult]) -> CaseResult:
    """Evaluate one case once per session (cached)."""
    key = (suite, case_id)
    if key not in results:
        case = next(c for c in load_cases(suite, options["version"]) if c["id"] == case_id)
        results[key] = evaluate_case(suite, case, settings, deps=deps)
    return results[key]


def record_case(result: CaseResult, record_property: Any) -> None:
    """Attach a case's scores to the pytest report (JUnit <property> elements)."""
    for name, metric in result.metrics.items():
        record_property(name, "skipped" if metric.score is None else metric.score)
    record_property("latency_ms", result.latency_ms)
    if result.error:
        record_property("engine_error", result.error)


def suite_verdict(suite: str, settings: Any, deps: Any, options: dict[str, Any],
                  results: dict[tuple[str, str], CaseResult]) -> tuple[Any, list[str]]:
    """Run any cases not yet evaluated, write reports, compare with (or update) the baseline."""
    from evals.reports import write_reports

    report = new_report(suite, options["version"], settings, "engine")
    for case in load_cases(suite, options["version"]):
        report.cases.append(run_case(suite, case["id"], settings, deps, options, results))
    report.elapsed_s = round(sum(c.latency_ms for c in report.cases) / 1000, 2)
    baseline = load_baseline(suite)
    regressions: list[str] = []
    if options["update_baseline"]:
        log.warning("baseline for %s updated: %s", suite, write_baseline(report))
    elif baseline is None:
        log.warning("no baseline for %s yet: run with --update-baseline", suite)
    elif baseline.get("dataset_version") != options["version"]:
        log.warning("baseline of %s is for dataset %s, not %s: not compared", suite,
                    baseline.get("dataset_version"), options["version"])
    else:
        regressions = find_regressions(report.means(), baseline, options["tolerance"])
    write_reports(report, options["reports_dir"], regressions)
    return report, regressions
