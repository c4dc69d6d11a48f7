"""Error-class templates: guards (None, zero, empty, key), recursion base cases, loop progress, iteration copies."""

from __future__ import annotations

import ast
import copy
import re

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import (
    apply_edits,
    body_start,
    enclosing_function,
    indent_of,
    insert_lines,
    node_edit,
    statement_at,
)
from graphs.auto_fix.security_fixes import wanted_exception


def _default_returns(func: ast.AST | None, guarded: str | None = None) -> list[str]:
    """Candidate values for an early return: literals the function already returns (none using `guarded`), then
    None."""
    values: list[str] = []
    if func is not None:
        for node in ast.walk(func):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant | ast.List | ast.Dict):
                text = ast.unparse(node.value)
                if text not in values and not (guarded and _uses(text, guarded)):
                    values.append(text)
    doc = ast.get_docstring(func) if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) else None
    stated = [repr(ast.literal_eval(t)) for t in _DOC_LITERAL.findall(doc or "")]  # "'' when it has none"
    values += [v for v in dict.fromkeys(stated) if v not in values][:1]
    if "None" not in values:
        values.append("None")
    return values[:3]


_DOC_LITERAL = re.compile(r"""(?<![\w'"])(''|""|\[\]|\{\}|-1|False|True)(?![\w'"])(?=[^.]*\b(?:when|if|for|otherwise|unless|without)\b)""")


def _in_loop(tree: ast.AST, line: int, func: ast.AST | None) -> bool:
    scope = func or tree
    return any(isinstance(n, ast.For | ast.While) and n.lineno < line <= (n.end_lineno or n.lineno)
               for n in ast.walk(scope))


def _uses(value: str, name: str) -> bool:
    """True when the expression `value` refers to `name` (a name, attribute chain or subscript, as source text)."""
    try:
        tree = ast.parse(value, mode="eval")
    except SyntaxError:
        return name in value
    return any(isinstance(n, ast.Name | ast.Attribute | ast.Subscript) and ast.unparse(n) == name
               for n in ast.walk(tree))


def guard(ctx: FixContext, line: int, condition: str, why: str, prior: float,
           first_default: str | None = None, guarded: str | None = None) -> list[Candidate]:
    """Insert `if condition: <exit>` before the statement on `line` (return defaults, or continue in loops).

    `guarded` is the expression the condition rules out (None, say): defaults using it are never returned.
    """
    assert ctx.tree is not None
    stmt = statement_at(ctx.tree, line)
    if stmt is None:
        return []
    func = enclosing_function(ctx.tree, stmt.lineno)
    pad = indent_of(ctx.lines[stmt.lineno - 1])
    defaults = _default_returns(func, guarded)
    if first_default is not None and not (guarded and _uses(first_default, guarded)):
        defaults = [first_default] + [d for d in defaults if d != first_default]
    exits = [f"return {v}" for v in defaults] if func is not None else []
    if _in_loop(ctx.tree, stmt.lineno, func):
        exits.insert(0, "continue")
    out = []
    for i, exit_stmt in enumerate(exits):
        code = insert_lines(ctx.code, stmt.lineno, [f"{pad}if {condition}:", f"{pad}    {exit_stmt}"])
        out.append(Candidate(code, "template", f"line {stmt.lineno}: added guard `if {condition}: {exit_stmt}` "
                             f"({why})", prior * (0.85 ** i)))
    return out


def nodes_on(ctx: FixContext, line: int | None, kinds: tuple[type, ...]) -> list[ast.AST]:
    if ctx.tree is None or line is None:
        return []
    return [n for n in ast.walk(ctx.tree) if isinstance(n, kinds) and getattr(n, "lineno", None) == line]


def none_guards(ctx: FixContext) -> list[Candidate]:
    """`if x is None:` guard before the failing attribute access or subscript."""
    attr = ctx.message.split("attribute ")[-1].strip("'\" ") if "attribute" in ctx.message else ""
    out: list[Candidate] = []
    seen: set[str] = set()
    for node in nodes_on(ctx, ctx.line, (ast.Attribute, ast.Subscript)):
        target = ast.unparse(node.value)
        if target in seen or isinstance(node.value, ast.Constant):
            continue
        seen.add(target)
        prior = 0.9 if isinstance(node, ast.Attribute) and node.attr == attr else 0.6
        out += guard(ctx, node.lineno, f"{target} is None", f"`{target}` can be None", prior, guarded=target)
        raised = wanted_exception(ctx.hints, "")
        if raised:  # the tests expect bad input to raise: the guard raises that instead of returning
            out += _raising_guard(ctx, node.lineno, f"{target} is None", raised, prior)
        loop = next((w for w in ast.walk(ctx.tree) if isinstance(w, ast.While) and w.test.lineno == node.lineno
                     and node in list(ast.walk(w.test))), None) if ctx.tree is not None else None
        if loop is not None:  # `while node.cid not in seen`: the walk also ends when it runs out of nodes
            test = f"{target} is not None and {ast.unparse(loop.test)}"
            code = apply_edits(ctx.code, [node_edit(ctx.lines, loop.test, test)])
            if code:
                out.append(Candidate(code, "template", f"line {loop.lineno}: the loop also stops when `{target}` "
                                     "runs out (None)", prior))
    return out


def _raising_guard(ctx: FixContext, line: int, condition: str, exc: str, prior: float) -> list[Candidate]:
    assert ctx.tree is not None
    stmt = statement_at(ctx.tree, line)
    if stmt is None:
        return []
    pad = indent_of(ctx.lines[stmt.lineno - 1])
    code = insert_lines(ctx.code, stmt.lineno, [f"{pad}if {condition}:",
                                                f"{pad}    raise {exc}(\"invalid input\")"])
    return [Candidate(code, "template", f"line {stmt.lineno}: added guard `if {condition}: raise {exc}` (the "
                      f"tests expect {exc} for such input)", prior)]


def empty_guards(ctx: FixContext) -> list[Candidate]:
    """IndexError on a constant index: return early when the sequence is empty."""
    out: list[Candidate] = []
    for node in nodes_on(ctx, ctx.line, (ast.Subscript,)):
        if isinstance(node.slice, ast.Constant | ast.UnaryOp) and isinstance(node.ctx, ast.Load):
            seq = ast.unparse(node.value)
            out += guard(ctx, node.lineno, f"not {seq}", f"`{seq}` can be empty", 0.6)
            k = node.slice.value if isinstance(node.slice, ast.Constant) else None
            if isinstance(k, int) and k >= 1 and isinstance(node.value, ast.Name):
                # `parts[1]` of a name without a comma: the input that lacks the part is kept as it is.
                func = enclosing_function(ctx.tree, node.lineno) if ctx.tree is not None else None
                params = [a.arg for a in func.args.args if a.arg not in ("self", "cls")] if func else []
                for default in [f"{seq}[0]"] * (k == 1) + params[:1]:
                    out += guard(ctx, node.lineno, f"len({seq}) <= {k}", f"`{seq}` may have no item {k}; such "
                                  f"input is kept as it is", 0.64, first_default=default)[:1]
    return out


def key_fixes(ctx: FixContext) -> list[Candidate]:
    """KeyError: `d[k]` → `d.get(k)` / `d.get(k, 0)`; `d[k] += v` → `d[k] = d.get(k, 0) + v`."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    lines = ctx.lines
    for node in nodes_on(ctx, ctx.line, (ast.AugAssign,)):
        if isinstance(node.target, ast.Subscript):
            t = node.target
            op = ast.unparse(ast.BinOp(ast.Name("a"), node.op, ast.Name("b")))[2:-2]
            new = f"{ast.unparse(t)} = {ast.unparse(t.value)}.get({ast.unparse(t.slice)}, 0) {op} " \
                  f"{ast.unparse(node.value)}"
            code = apply_edits(ctx.code, [node_edit(lines, node, new)])
            if code:
                out.append(Candidate(code, "template", f"line {node.lineno}: `{ast.unparse(node)}` → `{new}` "
                                     "(missing keys start at 0)", 0.85))
    out += _setdefault_fixes(ctx)
    for node in nodes_on(ctx, ctx.line, (ast.Subscript,)):
        if isinstance(node.ctx, ast.Load) and not isinstance(node.slice, ast.Slice):
            base, key = ast.unparse(node.value), ast.unparse(node.slice)
            for default, prior in (("", 0.6), (", 0", 0.5)):
                new = f"{base}.get({key}{default})"
                code = apply_edits(ctx.code, [node_edit(lines, node, new)])
                if code:
                    out.append(Candidate(code, "template", f"line {node.lineno}: `{ast.unparse(node)}` → `{new}` "
                                         "(key may be missing)", prior))
    return out


# Method called on a missing dict entry → the empty container that supports it.
_CONTAINER_FOR = {"append": "[]", "extend": "[]", "insert": "[]", "add": "set()", "update": "{}",
                  "setdefault": "{}"}


def _setdefault_fixes(ctx: FixContext) -> list[Candidate]:
    """`d[k].append(x)` on a missing key → `d.setdefault(k, []).append(x)`."""
    out = []
    for call in nodes_on(ctx, ctx.line, (ast.Call,)):
        func = call.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Subscript) \
                and func.attr in _CONTAINER_FOR and not isinstance(func.value.slice, ast.Slice):
            sub = func.value
            new = f"{ast.unparse(sub.value)}.setdefault({ast.unparse(sub.slice)}, {_CONTAINER_FOR[func.attr]})"
            code = apply_edits(ctx.code, [node_edit(ctx.lines, sub, new)])
            if code:
                out.append(Candidate(code, "template", f"line {sub.lineno}: `{ast.unparse(sub)}` → `{new}` (create "
                                     "the entry on first use)", 0.9))
    return out


def _recursive_functions(tree: ast.Module) -> list[ast.FunctionDef]:
    out = []
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef) and any(
                isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id == func.name
                for c in ast.walk(func)):
            out.append(func)
    return out


def _base_cases(func: ast.FunctionDef) -> list[tuple[str, str]]:
    """(condition, return value) pairs for the smallest input, derived from how parameters are used."""
    cases: list[tuple[str, str]] = []
    for arg in func.args.args:
        p = arg.arg
        numeric = sliced = False
        for node in ast.walk(func):
            if isinstance(node, ast.BinOp) and isinstance(node.left, ast.Name) and node.left.id == p \
                    and isinstance(node.op, ast.Sub | ast.FloorDiv | ast.Add):
                numeric = True
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == p:
                sliced = True
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len" \
                    and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == p:
                sliced = True
        if numeric:
            cases += [(f"{p} <= 1", p), (f"{p} <= 0", "0"), (f"{p} <= 1", "1"), (f"{p} == 0", "1"),
                      (f"{p} < 0", "0")]  # overshooting below zero (amount - coin) is a dead end
        if sliced:
            cases += [(f"not {p}", "0"), (f"not {p}", p), (f"len({p}) <= 1", p), (f"not {p}", "[]")]
    return cases


def base_cases(ctx: FixContext) -> list[Candidate]:
    """RecursionError: insert a base case at the top of each recursive function."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in _recursive_functions(ctx.tree):
        first = body_start(func)  # keep the docstring first
        pad = indent_of(ctx.lines[first.lineno - 1])
        for i, (cond, value) in enumerate(_base_cases(func)):
            code = insert_lines(ctx.code, first.lineno, [f"{pad}if {cond}:", f"{pad}    return {value}"])
            out.append(Candidate(code, "template", f"line {first.lineno}: added base case `if {cond}: return "
                                 f"{value}` to `{func.name}` so the recursion stops", 0.8 * 0.9 ** i))
    return out


def _cond_names(test: ast.expr) -> list[tuple[str, bool]]:
    """(name, must_grow) for names compared in a loop condition; must_grow is True for `name < bound`."""
    out = []
    for cmp in (n for n in ast.walk(test) if isinstance(n, ast.Compare)):
        left, op = cmp.left, cmp.ops[0]
        right = cmp.comparators[0]
        if isinstance(left, ast.Name):
            out.append((left.id, isinstance(op, ast.Lt | ast.LtE | ast.NotEq)))
        if isinstance(right, ast.Name):
            out.append((right.id, isinstance(op, ast.Gt | ast.GtE)))
    return out


def loop_progress(ctx: FixContext) -> list[Candidate]:
    """Hangs: add the missing update of a `while` loop variable, flip a wrong-direction update, or ±1 a
    `lo = mid` style assignment so the range shrinks."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    lines = ctx.lines
    for loop in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.While)):
        assigned = {}
        for node in ast.walk(loop):
            if isinstance(node, ast.AugAssign | ast.Assign):
                for t in ([node.target] if isinstance(node, ast.AugAssign) else node.targets):
                    if isinstance(t, ast.Name):
                        assigned.setdefault(t.id, []).append(node)
        for name, grow in _cond_names(loop.test):
            if name not in assigned:
                last = loop.body[-1]
                pad = indent_of(lines[last.lineno - 1])
                step = "+=" if grow else "-="
                at = (last.end_lineno or last.lineno) + 1
                code = insert_lines(ctx.code, at, [f"{pad}{name} {step} 1"])
                out.append(Candidate(code, "template", f"line {at}: added `{name} {step} 1` so the loop at line "
                                     f"{loop.lineno} makes progress", 0.85))
                continue
            for node in assigned[name]:
                if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add | ast.Sub):
                    new = copy.deepcopy(node)
                    new.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
                    code = apply_edits(ctx.code, [node_edit(lines, node, ast.unparse(new))])
                    out.append(Candidate(code or "", "template", f"line {node.lineno}: `{ast.unparse(node)}` → "
                                         f"`{ast.unparse(new)}` (update went the wrong way)", 0.6))
                elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
                    for op, sign in ((ast.Add(), "+"), (ast.Sub(), "-")):
                        value = ast.BinOp(copy.deepcopy(node.value), op, ast.Constant(1))
                        code = apply_edits(ctx.code, [node_edit(lines, node.value, ast.unparse(value))])
                        out.append(Candidate(code or "", "template", f"line {node.lineno}: `{name} = "
                                             f"{ast.unparse(node.value)}` → `... {sign} 1` so the range shrinks",
                                             0.7))
    return [c for c in out if c.code]


def iteration_copies(ctx: FixContext) -> list[Candidate]:
    """Mutating a list/dict/set while iterating it: iterate over a copy (`list(x)`)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    mutators = {"remove", "append", "pop", "insert", "clear", "extend", "update", "popitem", "setdefault", "add",
                "discard", "difference_update", "intersection_update", "symmetric_difference_update"}
    for loop in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.For)):
        it = loop.iter
        base = it.func.value if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) else it
        name = ast.unparse(base)
        mutated = any(
            (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in mutators
             and ast.unparse(n.func.value) == name)
            or (isinstance(n, ast.Delete) and any(isinstance(t, ast.Subscript) and ast.unparse(t.value) == name
                                                  for t in n.targets))
            or (isinstance(n, ast.Assign) and it is not base and any(  # `for k in d.keys(): d[k2] = ...`
                isinstance(t, ast.Subscript) and ast.unparse(t.value) == name for t in n.targets))
            for stmt in loop.body for n in ast.walk(stmt))
        if mutated:
            new = f"list({ast.unparse(it)})"
            code = apply_edits(ctx.code, [node_edit(ctx.lines, it, new)])
            if code:
                out.append(Candidate(code, "template", f"line {loop.lineno}: iterate over `{new}` (a copy) because "
                                     f"the loop body changes `{name}`", 0.75))
    return out


_COPY = {ast.List: "list", ast.Dict: "dict", ast.Set: "set"}
_EMPTY = {ast.List: "[]", ast.Dict: "{}", ast.Set: "set()"}


def mutable_defaults(ctx: FixContext) -> list[Candidate]:
    """`def f(x=[])` → `def f(x=None)` plus either `if x is None: x = []` or a fresh copy `x = list(x or [])` at
    the top of the body (the copy also stops the function from changing or aliasing the caller's object). One
    of the two is a ranking variant, chosen only when the tests reject the other: the guard, unless callers are
    meant to see the change (they pass the object by name, or the docstring says results are added to it)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.FunctionDef)):
        args = func.args.args[len(func.args.args) - len(func.args.defaults):]
        for arg, default in zip(args, func.args.defaults, strict=True):
            if isinstance(default, ast.List | ast.Dict | ast.Set):
                first = body_start(func)
                pad = indent_of(ctx.lines[first.lineno - 1])
                code = apply_edits(ctx.code, [node_edit(ctx.lines, default, "None")])
                if code is None:
                    continue
                fresh = insert_lines(code, first.lineno, [f"{pad}if {arg.arg} is None:",
                                                          f"{pad}    {arg.arg} = {ast.unparse(default)}"])
                passed = any(isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id == func.name
                             and any(k.arg == arg.arg for k in c.keywords) for c in ast.walk(ctx.tree))
                out.append(Candidate(fresh, "template", f"line {func.lineno}: default `{arg.arg}` → None, created "
                                     "fresh per call (a mutable default is shared between calls)", 0.58))
                kind = type(default)
                copied = insert_lines(code, first.lineno, [f"{pad}{arg.arg} = {_COPY[kind]}({arg.arg} or "
                                                           f"{_EMPTY[kind]})"])
                # The copy is the idiom (the function must not change or alias the caller's object) unless the
                # caller is meant to see the change: the module's own callers pass the object by name, or the
                # docstring says results are added to the one given.
                in_place = passed or bool(re.search(rf"(?i)(?:append|add|extend|updat|collect)\w* (?:to|into|in) "
                                                    rf"`?{arg.arg}`?", ast.get_docstring(func) or ""))
                # The idiom is also tried first: the search may stop at the first fix that passes.
                out[-1].variant, out[-1].prior = not in_place, 0.62 if in_place else 0.58
                out.append(Candidate(copied, "template", f"line {func.lineno}: default `{arg.arg}` → None and a "
                                     "fresh copy per call (the mutable default was shared between calls and the "
                                     "caller's object was changed in place)", 0.58 if in_place else 0.62,
                                     variant=in_place))
    return out
