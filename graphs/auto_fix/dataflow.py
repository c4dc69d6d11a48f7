"""Static data flow inside one function, for fault localization: where do the values used on a line come from,
and which lines can influence what a function returns.

Flow-insensitive and intraprocedural (a line "defines" a name when it assigns it, augments it, binds it in a
loop or `with`, or stores into it through an attribute or subscript): cheap, and good enough to order lines,
which is all it is used for.
"""

from __future__ import annotations

import ast

from graphs.auto_fix.edits import enclosing_function

_Func = ast.FunctionDef | ast.AsyncFunctionDef


def _base_name(node: ast.AST) -> str | None:
    """`x` for `x`, `x.a`, `x[i]`, `x.a[i].b`."""
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Starred):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _targets(stmt: ast.stmt) -> list[ast.AST]:
    if isinstance(stmt, ast.Assign):
        return list(stmt.targets)
    if isinstance(stmt, ast.AugAssign | ast.AnnAssign | ast.For | ast.AsyncFor):
        return [stmt.target]
    if isinstance(stmt, ast.With | ast.AsyncWith):
        return [item.optional_vars for item in stmt.items if item.optional_vars is not None]
    return []


def _defined(stmt: ast.stmt) -> set[str]:
    names: set[str] = set()
    for target in _targets(stmt):
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                names.add(node.id)
        base = _base_name(target)
        if base:
            names.add(base)
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        # `items.append(x)`, `seen.update(...)`: a method call on a name may change it
        func = stmt.value.func
        if isinstance(func, ast.Attribute):
            base = _base_name(func.value)
            if base:
                names.add(base)
    return names


def _header(stmt: ast.stmt) -> list[ast.AST]:
    """The parts of a statement evaluated on its own line (a compound statement's test/iterator, not its body)."""
    if isinstance(stmt, ast.If | ast.While):
        return [stmt.test]
    if isinstance(stmt, ast.For | ast.AsyncFor):
        return [stmt.iter]
    if isinstance(stmt, ast.With | ast.AsyncWith):
        return [item.context_expr for item in stmt.items]
    if isinstance(stmt, ast.Try | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return []
    return [stmt]


def _used(stmt: ast.stmt) -> set[str]:
    return {n.id for part in _header(stmt) for n in ast.walk(part)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _statements(func: _Func) -> list[tuple[ast.stmt, ast.stmt | None]]:
    """Every statement of the function body with its innermost enclosing compound statement (None at top)."""
    out: list[tuple[ast.stmt, ast.stmt | None]] = []

    def visit(body: list[ast.stmt], parent: ast.stmt | None) -> None:
        for stmt in body:
            out.append((stmt, parent))
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            for field in ("body", "orelse", "finalbody"):
                visit(getattr(stmt, field, []) or [], stmt)
            for handler in getattr(stmt, "handlers", []) or []:
                visit(handler.body, stmt)

    visit(func.body, None)
    return out


def data_sources(tree: ast.Module, line: int, *, limit: int = 4) -> list[int]:
    """Lines in the same function that define a name used on `line`, nearest preceding first (then following,
    for loop-carried values)."""
    func = enclosing_function(tree, line)
    if func is None:
        return []
    stmts = _statements(func)
    here = [s for s, _ in stmts if s.lineno == line]
    if not here:
        return []
    wanted = set().union(*(_used(s) for s in here))
    defs = sorted({s.lineno for s, _ in stmts if s.lineno != line and _defined(s) & wanted},
                  key=lambda ln: (ln > line, abs(line - ln)))
    return defs[:limit]


def return_slice(tree: ast.Module) -> set[int]:
    """Lines that can influence a returned (or yielded, or raised) value of any function: the returns
    themselves, the lines defining what they use (transitively), and the conditions and loops they sit in."""
    lines: set[int] = set()
    for func in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)):
        stmts = _statements(func)
        parent_of = {id(s): p for s, p in stmts}
        work = [s for s, _ in stmts if isinstance(s, ast.Return | ast.Raise)
                or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Yield | ast.YieldFrom))]
        done: set[int] = set()
        wanted: set[str] = set()
        while work:
            stmt = work.pop()
            if id(stmt) in done:
                continue
            done.add(id(stmt))
            lines.add(stmt.lineno)
            new = _used(stmt) - wanted
            parent = parent_of.get(id(stmt))
            if parent is not None:
                work.append(parent)
            if new:
                wanted |= new
                work += [s for s, _ in stmts if id(s) not in done and _defined(s) & new]
    return lines
