"""End to end through the real SDK client, in-process: every tool returns structured, schema-valid results."""

from __future__ import annotations

import anyio
import jsonschema
import pytest
from mcp import Client

from tests.server.sample_inputs import CALLS

SIX = {"ping", "list_capabilities", "get_system_status", "orchestrate_task", "generate_architecture", "auto_fix_code"}


@pytest.fixture
def server(deps):
    from server.app import create_server

    srv = create_server(deps, warm=False)
    srv.runtime.warm_knowledge()
    return srv


async def test_lists_the_six_tools_with_schemas_and_annotations(server):
    async with Client(server) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert SIX <= set(tools)
    for name in SIX:
        assert tools[name].output_schema, f"{name} has no outputSchema"
        assert tools[name].annotations is not None
    assert tools["ping"].annotations.read_only_hint is True
    assert tools["auto_fix_code"].annotations.read_only_hint is False
    assert tools["auto_fix_code"].input_schema["properties"]["code"]["maxLength"] == 100_000


async def test_every_tool_returns_structured_content_matching_its_output_schema(server):
    async with Client(server) as client:
        schemas = {t.name: t.output_schema for t in (await client.list_tools()).tools}
        for name, args in CALLS.items():
            result = await client.call_tool(name, args)
            assert not result.is_error, f"{name}: {result.content}"
            jsonschema.validate(result.structured_content, schemas[name])


async def test_ping_reports_version_and_uptime(server):
    async with Client(server) as client:
        out = (await client.call_tool("ping", {})).structured_content
    assert out["status"] == "ok" and out["version"] and out["uptime_s"] >= 0


async def test_capabilities_describe_graphs_engines_and_knowledge(server):
    async with Client(server) as client:
        out = (await client.call_tool("list_capabilities", {})).structured_content
    graphs = {g["tool"]: g["nodes"] for g in out["graphs"]}
    assert set(graphs) == {"orchestrate_task", "generate_architecture", "auto_fix_code"}
    assert all(len(nodes) >= 4 for nodes in graphs.values())
    assert out["engines"]["llm"] == "offline"
    assert out["knowledge"].get("patterns", 0) > 0 and out["knowledge"].get("fixes", 0) > 0
    assert {a["role"] for a in out["agents"]} >= {"frontend", "backend", "devops", "quality", "security", "data"}


async def test_status_counts_calls_errors_and_tasks(server):
    async with Client(server) as client:
        await client.call_tool("ping", {})
        await client.call_tool("ping", {})
        await client.call_tool("get_task_status", {"task_id": "nope"})
        await client.call_tool("orchestrate_task", CALLS["orchestrate_task"])
        out = (await client.call_tool("get_system_status", {})).structured_content
    assert out["tools"]["ping"]["calls"] == 2 and out["tools"]["ping"]["errors"] == 0
    assert out["tools"]["get_task_status"]["errors"] == 1
    assert out["tools"]["ping"]["p95_ms"] >= out["tools"]["ping"]["p50_ms"] >= 0
    assert set(out["components"]) == {"knowledge_base", "semgrep", "sandbox", "checkpointer", "llm"}
    assert sum(out["tasks"].values()) == 1
    assert "_totals" in out["agents"] and {"backend", "frontend"} <= {
        a.split("-")[0] for a in out["agents"] if not a.startswith("_")}


async def test_orchestrated_task_can_be_fetched_by_id(server):
    async with Client(server) as client:
        made = (await client.call_tool("orchestrate_task", CALLS["orchestrate_task"])).structured_content
        again = (await client.call_tool("get_task_status", {"task_id": made["task_id"]})).structured_content
        listed = (await client.call_tool("list_tasks", {})).structured_content
    assert again["task_id"] == made["task_id"] and again["plan"] == made["plan"]
    assert made["task_id"] in {t["task_id"] for t in listed["tasks"]}


async def test_auto_fix_returns_a_validated_fix(server):
    async with Client(server) as client:
        out = (await client.call_tool("auto_fix_code", CALLS["auto_fix_code"])).structured_content
    best = out["fixes"][0]
    assert best["validation"]["validated"] and best["validation"]["tests_passed"] == 2
    assert "return total / len(values)\n" in best["fixed_code"]


async def test_long_tools_send_progress_notifications(server):
    seen: list[tuple[float, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, message))

    async with Client(server) as client:
        result = await client.call_tool("generate_architecture", CALLS["generate_architecture"],
                                        progress_callback=on_progress)
    assert not result.is_error
    assert len(seen) >= 4
    assert [p for p, _ in seen] == sorted(p for p, _ in seen)
    assert any("design" in (m or "") for _, m in seen)


async def test_cancelled_call_leaves_the_server_serving(server):
    async with Client(server) as client:
        with anyio.move_on_after(0.05):
            await client.call_tool("auto_fix_code", CALLS["auto_fix_code"])
        assert (await client.call_tool("ping", {})).structured_content["status"] == "ok"


async def test_architecture_can_be_returned_as_markdown(server):
    args = {**CALLS["generate_architecture"], "output_format": "markdown"}
    async with Client(server) as client:
        out = (await client.call_tool("generate_architecture", args)).structured_content
    assert out["markdown"].startswith("#")
    assert "```mermaid" in out["markdown"]
    assert all(c["name"] in out["markdown"] for c in out["components"])
