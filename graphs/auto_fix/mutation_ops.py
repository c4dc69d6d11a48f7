"""Extra first-order mutation operators for common slips the basic operators can't express in one edit."""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable

from graphs.auto_fix.mutation_ops_more import function_at, more_mutations

MakeMutation = Callable[..., object]  # mutations._mk(lines, node, new, operator, prior, why)


def _shift(node: ast.expr, delta: int) -> ast.expr:
    op = ast.Add() if delta > 0 else ast.Sub()
    return ast.BinOp(left=copy.deepcopy(node), op=op, right=ast.Constant(abs(delta)))


def _loop_value(lines: list[str], node: ast.AST, mk: MakeMutation) -> list:
    """`m.get(k)` / `m[k]` inside `for k, v in ....items()` → `v`: the value was looked up again (often in the
    wrong mapping) instead of using the one the loop already has."""
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
        key = node.slice
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
            and node.args:
        key = node.args[0]
    else:
        return []
    func = function_at(lines, node)
    if not isinstance(key, ast.Name) or func is None:
        return []
    out = []
    for loop in ast.walk(func):
        if not (isinstance(loop, ast.For) and isinstance(loop.target, ast.Tuple) and len(loop.target.elts) == 2
                and all(isinstance(e, ast.Name) for e in loop.target.elts)
                and loop.lineno < node.lineno <= (loop.end_lineno or loop.lineno)):
            continue
        first, value = (e.id for e in loop.target.elts)
        if key.id == first and not any(isinstance(n, ast.Name) and n.id == value for n in ast.walk(node)):
            out.append(mk(lines, node, ast.Name(id=value, ctx=ast.Load()), "loop_value", 0.4,
                          f"use the loop's `{value}` instead of looking it up again"))
    return out


def _two_pass_sort(lines: list[str], node: ast.AST, mk: MakeMutation) -> list:
    """`sorted(xs, key=lambda r: (a, b, c), reverse=True)` when one part must go the other way (newest first,
    then names A-Z): sort by the later parts in their own direction first, then stably by the earlier ones.
    Works for any comparable parts, where negating a key only works for numbers."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "sorted"
            and len(node.args) == 1):
        return []
    kws = {k.arg: k.value for k in node.keywords}
    key, rev = kws.get("key"), kws.get("reverse", ast.Constant(False))
    if not (isinstance(key, ast.Lambda) and isinstance(key.body, ast.Tuple) and len(key.body.elts) >= 2
            and isinstance(rev, ast.Constant) and isinstance(rev.value, bool) and set(kws) <= {"key", "reverse"}):
        return []

    def by(parts: list[ast.expr], reverse: bool, inner: ast.expr) -> ast.Call:
        body = parts[0] if len(parts) == 1 else ast.Tuple(elts=parts, ctx=ast.Load())
        keywords = [ast.keyword(arg="key", value=ast.Lambda(args=key.args, body=body))]
        keywords += [ast.keyword(arg="reverse", value=ast.Constant(True))] if reverse else []
        return ast.Call(func=ast.Name(id="sorted", ctx=ast.Load()), args=[inner], keywords=keywords)

    out = []
    elts = key.body.elts
    for k in range(len(elts) - 1, 0, -1):
        inner = by(elts[k:], not rev.value, node.args[0])
        new = by(elts[:k], rev.value, inner)
        out.append(mk(lines, node, new, "two_pass_sort", 0.3 if k == len(elts) - 1 else 0.2,
                      "the last key part" + ("s" if k < len(elts) - 1 else "") + " in the other direction"))
    return out


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
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, ast.BinOp) \
            and isinstance(node.left.op, ast.FloorDiv) and isinstance(node.right, ast.Constant) \
            and node.right.value == 1:  # `n // size + 1` counts one group too many when n divides evenly
        neg = ast.UnaryOp(op=ast.USub(), operand=ast.BinOp(
            left=ast.UnaryOp(op=ast.USub(), operand=copy.deepcopy(node.left.left)), op=ast.FloorDiv(),
            right=copy.deepcopy(node.left.right)))
        out.append(mk(lines, node, neg, "ceil_division", 0.45, "round up instead of adding one: an exact "
                      "multiple has no partial group"))
    return out + _loop_value(lines, node, mk) + _two_pass_sort(lines, node, mk) + more_mutations(lines, node, mk)
