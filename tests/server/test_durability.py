"""kill -9 the real stdio server mid-run, restart it on the same data dir: nothing is lost, the task finishes."""

from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path

import anyio
import pytest
from mcp import Client, StdioServerParameters

from tests.conftest import REPO, server_command, server_env
from tests.server.test_agents_e2e import ALL_ROLES, LARGE, evidence

pytestmark = pytest.mark.slow


def server_pids(data_dir: Path) -> list[int]:
    """Pids of `server serve` processes started with MO_DATA_DIR=data_dir (only ours: the dir is unique)."""
    needle = f"MO_DATA_DIR={data_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
        except OSError:  # the process ended, or is not ours to read
            continue
        if b"server\x00serve" in cmdline and needle in environ.split(b"\x00"):
            found.append(int(entry.name))
    return found


def params(data_dir: Path) -> StdioServerParameters:
    cmd = server_command()
    return StdioServerParameters(command=cmd[0], args=cmd[1:], env=server_env(data_dir), cwd=str(REPO))


async def call(client: Client, tool: str, args: dict) -> dict:
    result = await client.call_tool(tool, args)
    assert not result.is_error, f"{tool}: {result.content}"
    return result.structured_content


async def first_life(data_dir: Path) -> dict:
    """Create a task, complete one subtask, claim another, then die by SIGKILL while completing it."""
    seen: dict = {}
    try:
        async with Client(params(data_dir), read_timeout_seconds=120) as client:
            made = await call(client, "orchestrate_task", LARGE)
            await call(client, "register_agent", {"agent_id": "survivor", "roles": ALL_ROLES, "capacity_hours": 500})
            first = await call(client, "claim_subtask", {"agent_id": "survivor", "task_id": made["task_id"]})
            result, artifacts = evidence(first["subtask"])
            args = {"agent_id": "survivor", "lease_token": first["lease_token"], "result": result,
                    "artifacts": artifacts}
            seen = {"task_id": made["task_id"], "first_args": args,
                    "first": await call(client, "complete_subtask", args)}
            second = await call(client, "claim_subtask", {"agent_id": "survivor", "task_id": made["task_id"]})
            result, artifacts = evidence(second["subtask"])
            seen["second_args"] = {"agent_id": "survivor", "lease_token": second["lease_token"], "result": result,
                                   "artifacts": artifacts}
            pids = server_pids(data_dir)
            assert pids, "the server process was not found"
            async with anyio.create_task_group() as tg:
                tg.start_soon(client.call_tool, "complete_subtask", seen["second_args"])
                await anyio.lowlevel.checkpoint()
                for pid in pids:
                    os.kill(pid, signal.SIGKILL)
                tg.cancel_scope.cancel()
    except Exception as exc:  # noqa: BLE001 - the transport breaks under our feet; that is the point
        seen["transport_error"] = type(exc).__name__
    assert "second_args" in seen, seen
    return seen


def leave_a_run_stuck_inside_the_graph(data_dir: Path) -> str:
    """What a crash between two graph nodes leaves behind: a `planned` row and a checkpoint with work to do."""
    from graphs.common.config import Settings
    from graphs.common.deps import build_deps
    from graphs.orchestrate.coordinator import coordinator_for
    from graphs.orchestrate.graph import initial_state, to_output
    from graphs.orchestrate.schema import OrchestrateInput

    deps = build_deps(Settings(data_dir=data_dir, embedding="hash"))
    inp = OrchestrateInput(description="Add rate limiting to the public search API endpoints",
                           requirements=["limits are configurable per API key"])
    deps.tasks.save(to_output(initial_state(inp, "stuck-1")), input_json=inp.model_dump_json())
    coord = coordinator_for(deps)
    coord.graph.invoke(initial_state(inp, "stuck-1"), coord.config("stuck-1"), interrupt_after=["assign_agents"])
    assert coord.graph.get_state(coord.config("stuck-1")).next == ("execute_subtasks",)
    deps.tasks.close()
    coord.registry.close()
    return "stuck-1"


async def test_a_killed_server_resumes_every_task_and_completions_stay_idempotent(tmp_path):
    data_dir = tmp_path / "data"
    with anyio.fail_after(300):
        seen = await first_life(data_dir)
        assert server_pids(data_dir) == []
        stuck = leave_a_run_stuck_inside_the_graph(data_dir)
        task_id = seen["task_id"]
        async with Client(params(data_dir), read_timeout_seconds=120) as client:
            resumed = await call(client, "get_task_status", {"task_id": stuck})  # the first call resumes it
            assert resumed["state"] == "awaiting_agents" and resumed["review"]["rounds"] >= 1
            status = await call(client, "get_task_status", {"task_id": task_id})
            assert status["state"] == "awaiting_agents"
            done = {r["subtask_id"] for r in status["results"] if r["status"] == "done"}
            assert seen["first"]["subtask_id"] in done
            replay = await call(client, "complete_subtask", seen["first_args"])
            assert replay["replayed"] and {**seen["first"], "replayed": True, "awaiting_agents": []} == {
                **replay, "replayed": True, "awaiting_agents": []}
            second = await call(client, "complete_subtask", seen["second_args"])  # lease survived the crash
            assert second["accepted"]
            for _ in range(200):
                claim = await call(client, "claim_subtask", {"agent_id": "survivor", "task_id": task_id})
                if not claim["claimed"]:
                    break
                result, artifacts = evidence(claim["subtask"])
                await call(client, "complete_subtask", {"agent_id": "survivor", "lease_token": claim["lease_token"],
                                                        "result": result, "artifacts": artifacts})
            final = await call(client, "get_task_status", {"task_id": task_id})
    assert final["state"] == "completed" and all(r["status"] == "done" for r in final["results"])
    with sqlite3.connect(data_dir / "coordination.sqlite") as conn:
        counts = conn.execute("SELECT subtask_id, COUNT(*) FROM leases WHERE task_id = ? AND state = 'completed' "
                              "GROUP BY subtask_id", (task_id,)).fetchall()
    agent_done = {r["subtask_id"] for r in final["results"] if r["executor"] is None}
    assert {sid for sid, _ in counts} == agent_done and all(n == 1 for _, n in counts)  # nothing counted twice
