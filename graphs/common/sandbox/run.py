"""Run untrusted code and its tests in a confined child process (see child/confine.py for the layers)."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graphs.common.sandbox.types import Limits, ProcResult, TestOutcome, TestRun

log = logging.getLogger(__name__)

RUNNER = Path(__file__).resolve().parent / "child" / "runner.py"
NOBODY = 65534
_KILL_GRACE_S = 5.0


@dataclass
class _Spawned:
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool
    duration_s: float
    result: dict | None


def _scrubbed_env(scratch: Path) -> dict[str, str]:
    """Only what the child needs; nothing of the server's environment (tokens, keys) is passed on."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": str(scratch),
        "TMPDIR": str(scratch / "tmp"),
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }


def _read_bounded(path: Path, limit: int) -> str:
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    text = data[:limit].decode("utf-8", errors="replace")
    return text + "\n[output truncated]" if len(data) > limit else text


def _prepare_scratch(files: dict[str, str], config: dict) -> Path:
    scratch = Path(tempfile.mkdtemp(prefix="mo-sbx-"))
    (scratch / "tmp").mkdir()
    for name, text in files.items():
        (scratch / name).write_text(text, encoding="utf-8")
    config["scratch"] = str(scratch)
    (scratch / "config.json").write_text(json.dumps(config), encoding="utf-8")
    if os.geteuid() == 0:
        # The child drops to nobody: the scratch dir must be its own (and nothing else is).
        for path in [scratch, *scratch.rglob("*")]:
            os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
    return scratch


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=_KILL_GRACE_S)


def _spawn(mode: str, files: dict[str, str], limits: Limits, coverage: bool = False) -> _Spawned:
    """Write the files into a fresh scratch dir, run the runner there under the limits, collect everything."""
    config = {"mode": mode, "limits": limits.to_json(), "coverage": coverage}
    scratch = _prepare_scratch(files, config)
    io_dir = Path(tempfile.mkdtemp(prefix="mo-sbx-io-"))
    start = time.monotonic()
    timed_out = False
    try:
        with open(io_dir / "out", "wb") as out, open(io_dir / "err", "wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-I", "-B", str(RUNNER), str(scratch / "config.json")],
                cwd=scratch, env=_scrubbed_env(scratch), stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                start_new_session=True, close_fds=True,
            )
            try:
                proc.wait(timeout=limits.timeout_s)
            except subprocess.TimeoutExpired:
                timed_out = True
            # Always sweep the group: leftover children of a finished run must not outlive it either.
            _kill_group(proc)
        duration = time.monotonic() - start
        result = None
        result_path = scratch / "result.json"
        if not timed_out and result_path.is_file():
            try:
                result = json.loads(result_path.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                log.warning("sandbox result unreadable: %s", exc)
        return _Spawned(
            returncode=proc.returncode,
            stdout=_read_bounded(io_dir / "out", limits.max_output_bytes),
            stderr=_read_bounded(io_dir / "err", limits.max_output_bytes),
            timed_out=timed_out,
            duration_s=duration,
            result=result,
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(io_dir, ignore_errors=True)


def _syntax_error(code: str, filename: str) -> str | None:
    try:
        compile(code, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return f"{type(exc).__name__}: {exc.msg} ({filename}, line {exc.lineno})"
    except ValueError as exc:  # e.g. null bytes in the source
        return f"ValueError: {exc}"
    return None


def _crash_reason(spawned: _Spawned) -> str:
    tail = [ln for ln in spawned.stderr.strip().splitlines() if ln.strip()]
    rc = spawned.returncode
    what = f"killed by signal {-rc if rc < 0 else rc - 128}" if rc < 0 or rc > 128 else f"exit code {rc}"
    return f"{what}: {tail[-1][:300]}" if tail else what


def run_tests(code: str, tests: str, limits: Limits, *, coverage: bool = False) -> TestRun:
    """Run pytest-style `tests` against `code` (as solution.py) in the sandbox.

    The tests get ``from solution import *`` prepended. A syntax error in `code` returns compiled=False
    without spawning. With `coverage`, maps each test to the solution.py lines it executed.
    """
    error = _syntax_error(code, "solution.py")
    if error:
        return TestRun(False, error, [], False, None, 0.0, None)
    files = {
        "solution.py": code,
        "test_solution.py": "from solution import *  # noqa\n" + tests,
        "pytest.ini": "[pytest]\n",
    }
    spawned = _spawn("pytest", files, limits, coverage)
    if spawned.timed_out:
        return TestRun(True, None, [], True, None, spawned.duration_s, None)
    res = spawned.result
    if res is None:
        return TestRun(True, None, [], False, _crash_reason(spawned), spawned.duration_s, None)
    outcomes = [TestOutcome(o["name"], bool(o["passed"]), o["error"]) for o in res["outcomes"]]
    import_error = "; ".join(res["collect_errors"]) or None
    if import_error is None and not outcomes and res["exit_code"] not in (0, 5):
        import_error = f"pytest exit code {res['exit_code']}: {spawned.stdout.strip()[-300:]}"
    return TestRun(True, import_error, outcomes, False, None, spawned.duration_s, res.get("coverage"))


def run_python(code: str, limits: Limits) -> ProcResult:
    """Execute `code` as ``__main__`` in the sandbox; stdout/stderr are captured up to the output limit."""
    spawned = _spawn("script", {"solution.py": code}, limits)
    rc = spawned.returncode
    if spawned.result is not None:
        rc = int(spawned.result["exit_code"])
    return ProcResult(rc, spawned.stdout, spawned.stderr, spawned.timed_out)


@lru_cache(maxsize=1)
def _probe() -> dict:
    spawned = _spawn("script", {"solution.py": "pass\n"}, Limits(timeout_s=15.0))
    if spawned.result is None:
        return {"ok": False, "error": _crash_reason(spawned)}
    return {"ok": True, **spawned.result["isolation"]}


def isolation_report() -> dict:
    """Which isolation layers are active on this machine, found by running a probe in the sandbox (cached)."""
    report = dict(_probe())
    report["env_scrubbed"] = set(report.get("env_keys", [])) <= set(_scrubbed_env(Path("/")))
    return report
