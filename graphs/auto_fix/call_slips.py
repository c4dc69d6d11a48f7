"""Slips that run without an error and give a quietly wrong result: a method named but never called
(`ch.isdigit` is always true), a backspace where a regex word boundary was meant (`"\\b"` in a plain string), and an
iterator argument walked twice (the second pass sees nothing).

Registered through `PROPOSERS`; `propose.TEMPLATE_MODULES` lists this module.
"""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext, node_candidate
from graphs.auto_fix.edits import apply_edits, body_start, indent_of, insert_lines, node_edit, stdlib_module
from graphs.auto_fix.gotcha_fixes_more import _uses
from graphs.auto_fix.propose_types import Proposer

# Methods that take no argument and whose bound method object is always truthy.
_NO_ARG_METHODS = frozenset({
    "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower", "istitle", "isnumeric", "isdecimal",
    "isidentifier", "isprintable", "isascii", "strip", "lstrip", "rstrip", "lower", "upper", "title", "casefold",
    "capitalize", "keys", "values", "items", "copy", "is_dir", "is_file", "exists", "is_absolute", "isoformat",
    "timestamp", "date", "time", "today", "now", "is_set", "done", "cancelled", "empty", "full", "qsize",
})
_STREAMED = re.compile(r"\(\s*\w+ for \w+ in |\biter\(|\bgenerator|\bstream|\bcursor|\bmap\(|\bfilter\(",
                       re.IGNORECASE)


def _own_methods(tree: ast.Module) -> set[str]:
    """Methods of the module's classes that take only `self` (and are not properties)."""
    out = set()
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        for f in cls.body:
            if isinstance(f, ast.FunctionDef) and len(f.args.args) == 1 and not f.decorator_list:
                out.add(f.name)
    return out


def uncalled_methods(ctx: FixContext) -> list[Candidate]:
    """`any(ch.isdigit for ch in s)` / `if user.is_admin:` where `is_admin` is a method: call it."""
    if ctx.tree is None:
        return []
    called = {id(n.func) for n in ast.walk(ctx.tree) if isinstance(n, ast.Call)}
    # A method handed over as a callback (`key=str.lower`, `map(str.strip, xs)`) is meant uncalled.
    passed = {id(a) for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) for a in [*n.args,
                                                                                    *(k.value for k in n.keywords)]}
    names = _NO_ARG_METHODS | _own_methods(ctx.tree)
    near = set(ctx.suspicious[:6])
    found = [n for n in ast.walk(ctx.tree) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Load)
             and n.attr in names and id(n) not in called and id(n) not in passed]
    found.sort(key=lambda n: n.lineno not in near)
    out: list[Candidate] = []
    for node in found[:3]:
        out += node_candidate(ctx, node, f"{ast.unparse(node)}()", f"`{ast.unparse(node)}` named the method "
                              "without calling it (a bound method is always true)", 0.8 if node.lineno in near else 0.6)
    return out


def backspace_literals(ctx: FixContext) -> list[Candidate]:
    """A `"\\b"` in a plain string is a backspace character; in a regex it was meant as a word boundary."""
    if ctx.tree is None or not re.search(r"\bre\b", ctx.code):
        return []
    edits: list[tuple[ast.Constant, str]] = []
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "\x08" in node.value:
            fixed = node.value.replace("\x08", "\\b")
            raw = f'r"{fixed}"' if '"' not in fixed and not fixed.endswith("\\") and "\n" not in fixed else None
            edits.append((node, raw or repr(fixed)))
    why = "`\\b` in a plain string is a backspace; the regex needs a word boundary (raw string)"
    out: list[Candidate] = []
    if edits:  # every such literal together (a pattern often has one at each end), then each alone
        code = apply_edits(ctx.code, [node_edit(ctx.lines, n, text) for n, text in edits])
        if code:
            out.append(Candidate(code, "template", f"line {edits[0][0].lineno}: {why}", 0.85))
    if len(edits) > 1:
        for node, text in edits[:3]:
            out += node_candidate(ctx, node, text, why, 0.6)
    return out


def twice_iterated_params(ctx: FixContext) -> list[Candidate]:
    """A parameter walked twice (`sum(...)` over it, then a `for` loop): an iterator or a database cursor is
    empty on the second pass. Take a list of it first."""
    if ctx.tree is None:
        return []
    prior = 0.8 if _STREAMED.search(ctx.hints) else 0.55
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)):
        first = body_start(func)
        if first is func.body[0] and isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            continue  # a docstring alone: nothing to put the list before
        for arg in func.args.args + func.args.kwonlyargs:
            if arg.arg in ("self", "cls") or len(_uses(func, arg.arg, strict=True)) < 2:
                continue
            pad = indent_of(ctx.lines[first.lineno - 1])
            code = insert_lines(ctx.code, first.lineno, [f"{pad}{arg.arg} = list({arg.arg})"])
            out.append(Candidate(code, "template", f"line {first.lineno}: `{arg.arg}` is walked more than once; an "
                                 "iterator passed in would be empty the second time, so it is listed first", prior))
    return out[:3]


def _parameters(tree: ast.Module, call: ast.Call) -> list[str]:
    """Positional parameter names of the callee: a function of the module, or a standard-library callable."""
    import inspect

    if isinstance(call.func, ast.Name):
        own = next((f for f in tree.body if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
                    and f.name == call.func.id), None)
        if own is not None:
            return [a.arg for a in own.args.posonlyargs + own.args.args]
    if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
        module = stdlib_module(call.func.value.id) if call.func.value.id in {
            a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names} else None
        target = getattr(module, call.func.attr, None) if module is not None else None
        try:
            return [p.name for p in inspect.signature(target).parameters.values()  # type: ignore[arg-type]
                    if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)] if callable(target) else []
        except (TypeError, ValueError):
            return []
    return []


def named_argument_order(ctx: FixContext) -> list[Candidate]:
    """`SequenceMatcher(None, b, a)` / `transfer(dst, src)`: two arguments named exactly like the callee's
    parameters, each in the other's place. Put them back in order."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and len(n.args) >= 2):
        names = [a.id if isinstance(a, ast.Name) else None for a in call.args]
        if len({n for n in names if n}) < 2:
            continue
        params = _parameters(ctx.tree, call)
        pairs = [(i, j) for i in range(len(names)) for j in range(i + 1, min(len(names), len(params)))]
        for i, j in pairs:
            if names[i] and names[j] and names[i] == params[j] and names[j] == params[i]:
                args = [ast.unparse(a) for a in call.args]
                args[i], args[j] = args[j], args[i]
                parts = args + [ast.unparse(k) for k in call.keywords]
                out += node_candidate(ctx, call, f"{ast.unparse(call.func)}({', '.join(parts)})",
                                      f"`{names[i]}` and `{names[j]}` were passed in each other's place "
                                      f"(the callee's parameters are named so)", 0.85)
    return out[:2]


def _split_call(node: ast.AST) -> ast.Call | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("split", "rsplit"):
        return node
    return None


def numeric_members(ctx: FixContext) -> list[Candidate]:
    """`minutes = set(field.split(","))` then `t.minute in minutes`: text never equals a number, so the test is
    always false (a scheduler that never fires, a loop that never stops). Convert the parts to ints."""
    if ctx.tree is None:
        return []
    members = {ast.unparse(c.comparators[0]) for c in ast.walk(ctx.tree) if isinstance(c, ast.Compare)
               and isinstance(c.ops[0], ast.In | ast.NotIn) and not isinstance(c.left, ast.Constant)
               and isinstance(c.comparators[0], ast.Name | ast.Attribute)}
    if not members:
        return []
    out: list[Candidate] = []
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("set", "frozenset") \
                and len(node.args) == 1 and (split := _split_call(node.args[0])) is not None:
            text = f"{node.func.id}(map(int, {ast.unparse(split)}))"
        elif isinstance(node, ast.Return) and (split := _split_call(node.value)) is not None:
            node, text = node.value, f"[int(part) for part in {ast.unparse(split)}]"  # type: ignore[assignment]
        else:
            continue
        out += node_candidate(ctx, node, text, "the parts of the split are text, but the values tested against them "
                              "are numbers: the parts are converted to `int`", 0.6)
    return out[:2]


def enumerate_starts(ctx: FixContext) -> list[Candidate]:
    """`enumerate(items)` numbers from 0 where people count from 1 (line numbers, positions, subtitle blocks), and
    `enumerate(items, 1)` the other way round."""
    if ctx.tree is None:
        return []
    near = set(ctx.suspicious[:8]) | ({ctx.line} if ctx.line else set())
    out: list[Candidate] = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                 and n.func.id == "enumerate" and len(n.args) >= 1 and n.lineno in near):
        start = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "start"), None)
        items = ast.unparse(call.args[0])
        if start is None:
            text, why = f"enumerate({items}, start=1)", "numbering starts at 1"
        elif isinstance(start, ast.Constant) and start.value == 1:
            text, why = f"enumerate({items})", "positions count from 0"
        else:
            continue
        out += node_candidate(ctx, call, text, f"`{ast.unparse(call)}` → `{text}` ({why})", 0.78)
    return out


_NEAREST = re.compile(r"(?i)\b(?:round(?:ed|s)? to the nearest|nearest whole|rounded (?:to|off)\b)")


def truncations_meant_as_rounding(ctx: FixContext) -> list[Candidate]:
    """`int(100 * a / b)` cuts the fraction off where the docstring (or the user) says "rounded to the nearest":
    `round(...)`."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef)):
        if not _NEAREST.search((ast.get_docstring(func) or "") + "\n" + ctx.hints):
            continue
        for call in (n for n in ast.walk(func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                     and n.func.id == "int" and len(n.args) == 1 and isinstance(n.args[0], ast.BinOp)):
            out += node_candidate(ctx, call, f"round({ast.unparse(call.args[0])})", "the value is rounded to the "
                                  "nearest as stated, not cut off by `int()`", 0.84)
    return out


def _truth_tested(tree: ast.Module) -> list[ast.expr]:
    """Expressions whose truth value is used: `if x`, `while x`, `bool(x)`, `not x`, `x and y` operands."""
    out: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.If | ast.While | ast.IfExp):
            out.append(node.test)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "bool" and node.args:
            out.append(node.args[0])
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            out.append(node.operand)
        elif isinstance(node, ast.BoolOp):
            out += node.values
    return out


def find_as_truth(ctx: FixContext) -> list[Candidate]:
    """`if text.find(word):` is false at position 0 and true when absent (-1): test `!= -1`, or use `in`."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for expr in _truth_tested(ctx.tree):
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in ("find", "rfind") \
                and len(expr.args) == 1:
            text = ast.get_source_segment(ctx.code, expr) or ast.unparse(expr)
            haystack = ast.unparse(expr.func.value)
            out += node_candidate(ctx, expr, f"{ast.unparse(expr.args[0])} in {haystack}", f"`{text}` is 0 (false) "
                                  "when found at the start and -1 (true) when missing: test membership", 0.86)
            out += node_candidate(ctx, expr, f"{text} != -1", f"`{text}` is -1 when missing, 0 at the start", 0.84)
    return out


PROPOSERS: dict[str, list[Proposer]] = {
    **{cls: [uncalled_methods, backspace_literals, twice_iterated_params, numeric_members, named_argument_order,
             enumerate_starts, truncations_meant_as_rounding, find_as_truth]
       for cls in ("wrong_output", "assertion_error", "unknown")},
    "hang": [numeric_members],
}
