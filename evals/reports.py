"""Write a SuiteReport as `reports/<suite>-<run_id>.json` plus a Markdown summary next to it."""

from __future__ import annotations

import json
from pathlib import Path

from evals.runner import SuiteReport


def _cell(value: float | None) -> str:
    return "skip" if value is None else f"{value:.2f}"


def render_markdown(report: SuiteReport, regressions: list[str] | None = None) -> str:
    """A summary (means, pass rate) and a case-by-case table; failing metrics are marked with `✗`."""
    means = report.means()
    names = sorted({name for case in report.cases for name in case.metrics})
    lines = [
        f"# Eval `{report.suite}` ({report.mode}) — run {report.run_id}",
        "",
        f"dataset {report.dataset_version} (sha256 {report.dataset_sha256[:12]}), git {report.git_sha or '-'}, "
        f"{len(report.cases)} cases in {report.elapsed_s:.1f} s, case pass rate {report.pass_rate():.2f}",
        "",
        "| metric | mean | skipped |",
        "|---|---|---|",
        *[f"| {name} | {_cell(means.get(name))} | {report.skipped().get(name, 0)} |" for name in names],
        "",
    ]
    if regressions is not None:
        lines += ["**Regressions:** " + ("; ".join(regressions) if regressions else "none"), ""]
    lines += ["| case | kind | " + " | ".join(names) + " | latency ms | error |",
              "|---" * (len(names) + 4) + "|"]
    for case in report.cases:
        cells = []
        for name in names:
            m = case.metrics.get(name)
            cells.append("-" if m is None else _cell(m.score) + (" ✗" if m.passed is False else ""))
        lines.append(f"| {case.case_id} | {case.kind or ''} | " + " | ".join(cells)
                     + f" | {case.latency_ms:.0f} | {(case.error or '')[:60]} |")
    return "\n".join(lines) + "\n"


def write_reports(report: SuiteReport, reports_dir: Path, regressions: list[str] | None = None) -> Path:
    """Write the JSON and Markdown reports; return the JSON path."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    stem = reports_dir / f"{report.suite}-{report.run_id}"
    data = report.to_dict()
    if regressions is not None:
        data["regressions"] = regressions
    stem.with_suffix(".json").write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    stem.with_suffix(".md").write_text(render_markdown(report, regressions), encoding="utf-8")
    return stem.with_suffix(".json")
