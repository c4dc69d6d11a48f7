"""Run one evaluation suite: engine (or gold/empty self-check) outputs -> deepeval metrics -> SuiteReport."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from evals.datasets import dataset_sha256, load_cases
from evals.metrics.base import DeterministicMetric, RunContext, make_test_case
from graphs.common.config import Settings
from graphs.common.paths import REPO_ROOT

log = logging.getLogger(__name__)
Mode = Literal["engine", "gold", "empty"]
ProgressFn = Callable[[int, int, str], None]
DEFAULT_REPORTS_DIR = REPO_ROOT / "reports"


@dataclass
class MetricResult:
    """One metric on one case; `score` None means skipped (never counted as passed)."""

    score: float | None
    passed: bool | None
    reason: str
    threshold: float | None = None


@dataclass
class CaseResult:
    """All metrics of one case plus its latency and any engine error."""

    case_id: str
    kind: str | None
    metrics: dict[str, MetricResult]
    latency_ms: float = 0.0
    error: str | None = None

    @property
    def passed(self) -> bool:
        """Every non-skipped metric met its threshold and the engine did not crash."""
        return self.error is None and all(m.passed for m in self.metrics.values() if m.score is not None)


@dataclass
class SuiteReport:
    """A whole suite run: identity, configuration, per-case results and per-metric means."""

    suite: str
    dataset_version: str
    dataset_sha256: str
    mode: str
    run_id: str
    git_sha: str | None
    config: dict[str, Any]
    started: str
    elapsed_s: float = 0.0
    cases: list[CaseResult] = field(default_factory=list)

    def means(self) -> dict[str, float]:
        """Mean score per metric over the cases where it was not skipped."""
        sums: dict[str, list[float]] = {}
        for case in self.cases:
            for name, result in case.metrics.items():
                if result.score is not None:
                    sums.setdefault(name, []).append(result.score)
        return {name: round(sum(v) / len(v), 4) for name, v in sorted(sums.items())}

    def skipped(self) -> dict[str, int]:
        """How many cases skipped each metric."""
        counts: dict[str, int] = {}
        for case in self.cases:
            for name, result in case.metrics.items():
                counts[name] = counts.get(name, 0) + (result.score is None)
        return counts

    def pass_rate(self) -> float:
        """Fraction of cases where every applicable metric passed."""
        return sum(c.passed for c in self.cases) / len(self.cases) if self.cases else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(means=self.means(), skipped=self.skipped(), pass_rate=round(self.pass_rate(), 4))
        return data


def suite_metrics(suite: str) -> list[Any]:
    """Fresh metric instances for a suite: deterministic metrics plus the (optional) LLM judge."""
    from evals.metrics import architecture, fixes, orchestration
    from evals.metrics.judge import JudgeQuality

    classes = {"fixes": fixes.METRICS, "architecture": architecture.METRICS,
               "orchestration": orchestration.METRICS}[suite]
    return [cls() for cls in classes] + [JudgeQuality(suite)]


def settings_config(settings: Settings) -> dict[str, Any]:
    """Settings as JSON-able values (paths as strings)."""
    return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(settings).items()}


def read_git_sha(repo: Path = REPO_ROOT) -> str | None:
    """HEAD commit read from .git files (no git process); None outside a checkout."""
    head = repo / ".git" / "HEAD"
    if not head.is_file():
        return None
    ref = head.read_text().strip()
    if not ref.startswith("ref: "):
        return ref
    name = ref[5:]
    loose = repo / ".git" / name
    if loose.is_file():
        return loose.read_text().strip()
    packed = repo / ".git" / "packed-refs"
    if packed.is_file():
        for line in packed.read_text().splitlines():
            if line.endswith(" " + name):
                return line.split()[0]
    return None


def score_output(suite: str, case: dict[str, Any], output: dict[str, Any], context: RunContext,
                 metrics: Iterable[Any] | None = None) -> dict[str, MetricResult]:
    """Measure every metric of a suite on one output through deepeval's `measure`."""
    test_case = make_test_case(case, output, context)
    results: dict[str, MetricResult] = {}
    for metric in metrics if metrics is not None else suite_metrics(suite):
        metric.measure(test_case)
        skipped = metric.score is None
        results[metric.__name__] = MetricResult(
            score=None if skipped else round(float(metric.score), 4),
            passed=None if skipped else metric.is_successful(),
            reason=str(metric.reason or ""),
            threshold=getattr(metric, "threshold", None) if isinstance(metric, DeterministicMetric) else None,
        )
    return results


def evaluate_case(suite: str, case: dict[str, Any], settings: Settings, *, deps: Any = None,
                  mode: Mode = "engine") -> CaseResult:
    """Produce one case's output (engine, gold or empty) and score it. Engine crashes are recorded, not raised."""
    from evals.engines import run_engine
    from evals.gold import empty_output, gold_output

    error, latency = None, 0.0
    if mode == "gold":
        output = gold_output(suite, case)
    elif mode == "empty":
        output = empty_output(suite, case)
    else:
        try:
            output, latency = run_engine(suite, deps, case)
        except ImportError:
            raise
        except Exception as exc:  # noqa: BLE001 - an engine crash is a per-case result, recorded with its cause
            log.exception("engine failed on %s", case["id"])
            error = f"{type(exc).__name__}: {exc}"[:500]
            output = empty_output(suite, case)
    context = RunContext(latency_ms=latency, settings=settings)
    return CaseResult(case_id=case["id"], kind=case.get("kind"), latency_ms=round(latency, 1), error=error,
                      metrics=score_output(suite, case, output, context))


def build_eval_deps(settings: Settings) -> Any:
    """Deps for an eval run, with the knowledge base ingested once (when the ingester exists)."""
    from graphs.common.deps import build_deps

    deps = build_deps(settings)
    try:
        from graphs.common.kb.ingest import ingest_knowledge
    except ImportError:
        log.warning("graphs.common.kb.ingest is not available: running without ingested knowledge")
        return deps
    ingest_knowledge(deps.kb)
    return deps


def new_report(suite: str, version: str, settings: Settings, mode: Mode) -> SuiteReport:
    """An empty report stamped with run id, git sha, config and dataset hash."""
    started = datetime.now(UTC)
    return SuiteReport(suite=suite, dataset_version=version, dataset_sha256=dataset_sha256(suite, version),
                       mode=mode, run_id=f"{started:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}",
                       git_sha=read_git_sha(), config=settings_config(settings), started=started.isoformat())


def run_suite(suite: str, version: str = "v1", settings: Settings | None = None,
              case_filter: Callable[[dict[str, Any]], bool] | str | None = None,
              progress: ProgressFn | None = None, *, mode: Mode = "engine", deps: Any = None,
              reports_dir: Path | None = DEFAULT_REPORTS_DIR) -> SuiteReport:
    """Evaluate every (filtered) case of a suite and write JSON + Markdown reports when `reports_dir` is set.

    `case_filter` is a predicate or a substring of the case id. Engine runs build deps (and ingest knowledge)
    unless `deps` is given.
    """
    settings = settings or Settings.from_env()
    cases = load_cases(suite, version)
    if isinstance(case_filter, str):
        needle = case_filter
        cases = [c for c in cases if needle in c["id"]]
    elif case_filter is not None:
        cases = [c for c in cases if case_filter(c)]
    if mode == "engine" and deps is None:
        deps = build_eval_deps(settings)
    report = new_report(suite, version, settings, mode)
    start = time.perf_counter()
    for index, case in enumerate(cases, start=1):
        report.cases.append(evaluate_case(suite, case, settings, deps=deps, mode=mode))
        if progress is not None:
            progress(index, len(cases), case["id"])
    report.elapsed_s = round(time.perf_counter() - start, 2)
    if reports_dir is not None:
        from evals.reports import write_reports

        write_reports(report, reports_dir)
    return report
