"""Metric definitions behave as documented, including through deepeval's `measure`."""

from __future__ import annotations

import socket

import pytest

from evals.baselines import find_regressions
from evals.metrics import architecture as arch
from evals.metrics import fixes
from evals.metrics import orchestration as orch
from evals.metrics.base import RunContext, make_test_case
from evals.vocabulary import matches, phrase_in

CTX = RunContext()


def test_synonyms_match_whole_words_only():
    assert matches("message queue", ["Apache Kafka cluster"], "components")
    assert matches("read replicas", ["Postgres read-replica"], "patterns")
    assert not phrase_in("cache", "cachet service")
    assert not matches("search index", ["PostgreSQL"], "components")


def test_changed_lines_counts_additions_and_removals():
    assert fixes.changed_lines("a\nb\nc", "a\nB\nc") == 2
    assert fixes.edit_ratio("a\nb", "a\nc", "a\nd") == 1.0


def test_edit_size_penalises_rewrites_and_no_ops():
    case = {"code": "x = 1\ny = 2\nz = 3\n", "reference_fix": "x = 1\ny = 5\nz = 3\n"}
    small = {"fixes": [{"rank": 1, "fixed_code": "x = 1\ny = 6\nz = 3\n"}]}
    big = {"fixes": [{"rank": 1, "fixed_code": "a = 1\nb = 5\nc = 3\n"}]}
    same = {"fixes": [{"rank": 1, "fixed_code": case["code"]}]}
    assert fixes.score_edit_size(small, case, CTX).value == 1.0
    assert fixes.score_edit_size(big, case, CTX).value == pytest.approx(1 / 3)
    assert fixes.score_edit_size(same, case, CTX).value == 0.0


def test_best_fix_is_lowest_rank():
    assert fixes.best_fix({"fixes": [{"rank": 2, "id": "b"}, {"rank": 1, "id": "a"}]})["id"] == "a"
    assert fixes.best_fix({"fixes": []}) is None


def test_compiles_detects_syntax_errors():
    assert fixes.score_compiles({"fixes": [{"rank": 1, "fixed_code": "def f(:\n"}]}, {}, CTX).value == 0.0


def test_dag_problems_finds_cycles_and_unknown_dependencies():
    assert orch.dag_problems([{"id": "a", "depends_on": ["b"]}, {"id": "b", "depends_on": ["a"]}]) == ["dependency cycle"]
    assert orch.dag_problems([{"id": "a", "depends_on": ["zz"]}]) == ["a depends on unknown zz"]
    assert orch.dag_problems([{"id": "a"}, {"id": "b", "depends_on": ["a"]}]) == []


def test_dependency_order_needs_an_ancestor_not_just_any_order():
    plan = [{"id": "1", "kind": "write_tests"}, {"id": "2", "kind": "implement_backend"}]
    case = {"dependency_constraints": [["implement", "test"]]}
    assert orch.score_dependency_order({"plan": plan}, case, CTX).value == 0.0
    plan[0]["depends_on"] = ["2"]
    assert orch.score_dependency_order({"plan": plan}, case, CTX).value == 1.0


def test_component_recall_uses_names_kinds_and_technologies():
    output = {"components": [{"name": "Edge", "kind": "edge", "technology": "CloudFront"}],
              "data_stores": [{"name": "Orders DB", "technology": "PostgreSQL 16"}]}
    case = {"expected_components": ["cdn", "relational database", "search index"]}
    score = arch.score_component_recall(output, case, CTX)
    assert score.value == pytest.approx(2 / 3) and "search index" in score.reason


def test_traceability_counts_served_requirements():
    output = {"requirements": [{"id": "FR-1"}, {"id": "QA-1"}], "components": [{"serves": ["FR-1"]}]}
    assert arch.score_traceability(output, {"requirements": ["x"]}, CTX).value == 0.5


def test_deepeval_wrapper_reports_score_reason_and_success():
    metric = arch.SectionsPresent()
    case = {"id": "t", "project_description": "demo", "must_have_sections": ["adrs", "mermaid"]}
    metric.measure(make_test_case(case, {"adrs": [{"id": "1"}], "mermaid": ""}, CTX))
    assert metric.score == 0.5 and not metric.is_successful() and "mermaid" in metric.reason
    assert metric.__name__ == "sections_present"


def test_measuring_opens_no_network_connection(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    metric = orch.DagValid()
    metric.measure(make_test_case({"id": "t", "description": "d"}, {"plan": [{"id": "a"}]}, CTX))
    assert metric.score == 1.0


def test_regression_verdict_uses_tolerance():
    baseline = {"metrics": {"a": 0.8, "b": 0.5, "c": 0.4}}
    problems = find_regressions({"a": 0.76, "b": 0.40}, baseline, tolerance=0.05)
    assert problems == ["b: 0.400 < baseline 0.500 - tolerance 0.05", "c: no score this run (baseline 0.400)"]
