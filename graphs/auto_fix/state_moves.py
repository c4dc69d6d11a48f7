"""Stale state and misplaced statements: speculative statement moves, ranked by how well the code fits the
pattern and by how suspicious the touched lines are (registered through `state_fixes.PROPOSERS`).

- An accumulator or flag initialised before a loop but read per iteration (`total = 0` before `for row in grid:`
  whose body appends `total`): move the initialisation to the top of the loop body; and the opposite, a
  `total = 0` inside the loop that resets what is read after it: move it before the loop.
- A `return` as the last statement of a loop body (the loop runs once): dedent it after the loop, or indent it
  (or a trailing `break`) into the `if` just before it; a statement right after a loop that reads the loop
  variable: indent it into the loop.
- Two adjacent simple statements where one uses what the other assigns: swap them (use-before-update order).
- A method that appends to `self.x` and returns it without resetting it: reset it at the start of the method.

Also the shared AST helpers of the shared-state templates (`state_fixes`).
"""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import indent_of, parses
from graphs.auto_fix.localize import line_weights

MUTATORS = frozenset({"append", "extend", "insert", "add", "update", "setdefault", "pop", "popitem", "remove",
                      "discard", "clear", "sort", "reverse", "appendleft", "extendleft"})
FACTORIES = frozenset({"list", "dict", "set", "defaultdict", "deque", "Counter", "OrderedDict", "bytearray"})
_INIT_NAMES = FACTORIES | {"int", "float", "str", "tuple", "bool", "frozenset"}
_FRESH_WORDS = re.compile(r"\b(fresh|new|each call|every call|this call|per call|only the|reset)\b", re.I)
_Func = ast.FunctionDef | ast.AsyncFunctionDef
_Loop = ast.For | ast.AsyncFor | ast.While
_SIMPLE = ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Expr


def is_mutable(node: ast.expr | None) -> bool:
    """A fresh mutable container: a display, a comprehension, `[0] * n`, or `list()`/`defaultdict(...)`..."""
    if isinstance(node, ast.List | ast.Dict | ast.Set | ast.ListComp | ast.DictComp | ast.SetComp):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return isinstance(node.left, ast.List) or isinstance(node.right, ast.List)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute) and (
        getattr(node.func, "id", None) or getattr(node.func, "attr", "")) in FACTORIES


def root(expr: ast.expr) -> ast.expr:
    """`x[i][j]` → `x` (the object a subscript chain reaches into)."""
    while isinstance(expr, ast.Subscript):
        expr = expr.value
    return expr


def mutated_targets(scope: ast.AST) -> list[tuple[ast.expr, bool]]:
    """(object, nested) for each in-place change under `scope`: `x.append(..)`, `x[k] = v`, `del x[k]`, `x += ..`;
    `nested` when the change reaches inside an element (`x[i].append`, `x[i][j] = v`)."""
    out: list[tuple[ast.expr, bool]] = []
    for node in ast.walk(scope):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS:
            out.append((root(node.func.value), isinstance(node.func.value, ast.Subscript)))
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.Delete):
            targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
            for t in targets:
                if isinstance(t, ast.Subscript):
                    out.append((root(t), isinstance(t.value, ast.Subscript)))
                elif isinstance(node, ast.AugAssign) and is_mutable(node.value):  # `xs += [x]`, not `n += 1`
                    out.append((t, False))
    return out


def self_attr(expr: ast.expr, self_name: str | None = None) -> str | None:
    """`self.x` → "x" (any first-parameter name when `self_name` is None)."""
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and (
            self_name is None or expr.value.id == self_name):
        return expr.attr
    return None


def _reads(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _stores(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _writes(stmt: ast.AST) -> set[str]:
    return _stores(stmt) | {t.id for t, _ in mutated_targets(stmt) if isinstance(t, ast.Name)}


def _init_name(stmt: ast.stmt) -> str | None:
    """`name = 0` / `= []` / `= False` / `= defaultdict(list)`: an initialisation that reads no variable."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
            and stmt.lineno == stmt.end_lineno and _reads(stmt.value) <= _INIT_NAMES:
        return stmt.targets[0].id
    return None


def _blocks(tree: ast.AST):
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield block


def _update_lines(scope: list[ast.stmt], name: str) -> list[int]:
    """Lines that change `name` from its previous value (`+=`, `x = x + ..`, `x.append`, `x[k] = ..`)."""
    out = []
    for stmt in scope:
        for node in ast.walk(stmt):
            if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
                out.append(node.lineno)
            elif isinstance(node, ast.Assign) and name in _stores(node) and name in _reads(node.value):
                out.append(node.lineno)
        out += [t.lineno for t, _ in mutated_targets(stmt) if isinstance(t, ast.Name) and t.id == name]
    return sorted(out)


def _read_after_update(body: list[ast.stmt], name: str, first_update: int) -> tuple[bool, bool]:
    """(read at all, stored elsewhere) after the first update inside the loop body: `out.append(total)` or
    `sums[k] = total` hand the per-iteration value on."""
    read = stored = False
    for stmt in body:
        for node in ast.walk(stmt):
            if not isinstance(node, ast.stmt) or node.lineno <= first_update or isinstance(node, _Loop | ast.If):
                continue
            if name in _reads(node) and name not in _writes(node):
                read = True
                calls = [c for c in ast.walk(node) if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
                         and c.func.attr in MUTATORS and any(name in _reads(a) for a in c.args)]
                stored |= bool(calls) or (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript))
    return read, stored


def _read_later(func: ast.AST, name: str, after: int) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) and n.lineno > after
               for n in ast.walk(func))


def relocate(code: str, first: int, last: int, before: int, pad: str) -> str | None:
    """Move lines first..last (1-based) to just before line `before` (of the original), re-indented to `pad`."""
    rows = code.splitlines(keepends=True)
    rows[-1] = rows[-1] if rows[-1].endswith("\n") else rows[-1] + "\n"
    moved = rows[first - 1:last]
    old = indent_of(moved[0])
    if not all(r.startswith(old) or not r.strip() for r in moved):
        return None
    moved = [pad + r[len(old):] if r.strip() else r for r in moved]
    if before > last:
        rows[before - 1:before - 1] = moved
        del rows[first - 1:last]
    else:
        del rows[first - 1:last]
        rows[before - 1:before - 1] = moved
    new = "".join(rows)
    return new if parses(new) else None


def _loop_inits(ctx: FixContext, func: ast.AST) -> list[tuple[Candidate, set[int]]]:
    """Initialisations on the wrong side of a loop, in both directions."""
    out = []
    for block in _blocks(func):
        for i, stmt in enumerate(block):
            name = _init_name(stmt)
            if name is None:
                continue
            loop = next((s for s in block[i + 1:] if isinstance(s, _Loop) or name in _reads(s) | _writes(s)), None)
            if isinstance(loop, _Loop) and name not in _reads(getattr(loop, "iter", loop)) \
                    and (ups := _update_lines(loop.body, name)):
                read, stored = _read_after_update(loop.body, name, ups[0])
                nested = any(isinstance(n, _Loop) and n.lineno < ups[0] <= (n.end_lineno or 0)
                             for s in loop.body for n in ast.walk(s))
                prior = (0.55 + 0.05 * nested) if stored else 0.4 if read else 0.25
                prior -= 0.1 if _read_later(func, name, loop.end_lineno or loop.lineno) else 0.0
                code = relocate(ctx.code, stmt.lineno, stmt.lineno, loop.body[0].lineno,
                                indent_of(ctx.lines[loop.body[0].lineno - 1]))
                if code:
                    out.append((Candidate(code, "template", f"line {stmt.lineno}: `{ast.unparse(stmt)}` moved into "
                                          f"the loop at line {loop.lineno} so it starts afresh each iteration",
                                          prior), {stmt.lineno, *ups}))
        for loop in (s for s in block if isinstance(s, _Loop)):
            for stmt in loop.body:
                name = _init_name(stmt)
                ups = [u for u in _update_lines(loop.body, name) if u > stmt.lineno] if name else []
                if not ups or not _read_later(func, name, loop.end_lineno or loop.lineno):
                    continue
                read, _ = _read_after_update(loop.body, name, ups[0])
                code = relocate(ctx.code, stmt.lineno, stmt.lineno, loop.lineno, indent_of(ctx.lines[loop.lineno - 1]))
                if code:
                    out.append((Candidate(code, "template", f"line {stmt.lineno}: `{ast.unparse(stmt)}` moved before "
                                          f"the loop at line {loop.lineno} (it reset the result every iteration)",
                                          0.3 if read else 0.55), {stmt.lineno, *ups}))
    return out


def _loop_exits(ctx: FixContext, func: ast.AST) -> list[tuple[Candidate, set[int]]]:
    """A trailing `return`/`break` in a loop body, and a statement after a loop that reads its variable."""
    out = []
    for loop in (n for n in ast.walk(func) if isinstance(n, _Loop) and not n.orelse):
        last, end = loop.body[-1], loop.end_lineno or loop.lineno
        if isinstance(last, ast.Return) and len(loop.body) > 1:
            code = relocate(ctx.code, last.lineno, last.end_lineno or last.lineno, end + 1,
                            indent_of(ctx.lines[loop.lineno - 1]))
            if code:
                out.append((Candidate(code, "template", f"line {last.lineno}: `return` moved after the loop (it "
                                      "ended the loop in its first iteration)", 0.55), {last.lineno}))
        prev = loop.body[-2] if len(loop.body) > 1 else None
        if isinstance(last, ast.Return | ast.Break) and isinstance(prev, ast.If) and not prev.orelse:
            code = relocate(ctx.code, last.lineno, last.end_lineno or last.lineno, last.lineno,
                            indent_of(ctx.lines[prev.body[0].lineno - 1]))
            if code:
                word = "return" if isinstance(last, ast.Return) else "break"
                out.append((Candidate(code, "template", f"line {last.lineno}: `{word}` moved into the `if` above "
                                      "(it left the loop unconditionally)", 0.45), {last.lineno, prev.lineno}))
    for block in _blocks(func):
        for loop, nxt in zip(block, block[1:], strict=False):
            if not isinstance(loop, ast.For | ast.AsyncFor) or loop.orelse or not isinstance(nxt, _SIMPLE) \
                    or nxt.lineno != nxt.end_lineno:
                continue
            used = _reads(nxt)
            target, inner = _stores(loop.target) & used, (_stores(ast.Module(body=loop.body, type_ignores=[]))
                                                          & used)
            if not (target or inner) or (inner and _bound_before(func, inner, loop.lineno)):
                continue
            code = relocate(ctx.code, nxt.lineno, nxt.lineno, nxt.lineno, indent_of(ctx.lines[loop.body[0].lineno - 1]))
            if code:
                out.append((Candidate(code, "template", f"line {nxt.lineno}: moved into the loop above (it reads "
                                      f"`{sorted(target or inner)[0]}`, which changes every iteration)",
                                      0.5 if target else 0.4), {nxt.lineno}))
    return out


def _bound_before(func: ast.AST, names: set[str], line: int) -> bool:
    """Every name is a parameter, assigned before `line`, or not local to `func` (a global)."""
    params = {a.arg for a in ast.walk(func) if isinstance(a, ast.arg)}
    local = _stores(func)
    early = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
             and n.lineno < line}
    return all(n in params or n in early or n not in local for n in names)


def _swaps(ctx: FixContext, func: ast.AST) -> list[tuple[Candidate, set[int]]]:
    """Adjacent simple statements where one reads what the other writes, in swapped order."""
    out = []
    for block in _blocks(func):
        for a, b in zip(block, block[1:], strict=False):
            if not (isinstance(a, _SIMPLE) and isinstance(b, _SIMPLE)) or a.lineno != a.end_lineno \
                    or b.lineno != b.end_lineno or isinstance(a, ast.Expr) and isinstance(a.value, ast.Constant):
                continue
            forward, backward = _writes(a) & _reads(b), _writes(b) & _reads(a)
            if not (forward or backward) or (forward and not _bound_before(func, forward, a.lineno)):
                continue
            code = relocate(ctx.code, b.lineno, b.lineno, a.lineno, indent_of(ctx.lines[a.lineno - 1]))
            if code:
                name = sorted(forward or backward)[0]
                out.append((Candidate(code, "template", f"lines {a.lineno}-{b.lineno} swapped (`{name}` was used "
                                      "before it was updated)", 0.4), {a.lineno, b.lineno}))
    return out


def _fresh_value(cls: ast.ClassDef, attr: str) -> str | None:
    """The empty container `attr` starts as (class level or `self.attr = ...` in any method)."""
    for node in ast.walk(cls):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and is_mutable(node.value) and (
                self_attr(node.targets[0]) == attr or (isinstance(node.targets[0], ast.Name)
                                                       and node.targets[0].id == attr and node in cls.body)):
            return ast.unparse(node.value)
    return None


def _returns_attr(value: ast.expr | None, me: str, attr: str) -> bool:
    """`return self.x`, or a copy of it (`list(self.x)`, `sorted(self.x)`, `dict(self.x)`...)."""
    if isinstance(value, ast.Call) and len(value.args) == 1 and isinstance(value.func, ast.Name) \
            and value.func.id in _INIT_NAMES | {"sorted"}:
        value = value.args[0]
    return value is not None and self_attr(value, me) == attr


def _stale_results(ctx: FixContext, cls: ast.ClassDef) -> list[tuple[Candidate, set[int]]]:
    """A method that adds to `self.x` and returns it, never resetting it: reset it at the start."""
    out = []
    for m in (n for n in cls.body if isinstance(n, _Func) and n.args.args and not n.name.startswith("__")):
        me = m.args.args[0].arg
        for attr in sorted({a for t, nested in mutated_targets(m) if not nested and (a := self_attr(t, me))}):
            assigned = any(self_attr(t, me) == attr for n in ast.walk(m) if isinstance(n, ast.Assign)
                           for t in n.targets)
            returned = [r for r in ast.walk(m) if isinstance(r, ast.Return) and _returns_attr(r.value, me, attr)]
            fresh = _fresh_value(cls, attr)
            if assigned or not returned or fresh is None:
                continue
            first = m.body[1] if isinstance(m.body[0], ast.Expr) and isinstance(m.body[0].value, ast.Constant) \
                and len(m.body) > 1 else m.body[0]
            rows = ctx.code.splitlines(keepends=True)
            rows.insert(first.lineno - 1, f"{indent_of(rows[first.lineno - 1])}{me}.{attr} = {fresh}\n")
            hinted = _FRESH_WORDS.search((ast.get_docstring(m) or "") + " " + ctx.hints)
            out.append((Candidate("".join(rows), "template", f"`{m.name}` resets `{me}.{attr}` at its start (results "
                                  "of earlier calls leaked into later ones)", 0.55 if hinted else 0.45),
                        {first.lineno, returned[0].lineno}))
    return out


def ranked_moves(ctx: FixContext) -> list[Candidate]:
    """Every statement move, its prior scaled by the suspicion of the lines it touches, best first."""
    if ctx.tree is None:
        return []
    found: list[tuple[Candidate, set[int]]] = []
    for func in (n for n in ast.walk(ctx.tree) if isinstance(n, _Func)):
        found += _loop_inits(ctx, func) + _loop_exits(ctx, func) + _swaps(ctx, func)
    for cls in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.ClassDef)):
        found += _stale_results(ctx, cls)
    weights = line_weights(ctx.suspicious[:8])
    out = []
    for cand, lines in found:
        w = max((weights.get(ln, 0.0) for ln in lines), default=0.0)
        cand.prior = round(min(0.6, cand.prior * (0.8 + 0.3 * w if weights else 0.9)), 3)
        out.append(cand)
    return sorted(out, key=lambda c: -c.prior)
