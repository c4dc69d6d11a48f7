"""Task tools: read the durable task store, cancel a task."""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server.mcpserver import MCPServer
from mcp_types import ToolAnnotations
from pydantic import Field

from graphs.orchestrate.schema import OrchestrateOutput
from server import info, tools_agents
from server.annotations import READ_ONLY
from server.runtime import Runtime
from server.tools_agents import call
from server.validation import ensure_text

TaskId = Annotated[str, Field(min_length=1, max_length=100, description="The task id orchestrate_task returned.")]
CANCEL = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=False)


def register(server: MCPServer, runtime: Runtime) -> None:
    """Add the task tools, and the agent tools that drive tasks (tools_agents.register is idempotent)."""
    tools_agents.register(server, runtime)

    @server.tool(annotations=READ_ONLY, description="Current state and results of a task from orchestrate_task "
                 "(subtasks under a live agent lease show as running).")
    async def get_task_status(task_id: TaskId) -> OrchestrateOutput:
        return await call(runtime, lambda c: c.status(task_id.strip()))

    @server.tool(annotations=READ_ONLY, description="Recent tasks, newest first, optionally filtered by state.")
    def list_tasks(
        state: Literal["planned", "awaiting_approval", "running", "awaiting_agents", "completed", "failed",
                       "cancelled"] | None = None,
        limit: Annotated[int, Field(ge=1, le=500)] = 50,
    ) -> info.TaskList:
        return info.task_list(runtime, state, limit)

    @server.tool(annotations=CANCEL, description="Cancel a task that has not ended: no further subtasks run and "
                 "agents' leases on it are released. Cancelling a cancelled task returns it unchanged.")
    async def cancel_task(
        task_id: TaskId,
        reason: Annotated[str, Field(max_length=2000)] = "",
    ) -> OrchestrateOutput:
        text = ensure_text("reason", reason)
        return await call(runtime, lambda c: c.cancel(task_id.strip(), text))
