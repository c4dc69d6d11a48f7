"""Logic slips in wrong-output bugs: 0 or "" treated as missing (`if not x`, `x or default`), `str.find`'s -1
used as an index, an `except` that stops the whole loop, `and`/`or` precedence, `replace(..., 1)` and
`lstrip(prefix)` that do something else than intended, dict merges in the wrong order, every `//` of an
expression made `/`, and a key the tests' data has that the code misspells."""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext, node_candidate
from graphs.auto_fix.propose_types import Proposer

_DATA_KEY = re.compile(r"""["']([A-Za-z_][\w-]*)["']\s*:""")


def near_lines(ctx: FixContext) -> set[int]:
    return set(ctx.suspicious[:10]) | ({ctx.line} if ctx.line else set())


def falsy_values(ctx: FixContext) -> list[Candidate]:
    """`if not x` / `x or default` treat 0, 0.0 and "" like a missing value: test for None instead."""
    if ctx.tree is None:
        return []
    near, out = near_lines(ctx), []
    for node in ast.walk(ctx.tree):
        if getattr(node, "lineno", getattr(getattr(node, "iter", None), "lineno", 0)) not in near:
            continue
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not) and isinstance(
                node.operand, ast.Name | ast.Attribute | ast.Subscript | ast.Call) and not _boolean_call(node.operand):
            x = ast.unparse(node.operand)
            out += node_candidate(ctx, node, f"{x} is None", f"`not {x}` is also true for 0 and \"\"; `{x} is None`", 0.8)
        elif isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and len(node.values) == 2 and isinstance(
                node.values[0], ast.Name | ast.Attribute | ast.Subscript | ast.Call):
            x, d = (ast.unparse(v) for v in node.values)
            text = f"{x} if {x} is not None else {d}" if isinstance(node.values[0], ast.Name | ast.Attribute) \
                else f"(lambda v: {d} if v is None else v)({x})"
            out += node_candidate(ctx, node, text, f"`{x} or ...` also replaced 0 and \"\"; only None falls back now", 0.8)
        elif isinstance(node, ast.If | ast.IfExp | ast.While) and isinstance(node.test, ast.Name | ast.Attribute):
            x = ast.unparse(node.test)
            out += node_candidate(ctx, node.test, f"{x} is not None", f"`if {x}` is false for 0 and \"\"; `{x} is not None`",
                                  0.75)
        elif isinstance(node, ast.comprehension):
            for cond in (c for c in node.ifs if isinstance(c, ast.Name | ast.Attribute | ast.Subscript)):
                x = ast.unparse(cond)  # `[r for r in rows if r]` drops the zeros along with the Nones
                out += node_candidate(ctx, cond, f"{x} is not None", f"`if {x}` in the filter also dropped 0 and "
                                      f"\"\"; `{x} is not None`", 0.78)
    return out


_BOOLEAN_CALLS = frozenset({"all", "any", "isinstance", "issubclass", "callable", "hasattr", "bool", "startswith",
                            "endswith", "exists", "is_file", "is_dir", "match", "fullmatch", "search"})


def _boolean_call(node: ast.expr) -> bool:
    """A call that answers yes or no (`all(...)`, `s.isdigit()`): it is never 0, "" or None."""
    if not isinstance(node, ast.Call):
        return False
    name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr if isinstance(
        node.func, ast.Attribute) else ""
    return name in _BOOLEAN_CALLS or name.startswith(("is", "has"))


def find_misses(ctx: FixContext) -> list[Candidate]:
    """`cut = s.find("#")` then `s[:cut]`: when the text is absent `find` gives -1 and the slice drops the last
    character; slice only when found."""
    if ctx.tree is None:
        return []
    found = {s.targets[0].id: s for s in ast.walk(ctx.tree) if isinstance(s, ast.Assign) and len(s.targets) == 1
             and isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.Call)
             and isinstance(s.value.func, ast.Attribute) and s.value.func.attr in ("find", "rfind")}
    out: list[Candidate] = []
    for sub in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Slice)):
        for bound in (sub.slice.lower, sub.slice.upper):
            if isinstance(bound, ast.Name) and bound.id in found:
                text = f"({ast.unparse(sub)} if {bound.id} != -1 else {ast.unparse(sub.value)})"
                out += node_candidate(ctx, sub, text, f"`{bound.id}` is -1 when nothing was found; the text is kept whole "
                                             f"then", 0.88)
    return out


def loop_handlers(ctx: FixContext) -> list[Candidate]:
    """An `except` inside a loop that `break`s (or returns) on one bad item: skip that item (`continue`)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for loop in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.For | ast.While)):
        for handler in (h for t in loop.body if isinstance(t, ast.Try) for h in t.handlers):
            last = handler.body[-1]  # `rejected += 1; break`: counted, then the whole loop ended
            if isinstance(last, ast.Break) or (len(handler.body) == 1 and isinstance(last, ast.Return)):
                out += node_candidate(ctx, last, "continue", "a bad item ended the whole loop; it is skipped now",
                                      0.86)
    return out


def precedence_groups(ctx: FixContext) -> list[Candidate]:
    """`a and b or c` groups as `(a and b) or c`; the intent is often `a and (b or c)` (and the other way)."""
    if ctx.tree is None:
        return []
    near, out = near_lines(ctx), []
    for node in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.BoolOp) and getattr(n, "lineno", 0) in near):
        inner_op = ast.And if isinstance(node.op, ast.Or) else ast.Or
        first = node.values[0]
        if isinstance(first, ast.BoolOp) and isinstance(first.op, inner_op) and len(node.values) >= 2:
            head, rest = first.values[:-1], [first.values[-1], *node.values[1:]]
            outer = " or " if isinstance(node.op, ast.Or) else " and "
            inner = " and " if inner_op is ast.And else " or "
            text = inner.join(ast.unparse(v) for v in head) + inner + "(" + outer.join(ast.unparse(v) for v in rest) + ")"
            out += node_candidate(ctx, node, text, f"regrouped: `{text}` (`and` binds tighter than `or`)", 0.84)
        second = node.values[-1]
        if (len(node.values) == 2 and isinstance(first, ast.BoolOp) and isinstance(first.op, inner_op)
                and isinstance(second, ast.BoolOp) and isinstance(second.op, inner_op)):
            # `a and b or c and d` meant as `a and (b or c) and d`: only the middle operands were alternatives.
            outer = " or " if isinstance(node.op, ast.Or) else " and "
            inner = " and " if inner_op is ast.And else " or "
            middle = "(" + ast.unparse(first.values[-1]) + outer + ast.unparse(second.values[0]) + ")"
            text = inner.join([*(ast.unparse(v) for v in first.values[:-1]), middle,
                               *(ast.unparse(v) for v in second.values[1:])])
            out += node_candidate(ctx, node, text, f"regrouped: `{text}` (only the middle conditions were "
                                  "alternatives)", 0.83)
    return out


def string_method_slips(ctx: FixContext) -> list[Candidate]:
    """`s.replace(a, b, 1)` replaces only the first occurrence; `s.lstrip("MUS-")` strips any of those
    characters, not the prefix (`removeprefix`); `s.split(" ")` is not a split on whitespace."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    counted = [n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
               and n.func.attr == "replace" and len(n.args) == 3]
    if len(counted) > 1 and all(c.lineno == c.end_lineno for c in counted):
        # Chained `.replace(a, b, 1).replace(c, d, 1)`: every count dropped together.
        lines = ctx.code.splitlines(keepends=True)
        for row in {c.lineno for c in counted}:
            lines[row - 1] = re.sub(r",\s*1\)", ")", lines[row - 1])
        if "".join(lines) != ctx.code:
            out.append(Candidate("".join(lines), "template", "every occurrence is replaced, not only the first "
                                 "(all `replace` counts dropped)", 0.84))
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)):
        owner, name = ast.unparse(call.func.value), call.func.attr
        if name == "replace" and len(call.args) == 3:
            text = f"{owner}.replace({ast.unparse(call.args[0])}, {ast.unparse(call.args[1])})"
            out += node_candidate(ctx, call, text, "every occurrence is replaced, not only the first", 0.82)
        if name in ("lstrip", "rstrip") and len(call.args) == 1 and not (
                isinstance(call.args[0], ast.Constant) and len(str(call.args[0].value)) <= 1):
            new = "removeprefix" if name == "lstrip" else "removesuffix"
            text = f"{owner}.{new}({ast.unparse(call.args[0])})"
            out += node_candidate(ctx, call, text, f"`{name}` strips any of those characters; `{new}` removes exactly that "
                                          f"text", 0.9)
        if name == "split" and len(call.args) == 1 and isinstance(call.args[0], ast.Constant) \
                and call.args[0].value == " " and not call.keywords:
            out += node_candidate(ctx, call, f"{owner}.split()", "`split(\" \")` leaves empty words for double "
                                  "spaces and keeps tabs and newlines inside words; `split()` splits on any whitespace",
                                  0.8)
    return out


def merge_orders(ctx: FixContext) -> list[Candidate]:
    """`{**overrides, **defaults}`: later entries win, so the defaults overwrote the overrides; reverse."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for d in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Dict) and len(n.keys) >= 2
              and all(k is None for k in n.keys)):
        parts = [ast.unparse(v) if isinstance(v, ast.Name | ast.Attribute | ast.Call | ast.Subscript)
                 else f"({ast.unparse(v)})" for v in reversed(d.values)]
        text = "{" + ", ".join(f"**{p}" for p in parts) + "}"
        out += node_candidate(ctx, d, text, "merge order reversed: the most specific mapping must come last to win", 0.86)
    for b in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.BitOr)
              and isinstance(n.left, ast.Name | ast.Attribute) and isinstance(n.right, ast.Name | ast.Attribute)):
        out += node_candidate(ctx, b, f"{ast.unparse(b.right)} | {ast.unparse(b.left)}", "merge order reversed (`|` keeps "
                                                                                  "the right side's values)", 0.7)
    return out


def true_divisions(ctx: FixContext) -> list[Candidate]:
    """Every `//` of one expression made `/` at once (`miles // (seconds // 3600)`)."""
    if ctx.tree is None:
        return []
    near, out = near_lines(ctx), []
    for stmt in (s for s in ast.walk(ctx.tree) if isinstance(s, ast.Return | ast.Assign | ast.AugAssign)
                 and s.lineno in near):
        floors = [n for n in ast.walk(stmt) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.FloorDiv)]
        if len(floors) < 2:
            continue
        row = ctx.lines[stmt.lineno - 1]
        if stmt.lineno == stmt.end_lineno and row.count("//") == len(floors):
            lines = ctx.code.splitlines(keepends=True)
            lines[stmt.lineno - 1] = lines[stmt.lineno - 1].replace("//", "/")
            out.append(Candidate("".join(lines), "template", f"line {stmt.lineno}: every `//` made `/`: the "
                                 f"floor divisions dropped the fractions", 0.84))
    return out



def data_keys(ctx: FixContext) -> list[Candidate]:
    """A string key the code reads (`item.get("fragile")`) swapped for a key the tests' data has that the code
    never reads (`"insured"`)."""
    if ctx.tree is None:
        return []
    used = {n.value for n in ast.walk(ctx.tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    offered = [k for k in dict.fromkeys(_DATA_KEY.findall(ctx.hints)) if k not in used]
    near, out = near_lines(ctx), []
    for node in ast.walk(ctx.tree):
        key = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
            key = node.args[0]
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            key = node.slice
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)) or key.lineno not in near:
            continue
        for other in offered[:4]:
            out += node_candidate(ctx, key, repr(other), f"reads `{other}` (a field of the data) instead of `{key.value}`", 0.6)
    return out


def ceil_divisions(ctx: FixContext) -> list[Candidate]:
    """`pages = n // per_page` drops a partial last page: round up (`-(-n // per_page)`)."""
    if ctx.tree is None:
        return []
    near, out = near_lines(ctx), []
    # `n // size + 1` already tried to count the partial group, and counts one too many on exact multiples.
    plus_one = {id(n.left): n for n in ast.walk(ctx.tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add)
                and isinstance(n.right, ast.Constant) and n.right.value == 1}
    for node in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.FloorDiv)
                 and getattr(n, "lineno", 0) in near):
        a, b = ast.unparse(node.left), ast.unparse(node.right)
        left = a if isinstance(node.left, ast.Name | ast.Call | ast.Attribute | ast.Subscript) else f"({a})"
        outer = plus_one.get(id(node))
        if outer is not None:
            out += node_candidate(ctx, outer, f"-(-{left} // {b})", f"`{a} // {b} + 1` counts one group too many "
                                  f"when `{a}` is an exact multiple of `{b}`: rounded up instead", 0.8)
            continue
        out += node_candidate(ctx, node, f"-(-{left} // {b})", f"`{a} // {b}` rounded down; a partial last group counts "
                                                      f"too: rounded up", 0.78)
    return out


def unused_loop_variables(ctx: FixContext) -> list[Candidate]:
    """`for c in range(c1, c2 + 1): ... grid[r][c1]`: the loop variable is never read, a similar name is: use
    the loop variable there."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for loop in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.For) and isinstance(n.target, ast.Name)):
        var = loop.target.id
        body = [n for s in loop.body for n in ast.walk(s)]
        if var.startswith("_") or any(isinstance(n, ast.Name) and n.id == var for n in body):
            continue
        bounds = {n.id for n in ast.walk(loop.iter) if isinstance(n, ast.Name)}
        for use in (n for n in body if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
                    and (n.id in bounds or n.id.startswith(var) or var.startswith(n.id))):
            out += node_candidate(ctx, use, var, f"the loop variable `{var}` was never used; `{use.id}` stood where it "
                                        f"belongs", 0.88)
    return out


def stale_self_assignments(ctx: FixContext) -> list[Candidate]:
    """`best, best_dist = dock_id, best_dist`: a value assigned to itself next to new values; the freshly
    computed one with a similar name (`dist`) was meant."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for stmt in (s for s in ast.walk(ctx.tree) if isinstance(s, ast.Assign) and len(s.targets) == 1
                 and isinstance(s.targets[0], ast.Tuple) and isinstance(s.value, ast.Tuple)):
        func = next((f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef)
                     and f.lineno <= stmt.lineno <= (f.end_lineno or 0)), ctx.tree)
        assigned = {t.id for a in ast.walk(func) if isinstance(a, ast.Assign) for t in a.targets
                    if isinstance(t, ast.Name)}
        for target, value in zip(stmt.targets[0].elts, stmt.value.elts, strict=False):
            if isinstance(target, ast.Name) and isinstance(value, ast.Name) and target.id == value.id:
                for other in sorted(a for a in assigned if a != target.id and (a in target.id or target.id in a)):
                    out += node_candidate(ctx, value, other, f"`{target.id}` was assigned to itself; the new `{other}` "
                                                    f"was meant", 0.9)
    return out


def conditional_tails(ctx: FixContext) -> list[Candidate]:
    """`a + b + extra if flag else 0.0` makes the whole sum conditional; only the last term was meant to be."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for node in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.IfExp) and isinstance(n.body, ast.BinOp)):
        body = node.body
        op = ast.unparse(ast.BinOp(ast.Name("a"), body.op, ast.Name("b"))).split()[1]
        text = (f"{ast.unparse(body.left)} {op} ({ast.unparse(body.right)} if {ast.unparse(node.test)} "
                f"else {ast.unparse(node.orelse)})")
        out += node_candidate(ctx, node, text, "only the last term is conditional (a conditional expression binds looser "
                                      "than arithmetic)", 0.86)
    return out


def one_based_offsets(ctx: FixContext) -> list[Candidate]:
    """`start = page * per_page` for a 1-based page skips the first page: `(page - 1) * per_page`."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef)):
        doc = (ast.get_docstring(func) or "").lower()
        for node in (n for n in ast.walk(func) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mult)):
            for side in (node.left, node.right):
                if isinstance(side, ast.Name) and re.search(r"page|number|index|nth|position", side.id):
                    prior = 0.84 if "1-based" in doc or "one-based" in doc else 0.62
                    other = node.right if side is node.left else node.left
                    out += node_candidate(ctx, node, f"({side.id} - 1) * {ast.unparse(other)}", f"`{side.id}` counts from "
                                                                                       f"1", prior)
    return out


_WRONG = [falsy_values, ceil_divisions, unused_loop_variables, stale_self_assignments, conditional_tails,
          one_based_offsets, find_misses, loop_handlers, precedence_groups, string_method_slips, merge_orders,
          true_divisions, data_keys]
PROPOSERS: dict[str, list[Proposer]] = {cls: _WRONG for cls in ("wrong_output", "assertion_error", "unknown")}
