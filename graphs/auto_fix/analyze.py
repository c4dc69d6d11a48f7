"""The analyze stage: parse the error, find tests (given or doctest), run the baseline, localize the fault."""

from __future__ import annotations

import ast
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.classify import classify_error
from graphs.auto_fix.dataflow import data_sources, return_slice
from graphs.auto_fix.doctests import context_tests, doctest_tests, prose_tests
from graphs.auto_fix.edits import enclosing_function
from graphs.auto_fix.localize import ochiai, rank_lines
from graphs.auto_fix.schema import Analysis, Location, StaticFinding
from graphs.auto_fix.traceback_parse import ParsedError, align_line, check_syntax, parse_traceback
from graphs.common.config import Settings

log = logging.getLogger(__name__)


NOTHING_TO_FIX = "all tests already pass on the original code and no error was given: nothing to fix"


HANG_TIMEOUT_S = 0.7  # per candidate once the original hangs (a fixed loop on test-sized input is fast)


@dataclass
class AnalysisResult:
    """Everything the analyze node hands on."""

    analysis: Analysis
    fix_context: FixContext
    effective_tests: str
    findings: list[Any]
    baseline_passed: int = 0
    candidate_timeout_s: float = 2.0
    notes: list[str] = field(default_factory=list)
    baseline_timed_out: bool = False  # the original ran into the limit on the tests


def _to_static(findings: list[Any]) -> list[StaticFinding]:
    out = []
    for f in findings:
        tool = f.tool if f.tool in ("semgrep", "ruff") else "semgrep"
        out.append(StaticFinding(tool=tool, rule_id=f.rule_id, message=f.message, line=f.line or 0,
                                 severity=f.severity or "warning", cwe=f.cwe))
    return out


def _reproduce(code: str, tests: str, test_name: str, settings: Settings) -> ParsedError | None:
    """Re-run one failing test as a script in the sandbox to get a full traceback (pytest's one-line reason has
    no line numbers). The tests go after the code, so solution lines keep their numbers."""
    from graphs.common.sandbox import Limits, run_python

    func = test_name.split("[", 1)[0].split("::")[-1]
    if not func.isidentifier():
        return None
    script = (f"{code}\n\n{tests}\n\nimport traceback as _tb\ntry:\n    {func}()\n"
              "except BaseException:\n    _tb.print_exc()\n")
    limits = Limits(timeout_s=min(settings.sandbox_timeout_s, 2.0), memory_mb=settings.sandbox_memory_mb)
    result = run_python(script, limits)
    if result.timed_out:
        return None
    parsed = parse_traceback(result.stderr)
    n_code = len(code.splitlines())
    # Keep only frames inside the original code (the appended tests come after it).
    frames = tuple(f for f in parsed.frames if f.file.endswith("solution.py") and f.line <= n_code)
    if not frames:
        return parsed if parsed.exception_type else None
    last = frames[-1]
    return ParsedError(parsed.exception_type, parsed.message, frames, last.line, last.function, None, "traceback")


def _failure_reason(failing: list[Any]) -> tuple[Any, ParsedError]:
    """The first failing test and what its error says; a later test when the first one's text says nothing
    (no exception, no message such as pytest's "DID NOT RAISE")."""
    for outcome in failing:
        reason = parse_traceback(outcome.error)
        if reason.exception_type or reason.message:
            return outcome, reason
    return failing[0], parse_traceback(failing[0].error)


_QUOTED_NAME = re.compile(r"(?:attribute|name) '(\w+)'")


def _line_from_message(tree: ast.Module | None, message: str) -> int | None:
    """Without a traceback line: the first line using the attribute/name the message quotes."""
    m = _QUOTED_NAME.search(message)
    if tree is None or not m:
        return None
    name = m[1]
    lines = [n.lineno for n in ast.walk(tree)
             if (isinstance(n, ast.Attribute) and n.attr == name) or (isinstance(n, ast.Name) and n.id == name)]
    return min(lines) if lines else None


def _loop_lines(tree: ast.Module | None) -> list[int]:
    if tree is None:
        return []
    return sorted({n.lineno for n in ast.walk(tree) if isinstance(n, ast.While | ast.For)})


def analyze(code: str, error_message: str, context: str, tests: str, settings: Settings, *,
            static: bool = True) -> AnalysisResult:
    """Run the whole analysis (at most two sandbox runs plus one static scan, unless `static` is off)."""
    from graphs.common.sandbox import Limits, run_tests_many
    from graphs.common.sandbox.run import HANG_MARK
    from graphs.common.static import scan

    notes: list[str] = []
    parsed = check_syntax(code)
    tree = None if parsed else ast.parse(code)
    if parsed is None:
        parsed = align_line(parse_traceback(error_message), code) if error_message else ParsedError()
    tests_source = "given" if tests.strip() else "none"
    effective = tests if tests.strip() else ""
    if effective and check_syntax(effective) is not None:
        bad = check_syntax(effective)
        notes.append(f"the given tests do not compile ({bad.message}, line {bad.line}); they were ignored")
        effective, tests_source = "", "none"
    if not effective:
        effective = doctest_tests(code, context)
        if effective:
            tests_source = "doctest"
            notes.append("no tests given: tests were derived from the doctest examples")
    stated = context_tests(code, context) if tests_source == "given" else prose_tests(code, context)
    if stated and check_syntax(effective + "\n\n" + stated) is None:
        # Examples in the docstrings/context are part of the spec: check them along with the given tests.
        effective = (effective + "\n\n" + stated) if effective else stated
        tests_source = "given" if tests_source == "given" else "doctest"
        notes.append("examples stated in the docstrings/context were added to the tests")
    # The static scan (a semgrep process) overlaps the baseline run in the sandbox.
    pool = ThreadPoolExecutor(max_workers=1)
    scanning = pool.submit(scan, code, settings) if tree is not None and static else None
    timed_out = False
    passed = total = 0
    scores: dict[int, float] = {}
    candidate_timeout = min(settings.sandbox_timeout_s, 2.0)
    if effective and tree is not None:
        baseline_timeout = min(settings.sandbox_timeout_s, max(1.0, settings.fix_budget_s * 0.4))
        if classify_error(None, "", error_message) == "hang":
            # The user already told us it hangs: a run longer than a candidate may take is enough to confirm it.
            baseline_timeout = min(baseline_timeout, HANG_TIMEOUT_S)
        limits = Limits(timeout_s=baseline_timeout, memory_mb=settings.sandbox_memory_mb)
        # A batch of one: its duration is the test run alone (no process start-up), like a candidate's.
        run = run_tests_many([code], effective, limits, coverage=True)[0]
        timed_out = run.timed_out
        passed, total = run.passed, run.total
        if not timed_out:
            candidate_timeout = min(settings.sandbox_timeout_s, max(0.6, 3 * run.duration_s + 0.4))
        else:  # a hanging original says nothing about a normal run: a fixed loop on test-sized input is fast
            candidate_timeout = min(settings.sandbox_timeout_s, HANG_TIMEOUT_S)
        failing = [o for o in run.outcomes if not o.passed]
        if timed_out:  # interrupted near the limit, the test's last solution.py line is where the loop spins
            spun = next((o for o in failing if HANG_MARK in o.error and o.line), None)
            if spun is not None and not parsed.exception_type:
                parsed = ParsedError(None, f"{spun.name} was still running near the time limit at line {spun.line}",
                                     (), spun.line, None, None, "traceback")
        elif run.import_error and not parsed.exception_type:
            parsed = parse_traceback(run.import_error)
        elif failing and not parsed.exception_type:
            first, reason = _failure_reason(failing)
            if reason.exception_type and reason.exception_type != "AssertionError":
                # The sandbox reports the failing solution.py line per test: no re-run needed.
                line_no = next((o.line for o in failing if o.line and parse_traceback(o.error).exception_type
                                == reason.exception_type), None)
                if line_no is not None:
                    parsed = ParsedError(reason.exception_type, reason.message, (), line_no, None, None,
                                         "traceback")
                else:
                    parsed = _reproduce(code, effective, first.name, settings) or reason
            else:
                parsed = reason
        if run.coverage:
            scores = ochiai(run.coverage, {o.name: o.passed for o in run.outcomes})
        if run.all_passed and not error_message:
            notes.append(NOTHING_TO_FIX)
    findings = scanning.result() if scanning is not None else []
    pool.shutdown()
    lines = code.splitlines()
    in_code = parsed.line is not None and 0 < parsed.line <= len(lines)
    error_class = classify_error(parsed.exception_type, parsed.message, error_message, timed_out=timed_out,
                                 raised_in_code=in_code and "assert" in lines[parsed.line - 1],
                                 has_static_findings=bool(findings))
    line = parsed.line if in_code else None
    if line is None and parsed.exception_type:
        line = _line_from_message(tree, parsed.message)
    sources = data_sources(tree, line) if tree is not None and line else []
    suspicious = rank_lines(scores, line, sources=sources, relevant=return_slice(tree) if tree is not None else None)
    if error_class == "hang" and not suspicious:
        suspicious = _loop_lines(tree)
    if error_class == "static_finding":
        suspicious = sorted({f.line for f in findings if f.line})
    source = parsed.source if line else ("tests" if suspicious and (scores or timed_out) else
                                         "static" if error_class == "static_finding" and findings else "none")
    where = line or (suspicious[0] if suspicious else None)
    function = parsed.function
    if function is None and tree is not None and where:
        func = enclosing_function(tree, where)
        function = func.name if func else None
    analysis = Analysis(
        error_class=error_class, exception_type=parsed.exception_type, message=parsed.message,
        location=Location(line=where, function=function, source=source),
        static_findings=_to_static(findings), tests_given=bool(tests.strip()), tests_source=tests_source,
        baseline_tests_passed=passed, baseline_tests_total=total, suspicious_lines=suspicious,
    )
    ctx = FixContext(code=code, tree=tree, error_class=error_class, exception_type=parsed.exception_type,
                     message=parsed.message, line=line, offset=parsed.offset, suspicious=suspicious,
                     hints="\n".join((context, error_message, effective)))
    return AnalysisResult(analysis, ctx, effective, findings, passed, candidate_timeout, notes, timed_out)
