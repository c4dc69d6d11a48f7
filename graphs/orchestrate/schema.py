"""Input and output models of the orchestrate graph (also the MCP tool's schemas)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

MAX_DESCRIPTION_CHARS = 20_000
MAX_LIST_ITEMS = 100

Role = Literal["architect", "frontend", "backend", "data", "devops", "quality", "security"]
SubtaskStatus = Literal["pending", "ready", "running", "done", "failed", "awaiting_agent", "skipped"]
TaskState = Literal["planned", "awaiting_approval", "running", "awaiting_agents", "completed", "failed", "cancelled"]


class OrchestrateInput(BaseModel):
    description: str = Field(min_length=10, max_length=MAX_DESCRIPTION_CHARS)
    requirements: list[str] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)
    constraints: list[str] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)
    code: str = Field("", max_length=100_000, description="Optional code the task is about (review, fix, test).")
    tests: str = Field("", max_length=100_000, description="Optional pytest tests for that code.")
    require_approval: bool = Field(False, description="Pause after planning until approve_plan accepts the plan.")


class Subtask(BaseModel):
    id: str
    title: str
    kind: str  # e.g. design, implement_backend, implement_frontend, write_tests, security_review, deploy, fix, ...
    role: Role
    depends_on: list[str] = []
    acceptance_criteria: list[str] = []
    inputs: list[str] = []
    outputs: list[str] = []
    effort_hours: float = 1.0
    requirement_ids: list[str] = []


class SubtaskResult(BaseModel):
    subtask_id: str
    status: SubtaskStatus
    agent: str | None = None
    executor: str | None = None  # which internal executor ran it, if any
    output: dict[str, Any] = {}
    summary: str = ""
    attempts: int = 0
    criteria_met: list[str] = []
    criteria_unmet: list[str] = []


class Review(BaseModel):
    verdict: Literal["approved", "changes_requested", "awaiting_agents", "rejected"]
    summary: str
    issues: list[str] = []
    rounds: int = 0


class OrchestrateOutput(BaseModel):
    task_id: str
    state: TaskState
    playbook: str
    plan: list[Subtask]
    critical_path: list[str] = []
    parallel_levels: list[list[str]] = []
    complexity: float = 0.0
    assignments: dict[str, str] = {}  # subtask id -> agent id
    results: list[SubtaskResult] = []
    review: Review
    notes: list[str] = []
