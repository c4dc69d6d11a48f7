"""Hang repairs that read how a `while` loop is meant to progress: the missing update by a value the body
computes (`remaining -= load`), a `continue` that skips the advance, `!=` conditions a step can jump over, a
counter reset inside the loop it should count across, and a re-queued item whose attempt count never grows.

Hang candidates are tested one per sandbox call and each one that still hangs costs a full timeout, so these
templates are precise and ranked above the generic ±1 updates."""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import apply_edits, indent_of, insert_lines, node_edit
from graphs.auto_fix.propose_types import Proposer
from graphs.auto_fix.templates import _cond_names

_QUEUE_PUTS = frozenset({"append", "appendleft", "put", "put_nowait", "push", "heappush", "add", "insert"})


def _own(body: list[ast.stmt]) -> list[ast.AST]:
    """Nodes of a loop body without nested loops and functions."""
    out, stack = [], list(body)
    while stack:
        node = stack.pop()
        out.append(node)
        if not isinstance(node, ast.For | ast.While | ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))
    return out


def _assigned(nodes: list[ast.AST]) -> dict[str, list[ast.AST]]:
    out: dict[str, list[ast.AST]] = {}
    for node in nodes:
        targets = [node.target] if isinstance(node, ast.AugAssign | ast.AnnAssign) else node.targets \
            if isinstance(node, ast.Assign) else []
        for t in targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name):
                    out.setdefault(n.id, []).append(node)
    return out


def _loops(ctx: FixContext) -> list[ast.While]:
    return [n for n in ast.walk(ctx.tree) if isinstance(n, ast.While)] if ctx.tree is not None else []


def derived_updates(ctx: FixContext) -> list[Candidate]:
    """The loop variable is never updated: step it by a value the body computes from it (`load =
    min(remaining, capacity)` → `remaining -= load`)."""
    out: list[Candidate] = []
    for loop in _loops(ctx):
        nodes = _own(loop.body)
        assigned = _assigned(nodes)
        for name, grow in _cond_names(loop.test):
            if name in assigned:
                continue
            steps = [t for t, sites in assigned.items() if t != name and any(
                isinstance(s, ast.Assign) and name in {n.id for n in ast.walk(s.value) if isinstance(n, ast.Name)}
                for s in sites)]
            last = loop.body[-1]
            pad, at = indent_of(ctx.lines[last.lineno - 1]), (last.end_lineno or last.lineno) + 1
            for step in steps[:2]:
                update = f"{name} {'+=' if grow else '-='} {step}"
                out.append(Candidate(insert_lines(ctx.code, at, [f"{pad}{update}"]), "template",
                                     f"line {at}: added `{update}`: the loop at line {loop.lineno} never changed "
                                     f"`{name}`; `{step}` is what each pass handles", 0.9))
    return out


def continue_advances(ctx: FixContext) -> list[Candidate]:
    """A `continue` in a branch that does not move the loop's index (`if ch.isspace(): continue`): advance it
    first."""
    out: list[Candidate] = []
    for loop in _loops(ctx):
        nodes = _own(loop.body)
        for name, grow in _cond_names(loop.test):
            if name not in _assigned(nodes):
                continue
            for branch in (n for n in nodes if isinstance(n, ast.If)):
                jumps = [s for s in branch.body if isinstance(s, ast.Continue)]
                if not jumps or name in _assigned(_own(branch.body)):
                    continue
                row = ctx.lines[jumps[0].lineno - 1]
                if row.strip() != "continue":
                    continue
                update = f"{name} {'+=' if grow else '-='} 1"
                out.append(Candidate(insert_lines(ctx.code, jumps[0].lineno, [f"{indent_of(row)}{update}"]),
                                     "template", f"line {jumps[0].lineno}: `{update}` before `continue`: that branch "
                                     f"skipped every update of `{name}`, so the loop never advanced", 0.91))
    return out


def jumped_conditions(ctx: FixContext) -> list[Candidate]:
    """`while total != target` with `total += step`: a step can jump over the target; stop at `<` (`>` for a
    decreasing variable)."""
    out: list[Candidate] = []
    for loop in _loops(ctx):
        updates = {n.target.id: type(n.op) for n in _own(loop.body) if isinstance(n, ast.AugAssign)
                   and isinstance(n.target, ast.Name) and isinstance(n.op, ast.Add | ast.Sub)}
        for cmp in (n for n in ast.walk(loop.test) if isinstance(n, ast.Compare) and len(n.ops) == 1
                    and isinstance(n.ops[0], ast.NotEq)):
            left, right = cmp.left, cmp.comparators[0]
            for var, other, flipped in ((left, right, False), (right, left, True)):
                if isinstance(var, ast.Name) and var.id in updates:
                    grows = updates[var.id] is ast.Add
                    op = ("<" if grows else ">") if not flipped else (">" if grows else "<")
                    text = f"{ast.unparse(left)} {op} {ast.unparse(right)}"
                    code = apply_edits(ctx.code, [node_edit(ctx.lines, cmp, text)])
                    if code:
                        out.append(Candidate(code, "template", f"line {cmp.lineno}: `{ast.unparse(cmp)}` → `{text}`: "
                                             f"`{var.id}` moves in steps that can jump over "
                                             f"`{ast.unparse(other)}`", 0.9))
    return out


def hoisted_resets(ctx: FixContext) -> list[Candidate]:
    """`attempt = 0` inside `while True:` with `attempt += 1` below: the counter restarts every pass; set it once
    before the loop."""
    out: list[Candidate] = []
    for loop in _loops(ctx):
        nodes = _own(loop.body)
        counted = {n.target.id for n in nodes if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)}
        for stmt in loop.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                    and stmt.targets[0].id in counted and isinstance(stmt.value, ast.Constant) \
                    and stmt.lineno == stmt.end_lineno:
                lines = ctx.code.splitlines(keepends=True)
                row = lines[stmt.lineno - 1]
                del lines[stmt.lineno - 1]
                lines.insert(loop.lineno - 1, indent_of(ctx.lines[loop.lineno - 1]) + row.lstrip())
                out.append(Candidate("".join(lines), "template", f"line {stmt.lineno}: `{ast.unparse(stmt)}` moved "
                                     f"before the loop: it reset the counter on every pass, so the limit was never "
                                     f"reached", 0.9))
    return out


def _limited_names(loop: ast.While) -> dict[str, bool]:
    """Names compared with a bound inside the loop: name → True when it must grow to reach the bound."""
    out = {}
    for node in _own(loop.body):
        if isinstance(node, ast.If | ast.IfExp):
            for name, grow in _cond_names(node.test):
                out.setdefault(name, grow)
    return out


def _in_else(loop: ast.While, call: ast.Call, name: str) -> bool:
    """The call sits in the `else` of the `if` that compares `name` (`if n >= limit: drop else: requeue`): there
    the comparison names the exit, so the count must move the other way."""
    for node in _own(loop.body):
        if isinstance(node, ast.If) and any(n == name for n, _ in _cond_names(node.test)):
            in_else = any(call is n for s in node.orelse for n in ast.walk(s))
            in_body = any(call is n for s in node.body for n in ast.walk(s))
            if in_else or in_body:
                return in_else
    return False


def requeue_progress(ctx: FixContext) -> list[Candidate]:
    """An item put back on the queue with the same attempt count it was checked with (`queue.append((job,
    attempt))` under `attempt < max_attempts`, or in the `else` of `attempt >= max_attempts`): count it."""
    out: list[Candidate] = []
    for loop in _loops(ctx):
        limited = _limited_names(loop)
        for call in (n for n in _own(loop.body) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                     and n.func.attr in _QUEUE_PUTS):
            for name in (n for a in call.args for n in ast.walk(a) if isinstance(n, ast.Name) and n.id in limited):
                grow = limited[name.id] != _in_else(loop, call, name.id)
                step = "+ 1" if grow else "- 1"
                code = apply_edits(ctx.code, [node_edit(ctx.lines, name, f"{name.id} {step}")])
                if code:
                    out.append(Candidate(code, "template", f"line {call.lineno}: the item went back on the queue "
                                         f"with the same `{name.id}`; it now carries `{name.id} {step}`", 0.9))
    return out


_LINKS = ("next", "parent", "child", "left", "right", "tail", "prev", "successor", "link")


def _truthy_names(test: ast.expr) -> list[str]:
    """Names a loop condition tests for truthiness or `is not None` (`while node:`, `while x is not None`)."""
    if isinstance(test, ast.Name):
        return [test.id]
    if isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and isinstance(test.ops[0], ast.IsNot):
        return [test.left.id]
    if isinstance(test, ast.BoolOp):
        return [n for v in test.values for n in _truthy_names(v)]
    return []


def advanced_cursors(ctx: FixContext) -> list[Candidate]:
    """`while node:` whose body never moves `node`: follow its link (`node = node.next`), or take the item off
    the container the loop drains (`stack[-1]` → `stack.pop()`)."""
    out: list[Candidate] = []
    for loop in _loops(ctx):
        nodes = _own(loop.body)
        assigned = _assigned(nodes)
        mutated = {n.func.value.id for n in nodes if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                   and isinstance(n.func.value, ast.Name)}
        for name in _truthy_names(loop.test):
            if name in assigned or name in mutated:
                continue
            read = [n.attr for n in nodes if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
                    and n.value.id == name]
            links = [a for a in read if a in _LINKS] + [a for a in _LINKS if a not in read][:3]
            last = loop.body[-1]
            pad, at = indent_of(ctx.lines[last.lineno - 1]), (last.end_lineno or last.lineno) + 1
            for i, attr in enumerate(dict.fromkeys(links)):
                out.append(Candidate(insert_lines(ctx.code, at, [f"{pad}{name} = {name}.{attr}"]), "template",
                                     f"line {at}: `{name} = {name}.{attr}`: the loop never moved `{name}`",
                                     0.88 * 0.97 ** i))
            for sub in (n for n in nodes if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)
                        and n.value.id == name and ast.unparse(n.slice) in ("0", "-1")
                        and isinstance(n.ctx, ast.Load)):
                pop = f"{name}.pop()" if ast.unparse(sub.slice) == "-1" else f"{name}.pop(0)"
                code = apply_edits(ctx.code, [node_edit(ctx.lines, sub, pop)])
                if code:
                    out.append(Candidate(code, "template", f"line {sub.lineno}: `{ast.unparse(sub)}` → `{pop}`: the "
                                         f"loop read the next item but never took it off `{name}`", 0.9))
    return out


def unconditional_advances(ctx: FixContext) -> list[Candidate]:
    """The loop index only moves inside one branch (`if ok: i += 1`): when the branch is not taken the loop
    spins; advance on every pass."""
    out: list[Candidate] = []
    for loop in _loops(ctx):
        top = {n.target.id for n in loop.body if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)}
        for name, _ in _cond_names(loop.test):
            updates = [n for n in _own(loop.body) if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)
                       and n.target.id == name]
            if not updates or name in top or any(isinstance(n, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == name for t in n.targets) for n in _own(loop.body)):
                continue
            branch = next((b for b in _own(loop.body) if isinstance(b, ast.If) and updates[0] in b.body
                           and not b.orelse), None)
            if branch is None:
                continue
            pad = indent_of(ctx.lines[branch.lineno - 1])
            update = ast.unparse(updates[0])
            code = insert_lines(ctx.code, (branch.end_lineno or branch.lineno) + 1, [f"{pad}else:", f"{pad}    {update}"])
            out.append(Candidate(code, "template", f"line {branch.lineno}: `{update}` also when the branch is not "
                                 f"taken, so the loop always advances", 0.86))
    return out


_LIMIT_NAME = re.compile(r"(?i)attempt|retr|tries|limit|max|times|budget")


def retry_limits(ctx: FixContext) -> list[Candidate]:
    """A retry loop counts its failures (`tries += 1` in the `except`) but never compares the count with the
    limit parameter: give up (re-raise) once it is reached."""
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef)) if ctx.tree else []:
        params = [a.arg for a in (*func.args.args, *func.args.kwonlyargs) if _LIMIT_NAME.search(a.arg)]
        for loop in (n for n in ast.walk(func) if isinstance(n, ast.While)):
            nodes = _own(loop.body)
            compared = {n.id for c in nodes if isinstance(c, ast.Compare) for n in ast.walk(c) if isinstance(n, ast.Name)}
            compared |= {n.id for n in ast.walk(loop.test) if isinstance(n, ast.Name)}
            for handler in (h for h in nodes if isinstance(h, ast.ExceptHandler)):
                for step in (s for s in handler.body if isinstance(s, ast.AugAssign) and isinstance(s.target, ast.Name)
                             and isinstance(s.op, ast.Add) and s.target.id not in compared):
                    pad = indent_of(ctx.lines[step.lineno - 1])
                    for limit in params:
                        for op, prior in ((">=", 0.9), (">", 0.86)):
                            code = insert_lines(ctx.code, (step.end_lineno or step.lineno) + 1,
                                                [f"{pad}if {step.target.id} {op} {limit}:", f"{pad}    raise"])
                            out.append(Candidate(code, "template", f"line {step.lineno}: the retry loop counted "
                                                 f"`{step.target.id}` but never gave up; it re-raises once "
                                                 f"`{step.target.id} {op} {limit}`", prior))
    return out


PROPOSERS: dict[str, list[Proposer]] = {
    "hang": [derived_updates, continue_advances, jumped_conditions, hoisted_resets, requeue_progress, retry_limits,
             advanced_cursors, unconditional_advances],
}
