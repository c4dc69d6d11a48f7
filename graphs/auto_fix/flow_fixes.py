"""Data-flow templates: a missing `return`, None flowing out of a call into arithmetic, min/max seeds."""

from __future__ import annotations

import ast
import builtins

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import apply_edits, indent_of, insert_lines, node_edit, statement_at


def _functions(tree: ast.Module | None) -> list[ast.FunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)] if tree is not None else []


def missing_returns(ctx: FixContext) -> list[Candidate]:
    """A function without any `return value` whose last statement is a bare expression: return that value."""
    out = []
    for func in _functions(ctx.tree):
        has_value_return = any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(func))
        last = func.body[-1]
        if has_value_return or not isinstance(last, ast.Expr) or isinstance(last.value, ast.Constant):
            continue
        # A call is often there for its side effect; a computed value never is.
        prior = 0.55 if isinstance(last.value, ast.Call) else 0.85
        code = apply_edits(ctx.code, [node_edit(ctx.lines, last, f"return {ast.unparse(last.value)}")])
        if code:
            out.append(Candidate(code, "template", f"line {last.lineno}: `{ast.unparse(last.value)}` → `return "
                                 f"{ast.unparse(last.value)}` (`{func.name}` computed the value but returned None)",
                                 prior))
    return out


def _fresh_name(ctx: FixContext, base: str) -> str:
    """`base` (or base2, base3, ...) unused anywhere in the module and not a builtin."""
    taken = set(dir(builtins))
    if ctx.tree is not None:
        taken |= {n.id for n in ast.walk(ctx.tree) if isinstance(n, ast.Name)}
        taken |= {n.name for n in ast.walk(ctx.tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)}
        taken |= {n.arg for n in ast.walk(ctx.tree) if isinstance(n, ast.arg)}
    name, i = base, 2
    while name in taken:
        name, i = f"{base}{i}", i + 1
    return name


def call_none_guards(ctx: FixContext) -> list[Candidate]:
    """None coming out of a call on the failing line (`helper(x) * 2`, `find(k).name`): bind the call result to
    a variable, return early when it is None, and use the variable in the original expression."""
    if ctx.tree is None or ctx.line is None:
        return []
    stmt = statement_at(ctx.tree, ctx.line)
    if stmt is None or stmt.lineno != stmt.end_lineno:
        return []
    from graphs.auto_fix.edits import enclosing_function

    func = enclosing_function(ctx.tree, stmt.lineno)
    if func is None:
        return []
    calls: list[ast.Call] = []
    for node in ast.walk(stmt):
        if isinstance(node, ast.BinOp):
            calls += [o for o in (node.left, node.right) if isinstance(o, ast.Call)]
        elif isinstance(node, ast.Attribute | ast.Subscript) and isinstance(node.value, ast.Call):
            calls.append(node.value)
    out = []
    pad = indent_of(ctx.lines[stmt.lineno - 1])
    for call in calls[:2]:
        callee = ast.unparse(call.func).rsplit(".", 1)[-1]
        base = callee.removeprefix("get_").removeprefix("parse_").removeprefix("find_")
        var = _fresh_name(ctx, base if base.isidentifier() and base != callee else "value")
        code = apply_edits(ctx.code, [node_edit(ctx.lines, call, var)])
        if code is None:
            continue
        code = insert_lines(code, stmt.lineno, [f"{pad}{var} = {ast.unparse(call)}", f"{pad}if {var} is None:",
                                                f"{pad}    return None"])
        out.append(Candidate(code, "template", f"line {stmt.lineno}: `{ast.unparse(call)}` can return None; bound "
                             f"it to `{var}` and return None early", 0.75))
    return out


def extreme_seeds(ctx: FixContext) -> list[Candidate]:
    """`best = 0` seeding a running max/min compared in a loop → start from -inf/+inf (or the first item)."""
    out = []
    for func in _functions(ctx.tree):
        seeds = {t.id: a for a in func.body if isinstance(a, ast.Assign) and len(a.targets) == 1
                 for t in a.targets if isinstance(t, ast.Name) and isinstance(a.value, ast.Constant)
                 and type(a.value.value) in (int, float)}
        for loop in (n for n in ast.walk(func) if isinstance(n, ast.For)):
            for cmp in (n for n in ast.walk(loop) if isinstance(n, ast.Compare) and len(n.ops) == 1):
                right, op = cmp.comparators[0], cmp.ops[0]
                if not (isinstance(right, ast.Name) and right.id in seeds):
                    continue
                grows = isinstance(op, ast.Gt | ast.GtE)
                assign = seeds.pop(right.id)
                seq = ast.unparse(loop.iter)
                for text, prior in ((f"float('{'-' if grows else ''}inf')", 0.7),
                                    (f"{seq}[0] if {seq} else {ast.unparse(assign.value)}", 0.6)):
                    code = apply_edits(ctx.code, [node_edit(ctx.lines, assign.value, text)])
                    if code:
                        out.append(Candidate(code, "template", f"line {assign.lineno}: running "
                                             f"{'max' if grows else 'min'} `{right.id}` starts at `{text}` instead "
                                             f"of {ast.unparse(assign.value)}", prior))
    return out
