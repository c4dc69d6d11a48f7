"""ZeroDivisionError repairs: a guard on the divisor (return or skip), the division alone falling back to 0, and
inside a comprehension the items whose divisor is zero left out (`for v in km if km[v]`), the usual meaning of
"vehicles that did not drive are omitted".

Registered through `PROPOSERS`; `propose.TEMPLATE_MODULES` lists this module.
"""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import apply_edits, enclosing_function, node_edit
from graphs.auto_fix.propose_types import Proposer
from graphs.auto_fix.templates import guard, nodes_on

_COMPS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _divisor(node: ast.AST) -> ast.expr | None:
    """The divisor of a division, modulo or floor division; `len(xs)` stands for `xs`."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div | ast.FloorDiv | ast.Mod)):
        return None
    right = node.right
    if isinstance(right, ast.Call) and isinstance(right.func, ast.Name) and right.func.id == "len" \
            and len(right.args) == 1:
        return right.args[0]
    return None if isinstance(right, ast.Constant) else right


def _targets(comp: ast.expr) -> set[str]:
    return {n.id for g in comp.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}


def comprehension_bound(tree: ast.AST, node: ast.AST) -> set[str]:
    """Names bound by the comprehensions around `node`: a guard before the statement cannot see them."""
    return {name for comp in ast.walk(tree) if isinstance(comp, _COMPS) and node in ast.walk(comp)
            for name in _targets(comp)}


def comprehension_filters(ctx: FixContext) -> list[Candidate]:
    """`{v: a[v] / b[v] for v in b}` fails on a zero `b[v]`: add `if b[v]` to the comprehension's last clause."""
    if ctx.tree is None or ctx.line is None:
        return []
    out: list[Candidate] = []
    for comp in (n for n in ast.walk(ctx.tree) if isinstance(n, _COMPS)):
        if not comp.lineno <= ctx.line <= (comp.end_lineno or comp.lineno):
            continue
        bound = _targets(comp)
        for node in ast.walk(comp):
            divisor = _divisor(node)
            if divisor is None or getattr(node, "lineno", None) != ctx.line \
                    or not bound & {n.id for n in ast.walk(divisor) if isinstance(n, ast.Name)}:
                continue
            last = comp.generators[-1]
            clause = last.ifs[-1] if last.ifs else last.iter
            text = ast.get_source_segment(ctx.code, clause) or ast.unparse(clause)
            if isinstance(clause, ast.IfExp | ast.Lambda | ast.NamedExpr):
                text = f"({text})"
            cond = ast.unparse(divisor)
            code = apply_edits(ctx.code, [node_edit(ctx.lines, clause, f"{text} if {cond}")])
            if code:
                out.append(Candidate(code, "template", f"line {ctx.line}: items whose divisor `{cond}` is 0 are "
                                     "left out of the comprehension instead of failing it", 0.78))
    return out


_LIKENESS = re.compile(r"(?i)similar|likeness|match|overlap|jaccard|agree|identical|equal|same|coverage")


def zero_guards(ctx: FixContext) -> list[Candidate]:
    """Guard the divisor of the failing division."""
    out: list[Candidate] = []
    for node in nodes_on(ctx, ctx.line, (ast.BinOp, ast.AugAssign)):
        if isinstance(node.op, ast.Div | ast.FloorDiv | ast.Mod):
            right = node.right if isinstance(node, ast.BinOp) else node.value
            if isinstance(right, ast.Call) and isinstance(right.func, ast.Name) and right.func.id == "len" \
                    and len(right.args) == 1:
                right = right.args[0]  # `x / len(items)`: guard on the collection itself
            divisor = ast.unparse(right)
            if {n.id for n in ast.walk(right) if isinstance(n, ast.Name)} & comprehension_bound(ctx.tree, node):
                out += _inline_zero_guards(ctx, node, divisor) if isinstance(node, ast.BinOp) else []
                continue  # a guard before the statement cannot see the comprehension's names
            out += guard(ctx, node.lineno, f"not {divisor}", f"avoid dividing by zero when `{divisor}` is 0", 0.8,
                          first_default="0")
            func = enclosing_function(ctx.tree, node.lineno) if ctx.tree is not None else None
            if func is not None and _LIKENESS.search(func.name):  # two empty things are alike, not unalike
                out += guard(ctx, node.lineno, f"not {divisor}", f"two empty inputs are identical when "
                              f"`{divisor}` is 0", 0.7, first_default="1.0")[:1]
            if isinstance(node, ast.BinOp):
                out += _inline_zero_guards(ctx, node, divisor)
    return out


def _inline_zero_guards(ctx: FixContext, node: ast.BinOp, divisor: str) -> list[Candidate]:
    """Only the division changes: `a / b` → `(a / b if b else 0)`; the rest of the expression keeps its meaning."""
    out = []
    text = ast.get_source_segment(ctx.code, node) or ast.unparse(node)
    zero = "0.0" if isinstance(node.op, ast.Div) else "0"
    for fallback, prior in ((zero, 0.75), ("None", 0.4)):
        new = f"({text} if {divisor} else {fallback})"
        code = apply_edits(ctx.code, [node_edit(ctx.lines, node, new)])
        if code:
            out.append(Candidate(code, "template", f"line {node.lineno}: `{text}` → `{new}` (a zero divisor "
                                 f"gives {fallback} instead of raising)", prior))
    return out


PROPOSERS: dict[str, list[Proposer]] = {"zero_division": [zero_guards, comprehension_filters]}
