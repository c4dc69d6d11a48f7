"""Repairs of state written in the wrong shape: a `reset()` that forgets some of the fields `__init__` set, a
grouping loop that overwrites each key's list instead of appending to it, a mapping stored the wrong way round
(`store[email] = token` read back as `store[token]`), a missing-match guard its sibling lines already have, and a
flag initialised and read but never set, and a method that undoes another only halfway.

Registered through `PROPOSERS`; `propose.TEMPLATE_MODULES` lists this module.
"""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext, node_candidate
from graphs.auto_fix.edits import enclosing_function, indent_of, insert_lines
from graphs.auto_fix.propose_types import Proposer

_RESETS = re.compile(r"(?i)^(reset|clear|restart|rewind|reinit|init_state|start_over|new_period|flush|close)\w*$")
_FuncDef = ast.FunctionDef | ast.AsyncFunctionDef


def _init_fields(cls: ast.ClassDef) -> list[tuple[str, ast.Assign]]:
    """`self.x = <value>` statements at the top level of `__init__`, in order."""
    init = next((f for f in cls.body if isinstance(f, _FuncDef) and f.name == "__init__"), None)
    out = []
    for stmt in init.body if init else []:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Attribute) \
                and isinstance(stmt.targets[0].value, ast.Name) and stmt.targets[0].value.id == "self":
            out.append((stmt.targets[0].attr, stmt))
    return out


def incomplete_resets(ctx: FixContext) -> list[Candidate]:
    """`reset()` re-initialises some of the fields `__init__` sets but forgets others (a running sum, a last-seen
    value): reset those too, with the value `__init__` gives them."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for cls in (c for c in ast.walk(ctx.tree) if isinstance(c, ast.ClassDef)):
        fields = _init_fields(cls)
        params = {a.arg for f in cls.body if isinstance(f, _FuncDef) and f.name == "__init__" for a in f.args.args}
        for method in (f for f in cls.body if isinstance(f, _FuncDef) and _RESETS.match(f.name)):
            reset = {t.attr for n in ast.walk(method) if isinstance(n, ast.Assign | ast.AugAssign)
                     for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                     if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"}
            if not reset:
                continue
            # Fields built from constructor arguments are configuration, not state.
            missing = [(attr, stmt) for attr, stmt in fields if attr not in reset and not (
                {n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name)} & params)]
            if not missing:
                continue
            last = method.body[-1]
            at = (last.end_lineno or last.lineno) + 1
            if isinstance(last, ast.Return):
                at = last.lineno
            pad = indent_of(ctx.lines[method.body[-1].lineno - 1])
            lines = [f"{pad}self.{attr} = {ast.unparse(stmt.value)}" for attr, stmt in missing]
            code = insert_lines(ctx.code, at, lines)
            names = ", ".join(f"`self.{a}`" for a, _ in missing)
            out.append(Candidate(code, "template", f"line {method.lineno}: `{method.name}()` left {names} as they "
                                 "were; they are reset to their `__init__` values too", 0.8))
    return out


def appended_groups(ctx: FixContext) -> list[Candidate]:
    """`groups[key] = [item]` inside a loop keeps only the last item per key: append to the key's list
    (`setdefault(key, []).append(item)`), likewise for sets."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for loop in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.For | ast.While)):
        for stmt in (n for n in ast.walk(loop) if isinstance(n, ast.Assign)):
            target = stmt.targets[0] if len(stmt.targets) == 1 else None
            value = stmt.value
            if not (isinstance(target, ast.Subscript) and isinstance(value, ast.List | ast.Set)
                    and len(value.elts) == 1):
                continue
            empty, add = ("[]", "append") if isinstance(value, ast.List) else ("set()", "add")
            text = (f"{ast.unparse(target.value)}.setdefault({ast.unparse(target.slice)}, {empty})"
                    f".{add}({ast.unparse(value.elts[0])})")
            out += node_candidate(ctx, stmt, text, f"`{ast.unparse(stmt)}` replaced the list of every key on each "
                                  f"pass; the item is added to it instead", 0.8)
    return out[:3]


def swapped_mappings(ctx: FixContext) -> list[Candidate]:
    """`store[email] = token` where the rest of the code (or the tests) looks entries up by the value: store it the
    other way round."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for stmt in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Assign) and len(n.targets) == 1):
        target = stmt.targets[0]
        if not (isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Name)
                and isinstance(stmt.value, ast.Name) and target.slice.id != stmt.value.id):
            continue
        mapping, value = ast.unparse(target.value), stmt.value.id
        # Only when something reads the mapping by the value (`store.get(token)`, `store[token]`).
        read_by_value = re.compile(rf"\b{re.escape(mapping.split('.')[-1])}(?:\.get\(|\[)\s*{re.escape(value)}\b")
        if not read_by_value.search(ctx.hints + "\n" + ctx.code.replace(ast.unparse(stmt), "")):
            continue
        text = f"{mapping}[{value}] = {target.slice.id}"
        out += node_candidate(ctx, stmt, text, f"the mapping was stored the wrong way round; `{value}` is the key "
                              "entries are looked up by", 0.7)
    return out[:2]


def sibling_guards(ctx: FixContext) -> list[Candidate]:
    """`'NoneType' object has no attribute ...` in one entry of a dict/tuple/call whose sibling entries already
    read `X if m else None`: guard this entry the same way."""
    m = re.search(r"'NoneType' object has no attribute", ctx.message)
    if ctx.tree is None or ctx.line is None or not m:
        return []
    func = enclosing_function(ctx.tree, ctx.line) or ctx.tree
    out: list[Candidate] = []
    for holder in (n for n in ast.walk(func) if isinstance(n, ast.Dict | ast.Tuple | ast.List | ast.Call)):
        items = holder.values if isinstance(holder, ast.Dict) else holder.args if isinstance(holder, ast.Call) \
            else holder.elts
        # Siblings written `value if m else None`: this entry gets the same guard on its own match.
        styles = [isinstance(i.test, ast.Name) for i in items if isinstance(i, ast.IfExp)
                  and isinstance(i.orelse, ast.Constant) and i.orelse.value is None]
        for item in items:
            if isinstance(item, ast.IfExp) or not (item.lineno <= ctx.line <= (item.end_lineno or item.lineno)):
                continue
            used = [n.value.id for n in ast.walk(item) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)]
            for name in dict.fromkeys(used):
                test = name if (styles and styles[0]) else f"{name} is not None"
                out += node_candidate(ctx, item, f"{ast.unparse(item)} if {test} else None",
                                      f"`{name}` can be None here; guarded like the entries next to it",
                                      0.85 if styles else 0.6)
    return sorted(out, key=lambda c: -c.prior)[:3]


def never_set_flags(ctx: FixContext) -> list[Candidate]:
    """`negative = False`, later read (`-value if negative else value`), and never set anywhere: the branch that
    detected the condition forgot to raise the flag. Each `if` between the flag and its first read sets it (the
    tests pick which)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (n for n in ast.walk(ctx.tree) if isinstance(n, _FuncDef)):
        for init in (s for s in func.body if isinstance(s, ast.Assign) and len(s.targets) == 1
                     and isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.Constant)
                     and isinstance(s.value.value, bool)):
            flag = init.targets[0].id
            stores = [n for n in ast.walk(func) if isinstance(n, ast.Name) and n.id == flag
                      and isinstance(n.ctx, ast.Store)]
            reads = sorted(n.lineno for n in ast.walk(func) if isinstance(n, ast.Name) and n.id == flag
                           and isinstance(n.ctx, ast.Load))
            if len(stores) != 1 or not reads:
                continue
            branches = [n for n in ast.walk(func) if isinstance(n, ast.If) and init.lineno < n.lineno < reads[0]]
            for branch in sorted(branches, key=lambda b: -b.lineno)[:3]:
                first = branch.body[0]
                code = insert_lines(ctx.code, first.lineno, [f"{indent_of(ctx.lines[first.lineno - 1])}{flag} = "
                                                             f"{not init.value.value}"])
                out.append(Candidate(code, "template", f"line {branch.lineno}: `{flag}` was set to "
                                     f"{init.value.value} and never changed; the branch that detects it sets it",
                                     0.8))
    return out


_UNDO = {"remove": "add", "discard": "add", "add": "discard", "append": "remove"}


def _self_changes(method: ast.FunctionDef) -> list[tuple[str, str, str, ast.stmt]]:
    """(attribute, operation, key or argument text, statement) for `self.a.op(x)`, `self.a[k] = v`,
    `self.a.pop(k)` and `del self.a[k]` in `method`."""
    out = []
    for stmt in (s for s in ast.walk(method) if isinstance(s, ast.stmt)):
        for node in ast.walk(stmt) if isinstance(stmt, ast.Expr | ast.Assign | ast.Delete | ast.Return) else []:
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args
                    and isinstance(node.func.value, ast.Attribute) and isinstance(node.func.value.value, ast.Name)
                    and node.func.value.value.id == "self"):
                op = "delitem" if node.func.attr == "pop" else node.func.attr
                out.append((node.func.value.attr, op, ast.unparse(node.args[0]), stmt))
        targets = stmt.targets if isinstance(stmt, ast.Assign | ast.Delete) else []
        for t in targets:
            if (isinstance(t, ast.Subscript) and isinstance(t.value, ast.Attribute)
                    and isinstance(t.value.value, ast.Name) and t.value.value.id == "self"):
                out.append((t.value.attr, "delitem" if isinstance(stmt, ast.Delete) else "setitem",
                            ast.unparse(t.slice), stmt))
    return out


def unpaired_inverses(ctx: FixContext) -> list[Candidate]:
    """`rent` takes the plate out of `self.available` and records it in `self.rented`; `give_back` drops it from
    `self.rented` but never puts it back into `self.available`. The undoing method undoes every change."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for cls in (c for c in ast.walk(ctx.tree) if isinstance(c, ast.ClassDef)):
        methods = [f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name != "__init__"]
        changes = {m.name: _self_changes(m) for m in methods}
        for doer in methods:
            for undoer in (m for m in methods if m is not doer):
                for attr, _, key, _ in (c for c in changes[doer.name] if c[1] == "setitem"):
                    undone = next((c for c in changes[undoer.name] if c[0] == attr and c[1] == "delitem"), None)
                    if undone is None:
                        continue
                    touched = {c[0] for c in changes[undoer.name]}
                    for other, other_op, arg, _ in changes[doer.name]:
                        if other == attr or other in touched or other_op not in _UNDO or arg != key:
                            continue
                        stmt = undone[3]
                        line = f"{indent_of(ctx.lines[stmt.lineno - 1])}self.{other}.{_UNDO[other_op]}({undone[2]})"
                        at = stmt.lineno if isinstance(stmt, ast.Return) else (stmt.end_lineno or stmt.lineno) + 1
                        code = insert_lines(ctx.code, at, [line])
                        out.append(Candidate(code, "template", f"line {stmt.lineno}: `{undoer.name}` undoes "
                                             f"`{doer.name}` on `self.{attr}` but not on `self.{other}`: "
                                             f"`self.{other}.{_UNDO[other_op]}(...)` added", 0.82))
    return out[:3]


PROPOSERS: dict[str, list[Proposer]] = {
    **{cls: [incomplete_resets, appended_groups, swapped_mappings, never_set_flags, unpaired_inverses]
       for cls in ("wrong_output", "assertion_error")},
    "none_attribute": [sibling_guards],
    "attribute_error": [sibling_guards],
}
