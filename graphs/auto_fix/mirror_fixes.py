"""Repairs that copy what the code already does somewhere else: a normalisation applied to one argument but not
its sibling (`if isinstance(check_in, str): check_in = parse(check_in)`, but not `check_out`), a unit conversion
the module imports and never applies (`radians` before `sin`), and arithmetic whose grouping binds the wrong
operands first (`f - 32 * 5 / 9`).

Registered through `PROPOSERS`; `propose.TEMPLATE_MODULES` lists this module.
"""

from __future__ import annotations

import ast
import copy

from graphs.auto_fix.candidates import Candidate, FixContext, node_candidate
from graphs.auto_fix.edits import apply_edits, body_start, indent_of, insert_lines, node_edit
from graphs.auto_fix.propose_types import Proposer

_FuncDef = ast.FunctionDef | ast.AsyncFunctionDef
_TRIG = {"sin", "cos", "tan", "asin", "acos", "atan", "atan2"}
_ANGLE_CONVERSIONS = ("radians", "degrees")
_LOW = (ast.Add, ast.Sub)
_HIGH = (ast.Mult, ast.Div, ast.FloorDiv, ast.Mod)


def _normalisations(func: _FuncDef) -> list[tuple[ast.If, str]]:
    """`if isinstance(p, T): p = f(p)` blocks on a parameter `p` at the top level of the function."""
    params = {a.arg for a in func.args.args}
    out = []
    for stmt in func.body:
        test = stmt.test if isinstance(stmt, ast.If) else None
        if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance" \
                and test.args and isinstance(test.args[0], ast.Name) and test.args[0].id in params and not stmt.orelse:
            out.append((stmt, test.args[0].id))
    return out


def sibling_normalisations(ctx: FixContext) -> list[Candidate]:
    """A parameter normalised with `if isinstance(p, T): p = ...` while its sibling, used the same way, is not:
    normalise the sibling the same way."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, _FuncDef)):
        done = _normalisations(func)
        handled = {p for _, p in done}
        for block, param in done:
            for other in (a.arg for a in func.args.args if a.arg not in handled and a.arg not in ("self", "cls")):
                renamed = copy.deepcopy(block)
                for n in ast.walk(renamed):
                    if isinstance(n, ast.Name) and n.id == param:
                        n.id = other
                pad = indent_of(ctx.lines[block.lineno - 1])
                text = [pad + line for line in ast.unparse(renamed).splitlines()]
                code = insert_lines(ctx.code, (block.end_lineno or block.lineno) + 1, text)
                near = bool(set(ctx.suspicious[:4]) & set(range(func.lineno, (func.end_lineno or func.lineno) + 1)))
                out.append(Candidate(code, "template", f"line {block.lineno}: `{other}` is normalised like `{param}` "
                                     "(the same input forms reach both)", 0.8 if near else 0.6))
    return out[:3]


def unapplied_conversions(ctx: FixContext) -> list[Candidate]:
    """`from math import radians, sin` with `radians` never called: the angles reach `sin`/`cos` in degrees.
    Convert the function's angle parameters first."""
    if ctx.tree is None:
        return []
    imported = {a.asname or a.name for n in ast.walk(ctx.tree) if isinstance(n, ast.ImportFrom) and n.module == "math"
                for a in n.names}
    called = {n.func.id for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    conversion = next((c for c in _ANGLE_CONVERSIONS if c in imported and c not in called), None)
    if conversion is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, _FuncDef)):
        if not any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in _TRIG
                   for n in ast.walk(func)):
            continue
        params = [a.arg for a in func.args.args if a.arg not in ("self", "cls")]
        if not params:
            continue
        first = body_start(func)
        pad = indent_of(ctx.lines[first.lineno - 1])
        names = ", ".join(params) + ("," if len(params) == 1 else "")
        line = f"{pad}{names} = map({conversion}, ({names}))"
        out.append(Candidate(insert_lines(ctx.code, first.lineno, [line]), "template",
                             f"line {first.lineno}: `{conversion}` was imported but never applied; the parameters of "
                             f"`{func.name}` are converted before the trigonometry", 0.85))
    return out[:2]


def _leftmost(node: ast.BinOp) -> ast.BinOp:
    """The innermost BinOp on the left spine of `node` (whose left operand is the first leaf)."""
    while isinstance(node.left, ast.BinOp) and isinstance(node.left.op, _HIGH):
        node = node.left
    return node


def regrouped_arithmetic(ctx: FixContext) -> list[Candidate]:
    """`f - 32 * 5 / 9`: the subtraction was meant to come first, `(f - 32) * 5 / 9`. For `a ± (b * ...)` with
    no parentheses, bind `a ± b` first."""
    if ctx.tree is None:
        return []
    lines = set(ctx.suspicious[:4]) | ({ctx.line} if ctx.line else set())
    out: list[Candidate] = []
    for node in ast.walk(ctx.tree):
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, _LOW) and isinstance(node.right, ast.BinOp)
                and isinstance(node.right.op, _HIGH)):
            continue
        source = ast.get_source_segment(ctx.code, node) or ""
        line = ctx.lines[node.right.lineno - 1]
        if line[:node.right.col_offset].rstrip().endswith("("):
            continue  # written with parentheses on purpose
        if not all(isinstance(leaf, ast.Constant) for leaf in ast.walk(node.right)
                   if not isinstance(leaf, ast.BinOp | ast.operator)):
            continue  # `a + b * c` is the usual intent; `f - 32 * 5 / 9` (all constants) is not
        new = copy.deepcopy(node.right)
        inner = _leftmost(new)
        inner.left = ast.BinOp(left=copy.deepcopy(node.left), op=copy.deepcopy(node.op), right=inner.left)
        text = ast.unparse(new)
        # All-constant right sides are rare enough to try off the suspicious lines too (localisation spreads
        # over every line a wrong value passes through).
        out += node_candidate(ctx, node, text, f"`{source}` multiplied before it subtracted/added; `{text}` groups "
                              "the operands as meant", 0.65 if node.lineno in lines else 0.55)
    for node in ast.walk(ctx.tree):
        # `x * 1 - rate`: multiplying by 1 does nothing, so `(1 - rate)` was the factor.
        if (isinstance(node, ast.BinOp) and isinstance(node.op, _LOW) and isinstance(node.left, ast.BinOp)
                and isinstance(node.left.op, ast.Mult) and isinstance(node.left.right, ast.Constant)
                and node.left.right.value in (1, 1.0)):
            op = "+" if isinstance(node.op, ast.Add) else "-"
            text = f"{ast.unparse(node.left.left)} * ({ast.unparse(node.left.right)} {op} {ast.unparse(node.right)})"
            out += node_candidate(ctx, node, text, f"`{ast.unparse(node)}` multiplies by 1; the factor was "
                                  f"`({ast.unparse(node.left.right)} {op} {ast.unparse(node.right)})`", 0.8)
    return out[:4]


_STRICTNESS = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt}


def mirrored_bounds(ctx: FixContext) -> list[Candidate]:
    """`a_start <= b_end and b_start <= a_end`: the two sides of an interval test share their strictness, so a
    boundary fix changes both (`<` for half-open intervals), not only the one the test happened to hit."""
    if ctx.tree is None:
        return []
    near = set(ctx.suspicious[:6]) | ({ctx.line} if ctx.line else set())
    out: list[Candidate] = []
    for node in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.BoolOp) and n.lineno in near):
        compares = [v for v in node.values if isinstance(v, ast.Compare) and len(v.ops) == 1]
        kinds = {type(c.ops[0]) for c in compares}
        if len(compares) != len(node.values) or len(compares) < 2 or len(kinds) != 1 or not kinds <= set(_STRICTNESS):
            continue
        new = copy.deepcopy(node)
        for value in new.values:
            value.ops = [_STRICTNESS[type(value.ops[0])]()]
        text = ast.unparse(new)
        out += node_candidate(ctx, node, text, f"both bounds of `{ast.unparse(node)}` change together: `{text}`",
                              0.7)
    return out


def _attribute_names(tree: ast.Module) -> set[str]:
    names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    for cls in (c for c in ast.walk(tree) if isinstance(c, ast.ClassDef)):
        names |= {s.target.id for s in cls.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)}
    return names


def duplicated_pairs(ctx: FixContext) -> list[Candidate]:
    """`start, end = cue.start_ms + off, cue.start_ms + off`: the second value copies the first, where it should
    read the field named like its own target (`cue.end_ms`)."""
    if ctx.tree is None:
        return []
    fields = _attribute_names(ctx.tree)
    out: list[Candidate] = []
    for stmt in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Assign) and len(n.targets) == 1
                 and isinstance(n.targets[0], ast.Tuple) and isinstance(n.value, ast.Tuple)
                 and len(n.targets[0].elts) == len(n.value.elts)):
        texts = [ast.unparse(v) for v in stmt.value.elts]
        for i, (target, value) in enumerate(zip(stmt.targets[0].elts, stmt.value.elts, strict=True)):
            if not isinstance(target, ast.Name) or texts.count(texts[i]) < 2:
                continue
            for attr in (a for a in ast.walk(value) if isinstance(a, ast.Attribute)):
                for field in sorted(f for f in fields if f != attr.attr and target.id.lower() in f.lower()):
                    new = copy.deepcopy(value)
                    for node in ast.walk(new):
                        if isinstance(node, ast.Attribute) and node.attr == attr.attr:
                            node.attr = field
                    out += node_candidate(ctx, value, ast.unparse(new), f"`{target.id}` copied the value of its "
                                          f"sibling; it reads `.{field}`", 0.86)
    return out[:3]


def unsanitised_siblings(ctx: FixContext) -> list[Candidate]:
    """`f"DENY user={user} resource={_clean(resource)}"`: one value goes through the module's own cleaner and its
    sibling does not. Every bare parameter in that text gets the same call (log injection, markup, quoting)."""
    if ctx.tree is None:
        return []
    helpers = {f.name for f in ctx.tree.body if isinstance(f, ast.FunctionDef) and len(f.args.args) == 1}
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef) and f.name not in helpers):
        params = {a.arg for a in func.args.args}
        for text in (n for n in ast.walk(func) if isinstance(n, ast.JoinedStr)):
            values = [v.value for v in text.values if isinstance(v, ast.FormattedValue)]
            cleaners = {v.func.id for v in values if isinstance(v, ast.Call) and isinstance(v.func, ast.Name)
                        and v.func.id in helpers and len(v.args) == 1}
            bare = [v for v in values if isinstance(v, ast.Name) and v.id in params]
            if len(cleaners) != 1 or not bare:
                continue
            cleaner = cleaners.pop()
            code = apply_edits(ctx.code, [node_edit(ctx.lines, v, f"{cleaner}({v.id})") for v in bare])
            if code:
                out.append(Candidate(code, "template", f"line {text.lineno}: {', '.join(f'`{v.id}`' for v in bare)} "
                                     f"goes through `{cleaner}()` like its sibling in the same text", 0.86))
    return out


PROPOSERS: dict[str, list[Proposer]] = {
    **{cls: [regrouped_arithmetic, unapplied_conversions, sibling_normalisations, mirrored_bounds, duplicated_pairs,
             unsanitised_siblings]
       for cls in ("wrong_output", "assertion_error")},
    "type_error": [sibling_normalisations],
    "attribute_error": [sibling_normalisations],
}
