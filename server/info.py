"""Pure-ish builders for the informational tools: capabilities, status, task lists."""

from __future__ import annotations

import logging
from typing import Any

import anyio.to_thread
from pydantic import BaseModel

from graphs.common.llm import describe_llm
from graphs.orchestrate.schema import OrchestrateOutput
from server.models import AgentInfo, CapabilitiesOutput, ComponentHealth, GraphInfo, StatusOutput, ToolInfo
from server.runtime import ENGINE_GRAPHS, Runtime

log = logging.getLogger(__name__)


class TaskSummary(BaseModel):
    task_id: str
    state: str
    playbook: str
    subtasks: int
    verdict: str


class TaskList(BaseModel):
    tasks: list[TaskSummary]
    counts: dict[str, int]


def graph_info(runtime: Runtime, tool: str) -> GraphInfo:
    drawable = runtime.graph(tool).get_graph()
    nodes = [n for n in drawable.nodes if not n.startswith("__")]
    edges = [[e.source, e.target] for e in drawable.edges]
    return GraphInfo(name=ENGINE_GRAPHS[tool].split(".")[1], tool=tool, nodes=nodes, edges=edges)


def _agents(runtime: Runtime) -> list[AgentInfo]:
    from graphs.orchestrate.agents import list_agents

    return [AgentInfo(**a) for a in list_agents(runtime.deps)]


def _semgrep(runtime: Runtime) -> dict[str, Any]:
    from graphs.common.static import semgrep_status

    return semgrep_status(runtime.deps.settings)


def _sandbox() -> dict[str, Any]:
    from graphs.common.sandbox import isolation_report

    return isolation_report()


def _agent_stats(runtime: Runtime) -> dict[str, dict[str, Any]]:
    from graphs.orchestrate.stats import agent_stats

    try:
        return agent_stats(runtime.deps)
    except Exception as exc:  # noqa: BLE001 - status must report, not fail
        log.warning("agent stats unavailable: %s", exc)
        return {"_error": {"detail": f"{type(exc).__name__}: {exc}"}}


def _capabilities_sync(runtime: Runtime, tools: list[ToolInfo]) -> CapabilitiesOutput:
    from graphs.auto_fix.schema import MAX_CODE_CHARS, MAX_RAW_ERROR_CHARS, MAX_TEXT_CHARS
    from graphs.orchestrate.schema import MAX_DESCRIPTION_CHARS

    runtime.wait_knowledge()
    semgrep = _semgrep(runtime)
    settings = runtime.deps.settings
    engines = {
        "llm": describe_llm(settings.llm),
        "semgrep": f"semgrep {semgrep.get('version')} ({semgrep.get('rules', 0)} rules)"
        if semgrep.get("available") else "unavailable",
        "ruff": "ruff",
        "embeddings": settings.embedding,
        "knowledge_store": f"chroma http {settings.chroma_url}" if settings.chroma_url else "chroma embedded",
        "sandbox": ", ".join(k for k, v in _sandbox().items() if v is True) or "process limits only",
    }
    return CapabilitiesOutput(
        server="multi-orchestrator",
        version=runtime.version,
        tools=tools,
        agents=_agents(runtime),
        graphs=[graph_info(runtime, tool) for tool in ENGINE_GRAPHS],
        engines=engines,
        knowledge=runtime.deps.kb.counts() if runtime.kb_error is None else {},
        limits={"max_code_chars": MAX_CODE_CHARS, "max_text_chars": MAX_TEXT_CHARS, "max_error_chars": MAX_RAW_ERROR_CHARS,
                "max_description_chars": MAX_DESCRIPTION_CHARS, "max_list_items": 100, "max_item_chars": 500},
    )


async def capabilities(runtime: Runtime, server: Any) -> CapabilitiesOutput:
    listed = await server.list_tools()
    tools = [
        ToolInfo(
            name=t.name,
            description=(t.description or "").split(". ")[0].rstrip("."),
            read_only=bool(t.annotations and t.annotations.read_only_hint),
        )
        for t in listed
    ]
    return await anyio.to_thread.run_sync(_capabilities_sync, runtime, tools)


def _check(name: str, fn: Any) -> ComponentHealth:
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - a broken component is reported, not raised
        log.warning("health check %s failed: %s", name, exc)
        return ComponentHealth(ok=False, detail=f"{type(exc).__name__}: {exc}")


def _status_sync(runtime: Runtime) -> StatusOutput:
    deps = runtime.deps

    def kb() -> ComponentHealth:
        if not runtime.kb_ready.is_set():
            return ComponentHealth(ok=True, detail="ingesting knowledge/", info={"ready": False})
        if runtime.kb_error:
            return ComponentHealth(ok=False, detail=runtime.kb_error)
        health = deps.kb.health()
        return ComponentHealth(ok=bool(health.get("ok")), detail=str(health.get("backend", "")), info=health)

    def semgrep() -> ComponentHealth:
        s = _semgrep(runtime)
        return ComponentHealth(ok=bool(s.get("available")), detail=str(s.get("version") or s.get("error", "")), info=s)

    def sandbox() -> ComponentHealth:
        report = _sandbox()
        active = [k for k, v in report.items() if v is True]
        return ComponentHealth(ok=True, detail=", ".join(active) or "process limits only", info=report)

    def checkpointer() -> ComponentHealth:
        cp = deps.checkpointer
        cp.conn.execute("select 1").fetchone()
        return ComponentHealth(ok=True, detail=f"sqlite {deps.settings.data_dir / 'checkpoints.sqlite'}")

    def llm() -> ComponentHealth:
        spec = describe_llm(deps.settings.llm)
        detail = "offline engine (deterministic)" if deps.llm is None else f"{spec} ({type(deps.llm).__name__})"
        return ComponentHealth(ok=True, detail=detail)

    components = {name: _check(name, fn) for name, fn in
                  [("knowledge_base", kb), ("semgrep", semgrep), ("sandbox", sandbox),
                   ("checkpointer", checkpointer), ("llm", llm)]}
    return StatusOutput(
        healthy=all(c.ok for c in components.values()),
        version=runtime.version,
        uptime_s=runtime.uptime_s,
        components=components,
        tools=runtime.metrics.snapshot(),
        tasks=deps.tasks.counts_by_state(),
        agents=_agent_stats(runtime),
    )


async def status(runtime: Runtime) -> StatusOutput:
    return await anyio.to_thread.run_sync(_status_sync, runtime)


def _summary(task: OrchestrateOutput) -> TaskSummary:
    return TaskSummary(task_id=task.task_id, state=task.state, playbook=task.playbook,
                       subtasks=len(task.plan), verdict=task.review.verdict)


def task_list(runtime: Runtime, state: str | None, limit: int) -> TaskList:
    store = runtime.deps.tasks
    return TaskList(tasks=[_summary(t) for t in store.list(state=state, limit=limit)], counts=store.counts_by_state())
