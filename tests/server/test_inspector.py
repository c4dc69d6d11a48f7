"""The official MCP Inspector CLI (node 22) lists our tools and calls each one successfully over stdio."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.conftest import REPO, server_command
from tests.server.sample_inputs import CALLS

pytestmark = [pytest.mark.inspector, pytest.mark.slow]

NODE_DIR = REPO / ".node" / "node_modules"
INSPECTOR = NODE_DIR / ".bin" / "mcp-inspector"


def _inspector(data_dir, *method_args: str) -> dict:
    if not INSPECTOR.exists():
        if os.environ.get("CI"):
            pytest.fail("Inspector CLI missing: `make test` installs it into .node/")
        pytest.skip("Inspector CLI not installed (run `make test`, which installs it into .node/)")
    env = {**os.environ, "PATH": f"{NODE_DIR / 'node' / 'bin'}:{os.environ.get('PATH', '')}"}
    server_envs = ["-e", f"MO_DATA_DIR={data_dir}", "-e", "MO_EMBEDDING=hash", "-e", f"PYTHONPATH={REPO}",
                   "-e", "MO_LOG_LEVEL=WARNING"]
    cmd = [str(INSPECTOR), "--cli", *server_envs, *server_command(), *method_args]
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:] + done.stdout[-2000:]
    return json.loads(done.stdout)


def test_inspector_lists_the_tools(tmp_path):
    listed = _inspector(tmp_path / "data", "--method", "tools/list")
    names = {t["name"] for t in listed["tools"]}
    assert set(CALLS) <= names
    assert all("outputSchema" in t for t in listed["tools"] if t["name"] in CALLS)


@pytest.mark.parametrize("tool", list(CALLS))
def test_inspector_calls_each_tool(tmp_path, tool):
    args: list[str] = []
    for key, value in CALLS[tool].items():
        args += ["--tool-arg", f"{key}={value if isinstance(value, str) else json.dumps(value)}"]
    result = _inspector(tmp_path / "data", "--method", "tools/call", "--tool-name", tool, *args)
    assert result.get("isError") is False, result
    assert isinstance(result.get("structuredContent"), dict)
