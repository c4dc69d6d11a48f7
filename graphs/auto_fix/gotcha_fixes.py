"""Repairs of classic Python gotchas: late-binding closures, shadowed builtins, positional arguments that must be
keywords, and printf-style `%` formatting. Property recursion, one-shot iterators and datetime pitfalls live in
`gotcha_fixes_more`; `PROPOSERS` registers both modules.

Each template fires only on a code shape that is wrong wherever it appears (or on the error text that names it),
so the priors are high.
"""

from __future__ import annotations

import ast
import builtins
import re

from graphs.auto_fix import gotcha_fixes_more as more
from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import Edit, apply_edits, node_edit
from graphs.auto_fix.propose_types import Proposer

_FuncDef = ast.FunctionDef | ast.AsyncFunctionDef
# Calls that use a function argument immediately (inside the same iteration), so late binding can't bite.
_IMMEDIATE = frozenset({"sorted", "sort", "min", "max", "map", "filter", "any", "all", "sum", "reduce", "groupby",
                        "nlargest", "nsmallest"})


def _loop_bound(loop: ast.For | ast.While | ast.comprehension | ast.AsyncFor) -> set[str]:
    """Names rebound on every iteration: the loop targets and names assigned directly in the body."""
    names = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)} if not isinstance(loop, ast.While) \
        else set()
    if isinstance(loop, ast.comprehension):
        return names
    stack: list[ast.AST] = list(loop.body)
    while stack:
        node = stack.pop()
        if isinstance(node, _FuncDef | ast.Lambda | ast.ClassDef):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        stack.extend(ast.iter_child_nodes(node))
    return names


def _params(args: ast.arguments) -> set[str]:
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    return {a.arg for a in every if a is not None}


def _free_reads(fn: ast.Lambda | _FuncDef) -> list[str]:
    own = _params(fn.args)
    body = [fn.body] if isinstance(fn, ast.Lambda) else fn.body
    stored = set() if isinstance(fn, ast.Lambda) else {
        n.id for b in body for n in ast.walk(b) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    seen: list[str] = []
    for b in body:
        for n in ast.walk(b):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in own | stored \
                    and n.id not in seen:
                seen.append(n.id)
    return seen


def _immediate_lambdas(tree: ast.AST) -> set[int]:
    out = set()
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
        if name in _IMMEDIATE:
            out |= {id(a) for a in [*call.args, *(k.value for k in call.keywords)] if isinstance(a, ast.Lambda)}
    return out


def _with_defaults(args: ast.arguments, names: list[str]) -> str:
    new = ast.arguments(posonlyargs=list(args.posonlyargs), args=list(args.args), vararg=args.vararg,
                        kwonlyargs=list(args.kwonlyargs), kw_defaults=list(args.kw_defaults), kwarg=args.kwarg,
                        defaults=list(args.defaults))
    for name in names:
        if args.vararg is not None or (args.args and len(args.defaults) == 0 and args.kwonlyargs):
            new.kwonlyargs.append(ast.arg(arg=name))
            new.kw_defaults.append(ast.Name(id=name, ctx=ast.Load()))
        else:
            new.args.append(ast.arg(arg=name))
            new.defaults.append(ast.Name(id=name, ctx=ast.Load()))
    return ast.unparse(new)


def _def_args_edit(lines: list[str], fn: _FuncDef, text: str) -> Edit | None:
    """An Edit replacing the text between a def's parentheses (found by bracket depth from `def name(`)."""
    row, col = fn.lineno - 1, lines[fn.lineno - 1].find("(", lines[fn.lineno - 1].find(f"def {fn.name}"))
    if col < 0:
        return None
    depth, r, c = 0, row, col
    while r < len(lines):
        while c < len(lines[r]):
            ch = lines[r][c]
            depth += ch in "([{"
            depth -= ch in ")]}"
            if depth == 0:
                return Edit(row + 1, col + 1, r + 1, c, text)
            c += 1
        r, c = r + 1, 0
    return None


def _closure_edit(ctx: FixContext, fn: ast.Lambda | _FuncDef, names: list[str]) -> Edit | None:
    args = _with_defaults(fn.args, names)
    if isinstance(fn, ast.Lambda):
        return node_edit(ctx.lines, fn, f"lambda {args}: {ast.unparse(fn.body)}")
    return _def_args_edit(ctx.lines, fn, args)


def _escapes(fn: ast.Lambda | _FuncDef, loop: ast.AST, immediate: set[int]) -> bool:
    if isinstance(fn, ast.Lambda):
        return id(fn) not in immediate
    # A nested def that is only called inside the loop reads the current value: it escapes when referenced.
    return any(isinstance(n, ast.Name) and n.id == fn.name and isinstance(n.ctx, ast.Load)
               and not any(isinstance(c, ast.Call) and c.func is n for c in ast.walk(loop)) for n in ast.walk(loop))


def late_binding_closures(ctx: FixContext) -> list[Candidate]:
    """A lambda or nested def created in a loop that reads the loop variable sees only its last value when called
    later: bind the names as defaults (`lambda r, field=field: ...`)."""
    if ctx.tree is None:
        return []
    immediate = _immediate_lambdas(ctx.tree)
    found: dict[int, tuple[ast.Lambda | _FuncDef, list[str]]] = {}
    loops: list[tuple[ast.AST, ast.AST]] = [(n, n) for n in ast.walk(ctx.tree) if isinstance(n, ast.For | ast.While)]
    loops += [(g, c) for g in ast.walk(ctx.tree) if isinstance(g, ast.ListComp | ast.DictComp | ast.SetComp |
                                                                 ast.GeneratorExp) for c in g.generators]
    for owner, loop in loops:
        bound = _loop_bound(loop)
        scope = [loop.body] if isinstance(loop, ast.For | ast.While) else [owner]
        for fn in (n for part in scope for b in (part if isinstance(part, list) else [part]) for n in ast.walk(b)
                   if isinstance(n, ast.Lambda | ast.FunctionDef)):
            late = [name for name in _free_reads(fn) if name in bound and name not in _params(fn.args)]
            if late and _escapes(fn, owner, immediate):
                prev = found.get(id(fn), (fn, []))[1]
                found[id(fn)] = (fn, prev + [n for n in late if n not in prev])
    edits = [(fn, names, e) for fn, names in found.values() if (e := _closure_edit(ctx, fn, names)) is not None]
    out: list[Candidate] = []
    if len(edits) > 1:
        code = apply_edits(ctx.code, [e for _, _, e in edits])
        if code:
            out.append(Candidate(code, "template", "closures created in loops read the loop variables late (they "
                                 "all see the last value): bound them as default arguments in "
                                 f"{len(edits)} places", 0.9))
    for fn, names, edit in edits[:3]:
        code = apply_edits(ctx.code, [edit])
        what = "lambda" if isinstance(fn, ast.Lambda) else f"`{fn.name}`"
        binds = ", ".join(f"{n}={n}" for n in names)
        if code:
            out.append(Candidate(code, "template", f"line {fn.lineno}: the {what} created in a loop reads "
                                 f"{', '.join(names)} when called, after the loop moved on: bind `{binds}` as "
                                 "defaults", 0.88 if len(edits) == 1 else 0.8))
    return out[:4]


_NOT_CALLABLE = re.compile(r"'(\w+)' object is not callable")
_UNBOUND = re.compile(r"local variable '(\w+)'")
_NAMES = {"sum": "total", "max": "max_value", "min": "min_value", "list": "items", "dict": "mapping",
          "str": "text", "len": "length", "id": "item_id", "type": "kind", "input": "user_input", "format": "fmt",
          "filter": "filter_value", "map": "mapping", "range": "span", "set": "item_set", "tuple": "pair",
          "iter": "iterator", "next": "next_item", "hash": "digest", "round": "rounded", "sorted": "ordered",
          "open": "is_open", "all": "all_items", "any": "any_item", "vars": "variables", "bytes": "data",
          "object": "obj", "file": "file_obj", "abs": "absolute", "pow": "power", "zip": "zipped"}


def _scope_of(tree: ast.Module, name: str, call: ast.Call) -> ast.AST | None:
    """The innermost function around `call` that binds `name` (or the module when it binds it at top level)."""
    funcs = [f for f in ast.walk(tree) if isinstance(f, _FuncDef) and any(n is call for n in ast.walk(f))]
    for func in sorted(funcs, key=lambda f: -f.lineno):
        if name in _params(func.args) or any(isinstance(n, ast.Name) and n.id == name and isinstance(
                n.ctx, ast.Store) for n in ast.walk(func)):
            return func
    top = any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
              for stmt in tree.body if not isinstance(stmt, _FuncDef | ast.ClassDef) for n in ast.walk(stmt))
    return tree if top else None


def _fresh(tree: ast.Module, name: str) -> str:
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
        a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
    for cand in (_NAMES.get(name, f"{name}_value"), f"{name}_value", f"my_{name}"):
        if cand not in used and not hasattr(builtins, cand):
            return cand
    return f"{name}_"


def _rename(ctx: FixContext, scope: ast.AST, name: str, new: str) -> str | None:
    calls = {id(c.func) for c in ast.walk(scope) if isinstance(c, ast.Call)}
    edits = [node_edit(ctx.lines, n, new) for n in ast.walk(scope)
             if isinstance(n, ast.Name) and n.id == name and id(n) not in calls]
    if isinstance(scope, _FuncDef):
        edits += [node_edit(ctx.lines, a, new if a.annotation is None else f"{new}: {ast.unparse(a.annotation)}")
                  for a in ast.walk(scope.args) if isinstance(a, ast.arg) and a.arg == name]
    return apply_edits(ctx.code, edits) if edits else None


def shadowed_builtins(ctx: FixContext) -> list[Candidate]:
    """`sum = 0 ... sum(xs)` raises "'int' object is not callable" (or UnboundLocalError when the builtin is used
    before the assignment): rename the variable so the name means the builtin again."""
    if ctx.tree is None:
        return []
    named = _UNBOUND.search(ctx.message)
    if not (_NOT_CALLABLE.search(ctx.message) or named):
        return []
    out: list[Candidate] = []
    done: set[tuple[int, str]] = set()
    calls = [c for c in ast.walk(ctx.tree) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
             and callable(getattr(builtins, c.func.id, None)) and (not named or c.func.id == named.group(1))]
    calls.sort(key=lambda c: (c.lineno != ctx.line, c.lineno))
    for call in calls:
        name = call.func.id  # type: ignore[attr-defined]
        scope = _scope_of(ctx.tree, name, call)
        if scope is None or (id(scope), name) in done:
            continue
        done.add((id(scope), name))
        new = _fresh(ctx.tree, name)
        code = _rename(ctx, scope, name, new)
        where = f"`{scope.name}`" if isinstance(scope, _FuncDef) else "the module"
        if code:
            out.append(Candidate(code, "template", f"line {call.lineno}: {where} rebinds the builtin `{name}`, so "
                                 f"`{name}(...)` calls the variable: renamed the variable to `{new}`",
                                 0.92 if call.lineno == ctx.line else 0.85))
    return out[:4]


_CALLABLE_BUILTINS = frozenset({"len", "abs", "str", "int", "float", "repr", "sum", "min", "max", "id", "hash"})


def _callable_like(tree: ast.Module, arg: ast.expr) -> bool:
    if isinstance(arg, ast.Lambda):
        return True
    if isinstance(arg, ast.Name):
        return arg.id in _CALLABLE_BUILTINS or any(isinstance(f, _FuncDef) and f.name == arg.id
                                                   for f in ast.walk(tree))
    if isinstance(arg, ast.Call):  # itemgetter(...), attrgetter(...), cmp_to_key(...), partial(...)
        name = arg.func.id if isinstance(arg.func, ast.Name) else getattr(arg.func, "attr", "")
        return name in {"itemgetter", "attrgetter", "methodcaller", "cmp_to_key", "partial"}
    return isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name) and arg.value.id in {
        "str", "operator", "len", "float", "int"}


def _flag(arg: ast.expr) -> bool:
    parts = [n for n in ast.walk(arg) if isinstance(n, ast.Attribute)]
    return bool(parts) and all(isinstance(p.value, ast.Name) and p.value.id == "re" and p.attr.isupper()
                               for p in parts) or isinstance(arg, ast.Name) and arg.id in {
        "IGNORECASE", "MULTILINE", "DOTALL", "VERBOSE", "I", "M", "S", "X", "ASCII", "A"}


def _const(kind: type) -> object:
    return lambda tree, arg: isinstance(arg, ast.Constant) and type(arg.value) is kind


def _any(tree: ast.Module, arg: ast.expr) -> bool:
    return True


# (callee, receiver or "" for a bare name / "*" for any method receiver, positional index, test, keyword): a
# positional argument at that index must be passed by keyword. Data, not code, so new APIs are one line each.
KEYWORD_ARGS: tuple[tuple[str, str, int, object, str], ...] = (
    ("sorted", "", 1, _callable_like, "key"), ("sorted", "", 1, _const(bool), "reverse"),
    ("sorted", "", 2, _any, "reverse"),
    ("sort", "*", 0, _callable_like, "key"), ("sort", "*", 0, _const(bool), "reverse"),
    ("sort", "*", 1, _any, "reverse"),
    ("min", "", 1, _callable_like, "key"), ("max", "", 1, _callable_like, "key"),
    ("dumps", "json", 1, _const(int), "indent"), ("dumps", "json", 1, _const(bool), "sort_keys"),
    ("dumps", "json", 1, _callable_like, "default"), ("dump", "json", 2, _const(int), "indent"),
    ("dump", "json", 2, _callable_like, "default"), ("loads", "json", 1, _callable_like, "object_hook"),
    ("sub", "re", 3, lambda t, a: _flag(a), "flags"), ("subn", "re", 3, lambda t, a: _flag(a), "flags"),
    ("split", "re", 2, lambda t, a: _flag(a), "flags"),
    ("open", "", 2, _const(str), "encoding"),
    ("field", "", 0, _callable_like, "default_factory"), ("field", "dataclasses", 0, _callable_like,
                                                          "default_factory"),
    ("field", "", 0, _any, "default"), ("field", "dataclasses", 0, _any, "default"),
)


def _call_name(call: ast.Call) -> tuple[str, str | None]:
    f = call.func
    if isinstance(f, ast.Name):
        return f.id, ""
    if isinstance(f, ast.Attribute):
        return f.attr, f.value.id if isinstance(f.value, ast.Name) else None
    return "", None


def _rule_for(tree: ast.Module, call: ast.Call) -> tuple[int, str] | None:
    name, receiver = _call_name(call)
    for callee, recv, index, test, keyword in KEYWORD_ARGS:
        if callee != name or (recv != "*" and recv != receiver) or (recv == "*" and receiver == ""):
            continue
        if index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args) \
                and test(tree, call.args[index]) and keyword not in {k.arg for k in call.keywords}:
            return index, keyword
    return None


def keyword_arguments(ctx: FixContext) -> list[Candidate]:
    """A positional argument where the API takes a keyword: `sorted(xs, lambda r: ...)` → `key=`,
    `re.sub(p, r, s, re.I)` (silently a count) → `flags=`, `json.dumps(obj, 2)` → `indent=`,
    `open(path, "r", "utf-8")` → `encoding=` and the like (the table `KEYWORD_ARGS`)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    calls = sorted((c for c in ast.walk(ctx.tree) if isinstance(c, ast.Call)),
                   key=lambda c: (c.lineno != ctx.line, c.lineno not in ctx.suspicious, c.lineno))
    for call in calls:
        rule = _rule_for(ctx.tree, call)
        if rule is None:
            continue
        index, keyword = rule
        arg = call.args[index]
        later = [ast.unparse(a) for a in call.args[index + 1:]]
        extra = ", ".join(later)
        if later and len(later) == 1 and keyword == "key" and isinstance(call.args[-1], ast.Constant) \
                and isinstance(call.args[-1].value, bool):
            extra = f"reverse={later[0]}"
        elif later:
            continue  # more than one misplaced argument: not a shape this table knows
        head = ", ".join(ast.unparse(a) for a in call.args[:index])
        kws = [f"{keyword}={ast.unparse(arg)}"] + ([extra] if extra else []) + [ast.unparse(k) for k in call.keywords]
        text = f"{ast.unparse(call.func)}({', '.join(p for p in [head, *kws] if p)})"
        code = apply_edits(ctx.code, [node_edit(ctx.lines, call, text)])
        if code:
            out.append(Candidate(code, "template", f"line {call.lineno}: `{_call_name(call)[0]}` takes "
                                 f"`{keyword}` as a keyword argument; passing it by position "
                                 f"{'is silently wrong' if keyword == 'flags' else 'fails'}: → `{text}`", 0.9))
    return out[:4]


def _merged() -> dict[str, list[Proposer]]:
    table: dict[str, list[Proposer]] = {
        **{cls: [late_binding_closures] for cls in ("wrong_output", "assertion_error", "unknown", "other_exception",
                                                    "key_error", "index_error")},
        "type_error": [late_binding_closures, shadowed_builtins],
        "name_error": [shadowed_builtins],
        "*": [keyword_arguments],
    }
    for cls, props in more.PROPOSERS.items():
        table[cls] = table.get(cls, []) + [p for p in props if p not in table.get(cls, [])]
    return table


PROPOSERS: dict[str, list[Proposer]] = _merged()
