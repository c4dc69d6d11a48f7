"""Loops that stop or forget too early: a `return` inside the loop that should skip one item (`continue`) or
leave only the inner loop (`break`), and a running total overwritten on each pass (`net = ...` for
`net += ...`)."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import apply_edits, node_edit
from graphs.auto_fix.propose_types import Proposer

_NEUTRAL = (0, 0.0, "")


def _loop_returns(loop: ast.For | ast.While) -> list[tuple[ast.Return, bool]]:
    """`return` statements in the loop's body (not in nested functions), with whether they sit in a nested
    loop."""
    out: list[tuple[ast.Return, bool]] = []
    stack: list[tuple[ast.AST, bool]] = [(s, False) for s in loop.body]
    while stack:
        node, inner = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        if isinstance(node, ast.Return):
            out.append((node, inner))
        nested = inner or isinstance(node, ast.For | ast.While)
        stack += [(c, nested) for c in ast.iter_child_nodes(node)]
    return out


def early_returns(ctx: FixContext) -> list[Candidate]:
    """A `return` under an `if` inside a loop ends the whole function at the first match: `continue` (skip
    this item) or `break` (leave this loop)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    outer_loops = [n for n in ast.walk(ctx.tree) if isinstance(n, ast.For | ast.While)]
    seen: set[int] = set()
    for loop in outer_loops:
        for ret, inner in _loop_returns(loop):
            if id(ret) in seen or inner or ret in loop.body:
                continue
            seen.add(id(ret))
            for word, prior, why in (("continue", 0.8, "skips this item instead of ending the whole search"),
                                     ("break", 0.78, "leaves this loop instead of the whole function")):
                code = apply_edits(ctx.code, [node_edit(ctx.lines, ret, word)])
                if code:
                    out.append(Candidate(code, "template", f"line {ret.lineno}: `{ast.unparse(ret)}` → `{word}`: "
                                         f"it {why}", prior))
    return out


def _initial(func_body: list[ast.stmt], name: str, before: int) -> object:
    for stmt in func_body:
        if stmt.lineno >= before:
            break
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
            if isinstance(stmt.value, ast.Constant):
                return stmt.value.value
            if isinstance(stmt.value, ast.List | ast.Tuple) and not stmt.value.elts:
                return ()
    return None


def overwritten_totals(ctx: FixContext) -> list[Candidate]:
    """`total = 0` before a loop and `total = price * qty` inside it: each pass overwrites the sum; `+=`."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)):
        for loop in (n for n in func.body if isinstance(n, ast.For | ast.While)):
            for stmt in (s for s in ast.walk(loop) if isinstance(s, ast.Assign) and len(s.targets) == 1
                         and isinstance(s.targets[0], ast.Name)):
                name = stmt.targets[0].id
                if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(stmt.value)):
                    continue
                start = _initial(func.body, name, loop.lineno)
                if start is None or (start not in _NEUTRAL and start != ()):
                    continue
                code = apply_edits(ctx.code, [node_edit(ctx.lines, stmt, f"{name} += {ast.unparse(stmt.value)}")])
                if code:
                    out.append(Candidate(code, "template", f"line {stmt.lineno}: `{name} = ...` → `{name} += ...`: "
                                         f"each pass overwrote the running total instead of adding to it", 0.86))
    return out


PROPOSERS: dict[str, list[Proposer]] = {
    cls: [early_returns, overwritten_totals] for cls in ("wrong_output", "assertion_error", "unknown")
}
