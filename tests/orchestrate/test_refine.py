"""LLM plan refinement with a scripted fake chat model: valid plans are used, anything else keeps the offline plan."""

from __future__ import annotations

import json

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from graphs.common.deps import build_deps
from graphs.orchestrate.graph import build_graph, initial_state, to_output
from graphs.orchestrate.schema import OrchestrateInput

INP = OrchestrateInput(description="Add two-factor authentication to the admin login",
                       requirements=["Admins must confirm a one-time code", "Recovery codes can be regenerated"])


def llm_plan(**overrides) -> str:
    subtasks = [
        {"id": "design", "title": "Design the 2FA flow", "kind": "design", "role": "architect",
         "acceptance_criteria": ["design checks pass"], "effort_hours": 3, "requirement_ids": ["R1", "R2"]},
        {"id": "totp_backend", "title": "TOTP verification service", "kind": "implement_backend", "role": "backend",
         "depends_on": ["design"], "effort_hours": 8, "requirement_ids": ["R1"]},
        {"id": "recovery_codes", "title": "Recovery code regeneration", "kind": "implement_backend",
         "role": "backend", "depends_on": ["design"], "effort_hours": 4, "requirement_ids": ["R2"]},
        {"id": "sec_review", "title": "Security review", "kind": "security_review", "role": "security",
         "depends_on": ["totp_backend", "recovery_codes"], "effort_hours": 3},
    ]
    for sid, changes in overrides.items():
        next(s for s in subtasks if s["id"] == sid).update(changes)
    return "Here is the plan:\n```json\n" + json.dumps({"subtasks": subtasks, "notes": ["split 2FA work"]}) + "\n```"


def run_with(settings, answer: str):
    deps = build_deps(settings, llm=FakeListChatModel(responses=[answer]))
    return to_output(build_graph(deps).invoke(initial_state(INP, "llm")))


def test_a_valid_llm_plan_replaces_the_offline_plan(settings):
    out = run_with(settings, llm_plan())
    assert [s.id for s in out.plan] == ["design", "totp_backend", "recovery_codes", "sec_review"]
    assert out.parallel_levels == [["design"], ["totp_backend", "recovery_codes"], ["sec_review"]]
    assert out.critical_path == ["design", "totp_backend", "sec_review"]
    assert "plan refined by the LLM" in out.notes


def test_garbage_keeps_the_offline_plan(settings):
    out = run_with(settings, "I think you should just hire more people.")
    assert out.playbook == "new_feature" and any(s.id == "implement_backend" for s in out.plan)
    assert any("offline plan kept" in n for n in out.notes)


def test_cyclic_llm_plan_is_rejected(settings):
    out = run_with(settings, llm_plan(design={"depends_on": ["sec_review"]}))
    assert any("cycle" in n and "offline plan kept" in n for n in out.notes)
    assert all(s.id != "totp_backend" for s in out.plan)


def test_unknown_role_or_uncovered_requirement_is_rejected(settings):
    assert any("offline plan kept" in n
               for n in run_with(settings, llm_plan(design={"role": "wizard"})).notes)
    out = run_with(settings, llm_plan(design={"requirement_ids": []}, recovery_codes={"requirement_ids": []}))
    assert any("R2" in n and "not covered" in n for n in out.notes)
