"""Repairs of unguarded parsing of external input (bad numbers, malformed JSON, missing keys) and of the
ValueErrors of parsing itself: split unpacking, int() of decimals or grouped digits, strptime formats.

Registered through `PROPOSERS`; `propose.TEMPLATE_MODULES` lists this module just before `exception_fixes`.
"""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import (
    Edit,
    apply_edits,
    enclosing_function,
    exception_ref,
    indent_of,
    loop_around,
    node_edit,
    statement_at,
    try_nodes,
)
from graphs.auto_fix.name_fixes import with_import
from graphs.auto_fix.propose_types import Proposer

_PARSE_ERRORS = {"ValueError", "KeyError", "IndexError", "JSONDecodeError", "UnicodeDecodeError", "InvalidOperation",
                 "Error", "ParserError", "ParseError", "ExpatError", "DecodeError", "binascii.Error"}
_DEFAULT_PARAMS = re.compile(r"^(?:default|fallback|otherwise|missing|on_error)\w*$")


def _defaults(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """What the function can return instead: a `default`-like parameter, literals it already returns, None."""
    args = func.args
    values = [a.arg for a in [*args.args, *args.kwonlyargs] if _DEFAULT_PARAMS.match(a.arg)]
    for node in ast.walk(func):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant | ast.List | ast.Dict | ast.Tuple):
            if not any(isinstance(n, ast.Name) for n in ast.walk(node.value)):
                values.append(ast.unparse(node.value))
    values.append("None")
    return list(dict.fromkeys(values))


def guard_parse(ctx: FixContext) -> list[Candidate]:
    """Parsing external input raised (bad number, malformed JSON, missing key) with no handler around it: wrap
    the statement in `try/except <raised type>` and fall back to a default the function already uses."""
    if ctx.tree is None or ctx.line is None or not ctx.exception_type:
        return []
    short = ctx.exception_type.rsplit(".", 1)[-1]
    ref = exception_ref(ctx.exception_type, ctx.tree)
    if short not in _PARSE_ERRORS and not short.endswith(("DecodeError", "ParseError", "FormatError")) or not ref:
        return []
    stmt = statement_at(ctx.tree, ctx.line)
    func = enclosing_function(ctx.tree, ctx.line)
    if stmt is None or func is None or isinstance(stmt, ast.FunctionDef | ast.ClassDef | ast.Try | ast.With):
        return []
    if any(t.lineno <= stmt.lineno <= (t.end_lineno or t.lineno) for t in try_nodes(func)):
        return []  # inside a try already: widen_handlers' job
    if not isinstance(stmt, ast.Return | ast.Assign | ast.AnnAssign | ast.AugAssign | ast.Expr):
        return []
    keep = ctx.code.splitlines(keepends=True)
    pad = indent_of(keep[stmt.lineno - 1])
    end = stmt.end_lineno or stmt.lineno
    body = [f"{pad}try:\n"] + ["    " + t if t.strip() else t for t in keep[stmt.lineno - 1: end]]
    exits = [f"return {v}" for v in _defaults(func)][:3]
    if loop_around(func, stmt.lineno) is not None:
        exits.insert(0, "continue")
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        exits.insert(1, f"{stmt.targets[0].id} = {_defaults(func)[0]}")
    out = []
    # KeyError/IndexError have their own guards (templates.key_fixes/empty_guards): fewer, later candidates.
    lookup = ctx.error_class in ("key_error", "index_error")
    for i, exit_stmt in enumerate(exits[: 2 if lookup else 4]):
        text = "".join(body) + (
            "" if body[-1].endswith("\n") else "\n") + f"{pad}except {ref}:\n{pad}    {exit_stmt}\n"
        code = apply_edits(ctx.code, [Edit(stmt.lineno, 0, end, len(keep[end - 1]), text)])
        if code:
            out.append(Candidate(code, "template", f"line {stmt.lineno}: bad input raised {ref}; wrapped it in "
                                 f"`try/except {ref}` → `{exit_stmt}`", (0.6 if lookup else 0.75) * 0.85 ** i))
    return out


_UNPACK = re.compile(r"too many values to unpack \(expected (\d+)\)")
_INT_LITERAL = re.compile(r"invalid literal for int\(\) with base 10: '(.*)'")
_FLOAT_LITERAL = re.compile(r"could not convert string to float: '(.*)'")
_FRACTION_LITERAL = re.compile(r"Invalid literal for Fraction: '(.*)'")
_MIXED_NUMBER = re.compile(r"[+]?\d+\s+\d+/\d+")
_TOO_FEW = re.compile(r"not enough values to unpack \(expected 2, got 1\)")
_CURRENCY = "$€£¥"
_STRPTIME = re.compile(r"time data '(.*)' does not match format '(.*)'")
_UNCONVERTED = re.compile(r"unconverted data remains: (.+)")
# What a format may lack at its end: seconds, fractions, zones, AM/PM, or the whole time of day.
_FORMAT_TAILS = (":%S", ".%f", ":%S.%f", "%z", " %z", "%Z", " %Z", " %p", "%p", ":%S%z", "T%H:%M:%S", " %H:%M:%S",
                 " %H:%M", "T%H:%M:%S%z", "%S")


def _format_variants(data: str, fmt: str) -> list[str]:
    """Small edits of a strptime format (separators, fractions, zones, seconds) that do parse `data`."""
    from datetime import datetime

    tries = [fmt.replace("T", " "), fmt.replace(" ", "T"), fmt.replace("-", "/"), fmt.replace("/", "-"),
             fmt.replace(".", "-"), fmt + ".%f", fmt + "%z", fmt.replace(":%S", ""),
             fmt if "%S" in fmt else fmt.replace("%M", "%M:%S"),
             fmt.replace("%y", "%Y"), fmt.replace("%Y", "%y"), fmt.replace("%d/%m", "%m/%d"),
             fmt.replace("%m/%d", "%d/%m")]
    ok = []
    for new in dict.fromkeys(t for t in tries if t != fmt):
        try:
            datetime.strptime(data, new)
        except (ValueError, re.error):
            continue
        ok.append(new)
    return ok


def _format_tails(rest: str) -> list[str]:
    """Directives that parse exactly the `rest` strptime left unconverted."""
    from datetime import datetime

    ok = []
    for tail in _FORMAT_TAILS:
        try:
            datetime.strptime(rest, tail.lstrip("T") if rest[:1].isdigit() else tail)
        except ValueError:
            continue
        ok.append(tail if tail[:1] != "T" or rest[:1] == "T" else tail[1:])
    return ok


def _format_constants(tree: ast.Module, line: int | None) -> list[ast.Constant]:
    """The string formats of strptime calls (literal or a module constant), those on `line` first."""
    names = {t.id: n.value for n in tree.body if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
             and isinstance(n.value.value, str) for t in n.targets if isinstance(t, ast.Name)}
    found: list[tuple[bool, ast.Constant]] = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "strptime" \
                and len(n.args) >= 2:
            fmt = n.args[1]
            fmt = names.get(fmt.id, fmt) if isinstance(fmt, ast.Name) else fmt
            if isinstance(fmt, ast.Constant) and isinstance(fmt.value, str):
                found.append((n.lineno != line, fmt))
    found.sort(key=lambda pair: pair[0])
    return list(dict.fromkeys(c for _, c in found))


def _float_texts(on_line: list[ast.AST], lit: str) -> list[tuple[ast.AST, str, str, float]]:
    """`float("1,250.00")`, `float("$12.50")`, `float("12.5%")`: clean the text before converting it."""
    out: list[tuple[ast.AST, str, str, float]] = []
    for n in on_line:
        if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("float", "Decimal")
                and len(n.args) == 1):
            continue
        arg, fn = ast.unparse(n.args[0]), n.func.id
        if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", lit):
            out.append((n, f"{fn}({arg}.replace(',', ''))", f"{lit!r} has digit grouping", 0.82))
        elif re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?", lit):
            out.append((n, f"{fn}({arg}.replace('.', '').replace(',', '.'))", f"{lit!r} is written with a "
                        "decimal comma", 0.8))
        elif re.fullmatch(r"[+-]?\d+,\d+", lit):
            out.append((n, f"{fn}({arg}.replace(',', '.'))", f"{lit!r} is written with a decimal comma", 0.8))
        elif lit[:1] in _CURRENCY or lit[-1:] in _CURRENCY:
            out.append((n, f"{fn}({arg}.strip().strip({_CURRENCY + ' '!r}).replace(',', ''))",
                        f"{lit!r} carries a currency sign", 0.8))
        elif re.fullmatch(r"[+-]?\d+/\d+", lit) and fn == "float":
            out.append((n, f"Fraction({arg})", f"{lit!r} is a fraction", 0.8))
        elif lit.endswith("%"):
            out.append((n, f"{fn}({arg}.rstrip('%'))", f"{lit!r} carries a percent sign", 0.75))
    return out


def _partitions(ctx: FixContext, on_line: list[ast.AST]) -> list[tuple[ast.AST, str, str, float]]:
    """`name, value = part.split("=")` on text without the separator: `partition` always gives three parts."""
    out: list[tuple[ast.AST, str, str, float]] = []
    for n in on_line:
        if not (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Tuple)
                and len(n.targets[0].elts) == 2 and isinstance(n.value, ast.Call)
                and isinstance(n.value.func, ast.Attribute) and n.value.func.attr in ("split", "rsplit")
                and len(n.value.args) >= 1 and not n.value.keywords):
            continue
        first, second = (ast.unparse(e) for e in n.targets[0].elts)
        how = "partition" if n.value.func.attr == "split" else "rpartition"
        call = f"{ast.unparse(n.value.func.value)}.{how}({ast.unparse(n.value.args[0])})"
        out.append((n, f"{first}, _, {second} = {call}", "a part without the separator has no second half; "
                    f"`{how}` always gives three parts", 0.82))
    return out


def value_parsing(ctx: FixContext) -> list[Candidate]:
    """ValueError from parsing: unpacking a split with too many parts (→ maxsplit) or too few (→ partition), an
    int() of a decimal or grouped number, a float() of grouped, comma-decimal, currency or percent text, a
    strptime format that does not match the data."""
    if ctx.tree is None or ctx.line is None:
        return []
    on_line = [n for n in ast.walk(ctx.tree) if getattr(n, "lineno", None) == ctx.line]
    edits: list[tuple[ast.AST, str, str, float]] = []
    if m := _UNPACK.search(ctx.message):
        for n in on_line:
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("split", "rsplit") \
                    and len(n.args) <= 1 and not n.keywords:
                sep = ast.unparse(n.args[0]) if n.args else "None"
                edits.append((n, f"{ast.unparse(n.func)}({sep}, {int(m[1]) - 1})", "only the first separators "
                              "split: the last part keeps the rest", 0.85))
    if m := _INT_LITERAL.search(ctx.message):
        lit = m[1].strip()
        for n in on_line:
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "int" and len(n.args) == 1:
                arg = ast.unparse(n.args[0])
                if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)", lit):
                    edits += [(n, f"float({arg})", f"{lit!r} is a decimal number", 0.8),
                              (n, f"int(float({arg}))", f"{lit!r} is a decimal number", 0.65)]
                elif re.fullmatch(r"[+-]?\d{1,3}([,_ ]\d{3})+", lit):
                    sep = next(c for c in lit if c in ", _")
                    edits.append((n, f"int({arg}.replace({sep!r}, ''))", f"{lit!r} has digit grouping", 0.8))
                elif re.fullmatch(r"[+-]?0[xob][0-9a-fA-F]+", lit, re.IGNORECASE):
                    edits.append((n, f"int({arg}, 0)", f"{lit!r} has a base prefix", 0.8))
    if m := _FLOAT_LITERAL.search(ctx.message):
        edits += _float_texts(on_line, m[1].strip())
    if (m := _FLOAT_LITERAL.search(ctx.message) or _FRACTION_LITERAL.search(ctx.message)) and \
            _MIXED_NUMBER.fullmatch(m[1].strip()):
        for n in on_line:  # "1 1/2": a whole number and a fraction, added up
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("float", "Fraction") \
                    and len(n.args) == 1:
                total = f"sum(Fraction(p) for p in {ast.unparse(n.args[0])}.split())"
                edits.append((n, total if n.func.id == "Fraction" else f"float({total})",
                              f"{m[1].strip()!r} is a mixed number", 0.84))
    if _TOO_FEW.search(ctx.message):
        edits += _partitions(ctx, on_line)
    if m := _STRPTIME.search(ctx.message):
        for n in ast.walk(ctx.tree):
            if isinstance(n, ast.Constant) and n.value == m[2]:
                for i, new in enumerate(_format_variants(m[1], m[2])[:2]):
                    edits.append((n, repr(new), f"the data {m[1]!r} has this format", 0.85 * 0.9 ** i))
    if (m := _UNCONVERTED.search(ctx.message)) and "%" not in m[1]:
        for fmt in _format_constants(ctx.tree, ctx.line)[:2]:
            for i, tail in enumerate(_format_tails(m[1].strip("'\"") if m[1][:1] in "'\"" else m[1])[:3]):
                edits.append((fmt, repr(fmt.value + tail), f"the data goes on with {m[1]!r}, which the format "
                              f"did not cover", 0.85 * 0.9 ** i))
    out = []
    for node, text, why, prior in edits:
        code = apply_edits(ctx.code, [node_edit(ctx.lines, node, text)])
        if code and "Fraction(" in text and "Fraction" not in ctx.code:
            code = with_import(code, ctx.tree, "from fractions import Fraction")
        if code:
            out.append(Candidate(code, "template", f"line {node.lineno}: `{ast.unparse(node)}` → `{text}` ({why})",
                                 prior))
    return out


PROPOSERS: dict[str, list[Proposer]] = {
    "value_error": [guard_parse, value_parsing],
    "key_error": [guard_parse],
    "index_error": [guard_parse],
    "other_exception": [guard_parse],
}
