"""Coordination of orchestrate tasks with external agents: claim, complete, fail, cancel, approve, resume.

Every change to a task goes through its checkpointed graph (thread id = task id): an agent's result is written
with `update_state(..., as_node="execute_subtasks")` and the graph continues from review_results, so the review
gates run, dependents become ready, internal executors take what they can and the verdict is updated. One lock
per task serialises those runs; leases (see registry.py) keep two agents off the same subtask or artifact.
"""

from __future__ import annotations

import logging
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphs.orchestrate.graph import FINAL_STATES, RECURSION_LIMIT, build_graph, initial_state, to_output
from graphs.orchestrate.registry import DEFAULT_LEASE_S, Lease, LeaseError, registry_for
from graphs.orchestrate.review import MAX_ATTEMPTS
from graphs.orchestrate.schema import OrchestrateInput, OrchestrateOutput, Review, Subtask

if TYPE_CHECKING:
    from graphs.common.deps import Deps

log = logging.getLogger(__name__)
LOCK_STRIPES = 64
CLAIM_SCAN_TASKS = 200
CLOSED_STATUSES = frozenset({"done", "failed", "skipped"})
ENDED_STATES = frozenset({"completed", "failed", "cancelled"})


class CoordinationError(ValueError):
    """A coordination request the caller can fix (unknown id, wrong state)."""


class UnknownTaskError(CoordinationError):
    """No task with that id."""


class WrongStateError(CoordinationError):
    """The task or subtask is not in a state that allows the request."""


@dataclass
class Claim:
    """A subtask leased to an agent, with everything it needs to do the work."""

    task_id: str
    subtask: Subtask
    lease: Lease
    task_description: str
    requirements: list[str]
    constraints: list[str]
    upstream: dict[str, dict[str, Any]]
    feedback: list[str]
    attempt: int


class Coordinator:
    """Drives orchestrate tasks for one Deps: one compiled graph, striped per-task locks, the agent registry."""

    def __init__(self, deps: Deps, durability: str = "sync") -> None:
        self.deps = deps
        self.registry = registry_for(deps)
        _tune_sqlite_saver(deps.checkpointer)
        self.graph = build_graph(deps, deps.checkpointer)
        self.durability = durability
        self.lease_ttl_s = DEFAULT_LEASE_S
        self.started_at = time.time()
        self._stripes = [threading.RLock() for _ in range(LOCK_STRIPES)]
        self._recovered = False
        self._recover_lock = threading.Lock()

    # -- plumbing ---------------------------------------------------------------------------------------------

    def _stripe(self, task_id: str) -> threading.RLock:
        return self._stripes[zlib.crc32(task_id.encode()) % LOCK_STRIPES]

    @contextmanager
    def task_lock(self, task_id: str) -> Iterator[None]:
        """Serialise graph runs of one task (different tasks may share a stripe; that only costs waiting)."""
        with self._stripe(task_id):
            yield

    @staticmethod
    def config(task_id: str) -> dict[str, Any]:
        """The checkpoint config of a task."""
        return {"configurable": {"thread_id": task_id}, "recursion_limit": RECURSION_LIMIT}

    def _drive(self, inp: Any, task_id: str) -> None:
        self.graph.invoke(inp, self.config(task_id), durability=self.durability)

    def _get(self, task_id: str) -> OrchestrateOutput:
        found = self.deps.tasks.get(task_id)
        if found is None:
            raise UnknownTaskError(f"unknown task id {task_id!r}: use an id returned by orchestrate_task (list_tasks)")
        return found

    def publish(self, task_id: str) -> OrchestrateOutput:
        """Project the task's checkpoint onto the task store and close the assignments of finished work."""
        snapshot = self.graph.get_state(self.config(task_id))
        values = dict(snapshot.values)
        if not values:
            return self._get(task_id)
        output = to_output(values)
        if snapshot.interrupts and output.state == "planned":
            output = output.model_copy(update={"state": "awaiting_approval", "review": Review(
                verdict="awaiting_agents", summary="plan awaits approval (approve_plan)", rounds=0)})
        self.deps.tasks.save(output)
        closed = [r.subtask_id for r in output.results if r.status in CLOSED_STATUSES]
        if output.state in ENDED_STATES:
            self.registry.close_assignments(task_id)
        elif closed:
            self.registry.close_assignments(task_id, closed)
        return output

    def _finish_pending(self, task_id: str) -> bool:
        """Run the graph on if its checkpoint stopped between nodes (crash, cancelled stream); True if it did."""
        snapshot = self.graph.get_state(self.config(task_id))
        if snapshot.values and snapshot.next and not snapshot.interrupts:
            log.info("task %s: resuming interrupted graph run at %s", task_id, snapshot.next)
            self._drive(None, task_id)
            return True
        return False

    # -- reads ------------------------------------------------------------------------------------------------

    def status(self, task_id: str) -> OrchestrateOutput:
        """The stored task, with subtasks under a live lease shown as `running` by their agent."""
        output = self._get(task_id)
        leased = {lease.subtask_id: lease.agent_id for lease in self.registry.active_leases(task_id)}
        if not leased:
            return output
        results = [r.model_copy(update={"status": "running", "agent": leased[r.subtask_id]})
                   if r.subtask_id in leased and r.status == "awaiting_agent" else r for r in output.results]
        return output.model_copy(update={"results": results})

    # -- agent protocol ---------------------------------------------------------------------------------------

    def claim(self, agent_id: str, task_id: str | None = None, role: str | None = None,
              resources: tuple[str, ...] = ()) -> Claim | None:
        """Lease a ready subtask the agent can do (its own assignments first), or None if there is none
        (also when `task_id` names a task that has ended or awaits approval; unknown ids raise)."""
        self.registry.touch(agent_id)
        agent = self.registry.agent(agent_id)
        if task_id is not None:
            if self._get(task_id).state not in ("awaiting_agents", "running"):
                return None
            ids = [task_id]
        else:
            ids = [t for t, _, _ in self.deps.tasks.ids_in_states(("awaiting_agents",), limit=CLAIM_SCAN_TASKS)]
        for tid in ids:
            task = self._get(tid)
            open_subs = [(s, task.assignments.get(s.id)) for s in task.plan
                         if _status(task, s.id) == "awaiting_agent" and (role is None or s.role == role)
                         and (s.kind in agent.capabilities or agent.has_role(s.role))]
            open_subs.sort(key=lambda pair: pair[1] != agent_id)  # own assignments first, plan order kept
            for sub, _ in open_subs:
                keys = [f"artifact:{tid}:{name}" for name in sub.outputs] + [f"resource:{r}" for r in resources]
                lease = self.registry.acquire(tid, sub.id, agent_id, keys, self.lease_ttl_s)
                if lease is None:
                    continue
                values = self.graph.get_state(self.config(tid)).values
                res = values.get("results", {}).get(sub.id, {})
                if res.get("status") != "awaiting_agent":  # finished between our read and the lease
                    self.registry.finish(lease.token, "released", {"reason": "subtask no longer awaiting"})
                    continue
                self.registry.record_assignments(tid, {sub.id: (agent_id, sub.effort_hours)})
                inp = values["input"]
                return Claim(
                    task_id=tid, subtask=sub, lease=lease, task_description=inp["description"],
                    requirements=list(inp.get("requirements", [])), constraints=list(inp.get("constraints", [])),
                    upstream={d: values["results"][d].get("output", {}) for d in sub.depends_on},
                    feedback=list(values.get("feedback", {}).get(sub.id, [])), attempt=int(res["attempts"]) + 1)
        return None

    def complete(self, token: str, agent_id: str, result: dict[str, Any], summary: str = "",
                 artifacts: dict[str, str] | None = None) -> dict[str, Any]:
        """Record an agent's result, review it and run the task on. Idempotent per lease token."""
        if not isinstance(result, dict) or not isinstance(summary, str):
            raise CoordinationError("result must be an object and summary a string")
        artifacts = {str(k): str(v) for k, v in (artifacts or {}).items()}
        lease = self.registry.check_live(token, agent_id)
        with self.task_lock(lease.task_id):
            return self._finish_lease(lease, token, agent_id, "completed", {
                "status": "done", "summary": summary or f"completed by {agent_id}",
                "output": {**result, "artifacts": sorted(artifacts or {}),
                           "artifact_refs": dict(artifacts or {}), "completed_by": agent_id}})

    def fail(self, token: str, agent_id: str, reason: str) -> dict[str, Any]:
        """Record that the agent could not do the subtask: retried by an agent up to MAX_ATTEMPTS, then escalated."""
        lease = self.registry.check_live(token, agent_id)
        with self.task_lock(lease.task_id):
            return self._finish_lease(lease, token, agent_id, "failed", {
                "status": "failed", "summary": f"agent {agent_id} failed: {reason}", "output": {"reason": reason}})

    def _finish_lease(self, lease: Lease, token: str, agent_id: str, how: str,
                      change: dict[str, Any]) -> dict[str, Any]:
        lease = self.registry.check_live(token, agent_id)  # again, under the task lock
        if lease.state != "active":
            if lease.state != how:
                raise LeaseError(f"lease {token} was already {lease.state}; it cannot now be {how}")
            return {**(lease.outcome or {}), "replayed": True}
        tid, sid = lease.task_id, lease.subtask_id
        self._finish_pending(tid)
        values = self.graph.get_state(self.config(tid)).values
        if values.get("state") in ENDED_STATES:
            self.registry.finish(token, "released", {"reason": f"task {values.get('state')}"})
            raise WrongStateError(f"task {tid} is {values.get('state')}; the result was not recorded")
        res = dict(values["results"][sid])
        if res.get("lease") != token:  # not applied yet (a replay after a crash finds it applied)
            if res["status"] != "awaiting_agent":
                self.registry.finish(token, "released", {"reason": f"subtask is {res['status']}"})
                raise WrongStateError(f"subtask {sid} of task {tid} is {res['status']}, not awaiting an agent")
            attempts = int(res["attempts"]) + 1
            new = {**res, **change, "agent": agent_id, "executor": None, "attempts": attempts, "lease": token,
                   "criteria_met": [], "criteria_unmet": []}
            feedback = {k: list(v) for k, v in values.get("feedback", {}).items()}
            if how == "failed":
                feedback.setdefault(sid, []).append(f"previous attempt failed: {change['output']['reason']}")
                new["status"] = "awaiting_agent" if attempts < MAX_ATTEMPTS else "failed"
            self.graph.update_state(self.config(tid), {"results": {**values["results"], sid: new},
                                                      "feedback": feedback, "last_wave": [sid], "state": "running"},
                                    as_node="execute_subtasks")
            self._drive(None, tid)
        output = self.publish(tid)
        outcome = _outcome(output, sid, how)
        self.registry.finish(token, how, outcome)
        return {**outcome, "replayed": False}

    def renew(self, token: str, agent_id: str) -> Lease:
        """Extend a live lease (a heartbeat for long work)."""
        self.registry.touch(agent_id)
        return self.registry.renew(token, agent_id, self.lease_ttl_s)

    # -- task control -----------------------------------------------------------------------------------------

    def cancel(self, task_id: str, reason: str = "") -> OrchestrateOutput:
        """Cancel a task that has not ended; its live leases are released. Cancelling twice is a no-op."""
        with self.task_lock(task_id):
            task = self._get(task_id)
            if task.state == "cancelled":
                return task
            if task.state in ("completed", "failed"):
                raise WrongStateError(f"task {task_id} already ended ({task.state}); nothing to cancel")
            review = Review(verdict="rejected", summary=f"cancelled: {reason or 'by request'}",
                            rounds=task.review.rounds)
            update = {"state": "cancelled", "review": review.model_dump(), "notes": [f"cancelled: {reason}"]}
            if self.graph.get_state(self.config(task_id)).values:
                self.graph.update_state(self.config(task_id), update, as_node="review_results")
                self.registry.release_task(task_id)
                return self.publish(task_id)
            output = task.model_copy(update={"state": "cancelled", "review": review})
            self.deps.tasks.save(output)
            self.registry.release_task(task_id)
            self.registry.close_assignments(task_id)
            return output

    def approve(self, task_id: str, approved: bool, feedback: str = "") -> OrchestrateOutput:
        """Resume a task paused for plan approval: approved → assignment and execution; rejected → cancelled."""
        from langgraph.types import Command

        with self.task_lock(task_id):
            task = self._get(task_id)
            if task.state != "awaiting_approval":
                raise WrongStateError(f"task {task_id} is {task.state}, not awaiting_approval")
            self._drive(Command(resume={"approved": approved, "feedback": feedback}), task_id)
            return self.publish(task_id)

    # -- recovery ---------------------------------------------------------------------------------------------

    def resume_pending(self) -> list[str]:
        """Finish tasks a previous process left mid-run: rerun from the stored input if no checkpoint exists,
        continue from the checkpoint otherwise. Tasks saved by this process (live runs) are left alone."""
        resumed: list[str] = []
        todo = [t for t, _, at in self.deps.tasks.ids_in_states(("planned", "running")) if at < self.started_at]
        todo += sorted({lease.task_id for lease in self.registry.active_leases()} - set(todo))
        for tid in todo:
            stripe = self._stripe(tid)
            if not stripe.acquire(blocking=False):
                continue
            try:
                values = self.graph.get_state(self.config(tid)).values
                if not values:
                    raw = self.deps.tasks.get_input(tid)
                    if raw is None:
                        log.warning("task %s has neither a checkpoint nor a stored input; left as is", tid)
                        continue
                    self._drive(initial_state(OrchestrateInput.model_validate_json(raw), tid), tid)
                elif not self._finish_pending(tid) and values.get("state") not in FINAL_STATES | {"planned"}:
                    continue
                self.publish(tid)
                resumed.append(tid)
            finally:
                stripe.release()
        if resumed:
            log.info("resumed %d interrupted task(s): %s", len(resumed), ", ".join(resumed))
        return resumed

    def ensure_recovered(self) -> None:
        """Run resume_pending once per process (the first tool call after a restart pays for it)."""
        with self._recover_lock:
            if self._recovered:
                return
            self._recovered = True
        self.resume_pending()


def _tune_sqlite_saver(saver: Any) -> None:
    """WAL + synchronous=NORMAL on a SqliteSaver: commits survive a killed process (not a power cut) without an
    fsync per checkpoint, which otherwise dominates a task's wall time."""
    conn = getattr(saver, "conn", None)
    if conn is None or not hasattr(conn, "execute"):
        return
    lock = getattr(saver, "lock", None) or threading.Lock()
    with lock:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")


def _status(task: OrchestrateOutput, sid: str) -> str:
    return next((r.status for r in task.results if r.subtask_id == sid), "pending")


def _outcome(output: OrchestrateOutput, sid: str, how: str) -> dict[str, Any]:
    res = next(r for r in output.results if r.subtask_id == sid)
    return {"task_id": output.task_id, "subtask_id": sid, "recorded_as": how, "subtask_status": res.status,
            "accepted": res.status == "done", "attempts": res.attempts, "criteria_met": res.criteria_met,
            "criteria_unmet": res.criteria_unmet,
            "unverified_criteria": list(res.output.get("unverified_criteria", [])),
            "task_state": output.state, "verdict": output.review.verdict, "review_summary": output.review.summary,
            "awaiting_agents": [r.subtask_id for r in output.results if r.status == "awaiting_agent"]}


_COORDINATORS: dict[int, tuple[object, Coordinator]] = {}
_COORDINATORS_LOCK = threading.Lock()


def coordinator_for(deps: Deps) -> Coordinator:
    """The coordinator of `deps` (built once per Deps object; compiling the graph once is on the hot path)."""
    with _COORDINATORS_LOCK:
        found = _COORDINATORS.get(id(deps))
        if found is None or found[0] is not deps:
            found = (deps, Coordinator(deps))
            _COORDINATORS[id(deps)] = found
        return found[1]
