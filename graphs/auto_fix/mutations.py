"""AST edit operators applied on suspicious lines; each mutation is a text edit of one node's span."""

from __future__ import annotations

import ast
import builtins
import copy
import itertools
from dataclasses import dataclass

from graphs.auto_fix.edits import Edit, apply_edits, enclosing_function, node_edit, scope_names
from graphs.auto_fix.mutation_ops import extra_mutations
from graphs.auto_fix.name_types import compatible, derived_names, infer_types

_CMP_SWAPS: dict[type, list[tuple[type, float]]] = {
    ast.Lt: [(ast.LtE, 0.9), (ast.Gt, 0.35)], ast.LtE: [(ast.Lt, 0.9), (ast.GtE, 0.3), (ast.Eq, 0.2)],
    ast.Gt: [(ast.GtE, 0.9), (ast.Lt, 0.35)], ast.GtE: [(ast.Gt, 0.9), (ast.LtE, 0.3), (ast.Eq, 0.2)],
    ast.Eq: [(ast.NotEq, 0.6)], ast.NotEq: [(ast.Eq, 0.6)], ast.Is: [(ast.IsNot, 0.6)],
    ast.IsNot: [(ast.Is, 0.6)], ast.In: [(ast.NotIn, 0.6)], ast.NotIn: [(ast.In, 0.6)],
}
_BIN_SWAPS: dict[type, list[tuple[type, float]]] = {
    ast.Add: [(ast.Sub, 0.6), (ast.Mult, 0.3)], ast.Sub: [(ast.Add, 0.6)],
    ast.Mult: [(ast.Div, 0.45), (ast.Add, 0.3), (ast.Pow, 0.25)], ast.Div: [(ast.FloorDiv, 0.5), (ast.Mult, 0.45)],
    ast.FloorDiv: [(ast.Div, 0.5), (ast.Mod, 0.3)], ast.Mod: [(ast.FloorDiv, 0.3)], ast.Pow: [(ast.Mult, 0.3)],
}
_BUILTINS = set(dir(builtins))


@dataclass(frozen=True)
class Mutation:
    """One first-order edit with a human explanation and a likelihood prior."""

    edit: Edit
    operator: str
    description: str
    prior: float


def _mk(lines: list[str], node: ast.AST, new: ast.AST, operator: str, prior: float, why: str = "") -> Mutation:
    old_text = ast.get_source_segment("\n".join(lines), node) or ast.unparse(node)
    new_text = ast.unparse(new)
    desc = f"line {node.lineno}: `{old_text}` → `{new_text}`" + (f" ({why})" if why else "")
    return Mutation(node_edit(lines, node, new_text), operator, desc, prior)


def _why_compare(old: ast.cmpop, new: ast.cmpop, bound: str) -> str:
    inclusive = (ast.LtE, ast.GtE)
    if isinstance(new, inclusive) and type(old) in (ast.Lt, ast.Gt) and type(new).__name__[:2] == type(old).__name__:
        return f"so the boundary `{bound}` itself is included"
    if isinstance(old, inclusive) and type(old).__name__[:2] == type(new).__name__:
        return f"so the boundary `{bound}` itself is excluded"
    if type(old).__name__.replace("Not", "") == type(new).__name__.replace("Not", ""):
        return "inverted test"
    return "reversed comparison"


def _compare(lines: list[str], node: ast.Compare) -> list[Mutation]:
    out = []
    for i, op in enumerate(node.ops):
        for new_op, prior in _CMP_SWAPS.get(type(op), []):
            new = copy.deepcopy(node)
            new.ops[i] = new_op()
            why = _why_compare(op, new.ops[i], ast.unparse(node.comparators[i]))
            out.append(_mk(lines, node, new, "comparison_swap", prior, why))
    return out


_OP_TEXT = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**"}


def _typed_swap(lines: list[str], node: ast.BinOp, new_op: type, prior: float) -> Mutation | None:
    """The operator token retyped in the source (`a * b * c` → `a * b ** c`): with a tighter-binding operator
    this regroups operands, which the AST-level swap (`(a * b) ** c`) cannot express."""
    left, right = node.left, node.right
    if left.end_lineno != right.lineno or not isinstance(left, ast.BinOp):
        return None
    row = lines[left.end_lineno - 1]
    gap = row[left.end_col_offset:right.col_offset]
    old_tok = _OP_TEXT[type(node.op)]
    if gap.count(old_tok) != 1 or (old_tok == "*" and "**" in gap) or (old_tok == "/" and "//" in gap):
        return None
    new_row = row[:left.end_col_offset] + gap.replace(old_tok, _OP_TEXT[new_op]) + row[right.col_offset:]
    try:
        ast.parse(new_row.strip())
    except SyntaxError:
        return None
    edit = Edit(left.end_lineno, 0, left.end_lineno, len(row), new_row)
    desc = f"line {node.lineno}: `{old_tok}` → `{_OP_TEXT[new_op]}` in `{row.strip()}`"
    return Mutation(edit, "arithmetic_swap", desc, prior)


def _binop(lines: list[str], node: ast.BinOp) -> list[Mutation]:
    out = []
    for new_op, prior in _BIN_SWAPS.get(type(node.op), []):
        new = copy.deepcopy(node)
        new.op = new_op()
        out.append(_mk(lines, node, new, "arithmetic_swap", prior))
        typed = _typed_swap(lines, node, new_op, prior) if new_op is ast.Pow or isinstance(
            node.op, ast.Add | ast.Sub) else None
        if typed is not None:
            out.append(typed)
    if isinstance(node.op, ast.Sub | ast.Div | ast.FloorDiv | ast.Mod | ast.Pow):
        new = copy.deepcopy(node)
        new.left, new.right = new.right, new.left
        out.append(_mk(lines, node, new, "operand_swap", 0.35, "operands in the other order"))
    # Dropping a spurious term: `x / n + 1` → `x / n`. A constant term is the usual culprit.
    for kept, dropped in ((node.left, node.right), (node.right, node.left)):
        if dropped is node.left and not isinstance(node.op, ast.Add | ast.Mult):
            continue  # `a - b` → `b` changes meaning beyond dropping a term
        prior = 0.55 if isinstance(dropped, ast.Constant) else 0.2
        op = "constant_term_drop" if isinstance(dropped, ast.Constant) else "operand_drop"
        out.append(_mk(lines, node, copy.deepcopy(kept), op, prior, "spurious term removed"))
    return out


def _shift(node: ast.expr, delta: int) -> ast.expr:
    """`node + delta`, folding into a trailing integer constant (`n - w + 2` - 1 → `n - w + 1`)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub) \
            and isinstance(node.right, ast.Constant) and type(node.right.value) is int:
        value = node.right.value + (delta if isinstance(node.op, ast.Add) else -delta)
        if value == 0:
            return copy.deepcopy(node.left)
        new = copy.deepcopy(node)
        new.right = ast.Constant(abs(value))
        if value < 0:
            new.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
        return new
    return ast.BinOp(left=copy.deepcopy(node), op=ast.Add() if delta > 0 else ast.Sub(), right=ast.Constant(1))


def _plus_minus(lines: list[str], node: ast.expr, prior: float, operator: str) -> list[Mutation]:
    return [_mk(lines, node, _shift(node, d), operator, prior, f"bound {'+' if d > 0 else '-'} 1") for d in (-1, 1)]


def _constant(lines: list[str], node: ast.Constant) -> list[Mutation]:
    if type(node.value) is not int:
        return []
    return [_mk(lines, node, ast.Constant(node.value + d), "constant_pm1", 0.5) for d in (-1, 1)]


def _last_index(expr: ast.expr) -> bool:
    """`-1` or `len(x) - 1`: a slice ending there leaves out the last item."""
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub) and isinstance(expr.operand, ast.Constant):
        return expr.operand.value == 1
    return isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Sub) and isinstance(expr.right, ast.Constant) \
        and expr.right.value == 1 and isinstance(expr.left, ast.Call) and ast.unparse(expr.left.func) == "len"


def _bounds(lines: list[str], node: ast.AST) -> list[Mutation]:
    out: list[Mutation] = []
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range":
        for arg in node.args:
            if not isinstance(arg, ast.Constant):
                out += _plus_minus(lines, arg, 0.6, "range_bound_pm1")
    elif isinstance(node, ast.Subscript):
        sl = node.slice
        if isinstance(sl, ast.Slice):
            for part in (sl.lower, sl.upper):
                if part is not None and not isinstance(part, ast.Constant):
                    out += _plus_minus(lines, part, 0.45, "slice_bound_pm1")
            if sl.upper is not None and _last_index(sl.upper):  # `xs[-n:-1]` / `xs[a:len(xs) - 1]` drop the last
                open_end = ast.Slice(sl.lower, None, sl.step)
                out.append(_mk(lines, sl, open_end, "slice_to_end", 0.5, "the slice runs to the end"))
        elif isinstance(sl, ast.Name | ast.BinOp | ast.Call):
            out += _plus_minus(lines, sl, 0.45, "index_pm1")
    return out


def _negate(lines: list[str], node: ast.If | ast.While | ast.IfExp) -> list[Mutation]:
    test = node.test
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return [_mk(lines, test, test.operand, "negate_condition", 0.4)]
    return [_mk(lines, test, ast.UnaryOp(op=ast.Not(), operand=copy.deepcopy(test)), "negate_condition", 0.3)]


def _constant_swaps(lines: list[str], stmt: ast.stmt) -> list[Mutation]:
    """Two different numeric constants of one simple statement exchanged (`c * 5 / 9` → `c * 9 / 5`)."""
    if stmt.lineno != stmt.end_lineno or isinstance(stmt, ast.FunctionDef | ast.ClassDef | ast.If | ast.For
                                                     | ast.While | ast.With | ast.Try):
        return []
    nums = [n for n in ast.walk(stmt) if isinstance(n, ast.Constant) and type(n.value) in (int, float)]
    out = []
    for a, b in itertools.combinations(nums[:5], 2):
        if a.value == b.value:
            continue
        edit_a = node_edit(lines, a, repr(b.value))
        edit_b = node_edit(lines, b, repr(a.value))
        text = apply_edits("\n".join(lines), [edit_a, edit_b])
        if text is None:
            continue
        new_line = text.split("\n")[stmt.lineno - 1]
        span = Edit(stmt.lineno, 0, stmt.lineno, len(lines[stmt.lineno - 1]), new_line)
        out.append(Mutation(span, "constant_swap", f"line {stmt.lineno}: swapped `{a.value}` and `{b.value}`",
                            0.3))
    return out


def _callee_ids(tree: ast.AST) -> set[int]:
    return {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}


def _replace_names(lines: list[str], node: ast.Name, names: list[str], op: str, prior: float,
                   types: dict[str, str] | None = None, derived: dict[str, set[str]] | None = None) -> list[Mutation]:
    """Other in-scope names in place of `node`: same inferred type first, incompatible types last; a name
    computed from `node` (its cleaned, sliced or iterated version) is the likelier one meant."""
    types, derived = types or {}, derived or {}
    want = types.get(node.id)
    scored = []
    for pos, alt in enumerate(n for n in names if n != node.id and n not in _BUILTINS):
        have = types.get(alt)
        factor = 1.6 if want and have == want else 0.4 if want and have and not compatible(want, have) else 1.0
        factor *= 1.3 if node.id in derived.get(alt, ()) else 1.0
        scored.append((-factor, pos, alt, factor))
    scored.sort()
    return [_mk(lines, node, ast.Name(id=alt, ctx=ast.Load()), op, prior * factor, "same-type name in scope"
                if factor > 1 else "") for _, _, alt, factor in scored[:6]]


def _statement_level(lines: list[str], stmt: ast.stmt, names: list[str], types: dict[str, str],
                     derived: dict[str, set[str]]) -> list[Mutation]:
    out: list[Mutation] = []
    if isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Name):
        out += _replace_names(lines, stmt.value, names, "return_replace", 0.3, types, derived)
    docstring = isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
    if isinstance(stmt, ast.Expr | ast.Assign | ast.AugAssign) and stmt.lineno == stmt.end_lineno and not docstring:
        out.append(Mutation(node_edit(lines, stmt, "pass"), "delete_statement",
                            f"line {stmt.lineno}: removed `{lines[stmt.lineno - 1].strip()}`", 0.15))
    return out


def mutations_for_lines(code: str, target_lines: list[int], weights: dict[int, float] | None = None,
                        *, limit: int = 80) -> list[Mutation]:
    """First-order mutations of nodes on `target_lines`, most likely first (operator prior × line weight)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    lines = code.splitlines()
    weights = weights or {}
    wanted = set(target_lines)
    callees = _callee_ids(tree)
    out: list[Mutation] = []
    scopes: dict[int, tuple[list[str], dict[str, str], dict[str, set[str]]]] = {}
    for node in ast.walk(tree):
        line = getattr(node, "lineno", None)
        if line not in wanted:
            continue
        func = enclosing_function(tree, line)
        if id(func) not in scopes:  # once per function, not per node
            scopes[id(func)] = scope_names(func, tree), infer_types(func), derived_names(func)
        names, types, derived = scopes[id(func)]
        found: list[Mutation] = []
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.BinOp) \
                and isinstance(node.value.op, ast.Mult | ast.FloorDiv):  # `first = (page - 1) * per` ± 1
            found += _plus_minus(lines, node.value, 0.3, "offset_pm1")
        if isinstance(node, ast.Compare):
            found += _compare(lines, node)
        elif isinstance(node, ast.BinOp):
            found += _binop(lines, node)
            if isinstance(node.op, ast.Sub) and not isinstance(node.left, ast.Constant) \
                    and not isinstance(node.right, ast.Constant):  # `end - start`, `ord(c) - ord("A")`: ± 1
                found += _plus_minus(lines, node, 0.3, "difference_pm1")
        elif isinstance(node, ast.BoolOp):
            new = copy.deepcopy(node)
            new.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            found.append(_mk(lines, node, new, "boolean_swap", 0.5))
            for i, value in enumerate(node.values):  # `best or rec` → `rec`: a spurious operand
                rest = copy.deepcopy(node.values[:i] + node.values[i + 1:])
                found.append(_mk(lines, node, rest[0] if len(rest) == 1 else ast.BoolOp(op=node.op, values=rest),
                                 "operand_drop", 0.2, f"without `{ast.unparse(value)}`"))
        elif isinstance(node, ast.Constant):
            found += _constant(lines, node)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and id(node) not in callees:
            found += _replace_names(lines, node, names, "variable_replace", 0.25, types, derived)
        if isinstance(node, ast.Call | ast.Subscript):
            found += _bounds(lines, node)
        if isinstance(node, ast.Call) and len(node.args) >= 2 and not any(isinstance(a, ast.Starred)
                                                                          for a in node.args):
            for i in range(len(node.args) - 1):
                new = copy.deepcopy(node)
                new.args[i], new.args[i + 1] = new.args[i + 1], new.args[i]
                found.append(_mk(lines, node, new, "argument_swap", 0.25))
        if isinstance(node, ast.If | ast.While | ast.IfExp):
            found += _negate(lines, node)
        found += extra_mutations(lines, node, _mk)
        if isinstance(node, ast.stmt):
            found += _statement_level(lines, node, names, types, derived)
            found += _constant_swaps(lines, node)
        w = weights.get(line, 0.5)
        out += [Mutation(m.edit, m.operator, m.description, m.prior * w) for m in found]
    out.sort(key=lambda m: -m.prior)
    return out[:limit]


def apply_mutation(code: str, *mutations: Mutation) -> str | None:
    """The code with the mutations' edits applied (None when they overlap)."""
    return apply_edits(code, [m.edit for m in mutations])


def second_order(mutations: list[Mutation], *, top: int = 12) -> list[tuple[Mutation, Mutation]]:
    """Non-overlapping pairs among the `top` best first-order mutations, most likely first."""
    best = mutations[:top]
    pairs = []
    for a, b in itertools.combinations(best, 2):
        e1, e2 = a.edit, b.edit
        disjoint = (e1.end_line, e1.end_col) <= (e2.line, e2.col) or (e2.end_line, e2.end_col) <= (e1.line, e1.col)
        if disjoint:
            pairs.append((a, b))
    pairs.sort(key=lambda p: -(p[0].prior * p[1].prior))
    return pairs
