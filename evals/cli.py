"""`multi-orchestrator eval [suite] [--dataset-version V] [--compare A B] [--update-baseline]` (evals.cli.main).

A config for --compare is a JSON file of Settings fields or comma-separated key=value pairs, e.g.
`--compare llm=offline fix_budget_s=2,llm=offline`. Reports go to reports/<suite>-<run_id>.{json,md}.
`manifest SUITE VERSION --description TEXT` writes the manifest of a NEW dataset version.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from evals.datasets import SUITES

# Also set in evals/conftest.py for pytest runs.
_OFFLINE_ENV = {"DEEPEVAL_TELEMETRY_OPT_OUT": "1", "DEEPEVAL_UPDATE_WARNING_OPT_IN": "0", "DEEPEVAL_DISABLE_DOTENV": "1"}


def parse_config(text: str) -> dict[str, Any]:
    """Settings overrides from a JSON file path or 'key=value,key=value' (values parsed as JSON when possible)."""
    from graphs.common.config import Settings

    path = Path(text)
    if path.suffix == ".json" and path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
    else:
        data = {}
        for pair in filter(None, text.split(",")):
            key, sep, value = pair.partition("=")
            if not sep:
                raise SystemExit(f"bad config item {pair!r}: use key=value")
            try:
                data[key.strip()] = json.loads(value)
            except json.JSONDecodeError:
                data[key.strip()] = value
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SystemExit(f"unknown settings {unknown}; known: {sorted(known)}")
    return data


def _progress(done: int, total: int, case_id: str) -> None:
    sys.stderr.write(f"\r  [{done}/{total}] {case_id:<20}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _settings(overrides: dict[str, Any]) -> Any:
    import os
    import tempfile

    from graphs.common.config import Settings

    base = Settings.from_env().with_(embedding=os.environ.get("MO_EMBEDDING", "minilm"),
                                     data_dir=Path(tempfile.mkdtemp(prefix="mo-eval-")))
    if "data_dir" in overrides or "semgrep_bin" in overrides:
        overrides = {k: Path(v) if k in ("data_dir", "semgrep_bin") else v for k, v in overrides.items()}
    return base.with_(**overrides)


def _run(suite: str, args: argparse.Namespace, overrides: dict[str, Any]) -> Any:
    from evals.runner import run_suite

    sys.stderr.write(f"eval {suite} ({args.dataset_version}) {overrides or ''}\n")
    return run_suite(suite, args.dataset_version, _settings(overrides), case_filter=args.case,
                     progress=_progress, reports_dir=Path(args.reports_dir))


def _evaluate(args: argparse.Namespace, suites: list[str]) -> int:
    from evals.baselines import find_regressions, load_baseline, write_baseline
    from evals.reports import write_reports

    status = 0
    for suite in suites:
        report = _run(suite, args, {})
        baseline = load_baseline(suite)
        regressions: list[str] = []
        if args.update_baseline:
            print(f"baseline written: {write_baseline(report)}")
        elif baseline and baseline.get("dataset_version") == args.dataset_version and not args.case:
            regressions = find_regressions(report.means(), baseline, args.tolerance)
        write_reports(report, Path(args.reports_dir), regressions)
        print(f"\n## {suite}: {len(report.cases)} cases, pass rate {report.pass_rate():.2f}, {report.elapsed_s:.1f} s")
        for name, mean in report.means().items():
            base = (baseline or {}).get("metrics", {}).get(name)
            print(f"  {name:<22} {mean:.3f}" + (f"  (baseline {base:.3f})" if base is not None else ""))
        print("  regressions: " + ("; ".join(regressions) if regressions else "none"))
        status = status or (1 if regressions else 0)
    return status


def _compare(args: argparse.Namespace, suites: list[str]) -> int:
    config_a, config_b = (parse_config(c) for c in args.compare)
    for suite in suites:
        mean_a = _run(suite, args, config_a).means()
        mean_b = _run(suite, args, config_b).means()
        print(f"\n## {suite}: A={args.compare[0]}  B={args.compare[1]}")
        print(f"  {'metric':<22} {'A':>7} {'B':>7} {'B-A':>7}")
        for name in sorted(set(mean_a) | set(mean_b)):
            a, b = mean_a.get(name), mean_b.get(name)
            delta = f"{b - a:+.3f}" if a is not None and b is not None else "n/a"
            print(f"  {name:<22} {a if a is not None else float('nan'):>7.3f} "
                  f"{b if b is not None else float('nan'):>7.3f} {delta:>7}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="multi-orchestrator eval", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("suite", nargs="?", default="all", choices=["all", *SUITES, "manifest"])
    parser.add_argument("version", nargs="?", help="(manifest only) the new dataset version")
    parser.add_argument("--dataset-version", default="v1")
    parser.add_argument("--case", help="only cases whose id contains this text (no baseline comparison)")
    parser.add_argument("--compare", nargs=2, metavar=("CONFIG_A", "CONFIG_B"))
    parser.add_argument("--update-baseline", action="store_true")
    parser.add_argument("--tolerance", type=float, default=0.05)
    parser.add_argument("--reports-dir", default=str(Path(__file__).resolve().parents[1] / "reports"))
    parser.add_argument("--manifest-suite", choices=SUITES, help="(manifest only) suite of the new version")
    parser.add_argument("--description", default="", help="(manifest only) what changed in the new version")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; returns the process exit code (1 when a suite regressed)."""
    import os

    for key, value in _OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    args = build_parser().parse_args(argv)
    if args.suite == "manifest":
        from evals.datasets import write_manifest

        if not (args.manifest_suite and args.version):
            raise SystemExit("usage: eval manifest VERSION --manifest-suite SUITE --description TEXT")
        print(write_manifest(args.manifest_suite, args.version, args.description))
        return 0
    suites = list(SUITES) if args.suite == "all" else [args.suite]
    return _compare(args, suites) if args.compare else _evaluate(args, suites)


if __name__ == "__main__":
    raise SystemExit(main())
