"""State that outlives the call it belongs to: a cached result never invalidated when its inputs change, a cache
key that leaves out an argument, an error list kept across calls, and per-item counters initialised once before
the outer loop. Also money rounded as a float where the module already imports Decimal's rounding modes."""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import apply_edits, body_start, call_with, indent_of, insert_lines, node_edit
from graphs.auto_fix.name_fixes import with_import
from graphs.auto_fix.propose_types import Proposer

_FuncDef = ast.FunctionDef | ast.AsyncFunctionDef
_MUTATORS = frozenset({"append", "extend", "insert", "add", "update", "pop", "remove", "clear", "discard",
                       "setdefault", "__setitem__"})


def _self_attr(node: ast.AST) -> str | None:
    return node.attr if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
        and node.value.id == "self" else None


def _changed_attrs(method: _FuncDef) -> set[str]:
    """Attributes of self the method assigns or mutates."""
    out = set()
    for n in ast.walk(method):
        if isinstance(n, ast.Assign | ast.AugAssign):
            for t in (n.targets if isinstance(n, ast.Assign) else [n.target]):
                if (a := _self_attr(t)) or (isinstance(t, ast.Subscript) and (a := _self_attr(t.value))):
                    out.add(a)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _MUTATORS \
                and (a := _self_attr(n.func.value)):
            out.add(a)
    return out


def _caches(cls: ast.ClassDef) -> dict[str, str]:
    """Memo attributes: `if self._x is None: ... self._x = ...` (reset to None) or `if k not in self._c` (dict)."""
    out: dict[str, str] = {}
    for cmp in (n for n in ast.walk(cls) if isinstance(n, ast.Compare) and len(n.ops) == 1):
        if isinstance(cmp.ops[0], ast.Is) and (a := _self_attr(cmp.left)) and isinstance(
                cmp.comparators[0], ast.Constant) and cmp.comparators[0].value is None:
            out[a] = "None"
        if isinstance(cmp.ops[0], ast.NotIn | ast.In) and (a := _self_attr(cmp.comparators[0])):
            out[a] = "{}"
    return out


def cache_invalidations(ctx: FixContext) -> list[Candidate]:
    """A method caches a result in `self._totals` but the methods that change its inputs never reset it."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for cls in (c for c in ast.walk(ctx.tree) if isinstance(c, ast.ClassDef)):
        caches = _caches(cls)
        for method in (f for f in cls.body if isinstance(f, _FuncDef) and f.name != "__init__"):
            changed = _changed_attrs(method)
            if not changed or changed & set(caches):
                continue
            for cache, empty in caches.items():
                last = method.body[-1]
                at = last.lineno if isinstance(last, ast.Return) else (last.end_lineno or last.lineno) + 1
                pad = indent_of(ctx.lines[method.body[0].lineno - 1])
                out.append(Candidate(insert_lines(ctx.code, at, [f"{pad}self.{cache} = {empty}"]), "template",
                                     f"line {at}: `{method.name}` changes what `self.{cache}` was computed from; "
                                     f"the cached value is dropped", 0.9))
    return out


def cache_keys(ctx: FixContext) -> list[Candidate]:
    """`key = route` for a result that also depends on `weekday`: the key holds every argument used."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, _FuncDef)):
        params = [a.arg for a in func.args.args if a.arg not in ("self", "cls")]
        used = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        keyed = {ast.unparse(c.left) for c in ast.walk(func) if isinstance(c, ast.Compare)
                 and isinstance(c.ops[0], ast.In | ast.NotIn)}
        for stmt in (s for s in func.body if isinstance(s, ast.Assign) and len(s.targets) == 1
                     and isinstance(s.targets[0], ast.Name) and s.targets[0].id in keyed):
            parts = [n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name)]
            missing = [p for p in params if p not in parts and p in used]
            if parts and missing:
                text = "(" + ", ".join([ast.unparse(stmt.value), *missing]) + ")"
                out += [Candidate(c, "template", f"line {stmt.lineno}: the cache key leaves out "
                                  f"{', '.join(missing)}; it is `{text}` now", 0.88)
                        for c in [apply_edits(ctx.code, [node_edit(ctx.lines, stmt.value, text)])] if c]
    return out


def per_call_resets(ctx: FixContext) -> list[Candidate]:
    """`self.errors` filled by a method and never emptied: results of an earlier call leak into the next; the
    method starts from an empty collection."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for cls in (c for c in ast.walk(ctx.tree) if isinstance(c, ast.ClassDef)):
        init = next((f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
        empty = {t.attr: ast.unparse(s.value) for s in (init.body if init else []) if isinstance(s, ast.Assign)
                 for t in s.targets if _self_attr(t) and isinstance(s.value, ast.List | ast.Dict | ast.Set)
                 and not getattr(s.value, "elts", getattr(s.value, "keys", None))}
        for method in (f for f in cls.body if isinstance(f, _FuncDef) and f is not init):
            filled = [n.func.value.attr for n in ast.walk(method) if isinstance(n, ast.Call)
                      and isinstance(n.func, ast.Attribute) and n.func.attr in ("append", "add", "update", "extend")
                      and _self_attr(n.func.value) in empty]
            for attr in dict.fromkeys(filled):
                first = body_start(method)
                pad = indent_of(ctx.lines[first.lineno - 1])
                out.append(Candidate(insert_lines(ctx.code, first.lineno, [f"{pad}self.{attr} = {empty[attr]}"]),
                                     "template", f"`{method.name}` starts from an empty `self.{attr}`: entries of an "
                                     f"earlier call leaked into this one", 0.86))
    return out


def outer_loop_resets(ctx: FixContext) -> list[Candidate]:
    """`best = current = 0` before `for player ...: for game ...:` — the counters must restart for every player;
    repeat the initialisation at the top of the outer loop."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for body in (n.body for n in ast.walk(ctx.tree) if isinstance(n, _FuncDef)):
        for i, loop in enumerate(body):
            if not isinstance(loop, ast.For) or not any(isinstance(n, ast.For | ast.While) for n in ast.walk(loop)
                                                         if n is not loop):
                continue
            inner_assigned = {t.id for n in ast.walk(loop) if isinstance(n, ast.Assign | ast.AugAssign)
                              for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                              for t in ast.walk(t) if isinstance(t, ast.Name)}
            for init in (s for s in body[:i] if isinstance(s, ast.Assign) and isinstance(s.value, ast.Constant)):
                names = [t.id for t in init.targets if isinstance(t, ast.Name)]
                if names and set(names) <= inner_assigned and init.lineno == init.end_lineno:
                    pad = indent_of(ctx.lines[loop.body[0].lineno - 1])
                    code = insert_lines(ctx.code, loop.body[0].lineno, [f"{pad}{ctx.lines[init.lineno - 1].strip()}"])
                    out.append(Candidate(code, "template", f"line {loop.body[0].lineno}: "
                                         f"{', '.join(names)} restart for every item of the outer loop", 0.87))
    return out


_HALF_UP = re.compile(r"(?i)half[- _]?up|round(?:s|ed|ing)? (?:halves|half|\.5|0\.5) up|halves? (?:are |get )?"
                      r"rounded up|away from zero|half(?: \w+)? rounds? up")


def decimal_rounding(ctx: FixContext) -> list[Candidate]:
    """`round(amount, 2)` rounds half to even on a binary float, and so does `quantize` without `rounding=`.
    When the module imports a rounding mode it never uses (or the spec says half-up): round the Decimal with it
    (as a Decimal, or back to a float when the function worked in floats)."""
    if ctx.tree is None:
        return []
    imported = {a.asname or a.name for n in ast.walk(ctx.tree) if isinstance(n, ast.ImportFrom)
                and n.module == "decimal" for a in n.names}
    loaded = {n.id for n in ast.walk(ctx.tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    modes = [m for m in ("ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_HALF_DOWN") if m in imported and m not in loaded]
    stated = bool(modes) or bool(_HALF_UP.search(ctx.hints + ctx.code))
    if not modes:
        modes = ["ROUND_HALF_UP"]
    out: list[Candidate] = []
    # Unstated, only a bare `quantize` is worth a guess (it is where money is rounded), at a lower prior.
    for mode in modes[:1]:
        needs = [name for name in ("Decimal", mode) if name not in imported]
        for call in (n for n in ast.walk(ctx.tree) if stated and isinstance(n, ast.Call)
                     and isinstance(n.func, ast.Name) and n.func.id == "round" and (len(n.args) == 1 or len(n.args) == 2
                     and isinstance(n.args[1], ast.Constant) and isinstance(n.args[1].value, int))):
            digits = call.args[1].value if len(call.args) == 2 else 0  # type: ignore[attr-defined]
            places = "0." + "0" * (digits - 1) + "1" if digits > 0 else "1"
            exact = f"Decimal(str({ast.unparse(call.args[0])})).quantize(Decimal({places!r}), rounding={mode})"
            # `round(x)` gives an int: so does the half-up version.
            forms = ((f"int({exact})", "as an int", 0.88),) if len(call.args) == 1 else \
                ((exact, "as a Decimal", 0.88), (f"float({exact})", "back to a float", 0.86))
            for text, how, prior in forms:
                code = apply_edits(ctx.code, [node_edit(ctx.lines, call, text)])
                if code and needs:
                    code = with_import(code, ctx.tree, f"from decimal import {', '.join(needs)}")
                if code:
                    out.append(Candidate(code, "template", f"line {call.lineno}: rounded half-up with `{mode}` "
                                         f"({how}) instead of a float `round`, which rounds half to even", prior))
        for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                     and n.func.attr == "quantize" and len(n.args) == 1 and not n.keywords):
            code = apply_edits(ctx.code, [node_edit(ctx.lines, call, call_with(call, f"rounding={mode}"))])
            if code and mode not in imported:
                code = with_import(code, ctx.tree, f"from decimal import {mode}")
            if code:
                out.append(Candidate(code, "template", f"line {call.lineno}: `quantize` without `rounding=` rounds "
                                     f"half to even; the amounts need `{mode}`", 0.86 if stated else 0.7))
    return out


_DRAINS = re.compile(r"(?i)^(flush|drain|take|consume|pop_all|collect|harvest|emit|send|export|rotate|reset)")


def drained_buffers(ctx: FixContext) -> list[Candidate]:
    """`flush()` returns a snapshot of `self.counts` but keeps counting on top of it: empty the buffer."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for cls in (c for c in ast.walk(ctx.tree) if isinstance(c, ast.ClassDef)):
        for method in (f for f in cls.body if isinstance(f, _FuncDef) and _DRAINS.match(f.name)):
            read = {a for n in ast.walk(method) if (a := _self_attr(n))} - _changed_attrs(method)
            ret = next((s for s in method.body if isinstance(s, ast.Return)), None)
            for attr in sorted(read):
                pad = indent_of(ctx.lines[method.body[0].lineno - 1])
                at = ret.lineno if ret else (method.end_lineno or method.lineno) + 1
                out.append(Candidate(insert_lines(ctx.code, at, [f"{pad}self.{attr}.clear()"]), "template",
                                     f"`{method.name}` hands out `self.{attr}` and empties it, so the next call "
                                     f"starts from zero", 0.86))
    return out


def consumed_buffers(ctx: FixContext) -> list[Candidate]:
    """`tokens.append("".join(current))` inside the loop but `current` is never emptied: start a new one."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, _FuncDef)):
        inits = {t.id: ast.unparse(s.value) for s in func.body if isinstance(s, ast.Assign)
                 and isinstance(s.value, ast.List | ast.Dict | ast.Set | ast.Constant) for t in s.targets
                 if isinstance(t, ast.Name)}
        for loop in (n for n in func.body if isinstance(n, ast.For | ast.While)):
            reset = {t.id for n in ast.walk(loop) if isinstance(n, ast.Assign) for t in n.targets
                     if isinstance(t, ast.Name)}
            for stmt in (s for s in ast.walk(loop) if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
                         and isinstance(s.value.func, ast.Attribute) and s.value.func.attr in ("append", "add")):
                used = {n.id for a in stmt.value.args for n in ast.walk(a) if isinstance(n, ast.Name)}
                for name in sorted(used & set(inits) - reset):
                    if ast.unparse(stmt.value.func.value) == name:
                        continue
                    pad = indent_of(ctx.lines[stmt.lineno - 1])
                    out.append(Candidate(insert_lines(ctx.code, (stmt.end_lineno or stmt.lineno) + 1,
                                                      [f"{pad}{name} = {inits[name]}"]), "template",
                                         f"line {stmt.lineno}: `{name}` starts afresh once it has been used",
                                         0.87))
    return out


_STATE = [drained_buffers, consumed_buffers, cache_invalidations, cache_keys, per_call_resets, outer_loop_resets, decimal_rounding]
PROPOSERS: dict[str, list[Proposer]] = {cls: _STATE for cls in ("wrong_output", "assertion_error", "unknown")}
