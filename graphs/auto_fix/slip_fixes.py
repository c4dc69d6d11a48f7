"""Slips a reviewer spots by reading: a value in one unit assigned to a name in another (`hours = minutes`), the
constants of a `a_to_b` conversion swapped, a copy-pasted line that kept one name of its model
(`max(max_y, x)` next to `max(max_x, x)`), and two assignments in the wrong order (`state = new` before
`previous = state`)."""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext, node_candidate
from graphs.auto_fix.propose_types import Proposer

# Unit words in names and what a value in the first unit is in the second (multiply by the factor).
_UNITS = {"ms": 0.001, "millis": 0.001, "milliseconds": 0.001, "seconds": 1, "secs": 1, "sec": 1,
          "minutes": 60, "mins": 60, "minute": 60, "hours": 3600, "hour": 3600, "hrs": 3600, "days": 86400,
          "day": 86400, "weeks": 604800}
_SIZES = {"bytes": 1, "kb": 1024, "mb": 1024 ** 2, "gb": 1024 ** 3}
_TO = re.compile(r"^\w+_to_\w+$|^to_\w+$")


def _unit(name: str) -> tuple[str, float] | None:
    for word in reversed(name.lower().split("_")):
        for table, kind in ((_UNITS, "time"), (_SIZES, "size")):
            if word in table:
                return kind, table[word]
    return None


def unit_mismatches(ctx: FixContext) -> list[Candidate]:
    """`hours = SAMPLE_MINUTES`: the value is in minutes; convert it (`/ 60`)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for stmt in (s for s in ast.walk(ctx.tree) if isinstance(s, ast.Assign) and len(s.targets) == 1
                 and isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.Name | ast.Attribute)):
        source = stmt.value.id if isinstance(stmt.value, ast.Name) else stmt.value.attr
        want, have = _unit(stmt.targets[0].id), _unit(source)
        if not want or not have or want[0] != have[0] or want[1] == have[1]:
            continue
        factor = have[1] / want[1]
        text = f"{ast.unparse(stmt.value)} * {factor:g}" if factor > 1 else f"{ast.unparse(stmt.value)} / {1 / factor:g}"
        out += node_candidate(ctx, stmt.value, text, f"`{source}` is in other units than `{stmt.targets[0].id}`: "
                                                     f"`{text}`", 0.88)
    return out


_RATE_NAME = re.compile(r"^[A-Z][A-Z0-9]*_(?:PER|TO|IN)_[A-Z0-9_]+$")


def reciprocal_constants(ctx: FixContext) -> list[Candidate]:
    """`MPH_PER_KMH = 1.609344` is the factor the other way round (km per mile): use its reciprocal."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and _RATE_NAME.match(stmt.targets[0].id) and isinstance(stmt.value, ast.Constant) \
                and isinstance(stmt.value.value, float | int) and not isinstance(stmt.value.value, bool) \
                and stmt.value.value not in (0, 1):
            inverse = float(f"{1 / stmt.value.value:.6g}")
            out += node_candidate(ctx, stmt.value, repr(inverse), f"`{stmt.targets[0].id}` held the factor the other "
                                  f"way round; its reciprocal is {inverse}", 0.6)
    return out[:3]


def conversion_constants(ctx: FixContext) -> list[Candidate]:
    """`fahrenheit_to_celsius`: `(f - 32) * 9 / 5` has the factor upside down; exchange the two constants."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef) and _TO.match(f.name)):
        for ret in (r for r in ast.walk(func) if isinstance(r, ast.Return) and r.value is not None):
            nums = [n for n in ast.walk(ret.value) if isinstance(n, ast.Constant)
                    and isinstance(n.value, int | float) and not isinstance(n.value, bool)]
            for i, a in enumerate(nums):
                for b in nums[i + 1:]:
                    if a.value == b.value:
                        continue
                    text = ast.unparse(ret.value)
                    swapped = _swap_constants(ret.value, a, b)
                    if swapped and swapped != text:
                        out += node_candidate(ctx, ret.value, swapped, f"`{func.name}`: the constants {a.value} and "
                                                                       f"{b.value} were the wrong way round", 0.8)
    return out


def _swap_constants(expr: ast.expr, a: ast.Constant, b: ast.Constant) -> str | None:
    """Source of `expr` with the constants `a` and `b` exchanged (found by their order in the tree)."""
    order = [n for n in ast.walk(expr) if isinstance(n, ast.Constant)]
    i, j = order.index(a), order.index(b)
    try:
        copy = ast.parse(ast.unparse(expr), mode="eval")
    except SyntaxError:
        return None
    mirror = [n for n in ast.walk(copy) if isinstance(n, ast.Constant)]
    if len(mirror) != len(order):
        return None
    mirror[i].value, mirror[j].value = mirror[j].value, mirror[i].value
    return ast.unparse(copy)


def _shape(node: ast.AST) -> str:
    """The statement's structure with every name blanked (copy-pasted lines share it)."""
    return re.sub(r"(?:id|arg)='[^']*'", "", ast.dump(node, include_attributes=False))


def _neighbours(tree: ast.Module):
    """Pairs of consecutive statements of every block."""
    for body in (getattr(n, "body", None) for n in ast.walk(tree)):
        if isinstance(body, list):
            yield from zip(body, body[1:], strict=False)


def copy_paste_slips(ctx: FixContext) -> list[Candidate]:
    """Two neighbouring statements with the same shape where the second renames x→y everywhere but in one spot:
    that spot was missed when the line was copied."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for s1, s2 in _neighbours(ctx.tree):
        if not isinstance(s1, ast.Assign | ast.AugAssign | ast.Expr | ast.Return) or _shape(s1) != _shape(s2):
            continue
        n1 = [n for n in ast.walk(s1) if isinstance(n, ast.Name)]
        n2 = [n for n in ast.walk(s2) if isinstance(n, ast.Name)]
        if len(n1) != len(n2):
            continue
        renames = {a.id: b.id for a, b in zip(n1, n2, strict=True) if a.id != b.id}
        for a, b in zip(n1, n2, strict=True):
            if a.id == b.id and a.id in renames:
                out += node_candidate(ctx, b, renames[a.id], f"copied from line {s1.lineno}, where `{a.id}` became "
                                                             f"`{renames[a.id]}` everywhere else", 0.9)
    return out


def swapped_assignments(ctx: FixContext) -> list[Candidate]:
    """`self.state = new` then `self.previous = self.state`: the second reads the value the first just
    overwrote; save it first."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for s1, s2 in _neighbours(ctx.tree):
        if not (isinstance(s1, ast.Assign) and isinstance(s2, ast.Assign) and len(s1.targets) == 1
                and s1.lineno == s1.end_lineno and s2.lineno == s2.end_lineno == s1.lineno + 1):
            continue
        written = ast.unparse(s1.targets[0])
        if ast.unparse(s2.value) == written and ast.unparse(s2.targets[0]) != written:
            lines = ctx.code.splitlines(keepends=True)
            lines[s1.lineno - 1], lines[s2.lineno - 1] = lines[s2.lineno - 1], lines[s1.lineno - 1]
            out.append(Candidate("".join(lines), "template", f"lines {s1.lineno}-{s2.lineno}: `{ast.unparse(s2)}` "
                                 f"read `{written}` after it was overwritten; the old value is saved first", 0.88))
    return out


_SLIPS = [reciprocal_constants, unit_mismatches, conversion_constants, copy_paste_slips, swapped_assignments]
PROPOSERS: dict[str, list[Proposer]] = {cls: _SLIPS for cls in ("wrong_output", "assertion_error", "unknown")}
