"""Optional LLM refinement of the offline plan; any invalid answer keeps the offline plan."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from graphs.common.llm import ask_structured
from graphs.orchestrate.agents import load_agents
from graphs.orchestrate.dag import PlanError, validate_dag
from graphs.orchestrate.playbooks import ROLES
from graphs.orchestrate.schema import OrchestrateInput, Subtask

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)
MAX_SUBTASKS = 60


class PlanProposal(BaseModel):
    """What the model must return: the whole refined plan."""

    subtasks: list[Subtask] = Field(min_length=1, max_length=MAX_SUBTASKS)
    notes: list[str] = []


def known_kinds() -> list[str]:
    """Every subtask kind some agent of the registry can take."""
    return sorted({kind for agent in load_agents() for kind in agent.capabilities})


def check_proposal(proposal: PlanProposal, n_requirements: int) -> list[Subtask]:
    """The proposal's subtasks if acceptable; raises PlanError (cycle, unknown kind, uncovered requirement)."""
    subtasks = proposal.subtasks
    validate_dag(subtasks)
    kinds = set(known_kinds())
    unknown = sorted({s.kind for s in subtasks if s.kind not in kinds})
    if unknown:
        raise PlanError(f"no agent can take kinds {unknown}")
    if any(s.effort_hours <= 0 or s.effort_hours > 500 for s in subtasks):
        raise PlanError("effort_hours must be in (0, 500]")
    covered = {rid for s in subtasks for rid in s.requirement_ids}
    missing = [f"R{i}" for i in range(1, n_requirements + 1) if f"R{i}" not in covered]
    if missing:
        raise PlanError(f"requirements {missing} are not covered")
    return subtasks


def refine_plan(model: BaseChatModel | None, inp: OrchestrateInput,
                draft: list[Subtask]) -> tuple[list[Subtask] | None, list[str]]:
    """Ask the model to refine `draft`; (subtasks, notes) if valid, else (None, notes saying why)."""
    if model is None:
        return None, []
    proposal = ask_structured(
        model, "orchestrate_plan", PlanProposal,
        description=inp.description,
        requirements="\n".join(f"R{i}: {r}" for i, r in enumerate(inp.requirements, start=1)) or "(none)",
        constraints="\n".join(f"- {c}" for c in inp.constraints) or "(none)",
        roles=", ".join(sorted(ROLES)), kinds=", ".join(known_kinds()),
        draft_plan=json.dumps([s.model_dump() for s in draft]),
    )
    if proposal is None:
        return None, ["LLM plan refinement returned no valid plan; offline plan kept"]
    try:
        subtasks = check_proposal(proposal, len(inp.requirements))
    except PlanError as exc:
        log.warning("LLM plan rejected: %s", exc)
        return None, [f"LLM plan rejected ({exc}); offline plan kept"]
    return subtasks, ["plan refined by the LLM"] + [f"LLM: {n}" for n in proposal.notes[:10]]
