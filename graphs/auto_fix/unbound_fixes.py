"""UnboundLocalError repairs beyond initialising an accumulator (lookup_fixes): `nonlocal` for a closure that
updates its enclosing function's variable, the missing `else` of an if/elif chain, a local copy of a module
constant the function rebinds, a misspelt assignment target, and a local that shadows a module-level name the
function reads first."""

from __future__ import annotations

import ast
import builtins
import difflib
import re

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import (
    apply_edits,
    body_start,
    enclosing_function,
    indent_of,
    insert_lines,
    node_edit,
)
from graphs.auto_fix.propose_types import Proposer

_UNBOUND = re.compile(r"local variable '(\w+)'")
_ASSERT_EQ = re.compile(r"^\s*assert\s+(?P<left>.+?)\s*==\s*(?P<right>.+?)\s*(?:,\s*['\"].*)?$")
_FuncDef = ast.FunctionDef | ast.AsyncFunctionDef


def own_nodes(func: _FuncDef) -> list[ast.AST]:
    """Every node of `func`'s own scope: nested functions, lambdas and classes are not entered."""
    out: list[ast.AST] = []
    todo: list[ast.AST] = list(func.body)
    while todo:
        node = todo.pop()
        out.append(node)
        if not isinstance(node, _FuncDef | ast.Lambda | ast.ClassDef):
            todo.extend(ast.iter_child_nodes(node))
    return sorted(out, key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))


def _binds(func: _FuncDef, name: str) -> bool:
    params = {a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)}
    return name in params or any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
                                 for n in own_nodes(func))


def _module_binds(tree: ast.Module, name: str) -> bool:
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(
            stmt, ast.AnnAssign | ast.AugAssign) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return True
        if isinstance(stmt, ast.Import | ast.ImportFrom) and any((a.asname or a.name.split(".")[0]) == name
                                                                 for a in stmt.names):
            return True
    return False


def _unbound(ctx: FixContext) -> tuple[str, _FuncDef] | None:
    m = _UNBOUND.search(ctx.message)
    if ctx.tree is None or ctx.line is None or not m:
        return None
    func = enclosing_function(ctx.tree, ctx.line)
    return (m[1], func) if func is not None else None


def expected_literals(hints: str) -> list[object]:
    """Constants the tests expect (`assert f(...) == 'x'`, either side), in order of appearance."""
    out: list[object] = []
    for line in hints.splitlines():
        m = _ASSERT_EQ.match(line)
        if not m:
            continue
        for side in (m["right"], m["left"]):
            try:
                value = ast.literal_eval(side)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                continue
            if isinstance(value, str | int | float | bool | type(None)) and value not in out:
                out.append(value)
    return out


def _affixes(expr: ast.expr, name: str) -> tuple[str, str] | None:
    """(prefix, suffix) when `expr` is `name` wrapped in string literals (`name + "!"`, `f"<{name}>"`)."""
    marker = "\x00"
    if isinstance(expr, ast.Name) and expr.id == name:
        return "", ""
    if isinstance(expr, ast.JoinedStr):
        parts = []
        for v in expr.values:
            if isinstance(v, ast.Constant):
                parts.append(str(v.value))
            elif isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Name) and v.value.id == name \
                    and v.format_spec is None and v.conversion == -1:
                parts.append(marker)
            else:
                return None
        text = "".join(parts)
    elif isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        left, right = _affixes(expr.left, name), _affixes(expr.right, name)
        if left is not None and isinstance(expr.right, ast.Constant) and isinstance(expr.right.value, str):
            text = left[0] + marker + left[1] + expr.right.value
        elif right is not None and isinstance(expr.left, ast.Constant) and isinstance(expr.left.value, str):
            text = expr.left.value + right[0] + marker + right[1]
        else:
            return None
    else:
        return None
    if text.count(marker) != 1:
        return None
    prefix, suffix = text.split(marker)
    return prefix, suffix


def _values_for(func: _FuncDef, name: str, hints: str) -> list[str]:
    """Source texts of values the tests imply for `name`: an expected literal, unwrapped from the literal text
    the function's return adds around `name`."""
    wraps = [a for r in own_nodes(func) if isinstance(r, ast.Return) and r.value is not None
             for a in [_affixes(r.value, name)] if a is not None]
    out: list[str] = []
    for value in expected_literals(hints):
        for prefix, suffix in wraps or [("", "")]:
            if prefix or suffix:
                if not (isinstance(value, str) and value.startswith(prefix) and value.endswith(suffix)
                        and len(value) >= len(prefix) + len(suffix)):
                    continue
                value = value[len(prefix):len(value) - len(suffix)]
            text = repr(value)
            if text not in out:
                out.append(text)
    return out[:4]


def nonlocal_declarations(ctx: FixContext) -> list[Candidate]:
    """A nested function updates (`count += 1`) a variable of its enclosing function: declare it `nonlocal`."""
    found = _unbound(ctx)
    if found is None:
        return []
    name, func = found
    outers = [f for f in ast.walk(ctx.tree) if isinstance(f, _FuncDef) and f is not func
              and f.lineno < func.lineno and (f.end_lineno or 0) >= (func.end_lineno or 0)]
    if not any(_binds(f, name) for f in outers):
        return []
    first = body_start(func)
    code = insert_lines(ctx.code, first.lineno, [f"{indent_of(ctx.lines[first.lineno - 1])}nonlocal {name}"])
    return [Candidate(code, "template", f"declared `nonlocal {name}` in `{func.name}`: it updates the variable of "
                      f"its enclosing function, which an assignment would otherwise make a new local", 0.96)]


def _open_chains(func: _FuncDef, name: str, before: int) -> list[tuple[ast.If, ast.If]]:
    """(head, tail) of if/elif chains ending before line `before` that assign `name` in a branch but have no
    `else`."""
    out = []
    inner: set[int] = set()
    for node in own_nodes(func):
        if not isinstance(node, ast.If) or id(node) in inner or (node.end_lineno or 0) >= before:
            continue
        tail = node
        while len(tail.orelse) == 1 and isinstance(tail.orelse[0], ast.If):
            tail = tail.orelse[0]
            inner.add(id(tail))
        assigns = any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
                      for n in ast.walk(node))
        if assigns and not tail.orelse:
            out.append((node, tail))
    return out


_FIELD = re.compile(r"""["']([A-Za-z_]\w*)["']\s*:""")


def _unread_fields(ctx: FixContext, func: _FuncDef) -> list[str]:
    """`plan.get("custom_deductible")` for keys the tests pass in a mapping the function reads (`plan["kind"]`)
    but that the code never mentions: the missing branch is usually where such a field is meant."""
    mappings = [n.value.id for n in ast.walk(func) if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)
                and isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, str)]
    mappings += [n.func.value.id for n in ast.walk(func) if isinstance(n, ast.Call)
                 and isinstance(n.func, ast.Attribute) and n.func.attr == "get" and isinstance(n.func.value, ast.Name)]
    params = {a.arg for a in func.args.args}
    owners = [m for m in dict.fromkeys(mappings) if m in params]
    unread = [k for k in dict.fromkeys(_FIELD.findall(ctx.hints)) if k not in ctx.code]
    return [f"{owners[0]}.get({k!r})" for k in unread[:2]] if owners else []


def branch_defaults(ctx: FixContext) -> list[Candidate]:
    """An if/elif chain assigns the variable in every branch but has no `else`: add the `else` with the value
    the tests expect (unwrapped from the returned text), a value another branch assigns, or None; or turn the
    last `elif` into the `else`."""
    found = _unbound(ctx)
    if found is None:
        return []
    name, func = found
    out: list[Candidate] = []
    for head, tail in _open_chains(func, name, ctx.line or 0):
        pad = indent_of(ctx.lines[head.lineno - 1])
        values = [(v, "the value the tests expect", 0.92) for v in _values_for(func, name, ctx.hints)]
        branch_values = [ast.unparse(n.value) for n in ast.walk(head) if isinstance(n, ast.Assign)
                         and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)
                         and isinstance(n.value, ast.Constant)]
        values += [(v, "the value of the last branch", 0.7) for v in branch_values[-1:]]
        values += [(v, "a field the callers send and the code never read", 0.8) for v in _unread_fields(ctx, func)]
        values.append(("None", "None", 0.68))
        seen: set[str] = set()
        for value, why, prior in values:
            if value in seen:
                continue
            seen.add(value)
            code = insert_lines(ctx.code, (tail.end_lineno or tail.lineno) + 1,
                                [f"{pad}else:", f"{pad}    {name} = {value}"])
            out.append(Candidate(code, "template", f"line {head.lineno}: the if/elif chain assigned `{name}` in "
                                 f"every branch but had no `else`; added `else: {name} = {value}` ({why})", prior))
        # When a branch computes its value from the input, the missing case is likelier the last condition
        # drawn too narrow than a constant the tests happen to expect.
        computed = any(isinstance(n, ast.Assign) and not isinstance(n.value, ast.Constant) and any(
            isinstance(t, ast.Name) and t.id == name for t in n.targets) for n in ast.walk(head))
        if tail is not head:
            header = ctx.lines[tail.lineno - 1]
            if header.lstrip().startswith("elif ") and header.rstrip().endswith(":") \
                    and tail.body[0].lineno > tail.lineno:
                code = apply_edits(ctx.code, [node_edit(ctx.lines, tail.test, "True")])
                if code:
                    lines = code.splitlines()
                    lines[tail.lineno - 1] = f"{pad}else:"
                    out.append(Candidate("\n".join(lines) + "\n", "template",
                                         f"line {tail.lineno}: the last `elif` of the chain is its `else`, so "
                                         f"`{name}` is always assigned", 0.93 if computed else 0.8))
    return out


def handler_defaults(ctx: FixContext) -> list[Candidate]:
    """`try: port = int(raw)` with a handler that only logs: the handler assigns the fallback (a `default`-like
    parameter, the value the tests expect, or None)."""
    found = _unbound(ctx)
    if found is None:
        return []
    name, func = found
    params = [a.arg for a in (*func.args.args, *func.args.kwonlyargs)]
    fallbacks = [(p, f"the `{p}` parameter", 0.93) for p in params if re.search(r"default|fallback", p)]
    words = set(name.lower().split("_"))
    constants = [t.id for s in ctx.tree.body if isinstance(s, ast.Assign) for t in s.targets  # type: ignore[union-attr]
                 if isinstance(t, ast.Name) and re.search(r"(?i)default|fallback|builtin", t.id)]
    constants.sort(key=lambda c: not (set(c.lower().split("_")) & words))  # DEFAULT_TABLE for `table` first
    fallbacks += [(c, f"the module's `{c}`", 0.9 * 0.95 ** i) for i, c in enumerate(constants[:2])]
    fallbacks += [(v, "the value the tests expect", 0.85) for v in _values_for(func, name, ctx.hints)]
    fallbacks.append(("None", "None", 0.7))
    out: list[Candidate] = []
    for node in own_nodes(func):
        if not isinstance(node, ast.Try) or not any(isinstance(n, ast.Name) and n.id == name and isinstance(
                n.ctx, ast.Store) for s in node.body for n in ast.walk(s)):
            continue
        for handler in node.handlers:
            if any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
                   for n in ast.walk(handler)) or any(isinstance(s, ast.Raise | ast.Return) for s in handler.body):
                continue
            last = handler.body[-1]
            pad = indent_of(ctx.lines[last.lineno - 1])
            for value, why, prior in fallbacks:
                code = insert_lines(ctx.code, (last.end_lineno or last.lineno) + 1, [f"{pad}{name} = {value}"])
                out.append(Candidate(code, "template", f"line {handler.lineno}: the `except` branch left `{name}` "
                                     f"unset; it now falls back to {why}", prior))
    return out


def constant_copies(ctx: FixContext) -> list[Candidate]:
    """The function rebinds a module-level name it also reads (`if reduced: RATE = 0.05`): work on a local copy
    (`rate = RATE`) instead of rebinding the module's value for every later caller."""
    found = _unbound(ctx)
    if found is None or not _module_binds(ctx.tree, found[0]):
        return []
    name, func = found
    mine = [n for n in own_nodes(func) if isinstance(n, ast.Name) and n.id == name]
    taken = {n.id for n in ast.walk(ctx.tree) if isinstance(n, ast.Name)} | {a.arg for a in ast.walk(func.args)
                                                                                 if isinstance(a, ast.arg)}
    fresh = next(c for c in (name.lower(), f"{name.lower()}_value", f"local_{name.lower()}") if c not in taken)
    code = apply_edits(ctx.code, [node_edit(ctx.lines, n, fresh) for n in mine])
    if not code or not mine:
        return []
    first = body_start(func)
    code = insert_lines(code, first.lineno, [f"{indent_of(ctx.lines[first.lineno - 1])}{fresh} = {name}"])
    prior = 0.93 if name.isupper() else 0.8
    return [Candidate(code, "template", f"`{func.name}` rebinds the module-level `{name}`; it now starts from a "
                      f"local copy `{fresh} = {name}` and leaves the module's value alone", prior)]


def misspelt_targets(ctx: FixContext) -> list[Candidate]:
    """A branch assigns a misspelling of the variable (`grad = "C"` for `grade`) that nothing reads."""
    found = _unbound(ctx)
    if found is None:
        return []
    name, func = found
    nodes = [n for n in own_nodes(func) if isinstance(n, ast.Name)]
    loaded = {n.id for n in nodes if isinstance(n.ctx, ast.Load)}
    stores = [n for n in nodes if isinstance(n.ctx, ast.Store) and n.id != name and n.id not in loaded]
    out = []
    for n in stores:
        if difflib.SequenceMatcher(a=n.id, b=name).ratio() >= 0.75:
            code = apply_edits(ctx.code, [node_edit(ctx.lines, n, name)])
            if code:
                out.append(Candidate(code, "template", f"line {n.lineno}: `{n.id}` is assigned but never read; it "
                                     f"is a misspelling of `{name}`", 0.95))
    return out


def shadowing_renames(ctx: FixContext) -> list[Candidate]:
    """A local assignment shadows a module-level or builtin name the function reads first (`json = json.load(f)`):
    the assigned value gets its own name from that assignment on."""
    found = _unbound(ctx)
    if found is None:
        return []
    name, func = found
    nodes = [n for n in own_nodes(func) if isinstance(n, ast.Name) and n.id == name]
    stores = [n for n in nodes if isinstance(n.ctx, ast.Store)]
    if not stores or not (_module_binds(ctx.tree, name) or hasattr(builtins, name)):
        return []
    first = stores[0]
    taken = {n.id for n in ast.walk(ctx.tree) if isinstance(n, ast.Name)}
    fresh = next(c for c in (f"{name}_value", f"{name}_data", f"new_{name}") if c not in taken)
    # The right-hand side of the first store still reads the outer name.
    later = [n for n in nodes if (n.lineno, n.col_offset) >= (first.lineno, first.col_offset)
             and not (isinstance(n.ctx, ast.Load) and n.lineno == first.lineno and n.col_offset > first.col_offset)]
    code = apply_edits(ctx.code, [node_edit(ctx.lines, n, fresh) for n in later])
    if not code:
        return []
    return [Candidate(code, "template", f"line {first.lineno}: the assignment to `{name}` made it local for the "
                      f"whole function and hid the outer `{name}`; the value is now called `{fresh}`", 0.82)]


PROPOSERS: dict[str, list[Proposer]] = {
    "name_error": [nonlocal_declarations, branch_defaults, handler_defaults, constant_copies, misspelt_targets,
                   shadowing_renames],
}
