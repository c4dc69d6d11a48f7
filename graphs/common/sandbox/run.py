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

from graphs.common.sandbox.pool import WorkerError, WorkerPool
from graphs.common.sandbox.types import Limits, ProcResult, TestOutcome, TestRun

log = logging.getLogger(__name__)

RUNNER = Path(__file__).resolve().parent / "child" / "runner.py"
NOBODY = 65534
_KILL_GRACE_S = 5.0
_BATCH_STARTUP_S = 5.0
HANG_MARK = "HangInterrupt"  # child/runner.py: the exception a coverage run raises in a test near the limit
_BATCH_SLACK_S = 0.5


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


def _prepare_scratch(files: dict[str, str], config: dict, *, give_to_nobody: bool = True) -> Path:
    scratch = Path(tempfile.mkdtemp(prefix="mo-sbx-"))
    (scratch / "tmp").mkdir()
    for name, text in files.items():
        (scratch / name).write_text(text, encoding="utf-8")
    config["scratch"] = str(scratch)
    (scratch / "config.json").write_text(json.dumps(config), encoding="utf-8")
    if os.geteuid() == 0 and give_to_nobody:
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


def _spawn(mode: str, files: dict[str, str], limits: Limits, coverage: bool = False, *,
           candidates: list[dict[str, str]] | None = None, total_timeout_s: float | None = None,
           deadline_s: float | None = None) -> _Spawned:
    """Write the files into a fresh scratch dir, run the runner there under the limits, collect everything.

    In batch mode the scratch stays the runner's own (candidates get nobody-owned subdirs one at a time) and
    the per-line results file is returned as ``result``'s ``"lines"``.
    """
    config = {"mode": mode, "limits": limits.to_json(), "coverage": coverage}
    if candidates is not None:
        config["candidates"] = candidates
        config["deadline_s"] = deadline_s
    scratch = _prepare_scratch(files, config, give_to_nobody=candidates is None)
    if candidates is not None:
        os.chmod(scratch, 0o755)  # traversable by the nobody-owned candidate dirs below it
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
                proc.wait(timeout=total_timeout_s or limits.timeout_s)
            except subprocess.TimeoutExpired:
                timed_out = True
            # Always sweep the group: leftover children of a finished run must not outlive it either.
            _kill_group(proc)
        duration = time.monotonic() - start
        result = None
        result_path = scratch / "result.json"
        if candidates is not None:
            result = {"lines": _batch_lines(scratch / "results.jsonl")}
        elif not timed_out and result_path.is_file():
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


@lru_cache(maxsize=1)
def _pool() -> WorkerPool:
    """The process-wide pool of pre-forked sandbox workers (created on first use)."""
    return WorkerPool(RUNNER, _scrubbed_env, NOBODY if os.geteuid() == 0 else None)


def warm_workers(count: int = 2) -> None:
    """Start `count` pre-forked sandbox workers now, so the first repair does not pay for them."""
    _pool().warm(count)


def _batch_lines(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    out = []
    for text in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            out.append(json.loads(text))
        except json.JSONDecodeError as exc:  # a line cut by the outer timeout
            log.warning("sandbox batch line unreadable: %s", exc)
    return out


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
    return _to_run(res, spawned.duration_s, spawned.stdout)


def _to_run(res: dict, duration_s: float, stdout: str) -> TestRun:
    outcomes = [TestOutcome(o["name"], bool(o["passed"]), o["error"],
                            o.get("line") if isinstance(o.get("line"), int) else None) for o in res["outcomes"]]
    import_error = "; ".join(res["collect_errors"]) or None
    if import_error is None and not outcomes and res["exit_code"] not in (0, 5):
        import_error = f"pytest exit code {res['exit_code']}: {stdout.strip()[-300:]}"
    # A coverage run interrupts a test still running near the limit (its line shows where it spun): a timeout
    # whose outcomes and coverage survived.
    hung = any(HANG_MARK in o.error for o in outcomes if not o.passed)
    return TestRun(True, import_error, outcomes, hung, None, duration_s, res.get("coverage"))


def _batch_run(line: dict | None) -> TestRun:
    if line is None:
        return TestRun(True, None, [], False, NOT_RUN, 0.0, None)
    duration = float(line.get("duration_s", 0.0))
    if line.get("timed_out"):
        return TestRun(True, None, [], True, None, duration, None)
    res = line.get("result")
    if not isinstance(res, dict) or not isinstance(res.get("outcomes"), list):
        tail = [ln for ln in str(line.get("stderr", "")).strip().splitlines() if ln.strip()]
        rc = line.get("returncode")
        what = f"killed by signal {-rc}" if isinstance(rc, int) and rc < 0 else f"exit code {rc}"
        return TestRun(True, None, [], False, f"{what}: {tail[-1][:300]}" if tail else what, duration, None)
    try:
        return _to_run(res, duration, "")
    except (KeyError, TypeError) as exc:
        return TestRun(True, None, [], False, f"malformed result: {exc}", duration, None)


NOT_RUN = "not run: the batch deadline was reached first"


def run_tests_many(codes: list[str], tests: str, limits: Limits, *, coverage: bool = False,
                   deadline_s: float | None = None) -> list[TestRun]:
    """Run the same tests against several candidate solutions in ONE sandbox process, in order.

    The process imports pytest once, then forks one fully confined child per candidate (rlimits, privilege
    drop, audit hook, own scratch dir created only after the previous candidate and all its processes are
    gone). `limits.timeout_s` applies to each candidate. With `deadline_s`, no candidate starts (or runs) past
    that many seconds after the first one started; those not started come back with ``crashed == NOT_RUN``.
    Results are in the order of `codes`.
    """
    runs: dict[int, TestRun] = {}
    todo: list[int] = []
    for i, code in enumerate(codes):
        error = _syntax_error(code, "solution.py")
        if error:
            runs[i] = TestRun(False, error, [], False, None, 0.0, None)
        else:
            todo.append(i)
    if todo:
        test_file = "from solution import *  # noqa\n" + tests
        candidates = [{"solution.py": codes[i], "test_solution.py": test_file, "pytest.ini": "[pytest]\n"}
                      for i in todo]
        total = len(todo) * (limits.timeout_s + _BATCH_SLACK_S)
        if deadline_s is not None:
            total = min(total, deadline_s + limits.timeout_s + _BATCH_SLACK_S)
        request = {"candidates": candidates, "limits": limits.to_json(), "coverage": coverage,
                   "deadline_s": deadline_s}
        try:
            got = _pool().run(request, total + _BATCH_SLACK_S)
        except WorkerError as exc:
            log.warning("sandbox worker failed (%s); running the batch in a one-shot sandbox", exc)
            spawned = _spawn("batch", {}, limits, coverage, candidates=candidates,
                             total_timeout_s=total + _BATCH_STARTUP_S, deadline_s=deadline_s)
            got = (spawned.result or {}).get("lines", [])
        lines = {ln.get("index"): ln for ln in got if isinstance(ln, dict)}
        for pos, i in enumerate(todo):
            runs[i] = _batch_run(lines.get(pos))
    return [runs[i] for i in range(len(codes))]


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
