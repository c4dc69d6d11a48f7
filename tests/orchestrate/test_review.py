"""Review gates and the bounded send-back loop, driven through the real review_results node."""

from __future__ import annotations

from graphs.orchestrate.nodes import make_nodes
from graphs.orchestrate.review import MAX_ATTEMPTS, evaluate_gates
from graphs.orchestrate.schema import OrchestrateInput, Subtask, SubtaskResult

FIX = Subtask(id="fix", title="Repair", kind="fix", role="backend", outputs=["patch"],
              acceptance_criteria=["fix is validated by the tests"])
TESTS = Subtask(id="run_tests", title="Run tests", kind="run_tests", role="quality", depends_on=["fix"],
                acceptance_criteria=["all tests pass"], outputs=["test_report"])
DEPLOY = Subtask(id="deploy", title="Ship", kind="deploy", role="devops", depends_on=["run_tests"])


def test_gates_check_what_the_output_can_decide():
    sub = Subtask(id="r", title="Review", kind="security_review", role="security", outputs=["findings_report"],
                  acceptance_criteria=["no high-severity findings", "no new static findings", "team sign-off"])
    gate = evaluate_gates(sub, {"high_severity": 1, "new_findings": 0, "artifacts": ["findings_report"]},
                          "static_scan")
    assert gate.unmet == ["no high-severity findings"]
    assert "no new static findings" in gate.met and "required outputs present (findings_report)" in gate.met
    assert gate.unverified == ["team sign-off"]
    missing = evaluate_gates(sub, {"high_severity": 0, "new_findings": 0, "artifacts": []}, "static_scan")
    assert any("missing ['findings_report']" in c for c in missing.unmet)


def state_after_wave(fix_attempts: int, tests_passed: bool) -> dict:
    inp = OrchestrateInput(description="Fix the rounding bug in the invoice totals", code="x = 1\n", tests="")
    fix_out = {"artifacts": ["patch"], "validated": True, "tried_shas": ["abc"]}
    test_out = {"all_passed": tests_passed, "passed": 1 if tests_passed else 0, "total": 1,
                "artifacts": ["test_report"]}
    results = {
        "fix": SubtaskResult(subtask_id="fix", status="done", executor="auto_fix", output=fix_out,
                             attempts=fix_attempts, summary="auto-fix #1").model_dump(),
        "run_tests": SubtaskResult(subtask_id="run_tests", status="done", executor="test_runner", output=test_out,
                                   attempts=1, summary="tests").model_dump(),
        "deploy": SubtaskResult(subtask_id="deploy", status="pending").model_dump(),
    }
    return {"input": inp.model_dump(), "task_id": "t", "state": "running",
            "plan": [s.model_dump() for s in (FIX, TESTS, DEPLOY)], "results": results, "feedback": {},
            "escalated": [], "rounds": 1, "last_wave": ["run_tests"], "code": "x = 1\n"}


def test_failing_tests_send_the_upstream_fix_back_with_feedback(deps):
    review = make_nodes(deps)["review_results"]
    update = review(state_after_wave(fix_attempts=1, tests_passed=False))
    assert update["state"] == "running"
    assert update["results"]["fix"]["status"] == "pending"
    assert update["results"]["run_tests"]["status"] == "pending"
    assert update["results"]["run_tests"]["criteria_unmet"] == ["all tests pass"]
    assert update["feedback"]["fix"] and "run_tests gate failed" in update["feedback"]["fix"][0]
    assert update["review"]["verdict"] == "changes_requested"


def test_send_back_is_bounded_then_escalates(deps):
    review = make_nodes(deps)["review_results"]
    update = review(state_after_wave(fix_attempts=MAX_ATTEMPTS, tests_passed=False))
    assert update["results"]["run_tests"]["status"] == "failed"
    assert update["results"]["deploy"]["status"] == "pending"  # dependents of a failed subtask stay pending
    assert update["state"] == "failed"
    assert update["review"]["verdict"] == "rejected"
    assert any("retries exhausted" in i for i in update["review"]["issues"])


def test_passing_gates_release_dependents(deps):
    review = make_nodes(deps)["review_results"]
    update = review(state_after_wave(fix_attempts=1, tests_passed=True))
    assert update["results"]["run_tests"]["criteria_met"] == ["all tests pass",
                                                              "required outputs present (test_report)"]
    assert update["state"] == "running"  # deploy is now ready
    assert update["review"]["verdict"] == "awaiting_agents"


def test_deterministic_check_without_upstream_fix_escalates_at_once(deps):
    state = state_after_wave(fix_attempts=1, tests_passed=False)
    state["plan"][1]["depends_on"] = []  # tests no longer downstream of a fix: re-running cannot help
    update = make_nodes(deps)["review_results"](state)
    assert update["results"]["run_tests"]["status"] == "failed"
    assert any("cannot help" in i for i in update["escalated"])
