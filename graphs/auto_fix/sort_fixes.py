"""Sort order repairs: date strings compared as text (`"15/12/2023" > "03/02/2024"`) get a parsed key, and a
two-pass stable sort whose passes run in the wrong order (the last pass decides) gets them swapped, and records
without an order get a key from their numeric fields."""

from __future__ import annotations

import ast
import re
from datetime import datetime

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import apply_edits, call_with, node_edit
from graphs.auto_fix.name_fixes import with_import
from graphs.auto_fix.propose_types import Proposer

_DATE_TEXT = re.compile(r"['\"](\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?)['\"]")
_FORMATS = ("%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%d/%m/%y", "%m/%d/%y", "%Y-%m-%d",
            "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M")


def _sample_formats(hints: str) -> list[str]:
    """Formats that parse every date-like string the tests and context show (none when they disagree)."""
    samples = _DATE_TEXT.findall(hints)
    if not samples:
        return []
    out = []
    for fmt in _FORMATS:
        try:
            for s in samples:
                datetime.strptime(s, fmt)
        except ValueError:
            continue
        out.append(fmt)
    return out[:2]


def _sort_keys(tree: ast.Module) -> list[ast.Lambda]:
    return [k.value for n in ast.walk(tree) if isinstance(n, ast.Call) for k in n.keywords
            if k.arg == "key" and isinstance(k.value, ast.Lambda)]


def _datetime_binding(tree: ast.Module) -> str | None:
    """"class" for `from datetime import datetime`, "module" for `import datetime`, else None."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "datetime" and any(
                a.name == "datetime" and a.asname is None for a in node.names):
            return "class"
        if isinstance(node, ast.Import) and any(a.name == "datetime" and a.asname is None for a in node.names):
            return "module"
    return None


def parsed_date_keys(ctx: FixContext) -> list[Candidate]:
    """A sort key that returns a date string in a day-first or month-first layout: parse it."""
    if ctx.tree is None:
        return []
    formats = _sample_formats(ctx.hints)
    out: list[Candidate] = []
    for key in _sort_keys(ctx.tree):
        if not isinstance(key.body, ast.Subscript | ast.Attribute | ast.Name):
            continue
        bound = _datetime_binding(ctx.tree)
        for fmt in formats:
            prefix = "datetime.datetime.strptime" if bound == "module" else "datetime.strptime"
            code = apply_edits(ctx.code, [node_edit(ctx.lines, key.body, f"{prefix}({ast.unparse(key.body)}, "
                                                                        f"{fmt!r})")])
            if code and bound is None:
                code = with_import(code, ast.parse(code), "from datetime import datetime")
            if code:
                out.append(Candidate(code, "template", f"line {key.lineno}: the key compared date text "
                                     f"character by character; it now parses it with `{fmt}`", 0.84))
    return out


def swapped_sort_passes(ctx: FixContext) -> list[Candidate]:
    """`xs = sorted(rows, key=primary)` then `xs.sort(key=secondary)`: a stable multi-key sort sorts by the
    secondary key first and the primary key last."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for body in (n.body for n in ast.walk(ctx.tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)):
        for first, second in zip(body, body[1:], strict=False):
            k1 = _key_of(first)
            k2 = _key_of(second)
            if k1 is None or k2 is None:
                continue
            code = apply_edits(ctx.code, [node_edit(ctx.lines, k1, ast.unparse(k2)),
                                          node_edit(ctx.lines, k2, ast.unparse(k1))])
            if code:
                out.append(Candidate(code, "template", f"lines {first.lineno}-{second.lineno}: the sort passes "
                                     f"were swapped: a stable sort by several keys sorts by the most important "
                                     f"key last", 0.86))
    return out


def _key_of(stmt: ast.stmt) -> ast.expr | None:
    """The `key=` of `x = sorted(..., key=k)` or `x.sort(key=k)`."""
    call = stmt.value if isinstance(stmt, ast.Assign | ast.Expr) else None
    if isinstance(call, ast.Call) and ast.unparse(call.func).rsplit(".", 1)[-1] in ("sorted", "sort"):
        return next((k.value for k in call.keywords if k.arg == "key"), None)
    return None


def unused_key_functions(ctx: FixContext) -> list[Candidate]:
    """A one-parameter helper nobody calls (`version_key`) next to `max(versions)`/`sorted(versions)` without a
    key: the helper is the key they forgot."""
    if ctx.tree is None:
        return []
    called = {n.id for n in ast.walk(ctx.tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    helpers = [f.name for f in ctx.tree.body if isinstance(f, ast.FunctionDef) and f.name not in called
               and len(f.args.args) == 1 and "key" in f.name.lower()]
    calls = [n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and ast.unparse(n.func).rsplit(".", 1)[-1]
             in ("sorted", "sort", "max", "min") and not any(k.arg == "key" for k in n.keywords)
             and (n.args or ast.unparse(n.func).endswith("sort"))]
    out: list[Candidate] = []
    for helper in helpers:
        edits = [node_edit(ctx.lines, c, call_with(c, f"key={helper}"))
                 for c in calls]
        code = apply_edits(ctx.code, edits) if edits else None
        if code:
            out.append(Candidate(code, "template", f"`{helper}` was written but never used: it is the key of "
                                 f"{len(calls)} ordering call(s)", 0.88))
    return out


_UNORDERED = re.compile(r"'[<>]=?' not supported between instances of '(\w+)' and '\1'")
_NUMERIC = {"int", "float", "Decimal", "Fraction", "date", "datetime"}
_ORDERING = {"max", "min", "sorted"}


def _numeric_fields(tree: ast.Module, cls_name: str) -> list[str]:
    cls = next((c for c in ast.walk(tree) if isinstance(c, ast.ClassDef) and c.name == cls_name), None)
    if cls is None:
        return []
    return [s.target.id for s in cls.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
            and ast.unparse(s.annotation).split(".")[-1].split("[")[0] in _NUMERIC]


def record_keys(ctx: FixContext) -> list[Candidate]:
    """`max(bids)` of records that define no order (`'>' not supported between instances of 'Bid' and 'Bid'`):
    order them by one of their numeric fields (`key=lambda b: b.amount`), the first such field first."""
    m = _UNORDERED.search(ctx.message)
    if ctx.tree is None or ctx.line is None or not m:
        return []
    fields = _numeric_fields(ctx.tree, m[1])
    out: list[Candidate] = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and n.lineno == ctx.line
                 and not any(k.arg == "key" for k in n.keywords)
                 and ((isinstance(n.func, ast.Name) and n.func.id in _ORDERING)
                      or (isinstance(n.func, ast.Attribute) and n.func.attr == "sort"))):
        for i, field in enumerate(fields[:3]):
            code = apply_edits(ctx.code, [node_edit(ctx.lines, call, call_with(call, f"key=lambda r: r.{field}"))])
            if code:
                out.append(Candidate(code, "template", f"line {call.lineno}: `{m[1]}` records have no order; "
                                     f"they are compared by `.{field}`", 0.82 * 0.9 ** i))
    return out


def reversed_tiebreaks(ctx: FixContext) -> list[Candidate]:
    """`sorted(rows, key=lambda r: (r.score, r.name), reverse=True)` also reverses the tie-break (names Z to A):
    only the leading key is negated, and the sort runs forward."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for call in ast.walk(ctx.tree):
        if not (isinstance(call, ast.Call) and ((isinstance(call.func, ast.Name) and call.func.id == "sorted")
                                                or (isinstance(call.func, ast.Attribute) and call.func.attr == "sort"))):
            continue
        reverse = next((k for k in call.keywords if k.arg == "reverse"), None)
        key = next((k.value for k in call.keywords if k.arg == "key"), None)
        if not (reverse is not None and isinstance(reverse.value, ast.Constant) and reverse.value.value is True
                and isinstance(key, ast.Lambda) and isinstance(key.body, ast.Tuple) and len(key.body.elts) >= 2):
            continue
        first, *rest = key.body.elts
        body = ", ".join([f"-{ast.unparse(first)}", *(ast.unparse(e) for e in rest)])
        args = [ast.unparse(a) for a in call.args] + [f"{k.arg}={ast.unparse(k.value)}" for k in call.keywords
                                                     if k.arg not in ("key", "reverse")]
        args.append(f"key=lambda {ast.unparse(key.args)}: ({body})")
        text = f"{ast.unparse(call.func)}({', '.join(args)})"
        code = apply_edits(ctx.code, [node_edit(ctx.lines, call, text)])
        if code:
            out.append(Candidate(code, "template", f"line {call.lineno}: `reverse=True` also reversed the tie-break; "
                                 f"only `{ast.unparse(first)}` is negated now", 0.8))
    return out


PROPOSERS: dict[str, list[Proposer]] = {
    **{cls: [parsed_date_keys, swapped_sort_passes, unused_key_functions, reversed_tiebreaks]
       for cls in ("wrong_output", "assertion_error", "unknown")},
    "type_error": [record_keys],
}
