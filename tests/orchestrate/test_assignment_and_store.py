"""Agent assignment (capability, then least loaded; deterministic) and the durable task store."""

from __future__ import annotations

import threading

from graphs.common.tasks import TaskStore
from graphs.orchestrate.agents import Agent, assign, load_agents
from graphs.orchestrate.schema import OrchestrateOutput, Review, Subtask


def sub(sid: str, kind: str, role: str, hours: float = 4.0) -> Subtask:
    return Subtask(id=sid, title=sid, kind=kind, role=role, effort_hours=hours)


AGENTS = (
    Agent("be-a", "Backend A", "backend", frozenset({"implement_backend", "fix"}), 10),
    Agent("be-b", "Backend B", "backend", frozenset({"implement_backend"}), 10),
    Agent("qa-a", "QA", "quality", frozenset({"run_tests", "code_review"}), 10),
    Agent("sec", "Security", "security", frozenset({"security_review", "code_review"}), 10),
)


def test_capability_match_comes_first():
    out, _, _ = assign([sub("f", "fix", "backend")], AGENTS)
    assert out == {"f": "be-a"}  # only be-a can fix


def test_least_loaded_agent_gets_the_next_subtask_and_ties_break_by_id():
    subs = [sub("s1", "implement_backend", "backend", 4), sub("s2", "implement_backend", "backend", 2),
            sub("s3", "implement_backend", "backend", 1)]
    out, load, _ = assign(subs, AGENTS)
    assert out == {"s1": "be-a", "s2": "be-b", "s3": "be-b"}
    assert load["be-a"] == 4 and load["be-b"] == 3
    assert assign(subs, AGENTS)[0] == out  # deterministic


def test_role_mismatch_falls_back_to_capability_then_role_with_a_note():
    out, _, notes = assign([sub("cr", "code_review", "security"), sub("odd", "paint_walls", "quality")], AGENTS)
    assert out == {"cr": "sec", "odd": "qa-a"}
    assert any("odd assigned by role match" in n for n in notes)


def test_overbooking_is_reported_not_hidden():
    subs = [sub(f"t{i}", "run_tests", "quality", 6) for i in range(2)]
    out, load, notes = assign(subs, AGENTS)
    assert set(out.values()) == {"qa-a"} and load["qa-a"] == 12
    assert any("overbooked" in n for n in notes)


def test_registry_covers_every_role():
    roles = {a.role for a in load_agents()}
    assert roles == {"architect", "frontend", "backend", "data", "devops", "quality", "security"}


def output(task_id: str, state: str) -> OrchestrateOutput:
    verdict = {"completed": "approved", "failed": "rejected"}.get(state, "awaiting_agents")
    return OrchestrateOutput(task_id=task_id, state=state, playbook="bug_fix",
                             plan=[sub("fix", "fix", "backend")], review=Review(verdict=verdict, summary=state))


def test_task_store_round_trip_upsert_list_and_counts(tmp_path):
    store = TaskStore(tmp_path / "tasks.sqlite")
    assert store.get("nope") is None
    store.save(output("t1", "awaiting_agents"))
    store.save(output("t2", "completed"))
    store.save(output("t3", "completed"))
    assert store.get("t2") == output("t2", "completed")
    store.save(output("t1", "failed"))  # upsert
    assert store.get("t1").state == "failed"
    assert store.counts_by_state() == {"failed": 1, "completed": 2}
    assert [t.task_id for t in store.list()] == ["t1", "t3", "t2"]  # most recently updated first
    assert {t.task_id for t in store.list(state="completed")} == {"t2", "t3"}
    assert len(store.list(limit=1)) == 1
    store.close()
    reopened = TaskStore(tmp_path / "tasks.sqlite")
    assert reopened.counts_by_state() == {"failed": 1, "completed": 2}
    reopened.close()


def test_task_store_accepts_concurrent_writers(tmp_path):
    store = TaskStore(tmp_path / "tasks.sqlite")

    def write(n: int) -> None:
        for i in range(10):
            store.save(output(f"w{n}-{i}", "completed"))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert store.counts_by_state() == {"completed": 40}
    store.close()
