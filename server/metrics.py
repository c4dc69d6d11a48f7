"""Per-tool call counts, error counts and latency percentiles, measured by the server itself."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

WINDOW = 1000  # latest calls kept per tool for percentiles


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of `values`; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


@dataclass
class _ToolStats:
    calls: int = 0
    errors: int = 0
    latencies_ms: deque[float] = field(default_factory=lambda: deque(maxlen=WINDOW))


class ToolMetrics:
    """Thread-safe counters fed by the server middleware."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stats: dict[str, _ToolStats] = {}

    def record(self, tool: str, elapsed_ms: float, ok: bool) -> None:
        with self._lock:
            stats = self._stats.setdefault(tool, _ToolStats())
            stats.calls += 1
            stats.errors += 0 if ok else 1
            stats.latencies_ms.append(elapsed_ms)

    def snapshot(self) -> dict[str, dict[str, float]]:
        with self._lock:
            return {
                name: {
                    "calls": s.calls,
                    "errors": s.errors,
                    "p50_ms": round(percentile(list(s.latencies_ms), 50), 2),
                    "p95_ms": round(percentile(list(s.latencies_ms), 95), 2),
                }
                for name, s in sorted(self._stats.items())
            }


def metrics_middleware(metrics: ToolMetrics):
    """MCP server middleware that times every tools/call, including ones rejected before the tool ran."""

    async def middleware(ctx: Any, call_next: Any) -> Any:
        if ctx.method != "tools/call":
            return await call_next(ctx)
        name = str((ctx.params or {}).get("name", "?"))
        start = time.perf_counter()
        ok = False
        try:
            result = await call_next(ctx)
            ok = not _is_error(result)
            return result
        finally:
            metrics.record(name, (time.perf_counter() - start) * 1000, ok)

    return middleware


def _is_error(result: Any) -> bool:
    if isinstance(result, dict):
        return bool(result.get("isError") or result.get("is_error"))
    return bool(getattr(result, "is_error", False))
