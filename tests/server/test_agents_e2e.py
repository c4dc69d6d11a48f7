"""Several in-process MCP clients act as agents and drive one large task to `completed`."""

from __future__ import annotations

import anyio
import pytest
from mcp import Client

from server.tools_agents import register as register_agent_tools

ALL_ROLES = ["architect", "frontend", "backend", "data", "devops", "quality", "security"]
LARGE = {
    "description": "Build a self-service subscription portal for our SaaS: plan selection page, checkout with card "
                   "payments, invoices and receipts by e-mail, usage analytics dashboard, admin console, and deploy "
                   "it on Kubernetes",
    "requirements": ["customers can upgrade or downgrade plans at any time", "invoices are kept for 7 years",
                     "admins can refund a payment", "usage is metered hourly", "login supports SSO",
                     "the dashboard loads in under 2 seconds", "all card data stays with the payment provider"],
    "constraints": ["zero downtime deployments", "GDPR compliant"],
}
AGENT_TOOLS = {"register_agent", "claim_subtask", "complete_subtask", "fail_subtask", "renew_lease", "approve_plan",
               "get_task_status", "list_tasks", "cancel_task"}


@pytest.fixture
def server(deps):
    from server.app import create_server

    srv = create_server(deps, warm=False)
    register_agent_tools(srv, srv.runtime)  # a no-op once app.py registers them itself
    srv.runtime.warm_knowledge()
    return srv


async def expect_error(client: Client, tool: str, args: dict, needle: str) -> None:
    result = await client.call_tool(tool, args)
    assert result.is_error, result.structured_content
    assert needle in result.content[0].text, result.content[0].text


def evidence(subtask: dict) -> tuple[dict, dict]:
    result = {"all_passed": True, "high_severity": 0, "new_findings": 0, "findings": [], "checks_failed": [],
              "untraced_requirements": [], "security_measures": ["api: token theft -> short-lived tokens"]}
    return result, {name: f"https://git.example/{subtask['id']}/{name}" for name in subtask["outputs"]}


async def run_agent(server, name: str, task_id: str, log: list[tuple[str, str]], max_calls: int = 3000) -> None:
    async with Client(server) as client:
        reg = await client.call_tool("register_agent", {"agent_id": name, "roles": ALL_ROLES, "capacity_hours": 200})
        assert not reg.is_error, reg.content
        for _ in range(max_calls):
            claim = (await client.call_tool("claim_subtask", {"agent_id": name, "task_id": task_id})).structured_content
            if not claim["claimed"]:
                status = (await client.call_tool("get_task_status", {"task_id": task_id})).structured_content
                if status["state"] != "awaiting_agents":
                    return
                await anyio.lowlevel.checkpoint()  # other agents hold the remaining leases; let them finish
                continue
            result, artifacts = evidence(claim["subtask"])
            done = await client.call_tool("complete_subtask", {
                "agent_id": name, "lease_token": claim["lease_token"], "summary": f"{name} did it",
                "result": result, "artifacts": artifacts})
            assert not done.is_error, done.content
            assert done.structured_content["accepted"], done.structured_content
            log.append((name, claim["subtask"]["id"]))
        raise AssertionError(f"{name} did not finish within {max_calls} calls")


async def test_agent_tools_are_listed_with_schemas_and_annotations(server):
    async with Client(server) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert AGENT_TOOLS <= set(tools)
    for name in AGENT_TOOLS:
        assert tools[name].output_schema and tools[name].annotations is not None
    assert tools["cancel_task"].annotations.destructive_hint is True
    assert tools["complete_subtask"].annotations.idempotent_hint is True


async def test_four_concurrent_agents_complete_one_large_task(server):
    async with Client(server) as client:
        made = (await client.call_tool("orchestrate_task", LARGE)).structured_content
    assert made["state"] == "awaiting_agents" and len(made["plan"]) >= 10
    log: list[tuple[str, str]] = []
    with anyio.fail_after(240):
        async with anyio.create_task_group() as tg:
            for i in range(4):
                tg.start_soon(run_agent, server, f"agent-{i}", made["task_id"], log)
    done_ids = [sid for _, sid in log]
    assert len(done_ids) == len(set(done_ids))  # no subtask was done twice
    assert len({agent for agent, _ in log}) >= 2  # the work really was shared
    async with Client(server) as client:
        final = (await client.call_tool("get_task_status", {"task_id": made["task_id"]})).structured_content
        status = (await client.call_tool("get_system_status", {})).structured_content
    assert final["state"] == "completed" and final["review"]["verdict"] == "approved"
    assert all(r["status"] == "done" for r in final["results"])
    by_agent = {r["subtask_id"]: r["agent"] for r in final["results"] if r["executor"] is None}
    assert by_agent == {sid: agent for agent, sid in log}
    assert status["tasks"].get("completed") == 1


async def test_errors_name_the_problem_and_completion_is_idempotent(server, deps):
    from graphs.orchestrate.coordinator import coordinator_for

    async with Client(server) as client:
        made = (await client.call_tool("orchestrate_task", LARGE)).structured_content
        await client.call_tool("register_agent", {"agent_id": "a1", "roles": ALL_ROLES})
        await client.call_tool("register_agent", {"agent_id": "a2", "roles": ["quality"]})
        await expect_error(client, "claim_subtask", {"agent_id": "ghost"}, "unknown agent")
        await expect_error(client, "claim_subtask", {"agent_id": "a1", "task_id": "no-such-task"}, "unknown task")
        claim = (await client.call_tool("claim_subtask", {"agent_id": "a1"})).structured_content
        assert claim["claimed"] and claim["task_id"] == made["task_id"] and claim["subtask"]["acceptance_criteria"]
        await expect_error(client, "complete_subtask", {"agent_id": "a2", "lease_token": claim["lease_token"]},
                           "belongs to agent")
        result, artifacts = evidence(claim["subtask"])
        args = {"agent_id": "a1", "lease_token": claim["lease_token"], "result": result, "artifacts": artifacts}
        first = (await client.call_tool("complete_subtask", args)).structured_content
        again = (await client.call_tool("complete_subtask", args)).structured_content
        assert again["replayed"] and {**first, "replayed": True} == again
        await expect_error(client, "fail_subtask", {"agent_id": "a1", "lease_token": claim["lease_token"],
                                                    "reason": "changed my mind"}, "already completed")
        second = (await client.call_tool("claim_subtask", {"agent_id": "a1"})).structured_content
        coordinator_for(deps).registry.clock = lambda: 10**12  # far in the future: every lease has expired
        await expect_error(client, "complete_subtask", {"agent_id": "a1", "lease_token": second["lease_token"]},
                           "expired")
        cancelled = (await client.call_tool("cancel_task", {"task_id": made["task_id"], "reason": "scope cut"}))
        assert cancelled.structured_content["state"] == "cancelled"
        await _save_completed(deps)
        await expect_error(client, "cancel_task", {"task_id": "done-1"}, "already ended")
        empty = (await client.call_tool("claim_subtask", {"agent_id": "a1", "task_id": made["task_id"]}))
        assert not empty.is_error and not empty.structured_content["claimed"]
        assert "cancelled" in empty.structured_content["message"]


async def _save_completed(deps) -> None:
    from graphs.orchestrate.schema import OrchestrateOutput, Review

    done = OrchestrateOutput(task_id="done-1", state="completed", playbook="x", plan=[],
                             review=Review(verdict="approved", summary="all done"))
    deps.tasks.save(done)


async def test_plan_approval_through_the_tools(server, deps):
    from graphs.orchestrate.graph import run_orchestrate
    from graphs.orchestrate.schema import OrchestrateInput

    paused = run_orchestrate(deps, OrchestrateInput(**LARGE, require_approval=True))
    assert paused.state == "awaiting_approval"
    async with Client(server) as client:
        listed = (await client.call_tool("list_tasks", {"state": "awaiting_approval"})).structured_content
        assert [t["task_id"] for t in listed["tasks"]] == [paused.task_id]
        out = (await client.call_tool("approve_plan", {"task_id": paused.task_id, "approved": True,
                                                       "feedback": "ship it"})).structured_content
        assert out["state"] == "awaiting_agents" and out["assignments"]
        await expect_error(client, "approve_plan", {"task_id": paused.task_id, "approved": True},
                           "not awaiting_approval")
