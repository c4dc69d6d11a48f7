"""The MCP server: thin tool functions over the graphs. Knows MCP; the graphs do not."""

from __future__ import annotations

import logging
from typing import Annotated, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import Field

from graphs.architecture.schema import MAX_DESCRIPTION_CHARS, ArchitectureInput, ArchitectureOutput
from graphs.auto_fix.schema import MAX_CODE_CHARS, MAX_TEXT_CHARS, AutoFixInput, AutoFixOutput
from graphs.common.deps import Deps, build_deps
from graphs.orchestrate.schema import OrchestrateInput, OrchestrateOutput
from server import info
from server.engines import run_engine
from server.metrics import metrics_middleware
from server.models import CapabilitiesOutput, PingOutput, StatusOutput
from server.runtime import Runtime
from server.validation import ensure_text, ensure_texts

log = logging.getLogger(__name__)

INSTRUCTIONS = (
    "Multi Orchestrator: plan and coordinate multi-agent software work (orchestrate_task), design "
    "architectures (generate_architecture) and repair Python code with test-validated fixes (auto_fix_code). "
    "Works offline; every answer is validated. Start with list_capabilities."
)
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
COMPUTE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False)

ShortList = Annotated[list[Annotated[str, Field(max_length=500)]], Field(max_length=100)]


def create_server(deps: Deps | None = None, *, warm: bool = True) -> MCPServer:
    """Build the server around `deps` (default: from the environment). `warm` starts knowledge ingestion now."""
    runtime = Runtime(deps or build_deps())
    server = MCPServer(
        "multi-orchestrator",
        version=runtime.version,
        instructions=INSTRUCTIONS,
        middleware=[metrics_middleware(runtime.metrics)],
    )
    server.runtime = runtime  # type: ignore[attr-defined] - handy for tests and the CLI
    if warm:
        runtime.start_warmup()

    @server.tool(annotations=READ_ONLY, description="Liveness check: status, version and uptime.")
    def ping() -> PingOutput:
        return PingOutput(status="ok", version=runtime.version, uptime_s=runtime.uptime_s)

    @server.tool(
        annotations=READ_ONLY,
        description="What this server can do: tools, agents, graphs with their nodes, active engines, knowledge counts.",
    )
    async def list_capabilities() -> CapabilitiesOutput:
        return await info.capabilities(runtime, server)

    @server.tool(
        annotations=READ_ONLY,
        description="Health of each component, per-tool calls/errors/latency p50-p95, and task counts by state.",
    )
    async def get_system_status() -> StatusOutput:
        return await info.status(runtime)

    @server.tool(
        annotations=COMPUTE,
        description="Plan a software task into a dependency DAG of subtasks, assign agents, run what can run "
        "offline (design, review, fix, tests), review the results. Returns the task id for get_task_status.",
    )
    async def orchestrate_task(
        description: Annotated[str, Field(min_length=10, max_length=MAX_DESCRIPTION_CHARS,
                                          description="What should be built or changed.")],
        requirements: ShortList = [],  # noqa: B006 - pydantic copies defaults
        constraints: ShortList = [],  # noqa: B006
        code: Annotated[str, Field(max_length=MAX_CODE_CHARS, description="Optional code the task is about.")] = "",
        tests: Annotated[str, Field(max_length=MAX_CODE_CHARS, description="Optional pytest tests for it.")] = "",
        ctx: Context = None,  # type: ignore[assignment]
    ) -> OrchestrateOutput:
        inp = OrchestrateInput(
            description=ensure_text("description", description),
            requirements=ensure_texts("requirements", requirements),
            constraints=ensure_texts("constraints", constraints),
            code=ensure_text("code", code),
            tests=ensure_text("tests", tests),
        )
        return await run_engine(ctx, runtime, "orchestrate_task", inp)

    @server.tool(
        annotations=COMPUTE,
        description="Design an architecture from a project description: style with scored alternatives, components, "
        "connections, data stores, patterns, security, scalability, stack compatibility, ADRs, Mermaid diagram, "
        "traceability to requirements and a soundness report.",
    )
    async def generate_architecture(
        project_description: Annotated[str, Field(min_length=10, max_length=MAX_DESCRIPTION_CHARS)],
        tech_stack: ShortList = [],  # noqa: B006
        requirements: ShortList = [],  # noqa: B006
        ctx: Context = None,  # type: ignore[assignment]
    ) -> ArchitectureOutput:
        inp = ArchitectureInput(
            project_description=ensure_text("project_description", project_description),
            tech_stack=ensure_texts("tech_stack", tech_stack),
            requirements=ensure_texts("requirements", requirements),
        )
        return await run_engine(ctx, runtime, "generate_architecture", inp)

    @server.tool(
        annotations=COMPUTE,
        description="Repair Python code: classify the error, run semgrep and ruff, propose fixes from several "
        "sources, run each against the tests in a sandbox, and return ranked, validated fixes with diffs and risk. "
        "`tests` is pytest code importing the code as module `solution`.",
    )
    async def auto_fix_code(
        code: Annotated[str, Field(min_length=1, max_length=MAX_CODE_CHARS, description="Python source to repair.")],
        error_message: Annotated[str, Field(max_length=MAX_TEXT_CHARS, description="Traceback or error text.")] = "",
        context: Annotated[str, Field(max_length=MAX_TEXT_CHARS, description="Intent; doctest examples help.")] = "",
        tests: Annotated[str, Field(max_length=MAX_CODE_CHARS, description="pytest tests (module `solution`).")] = "",
        language: Literal["python"] = "python",
        ctx: Context = None,  # type: ignore[assignment]
    ) -> AutoFixOutput:
        if not code.strip():
            raise ToolError("`code` is blank: pass the Python source to repair")
        inp = AutoFixInput(
            code=ensure_text("code", code),
            error_message=ensure_text("error_message", error_message),
            context=ensure_text("context", context),
            tests=ensure_text("tests", tests),
            language=language,
        )
        return await run_engine(ctx, runtime, "auto_fix_code", inp)

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

    return server
