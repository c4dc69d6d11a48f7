"""Extra first-order mutation operators for common slips the basic operators can't express in one edit."""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable

from graphs.auto_fix.mutation_ops_more import more_mutations

MakeMutation = Callable[..., object]  # mutations._mk(lines, node, new, operator, prior, why)


def _shift(node: ast.expr, delta: int) -> ast.expr:
    op = ast.Add() if delta > 0 else ast.Sub()
    return ast.BinOp(left=copy.deepcopy(node), op=op, right=ast.Constant(abs(delta)))


def extra_mutations(lines: list[str], node: ast.AST, mk: MakeMutation) -> list:
    """`min(i, n)` → `min(i, n - 1)` (clamping an index to a length), `s.split(" ")` → `s.split()` (runs of
    blanks give empty fields), `a // b` → `-(-a // b)` (ceiling division: pages, batches, buckets)."""
    out = []
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("min", "max") \
            and len(node.args) == 2:
        for i, arg in enumerate(node.args):
            if isinstance(arg, ast.Constant):
                continue
            for delta in (-1, 1):
                new = copy.deepcopy(node)
                new.args[i] = _shift(arg, delta)
                out.append(mk(lines, node, new, "clamp_bound_pm1", 0.45, "clamp bound off by one"))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split" \
            and len(node.args) == 1 and isinstance(node.args[0], ast.Constant) and node.args[0].value == " ":
        new = copy.deepcopy(node)
        new.args = []
        out.append(mk(lines, node, new, "split_whitespace", 0.5, "split on any run of whitespace"))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.FloorDiv):
        neg = ast.UnaryOp(op=ast.USub(), operand=ast.BinOp(
            left=ast.UnaryOp(op=ast.USub(), operand=copy.deepcopy(node.left)), op=ast.FloorDiv(),
            right=copy.deepcopy(node.right)))
        out.append(mk(lines, node, neg, "ceil_division", 0.35, "round up: a partial last group counts"))
    return out + more_mutations(lines, node, mk)
