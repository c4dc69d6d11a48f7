"""The LLM seam: config strings, JSON extraction, validation and fallback with a scripted fake model."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from pydantic import BaseModel

from graphs.common.llm import LLMConfigError, ask_structured, load_chat_model, parse_json_object
from graphs.common.prompts import Prompt, PromptError, load_prompt


class Answer(BaseModel):
    verdict: str
    score: int


def test_offline_spec_builds_no_model():
    assert load_chat_model("offline") is None
    assert load_chat_model("") is None


@pytest.mark.parametrize("spec", ["gpt4", "nosuch:model", "openai:"])
def test_malformed_or_unknown_specs_are_rejected_with_advice(spec):
    with pytest.raises(LLMConfigError, match="offline"):
        load_chat_model(spec)


def test_provider_without_its_package_says_what_to_install():
    with pytest.raises(LLMConfigError, match="pip install langchain-anthropic"):
        load_chat_model("anthropic:claude-x")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ('Sure!\n```json\n{"a": [1, 2]}\n```\nDone.', {"a": [1, 2]}),
        ("no json here", None),
        ("{broken", None),
        ("[1, 2]", None),
    ],
)
def test_parse_json_object(text, expected):
    assert parse_json_object(text) == expected


def _prompt_file(tmp_path):
    (tmp_path / "judge.yaml").write_text(
        "name: judge\nversion: '1'\nvariables: [thing]\nsystem: You judge.\nuser: 'Judge {thing} as JSON.'\n"
    )
    return load_prompt("judge", tmp_path)


def test_prompt_renders_only_with_exactly_the_declared_variables(tmp_path):
    prompt = _prompt_file(tmp_path)
    assert prompt.render(thing="x") == ("You judge.", "Judge x as JSON.")
    with pytest.raises(PromptError):
        prompt.render()
    with pytest.raises(PromptError):
        prompt.render(thing="x", extra="y")


def test_prompt_declaring_other_variables_than_it_uses_is_rejected(tmp_path):
    (tmp_path / "bad.yaml").write_text("name: bad\nversion: 1\nvariables: [a]\nsystem: s\nuser: '{b}'\n")
    with pytest.raises(PromptError, match="declare"):
        load_prompt("bad", tmp_path)


def test_missing_prompt_is_a_clear_error(tmp_path):
    with pytest.raises(PromptError, match="no prompt named"):
        load_prompt("absent", tmp_path)


def test_ask_structured_validates_a_good_answer(tmp_path, monkeypatch):
    prompt = _prompt_file(tmp_path)
    monkeypatch.setattr("graphs.common.llm.load_prompt", lambda name: prompt)
    model = FakeListChatModel(responses=['Here: {"verdict": "good", "score": 3}'])
    assert ask_structured(model, "judge", Answer, thing="x") == Answer(verdict="good", score=3)


@pytest.mark.parametrize("reply", ["I cannot do that", '{"verdict": "good"}', '{"verdict": 1, "score": "many"}'])
def test_ask_structured_returns_none_on_garbage_so_callers_fall_back(tmp_path, monkeypatch, reply):
    prompt = _prompt_file(tmp_path)
    monkeypatch.setattr("graphs.common.llm.load_prompt", lambda name: prompt)
    assert ask_structured(FakeListChatModel(responses=[reply]), "judge", Answer, thing="x") is None


def test_no_model_means_offline():
    assert ask_structured(None, "whatever", Answer) is None


def test_prompt_dataclass_is_immutable():
    p = Prompt("n", "1", ("a",), "s", "{a}")
    with pytest.raises(AttributeError):
        p.name = "m"  # type: ignore[misc]


def test_shipped_prompts_load():
    from graphs.common.paths import PROMPTS_DIR

    names = [p.stem for p in PROMPTS_DIR.glob("*.yaml")]
    for name in names:
        assert load_prompt(name).version
