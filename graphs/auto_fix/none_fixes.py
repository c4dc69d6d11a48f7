"""Repairs of None values used as objects: results of in-place calls (`x = items.sort()`), `.get()`/function
results used as a mapping or list, early returns when a value is None, failed `re.match()` results. Merged into
`call_fixes.PROPOSERS`."""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext, node_candidate
from graphs.auto_fix.edits import (
    apply_edits,
    docstring_of,
    enclosing_function,
    indent_of,
    insert_lines,
    last_assignment,
    node_edit,
    nodes_on_line,
    statement_at,
)
from graphs.auto_fix.propose_types import Proposer

_NONE_USE = re.compile(r"'NoneType' object (?:has no attribute '(?P<attr>\w+)'|is not (?P<what>subscriptable|"
                       r"iterable))")
_MAPPING_USE = {"get", "items", "keys", "values", "setdefault", "update", "pop"}
LIST_METHODS = frozenset({"append", "extend", "insert", "index", "count", "sort"})  # list-only methods
_MATCH_USE = {"group", "groups", "groupdict", "start", "end", "span"}
# Mutating methods return None: `x = items.sort()` leaves x None.
_IN_PLACE = frozenset({"sort", "reverse", "append", "extend", "insert", "clear", "remove", "update", "add",
                       "discard", "shuffle"})
_RETURNS = re.compile(r"\breturns?\s+(None|True|False|-?\d+(?:\.\d+)?\b|'[^'\n]{0,40}'|\"[^\"\n]{0,40}\")")
# A quoted literal offered as the result for a special case: "... or 'n/a'", "'-' when empty".
_QUOTED_RESULT = re.compile(r"(?:\bor|\belse|\botherwise|\bdefault)\s+'([^'\n]{1,40})'|(?:\bor|\belse|\botherwise|"
                            r"\bdefault)\s+\"([^\"\n]{1,40})\"|'([^'\n]{1,40})'\s+(?:when|if|for|on)\b|"
                            r"\"([^\"\n]{1,40})\"\s+(?:when|if|for|on)\b")


def _src(ctx: FixContext, node: ast.AST) -> str:
    return ast.get_source_segment(ctx.code, node) or ast.unparse(node)


def _mutated_param(func: ast.FunctionDef) -> int | None:
    """Index of the parameter a function changes in place, when it returns no value."""
    if any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(func)):
        return None
    names = [a.arg for a in func.args.args]
    for n in ast.walk(func):
        target = None
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _IN_PLACE:
            target = n.args[0] if n.func.attr == "shuffle" and n.args else n.func.value
        elif isinstance(n, ast.Subscript | ast.Attribute) and isinstance(n.ctx, ast.Store):
            target = n.value
        if isinstance(target, ast.Name) and target.id in names:
            return names.index(target.id)
    return None


def in_place_results(ctx: FixContext) -> list[Candidate]:
    """`x = items.sort()` / `x = sort_in_place(items)` leaves x None: mutate first, then use the mutated value."""
    if ctx.tree is None or "NoneType" not in ctx.message and ctx.error_class not in ("wrong_output",
                                                                                    "assertion_error"):
        return []
    local = {f.name: i for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef)
             and (i := _mutated_param(f)) is not None}
    funcs = {enclosing_function(ctx.tree, ln) for ln in [ctx.line, *ctx.suspicious[:3]] if ln}
    out = []
    for func in (f for f in funcs if f is not None):
        for stmt in ast.walk(func):
            value = stmt.value if isinstance(stmt, ast.Assign | ast.Return) else None
            if not isinstance(value, ast.Call) or (isinstance(stmt, ast.Assign) and (
                    len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name))):
                continue
            mutated = _mutated_arg(value, local)
            if mutated is None:
                continue
            pad = indent_of(ctx.lines[stmt.lineno - 1])
            user = ast.unparse(stmt.targets[0]) if isinstance(stmt, ast.Assign) else None
            use = f"{user} = {{}}" if user else "return {}"
            if isinstance(mutated, ast.Name | ast.Attribute):
                new = f"{_src(ctx, value)}\n{pad}{use.format(_src(ctx, mutated))}"
            elif user:
                call = _src(ctx, value).replace(_src(ctx, mutated), user, 1)
                new = f"{user} = {_src(ctx, mutated)}\n{pad}{call}"
            else:
                continue
            code = apply_edits(ctx.code, [node_edit(ctx.lines, stmt, new)])
            if code:
                out.append(Candidate(code, "template", f"line {stmt.lineno}: `{_src(ctx, value)}` changes its argument"
                                     " in place and returns None; call it, then use the changed value", 0.9))
    return out


def _mutated_arg(call: ast.Call, local: dict[str, int]) -> ast.expr | None:
    """The value `call` changes in place (it then returns None), if it is such a call."""
    f = call.func
    if isinstance(f, ast.Attribute) and f.attr == "shuffle":
        return call.args[0] if call.args else None
    if isinstance(f, ast.Attribute) and f.attr in _IN_PLACE:
        return f.value
    idx = local.get(f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else "")
    return call.args[idx] if idx is not None and idx < len(call.args) else None


def _none_target(ctx: FixContext) -> tuple[ast.expr, str] | None:
    """The expression that is None on the failing line, and the empty value its use needs."""
    m = _NONE_USE.search(ctx.message)
    if not m:
        return None
    for node in nodes_on_line(ctx.tree, ctx.line, (ast.Attribute, ast.Subscript, ast.For, ast.comprehension)):
        if isinstance(node, ast.Attribute) and node.attr == m["attr"]:
            empty = "{}" if node.attr in _MAPPING_USE else "[]" if node.attr in LIST_METHODS else ""
            return (node.value, empty) if empty else None
        if isinstance(node, ast.Subscript) and m["what"] == "subscriptable":
            is_text = isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)
            return node.value, "{}" if is_text else "[]"
        if isinstance(node, ast.For | ast.comprehension) and m["what"] == "iterable":
            return node.iter, "[]"
    return None


def empty_defaults(ctx: FixContext) -> list[Candidate]:
    """A value that may be None used as a mapping/list: `d.get(k)` → `d.get(k, {})`, `x = f()` → `x = f() or {}`."""
    found = _none_target(ctx)
    if ctx.tree is None or ctx.line is None or found is None:
        return []
    target, empty = found
    source = target
    if isinstance(target, ast.Name):
        built = last_assignment(enclosing_function(ctx.tree, ctx.line) or ctx.tree, target.id, ctx.line)
        source = built.value if built is not None else None
    if source is None:
        return []
    options = []
    if isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute) and source.func.attr == "get" \
            and len(source.args) == 1 and not source.keywords:
        options.append((f"{_src(ctx, source)[:-1]}, {empty})", 0.88))
    options.append((f"{_src(ctx, source)} or {empty}" if source is not target else f"({_src(ctx, source)} or {empty})",
                    0.85))
    out = []
    for text, prior in options:
        code = apply_edits(ctx.code, [node_edit(ctx.lines, source, text)])
        if code:
            out.append(Candidate(code, "template", f"line {source.lineno}: `{_src(ctx, source)}` → `{text}` (it can "
                                 f"be None; an empty `{empty}` keeps the code below working)", prior))
    return out


def _exit_values(ctx: FixContext, func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """What the docstring says is returned (`returns None`, `... or 'n/a'`), then values the function already
    returns (literals and parameters)."""
    doc = docstring_of(func).split("->")[-1]
    values = [v.strip(".,;") for v in _RETURNS.findall(doc)]
    values += [repr(next(g for g in groups if g)) for groups in _QUOTED_RESULT.findall(doc)]
    params = {a.arg for a in func.args.args}
    for r in (n for n in ast.walk(func) if isinstance(n, ast.Return) and n.value is not None):
        if isinstance(r.value, ast.Constant | ast.List | ast.Dict | ast.Tuple) and len(ast.unparse(r.value)) < 40 \
                or isinstance(r.value, ast.Name) and r.value.id in params:
            values.append(ast.unparse(r.value))
    return list(dict.fromkeys([*values, "None"]))


def none_early_returns(ctx: FixContext) -> list[Candidate]:
    """Return early when the value is None, with a literal from the docstring or a value returned elsewhere."""
    found = _none_target(ctx) or next(((n.value, "") for n in nodes_on_line(ctx.tree, ctx.line, (ast.Attribute,))
                                       if _NONE_USE.search(ctx.message)), None)
    if ctx.tree is None or ctx.line is None or found is None or isinstance(found[0], ast.Call):
        return []
    func = enclosing_function(ctx.tree, ctx.line)
    stmt = statement_at(ctx.tree, ctx.line)
    if func is None or stmt is None:
        return []
    pad, name = indent_of(ctx.lines[stmt.lineno - 1]), _src(ctx, found[0])
    out = []
    stated = {v.strip(".,;") for v in _RETURNS.findall(docstring_of(func))}
    for i, value in enumerate(_exit_values(ctx, func)[:3]):
        code = insert_lines(ctx.code, stmt.lineno, [f"{pad}if {name} is None:", f"{pad}    return {value}"])
        # "returns None for ..." in the docstring states exactly this case.
        prior = 0.93 if value in stated else 0.82 * 0.9 ** i
        out.append(Candidate(code, "template", f"line {stmt.lineno}: return {value} when `{name}` is None (the "
                             f"function's documented/usual result for that case)", prior))
    return out


def match_guards(ctx: FixContext) -> list[Candidate]:
    """`re.match(...).group()` with no match: reuse a module helper that handles the no-match case, or bind the
    match and return early when it is None."""
    if ctx.tree is None or ctx.line is None or not any(f"'{a}'" in ctx.message for a in _MATCH_USE):
        return []
    func = enclosing_function(ctx.tree, ctx.line)
    stmt = statement_at(ctx.tree, ctx.line)
    out: list[Candidate] = []
    for use in nodes_on_line(ctx.tree, ctx.line, (ast.Call,)):
        call = use.func.value if isinstance(use.func, ast.Attribute) and use.func.attr in _MATCH_USE else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and len(call.args) >= 2):
            continue
        pattern = ast.unparse(call.args[0])
        for helper in (f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef) and f is not func
                       and len(f.args.args) == 1 and any(isinstance(c, ast.Call) and c.args and ast.unparse(
                           c.args[0]) == pattern for c in ast.walk(f))):
            text = f"{helper.name}({_src(ctx, call.args[1])})"
            code = apply_edits(ctx.code, [node_edit(ctx.lines, use, text)])
            if code:
                out.append(Candidate(code, "template", f"line {use.lineno}: `{_src(ctx, use)}` → `{text}` (the "
                                     f"helper `{helper.name}` already handles text that does not match)", 0.85))
        if func is None or stmt is None:
            continue
        pad = indent_of(ctx.lines[stmt.lineno - 1])
        for i, value in enumerate(_exit_values(ctx, func)[:2]):
            code = apply_edits(ctx.code, [node_edit(ctx.lines, call, "match")])
            if code:
                code = insert_lines(code, stmt.lineno, [f"{pad}match = {_src(ctx, call)}", f"{pad}if match is None:",
                                                        f"{pad}    return {value}"])
                out.append(Candidate(code, "template", f"line {stmt.lineno}: return {value} when the pattern does "
                                     "not match (the match was None)", 0.8 * 0.9 ** i))
    return out


# None mixed into values that are added, compared, joined or formatted.
_NONE_OPERAND = re.compile(r"unsupported operand type\(s\) for .*NoneType|not supported between instances of "
                           r"'NoneType'|'NoneType'(?: and|\)|$)|NoneType found|not NoneType|can only concatenate.*"
                           r"NoneType|must be real number, not NoneType")
_Comprehension = ast.ListComp | ast.GeneratorExp | ast.SetComp


def none_filters(ctx: FixContext) -> list[Candidate]:
    """Values gathered by a comprehension (`[r.get("price") for r in rows]`) may be None and then break a sum,
    a comparison or a join: keep only those that are not None."""
    if ctx.tree is None or ctx.line is None or not _NONE_OPERAND.search(ctx.message):
        return []
    func = enclosing_function(ctx.tree, ctx.line)
    out: list[Candidate] = []
    for node in ast.walk(func or ctx.tree):
        if not isinstance(node, _Comprehension) or len(node.generators) != 1:
            continue
        elt = node.elt
        if not isinstance(elt, ast.Name | ast.Attribute | ast.Subscript | ast.Call) or (
                isinstance(elt, ast.Call) and not (isinstance(elt.func, ast.Attribute) and elt.func.attr == "get")):
            continue
        test = ast.Compare(left=elt, ops=[ast.IsNot()], comparators=[ast.Constant(None)])
        gen = node.generators[0]
        new = type(node)(elt=elt, generators=[ast.comprehension(gen.target, gen.iter, [*gen.ifs, test],
                                                                 gen.is_async)])
        near = abs(node.lineno - ctx.line)
        out += node_candidate(ctx, node, ast.unparse(new), f"`{ast.unparse(elt)}` can be None; only the values "
                              "that are not None are kept", 0.75 * 0.9 ** min(near, 3))
    return out[:3]


PROPOSERS: dict[str, list[Proposer]] = {
    "none_attribute": [empty_defaults, match_guards, none_early_returns, none_filters],
    "type_error": [none_filters],
}
