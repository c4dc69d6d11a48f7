"""Durable task store: one row per orchestrate task, the whole `OrchestrateOutput` as JSON, on SQLite (WAL).

Each thread gets its own connection (SQLite connections must not be shared across threads without care);
every write runs in its own transaction, so a reader never sees half a task.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from graphs.common.sqlite_conns import ThreadConnections
from graphs.orchestrate.schema import OrchestrateOutput

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    task_id    TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    playbook   TEXT NOT NULL,
    verdict    TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    seq        INTEGER NOT NULL,
    body       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_state_seq ON tasks(state, seq);
CREATE INDEX IF NOT EXISTS tasks_seq ON tasks(seq);
CREATE TABLE IF NOT EXISTS task_inputs (task_id TEXT PRIMARY KEY, body TEXT NOT NULL);
"""


class TaskStoreError(RuntimeError):
    """A stored task could not be read back (corrupt JSON or a schema mismatch)."""


class TaskStore:
    """Upsert and query orchestrate task outputs in a SQLite file."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conns = ThreadConnections(self.path, timeout=10.0)
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return self._conns.get()

    def save(self, output: OrchestrateOutput, input_json: str | None = None) -> None:
        """Insert or replace the task (keyed by task_id); created_at is kept from the first save.

        `input_json` (the OrchestrateInput, dumped) is stored once so an interrupted run can be restarted.
        """
        now = time.time()
        conn = self._connect()
        with conn:  # one transaction: commit on success, rollback on error
            if input_json is not None:
                conn.execute("INSERT OR REPLACE INTO task_inputs VALUES (?, ?)", (output.task_id, input_json))
            # seq orders saves exactly (timestamps can tie); the subquery runs inside this write transaction
            conn.execute(
                """INSERT INTO tasks(task_id, state, playbook, verdict, created_at, updated_at, seq, body)
                   VALUES (?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM tasks), ?)
                   ON CONFLICT(task_id) DO UPDATE SET state=excluded.state, playbook=excluded.playbook,
                       verdict=excluded.verdict, updated_at=excluded.updated_at, seq=excluded.seq,
                       body=excluded.body""",
                (output.task_id, output.state, output.playbook, output.review.verdict, now, now,
                 output.model_dump_json()),
            )

    def get(self, task_id: str) -> OrchestrateOutput | None:
        """The stored task, or None if the id is unknown."""
        row = self._connect().execute("SELECT body FROM tasks WHERE task_id = ?", (task_id,)).fetchone()
        return None if row is None else _load(task_id, row[0])

    def get_input(self, task_id: str) -> str | None:
        """The stored input JSON of a task, or None."""
        row = self._connect().execute("SELECT body FROM task_inputs WHERE task_id = ?", (task_id,)).fetchone()
        return None if row is None else row[0]

    def ids_in_states(self, states: tuple[str, ...], oldest_first: bool = True,
                      limit: int = 1000) -> list[tuple[str, str, float]]:
        """(task id, state, updated_at) of tasks in any of `states`, oldest save first by default."""
        order = "ASC" if oldest_first else "DESC"
        rows = self._connect().execute(
            f"SELECT task_id, state, updated_at FROM tasks WHERE state IN ({','.join('?' * len(states))}) "
            f"ORDER BY seq {order} LIMIT ?", (*states, limit)).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def list(self, state: str | None = None, limit: int = 50) -> list[OrchestrateOutput]:
        """Most recently saved tasks first, optionally only those in `state`."""
        limit = max(1, min(int(limit), 1000))
        conn = self._connect()
        if state is None:
            rows = conn.execute(
                "SELECT task_id, body FROM tasks ORDER BY seq DESC LIMIT ?", (limit,)
            ).fetchall()
        else:
            rows = conn.execute(
                "SELECT task_id, body FROM tasks WHERE state = ? ORDER BY seq DESC LIMIT ?",
                (state, limit),
            ).fetchall()
        return [_load(task_id, body) for task_id, body in rows]

    def counts_by_state(self) -> dict[str, int]:
        """Number of stored tasks per state (states with no task are absent)."""
        rows = self._connect().execute("SELECT state, COUNT(*) FROM tasks GROUP BY state").fetchall()
        return {state: count for state, count in rows}

    def close(self) -> None:
        """Close every connection this store opened (from any thread)."""
        self._conns.close()


def _load(task_id: str, body: str) -> OrchestrateOutput:
    try:
        return OrchestrateOutput.model_validate(json.loads(body))
    except (json.JSONDecodeError, ValueError) as exc:
        raise TaskStoreError(f"task {task_id}: stored body is unreadable ({exc})") from exc
