"""The `multi-orchestrator` command: call one tool, kb subcommands, argument errors."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import REPO, server_env

pytestmark = pytest.mark.slow


def _cli(tmp_path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    import sys

    return subprocess.run([sys.executable, "-m", "server", *args], cwd=REPO, env=server_env(tmp_path / "data"),
                          capture_output=True, text=True, timeout=timeout)


def test_call_prints_the_structured_result_on_stdout(tmp_path):
    done = _cli(tmp_path, "call", "ping")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "ok"


def test_call_with_bad_json_explains(tmp_path):
    done = _cli(tmp_path, "call", "ping", "--json", "{nope")
    assert done.returncode == 2 and "not valid JSON" in done.stderr


def test_call_with_bad_arguments_reports_the_tool_error(tmp_path):
    done = _cli(tmp_path, "call", "auto_fix_code", "--json", json.dumps({"code": ""}))
    assert done.returncode == 1 and "code" in done.stderr


def test_kb_ingest_stats_and_search(tmp_path):
    assert _cli(tmp_path, "kb", "ingest").returncode == 0
    stats = json.loads(_cli(tmp_path, "kb", "stats").stdout)
    assert stats["patterns"] > 0 and stats["fixes"] > 0 and stats["playbooks"] > 0
    hits = json.loads(_cli(tmp_path, "kb", "search", "patterns", "cache frequently read data").stdout)
    assert hits and all("id" in h for h in hits)


def test_http_flag_is_validated(tmp_path):
    done = _cli(tmp_path, "serve", "--http", "nonsense")
    assert done.returncode == 2 and "HOST:PORT" in done.stderr
