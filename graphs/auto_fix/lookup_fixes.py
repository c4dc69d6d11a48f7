"""Repairs of failing lookups: key defaults taken from the code, cyclic/sliced indexing, accumulators used before
assignment, imports of names a module does not have. Merged into `call_fixes.PROPOSERS`.

None values live in `none_fixes`, syntax repairs in `syntax_fixes`."""

from __future__ import annotations

import ast
import difflib
import re

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import (
    apply_edits,
    body_start,
    docstring_of,
    enclosing_function,
    indent_of,
    insert_lines,
    last_assignment,
    node_edit,
    nodes_on_line,
    stdlib_module,
)
from graphs.auto_fix.none_fixes import LIST_METHODS
from graphs.auto_fix.propose_types import Proposer

_CANNOT_IMPORT = re.compile(r"cannot import name '(?P<name>\w+)' from '(?P<module>[\w.]+)'")
_UNBOUND = re.compile(r"local variable '(?P<name>\w+)' (?:where it is not associated|referenced before)")
_HOMES = ("collections.abc", "typing", "os.path", "itertools", "functools", "collections", "dataclasses",
          "contextlib", "datetime", "math", "operator", "statistics", "shutil", "string", "os")  # where a misplaced stdlib name usually lives
_CATCH_ALL_KEYS = ("default", "other", "unknown", "*", "", None)
_ONE_BASED = re.compile(r"1-based|start(?:s|ing)? (?:at|from) 1|first \w+ is 1|numbered from 1", re.IGNORECASE)
_CYCLIC = re.compile(r"cycl|rotat|wrap|round.robin|repeat|ring|circular|turn|shift|week|day", re.IGNORECASE)


def _src(ctx: FixContext, node: ast.AST) -> str:
    return ast.get_source_segment(ctx.code, node) or ast.unparse(node)


# --- KeyError / IndexError ------------------------------------------------------------------------------------

def _table_keys(ctx: FixContext, func: ast.AST | None, sub: ast.Subscript) -> list[tuple[str, str, float, str]]:
    """`tier = member["tier"]` then `PRICES[tier]`: the default is one of the table's keys, the one whose entry the
    tests expect first."""
    from graphs.auto_fix.unbound_fixes import expected_literals

    scope = func or ctx.tree
    # `tier = member["tier"]`, also through a chain (`member["tier"].strip().lower()`).
    target = next((a.targets[0].id for a in ast.walk(scope) if isinstance(a, ast.Assign)
                   and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
                   and any(n is sub for n in ast.walk(a.value))), None)
    tables = {a.targets[0].id: a.value for a in ctx.tree.body if isinstance(a, ast.Assign) and len(a.targets) == 1
              and isinstance(a.targets[0], ast.Name) and isinstance(a.value, ast.Dict)}
    if target is None:
        return []
    expected = expected_literals(ctx.hints)
    out: list[tuple[str, str, float, str]] = []
    for use in ast.walk(scope):
        if not (isinstance(use, ast.Subscript) and isinstance(use.slice, ast.Name) and use.slice.id == target
                and isinstance(use.value, ast.Name) and use.value.id in tables):
            continue
        table = tables[use.value.id]
        entries = [(k.value, v.value) for k, v in zip(table.keys, table.values, strict=True)
                   if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)]
        entries.sort(key=lambda kv: kv[1] not in expected)
        out += [(repr(k), f"the `{use.value.id}` entry {'the tests expect' if v in expected else 'listed first'}",
                 0.86 if v in expected else 0.6, "") for k, v in entries[:2]]
        break
    return out


def _key_defaults(ctx: FixContext, func: ast.AST | None, sub: ast.Subscript) -> list[tuple[str, str, float, str]]:
    """(default, why, prior, mapping) for a failing `d[k]`; `mapping` is set when the default is `mapping[k]`."""
    base, key = _src(ctx, sub.value), _src(ctx, sub.slice)
    doc = docstring_of(func) + " ".join(ctx.lines[(func.lineno if func else 1) - 1: ctx.line])
    out: list[tuple[str, str, float, str]] = []
    built = last_assignment(func or ctx.tree, base, ctx.line) if isinstance(sub.value, ast.Name) else None
    gets = [c for c in ast.walk(func or ctx.tree) if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
            and c.func.attr == "get" and len(c.args) == 2 and not isinstance(c.args[1], ast.Constant)]
    fallbacks = [c.args[1] for c in gets]
    if built is not None and built.value in gets:
        fallbacks.insert(0, gets[gets.index(built.value)].args[1])  # `table = X.get(k, fallback)` then `table[key]`
    fallbacks = list(dict.fromkeys(fallbacks))
    # A literal fallback (`.get("devDependencies", {})`) is a default value to copy, not a mapping to look in.
    literals = [fb for fb in fallbacks if isinstance(fb, ast.Dict | ast.List | ast.Tuple | ast.Set)
                and not any(isinstance(n, ast.Name | ast.Call) for n in ast.walk(fb))]
    out += [(_src(ctx, fb), f"defaults to `{_src(ctx, fb)}` like the lookup beside it", 0.88, "")
            for fb in literals[:1]]
    out += [(f"{_src(ctx, fb)}[{key}]", f"falls back to `{_src(ctx, fb)}` like the lookup above", 0.88,
             _src(ctx, fb)) for fb in [f for f in fallbacks if f not in literals][:2]]
    out += _table_keys(ctx, func, sub)
    const_key = sub.slice.value if isinstance(sub.slice, ast.Constant) else ...
    for assign in (a for a in ctx.tree.body if isinstance(a, ast.Assign) and isinstance(a.value, ast.Dict)):
        name = ast.unparse(assign.targets[0])
        keys = [k.value for k in assign.value.keys if isinstance(k, ast.Constant)]
        if name != base and const_key in keys:  # a module-level table of defaults for the same key
            out.append((f"{name}[{key}]", f"falls back to `{name}`", 0.86 if name in doc else 0.72, name))
    literal = last_assignment(ctx.tree, base, 10 ** 9) if isinstance(sub.value, ast.Name) else None
    if literal is not None and isinstance(literal.value, ast.Dict):
        entries = [(k.value if isinstance(k, ast.Constant) else ..., v) for k, v in
                   zip(literal.value.keys, literal.value.values, strict=True)]
        out += [(f"{base}[{k!r}]", "uses the mapping's catch-all entry", 0.88, "") for k, _ in entries
                if k in _CATCH_ALL_KEYS]
        values = list(dict.fromkeys(_src(ctx, v) for _, v in entries if isinstance(v, ast.Constant)))
        last = values[-1] if values else None
        values.sort(key=lambda v: (v.strip("'\"") not in doc, v != last))
        out += [(v, "a value of the mapping for keys it does not list", 0.7 * 0.9 ** i, "")
                for i, v in enumerate(values[:3])]
    return out[:4]


def fallback_gets(ctx: FixContext) -> list[Candidate]:
    """`d[k]` KeyError → `d.get(k, default)` with a default the code already names: the fallback mapping of a
    `.get(_, fallback)` or a module table of defaults indexed with the same key, a catch-all entry or a value of
    the literal dict. Lookups of the same mapping on the line fall back together."""
    if ctx.tree is None or ctx.line is None:
        return []
    func = enclosing_function(ctx.tree, ctx.line)
    subs = [s for s in nodes_on_line(ctx.tree, ctx.line, (ast.Subscript,)) if isinstance(s.ctx, ast.Load)
            and not isinstance(s.slice, ast.Slice)]
    out: list[Candidate] = []
    shared: dict[tuple[str, str], list] = {}
    for sub in subs:
        for default, why, prior, mapping in _key_defaults(ctx, func, sub):
            if " entry " in why:  # a table key: a blank or None value (`"priority": None`) means the default too
                text = f"({_src(ctx, sub.value)}.get({_src(ctx, sub.slice)}) or {default})"
                out += [Candidate(c, "template", f"line {sub.lineno}: `{_src(ctx, sub)}` → `{text}` (missing or "
                                  f"empty key: {why})", prior + 0.01)
                        for c in [apply_edits(ctx.code, [node_edit(ctx.lines, sub, text)])] if c]
            new = f"{_src(ctx, sub.value)}.get({_src(ctx, sub.slice)}, {default})"
            if mapping:
                shared.setdefault((_src(ctx, sub.value), mapping), []).append(node_edit(ctx.lines, sub, new))
            code = apply_edits(ctx.code, [node_edit(ctx.lines, sub, new)])
            if code:
                out.append(Candidate(code, "template", f"line {sub.lineno}: `{_src(ctx, sub)}` → `{new}` (missing "
                                     f"key {why})", prior))
    for (base, mapping), edits in shared.items():
        code = apply_edits(ctx.code, edits) if len(edits) > 1 else None
        if code:
            out.append(Candidate(code, "template", f"line {ctx.line}: every lookup in `{base}` falls back to "
                                 f"`{mapping}` for missing keys", 0.9))
    return out


def cyclic_indexes(ctx: FixContext) -> list[Candidate]:
    """`seq[i]` past the end of a cycle (rotas, round-robin, ring buffers): `seq[i % len(seq)]`, or
    `seq[(i - 1) % len(seq)]` when the counter is 1-based."""
    if ctx.tree is None or ctx.line is None:
        return []
    doc = docstring_of(enclosing_function(ctx.tree, ctx.line))
    out = []
    for sub in nodes_on_line(ctx.tree, ctx.line, (ast.Subscript,)):
        sl = sub.slice
        if not isinstance(sub.ctx, ast.Load) or isinstance(sl, ast.Slice | ast.Constant | ast.UnaryOp) or (
                isinstance(sl, ast.BinOp) and isinstance(sl.op, ast.Mod)):
            continue
        seq, idx = _src(ctx, sub.value), _src(ctx, sl)
        shifted = f"({idx} - 1)" if isinstance(sl, ast.Name | ast.Attribute) else None
        options = [(f"{idx} % len({seq})", "wraps around"), *([(f"{shifted} % len({seq})", "1-based, wraps around")]
                                                              if shifted else [])]
        if shifted and _ONE_BASED.search(doc):
            options.reverse()
        prior = 0.85 if _CYCLIC.search(doc + idx) else 0.7
        for i, (new, why) in enumerate(options):
            code = apply_edits(ctx.code, [node_edit(ctx.lines, sl, new)])
            if code:
                out.append(Candidate(code, "template", f"line {sub.lineno}: index `{idx}` → `{new}` (the index "
                                     f"{why} instead of running past the end of `{seq}`)", prior * 0.95 ** i))
    return out


def safe_slices(ctx: FixContext) -> list[Candidate]:
    """`[seq[a + i] for i in range(n)]` reads past the ends → the slice `seq[a:a + n]`, clamped at 0."""
    out = []
    for comp in nodes_on_line(ctx.tree, ctx.line, (ast.ListComp,)):
        gen = comp.generators[0]
        elt = comp.elt
        if len(comp.generators) != 1 or gen.ifs or not isinstance(gen.target, ast.Name) or not isinstance(
                elt, ast.Subscript) or not (isinstance(gen.iter, ast.Call) and isinstance(gen.iter.func, ast.Name)
                                            and gen.iter.func.id == "range" and 1 <= len(gen.iter.args) <= 2):
            continue
        var, sl = gen.target.id, elt.slice
        offset: ast.expr | None = None
        if isinstance(sl, ast.Name) and sl.id == var:
            offset = ast.Constant(0)
        elif isinstance(sl, ast.BinOp) and isinstance(sl.op, ast.Add):
            if isinstance(sl.right, ast.Name) and sl.right.id == var:
                offset = sl.left
            elif isinstance(sl.left, ast.Name) and sl.left.id == var:
                offset = sl.right
        if offset is None or any(isinstance(n, ast.Name) and n.id == var for n in ast.walk(offset)):
            continue
        args = gen.iter.args
        start, stop = (ast.unparse(args[0]), ast.unparse(args[1])) if len(args) == 2 else ("0", ast.unparse(args[0]))
        lo, hi = _plus(ast.unparse(offset), start), _plus(ast.unparse(offset), stop)
        text = f"{_src(ctx, elt.value)}[{'' if lo == '0' else f'max({lo}, 0)'}:max({hi}, 0)]"
        code = apply_edits(ctx.code, [node_edit(ctx.lines, comp, text)])
        if code:
            out.append(Candidate(code, "template", f"line {comp.lineno}: `{_src(ctx, comp)}` → `{text}` (a slice "
                                 "stops at the ends instead of raising IndexError)", 0.8))
    return out


def _plus(a: str, b: str) -> str:
    """`a + b` written simply: `x - n` plus `n` is `x`; zeros vanish."""
    if b == "0":
        return a
    if a == "0":
        return b
    if a.endswith(f" - {b}"):
        return a[: -len(f" - {b}")]
    return f"{a} + {b}"


# --- UnboundLocalError --------------------------------------------------------------------------------------

def _neutral(func: ast.AST, name: str) -> str:
    """The starting value an accumulator's use implies: 0, 1, "", [], {} or set()."""
    for n in ast.walk(func):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name) \
                and n.func.value.id == name:
            return "set()" if n.func.attr == "add" else "[]" if n.func.attr in LIST_METHODS else "{}"
        if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name) and n.target.id == name:
            if isinstance(n.op, ast.Mult):
                return "1"
            text = isinstance(n.value, ast.JoinedStr) or isinstance(n.value, ast.Constant) and isinstance(
                n.value.value, str)
            return '""' if text else "[]" if isinstance(n.value, ast.List) else "0"
    return "None"


def unbound_accumulators(ctx: FixContext) -> list[Candidate]:
    """Accumulator used before assignment: initialise it before the loop, from an unused parameter or the neutral
    value; or declare it `global` when the module defines it."""
    m = _UNBOUND.search(ctx.message)
    if ctx.tree is None or ctx.line is None or not m:
        return []
    name, func = m["name"], enclosing_function(ctx.tree, ctx.line)
    if func is None:
        return []
    # Before the first top-level statement touching the name (a loop, usually), not just before the failing use.
    anchor = next((s for s in func.body if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(s))), None)
    if anchor is None:
        return []
    loaded = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    unused = [a.arg for a in func.args.args if a.arg not in loaded and a.arg not in ("self", "cls")]
    pad = indent_of(ctx.lines[anchor.lineno - 1])
    options = [(p, f"from the unused parameter `{p}`", 0.9) for p in unused[:2]]
    options.append((_neutral(func, name), "with its neutral value", 0.85))
    out = [Candidate(insert_lines(ctx.code, anchor.lineno, [f"{pad}{name} = {value}"]), "template",
                     f"line {anchor.lineno}: initialised `{name} = {value}` {why} before it is updated", prior)
           for value, why, prior in options]
    if any(isinstance(a, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in a.targets)
           for a in ctx.tree.body):
        first = body_start(func)
        # Rebinding an UPPER_CASE constant changes it for every later caller: ranked after keeping a local copy.
        out.append(Candidate(insert_lines(ctx.code, first.lineno, [f"{indent_of(ctx.lines[first.lineno - 1])}global "
                                                                   f"{name}"]), "template",
                             f"declared `global {name}`: the function updates the module-level `{name}`", 0.95,
                             destructive=name.isupper()))
    return out


# --- ImportError ------------------------------------------------------------------------------------------

def _submodules(package: object | None) -> list[str]:
    """`urllib.parse`, `urllib.request`, ... for a standard-library package (`from urllib import urlencode`)."""
    import pkgutil

    path = getattr(package, "__path__", None)
    name = getattr(package, "__name__", "")
    if not path or not name:
        return []
    return [f"{name}.{m.name}" for m in pkgutil.iter_modules(path) if not m.name.startswith("_")
            and m.name not in ("__main__", "tests", "test")]


def import_names(ctx: FixContext) -> list[Candidate]:
    """`cannot import name X from M`: the closest name M really has, the stdlib module that has X, or drop an
    unused X."""
    m = _CANNOT_IMPORT.search(ctx.message)
    if ctx.tree is None or not m:
        return []
    name, module = m["name"], m["module"]
    froms = [n for n in ast.walk(ctx.tree) if isinstance(n, ast.ImportFrom) and any(a.name == name for a in n.names)]
    # The message names the module Python resolved (`os.path` is reported as `posixpath`).
    node = next((n for n in froms if n.module == module), froms[0] if len(froms) == 1 else None)
    if node is None or node.level or node.module is None:
        return []
    module = node.module
    alias = next(a for a in node.names if a.name == name)
    used = any(isinstance(n, ast.Name) and n.id == (alias.asname or name) for n in ast.walk(ctx.tree))
    rest = [a for a in node.names if a is not alias]
    pad = indent_of(ctx.lines[node.lineno - 1])

    def line(mod: str, aliases: list[ast.alias]) -> str:
        return f"from {mod} import " + ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in aliases)

    options: list[tuple[str, str, float, list]] = []
    real = stdlib_module(module)
    if real is not None:
        public = [n for n in dir(real) if not n.startswith("_")]
        close = [n for n in public if n.lower() == name.lower()]
        close += [n for n in difflib.get_close_matches(name, public, n=2, cutoff=0.6) if n not in close]
        for i, new in enumerate(close[:2]):
            text = line(module, [ast.alias(new, alias.asname) if a is alias else a for a in node.names])
            renames = [node_edit(ctx.lines, n, new) for n in ast.walk(ctx.tree)
                       if isinstance(n, ast.Name) and n.id == name and not alias.asname]
            options.append((text, f"`{module}` has no `{name}`; imported `{new}` (closest name)", 0.9 * 0.9 ** i,
                            renames))
    for other in (o for o in (*_submodules(real), name, *_HOMES) if o != module):  # `from fnmatch import fnmatch`
        home = stdlib_module(other)
        if hasattr(home, name):
            # The names beside it that `module` lacks too move along (`from urllib import quote, urlencode`).
            along = [a for a in rest if real is not None and not hasattr(real, a.name) and hasattr(home, a.name)]
            stay = [a for a in rest if a not in along]
            moved = (line(module, stay) + "\n" + pad if stay else "") + line(other, [alias, *along])
            options.append((moved, f"`{name}` lives in `{other}`, not `{module}`", 0.88, []))
            break
    if not used:
        options.append((line(module, rest) if rest else "pass", f"dropped the unused import of `{name}`", 0.85, []))
    out = []
    for text, why, prior, extra in options:
        code = apply_edits(ctx.code, [node_edit(ctx.lines, node, text), *extra])
        if code:
            out.append(Candidate(code, "template", f"line {node.lineno}: {why}", prior))
    return out


PROPOSERS: dict[str, list[Proposer]] = {
    "key_error": [fallback_gets],
    "index_error": [cyclic_indexes, safe_slices],
    "name_error": [unbound_accumulators],
    "import_error": [import_names],
}
