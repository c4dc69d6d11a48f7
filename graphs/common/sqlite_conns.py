"""One SQLite connection per thread on a WAL database, all closable at once (task store, agent registry)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

_UNSET = object()


class ThreadConnections:
    """Per-thread connections to `path` (WAL, synchronous=NORMAL); `close()` closes them from any thread."""

    def __init__(self, path: Path, *, timeout: float = 10.0, isolation_level: str | None | object = _UNSET) -> None:
        self.path = path
        self._timeout = timeout
        self._isolation = isolation_level
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []

    def get(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            kwargs = {} if self._isolation is _UNSET else {"isolation_level": self._isolation}
            conn = sqlite3.connect(self.path, timeout=self._timeout, check_same_thread=False, **kwargs)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()
