"""Resources held past their use: locks and files released even when the code in between raises.

- `lock.acquire()` … `lock.release()` leaves the lock held when anything in between raises: `with lock:`.
- `csv.reader(open(path))` never closes the file: open it in a `with` block around the statements that use it.
"""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import apply_edits, enclosing_function, indent_of, node_edit
from graphs.auto_fix.propose_types import Proposer


def _reindent(lines: list[str], start: int, end: int, extra: str = "    ") -> list[str]:
    """Lines start..end (1-based, inclusive) with `extra` indentation added (blank lines kept blank)."""
    return [(extra + row) if row.strip() else row for row in lines[start - 1:end]]


def _block_of(tree: ast.AST, stmt: ast.stmt) -> list[ast.stmt] | None:
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and stmt in block:
                return block
    return None


def locks_as_context(ctx: FixContext) -> list[Candidate]:
    """`x.acquire()` … `x.release()` in one block → `with x:` around the statements in between."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for node in ast.walk(ctx.tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if not isinstance(block, list):
                continue
            for i, stmt in enumerate(block):
                call = stmt.value if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) else None
                if not (call and isinstance(call.func, ast.Attribute) and call.func.attr == "acquire"
                        and not call.args):
                    continue
                lock = ast.unparse(call.func.value)
                release = next((j for j in range(i + 1, len(block)) if isinstance(block[j], ast.Expr)
                                and ast.unparse(block[j].value) == f"{lock}.release()"), None)
                if release is None or release == i + 1:
                    continue
                lines = ctx.lines
                inner_start, inner_end = block[i + 1].lineno, block[release - 1].end_lineno or block[release - 1].lineno
                pad = indent_of(lines[stmt.lineno - 1])
                new = (lines[:stmt.lineno - 1] + [f"{pad}with {lock}:"] + _reindent(lines, inner_start, inner_end)
                       + lines[(block[release].end_lineno or block[release].lineno):])
                out.append(Candidate("\n".join(new) + "\n", "template", f"line {stmt.lineno}: `with {lock}:` instead"
                                     f" of acquire()/release(), so the lock is released when the code in between "
                                     f"raises", 0.88))
    return out


def _inline_open(stmt: ast.stmt) -> ast.Call | None:
    """An `open(...)` call used directly as an argument inside an assignment/return/expression statement."""
    if not isinstance(stmt, ast.Assign | ast.Return | ast.Expr | ast.AnnAssign):
        return None
    for node in ast.walk(stmt):
        if isinstance(node, ast.Call):
            for arg in node.args:
                if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id == "open":
                    return arg
    return None


def inline_opens(ctx: FixContext) -> list[Candidate]:
    """`reader = csv.reader(open(path))` never closes the file: `with open(path) as handle:` around that
    statement and the rest of its block."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for stmt in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.stmt)):
        opened = _inline_open(stmt)
        func = enclosing_function(ctx.tree, stmt.lineno)
        block = _block_of(ctx.tree, stmt)
        if opened is None or func is None or block is None:
            continue
        lines = ctx.lines
        with_code = apply_edits(ctx.code, [node_edit(lines, opened, "handle")])
        if with_code is None:
            continue
        lines = with_code.splitlines()
        end = block[-1].end_lineno or block[-1].lineno
        pad = indent_of(lines[stmt.lineno - 1])
        new = (lines[:stmt.lineno - 1] + [f"{pad}with {ast.unparse(opened)} as handle:"]
               + _reindent(lines, stmt.lineno, end) + lines[end:])
        out.append(Candidate("\n".join(new) + "\n", "template", f"line {stmt.lineno}: the file opened inline is "
                             "now opened in a `with` block, so it is closed after use", 0.8))
    return out


PROPOSERS: dict[str, list[Proposer]] = {
    "hang": [locks_as_context],
    "wrong_output": [locks_as_context, inline_opens],
    "assertion_error": [locks_as_context, inline_opens],
    "unknown": [inline_opens],
    "other_exception": [locks_as_context, inline_opens],
}
