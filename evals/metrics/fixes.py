"""Fix-quality metrics over an AutoFixOutput (as a dict) and a fixes case.

The "best fix" is the fix with the lowest rank. Hidden tests are run here, never given to the engine.
"""

from __future__ import annotations

import difflib
import logging
from typing import Any

from evals.execution import run_case_tests
from evals.metrics.base import RunContext, Score, metric_class

log = logging.getLogger(__name__)
DEFAULT_LATENCY_BUDGET_MS = 10_000.0


def best_fix(output: dict[str, Any]) -> dict[str, Any] | None:
    """The top-ranked fix of an output, or None when it proposes nothing."""
    fixes = output.get("fixes") or []
    return min(fixes, key=lambda f: f.get("rank", 1_000_000)) if fixes else None


def changed_lines(before: str, after: str) -> int:
    """Number of added plus removed lines in a unified diff of `before` -> `after`."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return sum(1 for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---")))


def score_hidden_tests(output: dict[str, Any], case: dict[str, Any], ctx: RunContext) -> Score:
    """1.0 when the best fix passes every hidden test (run in the sandbox with the visible ones, whose helpers some
    hidden tests use), else 0.0; 0.0 with no fix."""
    fix = best_fix(output)
    if fix is None:
        return Score(0.0, "no fix proposed")
    outcome = run_case_tests(fix["fixed_code"], case["tests"] + "\n\n" + case["hidden_tests"], ctx.settings)
    ctx.cache["hidden"] = outcome
    verdict = "timed out" if outcome.timed_out else f"{outcome.passed}/{outcome.total} visible+hidden tests passed"
    return Score(1.0 if outcome.all_passed else 0.0, verdict + (f" ({outcome.detail[:160]})" if outcome.detail and
                                                               not outcome.all_passed else ""))


def score_compiles(output: dict[str, Any], case: dict[str, Any], ctx: RunContext) -> Score:
    """1.0 when the best fix is syntactically valid Python (compile()), else 0.0."""
    fix = best_fix(output)
    if fix is None:
        return Score(0.0, "no fix proposed")
    try:
        compile(fix["fixed_code"], "<fix>", "exec")
    except (SyntaxError, ValueError) as exc:
        return Score(0.0, f"does not compile: {exc}")
    return Score(1.0, "compiles")


def score_static_not_increased(output: dict[str, Any], case: dict[str, Any], ctx: RunContext) -> Score:
    """1.0 when static findings (semgrep + ruff via graphs.common.static) of the best fix are not more than
    those of the buggy code; skipped (None) when the analyser is unavailable; 0.0 with no fix."""
    fix = best_fix(output)
    if fix is None:
        return Score(0.0, "no fix proposed")
    try:
        from graphs.common.static import scan_many
    except ImportError:
        return Score(None, "skipped: graphs.common.static is not available")
    before, after = (len(found) for found in scan_many([case["code"], fix["fixed_code"]], ctx.settings))
    return Score(1.0 if after <= before else 0.0, f"findings {before} -> {after}")


def edit_ratio(buggy: str, fixed: str, reference: str) -> float:
    """Changed lines of the fix divided by changed lines of the reference fix (reference edits >= 1 line)."""
    return changed_lines(buggy, fixed) / max(changed_lines(buggy, reference), 1)


def score_edit_size(output: dict[str, Any], case: dict[str, Any], ctx: RunContext) -> Score:
    """min(1, 1/ratio) where ratio = edit_ratio(buggy, best fix, reference): 1.0 for edits no larger than the
    reference, decaying as the fix rewrites more; 0.0 with no fix or an unchanged file."""
    fix = best_fix(output)
    if fix is None:
        return Score(0.0, "no fix proposed")
    if changed_lines(case["code"], fix["fixed_code"]) == 0:
        return Score(0.0, "fix leaves the code unchanged")
    ratio = edit_ratio(case["code"], fix["fixed_code"], case["reference_fix"])
    return Score(min(1.0, 1.0 / ratio), f"edit ratio {ratio:.2f} vs reference")


def score_latency(output: dict[str, Any], case: dict[str, Any], ctx: RunContext) -> Score:
    """1.0 when the engine answered within the budget (settings.fix_budget_s * 1000 * 2, or 10 s), else 0.0."""
    budget = DEFAULT_LATENCY_BUDGET_MS
    if ctx.settings is not None:
        budget = float(ctx.settings.fix_budget_s) * 2000.0
    ok = ctx.latency_ms <= budget
    return Score(1.0 if ok else 0.0, f"{ctx.latency_ms:.0f} ms (budget {budget:.0f} ms)")


HiddenTestsPass = metric_class("hidden_tests_pass", score_hidden_tests, 1.0, score_hidden_tests.__doc__ or "")
FixCompiles = metric_class("compiles", score_compiles, 1.0, score_compiles.__doc__ or "")
StaticNotIncreased = metric_class("static_not_increased", score_static_not_increased, 1.0,
                                  score_static_not_increased.__doc__ or "")
EditSize = metric_class("edit_size", score_edit_size, 0.5, score_edit_size.__doc__ or "")
LatencyWithinBudget = metric_class("latency", score_latency, 1.0, score_latency.__doc__ or "")

METRICS = (HiddenTestsPass, FixCompiles, StaticNotIncreased, EditSize, LatencyWithinBudget)
