"""Agent tools: external MCP clients register as agents, claim ready subtasks under a lease, complete or fail them,
and approve plans. Thin: validate, call graphs.orchestrate.coordinator in a worker thread, map errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

import anyio.to_thread
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import BaseModel, Field

from graphs.orchestrate.coordinator import CoordinationError, Coordinator, coordinator_for
from graphs.orchestrate.playbooks import ROLES
from graphs.orchestrate.registry import RegistryError
from graphs.orchestrate.schema import OrchestrateOutput, Subtask
from server.annotations import MUTATING, ShortList
from server.runtime import Runtime
from server.validation import ensure_text

T = TypeVar("T")
AgentId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$",
                               description="Your agent id (letters, digits, _ . : -).")]
Token = Annotated[str, Field(min_length=1, max_length=100, description="The lease token claim_subtask returned.")]
TaskId = Annotated[str, Field(min_length=1, max_length=100, description="A task id from orchestrate_task.")]
CLAIM = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False)


class AgentRecord(BaseModel):
    id: str
    title: str
    roles: list[str]
    capabilities: list[str]
    capacity_hours: float
    external: bool
    created: bool = False


class ClaimOutput(BaseModel):
    claimed: bool
    message: str
    task_id: str | None = None
    subtask: Subtask | None = None
    lease_token: str | None = None
    lease_expires_at: float | None = None
    task_description: str = ""
    requirements: list[str] = []
    constraints: list[str] = []
    upstream_outputs: dict[str, dict[str, Any]] = {}
    feedback: list[str] = []
    attempt: int = 0


class CompletionOutput(BaseModel):
    task_id: str
    subtask_id: str
    recorded_as: Literal["completed", "failed"]
    subtask_status: str
    accepted: bool
    attempts: int
    criteria_met: list[str] = []
    criteria_unmet: list[str] = []
    unverified_criteria: list[str] = []
    task_state: str
    verdict: str
    review_summary: str
    awaiting_agents: list[str] = []
    replayed: bool = False


class LeaseOutput(BaseModel):
    lease_token: str
    task_id: str
    subtask_id: str
    expires_at: float


async def call(runtime: Runtime, fn: Callable[[Coordinator], T], *, needs_engines: bool = False) -> T:
    """Run `fn(coordinator)` in a worker thread (after crash recovery), mapping caller errors to ToolError.

    `needs_engines`: the call may run internal executors, which read the knowledge base being warmed up.
    """

    def work() -> T:
        if needs_engines:
            runtime.wait_knowledge()
        coord = coordinator_for(runtime.deps)
        coord.ensure_recovered()
        return fn(coord)

    try:
        return await anyio.to_thread.run_sync(work)
    except (RegistryError, CoordinationError) as exc:
        raise ToolError(str(exc)) from exc


def register(server: MCPServer, runtime: Runtime) -> None:
    """Add the agent tools to `server` (once: a second call is a no-op, so tools_tasks may call it too)."""
    if getattr(server, "_agent_tools_registered", False):
        return
    server._agent_tools_registered = True  # type: ignore[attr-defined]

    @server.tool(annotations=MUTATING, description="Register (or update) yourself as an external agent: roles, "
                 "capabilities (subtask kinds you can do) and capacity in planned hours across tasks. Call again "
                 "as a heartbeat.")
    async def register_agent(
        agent_id: AgentId,
        roles: Annotated[list[Literal["architect", "frontend", "backend", "data", "devops", "quality", "security"]],
                         Field(min_length=1, max_length=len(ROLES))],
        capabilities: ShortList = [],  # noqa: B006 - pydantic copies defaults
        capacity_hours: Annotated[float, Field(gt=0, le=10_000)] = 24.0,
        title: Annotated[str, Field(max_length=200)] = "",
    ) -> AgentRecord:
        caps = [ensure_text("capabilities", c).strip() for c in capabilities if c.strip()]

        def run(coord: Coordinator) -> AgentRecord:
            agent, created = coord.registry.register(agent_id, list(roles), caps, capacity_hours, title)
            rec = next(r for r in coord.registry.agent_records() if r["id"] == agent.id)
            return AgentRecord(**{k: v for k, v in rec.items() if k != "last_seen"}, created=created)

        return await call(runtime, run)

    @server.tool(annotations=CLAIM, description="Claim a ready subtask you can do (your own assignments first), "
                 "optionally within one task or role. Returns its inputs, acceptance criteria and a lease token; "
                 "claimed=false when nothing is available (try again later).")
    async def claim_subtask(
        agent_id: AgentId,
        task_id: TaskId | None = None,
        role: Literal["architect", "frontend", "backend", "data", "devops", "quality", "security"] | None = None,
        resources: Annotated[ShortList, Field(description="Extra resource keys (e.g. file paths) to lock.")] = [],  # noqa: B006
    ) -> ClaimOutput:
        def run(coord: Coordinator) -> ClaimOutput:
            found = coord.claim(agent_id, task_id.strip() if task_id else None, role, tuple(resources))
            if found is None:
                where = f"task {task_id} (state {coord.status(task_id.strip()).state})" if task_id else "any task"
                return ClaimOutput(claimed=False, message=f"no ready subtask for {agent_id} in {where}; "
                                   "try again later or another task")
            return ClaimOutput(
                claimed=True, message=f"leased {found.task_id}/{found.subtask.id} until {found.lease.expires_at:.0f}",
                task_id=found.task_id, subtask=found.subtask, lease_token=found.lease.token,
                lease_expires_at=found.lease.expires_at, task_description=found.task_description,
                requirements=found.requirements, constraints=found.constraints,
                upstream_outputs=found.upstream, feedback=found.feedback, attempt=found.attempt)

        return await call(runtime, run)

    @server.tool(annotations=MUTATING, description="Hand in the result of a claimed subtask. The review gates run "
                 "(acceptance criteria, declared outputs as artifact names), dependents become ready and the task "
                 "moves on. Idempotent: repeating it returns the same outcome.")
    async def complete_subtask(
        agent_id: AgentId,
        lease_token: Token,
        summary: Annotated[str, Field(max_length=5000)] = "",
        result: Annotated[dict[str, Any], Field(description="Structured result (e.g. all_passed, findings).")] = {},  # noqa: B006
        artifacts: Annotated[dict[str, Annotated[str, Field(max_length=20_000)]],
                             Field(max_length=100, description="Output name → content or reference.")] = {},  # noqa: B006
    ) -> CompletionOutput:
        text = ensure_text("summary", summary)
        return CompletionOutput(**await call(
            runtime, lambda c: c.complete(lease_token.strip(), agent_id, dict(result), text, dict(artifacts)),
            needs_engines=True))

    @server.tool(annotations=MUTATING, description="Report that you cannot finish a claimed subtask. It goes back "
                 "to the agents with your reason as feedback, up to 3 attempts; then the task escalates (fails).")
    async def fail_subtask(
        agent_id: AgentId,
        lease_token: Token,
        reason: Annotated[str, Field(min_length=1, max_length=5000)],
    ) -> CompletionOutput:
        text = ensure_text("reason", reason)
        return CompletionOutput(**await call(runtime, lambda c: c.fail(lease_token.strip(), agent_id, text),
                                             needs_engines=True))

    @server.tool(annotations=MUTATING, description="Extend your lease on a claimed subtask (heartbeat for long work).")
    async def renew_lease(agent_id: AgentId, lease_token: Token) -> LeaseOutput:
        lease = await call(runtime, lambda c: c.renew(lease_token.strip(), agent_id))
        return LeaseOutput(lease_token=lease.token, task_id=lease.task_id, subtask_id=lease.subtask_id,
                           expires_at=lease.expires_at)

    @server.tool(annotations=CLAIM, description="Approve or reject the plan of a task created with "
                 "require_approval=true. Approved: agents are assigned and work starts; rejected: the task is "
                 "cancelled with your feedback.")
    async def approve_plan(
        task_id: TaskId,
        approved: bool,
        feedback: Annotated[str, Field(max_length=5000)] = "",
    ) -> OrchestrateOutput:
        text = ensure_text("feedback", feedback)
        return await call(runtime, lambda c: c.approve(task_id.strip(), approved, text), needs_engines=True)
