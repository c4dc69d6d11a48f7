"""Coarse static types of a function's names (builtin type names, "num", "seq") and which names were computed
from which: they order variable replacements (a sized local for `len(...)`, a cleaned version of the input)."""

from __future__ import annotations

import ast

_CALL_TYPES = {"int": "int", "len": "int", "round": "int", "float": "float", "str": "str", "list": "list",
               "sorted": "list", "dict": "dict", "set": "set", "tuple": "tuple", "sum": "num", "abs": "num",
               "min": None, "max": None}


def type_of(expr: ast.expr | None, known: dict[str, str]) -> str | None:
    """Very cheap static type of an expression: a builtin type name, "num", or None when unknown."""
    if isinstance(expr, ast.Constant) and expr.value is not None and not isinstance(expr.value, bool):
        return {"int": "int", "float": "float"}.get(type(expr.value).__name__, type(expr.value).__name__)
    if isinstance(expr, ast.List | ast.ListComp):
        return "list"
    if isinstance(expr, ast.Dict | ast.DictComp):
        return "dict"
    if isinstance(expr, ast.Set | ast.SetComp):
        return "set"
    if isinstance(expr, ast.JoinedStr):
        return "str"
    if isinstance(expr, ast.Name):
        return known.get(expr.id)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
        return _CALL_TYPES.get(expr.func.id)
    if isinstance(expr, ast.BinOp):
        left, right = type_of(expr.left, known), type_of(expr.right, known)
        if left in ("int", "float", "num") and right in ("int", "float", "num"):
            return "num"
        return left if left == right else None
    return None


def infer_types(func: ast.FunctionDef | ast.AsyncFunctionDef | None) -> dict[str, str]:
    """Name → coarse type from assignments, annotations, defaults and `for i in range(...)` in `func`."""
    known: dict[str, str] = {}
    if func is None:
        return known
    params = func.args.args
    for arg, default in zip(params[len(params) - len(func.args.defaults):], func.args.defaults, strict=True):
        if (t := type_of(default, known)) is not None:
            known[arg.arg] = t
    for arg in params:
        if isinstance(arg.annotation, ast.Name) and arg.annotation.id in _CALL_TYPES:
            known[arg.arg] = _CALL_TYPES[arg.annotation.id] or arg.annotation.id
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if (t := type_of(node.value, known)) is not None:
                known.setdefault(node.targets[0].id, t)
        elif isinstance(node, ast.For) and isinstance(node.target, ast.Name) and isinstance(node.iter, ast.Call) \
                and isinstance(node.iter.func, ast.Name) and node.iter.func.id == "range":
            known.setdefault(node.target.id, "int")
    known = {k: ("num" if v in ("int", "float") else v) for k, v in known.items()}
    for name, kind in _usage_types(func, known).items():
        known.setdefault(name, kind)
    return known


_SIZED_ARG = ("len", "sum", "sorted", "enumerate", "zip", "reversed", "min", "max", "any", "all")
_NUMERIC_OPS = (ast.Sub, ast.FloorDiv, ast.Div, ast.Mod, ast.Pow)


def _usage_types(func: ast.FunctionDef | ast.AsyncFunctionDef, known: dict[str, str]) -> dict[str, str]:
    """Coarse types from how names are used: "seq" for what is sized, iterated or sliced (`len(xs)`,
    `for x in xs`, `xs[a:b]` and names assigned such a slice), "num" for an operand of arithmetic with a number
    (`len(xs) - window`, `start + window`) or a `range()` bound. A name used both ways stays unknown."""
    seen: dict[str, set[str]] = {}

    def mark(expr: ast.expr, kind: str) -> None:
        if isinstance(expr, ast.Name):
            seen.setdefault(expr.id, set()).add(kind)

    def numeric(expr: ast.expr) -> bool:
        return (isinstance(expr, ast.Constant) and isinstance(expr.value, int | float)
                and not isinstance(expr.value, bool)) or type_of(expr, known) in ("int", "float", "num")

    for node in ast.walk(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) == 1 \
                and node.func.id in _SIZED_ARG:
            mark(node.args[0], "seq")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range":
            for arg in node.args:
                mark(arg, "num")
        elif isinstance(node, ast.For | ast.comprehension):
            mark(node.iter, "seq")
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            mark(node.value, "seq")
        elif isinstance(node, ast.BinOp) and (isinstance(node.op, _NUMERIC_OPS) or isinstance(node.op, ast.Add)
                                              and (numeric(node.left) or numeric(node.right))):
            if isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant | ast.JoinedStr):
                continue  # "%s" % name: formatting
            for side, other in ((node.left, node.right), (node.right, node.left)):
                if numeric(other) or not isinstance(node.op, ast.Add):
                    mark(side, "num")
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, ast.Subscript) and isinstance(node.value.slice, ast.Slice):
            mark(node.targets[0], "seq")  # a slice of something is sized like it
    return {name: kinds.pop() for name, kinds in seen.items() if len(kinds) == 1}


_SIZED = {"seq", "list", "str", "tuple", "dict", "set"}


def compatible(a: str, b: str) -> bool:
    """Coarse types that may hold the same value ("seq" is any sized one)."""
    return a == b or "seq" in (a, b) and a in _SIZED and b in _SIZED


def derived_names(func: ast.FunctionDef | ast.AsyncFunctionDef | None) -> dict[str, set[str]]:
    """Name → the names its value was computed from (`chunk = values[a:b]`, `for row in rows`); accumulators
    (`total = total + x`, `total += x`) are left out: they are not a version of what they add up."""
    out: dict[str, set[str]] = {}
    for node in ast.walk(func) if func is not None else ():
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.For | ast.comprehension):
            target, value = node.target, node.iter
        else:
            continue
        sources = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
        for name in (n.id for n in ast.walk(target) if isinstance(n, ast.Name)):
            if name not in sources:
                out.setdefault(name, set()).update(sources)
    return out
