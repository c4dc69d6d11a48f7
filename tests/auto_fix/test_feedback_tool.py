"""submit_fix_feedback end to end through the in-process MCP client."""

from __future__ import annotations

import pytest
from mcp import Client

from graphs.common.kb.fixes import record_fix


@pytest.fixture
def server(deps):
    from server import tools_fixes
    from server.app import create_server

    srv = create_server(deps, warm=False)
    if srv._tool_manager.get_tool("submit_fix_feedback") is None:  # until app.py registers it
        tools_fixes.register(srv, srv.runtime)
    return srv


@pytest.fixture
def fix_id(deps):
    return record_fix(deps.kb, error_class="zero_division", signature="zero_division|ZeroDivisionError|division by zero",
                      before="return total / len(items)", after="return total / len(items) if items else 0.0",
                      diff="-return total / len(items)\n+return total / len(items) if items else 0.0\n",
                      provenance="test", evidence={"tests_passed": 2, "tests_total": 2})


async def test_feedback_is_counted_and_returned_with_the_status(server, fix_id):
    async with Client(server) as client:
        first = await client.call_tool("submit_fix_feedback", {"fix_id": fix_id, "accepted": True, "note": "works"})
        second = await client.call_tool("submit_fix_feedback", {"fix_id": fix_id, "accepted": False})
    assert not first.is_error and not second.is_error
    assert first.structured_content == {"fix_id": fix_id, "accepted_count": 1, "rejected_count": 0,
                                        "status": "candidate"}
    assert (second.structured_content["accepted_count"], second.structured_content["rejected_count"]) == (1, 1)


async def test_unknown_fix_id_is_an_actionable_tool_error(server):
    async with Client(server) as client:
        result = await client.call_tool("submit_fix_feedback", {"fix_id": "fix-does-not-exist", "accepted": True})
    assert result.is_error
    text = " ".join(getattr(c, "text", "") for c in result.content)
    assert "unknown fix id" in text and "learned_fix_id" in text


async def test_tool_publishes_output_schema_and_is_not_read_only(server):
    async with Client(server) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    tool = tools["submit_fix_feedback"]
    assert set(tool.output_schema["properties"]) == {"fix_id", "accepted_count", "rejected_count", "status"}
    assert tool.annotations.read_only_hint is False
