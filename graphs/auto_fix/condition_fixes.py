"""Conditions and lookups that cannot do what they say: a range test no value can pass (`v < low and v > high`),
a seen-set filled with another value than it is checked with, a word table looked up in the wrong case, and the
decimals asked of a floor division (`round(total // n, 1)`).

Registered through `PROPOSERS`; `propose.TEMPLATE_MODULES` lists this module.
"""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext, node_candidate
from graphs.auto_fix.logic_fixes import near_lines
from graphs.auto_fix.propose_types import Proposer

_BELOW, _ABOVE = (ast.Lt, ast.LtE), (ast.Gt, ast.GtE)
def mismatched_seen_sets(ctx: FixContext) -> list[Candidate]:
    """`if key in seen: continue` then `seen.add(row["email"])`: the set is checked with one value and filled
    with another, so the check never hits. The set records what it is checked with."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef)):
        checked = {ast.unparse(c.comparators[0]): ast.unparse(c.left) for c in ast.walk(func)
                   if isinstance(c, ast.Compare) and len(c.ops) == 1 and isinstance(c.ops[0], ast.In | ast.NotIn)
                   and isinstance(c.left, ast.Name) and isinstance(c.comparators[0], ast.Name)}
        for call in (n for n in ast.walk(func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                     and n.func.attr == "add" and len(n.args) == 1 and ast.unparse(n.func.value) in checked):
            want = checked[ast.unparse(call.func.value)]
            if ast.unparse(call.args[0]) != want:
                out += node_candidate(ctx, call.args[0], want, f"`{ast.unparse(call.func.value)}` is checked with "
                                      f"`{want}`, so it records `{want}`", 0.86)
    return out


_LOW_END = re.compile(r"(?i)low|min|start|from|floor|begin|\blo\b")
_HIGH_END = re.compile(r"(?i)high|max|end|\bto\b|ceil|cap|\bhi\b")


def _direction(cmp: ast.Compare, subject: str) -> str | None:
    """"below-low"/"above-high" when `cmp` puts `subject` under a low end or over a high end (by their names)."""
    op, left, right = cmp.ops[0], ast.unparse(cmp.left), ast.unparse(cmp.comparators[0])
    if left == subject:
        side, bound = ("below" if isinstance(op, _BELOW) else "above" if isinstance(op, _ABOVE) else None), right
    elif right == subject:
        side, bound = ("above" if isinstance(op, _BELOW) else "below" if isinstance(op, _ABOVE) else None), left
    else:
        return None
    if side == "below" and _LOW_END.search(bound) and not _HIGH_END.search(bound):
        return "below-low"
    if side == "above" and _HIGH_END.search(bound) and not _LOW_END.search(bound):
        return "above-high"
    return None


def contradictory_ranges(ctx: FixContext) -> list[Candidate]:
    """`value < limits.low and value > limits.high` can never hold (a value is not below the low end and above the
    high end at once): outside a range is `or`."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for node in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.BoolOp) and isinstance(n.op, ast.And)
                 and len(n.values) == 2 and all(isinstance(v, ast.Compare) and len(v.ops) == 1 for v in n.values)):
        a, b = node.values
        subjects = {ast.unparse(a.left), ast.unparse(a.comparators[0])} & {ast.unparse(b.left),
                                                                           ast.unparse(b.comparators[0])}
        for subject in subjects:
            if {_direction(a, subject), _direction(b, subject)} == {"below-low", "above-high"}:
                text = f"{ast.unparse(a)} or {ast.unparse(b)}"
                out += node_candidate(ctx, node, text, f"`{ast.unparse(node)}` can never hold; outside the range "
                                      "is `or`", 0.9)
                break
    return out


def rounded_floor_divisions(ctx: FixContext) -> list[Candidate]:
    """`round(total // n, 1)` or `float(total // n)`: asking for decimals of a floor division is a contradiction;
    the `//` was meant as `/` (anywhere in the module: with one failing test every line ties on suspicion)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                 and n.args and isinstance(n.args[0], ast.BinOp) and isinstance(n.args[0].op, ast.FloorDiv)
                 and ((n.func.id == "round" and len(n.args) == 2) or n.func.id == "float")):
        division = call.args[0]
        text = f"{ast.unparse(division.left)} / {ast.unparse(division.right)}"
        out += node_candidate(ctx, division, text, f"`{ast.unparse(call)}` asks for the decimals a floor division "
                              "drops: `/`", 0.88)
    return out


def _word_table(tree: ast.Module, name: str) -> str | None:
    """"lower"/"upper" when the module-level `name` is a collection of words all in that case."""
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
            value = stmt.value
            if isinstance(value, ast.Call) and value.args and ast.unparse(value.func) in ("set", "frozenset"):
                value = value.args[0]
            if not isinstance(value, ast.Set | ast.List | ast.Tuple) or not value.elts:
                return None
            words = [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if len(words) != len(value.elts) or not any(w.isalpha() for w in words):
                return None
            return "lower" if all(w == w.lower() for w in words) else "upper" if all(
                w == w.upper() for w in words) else None
    return None


def case_folded_memberships(ctx: FixContext) -> list[Candidate]:
    """`w not in STOPWORDS` with every stop word in lower case: "The" is not found. The tested value gets the
    table's case (`w.lower() not in STOPWORDS`)."""
    if ctx.tree is None:
        return []
    near, out = near_lines(ctx), []
    for node in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Compare) and len(n.ops) == 1
                 and isinstance(n.ops[0], ast.In | ast.NotIn) and isinstance(n.comparators[0], ast.Name)
                 and getattr(n, "lineno", 0) in near):
        case, left = _word_table(ctx.tree, node.comparators[0].id), node.left
        if case is None or not isinstance(left, ast.Name | ast.Attribute | ast.Subscript):
            continue
        text = f"{ast.unparse(left)}.{case}()"
        out += node_candidate(ctx, left, text, f"`{node.comparators[0].id}` holds {case}-case words; `{text}` is "
                              "looked up in the same case", 0.8)
    return out


_TEMPLATES: list[Proposer] = [case_folded_memberships, rounded_floor_divisions, contradictory_ranges,
                              mismatched_seen_sets]
PROPOSERS: dict[str, list[Proposer]] = {cls: list(_TEMPLATES) for cls in ("wrong_output", "assertion_error", "unknown")}
