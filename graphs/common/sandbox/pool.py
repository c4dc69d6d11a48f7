"""Pre-forked sandbox workers: confined processes that imported and warmed pytest once, then validate batches.

A worker is the sandbox runner in "serve" mode: it enters its namespaces and private mounts at start, keeps
a scratch root of its own, and forks one fully confined child per candidate (rlimits, privilege drop, audit
hook; leftovers swept between candidates). Requests and answers are length-prefixed JSON on its stdin/stdout.
A worker that misses a deadline, dies or answers garbage is killed and replaced; callers then fall back to a
one-shot sandbox process.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from graphs.common.sandbox.types import Limits

log = logging.getLogger(__name__)

_START_TIMEOUT_S = 15.0
_MAX_IDLE = 4
_MAX_ANSWER = 64 * 1024 * 1024


class WorkerError(RuntimeError):
    """The worker died, timed out or broke the protocol (it has been killed)."""


def _readable(fd: int, timeout_s: float) -> bool:
    """poll() rather than select(): descriptors above 1023 are legal in a long-running server."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    return bool(poller.poll(max(0, int(timeout_s * 1000))))


def _read_exact(fd: int, n: int, deadline: float) -> bytes:
    chunks, left = [], n
    while left:
        wait = deadline - time.monotonic()
        if wait <= 0 or not _readable(fd, wait):
            raise WorkerError("sandbox worker did not answer in time")
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise WorkerError("sandbox worker exited")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class Worker:
    """One pre-forked sandbox process (not thread-safe: the pool hands it to one caller at a time)."""

    def __init__(self, runner: Path, env_for, chown_to: int | None) -> None:
        self.scratch = Path(tempfile.mkdtemp(prefix="mo-sbx-w-"))
        os.chmod(self.scratch, 0o755)
        (self.scratch / "tmp").mkdir()
        config = {"mode": "serve", "limits": Limits().to_json(), "coverage": False, "scratch": str(self.scratch)}
        (self.scratch / "config.json").write_text(json.dumps(config), encoding="utf-8")
        if chown_to is not None:
            os.chown(self.scratch / "tmp", chown_to, chown_to)
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-B", str(runner), str(self.scratch / "config.json")],
            cwd=self.scratch, env=env_for(self.scratch), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
        try:
            hello = self._answer(time.monotonic() + _START_TIMEOUT_S)
        except WorkerError:
            self.close()
            raise
        if not hello.get("ready"):
            self.close()
            raise WorkerError("sandbox worker did not start")

    def _answer(self, deadline: float) -> dict:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        size = int.from_bytes(_read_exact(fd, 8, deadline), "big")
        if size > _MAX_ANSWER:
            raise WorkerError("sandbox worker answer too large")
        try:
            value = json.loads(_read_exact(fd, size, deadline).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise WorkerError(f"sandbox worker answer unreadable: {exc}") from exc
        if not isinstance(value, dict):
            raise WorkerError("sandbox worker answer is not an object")
        return value

    def run(self, request: dict, timeout_s: float) -> list[dict]:
        """Send one batch; the per-candidate result lines, or WorkerError (the worker is then closed)."""
        assert self.proc.stdin is not None
        data = json.dumps(request).encode("utf-8")
        try:
            self.proc.stdin.write(len(data).to_bytes(8, "big") + data)
            self.proc.stdin.flush()
            answer = self._answer(time.monotonic() + timeout_s)
        except (OSError, WorkerError) as exc:
            self.close()
            raise WorkerError(str(exc)) from exc
        lines = answer.get("lines")
        if not isinstance(lines, list):
            self.close()
            raise WorkerError("sandbox worker answer has no result lines")
        return lines

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        """Kill the worker's whole process group and remove its scratch root."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            log.warning("sandbox worker %s did not exit after SIGKILL", self.proc.pid)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        shutil.rmtree(self.scratch, ignore_errors=True)


class WorkerPool:
    """Idle workers handed out one caller at a time; created on demand, at most `_MAX_IDLE` kept."""

    def __init__(self, runner: Path, env_for, chown_to: int | None) -> None:
        self._args = (runner, env_for, chown_to)
        self._idle: list[Worker] = []
        self._lock = threading.Lock()
        atexit.register(self.close)

    def run(self, request: dict, timeout_s: float) -> list[dict]:
        """Run one batch request on an idle (or new) worker."""
        with self._lock:
            dead = [w for w in self._idle if not w.alive]
            self._idle = [w for w in self._idle if w.alive]
            worker = self._idle.pop() if self._idle else None
        for gone in dead:
            gone.close()
        if worker is None:
            worker = Worker(*self._args)
        lines = worker.run(request, timeout_s)
        with self._lock:
            if worker.alive and len(self._idle) < _MAX_IDLE:
                self._idle.append(worker)
                worker = None
        if worker is not None:
            worker.close()
        return lines

    def warm(self, count: int = 2) -> None:
        """Top the idle pool up to `count` live workers ahead of the first request (never beyond _MAX_IDLE)."""
        with self._lock:
            alive = sum(1 for w in self._idle if w.alive)
        missing = max(0, min(count, _MAX_IDLE) - alive)
        started = [Worker(*self._args) for _ in range(missing)]
        with self._lock:
            room = max(0, _MAX_IDLE - len(self._idle))
            self._idle.extend(started[:room])
            surplus = started[room:]
        for worker in surplus:
            worker.close()

    def close(self) -> None:
        """Stop every idle worker."""
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.close()
