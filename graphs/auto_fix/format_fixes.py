"""Text formatting repairs: a swap done by two chained `replace` calls (the second undoes the first), `%d`
truncating a value that should be rounded, and a fixed-width field that pads but never cuts long text."""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import apply_edits, node_edit
from graphs.auto_fix.propose_types import Proposer

_INT_DIRECTIVE = re.compile(r"%(?:\([^)]*\))?[-+ 0#]*\d*[di]")
_WIDTH_ONLY = re.compile(r"^(?P<align>.?[<>^])?(?P<width>\d+|\{[^{}]+\})$")
_PLACEHOLDER = "\x00"


def _replace_call(node: ast.AST) -> tuple[ast.expr, ast.Constant, ast.Constant] | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "replace" \
            and len(node.args) == 2 and all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                                            for a in node.args):
        return node.func.value, node.args[0], node.args[1]
    return None


def swapped_replacements(ctx: FixContext) -> list[Candidate]:
    """`s.replace(",", ".").replace(".", ",")` turns every comma back: swap through a placeholder so both
    replacements happen at once."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for node in ast.walk(ctx.tree):
        outer = _replace_call(node)
        inner = _replace_call(outer[0]) if outer else None
        if not (outer and inner) or inner[2].value != outer[1].value or not inner[2].value:
            continue
        base, a, b, d = inner[0], inner[1].value, inner[2].value, outer[2].value
        text = (f"{ast.unparse(base)}.replace({a!r}, {_PLACEHOLDER!r}).replace({b!r}, {d!r})"
                f".replace({_PLACEHOLDER!r}, {b!r})")
        code = apply_edits(ctx.code, [node_edit(ctx.lines, node, text)])
        if code:
            out.append(Candidate(code, "template", f"line {node.lineno}: the second `replace` also changed what the "
                                 f"first one produced; the swap goes through a placeholder", 0.9))
    return out


def rounded_directives(ctx: FixContext) -> list[Candidate]:
    """`"%d%%" % percent` truncates 66.7 to 66: `%.0f` rounds (one directive at a time)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for node in ast.walk(ctx.tree):
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant)
                and isinstance(node.left.value, str)):
            continue
        fmt = node.left.value
        for m in _INT_DIRECTIVE.finditer(fmt):
            new = fmt[:m.start()] + m[0][:-1].rstrip("0123456789") + ".0f" + fmt[m.end():]
            code = apply_edits(ctx.code, [node_edit(ctx.lines, node.left, repr(new))])
            if code:
                out.append(Candidate(code, "template", f"line {node.lineno}: `{m[0]}` truncates; `%.0f` rounds to "
                                     f"the nearest whole number", 0.74))
    return out


def truncated_fields(ctx: FixContext) -> list[Candidate]:
    """`f"{name:<{w}}"` pads short text but lets long text overflow its column: `{name:<{w}.{w}}` also cuts
    it."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    numeric = {ast.unparse(n) for b in ast.walk(ctx.tree) if isinstance(b, ast.BinOp) for n in (b.left, b.right)}
    for fv in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.FormattedValue) and n.format_spec is not None):
        try:
            field, spec = ast.unparse(fv), ast.unparse(fv.format_spec)  # '{name:<{w}}', "f'<{w}'"
        except (AttributeError, ValueError):
            continue
        m = _WIDTH_ONLY.match(spec[2:-1] if spec[:1] == "f" else spec[1:-1])
        if not m or not isinstance(fv.value, ast.Name | ast.Attribute | ast.Subscript) \
                or ast.unparse(fv.value) in numeric:
            continue
        new_field = field[:-1] + f".{m['width']}" + "}"
        lines = ctx.code.splitlines(keepends=True)
        row = lines[fv.lineno - 1]
        if row.count(field) != 1:
            continue
        lines[fv.lineno - 1] = row.replace(field, new_field)
        out.append(Candidate("".join(lines), "template", f"line {fv.lineno}: `{field}` pads but never cuts; "
                             f"`{new_field}` also truncates text longer than the column", 0.76))
    return out


PROPOSERS: dict[str, list[Proposer]] = {
    cls: [swapped_replacements, rounded_directives, truncated_fields]
    for cls in ("wrong_output", "assertion_error", "unknown")
}
