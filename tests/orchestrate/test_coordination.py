"""Agent registry, leases, claim/complete/fail, cancel, plan approval and crash recovery (no sleeps: fake clock)."""

from __future__ import annotations

import pytest

from graphs.orchestrate.agents import assign
from graphs.orchestrate.coordinator import Coordinator, WrongStateError, coordinator_for
from graphs.orchestrate.graph import initial_state, run_orchestrate, to_output
from graphs.orchestrate.registry import LeaseError, RegistryError, UnknownAgentError, registry_for
from graphs.orchestrate.schema import OrchestrateInput, Subtask
from graphs.orchestrate.stats import agent_stats

ALL_ROLES = ["architect", "frontend", "backend", "data", "devops", "quality", "security"]
EXPORT = OrchestrateInput(description="Add a CSV export button to the invoices page of the billing dashboard",
                          requirements=["exports only include invoices the user may see"])


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def good_result(sub: Subtask) -> tuple[dict, dict]:
    """A result that meets every checkable gate, with each declared output delivered."""
    result = {"all_passed": True, "high_severity": 0, "new_findings": 0, "findings": [], "checks_failed": [],
              "untraced_requirements": [], "security_measures": ["session: csrf -> token"]}
    return result, {name: f"ref://{sub.id}/{name}" for name in sub.outputs}


def finish_all(coord: Coordinator, agent: str, task_id: str) -> int:
    done = 0
    while (claim := coord.claim(agent, task_id)) is not None:
        result, artifacts = good_result(claim.subtask)
        coord.complete(claim.lease.token, agent, result, "done", artifacts)
        done += 1
    return done


@pytest.fixture
def coord(deps) -> Coordinator:
    c = coordinator_for(deps)
    c.registry.clock = FakeClock()
    c.registry.register("ext-all", ALL_ROLES, [], 80.0)
    return c


def test_assignment_counts_load_across_tasks_and_prefers_capability_match():
    subs = [Subtask(id=f"s{i}", title="x", kind="implement_backend", role="backend", effort_hours=8) for i in range(2)]
    from graphs.orchestrate.agents import load_agents

    agents = load_agents()
    first, _, _ = assign(subs[:1], agents)
    assert first["s0"] == "backend-1"  # tie on load breaks by id
    later, _, _ = assign(subs[1:], agents, {"backend-1": 16.0})
    assert later["s1"] == "backend-2"  # backend-1 already carries another task's hours


def test_registry_persists_external_agents_and_open_load(deps, coord):
    run_orchestrate(deps, EXPORT, task_id="t1")
    load = coord.registry.open_load()
    assert load and all(h > 0 for h in load.values())
    again = type(coord.registry)(coord.registry.path)  # a new process would open the same file
    assert "ext-all" in {a.id for a in again.agents()}
    assert again.open_load() == load
    with pytest.raises(RegistryError, match="internal agent"):
        coord.registry.register("backend-1", ["backend"], [], 8)
    with pytest.raises(UnknownAgentError):
        coord.claim("nobody")


def test_leases_are_exclusive_and_expired_ones_are_reclaimed(deps, coord):
    run_orchestrate(deps, EXPORT, task_id="t1")
    coord.registry.register("ext-b", ALL_ROLES, [], 80.0)
    a = coord.claim("ext-all", "t1")
    b = coord.claim("ext-b", "t1")
    assert a is not None and b is not None and a.subtask.id != b.subtask.id
    while coord.claim("ext-b", "t1") is not None:
        pass
    assert coord.claim("ext-b", "t1") is None  # everything ready is leased
    coord.registry.clock.now += coord.lease_ttl_s + 1
    again = coord.claim("ext-b", "t1")
    assert again is not None  # the expired leases were reclaimed
    with pytest.raises(LeaseError, match="expired"):
        coord.complete(a.lease.token, "ext-all", {}, "late", {})
    with pytest.raises(LeaseError, match="belongs to agent"):
        coord.complete(again.lease.token, "ext-all", {}, "not mine", {})
    with pytest.raises(LeaseError, match="unknown lease"):
        coord.complete("nope", "ext-all", {}, "", {})


def test_completion_reviews_unlocks_dependents_and_is_idempotent(deps, coord):
    run_orchestrate(deps, EXPORT, task_id="t1")
    claim = coord.claim("ext-all", "t1")
    result, artifacts = good_result(claim.subtask)
    first = coord.complete(claim.lease.token, "ext-all", result, "done", artifacts)
    second = coord.complete(claim.lease.token, "ext-all", {"ignored": True}, "again", {})
    assert first["accepted"] and not first["replayed"] and second["replayed"]
    assert {**first, "replayed": None} == {**second, "replayed": None}
    task = coord.status("t1")
    assert next(r for r in task.results if r.subtask_id == claim.subtask.id).attempts == 1
    dependents = [s.id for s in task.plan if claim.subtask.id in s.depends_on]
    assert set(dependents) & set(first["awaiting_agents"])
    assert finish_all(coord, "ext-all", "t1") >= 1
    done = coord.status("t1")
    assert done.state == "completed" and done.review.verdict == "approved"
    assert coord.registry.open_load() == {}  # a finished task frees its agents' capacity
    stats = agent_stats(deps)
    assert stats["ext-all"]["completions"] == len(done.plan) and stats["ext-all"]["failures"] == 0


def test_missing_outputs_send_work_back_then_failures_escalate(deps, coord):
    run_orchestrate(deps, EXPORT, task_id="t1")
    claim = next(c for c in iter(lambda: coord.claim("ext-all", "t1"), None) if c.subtask.outputs)
    out = coord.complete(claim.lease.token, "ext-all", {}, "forgot the artifacts", {})
    assert not out["accepted"] and out["subtask_status"] == "awaiting_agent"
    assert any("required outputs present" in c for c in out["criteria_unmet"])
    coord.registry.clock.now += coord.lease_ttl_s + 1  # drop the other leases taken by the generator
    retry = coord.claim("ext-all", "t1")
    while retry.subtask.id != claim.subtask.id:
        retry = coord.claim("ext-all", "t1")
    assert retry.attempt == 2 and any("gate failed" in f for f in retry.feedback)
    out = coord.fail(retry.lease.token, "ext-all", "the export library is unavailable")
    assert out["subtask_status"] == "awaiting_agent" and out["attempts"] == 2  # one more try is allowed
    third = coord.claim("ext-all", "t1")
    while third.subtask.id != claim.subtask.id:
        third = coord.claim("ext-all", "t1")
    assert third.attempt == 3 and any("export library" in f for f in third.feedback)
    out = coord.fail(third.lease.token, "ext-all", "still unavailable")
    assert coord.fail(third.lease.token, "ext-all", "still unavailable")["replayed"]
    assert out["subtask_status"] == "failed" and out["task_state"] == "failed" and out["verdict"] == "rejected"
    assert agent_stats(deps)["ext-all"]["failures"] == 2
    assert coord.claim("ext-all", "t1") is None  # an ended task has nothing to claim


def test_cancel_releases_leases_and_refuses_late_results(deps, coord):
    run_orchestrate(deps, EXPORT, task_id="t1")
    claim = coord.claim("ext-all", "t1")
    assert coord.cancel("t1", "customer withdrew").state == "cancelled"
    assert coord.cancel("t1").state == "cancelled"
    with pytest.raises(LeaseError, match="released"):
        coord.complete(claim.lease.token, "ext-all", {}, "", {})
    assert coord.registry.active_leases("t1") == []


def test_plan_approval_pauses_then_resumes_or_cancels(deps, coord):
    gated = EXPORT.model_copy(update={"require_approval": True})
    out = run_orchestrate(deps, gated, task_id="t-ok")
    assert out.state == "awaiting_approval" and out.plan and not out.assignments
    assert coord.claim("ext-all") is None
    approved = coord.approve("t-ok", True, "looks right")
    assert approved.state == "awaiting_agents" and approved.assignments
    with pytest.raises(WrongStateError):
        coord.approve("t-ok", True)
    run_orchestrate(deps, gated, task_id="t-no")
    rejected = coord.approve("t-no", False, "split it into two tasks")
    assert rejected.state == "cancelled" and "split it" in rejected.review.summary


def test_a_run_interrupted_inside_the_graph_is_resumed(deps):
    coord = coordinator_for(deps)
    deps.tasks.save(to_output(initial_state(EXPORT, "t-crash")),
                    input_json=EXPORT.model_dump_json())
    # stop after assign_agents, as a crash between two nodes would: the checkpoint has work left to do
    coord.graph.invoke(initial_state(EXPORT, "t-crash"), coord.config("t-crash"), interrupt_after=["assign_agents"])
    assert coord.graph.get_state(coord.config("t-crash")).next == ("execute_subtasks",)
    coord.started_at = float("inf")  # pretend this is a new process: the row predates it
    assert coord.resume_pending() == ["t-crash"]
    assert deps.tasks.get("t-crash").state == "awaiting_agents"


def test_a_task_with_no_checkpoint_is_rerun_from_its_stored_input(deps):
    coord = coordinator_for(deps)
    deps.tasks.save(to_output(initial_state(EXPORT, "t-early")),
                    input_json=EXPORT.model_dump_json())
    coord.started_at = float("inf")
    assert coord.resume_pending() == ["t-early"]
    assert deps.tasks.get("t-early").state == "awaiting_agents" and deps.tasks.get("t-early").plan
    assert registry_for(deps) is coord.registry


def test_stats_report_utilization_and_external_agents_are_listed(deps, coord):
    from graphs.orchestrate.agents import list_agents

    run_orchestrate(deps, EXPORT, task_id="t1")
    claim = coord.claim("ext-all", "t1")
    stats = agent_stats(deps)
    mine = stats["ext-all"]
    assert mine["external"] and mine["active_leases"] == 1 and mine["open_hours"] == claim.subtask.effort_hours
    assert mine["utilization"] == round(claim.subtask.effort_hours / 80.0, 3)
    assert stats["_totals"]["active_leases"] == 1 and stats["_totals"]["external"] == 1
    coord.registry.clock.now += 42.0
    result, artifacts = good_result(claim.subtask)
    coord.complete(claim.lease.token, "ext-all", result, "done", artifacts)
    assert agent_stats(deps)["ext-all"]["duration_p50_s"] == 42.0
    listed = {a["id"]: a for a in list_agents(deps)}
    assert listed["ext-all"]["external"] and not listed["backend-1"]["external"]
