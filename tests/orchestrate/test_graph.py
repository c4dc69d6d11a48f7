"""The whole orchestrate graph: shape, durable checkpoints, progress events, the task store."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
from langgraph.checkpoint.sqlite import SqliteSaver

from graphs.orchestrate.graph import NODE_NAMES, build_graph, initial_state, run_orchestrate, to_output
from graphs.orchestrate.schema import OrchestrateInput

FEATURE = OrchestrateInput(
    description="Add a page where customers can download their past invoices as PDF",
    requirements=["Customers only see their own invoices", "Downloads are logged for audit"],
    constraints=["zero downtime deploys"],
)
BUGGY = '''def order_total(lines):
    """Sum of price * quantity over order lines."""
    return sum(line["price"] * line["qty"] for line in lnes)
'''
BUGGY_TESTS = '''
def test_total():
    assert order_total([{"price": 2.5, "qty": 2}, {"price": 1, "qty": 3}]) == 8.0

def test_empty():
    assert order_total([]) == 0
'''


def saver(path) -> SqliteSaver:
    return SqliteSaver(sqlite3.connect(path, check_same_thread=False))


def test_graph_shape_is_pinned(deps):
    mermaid = build_graph(deps).get_graph().draw_mermaid()
    for name in NODE_NAMES:
        assert name in mermaid
    edges = {(e.source, e.target) for e in build_graph(deps).get_graph().edges}
    assert {("__start__", "plan_task"), ("plan_task", "await_approval"), ("plan_task", "__end__"),
            ("await_approval", "assign_agents"), ("await_approval", "__end__"),
            ("assign_agents", "execute_subtasks"), ("execute_subtasks", "review_results"),
            ("review_results", "execute_subtasks"), ("review_results", "__end__")} == edges


def test_feature_without_code_is_planned_honestly_and_checkpointed(deps, tmp_path):
    db = tmp_path / "ckpt.sqlite"
    config = {"configurable": {"thread_id": "task-1"}}
    final = build_graph(deps, saver(db)).invoke(initial_state(FEATURE, "task-1"), config)
    out = to_output(final)
    statuses = {r.subtask_id: r.status for r in out.results}
    assert out.playbook == "ui_feature" and out.state == "awaiting_agents"
    assert out.review.verdict == "awaiting_agents"
    assert "rollout_safety" in statuses  # from the zero-downtime constraint
    assert statuses["implement_ui"] == "pending"  # waits behind the UX design agent
    assert all(r.status != "done" or r.executor for r in out.results)  # nothing "done" without a real executor
    assert set(out.assignments) == {s.id for s in out.plan}
    # a fresh graph instance with a new connection reads the same task back by thread id
    again = build_graph(deps, saver(db)).get_state(config)
    assert to_output(again.values) == out and again.next == ()


def test_bug_fix_with_code_runs_the_real_executors_end_to_end(deps):
    pytest.importorskip("graphs.auto_fix.graph", reason="auto_fix graph not landed")
    inp = OrchestrateInput(description="Fix the bug: order_total raises NameError for every order",
                           code=BUGGY, tests=BUGGY_TESTS)
    out = run_orchestrate(deps, inp, task_id="bug-1")
    by_id = {r.subtask_id: r for r in out.results}
    assert by_id["reproduce"].executor == "test_runner" and by_id["reproduce"].output["passed"] == 0
    assert by_id["fix"].executor == "auto_fix" and by_id["fix"].status == "done"
    assert by_id["run_tests"].output["all_passed"] and by_id["code_review"].executor == "static_scan"
    assert out.state == "completed" and out.review.verdict == "approved"
    assert deps.tasks.get("bug-1") == out
    assert deps.tasks.counts_by_state() == {"completed": 1}


def test_progress_events_name_their_node(deps):
    graph = build_graph(deps)
    events = [c for c in graph.stream(initial_state(FEATURE, "t"), stream_mode="custom")]
    nodes = [e["node"] for e in events]
    assert nodes[0] == "plan_task" and "assign_agents" in nodes and nodes[-1] == "review_results"
    assert all(isinstance(e["message"], str) and e["message"] for e in events)


def test_playbook_choice_uses_the_knowledge_base_when_ingested(deps):
    from graphs.common.kb.ingest import ingest_knowledge
    from graphs.orchestrate.playbooks import load_playbooks, retrieve_playbook_hits

    ingest_knowledge(deps.kb)
    books = dict(load_playbooks())
    ranked, notes = retrieve_playbook_hits(deps, "nightly ETL from Kafka into the warehouse", books)
    assert ranked and set(ranked) <= set(books) and notes == []
    out = to_output(build_graph(deps).invoke(initial_state(FEATURE, "kb-1")))
    assert not any("KB" in n for n in out.notes)  # retrieval worked: no fallback note
    assert out.playbook in {"ui_feature", "new_feature"}  # both keyword-tied; the KB ranking decides


def test_kb_failure_falls_back_to_keyword_rules_with_a_note(deps):
    class BrokenKB:
        def search(self, *args, **kwargs):
            raise RuntimeError("store offline")

    deps._kb = BrokenKB()
    out = to_output(build_graph(deps).invoke(initial_state(FEATURE, "kb-2")))
    assert out.playbook == "ui_feature" and any("KB retrieval unavailable" in n for n in out.notes)


@pytest.mark.slow
def test_another_process_reads_the_checkpoint(deps, tmp_path):
    db = tmp_path / "ckpt.sqlite"
    config = {"configurable": {"thread_id": "task-x"}}
    out = to_output(build_graph(deps, saver(db)).invoke(initial_state(FEATURE, "task-x"), config))
    script = (
        "import json, sqlite3, sys\n"
        "from langgraph.checkpoint.sqlite import SqliteSaver\n"
        "from graphs.common.config import Settings\n"
        "from graphs.common.deps import build_deps\n"
        "from graphs.orchestrate.graph import build_graph, to_output\n"
        "deps = build_deps(Settings(data_dir=__import__('pathlib').Path(sys.argv[2]), embedding='hash'))\n"
        "g = build_graph(deps, SqliteSaver(sqlite3.connect(sys.argv[1], check_same_thread=False)))\n"
        "print(to_output(g.get_state({'configurable': {'thread_id': 'task-x'}}).values).model_dump_json())\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(db), str(tmp_path / "other")],
                          capture_output=True, text=True, timeout=120, cwd=str(__import__("pathlib").Path.cwd()))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == json.loads(out.model_dump_json())


SHELL_LOOKUP = '''import subprocess

def lookup(host):
    return subprocess.run("nslookup " + host, shell=True, capture_output=True).stdout
'''


def test_security_hardening_reports_findings_and_never_passes_unremediated_code(deps):
    pytest.importorskip("graphs.auto_fix.graph", reason="auto_fix graph not landed")
    pytest.importorskip("graphs.common.static", reason="static analysis module not landed")
    inp = OrchestrateInput(description="Security hardening of the DNS lookup helper: shell injection risk",
                           code=SHELL_LOOKUP)
    out = run_orchestrate(deps, inp, task_id="sec-1")
    by_id = {r.subtask_id: r for r in out.results}
    assert out.playbook == "security_hardening"
    assert by_id["static_audit"].executor == "static_scan" and by_id["static_audit"].output["finding_count"] >= 1
    assert by_id["regression"].status == "awaiting_agent" or by_id["regression"].status == "pending"  # no tests
    if by_id["remediate"].status == "failed":
        assert out.review.verdict == "rejected" and any("remediate" in i for i in out.review.issues)
        assert by_id["verify_audit"].status == "pending"
    else:
        assert by_id["remediate"].output.get("artifacts") == ["patch"]
        assert by_id["verify_audit"].executor == "static_scan"
