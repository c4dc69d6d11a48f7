"""Internal executors: subtask kinds the orchestrator runs itself through the other engines of this repo.

Engines are imported lazily, inside the call, so this package works before (or without) them; an engine that
cannot be imported leaves its subtasks `awaiting_agent` with the reason. Kinds no executor covers (implementing
a frontend, deploying...) are never pretended done: they wait for an agent.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from graphs.orchestrate.schema import Subtask

if TYPE_CHECKING:
    from graphs.common.deps import Deps

log = logging.getLogger(__name__)

Status = Literal["done", "failed", "awaiting_agent"]
HIGH_SEVERITIES = frozenset({"error", "high", "critical"})


@dataclass
class ExecContext:
    """What an executor may read: the task input, the current code (after any applied fix) and feedback."""

    deps: Deps
    description: str
    requirements: list[str]
    constraints: list[str]
    original_code: str
    code: str
    tests: str
    attempt: int = 1
    feedback: list[str] = field(default_factory=list)
    upstream: dict[str, dict[str, Any]] = field(default_factory=dict)  # done dependency id -> its output
    previous: dict[str, Any] = field(default_factory=dict)  # this subtask's output from its last attempt
    cache: dict[str, Any] = field(default_factory=dict)  # per-run memo (scans, fix candidates)


@dataclass
class ExecOutcome:
    status: Status
    output: dict[str, Any]
    summary: str
    executor: str | None = None
    new_code: str | None = None  # set when the executor produced code the next subtasks should use


@dataclass(frozen=True)
class ExecutorSpec:
    name: str
    kinds: frozenset[str]
    engine: str  # module that must import for this executor to run
    needs: tuple[str, ...]  # task inputs required: "code", "tests"
    artifacts: frozenset[str]  # output names this executor can produce (checked by the review)
    run: Callable[[Subtask, ExecContext], ExecOutcome]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _tech_stack(constraints: list[str]) -> list[str]:
    pattern = re.compile(r"\b(?:use|using|run on|built on|written in|based on)\s+([\w.+#-]+(?:\s+\d[\w.]*)?)", re.I)
    return [m.group(1) for c in constraints for m in pattern.finditer(c)][:20]


def run_design(sub: Subtask, ctx: ExecContext) -> ExecOutcome:
    """Design and threat-model subtasks: run the architecture graph on the task description."""
    from graphs.architecture.graph import run_architecture
    from graphs.architecture.schema import ArchitectureInput

    arch_in = ArchitectureInput(project_description=ctx.description, tech_stack=_tech_stack(ctx.constraints),
                                requirements=ctx.requirements[:100])
    key = f"arch:{_sha(arch_in.model_dump_json())}"
    if key not in ctx.cache:  # design and threat model of one task share one architecture run
        ctx.cache[key] = run_architecture(ctx.deps, arch_in)
    arch = ctx.cache[key]
    failed = [c.name for c in arch.checks if not c.passed]
    untraced = [r.id for r in arch.requirements if r.kind == "functional" and not arch.traceability.get(r.id)]
    artifacts = ["architecture"] + (["adrs"] if arch.adrs else []) + (["diagram"] if arch.mermaid else [])
    artifacts += ["threat_model"] if arch.security else []
    output = {
        "style": arch.style, "components": [c.name for c in arch.components],
        "checks_total": len(arch.checks), "checks_failed": failed, "untraced_requirements": untraced,
        "security_measures": [f"{m.boundary}: {m.threat} -> {m.control}" for m in arch.security][:30],
        "adrs": [a.title for a in arch.adrs], "artifacts": artifacts,
    }
    shown = ", ".join(output["components"][:6]) + ("…" if len(arch.components) > 6 else "")
    summary = (f"architecture: {arch.style}; {len(arch.components)} components ({shown}); "
               f"checks {len(arch.checks) - len(failed)}/{len(arch.checks)} passed")
    if sub.kind == "threat_model":
        summary += f"; {len(arch.security)} threats mapped to controls"
    return ExecOutcome("done", output, summary)


def _as_dict(f: Any) -> dict[str, Any]:
    return {"tool": str(getattr(f, "tool", "")), "rule_id": str(getattr(f, "rule_id", "?")),
            "line": getattr(f, "line", None), "severity": str(getattr(f, "severity", "warning")).lower(),
            "message": str(getattr(f, "message", ""))[:200], "cwe": getattr(f, "cwe", None)}


def _findings(codes: list[str], ctx: ExecContext) -> list[list[dict[str, Any]]]:
    """Findings per code string, scanning the uncached ones in one batch (semgrep starts once)."""
    keys = [f"scan:{_sha(c)}" for c in codes]
    todo = [i for i, k in enumerate(keys) if k not in ctx.cache]
    if todo:
        from graphs.common.static import scan_many

        for i, found in zip(todo, scan_many([codes[i] for i in todo], ctx.deps.settings), strict=True):
            ctx.cache[keys[i]] = [_as_dict(f) for f in found]
    return [ctx.cache[k] for k in keys]


def run_scan(sub: Subtask, ctx: ExecContext) -> ExecOutcome:
    """Code and security reviews: static scan (semgrep + ruff) of the current code, diffed against the original.

    A security review weighs only security findings (semgrep rules and anything with a CWE); a code review
    weighs all of them.
    """
    current, baseline = _findings([ctx.code, ctx.original_code], ctx)
    if sub.kind == "security_review":
        current = [f for f in current if f["tool"] == "semgrep" or f["cwe"]]
        baseline = [f for f in baseline if f["tool"] == "semgrep" or f["cwe"]]
    known = {(f["rule_id"], f["message"]) for f in baseline}
    new = [f for f in current if (f["rule_id"], f["message"]) not in known]
    high = [f for f in current if f["severity"] in HIGH_SEVERITIES]
    output = {"findings": current[:50], "finding_count": len(current), "high_severity": len(high),
              "new_findings": len(new), "baseline_count": len(baseline), "code_sha": _sha(ctx.code),
              "artifacts": ["findings_report"]}
    rules = sorted({f["rule_id"] for f in current})
    summary = (f"static scan: {len(current)} findings ({len(high)} high, {len(new)} new vs. original)"
               + (f": {', '.join(rules[:5])}" if rules else ""))
    return ExecOutcome("done", output, summary)


def _failure_text(sub: Subtask, ctx: ExecContext) -> str:
    # feedback about this fix's own gate adds nothing for the engine; downstream test/scan failures do
    parts = [f for f in ctx.feedback if not f.startswith(f"{sub.id} gate failed")]
    for out in ctx.upstream.values():
        parts += [f"{f['name']}: {f['error']}" for f in out.get("failures", [])]
        parts += [f"line {f['line']}: {f['rule_id']}: {f['message']}" for f in out.get("findings", [])]
    return "\n".join(parts)[:20_000]


def run_fix(sub: Subtask, ctx: ExecContext) -> ExecOutcome:
    """Fix subtasks: run auto_fix on the original code (plus feedback); apply the best candidate not yet tried."""
    from graphs.auto_fix.graph import run_auto_fix
    from graphs.auto_fix.schema import AutoFixInput

    error = _failure_text(sub, ctx)
    key = f"fix:{_sha(ctx.original_code + error + ctx.tests)}"
    if key not in ctx.cache:
        ctx.cache[key] = run_auto_fix(ctx.deps, AutoFixInput(
            code=ctx.original_code, error_message=error, context=ctx.description[:20_000], tests=ctx.tests))
    result = ctx.cache[key]
    if not result.fixes:
        return ExecOutcome("done", {"artifacts": [], "candidates_tried": result.candidates_tried,
                                    "error_class": result.analysis.error_class},
                           f"auto-fix found no fix ({result.candidates_tried} candidates tried)")
    tried = list(ctx.previous.get("tried_shas", []))
    fresh = [f for f in result.fixes if _sha(f.fixed_code) not in tried]
    if not fresh:
        return ExecOutcome("done", {"artifacts": [], "tried_shas": tried, "candidates_tried": result.candidates_tried,
                                    "error_class": result.analysis.error_class},
                           f"auto-fix has no untried candidate left ({len(tried)} already applied)")
    fix = fresh[0]
    v = fix.validation
    output = {"fix_id": fix.fix_id, "rank": fix.rank, "strategy": fix.strategy, "explanation": fix.explanation,
              "diff": fix.diff[:4000], "validated": v.validated, "compiles": v.compiles,
              "tests_passed": v.tests_passed, "tests_total": v.tests_total, "findings_before": v.findings_before,
              "findings_after": v.findings_after, "risk": fix.risk.level, "error_class": result.analysis.error_class,
              "code_sha": _sha(fix.fixed_code), "tried_shas": [*tried, _sha(fix.fixed_code)],
              "artifacts": ["patch"]}
    summary = (f"auto-fix #{fix.rank} ({fix.strategy}): {fix.explanation[:120]}; tests {v.tests_passed}/"
               f"{v.tests_total}, findings {v.findings_before}->{v.findings_after}")
    return ExecOutcome("done", output, summary, new_code=fix.fixed_code)


def run_test_suite(sub: Subtask, ctx: ExecContext) -> ExecOutcome:
    """Test and reproduce subtasks: run the given pytest tests against the current code in the sandbox."""
    from graphs.common.sandbox import Limits, run_tests

    run = run_tests(ctx.code, ctx.tests, Limits.from_settings(ctx.deps.settings))
    failures = [{"name": o.name, "error": o.error[:300]} for o in run.outcomes if not o.passed][:20]
    output = {"passed": run.passed, "total": run.total, "all_passed": run.all_passed, "timed_out": run.timed_out,
              "compiled": run.compiled, "import_error": run.import_error, "crashed": run.crashed,
              "failures": failures, "duration_s": round(run.duration_s, 3), "code_sha": _sha(ctx.code),
              "artifacts": ["test_report"]}
    problem = run.import_error or run.crashed or ("timed out" if run.timed_out else "")
    summary = f"tests {run.passed}/{run.total} passed" + (f" ({problem[:150]})" if problem else "")
    return ExecOutcome("done", output, summary)


EXECUTORS: tuple[ExecutorSpec, ...] = (
    ExecutorSpec("architecture", frozenset({"design", "threat_model"}), "graphs.architecture.graph", (),
                 frozenset({"architecture", "adrs", "diagram", "threat_model"}), run_design),
    ExecutorSpec("static_scan", frozenset({"code_review", "security_review"}), "graphs.common.static", ("code",),
                 frozenset({"findings_report"}), run_scan),
    ExecutorSpec("auto_fix", frozenset({"fix"}), "graphs.auto_fix.graph", ("code",), frozenset({"patch"}), run_fix),
    ExecutorSpec("test_runner", frozenset({"run_tests", "reproduce_bug"}), "graphs.common.sandbox",
                 ("code", "tests"), frozenset({"test_report"}), run_test_suite),
)
EXECUTOR_BY_NAME = {spec.name: spec for spec in EXECUTORS}


def executor_for(kind: str) -> ExecutorSpec | None:
    """The internal executor for a subtask kind, or None if only an agent can do it."""
    return next((spec for spec in EXECUTORS if kind in spec.kinds), None)


def engine_problem(spec: ExecutorSpec) -> str | None:
    """None if the executor's engine imports, else why not."""
    try:
        importlib.import_module(spec.engine)
    except ImportError as exc:
        return f"engine {spec.engine} not importable ({exc})"
    return None


def executor_status() -> dict[str, str]:
    """Executor name → "available" or "unavailable: <reason>"."""
    return {s.name: "available" if (p := engine_problem(s)) is None else f"unavailable: {p}" for s in EXECUTORS}


def execute_subtask(sub: Subtask, ctx: ExecContext, agent: str | None) -> ExecOutcome:
    """Run `sub` with its internal executor, or explain why it waits for `agent`."""
    spec = executor_for(sub.kind)
    who = agent or "an agent"
    if spec is None:
        return ExecOutcome("awaiting_agent", {}, f"no internal executor for '{sub.kind}'; waiting for {who}")
    missing = [n for n in spec.needs if not getattr(ctx, "code" if n == "code" else "tests").strip()]
    if missing:
        return ExecOutcome("awaiting_agent", {}, f"executor {spec.name} needs {' and '.join(missing)}, which the "
                           f"task did not supply; waiting for {who}", executor=None)
    problem = engine_problem(spec)
    if problem:
        return ExecOutcome("awaiting_agent", {}, f"internal executor {spec.name} unavailable: {problem}; "
                           f"waiting for {who}")
    try:
        outcome = spec.run(sub, ctx)
    except Exception as exc:  # noqa: BLE001 - an engine crash fails this subtask with its cause, not the task
        log.exception("executor %s failed on %s", spec.name, sub.id)
        return ExecOutcome("failed", {"error": f"{type(exc).__name__}: {exc}"[:500]},
                           f"executor {spec.name} crashed: {type(exc).__name__}: {str(exc)[:200]}", spec.name)
    outcome.executor = spec.name
    return outcome
