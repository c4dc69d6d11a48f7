"""More hang repairs: a search loop that restarts at the match it just found, `filter` over an endless generator
(`takewhile` stops), a hop counter set to a constant on every pass instead of counted, and a cursor whose
`.get(next, cursor)` default is the cursor itself."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import Candidate, FixContext, node_candidate
from graphs.auto_fix.edits import indent_of, insert_lines
from graphs.auto_fix.propose_types import Proposer


def _loops(ctx: FixContext) -> list[ast.While | ast.For]:
    return [n for n in ast.walk(ctx.tree) if isinstance(n, ast.While | ast.For)] if ctx.tree is not None else []


def search_advances(ctx: FixContext) -> list[Candidate]:
    """`idx = text.find(marker, start)` ... `start = idx`: the next search finds the same match; start after it."""
    out: list[Candidate] = []
    for loop in _loops(ctx):
        finds = {s.targets[0].id: s.value for s in ast.walk(loop) if isinstance(s, ast.Assign)
                 and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.Call)
                 and isinstance(s.value.func, ast.Attribute) and s.value.func.attr in ("find", "index", "search")
                 and len(s.value.args) >= 2}
        for stmt in (s for s in ast.walk(loop) if isinstance(s, ast.Assign) and isinstance(s.value, ast.Name)
                     and s.value.id in finds):
            needle = ast.unparse(finds[stmt.value.id].args[0])
            for text, prior in ((f"{stmt.value.id} + len({needle})", 0.9), (f"{stmt.value.id} + 1", 0.88)):
                out += node_candidate(ctx, stmt.value, text, f"the search restarted at the match it had just found; it "
                                                    f"continues after it (`{text}`)", prior)
    return out


def bounded_filters(ctx: FixContext) -> list[Candidate]:
    """`filter(pred, endless())` never ends; `takewhile(pred, ...)` stops at the first miss."""
    if ctx.tree is None:
        return []
    names = {a.asname or a.name for n in ast.walk(ctx.tree) if isinstance(n, ast.ImportFrom)
             and n.module == "itertools" for a in n.names}
    plain = any(isinstance(n, ast.Import) and any(a.name == "itertools" for a in n.names) for n in ast.walk(ctx.tree))
    callee = "takewhile" if "takewhile" in names else "itertools.takewhile" if plain else None
    if callee is None:
        return []
    out: list[Candidate] = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and ast.unparse(n.func) == "filter"):
        out += node_candidate(ctx, call.func, callee, "`filter` keeps asking an endless generator for items; `takewhile` "
                                             "stops at the first one that fails", 0.9)
    return out


def counted_hops(ctx: FixContext) -> list[Candidate]:
    """`hops = 1` inside the loop that checks `hops > max_hops`: the count restarts every pass; count up from
    zero set before the loop."""
    out: list[Candidate] = []
    for loop in (n for n in _loops(ctx) if isinstance(n, ast.While)):
        compared = {n.left.id for n in ast.walk(loop) if isinstance(n, ast.Compare) and isinstance(n.left, ast.Name)}
        for stmt in (s for s in loop.body if isinstance(s, ast.Assign) and len(s.targets) == 1
                     and isinstance(s.targets[0], ast.Name) and s.targets[0].id in compared
                     and isinstance(s.value, ast.Constant) and isinstance(s.value.value, int)):
            name = stmt.targets[0].id
            lines = ctx.code.splitlines(keepends=True)
            lines[stmt.lineno - 1] = f"{indent_of(lines[stmt.lineno - 1])}{name} += 1\n"
            lines.insert(loop.lineno - 1, f"{indent_of(ctx.lines[loop.lineno - 1])}{name} = {stmt.value.value - 1}\n")
            out.append(Candidate("".join(lines), "template", f"line {stmt.lineno}: `{name}` is counted across passes "
                                 f"(it was reset to {stmt.value.value} on every pass, so the limit never tripped)",
                                 0.88))
    return out


def self_defaults(ctx: FixContext) -> list[Candidate]:
    """`url = page.get("next", url)` keeps the same cursor when the key is missing: default to None."""
    out: list[Candidate] = []
    for loop in (n for n in _loops(ctx) if isinstance(n, ast.While)):
        tested = {n.id for n in ast.walk(loop.test) if isinstance(n, ast.Name)}
        for stmt in (s for s in ast.walk(loop) if isinstance(s, ast.Assign) and len(s.targets) == 1
                     and isinstance(s.targets[0], ast.Name) and s.targets[0].id in tested
                     and isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Attribute)
                     and s.value.func.attr == "get" and len(s.value.args) == 2
                     and ast.unparse(s.value.args[1]) == s.targets[0].id):
            out += node_candidate(ctx, stmt.value, f"{ast.unparse(stmt.value.func)}({ast.unparse(stmt.value.args[0])})",
                                  f"a missing key kept `{stmt.targets[0].id}` unchanged, so the loop never ended", 0.9)
    return out


def falsy_exits(ctx: FixContext) -> list[Candidate]:
    """`if cursor is None: break` while the last page sends `""`: stop on any empty value."""
    out: list[Candidate] = []
    for loop in (n for n in _loops(ctx) if isinstance(n, ast.While)):
        for branch in (n for n in ast.walk(loop) if isinstance(n, ast.If) and any(
                isinstance(s, ast.Break | ast.Return) for s in n.body)):
            test = branch.test
            if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is) \
                    and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None:
                x = ast.unparse(test.left)
                out += node_candidate(ctx, test, f"not {x}", f"an empty `{x}` (not only None) ends the loop", 0.88)
    return out


def counted_requeues(ctx: FixContext) -> list[Candidate]:
    """`queue.append(job)` under `if job["retries"] > max_retries` that never counts the retry: count it."""
    out: list[Candidate] = []
    for loop in (n for n in _loops(ctx) if isinstance(n, ast.While)):
        counted = {ast.unparse(n.target) for n in ast.walk(loop) if isinstance(n, ast.AugAssign)}
        compared = [c.left for c in ast.walk(loop) if isinstance(c, ast.Compare) and isinstance(c.left, ast.Subscript)
                    and isinstance(c.left.value, ast.Name)]
        for stmt in (s for s in ast.walk(loop) if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
                     and isinstance(s.value.func, ast.Attribute) and s.value.func.attr in ("append", "appendleft", "put")
                     and len(s.value.args) == 1 and isinstance(s.value.args[0], ast.Name)):
            item = stmt.value.args[0].id
            for field in (c for c in compared if c.value.id == item and ast.unparse(c) not in counted):
                pad = indent_of(ctx.lines[stmt.lineno - 1])
                code = insert_lines(ctx.code, stmt.lineno, [f"{pad}{ast.unparse(field)} += 1"])
                out.append(Candidate(code, "template", f"line {stmt.lineno}: the retry is counted "
                                     f"(`{ast.unparse(field)} += 1`) before the item goes back on the queue", 0.9))
    return out


def recomputed_conditions(ctx: FixContext) -> list[Candidate]:
    """`candidate = f"{base}.{n}"` before `while candidate in taken: n += 1`: the loop changes `n` but never
    recomputes what the condition tests; repeat the computation at the end of the loop body."""
    out: list[Candidate] = []
    for loop in (n for n in _loops(ctx) if isinstance(n, ast.While)):
        inside = {t.id for n in ast.walk(loop) if isinstance(n, ast.Assign | ast.AugAssign)
                  for t in ast.walk(n.targets[0] if isinstance(n, ast.Assign) else n.target) if isinstance(t, ast.Name)}
        tested = {n.id for n in ast.walk(loop.test) if isinstance(n, ast.Name)}
        parent = next((p for p in ast.walk(ctx.tree) if loop in getattr(p, "body", [])), None)
        before = [s for s in (parent.body if parent else []) if s.lineno < loop.lineno and isinstance(s, ast.Assign)
                  and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name) and s.lineno == s.end_lineno]
        for stmt in before:
            name = stmt.targets[0].id
            reads = {n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name)}
            # `line = stream.readline()` before `while line:`: a call that reads on is repeated too.
            reading = isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute)
            if name in tested and name not in inside and (reads & inside or reading):
                last = loop.body[-1]
                pad = indent_of(ctx.lines[last.lineno - 1])
                lines = ctx.code.splitlines(keepends=True)
                lines.insert(last.end_lineno or last.lineno, f"{pad}{ctx.lines[stmt.lineno - 1].strip()}\n")
                why = f"the loop changed {', '.join(sorted(reads & inside))} but tested the old value" \
                    if reads & inside else f"`{ast.unparse(stmt.value.func)}()` reads on each time it is called"
                out.append(Candidate("".join(lines), "template", f"line {stmt.lineno}: `{name}` is recomputed after "
                                     f"each pass; {why}", 0.9 if reads & inside else 0.86))
    return out


PROPOSERS: dict[str, list[Proposer]] = {"hang": [search_advances, bounded_filters, counted_hops, self_defaults,
                                                 falsy_exits, counted_requeues, recomputed_conditions]}
