"""Executors with small real code: the sandbox, the static scanner, auto_fix and the architecture graph."""

from __future__ import annotations

import pytest

from graphs.orchestrate import executors
from graphs.orchestrate.executors import ExecContext, ExecutorSpec, execute_subtask, executor_status
from graphs.orchestrate.schema import Subtask

PRICING = '''def discounted(price, percent):
    """Price after a percentage discount, never below zero."""
    return max(price - price * percent / 100, 0)
'''
PRICING_TESTS = '''
def test_ten_percent():
    assert discounted(200, 10) == 180

def test_never_negative():
    assert discounted(50, 150) == 0
'''
BROKEN = '''def order_total(lines):
    """Sum of price * quantity over order lines."""
    return sum(line["price"] * line["qty"] for line in lnes)
'''
BROKEN_TESTS = '''
def test_total():
    assert order_total([{"price": 2.5, "qty": 2}, {"price": 1, "qty": 3}]) == 8.0
'''
SHELL = '''import subprocess

def ping(host):
    return subprocess.run("ping -c 1 " + host, shell=True).returncode
'''


def ctx(deps, code="", tests="", **kw) -> ExecContext:
    return ExecContext(deps=deps, description="Keep the pricing module correct and safe", requirements=[],
                       constraints=[], original_code=code, code=code, tests=tests, **kw)


def task(kind: str, role: str = "quality") -> Subtask:
    return Subtask(id=kind, title=kind, kind=kind, role=role)


def test_work_without_an_internal_executor_waits_for_its_agent(deps):
    out = execute_subtask(task("implement_frontend", "frontend"), ctx(deps), "frontend-1")
    assert out.status == "awaiting_agent" and out.executor is None and "frontend-1" in out.summary


def test_missing_inputs_are_reported_instead_of_faked(deps):
    out = execute_subtask(task("run_tests"), ctx(deps, code=PRICING), "quality-1")
    assert out.status == "awaiting_agent" and "tests" in out.summary


def test_unimportable_engine_is_named(deps, monkeypatch):
    ghost = ExecutorSpec("ghost", frozenset({"haunt"}), "graphs.no_such_engine", (), frozenset(), lambda s, c: None)
    monkeypatch.setattr(executors, "EXECUTORS", (ghost,))
    out = execute_subtask(task("haunt"), ctx(deps), None)
    assert out.status == "awaiting_agent" and "graphs.no_such_engine not importable" in out.summary
    assert executor_status()["ghost"].startswith("unavailable")


def test_test_runner_runs_real_tests(deps):
    pytest.importorskip("graphs.common.sandbox", reason="sandbox module not landed")
    good = execute_subtask(task("run_tests"), ctx(deps, PRICING, PRICING_TESTS), None)
    assert good.executor == "test_runner" and good.output["all_passed"] and good.output["total"] == 2
    bad = execute_subtask(task("run_tests"), ctx(deps, PRICING.replace("max(", "min("), PRICING_TESTS), None)
    assert not bad.output["all_passed"] and bad.output["failures"]


@pytest.mark.slow
def test_security_review_scans_the_code(deps):
    pytest.importorskip("graphs.common.static", reason="static analysis module not landed")
    out = execute_subtask(task("security_review", "security"), ctx(deps, SHELL), None)
    assert out.executor == "static_scan" and out.output["finding_count"] >= 1
    assert out.output["new_findings"] == 0  # nothing new relative to the original code


def test_fix_runs_auto_fix_and_hands_on_the_repaired_code(deps):
    pytest.importorskip("graphs.auto_fix.graph", reason="auto_fix graph not landed")
    out = execute_subtask(task("fix", "backend"), ctx(deps, BROKEN, BROKEN_TESTS), None)
    assert out.executor == "auto_fix" and out.output["validated"]
    assert out.new_code is not None and "for line in lines" in out.new_code


def test_design_runs_the_architecture_graph(deps):
    pytest.importorskip("graphs.architecture.graph", reason="architecture graph not landed")
    c = ExecContext(deps=deps, description="An online marketplace where sellers list handmade goods and buyers "
                    "pay by card; 50k daily users", requirements=["Buyers can search listings"],
                    constraints=["must use PostgreSQL"], original_code="", code="", tests="")
    out = execute_subtask(task("design", "architect"), c, None)
    assert out.executor == "architecture" and out.output["style"] and out.output["components"]
    assert "architecture" in out.output["artifacts"]
