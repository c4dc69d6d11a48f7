"""Benchmark the architecture engine in-process over a dataset version: quality and latency in one run.

Prints mean component recall, mean pattern recall, pattern precision (the patterns per case and how many of
them match no expected concept: a recall gain bought with a flood of tactics shows up here), the share of cases
whose soundness checks all pass,
p50/p95/p99 latency of the full graph, and a same-run baseline: the analyze step alone (requirement extraction,
profile, capacity) timed on the same cases, with the full/analyze latency ratio.

Usage: .venv/bin/python benchmarks/bench_architecture.py [--dataset-version v2] [--embedding minilm|hash]
       [--repeat N] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from evals.datasets import DatasetError, dataset_dir, load_cases  # noqa: E402
from evals.metrics.architecture import pattern_texts, score_component_recall, score_pattern_recall  # noqa: E402
from evals.vocabulary import matches  # noqa: E402
from graphs.architecture.capacity import estimate_capacity  # noqa: E402
from graphs.architecture.extract import extract_requirements  # noqa: E402
from graphs.architecture.features import detect_features  # noqa: E402
from graphs.architecture.graph import run_architecture  # noqa: E402
from graphs.architecture.profile import build_profile  # noqa: E402
from graphs.architecture.schema import ArchitectureInput  # noqa: E402
from graphs.common.config import Settings  # noqa: E402
from graphs.common.deps import build_deps  # noqa: E402
from graphs.common.kb.ingest import ingest_knowledge  # noqa: E402

TARGETS = {"component_recall": 0.85, "pattern_recall": 0.75, "sound_share": 0.90, "p95_ms": 300.0}


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def default_version() -> str:
    """v2 when its folder holds cases, else v1."""
    v2 = dataset_dir("architecture", "v2")
    return "v2" if v2.is_dir() and any(v2.glob("*.jsonl")) else "v1"


def read_cases(version: str) -> list[dict[str, Any]]:
    """Verified cases; a version still being written (no manifest yet) is read as plain JSONL, with a warning."""
    try:
        return load_cases("architecture", version)
    except DatasetError as exc:
        path = dataset_dir("architecture", version) / "cases.jsonl"
        if not path.is_file():
            raise
        print(f"warning: {exc}; reading {path} unverified", file=sys.stderr)
        lines = path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]


def count_extra_patterns(output: dict[str, Any], expected: list[str]) -> tuple[int, int]:
    """(patterns in the output, patterns matching none of the expected concepts).

    A pattern counts as expected when its id or name matches one of `expected` (the metric's synonym vocabulary).
    Always-on hygiene tactics (monitoring, backups, TLS) count as extra too, so compare runs, not absolutes.
    """
    patterns = output.get("patterns") or []
    extra = sum(1 for p in patterns
                if not any(matches(concept, pattern_texts({"patterns": [p]}), "patterns") for concept in expected))
    return len(patterns), extra


def analyze_only(case: dict[str, Any]) -> None:
    """The baseline step: requirements, features, profile and capacity, no retrieval or design."""
    reqs = extract_requirements(case["project_description"], case["requirements"])
    estimate_capacity(build_profile(reqs, detect_features(reqs, case["project_description"])))


def run_benchmark(version: str, embedding: str, repeat: int) -> dict[str, Any]:
    """Run every case `repeat` times (after one warm-up); return metrics, latencies and per-case misses."""
    cases = read_cases(version)
    with tempfile.TemporaryDirectory(prefix="bench-arch-") as tmp:
        deps = build_deps(Settings(data_dir=Path(tmp), embedding=embedding, llm="offline"))
        ingest_knowledge(deps.kb)
        inputs = [ArchitectureInput(project_description=c["project_description"], tech_stack=c["tech_stack"],
                                    requirements=c["requirements"]) for c in cases]
        run_architecture(deps, inputs[0])  # warm-up: imports, embedding model, KB client
        full_ms: list[float] = []
        outputs: list[dict[str, Any]] = []
        for _ in range(repeat):
            outputs = []
            for inp in inputs:
                start = time.perf_counter()
                out = run_architecture(deps, inp)
                full_ms.append((time.perf_counter() - start) * 1000)
                outputs.append(out.model_dump(mode="json"))
        base_ms: list[float] = []
        for _ in range(repeat):
            for case in cases:
                start = time.perf_counter()
                analyze_only(case)
                base_ms.append((time.perf_counter() - start) * 1000)
    comp_scores = [score_component_recall(o, c, None) for o, c in zip(outputs, cases, strict=True)]  # type: ignore[arg-type]
    pat_scores = [score_pattern_recall(o, c, None) for o, c in zip(outputs, cases, strict=True)]  # type: ignore[arg-type]
    comp = [float(s.value or 0.0) for s in comp_scores]
    pat = [float(s.value or 0.0) for s in pat_scores]
    counts = [count_extra_patterns(o, c["expected_patterns"]) for o, c in zip(outputs, cases, strict=True)]
    sound = [bool(o["checks"]) and all(ch["passed"] for ch in o["checks"]) for o in outputs]
    misses = {case["id"]: {"components": cs.reason, "patterns": ps.reason}
              for case, cs, ps in zip(cases, comp_scores, pat_scores, strict=True)
              if min(cs.value or 0.0, ps.value or 0.0) < 1.0}
    return {
        "dataset_version": version, "cases": len(cases), "repeat": repeat, "embedding": embedding,
        "component_recall": statistics.fmean(comp), "pattern_recall": statistics.fmean(pat),
        "patterns_per_case": statistics.fmean(n for n, _ in counts),
        "extra_patterns_per_case": statistics.fmean(x for _, x in counts),
        "pattern_precision": statistics.fmean((n - x) / n if n else 0.0 for n, x in counts),
        "sound_share": sum(sound) / len(sound),
        "p50_ms": percentile(full_ms, 50), "p95_ms": percentile(full_ms, 95), "p99_ms": percentile(full_ms, 99),
        "analyze_p50_ms": percentile(base_ms, 50),
        "full_vs_analyze_ratio": percentile(full_ms, 50) / max(percentile(base_ms, 50), 1e-6),
        "misses": misses,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset-version", default=None, help="dataset version (default: v2 if present, else v1)")
    parser.add_argument("--embedding", default="minilm", choices=["minilm", "hash"])
    parser.add_argument("--repeat", type=int, default=1, help="timed passes over the dataset")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--show-misses", action="store_true", help="list per-case misses")
    args = parser.parse_args()
    res = run_benchmark(args.dataset_version or default_version(), args.embedding, max(1, args.repeat))
    print(f"architecture benchmark: dataset {res['dataset_version']} ({res['cases']} cases × {res['repeat']}), "
          f"embedding {res['embedding']}")
    for key, label, fmt in (("component_recall", "component recall", "{:.3f}"),
                            ("pattern_recall", "pattern recall", "{:.3f}"),
                            ("patterns_per_case", "patterns per case", "{:.2f}"),
                            ("extra_patterns_per_case", "extra patterns/case", "{:.2f}"),
                            ("pattern_precision", "pattern precision", "{:.3f}"),
                            ("sound_share", "all checks pass", "{:.1%}"),
                            ("p50_ms", "p50 latency ms", "{:.1f}"), ("p95_ms", "p95 latency ms", "{:.1f}"),
                            ("p99_ms", "p99 latency ms", "{:.1f}")):
        target = TARGETS.get(key)
        ok = "" if target is None else ("  ok" if (res[key] <= target if key.endswith("_ms") else res[key] >= target)
                                        else f"  MISS (target {target:g})")
        print(f"  {label:<18} {fmt.format(res[key])}{ok}")
    print(f"  baseline (analyze step alone) p50 {res['analyze_p50_ms']:.2f} ms; full graph / analyze = "
          f"{res['full_vs_analyze_ratio']:.0f}×")
    if args.show_misses:
        for cid, m in res["misses"].items():
            print(f"  {cid}: components {m['components']}; patterns {m['patterns']}")
    if args.json:
        args.json.write_text(json.dumps(res, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
