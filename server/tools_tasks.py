"""Task tools: read the durable task store."""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from graphs.orchestrate.schema import OrchestrateOutput
from server import info
from server.annotations import READ_ONLY
from server.runtime import Runtime


def register(server: MCPServer, runtime: Runtime) -> None:
    @server.tool(annotations=READ_ONLY, description="Current state and results of a task from orchestrate_task.")
    def get_task_status(
        task_id: Annotated[str, Field(min_length=1, max_length=100, description="The task id orchestrate_task returned.")],
    ) -> OrchestrateOutput:
        found = runtime.deps.tasks.get(task_id.strip())
        if found is None:
            raise ToolError(f"unknown task id {task_id!r}: use an id returned by orchestrate_task (see list_tasks)")
        return found

    @server.tool(annotations=READ_ONLY, description="Recent tasks, newest first, optionally filtered by state.")
    def list_tasks(
        state: Literal["planned", "running", "awaiting_agents", "completed", "failed", "cancelled"] | None = None,
        limit: Annotated[int, Field(ge=1, le=500)] = 50,
    ) -> info.TaskList:
        return info.task_list(runtime, state, limit)
