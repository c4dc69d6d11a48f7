"""The one LLM seam: a config string becomes a chat model (or None for the offline engine).

Nodes call `ask_structured`; any failure (no model, transport error, unparsable or invalid answer) returns
None and the caller falls back to its offline engine. Nothing here runs at import time.
"""

from __future__ import annotations

import json
import logging
import re
from typing import TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, ValidationError

from graphs.common.prompts import load_prompt

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)

PROVIDERS = {
    "openai": ("langchain_openai", "ChatOpenAI", "langchain-openai"),
    "anthropic": ("langchain_anthropic", "ChatAnthropic", "langchain-anthropic"),
    "ollama": ("langchain_ollama", "ChatOllama", "langchain-ollama"),
}


class LLMConfigError(ValueError):
    """The LLM spec names an unknown provider or one whose package is not installed."""


def describe_llm(spec: str) -> str:
    return "offline" if spec in ("", "offline") else spec


def load_chat_model(spec: str, base_url: str | None = None) -> BaseChatModel | None:
    """Map "offline" | "openai:MODEL" | "anthropic:MODEL" | "ollama:MODEL" to a chat model."""
    if spec in ("", "offline"):
        return None
    provider, sep, model = spec.partition(":")
    if not sep or not model or provider not in PROVIDERS:
        raise LLMConfigError(f"MO_LLM={spec!r}: use 'offline' or one of {sorted(PROVIDERS)} as 'provider:model'")
    module_name, cls_name, package = PROVIDERS[provider]
    try:
        module = __import__(module_name, fromlist=[cls_name])
    except ImportError as exc:
        raise LLMConfigError(f"MO_LLM={spec!r} needs the package {package}: pip install {package}") from exc
    kwargs: dict[str, object] = {"model": model, "temperature": 0}
    if base_url:
        kwargs["base_url"] = base_url
    return getattr(module, cls_name)(**kwargs)


_JSON_BLOCK = re.compile(r"\{.*\}", re.DOTALL)


def parse_json_object(text: str) -> dict | None:
    """The first JSON object in a model answer (fenced or bare), or None."""
    match = _JSON_BLOCK.search(text or "")
    if not match:
        return None
    try:
        value = json.loads(match.group(0))
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def ask_structured(model: BaseChatModel | None, prompt_name: str, schema: type[M], **variables: object) -> M | None:
    """Render a prompt, ask the model, validate the JSON answer against `schema`; None on any failure."""
    if model is None:
        return None
    system, user = load_prompt(prompt_name).render(**variables)
    try:
        answer = model.invoke([SystemMessage(content=system), HumanMessage(content=user)])
    except Exception as exc:  # noqa: BLE001 - any provider failure means "fall back", and we log why
        log.warning("LLM call for %s failed: %s", prompt_name, exc)
        return None
    content = answer.content if isinstance(answer.content, str) else json.dumps(answer.content)
    data = parse_json_object(content)
    if data is None:
        log.warning("LLM answer for %s had no JSON object", prompt_name)
        return None
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        log.warning("LLM answer for %s failed validation: %s", prompt_name, exc.error_count())
        return None
