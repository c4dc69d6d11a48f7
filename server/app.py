"""The MCP server: thin tool functions over the graphs. Knows MCP; the graphs do not."""

from __future__ import annotations

import logging

from mcp.server.mcpserver import MCPServer

from graphs.common.deps import Deps, build_deps
from server import info, tools_agents, tools_engines, tools_fixes, tools_tasks
from server.annotations import READ_ONLY
from server.metrics import metrics_middleware
from server.models import CapabilitiesOutput, PingOutput, StatusOutput
from server.runtime import Runtime

log = logging.getLogger(__name__)

INSTRUCTIONS = (
    "Multi Orchestrator: plan and coordinate multi-agent software work (orchestrate_task), design "
    "architectures (generate_architecture) and repair Python code with test-validated fixes (auto_fix_code). "
    "Works offline; every answer is validated. Start with list_capabilities."
)


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

    tools_engines.register(server, runtime)
    tools_tasks.register(server, runtime)
    tools_agents.register(server, runtime)
    tools_fixes.register(server, runtime)
    return server
