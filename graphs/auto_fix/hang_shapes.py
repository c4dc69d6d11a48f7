"""Hangs of loops that walk a chain or narrow a range: the walk steps from its starting point again
(`current = parents.get(role)` instead of `.get(current)`), the next cursor is computed but never becomes the
cursor (`next_cursor = page[...]` while the loop keeps calling with `cursor`), and a bisection that sets
`lo = mid` under `while lo < hi` (it stops narrowing once `hi == lo + 1`), and a loop that waits for one
substring to vanish while it replaces another, a walk up the parents that waits for one particular root, and a
worklist loop that picks items without taking them off.

Registered through `PROPOSERS`; `propose.TEMPLATE_MODULES` lists this module.
"""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import Candidate, FixContext, node_candidate
from graphs.auto_fix.edits import indent_of, insert_lines
from graphs.auto_fix.propose_types import Proposer


def _before(func_body: list[ast.stmt], loop: ast.While) -> dict[str, ast.expr]:
    """`name = value` statements that run before `loop` in the same body."""
    out: dict[str, ast.expr] = {}
    for stmt in func_body:
        if stmt is loop:
            break
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            out[stmt.targets[0].id] = stmt.value
    return out


def _bodies(tree: ast.Module) -> list[list[ast.stmt]]:
    return [n.body for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module)]


def restarted_walks(ctx: FixContext) -> list[Candidate]:
    """`current = role` before the loop, then `current = step(role)` inside it: every pass steps from the start
    again. Step from `current`."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for body in _bodies(ctx.tree):
        for loop in (s for s in body if isinstance(s, ast.While)):
            start = {name: v.id for name, v in _before(body, loop).items() if isinstance(v, ast.Name)}
            for stmt in (n for n in ast.walk(loop) if isinstance(n, ast.Assign) and len(n.targets) == 1
                         and isinstance(n.targets[0], ast.Name) and n.targets[0].id in start):
                cursor, origin = stmt.targets[0].id, start[stmt.targets[0].id]
                uses = [n for n in ast.walk(stmt.value) if isinstance(n, ast.Name) and n.id == origin]
                if not uses or any(isinstance(n, ast.Name) and n.id == cursor for n in ast.walk(stmt.value)):
                    continue
                for use in uses[:2]:
                    out += node_candidate(ctx, use, cursor, f"`{cursor}` stepped from `{origin}` (where the walk "
                                          f"started) on every pass; it steps from itself", 0.9)
    return out


def unused_cursors(ctx: FixContext) -> list[Candidate]:
    """`next_cursor = page.get("next")` in a loop that keeps calling `fetch(cursor)`: the cursor never moves.
    Assign the next value to the cursor."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for loop in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.While)):
        assigned = {t.id for n in ast.walk(loop) if isinstance(n, ast.Assign) for t in n.targets
                    if isinstance(t, ast.Name)}
        read = {n.id for n in ast.walk(loop) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        for stmt in (n for n in loop.body if isinstance(n, ast.Assign) and len(n.targets) == 1
                     and isinstance(n.targets[0], ast.Name)):
            fresh = stmt.targets[0].id
            stale = [name for name in read - assigned if name and (fresh.endswith(name) or fresh.startswith(name))
                     and fresh != name]
            for name in stale[:1]:
                pad = indent_of(ctx.lines[stmt.lineno - 1])
                code = insert_lines(ctx.code, (stmt.end_lineno or stmt.lineno) + 1, [f"{pad}{name} = {fresh}"])
                out.append(Candidate(code, "template", f"line {stmt.lineno}: `{fresh}` was computed but `{name}`, "
                                     f"which the loop uses, never moved; it now takes the new value", 0.9))
    return out


def stalled_bisections(ctx: FixContext) -> list[Candidate]:
    """`while lo < hi:` with `lo = mid` (mid rounded down): once `hi == lo + 1`, mid is lo and nothing moves.
    Either step past mid or stop when the two are adjacent."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for loop in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.While)):
        test = loop.test
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Lt | ast.LtE)
                and isinstance(test.left, ast.Name) and isinstance(test.comparators[0], ast.Name)):
            continue
        lo, hi = test.left.id, test.comparators[0].id
        stalls = [n for n in ast.walk(loop) if isinstance(n, ast.Assign) and len(n.targets) == 1
                  and isinstance(n.targets[0], ast.Name) and n.targets[0].id == lo and isinstance(n.value, ast.Name)]
        for stmt in stalls[:1]:
            mid = stmt.value.id  # type: ignore[attr-defined]
            # `hi = mid - 1` (or `<=`): an inclusive search, where lo must step past mid. `hi = mid` under `<`: a
            # bracketing search, which stops when the two are adjacent.
            inclusive = isinstance(test.ops[0], ast.LtE) or any(
                isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
                and n.targets[0].id == hi and isinstance(n.value, ast.BinOp) for n in ast.walk(loop))
            step = node_candidate(ctx, stmt.value, f"{mid} + 1", f"`{lo} = {mid}` cannot move once `{hi}` is "
                                  f"`{lo} + 1`; `{lo}` steps past `{mid}`", 0.88 if inclusive else 0.86)
            if inclusive:
                out += step
                continue
            out += node_candidate(ctx, test, f"{hi} - {lo} > 1", f"`{lo} = {mid}` cannot move once `{hi}` is "
                                  f"`{lo} + 1`; the search stops when they are adjacent", 0.88) + step
    return out


def unmarked_visits(ctx: FixContext) -> list[Candidate]:
    """`while name in aliases:` with `if name in seen: raise ...` but nothing ever added to `seen`: the cycle check
    can never fire. Mark the node after the check."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for loop in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.While)):
        added = {ast.unparse(c.func.value) for c in ast.walk(loop) if isinstance(c, ast.Call)
                 and isinstance(c.func, ast.Attribute) and c.func.attr in ("add", "append", "update")}
        for check in (s for s in loop.body if isinstance(s, ast.If) and isinstance(s.test, ast.Compare)
                      and isinstance(s.test.ops[0], ast.In) and isinstance(s.test.left, ast.Name)
                      and isinstance(s.test.comparators[0], ast.Name)
                      and any(isinstance(n, ast.Raise | ast.Break | ast.Return) for n in s.body)):
            holder, node = ast.unparse(check.test.comparators[0]), check.test.left.id  # type: ignore[attr-defined]
            walked = ast.unparse(loop.test.comparators[0]) if isinstance(loop.test, ast.Compare) else None
            if holder in added or holder == walked:
                continue
            pad = indent_of(ctx.lines[check.lineno - 1])
            code = insert_lines(ctx.code, (check.end_lineno or check.lineno) + 1, [f"{pad}{holder}.add({node})"])
            out.append(Candidate(code, "template", f"line {check.lineno}: nothing was ever added to `{holder}`, so "
                                 f"the cycle check never fired; `{node}` is marked after it", 0.9))
    return out


def mismatched_replacements(ctx: FixContext) -> list[Candidate]:
    """`while "\\n\\n" in text: text = text.replace("\\n\\n\\n", "\\n\\n")`: the loop waits for one substring
    to vanish while it only ever removes another, so it spins once the other is gone. The condition tests what
    the body replaces."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for loop in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.While)):
        test = loop.test
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.In)
                and isinstance(test.left, ast.Constant) and isinstance(test.left.value, str)):
            continue
        subject = ast.unparse(test.comparators[0])
        for call in (n for s in loop.body for n in ast.walk(s) if isinstance(n, ast.Call)
                     and isinstance(n.func, ast.Attribute) and n.func.attr == "replace"
                     and ast.unparse(n.func.value) == subject and len(n.args) >= 2
                     and isinstance(n.args[0], ast.Constant) and isinstance(n.args[0].value, str)):
            removed = call.args[0].value
            if removed != test.left.value:
                out += node_candidate(ctx, test, f"{removed!r} in {subject}", f"the loop waited for "
                                      f"{test.left.value!r} to vanish but only ever replaces {removed!r}", 0.88)
    return out


def _climb(stmt: ast.stmt) -> tuple[str, str] | None:
    """(`current`, new value text) for `current = current.parent` / `current = os.path.dirname(current)`."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    name, value = stmt.targets[0].id, stmt.value
    if isinstance(value, ast.Attribute) and value.attr == "parent" and ast.unparse(value.value) == name:
        return name, f"{name}.parent"
    if isinstance(value, ast.Call) and ast.unparse(value.func).endswith("dirname") and value.args \
            and ast.unparse(value.args[0]) == name:
        return name, ast.unparse(value)
    return None


def fixed_point_roots(ctx: FixContext) -> list[Candidate]:
    """A walk up the parents that stops at one particular root (`current == PurePosixPath("/")`): a relative
    path never reaches it (its last parent is `.`, which is its own parent). The walk stops where going up no
    longer changes anything (`current == current.parent`)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for loop in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.While)):
        climbs = [c for s in ast.walk(loop) if isinstance(s, ast.stmt) and (c := _climb(s))]
        if not climbs:
            continue
        name, up = climbs[0]
        for test in (n for n in ast.walk(loop) if isinstance(n, ast.Compare) and len(n.ops) == 1
                     and isinstance(n.ops[0], ast.Eq | ast.NotEq) and ast.unparse(n.left) == name
                     and not any(isinstance(x, ast.Name) and x.id == name for x in ast.walk(n.comparators[0]))):
            out += node_candidate(ctx, test.comparators[0], up, f"the walk up from `{name}` stops where its parent "
                                  f"is itself, not at `{ast.unparse(test.comparators[0])}` (which a relative path "
                                  "never reaches)", 0.86)
    return out


_TAKERS = frozenset({"min", "max", "next", "choice"})
_SHRINKERS = frozenset({"remove", "pop", "discard", "popleft", "clear", "popitem"})


def unconsumed_worklists(ctx: FixContext) -> list[Candidate]:
    """`while remaining: nearest = min(remaining, ...)` picks an item and never takes it off the list, so the
    list never empties: the picked item is removed once it is handled."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for loop in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.While) and isinstance(n.test, ast.Name)):
        work = loop.test.id
        body = [n for s in loop.body for n in ast.walk(s)]
        shrunk = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _SHRINKERS
                     and ast.unparse(n.func.value) == work for n in body) or any(
            isinstance(n, ast.Name) and n.id == work and isinstance(n.ctx, ast.Store | ast.Del) for n in body) or any(
            isinstance(n, ast.Delete) and work in ast.unparse(n) for n in body)
        if shrunk:
            continue
        for stmt in (s for s in loop.body if isinstance(s, ast.Assign) and len(s.targets) == 1
                     and isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.Call)
                     and isinstance(s.value.func, ast.Name | ast.Attribute)
                     and (s.value.func.id if isinstance(s.value.func, ast.Name) else s.value.func.attr) in _TAKERS
                     and work in {n.id for n in ast.walk(s.value) if isinstance(n, ast.Name)}):
            item = stmt.targets[0].id
            code = insert_lines(ctx.code, (stmt.end_lineno or stmt.lineno) + 1,
                                [f"{indent_of(ctx.lines[stmt.lineno - 1])}{work}.remove({item})"])
            out.append(Candidate(code, "template", f"line {stmt.lineno}: `{item}` is taken off `{work}` once it is "
                                 f"picked, so `while {work}` can end", 0.86))
    return out


PROPOSERS: dict[str, list[Proposer]] = {"hang": [restarted_walks, unused_cursors, stalled_bisections,
                                                 unmarked_visits, mismatched_replacements, fixed_point_roots,
                                                 unconsumed_worklists]}
