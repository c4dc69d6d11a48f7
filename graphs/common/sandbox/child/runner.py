"""Sandbox runner: confine this process, then run pytest on test_solution.py or run solution.py as a script.

Invoked by the parent as ``python -I -B runner.py <config.json>``. Results go to ``result.json`` in the
scratch dir (never stdout, which the code under test can pollute). Must not import the ``graphs`` package.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import batch  # noqa: E402
import confine  # noqa: E402


def _one_line(typename: str, value: object) -> str:
    text = str(value).strip().splitlines()
    return f"{typename}: {text[0]}"[:300] if text else typename


HANG_AT = 0.8  # share of the time limit after which a coverage run interrupts the test that is still running


class HangInterrupt(BaseException):
    """Raised in a test still running near the time limit, so its traceback shows where it spins (a BaseException:
    the code's own `except Exception` cannot swallow it)."""


class _Collector:
    """pytest plugin recording one outcome per test, collection errors and per-test line coverage; with
    `hang_after_s`, a test still running then is interrupted where it is and the later ones are skipped."""

    def __init__(self, solution: str, coverage: bool, hang_after_s: float | None = None) -> None:
        self.solution = solution
        self.coverage = coverage
        self.outcomes: dict[str, dict] = {}
        self.collect_errors: list[str] = []
        self.lines: dict[str, set[int]] = {}
        self.fail_lines: dict[str, int] = {}
        self.hang_after_s = hang_after_s
        self.armed = self.hung = False

    def _on_alarm(self, signum, frame) -> None:
        import signal

        while frame is not None and frame.f_code.co_filename != self.solution:
            frame = frame.f_back
        if frame is None:  # not inside the code under test right now: look again shortly
            signal.setitimer(signal.ITIMER_REAL, 0.02)
            return
        self.hung = True
        raise HangInterrupt(f"still running after {self.hang_after_s:.2f} s")

    def pytest_runtest_setup(self, item):
        if self.hung:
            import pytest

            pytest.skip("not run: an earlier test was still running near the time limit")

    def pytest_sessionfinish(self, session, exitstatus):
        if self.armed:
            import signal

            signal.setitimer(signal.ITIMER_REAL, 0)

    def _tracer(self, sink: set[int]):
        target = self.solution

        def local(frame, event, arg):
            if event == "line":
                sink.add(frame.f_lineno)
            return local

        def global_(frame, event, arg):
            if frame.f_code.co_filename == target:
                return local
            return None

        return global_

    def pytest_runtest_protocol(self, item, nextitem):
        import threading

        if self.hang_after_s and not self.armed:
            import signal

            signal.signal(signal.SIGALRM, self._on_alarm)
            signal.setitimer(signal.ITIMER_REAL, self.hang_after_s)
            self.armed = True
        if not self.coverage:
            return None
        sink = self.lines.setdefault(item.nodeid.split("::", 1)[-1], set())
        tracer = self._tracer(sink)
        sys.settrace(tracer)
        threading.settrace(tracer)
        return None

    def pytest_runtest_logfinish(self, nodeid, location):
        if self.coverage:
            import threading

            sys.settrace(None)
            threading.settrace(None)

    def pytest_runtest_makereport(self, item, call):
        """Remember the last solution.py line in the traceback of a failing test (saves a re-run)."""
        if call.excinfo is None:
            return None
        tb, line = call.excinfo.tb, None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.solution:
                line = tb.tb_lineno
            tb = tb.tb_next
        name = item.nodeid.split("::", 1)[-1]
        if line is not None and name not in self.fail_lines:
            self.fail_lines[name] = line
        return None

    def pytest_runtest_logreport(self, report):
        name = report.nodeid.split("::", 1)[-1]
        prev = self.outcomes.get(name)
        if report.failed:
            crash = getattr(report.longrepr, "reprcrash", None)
            err = (crash.message.strip().splitlines() or ["Failed"])[0][:300] if crash else _one_line(
                "Failed", report.longreprtext)
            if err.startswith("assert "):
                err = f"AssertionError: {err}"
            if report.when != "call":
                err = f"{report.when}: {err}"
            if prev is None or prev["passed"]:
                self.outcomes[name] = {"name": name, "passed": False, "error": err,
                                       "line": self.fail_lines.get(name)}
        elif report.when == "call" and prev is None:
            if report.skipped and not hasattr(report, "wasxfail"):
                return
            self.outcomes[name] = {"name": name, "passed": True, "error": ""}

    def pytest_collectreport(self, report):
        if report.failed:
            text = report.longreprtext.strip().splitlines()
            errors = [ln.lstrip("E ").strip() for ln in text if ln.startswith("E ")]
            self.collect_errors.append((errors[-1] if errors else (text[-1] if text else "collection error"))[:300])


def _run_pytest(cfg: dict, report: dict, audit: bool = True) -> dict:
    import pytest

    scratch = cfg["scratch"]
    hang_after = HANG_AT * float(cfg["limits"]["timeout_s"]) if cfg["coverage"] else None
    collector = _Collector(os.path.join(scratch, "solution.py"), cfg["coverage"], hang_after)
    if audit:
        confine.install_audit_hook(scratch, report)
    args = [os.path.join(scratch, "test_solution.py"), "-q", "-p", "no:cacheprovider", "-p", "no:stepwise",
            "-c", os.path.join(scratch, "pytest.ini"), "--rootdir", scratch,
            "--basetemp", os.path.join(scratch, "tmp", "pytest")]
    exit_code = pytest.main(args, plugins=[collector])
    return {
        "exit_code": int(exit_code),
        "outcomes": list(collector.outcomes.values()),
        "collect_errors": collector.collect_errors,
        "coverage": {k: sorted(v) for k, v in collector.lines.items()} if cfg["coverage"] else None,
    }


def _run_script(cfg: dict, report: dict) -> dict:
    confine.install_audit_hook(cfg["scratch"], report)
    try:
        runpy.run_path(os.path.join(cfg["scratch"], "solution.py"), run_name="__main__")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        return {"exit_code": code}
    except BaseException:  # noqa: BLE001 - untrusted code: report any failure as exit 1, like python does
        traceback.print_exc()
        return {"exit_code": 1}
    return {"exit_code": 0}


def main() -> None:
    with open(sys.argv[1]) as fh:
        cfg = json.load(fh)
    scratch = cfg["scratch"]
    report: dict = {"euid_start": os.geteuid()}
    if cfg["mode"] in ("pytest", "batch", "serve"):
        import pytest  # noqa: F401 - import while the venv is certainly reachable

    keep = [p for p in sys.path if p and os.path.isdir(p)] + [sys.prefix, sys.base_prefix]
    confine.enter_sandbox(scratch, cfg["limits"], keep, report)
    if cfg["mode"] in ("batch", "serve"):
        # Each candidate is confined (rlimits, privilege drop, audit hook) in its own fork child.
        (batch.run_batch if cfg["mode"] == "batch" else batch.serve)(cfg, report, _run_pytest)
        os._exit(0)
    os.chdir(scratch)
    confine.set_rlimits(cfg["limits"], report)
    confine.drop_privileges(scratch, report)
    report["env_keys"] = sorted(os.environ)
    sys.path.insert(0, scratch)
    sys.argv = [os.path.join(scratch, "solution.py")]
    sys.stdout.flush()
    result = _run_pytest(cfg, report) if cfg["mode"] == "pytest" else _run_script(cfg, report)
    result["isolation"] = report
    sys.stdout.flush()
    sys.stderr.flush()
    with open(os.path.join(scratch, "result.json"), "w") as fh:
        json.dump(result, fh)
    os._exit(result["exit_code"] & 0xFF if cfg["mode"] == "script" else 0)


if __name__ == "__main__":
    main()
