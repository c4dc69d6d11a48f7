"""Fault localization: Ochiai suspiciousness from per-test coverage, combined with the traceback line."""

from __future__ import annotations

import math
from collections.abc import Mapping


def ochiai(coverage: Mapping[str, set[int] | list[int]], passed: Mapping[str, bool]) -> dict[int, float]:
    """Ochiai score per line: ef / sqrt(total_failed * (ef + ep)).

    ef/ep = failing/passing tests that executed the line. Lines never run by a failing test score 0.
    """
    total_failed = sum(1 for name in coverage if not passed.get(name, True))
    if total_failed == 0:
        return {}
    ef: dict[int, int] = {}
    ep: dict[int, int] = {}
    for name, lines in coverage.items():
        bucket = ep if passed.get(name, True) else ef
        for line in set(lines):
            bucket[line] = bucket.get(line, 0) + 1
    scores = {}
    for line in set(ef) | set(ep):
        f, p = ef.get(line, 0), ep.get(line, 0)
        scores[line] = f / math.sqrt(total_failed * (f + p)) if f else 0.0
    return scores


def rank_lines(
    scores: Mapping[int, float],
    error_line: int | None = None,
    *,
    limit: int = 10,
) -> list[int]:
    """Most suspicious lines first; the traceback line leads, ties prefer later lines (closer to the failure)."""
    combined = {line: s for line, s in scores.items() if s > 0}
    if error_line is not None:
        combined[error_line] = max(combined.values(), default=0.0) + 1.0
    ordered = sorted(combined, key=lambda ln: (-combined[ln], -ln))
    return ordered[:limit]


def line_weights(lines: list[int]) -> dict[int, float]:
    """A prior per suspicious line that decays with its rank (1.0, 0.8, 0.64, ...)."""
    return {line: 0.8 ** i for i, line in enumerate(lines)}
