"""Helpers to run the real server as a subprocess (stdio or HTTP) with bounded waits."""

from __future__ import annotations

import contextlib
import queue
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import REPO, server_command, server_env

START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def http_server(data_dir: Path, embedding: str = "hash") -> Iterator[str]:
    """Start `serve --http` on a free loopback port; yield its URL once uvicorn says it is listening."""
    port = free_port()
    env = server_env(data_dir, embedding) | {"MO_LOG_LEVEL": "INFO"}
    proc = subprocess.Popen(
        [*server_command(), "--http", f"127.0.0.1:{port}"],
        cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    try:
        seen: list[str] = []
        while True:
            try:
                line = lines.get(timeout=START_TIMEOUT_S)
            except queue.Empty as exc:
                raise TimeoutError(f"server did not start within {START_TIMEOUT_S}s: {''.join(seen)[-2000:]}") from exc
            if line is None:
                raise RuntimeError(f"server exited early: {''.join(seen)[-2000:]}")
            seen.append(line)
            if "Uvicorn running on" in line or "Application startup complete" in line:
                break
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
