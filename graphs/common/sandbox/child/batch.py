"""Batch mode of the sandbox runner: one confined namespace, one pytest import, one fork per candidate.

The batch parent (root of the private pid namespace when available) materialises candidate i's directory only
after candidate i-1 and every process it left behind are gone, so candidates cannot see or tamper with each
other. Each fork child is confined exactly like a single run: rlimits, privilege drop, no new privileges,
death signal, audit hook. Must not import the ``graphs`` package.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import time

import confine

_RESULT_LIMIT = 4_000_000
_STDERR_TAIL = 4_000
_SWEEP_DIRS = ("/tmp", "/var/tmp", "/dev/shm")


def _write_candidate(root: str, index: int, files: dict[str, str], owner: int | None) -> str:
    path = os.path.join(root, f"c{index}")
    os.mkdir(path, 0o700)
    os.mkdir(os.path.join(path, "tmp"), 0o700)
    for name, text in files.items():
        with open(os.path.join(path, name), "w", encoding="utf-8") as fh:
            fh.write(text)
    if owner is not None:
        for dirpath, dirnames, filenames in os.walk(path):
            for name in [dirpath, *(os.path.join(dirpath, n) for n in dirnames + filenames)]:
                os.chown(name, owner, owner, follow_symlinks=False)
    return path


def _wait(pid: int, timeout_s: float) -> tuple[int | None, bool]:
    """Wait for `pid` at most `timeout_s`; returns (wait status or None, timed_out)."""
    deadline = time.monotonic() + timeout_s
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status, False
            left = deadline - time.monotonic()
            if left <= 0:
                return None, True
            if fd is not None:
                select.select([fd], [], [], left)
            else:
                time.sleep(min(0.01, left))
    finally:
        if fd is not None:
            os.close(fd)


def _sweep(pid: int) -> None:
    """Kill the candidate and everything it spawned; clean the shared tmpfs dirs for the next candidate."""
    try:
        if os.getpid() == 1:
            os.kill(-1, signal.SIGKILL)  # as pid-namespace init: every other process in the namespace
        else:
            os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    if os.getpid() == 1:
        while True:  # reap every leftover (all were SIGKILLed, so this ends) so none is visible, even as zombie
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                break
        for d in _SWEEP_DIRS:
            if os.path.isdir(d):
                for name in os.listdir(d):
                    full = os.path.join(d, name)
                    if os.path.ismount(full):  # the scratch dir and kept paths are bind mounts: keep them
                        continue
                    if os.path.isdir(full) and not os.path.islink(full):
                        shutil.rmtree(full, ignore_errors=True)
                    else:
                        try:
                            os.unlink(full)
                        except OSError:
                            pass


def _tail(path: str, limit: int) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - limit))
            return fh.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def _read_result(path: str) -> dict | None:
    try:
        with open(path, "rb") as fh:
            data = fh.read(_RESULT_LIMIT + 1)
    except OSError:
        return None
    if len(data) > _RESULT_LIMIT:
        return None
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _run_child(cdir: str, cfg: dict, report: dict, run_pytest) -> None:
    """In the fork child: redirect output, confine, run pytest, write the result, exit."""
    os.setpgid(0, 0)
    os.closerange(3, 65536)  # nothing of the worker's (request/answer pipes, pidfds) reaches the candidate
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    for fd, name in ((1, "out"), (2, "err")):
        target = os.open(os.path.join(cdir, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    os.environ.update({"HOME": cdir, "TMPDIR": os.path.join(cdir, "tmp")})
    import tempfile

    tempfile.tempdir = None  # the warm-up cached the batch dir's tmp
    os.chdir(cdir)
    confine.set_rlimits(cfg["limits"], report)
    confine.drop_privileges(cdir, report)
    import sys

    sys.path.insert(0, cdir)
    sys.argv = [os.path.join(cdir, "solution.py")]
    status = 0
    try:
        result = run_pytest({**cfg, "scratch": cdir}, report)
        result["isolation"] = report
        with open(os.path.join(cdir, "result.json"), "w") as fh:
            json.dump(result, fh)
    except BaseException:  # noqa: BLE001 - untrusted code may raise anything; the parent reports a crash
        import traceback

        traceback.print_exc()
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


_WARMUP_TEST = """import pytest


@pytest.fixture
def base():
    return 2


@pytest.mark.parametrize("n", [1, 2])
def test_warm(base, n):
    with pytest.raises(ZeroDivisionError):
        base / 0
    assert base * n == n + n
"""


def _warm_up(scratch: str, cfg: dict, run_pytest) -> None:
    """Run pytest once on a trusted file so its lazy imports happen here, not in every candidate child."""
    import sys

    wdir = os.path.join(scratch, "warm")
    os.mkdir(wdir, 0o700)
    os.mkdir(os.path.join(wdir, "tmp"), 0o700)
    for name, text in (("test_solution.py", _WARMUP_TEST), ("pytest.ini", "[pytest]\n")):
        with open(os.path.join(wdir, name), "w", encoding="utf-8") as fh:
            fh.write(text)
    saved_path = list(sys.path)
    devnull = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(1)
    os.dup2(devnull, 1)
    try:
        run_pytest({**cfg, "scratch": wdir, "coverage": False}, {}, audit=False)
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
    sys.path[:] = saved_path
    for name in [m for m in sys.modules if m in ("test_solution", "solution", "conftest")]:
        del sys.modules[name]
    shutil.rmtree(wdir, ignore_errors=True)


def _run_candidates(cfg: dict, report: dict, run_pytest, on_line) -> None:
    """Run every candidate of ``cfg["candidates"]`` in turn; hand one result dict per candidate to `on_line`."""
    scratch = cfg["scratch"]
    owner = confine.NOBODY if os.geteuid() == 0 else None
    timeout_s = float(cfg["limits"]["timeout_s"])
    deadline = time.monotonic() + float(cfg.get("deadline_s") or 1e9)
    for index, files in enumerate(cfg["candidates"]):
        if time.monotonic() >= deadline:
            break  # the rest are reported as not run
        cdir = _write_candidate(scratch, index, files, owner)
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            try:
                _run_child(cdir, cfg, dict(report), run_pytest)
            finally:
                os._exit(1)  # never return into the parent's loop
        status, timed_out = _wait(pid, max(0.05, min(timeout_s, deadline - start)))
        duration = time.monotonic() - start
        if timed_out:
            _sweep(pid)
        line = {"index": index, "timed_out": timed_out, "duration_s": duration,
                "returncode": None if status is None else os.waitstatus_to_exitcode(status),
                "result": None if timed_out else _read_result(os.path.join(cdir, "result.json")),
                "stderr": _tail(os.path.join(cdir, "err"), _STDERR_TAIL)}
        _sweep(pid)
        on_line(line)
        shutil.rmtree(cdir, ignore_errors=True)


def run_batch(cfg: dict, report: dict, run_pytest) -> None:
    """One-shot batch: results go to ``results.jsonl`` line by line (partial results survive a kill)."""
    out_path = os.path.join(cfg["scratch"], "results.jsonl")
    if len(cfg["candidates"]) > 1:
        _warm_up(cfg["scratch"], cfg, run_pytest)

    def append(line: dict) -> None:
        with open(out_path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(line) + "\n")

    _run_candidates(cfg, report, run_pytest, append)


def _read_frame(fd: int) -> bytes | None:
    head = _read_exact(fd, 8)
    return None if head is None else _read_exact(fd, int.from_bytes(head, "big"))


def _read_exact(fd: int, n: int) -> bytes | None:
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _write_frame(fd: int, data: bytes) -> None:
    view = memoryview(len(data).to_bytes(8, "big") + data)
    while view:
        view = view[os.write(fd, view):]


def serve(cfg: dict, report: dict, run_pytest) -> None:
    """Pre-forked worker: warm pytest once, then answer length-prefixed JSON batch requests on stdin until EOF.

    The request/answer pipes are moved off fds 0/1 so no candidate child can inherit them as stdio.
    """
    requests, answers = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    os.set_inheritable(requests, False)
    os.set_inheritable(answers, False)
    _warm_up(cfg["scratch"], cfg, run_pytest)
    _write_frame(answers, json.dumps({"ready": True, "isolation": report}).encode())
    while True:
        frame = _read_frame(requests)
        if frame is None:
            return
        req = json.loads(frame.decode("utf-8"))
        lines: list[dict] = []
        _run_candidates({**cfg, **req}, report, run_pytest, lines.append)
        _write_frame(answers, json.dumps({"lines": lines}).encode())
