"""Values computed and never returned: a call whose result is thrown away (`resolve(target)` on its own line,
often a recursive call, or `", ".join(parts)`), and a function that returns on its early paths but falls off the end of the main one
(`price = round(...)` as the last line), so callers get None.

Registered through `PROPOSERS`; `propose.TEMPLATE_MODULES` lists this module.
"""

from __future__ import annotations

import ast
from collections import Counter

from graphs.auto_fix.candidates import Candidate, FixContext, node_candidate
from graphs.auto_fix.edits import indent_of, insert_lines
from graphs.auto_fix.propose_types import Proposer

_FuncDef = ast.FunctionDef | ast.AsyncFunctionDef


def _returns_value(func: ast.AST) -> bool:
    return any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(func))


def _own_statements(func: _FuncDef) -> list[ast.stmt]:
    """Statements of `func`, not of functions nested in it."""
    nested = {id(n) for inner in ast.walk(func) if isinstance(inner, _FuncDef) and inner is not func
              for n in ast.walk(inner)}
    return [n for n in ast.walk(func) if isinstance(n, ast.stmt) and id(n) not in nested]


def discarded_returns(ctx: FixContext) -> list[Candidate]:
    """`resolve_ref(target[5:], refs)` on its own line inside `resolve_ref`: the value of the call is the answer
    and is dropped. Returned instead (also for other module functions that return a value)."""
    if ctx.tree is None:
        return []
    valued = {f.name for f in ast.walk(ctx.tree) if isinstance(f, _FuncDef) and _returns_value(f)}
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, _FuncDef) and _returns_value(f)):
        for stmt in _own_statements(func):
            call = stmt.value if isinstance(stmt, ast.Expr) else None
            if not isinstance(call, ast.Call):
                continue
            if isinstance(call.func, ast.Name) and call.func.id in valued:
                prior = 0.9 if call.func.id == func.name else 0.8
            elif isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Constant):
                prior = 0.86  # `", ".join(parts)` on its own line: a new string nobody keeps
            else:
                continue
            out += node_candidate(ctx, stmt, f"return {ast.unparse(call)}", f"the value of `{ast.unparse(call)}` "
                                  f"was computed and dropped; it is returned", prior)
    return out[:4]


def fallen_off_ends(ctx: FixContext) -> list[Candidate]:
    """A function that returns values on some paths but ends with `x = <value>`: callers get None on the main
    path. The last value is returned (`return <value>`, or `return x` after the assignment)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, _FuncDef) and _returns_value(f)):
        last = func.body[-1]
        pad = indent_of(ctx.lines[last.lineno - 1])
        end = (last.end_lineno or last.lineno) + 1
        if isinstance(last, ast.If) and not last.orelse:
            out += _after_branches(ctx, func, pad, end)
            continue
        if isinstance(last, ast.Return | ast.Raise | ast.While | ast.For | ast.If | ast.With | ast.Try):
            continue
        if isinstance(last, ast.Assign) and len(last.targets) == 1 and isinstance(last.targets[0], ast.Name):
            name = last.targets[0].id
            out += node_candidate(ctx, last, f"return {ast.unparse(last.value)}", f"`{func.name}` computed "
                                  f"`{name}` on its last line and fell off the end (None); it returns it", 0.88)
            out.append(Candidate(insert_lines(ctx.code, end, [f"{pad}return {name}"]), "template",
                                 f"line {last.lineno}: `{func.name}` fell off the end (None); `return {name}` added",
                                 0.86))
        elif isinstance(last, ast.AugAssign) and isinstance(last.target, ast.Name):
            out.append(Candidate(insert_lines(ctx.code, end, [f"{pad}return {last.target.id}"]), "template",
                                 f"line {last.lineno}: `{func.name}` fell off the end (None); "
                                 f"`return {last.target.id}` added", 0.86))
    return out[:4]


def _after_branches(ctx: FixContext, func: _FuncDef, pad: str, end: int) -> list[Candidate]:
    """`if country == "GB": return f"{compact[:-3]} ..."` and no return after the last branch: the other cases
    return the value every branch formats (`compact`), the name the returns read most."""
    local = {a.arg for a in func.args.args} | {n.id for n in ast.walk(func) if isinstance(n, ast.Name)
                                                 and isinstance(n.ctx, ast.Store)}
    reads = Counter(n.id for r in ast.walk(func) if isinstance(r, ast.Return) and r.value is not None
                    for n in ast.walk(r.value) if isinstance(n, ast.Name) and n.id in local)
    out = []
    for i, (name, _) in enumerate(reads.most_common(2)):
        out.append(Candidate(insert_lines(ctx.code, end, [f"{pad}return {name}"]), "template",
                             f"line {end - 1}: `{func.name}` returned only inside its branches and gave None for "
                             f"every other case; those return `{name}`", 0.8 * 0.9 ** i))
    return out


_TEMPLATES: list[Proposer] = [discarded_returns, fallen_off_ends]
PROPOSERS: dict[str, list[Proposer]] = {
    cls: list(_TEMPLATES) for cls in ("wrong_output", "assertion_error", "none_attribute", "type_error")}
