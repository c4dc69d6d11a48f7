"""Repairs at call sites: keyword/positional argument mismatches, unhashable keys, text data fed to arithmetic,
`join()` of non-text items, methods called without `self.`.

`PROPOSERS` here also merges the tables of `lookup_fixes` (keys, indexes, accumulators, imports), `none_fixes`
(None values, results of in-place calls) and `syntax_fixes` (code that does not parse).
"""

from __future__ import annotations

import ast
import builtins
import difflib
import inspect
import re

from graphs.auto_fix import lookup_fixes, none_fixes, syntax_fixes
from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import apply_edits, enclosing_function, node_edit, statement_at
from graphs.auto_fix.propose_types import Proposer

_UNEXPECTED_KW = re.compile(r"(?P<func>[\w.]+)\(\) got an unexpected keyword argument '(?P<kw>\w+)'|"
                            r"'(?P<kw2>\w+)' is an invalid keyword argument for (?P<func2>[\w.]+)\(\)")
_MISSING = re.compile(r"(?P<func>[\w.]+)\(\) missing (?P<n>\d+) required positional arguments?")
_UNHASHABLE = re.compile(r"unhashable type: '(?P<type>list|dict|set|bytearray)'")
_STR_MIX = re.compile(r"operand type\(s\) for [^:]+: '(?:int|float|str)' and '(?:int|float|str)'|"
                      r"can only concatenate str \(not \"(?:int|float)\"\)|between instances of '(?:str|int|float)' "
                      r"and '(?:str|int|float)'|can't multiply sequence by non-int")
_NAME = re.compile(r"name '(?P<name>\w+)' is not defined")
_HASHED_AS = {"list": "tuple({})", "bytearray": "bytes({})", "set": "frozenset({})",
              "dict": "tuple(sorted({}.items()))"}
_COUNT_LIKE = re.compile(r"count|qty|quantity|num|\bn_|_id\b|\bid\b|year|age|port|size|page|limit|stock|units|"
                         r"votes|clicks|visits|rank|level|index|days|chars|width|height|retries|attempts",
                         re.IGNORECASE)



def _src(ctx: FixContext, node: ast.AST) -> str:
    return ast.get_source_segment(ctx.code, node) or ast.unparse(node)


def _calls_to(tree: ast.AST, name: str) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and (
        (isinstance(n.func, ast.Name) and n.func.id == name) or
        (isinstance(n.func, ast.Attribute) and n.func.attr == name))]


def _params_of(tree: ast.Module, name: str) -> list[str] | None:
    """Parameter names of a function (or a class's `__init__`) defined in the module, else of a builtin."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == name:
            init = next((f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
            node = init if init is not None else node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in (name, "__init__"):
            a = node.args
            return [p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs] if p.arg not in ("self", "cls")]
    for owner in (builtins, list, dict, str, set):
        target = getattr(owner, name, None)
        if callable(target):
            try:
                return list(inspect.signature(target).parameters)
            except (TypeError, ValueError):
                return None
    return None


def _call_text(ctx: FixContext, call: ast.Call, args: list[str], keywords: list[str]) -> str:
    return f"{_src(ctx, call.func)}({', '.join(args + keywords)})"


def _keyword_texts(ctx: FixContext, call: ast.Call, rename: dict[str, str | None]) -> list[str]:
    out = []
    for k in call.keywords:
        if k.arg in rename:
            if rename[k.arg] is not None:
                out.append(f"{rename[k.arg]}={_src(ctx, k.value)}")
        else:
            out.append(f"{k.arg}={_src(ctx, k.value)}" if k.arg else f"**{_src(ctx, k.value)}")
    return out


def unexpected_keywords(ctx: FixContext) -> list[Candidate]:
    """`f() got an unexpected keyword argument 'x'`: rename it to the closest real parameter, or drop it."""
    m = _UNEXPECTED_KW.search(ctx.message)
    if ctx.tree is None or not m:
        return []
    parts, kw = (m["func"] or m["func2"]).split("."), m["kw"] or m["kw2"]
    name = parts[-2] if parts[-1] == "__init__" and len(parts) > 1 else parts[-1]
    calls = [c for c in _calls_to(ctx.tree, name) if any(k.arg == kw for k in c.keywords)]
    if not calls:
        return []
    params = _params_of(ctx.tree, name)
    passed = {k.arg for c in calls for k in c.keywords if k.arg != kw}
    choices: list[tuple[str | None, float]] = []
    if params:
        close = difflib.get_close_matches(kw, [p for p in params if p not in passed], n=2, cutoff=0.5)
        choices += [(p, 0.9 * 0.9 ** i) for i, p in enumerate(close)]
    choices.append((None, 0.8))
    out = []
    for new, prior in choices:
        edits = [node_edit(ctx.lines, c, _call_text(ctx, c, [_src(ctx, a) for a in c.args],
                                                    _keyword_texts(ctx, c, {kw: new}))) for c in calls]
        code = apply_edits(ctx.code, edits)
        if code:
            what = f"renamed keyword `{kw}=` → `{new}=`" if new else f"dropped keyword `{kw}=`"
            out.append(Candidate(code, "template", f"calls to `{name}`: {what} (`{name}` has no parameter "
                                 f"`{kw}`)", prior))
    return out


def star_unpacks(ctx: FixContext) -> list[Candidate]:
    """`f() missing N required positional arguments` when a tuple is passed for its items: `f(*point)`."""
    m = _MISSING.search(ctx.message)
    if ctx.tree is None or not m:
        return []
    name = m["func"].split(".")[-2] if m["func"].endswith(".__init__") else m["func"].split(".")[-1]
    calls = [c for c in _calls_to(ctx.tree, name) if c.args and ctx.line in (c.lineno, None)] \
        or [c for c in _calls_to(ctx.tree, name) if c.args]
    out = []
    for call in calls[:2]:
        packed = [i for i, a in enumerate(call.args) if isinstance(a, ast.Name | ast.Attribute | ast.Subscript)]
        options = [packed] if len(packed) > 1 else []
        options += [[i] for i in packed[:3]]
        for n, chosen in enumerate(options):
            args = [("*" if i in chosen else "") + _src(ctx, a) for i, a in enumerate(call.args)]
            text = _call_text(ctx, call, args, _keyword_texts(ctx, call, {}))
            code = apply_edits(ctx.code, [node_edit(ctx.lines, call, text)])
            if code:
                out.append(Candidate(code, "template", f"line {call.lineno}: `{_src(ctx, call)}` → `{text}` (the "
                                     f"argument holds the values `{name}` expects one by one)", 0.85 * 0.9 ** n))
    return out


def _hashed_exprs(stmt: ast.AST) -> list[ast.expr]:
    """Expressions a statement hashes: `x in s`, `s.add(x)`, `d[x]`, dict/set literal keys, `hash(x)`."""
    out: list[ast.expr] = []
    for n in ast.walk(stmt):
        if isinstance(n, ast.Compare) and isinstance(n.ops[0], ast.In | ast.NotIn):
            out.append(n.left)
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.args and n.func.attr in (
                "add", "discard", "get", "setdefault", "pop", "fromkeys"):
            out.append(n.args[0])
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "hash" and n.args:
            out.append(n.args[0])
        elif isinstance(n, ast.Subscript) and not isinstance(n.slice, ast.Slice | ast.Constant):
            out.append(n.slice)
        elif isinstance(n, ast.Dict):
            out += [k for k in n.keys if k is not None and not isinstance(k, ast.Constant)]
        elif isinstance(n, ast.Set):
            out += [e for e in n.elts if not isinstance(e, ast.Constant)]
    return out


def unhashable_keys(ctx: FixContext) -> list[Candidate]:
    """`unhashable type: 'list'`: make the key hashable where it is built (tuple()/frozenset()), or at every site
    that hashes it."""
    m = _UNHASHABLE.search(ctx.message)
    if ctx.tree is None or ctx.line is None or not m:
        return []
    stmt = statement_at(ctx.tree, ctx.line)
    func = enclosing_function(ctx.tree, ctx.line)
    if stmt is None:
        return []
    wrap = _HASHED_AS[m["type"]]
    out: list[Candidate] = []
    for call in (n for n in ast.walk(stmt) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                 and n.func.id in ("set", "frozenset", "Counter") and len(n.args) == 1):
        new = f"map(lambda v: {wrap.format('v')}, {_src(ctx, call.args[0])})"
        code = apply_edits(ctx.code, [node_edit(ctx.lines, call.args[0], new)])
        if code:
            out.append(Candidate(code, "template", f"line {call.lineno}: items made hashable before "
                                 f"`{call.func.id}()` (`{m['type']}` cannot be a set member or key)", 0.85))
    scope = func or ctx.tree
    for key in _hashed_exprs(stmt)[:2]:
        text = _src(ctx, key)
        builds = [n for n in ast.walk(scope) if isinstance(n, ast.Assign) and isinstance(key, ast.Name)
                  and any(isinstance(t, ast.Name) and t.id == key.id for t in n.targets)]
        targets: list[list[ast.expr]] = []
        if len(builds) == 1 and isinstance(builds[0].value, ast.Tuple):
            targets = [[e] for e in builds[0].value.elts if not isinstance(e, ast.Constant | ast.JoinedStr | ast.BinOp)
                       and not (isinstance(e, ast.Call) and isinstance(e.func, ast.Attribute))][:3]
        elif len(builds) == 1:
            targets = [[builds[0].value]]
        else:
            targets = [[s for h in (_hashed_exprs(st) for st in ast.walk(scope) if isinstance(st, ast.stmt))
                        for s in h if _src(ctx, s) == text]]
        for i, group in enumerate(targets):
            edits = [node_edit(ctx.lines, e, wrap.format(_src(ctx, e))) for e in {id(e): e for e in group}.values()]
            code = apply_edits(ctx.code, edits) if edits else None
            if code:
                out.append(Candidate(code, "template", f"`{_src(ctx, group[0])}` → `{wrap.format(_src(ctx, group[0]))}`"
                                     f" so `{text}` is hashable (a `{m['type']}` cannot be a set member or dict key)",
                                     0.88 * 0.9 ** i))
    return out


def _read_sites(ctx: FixContext, stmt: ast.stmt, scope: ast.AST) -> list[ast.expr]:
    """Where text data enters the failing statement: `row["x"]`, `.get(...)`, `input()`, or the value assigned to
    a name the statement uses; items of `.split()` iterated in a comprehension."""
    sites: list[ast.expr] = []
    used = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    for n in ast.walk(stmt):
        if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load) and not isinstance(n.slice, ast.Slice) \
                and not (isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, int)):
            sites.append(n)
        elif isinstance(n, ast.Call) and (isinstance(n.func, ast.Attribute) and n.func.attr == "get"
                                          or isinstance(n.func, ast.Name) and n.func.id == "input"):
            sites.append(n)
        elif isinstance(n, ast.GeneratorExp | ast.ListComp) and isinstance(n.elt, ast.Name):
            gen = n.generators[0]
            if isinstance(gen.iter, ast.Call) and isinstance(gen.iter.func, ast.Attribute) \
                    and gen.iter.func.attr in ("split", "splitlines", "findall", "values"):
                sites.append(n.elt)
    for a in ast.walk(scope):
        if isinstance(a, ast.Assign) and a.lineno < stmt.lineno and len(a.targets) == 1 \
                and isinstance(a.targets[0], ast.Name) and a.targets[0].id in used \
                and (isinstance(a.value, ast.Subscript) or isinstance(a.value, ast.Call) and _src(
                    ctx, a.value.func).rsplit(".", 1)[-1] in ("get", "input", "strip", "readline", "group")):
            sites.append(a.value)
        elif isinstance(a, ast.Assign) and a.lineno < stmt.lineno and len(a.targets) == 1 \
                and isinstance(a.targets[0], ast.Name) and a.targets[0].id in used \
                and isinstance(a.value, ast.ListComp | ast.GeneratorExp) \
                and isinstance(a.value.elt, ast.Subscript | ast.Call):  # `values = [r[q] for r in rows]`
            sites.append(a.value.elt)
    inner = {id(sub) for s in sites for sub in ast.walk(s) if sub is not s}
    wrapped = {id(c.args[0]) for c in ast.walk(scope) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
               and c.func.id in ("int", "float", "str", "len", "Decimal") and c.args}
    return [s for s in sites if id(s) not in inner and id(s) not in wrapped][:3]


def text_numbers(ctx: FixContext) -> list[Candidate]:
    """Text (CSV/JSON/form fields) used in arithmetic: convert where the value is read, also inside generators."""
    if ctx.tree is None or ctx.line is None or not _STR_MIX.search(ctx.message):
        return []
    stmt = statement_at(ctx.tree, ctx.line)
    if stmt is None:
        return []
    sites = _read_sites(ctx, stmt, enclosing_function(ctx.tree, ctx.line) or ctx.tree)
    out: list[Candidate] = []

    scope = enclosing_function(ctx.tree, ctx.line) or ctx.tree
    # Values that end up in slices, range() or indexes must be ints.
    int_uses = {n.id for node in ast.walk(scope) for n in ast.walk(node) if isinstance(n, ast.Name) and (
        isinstance(node, ast.Slice) or isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        and node.func.id == "range")}

    def convs(site: ast.expr) -> list[str]:
        names = {t.id for a in ast.walk(scope) if isinstance(a, ast.Assign) and a.value is site
                 for t in a.targets if isinstance(t, ast.Name)}
        hint = re.sub(r"\W", "_", _src(ctx, site) + " " + " ".join(names))
        return ["int", "float"] if names & int_uses or _COUNT_LIKE.search(hint) else ["float", "int"]

    if len(sites) > 1:
        edits = [node_edit(ctx.lines, s, f"{convs(s)[0]}({_src(ctx, s)})") for s in sites]
        code = apply_edits(ctx.code, edits)
        if code:
            out.append(Candidate(code, "template", "converted the text values " + ", ".join(
                f"`{_src(ctx, s)}`" for s in sites) + " to numbers where they are read", 0.86))
    for i, site in enumerate(sites):
        for j, conv in enumerate(convs(site)):
            code = apply_edits(ctx.code, [node_edit(ctx.lines, site, f"{conv}({_src(ctx, site)})")])
            if code:
                out.append(Candidate(code, "template", f"line {site.lineno}: `{_src(ctx, site)}` is text; converted "
                                     f"it with `{conv}()` where it is read ({ctx.message})", 0.85 * 0.9 ** i - 0.05 * j))
    return out


def joined_texts(ctx: FixContext) -> list[Candidate]:
    """`sequence item 0: expected str instance, int found`: `sep.join(items)` → `sep.join(map(str, items))`."""
    if ctx.tree is None or ctx.line is None or "expected str instance" not in ctx.message:
        return []
    out = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and n.lineno == ctx.line
                 and isinstance(n.func, ast.Attribute) and n.func.attr == "join" and len(n.args) == 1):
        new = f"map(str, {_src(ctx, call.args[0])})"
        code = apply_edits(ctx.code, [node_edit(ctx.lines, call.args[0], new)])
        if code:
            out.append(Candidate(code, "template", f"line {call.lineno}: join `{new}` (join() accepts only text "
                                 "items)", 0.88))
    return out


def self_methods(ctx: FixContext) -> list[Candidate]:
    """`name 'helper' is not defined` inside a class that has `helper`: call it as `self.helper`."""
    m = _NAME.search(ctx.message)
    if ctx.tree is None or ctx.line is None or not m:
        return []
    name = m["name"]
    for cls in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.ClassDef)
                and n.lineno <= ctx.line <= (n.end_lineno or n.lineno)):
        members = {f.name for f in cls.body if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)}
        members |= {t.id for a in cls.body if isinstance(a, ast.Assign | ast.AnnAssign)
                    for t in (a.targets if isinstance(a, ast.Assign) else [a.target]) if isinstance(t, ast.Name)}
        members |= {n.attr for n in ast.walk(cls) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store)
                    and isinstance(n.value, ast.Name) and n.value.id == "self"}
        if name not in members:
            continue
        edits = []
        for method in (f for f in cls.body if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)):
            static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in method.decorator_list)
            owner = cls.name if static or not method.args.args else method.args.args[0].arg
            local = {a.arg for a in ast.walk(method.args) if isinstance(a, ast.arg)} | {
                n.id for n in ast.walk(method) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            if name not in local:
                edits += [node_edit(ctx.lines, n, f"{owner}.{name}") for n in ast.walk(method)
                          if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
        code = apply_edits(ctx.code, edits) if edits else None
        if code:
            return [Candidate(code, "template", f"`{name}` is a member of class `{cls.name}`: accessed it as "
                              f"`self.{name}`", 0.92)]
    return []


_CALL_PROPOSERS: dict[str, list[Proposer]] = {
    "type_error": [unexpected_keywords, star_unpacks, unhashable_keys, none_fixes.in_place_results, text_numbers,
                   joined_texts],
    "other_exception": [unexpected_keywords, star_unpacks],
    "name_error": [self_methods],
    "none_attribute": [none_fixes.in_place_results],
    "wrong_output": [none_fixes.in_place_results],
}


def _merged(*tables: dict[str, list[Proposer]]) -> dict[str, list[Proposer]]:
    out: dict[str, list[Proposer]] = {}
    for table in tables:
        for cls, proposers in table.items():
            out[cls] = out.get(cls, []) + [p for p in proposers if p not in out.get(cls, [])]
    return out


PROPOSERS: dict[str, list[Proposer]] = _merged(_CALL_PROPOSERS, lookup_fixes.PROPOSERS, none_fixes.PROPOSERS,
                                               syntax_fixes.PROPOSERS)
