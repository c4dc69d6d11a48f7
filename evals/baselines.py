"""Per-suite baselines (`evals/baselines/<suite>.json`: metric means of a real run) and the regression verdict."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.runner import SuiteReport

BASELINES_DIR = Path(__file__).with_name("baselines")
DEFAULT_TOLERANCE = 0.05


def baseline_path(suite: str, root: Path = BASELINES_DIR) -> Path:
    return root / f"{suite}.json"


def load_baseline(suite: str, root: Path = BASELINES_DIR) -> dict[str, Any] | None:
    """The stored baseline of a suite, or None when none was recorded yet."""
    path = baseline_path(suite, root)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def find_regressions(means: dict[str, float], baseline: dict[str, Any], tolerance: float = DEFAULT_TOLERANCE) -> list[str]:
    """Metrics whose mean fell more than `tolerance` below the baseline mean, as readable messages.

    A metric present in the baseline but absent (all skipped) from the run is also reported.
    """
    problems = []
    for name, expected in sorted(baseline.get("metrics", {}).items()):
        actual = means.get(name)
        if actual is None:
            problems.append(f"{name}: no score this run (baseline {expected:.3f})")
        elif actual < expected - tolerance:
            problems.append(f"{name}: {actual:.3f} < baseline {expected:.3f} - tolerance {tolerance:.2f}")
    return problems


def write_baseline(report: SuiteReport, root: Path = BASELINES_DIR) -> Path:
    """Record a run's metric means as the new baseline of its suite."""
    if report.mode != "engine":
        raise ValueError(f"baselines come from engine runs, not {report.mode!r} self-checks")
    root.mkdir(parents=True, exist_ok=True)
    data = {
        "suite": report.suite, "dataset_version": report.dataset_version, "dataset_sha256": report.dataset_sha256,
        "run_id": report.run_id, "git_sha": report.git_sha, "case_count": len(report.cases),
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "config": report.config,
        "metrics": report.means(), "pass_rate": round(report.pass_rate(), 4),
    }
    path = baseline_path(report.suite, root)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path
