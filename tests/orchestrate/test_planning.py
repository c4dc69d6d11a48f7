"""Offline planning: playbook choice, step instantiation, requirement mapping, constraints, DAG maths."""

from __future__ import annotations

import pytest

from graphs.orchestrate.agents import load_agents
from graphs.orchestrate.dag import PlanError, complexity, critical_path, parallel_levels, validate_dag
from graphs.orchestrate.planning import build_plan, instantiate_steps, role_of
from graphs.orchestrate.playbooks import choose_playbook, load_playbooks, select_playbook
from graphs.orchestrate.schema import OrchestrateInput, Subtask


def plan_for(description: str, requirements=(), constraints=()):
    inp = OrchestrateInput(description=description, requirements=list(requirements), constraints=list(constraints))
    choice = select_playbook(None, description, " ".join([*requirements, *constraints]))
    return choice.playbook.id, build_plan(inp, choice.playbook)


def sub(sid: str, deps=(), hours=1.0, role="backend") -> Subtask:
    return Subtask(id=sid, title=sid, kind="implement_backend", role=role, depends_on=list(deps), effort_hours=hours)


@pytest.mark.parametrize(("description", "expected"), [
    ("The invoice export crashes with a KeyError when a customer has no VAT number", "bug_fix"),
    ("Users should be able to add a second shipping address to their profile", "new_feature"),
    ("Clean up the legacy billing module: split it into smaller units and reduce technical debt", "refactor"),
    ("Migrate the orders database from MySQL 5.7 to PostgreSQL 16", "migration"),
    ("Build a new microservice from scratch that issues and validates gift cards", "new_service"),
    ("Roll out the checkout service to production on Kubernetes with Helm charts", "deployment"),
    ("Audit the admin portal for SQL injection and XSS vulnerabilities and harden it", "security_hardening"),
    ("The search endpoint is slow: p95 latency is 2 s and we need it under 300 ms", "performance"),
    ("Nightly ETL that ingests clickstream events from Kafka into the warehouse", "data_pipeline"),
    ("Add a dark mode toggle to the settings screen of the React app", "ui_feature"),
])
def test_playbook_choice_follows_the_description(description, expected):
    assert select_playbook(None, description).playbook.id == expected


def test_text_without_any_keyword_defaults_to_new_feature_with_a_note():
    choice = choose_playbook("Quarterly planning notes for the team offsite", load_playbooks())
    assert choice.playbook.id == "new_feature"
    assert any("defaulted" in n for n in choice.notes)


def test_kb_ranking_breaks_a_keyword_tie():
    books = load_playbooks()
    text = "cleanup of the slow code"  # one refactor keyword, one performance keyword
    assert choose_playbook(text, books, kb_ranked=["performance", "refactor"]).playbook.id == "performance"
    assert choose_playbook(text, books, kb_ranked=["refactor", "performance"]).playbook.id == "refactor"


def test_kb_alone_does_not_override_the_generic_default():
    choice = choose_playbook("Quarterly planning notes for the team offsite", load_playbooks(), ["migration"])
    assert choice.playbook.id == "new_feature"
    assert any("nearest playbook was migration" in n for n in choice.notes)


def test_patterns_catch_phrasings_keywords_miss():
    assert select_playbook(None, "Checkout throws KeyError for guests").playbook.id == "bug_fix"
    assert select_playbook(None, "Move the job queue from RabbitMQ to SQS").playbook.id == "migration"


def test_every_playbook_is_a_dag_and_every_kind_has_an_agent():
    kinds = {k for a in load_agents() for k in a.capabilities}
    for book in load_playbooks().values():
        steps, _ = instantiate_steps(book, " ".join(w for s in book.steps for w in s.when))
        from graphs.orchestrate.planning import to_subtasks

        validate_dag(to_subtasks(steps))
        assert {s.kind for s in book.steps} <= kinds, book.id


def test_conditional_steps_are_dropped_and_their_dependencies_bridged():
    book = load_playbooks()["new_feature"]
    steps, notes = instantiate_steps(book, "add an export of invoices as CSV")
    keys = {s.key for s in steps}
    assert "implement_frontend" not in keys and "security_review" not in keys
    deploy = next(s for s in steps if s.key == "deploy")
    # security_review was dropped; deploy inherits its dependency so the order stays the same
    assert set(deploy.depends_on) == {"run_tests", "code_review", "implement_backend"}
    assert any("implement_frontend" in n for n in notes)
    steps, _ = instantiate_steps(book, "add a login page with password reset")
    assert {"implement_frontend", "security_review"} <= {s.key for s in steps}


def test_every_requirement_maps_to_at_least_one_subtask():
    reqs = ["Expose a REST endpoint to list vouchers", "Vouchers are stored in PostgreSQL with an audit history",
            "A dashboard shows redemptions per day", "Send a weekly email digest to finance"]
    _, plan = plan_for("Build a new service for vouchers", reqs)
    covered = {rid for s in plan.subtasks for rid in s.requirement_ids}
    assert covered >= {"R1", "R2", "R3", "R4"}


def test_unmatched_requirement_gets_its_own_subtask_under_the_best_role():
    _, plan = plan_for("Fix the crash when importing an empty CSV file",
                       ["Show a friendly message on the import screen"])
    extra = [s for s in plan.subtasks if s.id == "req_r1"]
    assert extra and extra[0].role == "frontend" and extra[0].requirement_ids == ["R1"]


def test_no_downtime_constraint_adds_a_rollback_step_before_deploy():
    _, plan = plan_for("Add saved searches for logged-in users", constraints=["zero downtime during the release"])
    by_id = {s.id: s for s in plan.subtasks}
    assert "rollout_safety" in by_id and by_id["rollout_safety"].role == "devops"
    assert "rollout_safety" in by_id["deploy"].depends_on
    validate_dag(plan.subtasks)


def test_technology_constraint_goes_to_inputs_of_design_and_data_steps():
    _, plan = plan_for("Build a new service from scratch for loyalty points with a database",
                       constraints=["must use PostgreSQL"])
    by_id = {s.id: s for s in plan.subtasks}
    assert "constraint: must use PostgreSQL" in by_id["design"].inputs
    assert "constraint: must use PostgreSQL" in by_id["data_model"].inputs
    assert "constraint: must use PostgreSQL" not in by_id["observability"].inputs


def test_deadline_constraint_is_checked_against_the_critical_path():
    _, plan = plan_for("Build a new microservice from scratch for refunds", constraints=["deliver within 2 days"])
    assert any("does NOT fit" in n for n in plan.notes)  # the critical path is far longer than 16 h


def test_role_lexicon():
    assert role_of("encrypt tokens at rest") == "security"
    assert role_of("responsive layout on mobile") == "frontend"
    assert role_of("lorem ipsum") is None


def test_cycles_are_rejected_with_the_cycle_named():
    with pytest.raises(PlanError, match="cycle among subtasks: a -> c -> b -> a"):
        validate_dag([sub("a", ["c"]), sub("b", ["a"]), sub("c", ["b"]), sub("d")])
    with pytest.raises(PlanError, match="unknown"):
        validate_dag([sub("a", ["zzz"])])
    with pytest.raises(PlanError, match="itself"):
        validate_dag([sub("a", ["a"])])


def test_levels_and_critical_path_on_a_hand_made_dag():
    dag = [sub("spec", hours=2), sub("api", ["spec"], 8), sub("ui", ["spec"], 5), sub("docs", ["spec"], 1),
           sub("e2e", ["api", "ui"], 3), sub("ship", ["e2e", "docs"], 1)]
    assert parallel_levels(dag) == [["spec"], ["api", "ui", "docs"], ["e2e"], ["ship"]]
    assert critical_path(dag) == ["spec", "api", "e2e", "ship"]  # 2 + 8 + 3 + 1 = 14 h beats the ui branch


def test_complexity_grows_with_size_and_coupling():
    small = [sub("a", hours=2), sub("b", ["a"], 2)]
    large = [sub(f"s{i}", [f"s{i-1}"] if i else [], 8, role=r)
             for i, r in enumerate(["architect", "backend", "frontend", "data", "quality", "devops"])]
    assert 0 < complexity(small) < complexity(large) <= 10
    assert complexity([]) == 0.0
