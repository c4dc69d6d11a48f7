"""Graph state of orchestrate_task. Plain JSON-able values only, so any checkpointer can persist it."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict


class OrchestrateState(TypedDict, total=False):
    input: dict[str, Any]
    """The validated OrchestrateInput, dumped."""
    task_id: str
    """Task id; also the checkpoint thread id."""
    state: str
    """TaskState: planned → running → awaiting_agents | completed | failed."""
    playbook: str
    plan: list[dict[str, Any]]
    """Subtasks (dumped), in plan order."""
    critical_path: list[str]
    parallel_levels: list[list[str]]
    complexity: float
    assignments: dict[str, str]
    """Subtask id → agent id."""
    results: dict[str, dict[str, Any]]
    """Subtask id → SubtaskResult (dumped)."""
    feedback: dict[str, list[str]]
    """Subtask id → review feedback handed to its next attempt."""
    code: str
    """Current code: the input code, replaced by the latest applied fix."""
    last_wave: list[str]
    """Subtask ids executed by the latest execute_subtasks run (what review_results checks)."""
    escalated: list[str]
    """Issues of subtasks that exhausted their retries."""
    rounds: int
    """Review rounds so far."""
    review: dict[str, Any] | None
    notes: Annotated[list[str], operator.add]
