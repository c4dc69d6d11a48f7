"""Bad input gets a clear, actionable tool error and the server keeps serving."""

from __future__ import annotations

import pytest
from mcp import Client

BAD = [
    ("auto_fix_code", {}, "code"),
    ("auto_fix_code", {"code": 42}, "string"),
    ("auto_fix_code", {"code": ""}, "at least 1"),
    ("auto_fix_code", {"code": "   \n "}, "blank"),
    ("auto_fix_code", {"code": "x" * 100_001}, "at most 100000"),
    ("auto_fix_code", {"code": "def f():\x00\x01 return 1"}, "NUL"),
    ("auto_fix_code", {"code": "\x01\x02\x03\x04\x05 abc"}, "binary"),
    ("auto_fix_code", {"code": "x = 1", "language": "cobol"}, "python"),
    ("generate_architecture", {"project_description": "tiny"}, "at least 10"),
    ("generate_architecture", {"project_description": "A web shop for books", "tech_stack": "python"}, "list"),
    ("generate_architecture", {"project_description": "A web shop for books", "requirements": ["r"] * 101}, "100"),
    ("orchestrate_task", {"description": 3}, "string"),
    ("orchestrate_task", {"description": "Build a thing that works", "constraints": [{"a": 1}]}, "string"),
    ("get_task_status", {"task_id": "does-not-exist"}, "unknown task id"),
    ("list_tasks", {"state": "sleeping"}, "state"),
]


@pytest.fixture
def server(deps):
    from server.app import create_server

    srv = create_server(deps, warm=False)
    srv.runtime.warm_knowledge()
    return srv


@pytest.mark.parametrize(("tool", "args", "needle"), BAD, ids=[f"{t}-{i}" for i, (t, _, _) in enumerate(BAD)])
async def test_bad_input_is_a_clear_error(server, tool, args, needle):
    async with Client(server) as client:
        result = await client.call_tool(tool, args)
        assert result.is_error
        text = result.content[0].text
        assert needle.lower() in text.lower(), text
        assert len(text) < 3000
        assert (await client.call_tool("ping", {})).structured_content["status"] == "ok"


async def test_syntax_garbage_code_is_analysed_not_crashed(server):
    async with Client(server) as client:
        result = await client.call_tool("auto_fix_code", {"code": "def (((:\n  return ]"})
    assert not result.is_error
    assert result.structured_content["analysis"]["error_class"] == "syntax_error"


async def test_unknown_tool_is_an_error(server):
    async with Client(server) as client:
        result = await client.call_tool("no_such_tool", {})
    assert result.is_error
