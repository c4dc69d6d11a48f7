"""Drive every tool through a real MCP client over stdio; print p50/p95/p99 against targets and a bare server.

Usage: .venv/bin/python benchmarks/bench_tools.py [--iterations N] [--embedding minilm|hash] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import anyio
from mcp import Client, StdioServerParameters

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from server.metrics import percentile as pct  # noqa: E402
from tests.server.sample_inputs import CALLS  # noqa: E402

TARGETS_MS = {
    "ping": 100, "list_capabilities": 500, "get_system_status": 1000,
    "auto_fix_code": 5000, "generate_architecture": 10000, "orchestrate_task": 15000,
}




async def time_calls(params: StdioServerParameters, calls: dict[str, dict], iterations: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {name: [] for name in calls}
    async with Client(params, read_timeout_seconds=300) as client:
        await client.list_tools()
        for name, args in calls.items():  # warm-up: first call pays imports and model load
            await client.call_tool(name, args)
        for _ in range(iterations):
            for name, args in calls.items():
                start = time.perf_counter()
                result = await client.call_tool(name, args)
                out[name].append((time.perf_counter() - start) * 1000)
                if result.is_error:
                    raise RuntimeError(f"{name} failed: {result.content}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--embedding", default="minilm", choices=["minilm", "hash"])
    parser.add_argument("--json", type=Path, help="also write the numbers as JSON here")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="mo-bench-"))
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "MO_DATA_DIR": str(data_dir),
           "MO_EMBEDDING": args.embedding, "MO_LOG_LEVEL": "WARNING", "PYTHONPATH": str(REPO)}
    ours = StdioServerParameters(command=sys.executable, args=["-m", "server", "serve"], env=env, cwd=str(REPO))
    bare = StdioServerParameters(command=sys.executable, args=[str(REPO / "benchmarks" / "bare_server.py")], env=env)

    t0 = time.perf_counter()
    baseline = anyio.run(time_calls, bare, {"ping": {}}, args.iterations)["ping"]
    measured = anyio.run(time_calls, ours, CALLS, args.iterations)
    elapsed = time.perf_counter() - t0

    base_p50 = statistics.median(baseline)
    rows = [("bare MCPServer ping", baseline, None)] + [(n, v, TARGETS_MS[n]) for n, v in measured.items()]
    print(f"{'tool':28} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'target':>8} {'ok':>3} {'p50/bare':>9}")
    report = {}
    for name, values, target in rows:
        p50, p95, p99 = pct(values, 50), pct(values, 95), pct(values, 99)
        ok = "" if target is None else ("yes" if p95 <= target else "NO")
        print(f"{name:28} {p50:9.1f} {p95:9.1f} {p99:9.1f} {target or '':>8} {ok:>3} {p50 / base_p50:9.1f}")
        report[name] = {"p50_ms": p50, "p95_ms": p95, "p99_ms": p99, "target_ms": target, "n": len(values)}
    print(f"\n{args.iterations} iterations per tool, embedding={args.embedding}, {elapsed:.1f}s total")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
