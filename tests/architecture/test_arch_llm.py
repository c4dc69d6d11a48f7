import json

import pytest
from arch_cases import CASES
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from graphs.architecture.graph import run_architecture
from graphs.architecture.schema import ArchitectureInput
from graphs.common.deps import Deps
from graphs.common.prompts import load_prompt


def _deps_with(arch_deps: Deps, answers: list[str]) -> Deps:
    return Deps(settings=arch_deps.settings, llm=FakeListChatModel(responses=answers), _kb=arch_deps.kb)


def test_prompt_declares_exactly_the_variables_it_uses():
    prompt = load_prompt("architecture_design")
    assert set(prompt.variables) == {"description", "requirements", "style", "rationale", "components"}


def test_valid_llm_review_is_added_without_changing_the_offline_design(arch_deps):
    inp = ArchitectureInput(**CASES["clinic_booking"])
    offline = run_architecture(arch_deps, inp)
    answer = {"extra_requirements": ["Patients can export their own records"],
              "risks": ["SMS provider outage delays reminders"],
              "rationale": "A single Rails application fits five developers and keeps PHI in one audited store."}
    out = run_architecture(_deps_with(arch_deps, ["```json\n" + json.dumps(answer) + "\n```"]), inp)
    assert f"LLM rationale: {answer['rationale']}" in out.notes
    assert any("Patients can export their own records" in n for n in out.notes)
    assert any(n == "LLM-identified risk: SMS provider outage delays reminders" for n in out.notes)
    assert out.style == offline.style and out.components == offline.components
    assert all(c.passed for c in out.checks)


@pytest.mark.parametrize("garbage", [
    "I think you should use microservices.",
    json.dumps({"extra_requirements": "not a list", "rationale": "too short"}),
    json.dumps({"risks": ["x" * 300], "rationale": "A long enough rationale that is otherwise fine."}),
])
def test_invalid_llm_answers_fall_back_to_the_offline_design(arch_deps, garbage):
    inp = ArchitectureInput(**CASES["inventory_crud"])
    out = run_architecture(_deps_with(arch_deps, [garbage]), inp)
    assert "LLM review unavailable or invalid; offline design kept unchanged" in out.notes
    assert not any(n.startswith("LLM rationale") for n in out.notes)
    assert out.style.startswith("Modular monolith") and all(c.passed for c in out.checks)
