"""Loops that never finish, recursion that never bottoms out, and conditions that can never (or always) hold.

- `continue` jumps over the update at the end of a `while` body: the loop spins on the same value.
- A retry/attempt counter checked inside `while True` but never incremented.
- `pos = text.find(x, pos)` searches again from the match it just found.
- A recursive walk over parents/children that reaches `None` (or an empty value) without a base case for it.
- `n < 3 and n > 20` can never be true; `x != a or x != b` is always true: the other boolean operator was meant.
"""

from __future__ import annotations

import ast
import copy

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import apply_edits, body_start, indent_of, insert_lines, node_edit
from graphs.auto_fix.propose_types import Proposer

_SEARCH_METHODS = frozenset({"find", "index", "search", "match", "rfind"})


def _cond_names(loop: ast.While) -> set[str]:
    return {n.id for n in ast.walk(loop.test) if isinstance(n, ast.Name)}


def _own_nodes(body: list[ast.stmt]):
    """Nodes of a loop body, not descending into nested loops or functions (their `continue` is their own)."""
    stack = list(body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.For | ast.While | ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        stack.extend(ast.iter_child_nodes(node))


def skipped_updates(ctx: FixContext) -> list[Candidate]:
    """`continue` before the loop's update (`i += 1` at the end of the body): repeat the update before each
    `continue` so skipped iterations advance too."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for loop in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.While)):
        last = loop.body[-1]
        if not (isinstance(last, ast.AugAssign) and isinstance(last.target, ast.Name)
                and last.target.id in _cond_names(loop)):
            continue
        jumps = [n for n in _own_nodes(loop.body[:-1]) if isinstance(n, ast.Continue)]
        if not jumps:
            continue
        update = ast.unparse(last)
        code = ctx.code
        for jump in sorted(jumps, key=lambda n: -n.lineno):  # bottom-up keeps earlier line numbers valid
            row = code.splitlines()[jump.lineno - 1]
            if row.strip() != "continue":
                break  # `if x: continue` on one line: not safe to rewrite textually
            code = insert_lines(code, jump.lineno, [f"{indent_of(row)}{update}"])
        else:
            out.append(Candidate(code, "template", f"`{update}` repeated before each `continue` in the loop at line "
                                 f"{loop.lineno} (the `continue` skipped the update, so the loop never advanced)",
                                 0.88))
    return out


def _guarded_counters(loop: ast.While, assigned: set[str]) -> list[tuple[str, ast.If]]:
    """Names compared in an `if` inside the loop whose body leaves it (raise/break/return), never assigned in it,
    with that `if`."""
    names: list[tuple[str, ast.If]] = []
    for node in _own_nodes(loop.body):
        if isinstance(node, ast.If) and any(isinstance(s, ast.Raise | ast.Break | ast.Return) for s in node.body):
            for cmp in (n for n in ast.walk(node.test) if isinstance(n, ast.Compare)):
                if isinstance(cmp.left, ast.Name) and cmp.left.id not in assigned \
                        and cmp.left.id not in {n for n, _ in names} and isinstance(cmp.ops[0], ast.Gt | ast.GtE | ast.Eq):
                    names.append((cmp.left.id, node))
    return names


def _int_initialised(func_body: list[ast.stmt], name: str) -> bool:
    return any(isinstance(s, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in s.targets)
               and isinstance(s.value, ast.Constant) and type(s.value.value) is int for s in func_body)


def missing_counters(ctx: FixContext) -> list[Candidate]:
    """An attempt counter that the loop checks (`if tries >= limit: raise`) but never increments."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)):
        for loop in (n for n in ast.walk(func) if isinstance(n, ast.While)):
            assigned = {t.id for n in ast.walk(loop) if isinstance(n, ast.Assign | ast.AugAssign)
                        for t in ([n.target] if isinstance(n, ast.AugAssign) else n.targets)
                        if isinstance(t, ast.Name)}
            for name, guard in _guarded_counters(loop, assigned):
                if not _int_initialised(func.body, name):
                    continue
                # Where the count goes decides how many tries the limit allows: the tests pick the place.
                last = loop.body[-1]
                places = [(loop.body[0].lineno, loop.body[0].lineno, "at the start of the loop", 0.8),
                          ((guard.end_lineno or guard.lineno) + 1, guard.lineno, "just after its check", 0.78),
                          (guard.lineno, guard.lineno, "just before its check", 0.76),
                          ((last.end_lineno or last.lineno) + 1, loop.body[0].lineno, "at the end of the loop", 0.74)]
                for at, like, where, prior in places:
                    pad = indent_of(ctx.lines[like - 1])
                    code = insert_lines(ctx.code, at, [f"{pad}{name} += 1"])
                    if all(c.code != code for c in out):
                        out.append(Candidate(code, "template", f"line {at}: `{name} += 1` {where} at line "
                                             f"{loop.lineno} (`{name}` is checked but never counted up)", prior))
    return out


def repeated_searches(ctx: FixContext) -> list[Candidate]:
    """`pos = s.find(x, pos)` in a loop finds the same match again: search from just after it."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for loop in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.While)):
        for node in _own_nodes(loop.body):
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute)
                    and node.value.func.attr in _SEARCH_METHODS and len(node.value.args) >= 2):
                continue
            name, call = node.targets[0].id, node.value
            start = call.args[1]
            if not (isinstance(start, ast.Name) and start.id == name):
                continue
            needle = ast.unparse(call.args[0])
            for step, prior in ((f"len({needle})", 0.8), ("1", 0.7)):
                code = apply_edits(ctx.code, [node_edit(ctx.lines, start, f"{name} + {step}")])
                if code:
                    out.append(Candidate(code, "template", f"line {node.lineno}: search from `{name} + {step}` "
                                         f"(searching from `{name}` finds the same match forever)", prior))
    return out


def _empty_results(func: ast.FunctionDef) -> list[str]:
    """What the function returns for "nothing", judged from how its recursive result is combined."""
    out = []
    for node in ast.walk(func):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            for side in (node.left, node.right):
                if isinstance(side, ast.List | ast.ListComp):
                    out.append("[]")
                elif isinstance(side, ast.Constant) and isinstance(side.value, str):
                    out.append('""')
                elif isinstance(side, ast.Constant) and isinstance(side.value, int | float):
                    out.append("0")
    return list(dict.fromkeys(out + ["None"]))[:3]


def none_base_cases(ctx: FixContext) -> list[Candidate]:
    """RecursionError where the recursive call passes a value that can be None (`.get(...)`, an attribute of a
    node): stop when the parameter is None."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.FunctionDef)):
        calls = [c for c in ast.walk(func) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
                 and c.func.id == func.name]
        params = [a.arg for a in func.args.args]
        for call in calls:
            for pos, arg in enumerate(call.args[:len(params)]):
                maybe_none = isinstance(arg, ast.Attribute) or (
                    isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "get")
                if not maybe_none:
                    continue
                first = body_start(func)
                pad = indent_of(ctx.lines[first.lineno - 1])
                for i, value in enumerate(_empty_results(func)):
                    code = insert_lines(ctx.code, first.lineno, [f"{pad}if {params[pos]} is None:",
                                                                 f"{pad}    return {value}"])
                    out.append(Candidate(code, "template", f"line {first.lineno}: base case `if {params[pos]} is "
                                         f"None: return {value}` (the recursion passes `{ast.unparse(arg)}`, which "
                                         f"is None at the end of the chain)", 0.82 * 0.9 ** i))
            if out:
                break
    return out[:4]


def _bounds(cmp: ast.Compare) -> tuple[str, str, float] | None:
    """(subject, "lo"/"hi", number) for `x < 3`, `x >= 20`, `3 > x`…; None for other shapes."""
    if len(cmp.ops) != 1:
        return None
    left, op, right = cmp.left, cmp.ops[0], cmp.comparators[0]
    if isinstance(right, ast.Constant) and type(right.value) in (int, float):
        subject, number, flip = left, right.value, False
    elif isinstance(left, ast.Constant) and type(left.value) in (int, float):
        subject, number, flip = right, left.value, True
    else:
        return None
    if isinstance(op, ast.Lt | ast.LtE):
        side = "lo" if flip else "hi"  # x < n: x is below n
    elif isinstance(op, ast.Gt | ast.GtE):
        side = "hi" if flip else "lo"
    else:
        return None
    return ast.unparse(subject), side, float(number)


def _impossible(node: ast.BoolOp) -> bool:
    """`x < a and x > b` with a <= b: no x satisfies both (`hi` = x is below a bound, `lo` = above one)."""
    below: dict[str, float] = {}
    above: dict[str, float] = {}
    for value in node.values:
        b = _bounds(value) if isinstance(value, ast.Compare) else None
        if b is None:
            continue
        subject, side, number = b
        (below if side == "hi" else above)[subject] = number
    return any(s in above and below[s] <= above[s] for s in below)


def contradictory_conditions(ctx: FixContext) -> list[Candidate]:
    """A condition that can never hold (`len(n) < 3 and len(n) > 20`) or always holds (`x != a or x != b`): the
    other boolean operator was meant."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for node in ast.walk(ctx.tree):
        if not isinstance(node, ast.BoolOp):
            continue
        if isinstance(node.op, ast.And) and _impossible(node):
            new, why = ast.BoolOp(op=ast.Or(), values=copy.deepcopy(node.values)), "can never be true"
        elif isinstance(node.op, ast.Or) and len(node.values) == 2 and all(
                isinstance(v, ast.Compare) and len(v.ops) == 1 and isinstance(v.ops[0], ast.NotEq)
                for v in node.values) and len({ast.unparse(v.left) for v in node.values}) == 1 \
                and len({ast.unparse(v.comparators[0]) for v in node.values}) == 2:
            new, why = ast.BoolOp(op=ast.And(), values=copy.deepcopy(node.values)), "is always true"
        else:
            continue
        code = apply_edits(ctx.code, [node_edit(ctx.lines, node, ast.unparse(new))])
        if code:
            out.append(Candidate(code, "template", f"line {node.lineno}: `{ast.unparse(node)}` {why}; → "
                                 f"`{ast.unparse(new)}`", 0.9))
    return out


PROPOSERS: dict[str, list[Proposer]] = {
    "*": [contradictory_conditions],
    "hang": [skipped_updates, missing_counters, repeated_searches],
    "recursion_error": [none_base_cases],
}
