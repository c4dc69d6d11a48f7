"""Repairs of statements that compute a value and throw it away, and of loops that delete or advance wrongly.

`port + 1` or `text.strip()` alone on a line does nothing: Python evaluates it and drops the result (pylint's
"expression-not-assigned"). Strings, bytes and tuples are immutable, so their methods return new values. These
are certain bugs wherever they appear, so the fixes carry a high prior.
"""

from __future__ import annotations

import ast
import copy

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import apply_edits, node_edit
from graphs.auto_fix.propose_types import Proposer

# Methods that return a new value and never change their receiver (str/bytes).
PURE_METHODS = frozenset({
    "replace", "strip", "lstrip", "rstrip", "lower", "upper", "title", "capitalize", "casefold", "swapcase",
    "removeprefix", "removesuffix", "zfill", "center", "ljust", "rjust", "expandtabs", "format", "encode",
    "decode", "translate",
})
# Builtins that return a new object from their first argument instead of changing it.
PURE_BUILTINS = frozenset({"sorted", "reversed", "list", "set", "tuple", "abs", "round", "int", "float", "str"})
_MUTATING_CALLS = frozenset({"pop", "remove"})


def _assign_back(ctx: FixContext, stmt: ast.Expr, target: str, value: str, why: str) -> Candidate | None:
    code = apply_edits(ctx.code, [node_edit(ctx.lines, stmt, f"{target} = {value}")])
    if code is None:
        return None
    return Candidate(code, "template", f"line {stmt.lineno}: `{ast.unparse(stmt)}` → `{target} = {value}` ({why})",
                     0.92)


def _chain_base(call: ast.Call) -> ast.expr:
    """The receiver at the start of a chain of pure method calls (`name` in `name.strip().lower()`)."""
    node: ast.expr = call
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in PURE_METHODS:
        node = node.func.value
    return node


def _discarded(ctx: FixContext, stmt: ast.Expr) -> list[Candidate]:
    value = stmt.value
    out: list[Candidate | None] = []
    if isinstance(value, ast.BinOp) and isinstance(value.left, ast.Name | ast.Attribute | ast.Subscript):
        target = ast.unparse(value.left)
        aug = ast.AugAssign(target=copy.deepcopy(value.left), op=copy.deepcopy(value.op),
                            value=copy.deepcopy(value.right))
        code = apply_edits(ctx.code, [node_edit(ctx.lines, stmt, ast.unparse(aug))])
        if code is not None:
            out.append(Candidate(code, "template", f"line {stmt.lineno}: `{ast.unparse(value)}` → "
                                 f"`{ast.unparse(aug)}` (the result was computed and thrown away)", 0.92))
    elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) \
            and value.func.attr in PURE_METHODS and isinstance(_chain_base(value), ast.Name | ast.Attribute):
        target = ast.unparse(_chain_base(value))
        out.append(_assign_back(ctx, stmt, target, ast.unparse(value),
                                f"`.{value.func.attr}()` returns a new value; the original is unchanged"))
    elif isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in PURE_BUILTINS \
            and len(value.args) == 1 and isinstance(value.args[0], ast.Name | ast.Attribute):
        target = ast.unparse(value.args[0])
        out.append(_assign_back(ctx, stmt, target, ast.unparse(value),
                                f"`{value.func.id}()` returns a new object; its argument is unchanged"))
    elif isinstance(value, ast.Compare) and len(value.ops) == 1 and isinstance(value.ops[0], ast.Eq) \
            and isinstance(value.left, ast.Name | ast.Attribute | ast.Subscript):
        target = ast.unparse(value.left)
        out.append(_assign_back(ctx, stmt, target, ast.unparse(value.comparators[0]),
                                "a comparison on its own line does nothing; an assignment was meant"))
    return [c for c in out if c is not None]


def discarded_results(ctx: FixContext) -> list[Candidate]:
    """Expression statements whose value is dropped: assign the result back (`x + 1` → `x += 1`,
    `s.strip()` → `s = s.strip()`, `sorted(xs)` → `xs = sorted(xs)`, `x == 1` → `x = 1`)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for stmt in ast.walk(ctx.tree):
        if isinstance(stmt, ast.Expr) and not isinstance(stmt.value, ast.Constant):
            out += _discarded(ctx, stmt)
    # Nearest to the failure first, when there is one.
    if ctx.suspicious:
        rank = {line: i for i, line in enumerate(ctx.suspicious)}
        out.sort(key=lambda c: rank.get(int(c.explanation.split(":")[0].split()[-1]), len(rank)))
    return out[:4]


def _deletes_by_index(loop: ast.For, seq: str, index: str) -> bool:
    for node in ast.walk(loop):
        if isinstance(node, ast.Delete) and any(
                isinstance(t, ast.Subscript) and ast.unparse(t.value) == seq and ast.unparse(t.slice) == index
                for t in node.targets):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _MUTATING_CALLS \
                and ast.unparse(node.func.value) == seq and node.args and ast.unparse(node.args[0]) == index:
            return True
    return False


def reverse_index_deletions(ctx: FixContext) -> list[Candidate]:
    """`for i in range(len(xs)): ... del xs[i]` skips the element after each deletion (and runs off the end):
    walk the indexes backwards so deletions don't shift the ones still to visit."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for loop in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.For)):
        it = loop.iter
        if not (isinstance(loop.target, ast.Name) and isinstance(it, ast.Call) and isinstance(it.func, ast.Name)
                and it.func.id == "range" and len(it.args) == 1 and isinstance(it.args[0], ast.Call)
                and isinstance(it.args[0].func, ast.Name) and it.args[0].func.id == "len" and it.args[0].args):
            continue
        seq = ast.unparse(it.args[0].args[0])
        if _deletes_by_index(loop, seq, loop.target.id):
            new = f"reversed({ast.unparse(it)})"
            code = apply_edits(ctx.code, [node_edit(ctx.lines, it, new)])
            if code:
                out.append(Candidate(code, "template", f"line {loop.lineno}: iterate `{new}` because the body "
                                     f"deletes `{seq}[{loop.target.id}]` (forward deletion shifts later items)",
                                     0.85))
    return out


def _loop_names(loop: ast.While) -> set[str]:
    return {n.id for n in ast.walk(loop.test) if isinstance(n, ast.Name)}


def short_steps(ctx: FixContext) -> list[Candidate]:
    """Hangs: a loop variable advanced by a computed step that can be zero (`pos += size` with an empty
    record): at least one (`max(size, 1)`), or one further (`pos += size + 1`), so every iteration makes
    progress."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for loop in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.While)):
        names = _loop_names(loop)
        for node in ast.walk(loop):
            if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id in names \
                    and isinstance(node.op, ast.Add) and not isinstance(node.value, ast.Constant):
                value = ast.unparse(node.value)
                # `max(step, 1)` only changes the zero steps; `step + 1` changes every step.
                for text, prior in ((f"max({value}, 1)", 0.62), (f"{value} + 1" if not isinstance(
                        node.value, ast.BinOp | ast.IfExp) else f"({value}) + 1", 0.6)):
                    code = apply_edits(ctx.code, [node_edit(ctx.lines, node.value, text)])
                    if code:
                        out.append(Candidate(code, "template", f"line {node.lineno}: step `{value}` → `{text}` so "
                                             "the loop advances even when the step is 0", prior))
    return out


PROPOSERS: dict[str, list[Proposer]] = {
    "*": [discarded_results],
    "hang": [short_steps],
    "index_error": [reverse_index_deletions],
    "wrong_output": [reverse_index_deletions],
    "assertion_error": [reverse_index_deletions],
    "unknown": [reverse_index_deletions],
}
