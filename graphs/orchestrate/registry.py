"""Durable agent registry and resource leases on SQLite (`<data_dir>/coordination.sqlite`, WAL).

Agents: the internal ones from knowledge/agents/agents.yaml plus external ones registered by MCP clients.
Assignments: planned effort per (task, subtask) → agent; open rows are the load counted across tasks.
Leases: a claim on a subtask and its artifact keys, valid until `expires_at` (from an injectable clock). Keys are
unique rows, so two agents never hold the same subtask or artifact at once; expired keys are reclaimed on the
next claim. A finished lease keeps its outcome, which makes completing twice return the same answer.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphs.common.sqlite_conns import ThreadConnections
from graphs.orchestrate.agents import Agent, load_agents

Clock = Callable[[], float]
DEFAULT_LEASE_S = 900.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS agents (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, roles TEXT NOT NULL, capabilities TEXT NOT NULL,
    capacity REAL NOT NULL, external INTEGER NOT NULL, registered_at REAL NOT NULL, last_seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS assignments (
    task_id TEXT NOT NULL, subtask_id TEXT NOT NULL, agent_id TEXT NOT NULL, hours REAL NOT NULL,
    open INTEGER NOT NULL, PRIMARY KEY (task_id, subtask_id)
);
CREATE INDEX IF NOT EXISTS assignments_open ON assignments(open, agent_id);
CREATE TABLE IF NOT EXISTS agent_load (agent_id TEXT PRIMARY KEY, hours REAL NOT NULL);
CREATE TABLE IF NOT EXISTS leases (
    token TEXT PRIMARY KEY, task_id TEXT NOT NULL, subtask_id TEXT NOT NULL, agent_id TEXT NOT NULL,
    keys TEXT NOT NULL, claimed_at REAL NOT NULL, expires_at REAL NOT NULL, state TEXT NOT NULL,
    outcome TEXT, finished_at REAL
);
CREATE INDEX IF NOT EXISTS leases_task ON leases(task_id, state);
CREATE INDEX IF NOT EXISTS leases_agent ON leases(agent_id, state);
CREATE TABLE IF NOT EXISTS lease_keys (key TEXT PRIMARY KEY, token TEXT NOT NULL, expires_at REAL NOT NULL);
"""


class RegistryError(ValueError):
    """Base of the registry's caller-fixable errors."""


class UnknownAgentError(RegistryError):
    """No agent with that id is registered."""


class LeaseError(RegistryError):
    """A lease token is unknown, expired, or held by another agent."""


@dataclass(frozen=True)
class Lease:
    token: str
    task_id: str
    subtask_id: str
    agent_id: str
    keys: tuple[str, ...]
    claimed_at: float
    expires_at: float
    state: str  # active | completed | failed | expired | released
    outcome: dict[str, Any] | None = None


def _row_lease(row: tuple[Any, ...]) -> Lease:
    token, task_id, sid, agent, keys, claimed, expires, state, outcome = row
    return Lease(token, task_id, sid, agent, tuple(json.loads(keys)), claimed, expires, state,
                 json.loads(outcome) if outcome else None)


_LEASE_COLS = "token, task_id, subtask_id, agent_id, keys, claimed_at, expires_at, state, outcome"


class AgentRegistry:
    """Agents, cross-task load and leases. Thread-safe: one SQLite connection per thread."""

    def __init__(self, path: Path | str, *, clock: Clock = time.time, agents_file: Path | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.clock = clock
        self._conns = ThreadConnections(self.path, timeout=30.0, isolation_level=None)
        self._conn().executescript(_SCHEMA)
        self._seed_internal(load_agents(agents_file) if agents_file else load_agents())

    def _conn(self) -> sqlite3.Connection:
        return self._conns.get()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction (the write lock is taken up front, so check-then-insert is atomic)."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        """Close every connection this registry opened."""
        self._conns.close()

    # -- agents -----------------------------------------------------------------------------------------------

    def _seed_internal(self, agents: Iterable[Agent]) -> None:
        now = self.clock()
        with self._write() as conn:
            for a in agents:
                conn.execute(
                    """INSERT INTO agents VALUES (?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT(id) DO UPDATE SET
                       title=excluded.title, roles=excluded.roles, capabilities=excluded.capabilities,
                       capacity=excluded.capacity WHERE agents.external = 0""",
                    (a.id, a.title, json.dumps([a.role]), json.dumps(sorted(a.capabilities)), a.capacity_hours,
                     now, now))

    def register(self, agent_id: str, roles: list[str], capabilities: list[str], capacity_hours: float,
                 title: str = "") -> tuple[Agent, bool]:
        """Register or update an external agent; returns (agent, created). Internal ids cannot be taken over."""
        now = self.clock()
        with self._write() as conn:
            row = conn.execute("SELECT external FROM agents WHERE id = ?", (agent_id,)).fetchone()
            if row is not None and row[0] == 0:
                raise RegistryError(f"agent id {agent_id!r} belongs to an internal agent; choose another id")
            conn.execute(
                """INSERT INTO agents VALUES (?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT(id) DO UPDATE SET
                   title=excluded.title, roles=excluded.roles, capabilities=excluded.capabilities,
                   capacity=excluded.capacity, last_seen=excluded.last_seen""",
                (agent_id, title or agent_id, json.dumps(sorted(set(roles))), json.dumps(sorted(set(capabilities))),
                 capacity_hours, now, now))
        return self.agent(agent_id), row is None

    def agent(self, agent_id: str) -> Agent:
        """The registered agent; raises UnknownAgentError."""
        row = self._conn().execute("SELECT id, title, roles, capabilities, capacity FROM agents WHERE id = ?",
                                   (agent_id,)).fetchone()
        if row is None:
            raise UnknownAgentError(f"unknown agent id {agent_id!r}: call register_agent first")
        return _row_agent(row)

    def agents(self) -> list[Agent]:
        """Every registered agent (internal and external), by id."""
        rows = self._conn().execute("SELECT id, title, roles, capabilities, capacity FROM agents ORDER BY id")
        return [_row_agent(r) for r in rows.fetchall()]

    def agent_records(self) -> list[dict[str, Any]]:
        """Agents as plain records, with external flag and last_seen."""
        rows = self._conn().execute(
            "SELECT id, title, roles, capabilities, capacity, external, last_seen FROM agents ORDER BY id")
        return [{"id": r[0], "title": r[1], "roles": json.loads(r[2]), "capabilities": json.loads(r[3]),
                 "capacity_hours": r[4], "external": bool(r[5]), "last_seen": r[6]} for r in rows.fetchall()]

    def touch(self, agent_id: str) -> None:
        """Heartbeat: record that the agent was seen now; raises UnknownAgentError."""
        with self._write() as conn:
            cur = conn.execute("UPDATE agents SET last_seen = ? WHERE id = ?", (self.clock(), agent_id))
        if cur.rowcount == 0:
            raise UnknownAgentError(f"unknown agent id {agent_id!r}: call register_agent first")

    # -- assignments (load across tasks) ------------------------------------------------------------------------

    def open_load(self) -> dict[str, float]:
        """Agent id → planned hours of open assignments over all tasks (kept incrementally, O(agents))."""
        rows = self._conn().execute("SELECT agent_id, hours FROM agent_load WHERE hours > 1e-9")
        return {a: h for a, h in rows.fetchall()}

    @staticmethod
    def _add_load(conn: sqlite3.Connection, deltas: dict[str, float]) -> None:
        conn.executemany("INSERT INTO agent_load VALUES (?, ?) ON CONFLICT(agent_id) DO UPDATE SET "
                         "hours = MAX(0, agent_load.hours + excluded.hours)", list(deltas.items()))

    def record_assignments(self, task_id: str, rows: dict[str, tuple[str, float]]) -> None:
        """Open (or move) the assignments of a task: subtask id → (agent id, hours)."""
        with self._write() as conn:
            deltas: dict[str, float] = {}
            for sid, (agent, hours) in rows.items():
                old = conn.execute("SELECT agent_id, hours FROM assignments WHERE task_id = ? AND subtask_id = ? "
                                   "AND open = 1", (task_id, sid)).fetchone()
                if old is not None:
                    deltas[old[0]] = deltas.get(old[0], 0.0) - old[1]
                deltas[agent] = deltas.get(agent, 0.0) + hours
                conn.execute("""INSERT INTO assignments VALUES (?, ?, ?, ?, 1) ON CONFLICT(task_id, subtask_id)
                                DO UPDATE SET agent_id=excluded.agent_id, hours=excluded.hours, open=1""",
                             (task_id, sid, agent, hours))
            self._add_load(conn, deltas)

    def close_assignments(self, task_id: str, subtask_ids: Iterable[str] | None = None) -> None:
        """Close assignments of finished subtasks (all of the task's when `subtask_ids` is None)."""
        with self._write() as conn:
            sql = "SELECT subtask_id, agent_id, hours FROM assignments WHERE task_id = ? AND open = 1"
            rows = conn.execute(sql, (task_id,)).fetchall()
            wanted = None if subtask_ids is None else set(subtask_ids)
            rows = [r for r in rows if wanted is None or r[0] in wanted]
            if not rows:
                return
            deltas: dict[str, float] = {}
            for _, agent, hours in rows:
                deltas[agent] = deltas.get(agent, 0.0) - hours
            conn.executemany("UPDATE assignments SET open = 0 WHERE task_id = ? AND subtask_id = ?",
                             [(task_id, r[0]) for r in rows])
            self._add_load(conn, deltas)

    # -- leases -------------------------------------------------------------------------------------------------

    def reclaim_expired(self, conn: sqlite3.Connection | None = None) -> int:
        """Expire active leases past their deadline and free their keys; returns how many expired."""
        now = self.clock()

        def run(c: sqlite3.Connection) -> int:
            c.execute("DELETE FROM lease_keys WHERE expires_at <= ?", (now,))
            cur = c.execute("UPDATE leases SET state = 'expired', finished_at = ? WHERE state = 'active' "
                            "AND expires_at <= ?", (now, now))
            return cur.rowcount

        if conn is not None:
            return run(conn)
        with self._write() as c:
            return run(c)

    def acquire(self, task_id: str, subtask_id: str, agent_id: str, keys: list[str],
                ttl_s: float = DEFAULT_LEASE_S) -> Lease | None:
        """Claim the subtask and its keys for `agent_id`, or None if any key is held by a live lease."""
        now = self.clock()
        token = uuid.uuid4().hex
        all_keys = [f"subtask:{task_id}:{subtask_id}", *keys]
        with self._write() as conn:
            self.reclaim_expired(conn)
            held = conn.execute(f"SELECT 1 FROM lease_keys WHERE key IN ({','.join('?' * len(all_keys))}) LIMIT 1",
                                all_keys).fetchone()
            if held is not None:
                return None
            conn.executemany("INSERT INTO lease_keys VALUES (?, ?, ?)", [(k, token, now + ttl_s) for k in all_keys])
            conn.execute("INSERT INTO leases VALUES (?, ?, ?, ?, ?, ?, ?, 'active', NULL, NULL)",
                         (token, task_id, subtask_id, agent_id, json.dumps(all_keys), now, now + ttl_s))
        return Lease(token, task_id, subtask_id, agent_id, tuple(all_keys), now, now + ttl_s, "active")

    def lease(self, token: str) -> Lease | None:
        """The lease with that token (any state), or None."""
        row = self._conn().execute(f"SELECT {_LEASE_COLS} FROM leases WHERE token = ?", (token,)).fetchone()
        return None if row is None else _row_lease(row)

    def check_live(self, token: str, agent_id: str) -> Lease:
        """The lease if `agent_id` holds it; a finished lease is returned as is (for idempotent replies).

        Raises LeaseError for unknown, foreign or expired leases.
        """
        found = self.lease(token)
        if found is None:
            raise LeaseError(f"unknown lease token {token!r}: use the token claim_subtask returned")
        if found.agent_id != agent_id:
            raise LeaseError(f"lease {token} belongs to agent {found.agent_id!r}, not {agent_id!r}")
        if found.state == "active" and found.expires_at <= self.clock():
            self.reclaim_expired()
            found = self.lease(token) or found
        if found.state in ("expired", "released"):
            raise LeaseError(f"lease {token} on {found.task_id}/{found.subtask_id} is {found.state}: "
                             "claim the subtask again with claim_subtask")
        return found

    def renew(self, token: str, agent_id: str, ttl_s: float = DEFAULT_LEASE_S) -> Lease:
        """Extend a live lease by `ttl_s` from now."""
        found = self.check_live(token, agent_id)
        if found.state != "active":
            raise LeaseError(f"lease {token} is already {found.state}")
        until = self.clock() + ttl_s
        with self._write() as conn:
            conn.execute("UPDATE leases SET expires_at = ? WHERE token = ?", (until, token))
            conn.execute("UPDATE lease_keys SET expires_at = ? WHERE token = ?", (until, token))
        return self.lease(token) or found

    def finish(self, token: str, state: str, outcome: dict[str, Any]) -> None:
        """Close a lease as completed/failed/released, free its keys, keep the outcome for replays."""
        with self._write() as conn:
            conn.execute("UPDATE leases SET state = ?, outcome = ?, finished_at = ? WHERE token = ? AND "
                         "state = 'active'", (state, json.dumps(outcome), self.clock(), token))
            conn.execute("DELETE FROM lease_keys WHERE token = ?", (token,))

    def release_task(self, task_id: str) -> int:
        """Release every active lease of a task (cancellation); returns how many."""
        with self._write() as conn:
            conn.execute("DELETE FROM lease_keys WHERE token IN (SELECT token FROM leases WHERE task_id = ? "
                         "AND state = 'active')", (task_id,))
            cur = conn.execute("UPDATE leases SET state = 'released', finished_at = ? WHERE task_id = ? "
                               "AND state = 'active'", (self.clock(), task_id))
        return cur.rowcount

    def active_leases(self, task_id: str | None = None) -> list[Lease]:
        """Live (unexpired) leases, optionally of one task."""
        sql = f"SELECT {_LEASE_COLS} FROM leases WHERE state = 'active' AND expires_at > ?"
        args: list[Any] = [self.clock()]
        if task_id is not None:
            sql, args = sql + " AND task_id = ?", [*args, task_id]
        return [_row_lease(r) for r in self._conn().execute(sql, args).fetchall()]

    def active_leases_of(self, agent_id: str, now: float | None = None) -> list[str]:
        """Tokens of the agent's live leases."""
        rows = self._conn().execute("SELECT token FROM leases WHERE agent_id = ? AND state = 'active' AND "
                                    "expires_at > ?", (agent_id, self.clock() if now is None else now))
        return [r[0] for r in rows.fetchall()]

    def lease_rows(self) -> list[tuple[str, str, float, float | None]]:
        """(agent id, state, claimed_at, finished_at) of every lease, for statistics."""
        return self._conn().execute("SELECT agent_id, state, claimed_at, finished_at FROM leases").fetchall()


def _row_agent(row: tuple[Any, ...]) -> Agent:
    agent_id, title, roles, caps, capacity = row
    role_list = json.loads(roles)
    return Agent(id=agent_id, title=title, role=role_list[0] if role_list else "", capabilities=frozenset(json.loads(caps)),
                 capacity_hours=float(capacity), roles=frozenset(role_list))


_REGISTRIES: dict[int, tuple[object, AgentRegistry]] = {}
_REGISTRIES_LOCK = threading.Lock()


def registry_for(deps: Any) -> AgentRegistry:
    """The registry of `deps` (one per Deps object, file `<data_dir>/coordination.sqlite`)."""
    with _REGISTRIES_LOCK:
        found = _REGISTRIES.get(id(deps))
        if found is None or found[0] is not deps:
            found = (deps, AgentRegistry(deps.settings.data_dir / "coordination.sqlite"))
            _REGISTRIES[id(deps)] = found
        return found[1]
