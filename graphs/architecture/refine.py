"""Optional LLM review of an offline design: implied requirements, risks and a plain-language rationale."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel, Field, field_validator

from graphs.architecture.schema import ArchitectureOutput, Requirement
from graphs.common.llm import ask_structured

PROMPT = "architecture_design"


class DesignReview(BaseModel):
    """The only shape accepted from the model; anything else falls back to the offline design."""

    extra_requirements: list[str] = Field(default_factory=list, max_length=5)
    risks: list[str] = Field(default_factory=list, max_length=5)
    rationale: str = Field(min_length=20, max_length=600)

    @field_validator("extra_requirements", "risks")
    @classmethod
    def _short_items(cls, items: list[str]) -> list[str]:
        cleaned = [i.strip() for i in items if i and i.strip()]
        if any(len(i) > 200 for i in cleaned):
            raise ValueError("items must be under 200 characters")
        return cleaned


def review_design(llm: BaseChatModel | None, description: str, reqs: list[Requirement],
                  out: ArchitectureOutput) -> list[str]:
    """Notes to append from a validated LLM review; empty when offline or when the answer is invalid."""
    if llm is None:
        return []
    review = ask_structured(
        llm, PROMPT, DesignReview,
        description=description[:4000],
        requirements="\n".join(f"- {r.id} [{r.kind}] {r.text[:160]}" for r in reqs[:60]),
        style=out.style, rationale=out.rationale[:800],
        components="\n".join(f"- {c.name} ({c.kind}, {c.technology})" for c in out.components),
    )
    if review is None:
        return ["LLM review unavailable or invalid; offline design kept unchanged"]
    notes = [f"LLM rationale: {review.rationale.strip()}"]
    notes += [f"LLM-suggested requirement (confirm before relying on it): {r}" for r in review.extra_requirements]
    notes += [f"LLM-identified risk: {r}" for r in review.risks]
    return notes
