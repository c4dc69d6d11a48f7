"""TypeError and data-flow templates: argument count/order at call sites, non-iterables, non-callables,
non-integer indices, and functions that compute a value but never return it."""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.dataflow import data_sources
from graphs.auto_fix.edits import apply_edits, indent_of, insert_lines, node_edit
from graphs.auto_fix.name_fixes import module_member, with_import

_TAKES = re.compile(r"(?P<func>\w+)\(\) takes (?:from \d+ to )?(?P<want>\d+) positional arguments? but "
                    r"(?P<got>\d+) (?:was|were) given")
_MISSING = re.compile(r"(?P<func>\w+)\(\) missing (?P<n>\d+) required positional arguments?: (?P<names>.+)$")
_NOT_ITERABLE = re.compile(r"'(?P<type>int|float)' object is not iterable")
_NOT_CALLABLE = re.compile(r"'(?P<type>\w+)' object is not callable")
_INDEX_TYPE = re.compile(r"indices must be integers(?: or slices)?, not (?P<type>float|str)")
_NO_LEN = re.compile(r"object of type '(?P<type>int|float)' has no len\(\)")
_DATE_PLUS_NUMBER = re.compile(r"unsupported operand type\(s\) for [+-]=?: '(?P<left>[\w.]+)' and '(?P<right>[\w.]+)'")
_DATE_TYPES = {"datetime.date", "datetime.datetime", "date", "datetime"}
_UNIT_WORDS = (("hours", re.compile(r"(?i)hour|\bh\b")), ("minutes", re.compile(r"(?i)minute|\bmins?\b")),
               ("seconds", re.compile(r"(?i)second|\bsecs?\b")), ("weeks", re.compile(r"(?i)week")))


def date_offsets(ctx: FixContext) -> list[Candidate]:
    """`day + 7` on a date or datetime: the number of days (hours, minutes...) must be a `timedelta`."""
    m = _DATE_PLUS_NUMBER.search(ctx.message)
    if ctx.tree is None or ctx.line is None or not m:
        return []
    left_date, right_date = m["left"] in _DATE_TYPES, m["right"] in _DATE_TYPES
    if left_date == right_date or not ({m["left"], m["right"]} & {"int", "float"}):
        return []
    delta, needs = module_member(ctx.tree, "datetime", "timedelta")
    out: list[Candidate] = []
    for node in _on_line(ctx):
        if not (isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(node.op, ast.Add | ast.Sub)):
            continue
        number = node.value if isinstance(node, ast.AugAssign) else node.right if left_date else node.left
        text = ast.unparse(number)
        units = [u for u, words in _UNIT_WORDS if words.search(text)] or ["days"]
        if "datetime.datetime" in (m["left"], m["right"]) and units == ["days"]:
            units += ["hours", "minutes", "seconds"]  # a datetime moves by any unit
        for i, unit in enumerate(units[:4]):
            code = apply_edits(ctx.code, [node_edit(ctx.lines, number, f"{delta}({unit}={text})")])
            if code and needs:
                code = with_import(code, ctx.tree, needs)
            if code:
                out.append(Candidate(code, "template", f"line {node.lineno}: `{text}` is a number of {unit}; a date "
                                     f"moves by a `timedelta({unit}=...)`", 0.85 * 0.85 ** i))
    return out


def _calls_to(tree: ast.Module, name: str) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and (
        (isinstance(n.func, ast.Name) and n.func.id == name) or
        (isinstance(n.func, ast.Attribute) and n.func.attr == name))]


def _def_of(tree: ast.Module, name: str) -> ast.FunctionDef | None:
    return next((n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name), None)


def argument_counts(ctx: FixContext) -> list[Candidate]:
    """`f() takes 2 positional arguments but 3 were given` / `missing 1 required positional argument`:
    drop the surplus argument at the call sites, or give the missing parameter a value from the caller's scope."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    if m := _TAKES.search(ctx.message):
        name, extra = m["func"], int(m["got"]) - int(m["want"])
        calls = [c for c in _calls_to(ctx.tree, name) if len(c.args) > 0]
        if extra == 1 and calls:
            width = max(len(c.args) for c in calls)
            for drop in range(width):
                edits = []
                for call in calls:
                    if len(call.args) == width and drop < len(call.args):
                        kept = [ast.unparse(a) for i, a in enumerate(call.args) if i != drop]
                        kept += [ast.unparse(k) for k in call.keywords]
                        edits.append(node_edit(ctx.lines, call, f"{ast.unparse(call.func)}({', '.join(kept)})"))
                code = apply_edits(ctx.code, edits) if edits else None
                if code:
                    out.append(Candidate(code, "template", f"calls to `{name}` pass one argument too many: dropped "
                                         f"argument {drop + 1}", 0.6 * 0.9 ** drop))
    if m := _MISSING.search(ctx.message):
        name = m["func"]
        wanted = re.findall(r"'(\w+)'", m["names"])
        func = _def_of(ctx.tree, name)
        for call in _calls_to(ctx.tree, name):
            caller = next((f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef)
                           and f.lineno <= call.lineno <= (f.end_lineno or f.lineno) and f is not func), None)
            in_scope = {a.arg for a in caller.args.args} | {n.id for n in ast.walk(caller) if isinstance(
                n, ast.Name) and isinstance(n.ctx, ast.Store)} if caller else set()
            if all(w in in_scope for w in wanted):
                added = [*map(ast.unparse, call.args), *wanted, *map(ast.unparse, call.keywords)]
                code = apply_edits(ctx.code, [node_edit(ctx.lines, call, f"{ast.unparse(call.func)}"
                                                                         f"({', '.join(added)})")])
                if code:
                    out.append(Candidate(code, "template", f"line {call.lineno}: passed the missing "
                                         f"{', '.join(wanted)} to `{name}`", 0.7))
    return out


def _on_line(ctx: FixContext) -> list[ast.AST]:
    if ctx.tree is None or ctx.line is None:
        return []
    return [n for n in ast.walk(ctx.tree) if ctx.line in (getattr(n, "lineno", None),
                                                         getattr(getattr(n, "iter", None), "lineno", None))]


def _floor_at_source(ctx: FixContext, index: ast.expr) -> list[tuple[ast.AST, str, str, float]]:
    """`mid = n / 2` ... `xs[mid]`: integer division where the index is computed, so every use gets an int."""
    names = {n.id for n in ast.walk(index) if isinstance(n, ast.Name)}
    out = []
    for line in data_sources(ctx.tree, ctx.line) if ctx.tree is not None and ctx.line else []:
        for node in ast.walk(ctx.tree):
            if isinstance(node, ast.Assign) and node.lineno == line and isinstance(node.value, ast.BinOp) \
                    and isinstance(node.value.op, ast.Div) and {ast.unparse(t) for t in node.targets} & names:
                v = node.value
                new = ast.BinOp(left=v.left, op=ast.FloorDiv(), right=v.right)
                out.append((v, ast.unparse(new), "integer division where the index is computed",
                            0.7))
    return out


def value_shapes(ctx: FixContext) -> list[Candidate]:
    """Iterating a number → `range(n)`; `len(number)` → the number; calling a non-callable → drop the call;
    indexing with a float/str → `int(...)` (or `//` for a division)."""
    out: list[Candidate] = []
    for node in _on_line(ctx):
        edits: list[tuple[ast.AST, str, str, float]] = []
        if _NOT_ITERABLE.search(ctx.message) and isinstance(node, ast.For | ast.comprehension):
            it = ast.unparse(node.iter)
            edits.append((node.iter, f"range({it})", "iterate over `range(...)` of the count", 0.7))
        if _NO_LEN.search(ctx.message) and isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "len" and node.args:
            edits.append((node, ast.unparse(node.args[0]), "the value already is the count", 0.6))
        if (m := _NOT_CALLABLE.search(ctx.message)) and isinstance(node, ast.Call) and not node.args \
                and not node.keywords and isinstance(node.func, ast.Attribute | ast.Name):
            edits.append((node, ast.unparse(node.func), f"a `{m['type']}` is a value, not a function", 0.6))
        if _INDEX_TYPE.search(ctx.message) and isinstance(node, ast.Subscript) \
                and not isinstance(node.slice, ast.Slice | ast.Constant):
            sl = node.slice
            if isinstance(sl, ast.BinOp) and isinstance(sl.op, ast.Div):
                new = ast.BinOp(left=sl.left, op=ast.FloorDiv(), right=sl.right)
                edits.append((sl, ast.unparse(new), "integer division for an index", 0.75))
            edits.append((sl, f"int({ast.unparse(sl)})", "index converted to int", 0.55))
            edits += _floor_at_source(ctx, sl)
        for target, text, why, prior in edits:
            code = apply_edits(ctx.code, [node_edit(ctx.lines, target, text)])
            if code:
                out.append(Candidate(code, "template", f"line {target.lineno}: `{ast.unparse(target)}` → `{text}` "
                                     f"({why})", prior))
    return out


def _assigned_order(func: ast.FunctionDef) -> list[str]:
    """Names assigned in `func`'s own body (not nested functions), last assignment first."""
    seen: list[tuple[str, int]] = []
    for node in ast.walk(func):
        if isinstance(node, ast.FunctionDef | ast.Lambda) and node is not func:
            continue
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for t in targets:
            if isinstance(t, ast.Name):
                seen.append((t.id, node.lineno))
    seen.sort(key=lambda p: -p[1])
    return list(dict.fromkeys(name for name, _ in seen))


def missing_value_returns(ctx: FixContext) -> list[Candidate]:
    """A function with no `return value` that builds a local result: append `return <local>`."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.FunctionDef)):
        returns = [n for n in ast.walk(func) if isinstance(n, ast.Return)]
        if any(r.value is not None for r in returns) or func.name.startswith("test") or func.name == "__init__":
            continue
        last = func.body[-1]
        pad = indent_of(ctx.lines[last.lineno - 1]) if not isinstance(last, ast.Return) else None
        if pad is None:
            continue
        end = max(getattr(n, "end_lineno", 0) or 0 for n in ast.walk(func))
        for i, name in enumerate(_assigned_order(func)[:3]):
            code = insert_lines(ctx.code, end + 1, [f"{pad}return {name}"])
            out.append(Candidate(code, "template", f"`{func.name}` computed `{name}` but returned None: added "
                                 f"`return {name}`", 0.7 * 0.8 ** i))
    return out
