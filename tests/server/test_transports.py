"""The real server process over stdio and streamable HTTP, and with no network at all."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from mcp import Client, StdioServerParameters

from tests.conftest import REPO, server_command, server_env
from tests.server.sample_inputs import CALLS
from tests.server.spawn import http_server

pytestmark = pytest.mark.slow


async def _call_all(client: Client) -> dict[str, dict]:
    names = {t.name for t in (await client.list_tools()).tools}
    assert set(CALLS) <= names
    out = {}
    for name, args in CALLS.items():
        result = await client.call_tool(name, args)
        assert not result.is_error, f"{name}: {result.content}"
        assert isinstance(result.structured_content, dict)
        out[name] = result.structured_content
    return out


def _check_results(out: dict[str, dict]) -> None:
    assert out["ping"]["status"] == "ok"
    assert out["auto_fix_code"]["fixes"][0]["validation"]["validated"]
    assert out["generate_architecture"]["components"]
    assert out["orchestrate_task"]["plan"]


async def test_stdio_server_answers_all_tools(tmp_path):
    cmd = server_command()
    params = StdioServerParameters(command=cmd[0], args=cmd[1:], env=server_env(tmp_path / "data"), cwd=str(REPO))
    async with Client(params, read_timeout_seconds=120) as client:
        _check_results(await _call_all(client))


async def test_streamable_http_server_answers_all_tools(tmp_path):
    with http_server(tmp_path / "data") as url:
        async with Client(url, read_timeout_seconds=120) as client:
            _check_results(await _call_all(client))


def _can_unshare() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10).returncode == 0


@pytest.mark.skipif(not _can_unshare(), reason="unshare -n is not permitted here (needs root or user namespaces)")
async def test_server_works_with_no_network_at_all_using_the_real_embedding_model(tmp_path):
    cmd = ["unshare", "-n", *server_command()]
    env = server_env(tmp_path / "data", embedding="minilm")
    params = StdioServerParameters(command=cmd[0], args=cmd[1:], env=env, cwd=str(REPO))
    async with Client(params, read_timeout_seconds=180) as client:
        out = await _call_all(client)
    _check_results(out)
    assert out["list_capabilities"]["engines"]["embeddings"] == "minilm"
    assert out["get_system_status"]["components"]["knowledge_base"]["ok"]
