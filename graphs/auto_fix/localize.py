"""Fault localization: Ochiai suspiciousness from per-test coverage, combined with the traceback line."""

from __future__ import annotations

import ast
import math
from collections.abc import Collection, Mapping, Sequence


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
    sources: Sequence[int] = (),
    relevant: Collection[int] | None = None,
) -> list[int]:
    """Most suspicious lines first. The traceback line leads, then `sources` (where the values it uses were
    computed); among equal scores, lines that can influence a result (`relevant`) come first, then later lines
    (closer to the failure)."""
    combined = {line: s for line, s in scores.items() if s > 0}
    top = max(combined.values(), default=0.0)
    if error_line is not None:
        for i, line in enumerate(sources):
            combined[line] = top + 0.5 - 0.01 * i
        combined[error_line] = top + 1.0
    keep = set(relevant) if relevant is not None else set(combined)
    ordered = sorted(combined, key=lambda ln: (-combined[ln], ln not in keep, -ln))
    return ordered[:limit]


def line_weights(lines: list[int]) -> dict[int, float]:
    """A prior per suspicious line that decays with its rank (1.0, 0.8, 0.64, ...)."""
    return {line: 0.8 ** i for i, line in enumerate(lines)}


def widen_lines(tree: ast.Module | None, lines: list[int], *, limit: int = 12) -> list[int]:
    """When mutating the suspicious lines fixed nothing: the other lines of the functions that hold them (all
    functions when there are none), nearest to a suspicious line first."""
    if tree is None:
        return []
    funcs = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    holding = [f for f in funcs if any(f.lineno <= ln <= (f.end_lineno or f.lineno) for ln in lines)] or funcs
    body_lines = {n.lineno for f in holding for n in ast.walk(f) if isinstance(n, ast.stmt) and n is not f}
    rest = sorted(body_lines - set(lines), key=lambda ln: (min((abs(ln - s) for s in lines), default=0), -ln))
    return rest[:limit]
