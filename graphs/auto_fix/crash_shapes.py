"""Crashes whose message names the repair: JSON that cannot encode a set or a date (`default=`), a method
called on the wrong type (`items.join(", ")`, Python 2 dict methods), a relative import outside a package, a
method defined without `self`, a module attribute that lives on the module's class (`datetime.fromisoformat`),
`next()` on an empty iterator inside a generator, decimal commas fed to `float()`, and dicts walked for their
values or pairs but giving keys."""

from __future__ import annotations

import ast
import builtins
import inspect
import re

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.dataflow import data_sources
from graphs.auto_fix.edits import (
    apply_edits,
    call_with,
    enclosing_function,
    indent_of,
    node_edit,
    statement_at,
    stdlib_module,
)
from graphs.auto_fix.propose_types import Proposer

_NOT_JSON = re.compile(r"Object of type (\w+) is not JSON serializable")
_JSON_DEFAULTS = {"set": ("sorted", "list"), "frozenset": ("sorted", "list"), "datetime": ("str",),
                  "date": ("str",), "time": ("str",), "Decimal": ("float", "str"), "UUID": ("str",),
                  "PosixPath": ("str",), "tuple": ("list",), "bytes": ("bytes.hex",)}
_NO_ATTR = re.compile(r"'(\w+)' object has no attribute '(\w+)'")
_MODULE_ATTR = re.compile(r"module '([\w.]+)' has no attribute '(\w+)'")
_ARGS = re.compile(r"(?:(\w+)\.)?(\w+)\(\) takes (?:from \d+ to )?(\d+) positional arguments? but (\d+) "
                   r"(?:were|was) given")
_DECIMAL_COMMA = re.compile(r"could not convert string to float: '[-+]?\d+,\d+'|"
                            r"invalid literal for int\(\) with base 10: '[-+]?\d+,\d+'")
# `receiver.method(arg)` on the wrong type → the spelling the right type wants.
_PY2 = {"has_key": "in", "iteritems": "items", "itervalues": "values", "iterkeys": "keys"}


def json_defaults(ctx: FixContext) -> list[Candidate]:
    """`Object of type set is not JSON serializable`: `json.dumps(..., default=sorted)` (str for dates, ...)."""
    m = _NOT_JSON.search(ctx.message)
    if ctx.tree is None or not m:
        return []
    out: list[Candidate] = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and ast.unparse(n.func) in (
            "json.dumps", "json.dump", "dumps", "dump") and not any(k.arg == "default" for k in n.keywords)):
        for i, fn in enumerate(_JSON_DEFAULTS.get(m[1], ("str",))):
            code = apply_edits(ctx.code, [node_edit(ctx.lines, call, call_with(call, f"default={fn}"))])
            if code:
                out.append(Candidate(code, "template", f"line {call.lineno}: JSON has no {m[1]}; `default={fn}` "
                                     f"encodes it", 0.9 - 0.04 * i))
    return out


def wrong_receivers(ctx: FixContext) -> list[Candidate]:
    """`labels.join(", ")` → `", ".join(labels)`; Python 2 dict methods (`has_key`, `iteritems`) → Python 3."""
    m = _NO_ATTR.search(ctx.message)
    if ctx.tree is None or ctx.line is None or not m:
        return []
    out: list[Candidate] = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and n.lineno == ctx.line
                 and isinstance(n.func, ast.Attribute) and n.func.attr == m[2]):
        owner = ast.unparse(call.func.value)
        new = None
        if m[2] == "join" and len(call.args) == 1:
            new = f"{ast.unparse(call.args[0])}.join({owner})"
        elif m[2] == "has_key" and len(call.args) == 1:
            new = f"{ast.unparse(call.args[0])} in {owner}"
        elif m[2] in _PY2:
            new = f"{owner}.{_PY2[m[2]]}()"
        elif m[2] == "decode" and m[1] == "str":
            new = owner
        if new and (code := apply_edits(ctx.code, [node_edit(ctx.lines, call, new)])):
            out.append(Candidate(code, "template", f"line {call.lineno}: `{ast.unparse(call)}` → `{new}` (a "
                                 f"'{m[1]}' has no `{m[2]}`)", 0.93))
    return out


def absolute_imports(ctx: FixContext) -> list[Candidate]:
    """`attempted relative import with no known parent package`: the module runs on its own; import the
    standard-library or top-level module absolutely."""
    if ctx.tree is None or "relative import" not in ctx.message:
        return []
    out: list[Candidate] = []
    for node in (n for n in ctx.tree.body if isinstance(n, ast.ImportFrom) and n.level):
        names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in node.names)
        text = f"from {node.module} import {names}" if node.module else f"import {names}"
        code = apply_edits(ctx.code, [node_edit(ctx.lines, node, text)])
        if code:
            out.append(Candidate(code, "template", f"line {node.lineno}: `{text}` (absolute: the module is not "
                                 f"part of a package)", 0.95 if stdlib_module(node.module or "") else 0.85))
    return out


def missing_self(ctx: FixContext) -> list[Candidate]:
    """`C.m() takes 1 positional argument but 2 were given` for a method written without `self`: make it a
    `@staticmethod` (or give it `self`)."""
    m = _ARGS.search(ctx.message)
    if ctx.tree is None or not m or int(m[4]) != int(m[3]) + 1:
        return []
    out: list[Candidate] = []
    for cls in (c for c in ast.walk(ctx.tree) if isinstance(c, ast.ClassDef) and (m[1] in (None, c.name))):
        for method in (f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name == m[2]):
            first = method.args.args[0].arg if method.args.args else None
            if first in ("self", "cls") or method.decorator_list:
                continue
            pad = indent_of(ctx.lines[method.lineno - 1])
            lines = ctx.code.splitlines(keepends=True)
            lines.insert(method.lineno - 1, f"{pad}@staticmethod\n")
            uses_self = any(isinstance(n, ast.Name) and n.id == "self" for n in ast.walk(method))
            out.append(Candidate("".join(lines), "template", f"line {method.lineno}: `{method.name}` uses no instance "
                                 f"state and was written without `self`: `@staticmethod`", 0.5 if uses_self else 0.9))
            params = ast.unparse(method.args)
            header = ctx.lines[method.lineno - 1]
            if f"({params})" in header:
                new = header.replace(f"({params})", f"(self, {params})" if params else "(self)", 1)
                lines = ctx.code.splitlines(keepends=True)
                lines[method.lineno - 1] = new + "\n"
                out.append(Candidate("".join(lines), "template", f"line {method.lineno}: `{method.name}` takes "
                                     f"`self` like the other methods", 0.92 if uses_self else 0.84))
    return out


def class_attributes(ctx: FixContext) -> list[Candidate]:
    """`module 'datetime' has no attribute 'fromisoformat'`: the name belongs to a class of that module
    (`datetime.datetime.fromisoformat`); or import the class instead of the module."""
    m = _MODULE_ATTR.search(ctx.message)
    module = stdlib_module(m[1]) if m else None
    if ctx.tree is None or module is None:
        return []
    owners = [name for name, value in vars(module).items() if inspect.isclass(value) and not name.startswith("_")
              and hasattr(value, m[2])]
    out: list[Candidate] = []
    for owner in sorted(owners, key=lambda n: (n != m[1].rsplit(".", 1)[-1], n))[:2]:
        sites = [n for n in ast.walk(ctx.tree) if isinstance(n, ast.Attribute) and n.attr == m[2]
                 and ast.unparse(n.value) == m[1]]
        code = apply_edits(ctx.code, [node_edit(ctx.lines, n, f"{m[1]}.{owner}.{m[2]}") for n in sites])
        if code:
            out.append(Candidate(code, "template", f"`{m[2]}` is on `{m[1]}.{owner}`, not on the module", 0.9))
        imports = [n for n in ctx.tree.body if isinstance(n, ast.Import) and [a.name for a in n.names] == [m[1]]]
        if imports and owner == m[1]:
            code = apply_edits(ctx.code, [node_edit(ctx.lines, imports[0], f"from {m[1]} import {owner}")])
            if code:
                out.append(Candidate(code, "template", f"line {imports[0].lineno}: `from {m[1]} import {owner}` (the "
                                     f"code uses the class, not the module)", 0.88))
    return out


def exhausted_next(ctx: FixContext) -> list[Candidate]:
    """`generator raised StopIteration`: `header = next(rows)` on an empty input inside a generator; stop the
    generator instead (`next(rows, None)` and return on None)."""
    if ctx.tree is None or "StopIteration" not in ctx.message:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef)
                 and any(isinstance(n, ast.Yield | ast.YieldFrom) for n in ast.walk(f))):
        for stmt in (s for s in ast.walk(func) if isinstance(s, ast.Assign) and len(s.targets) == 1
                     and isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.Call)
                     and ast.unparse(s.value.func) == "next" and len(s.value.args) == 1):
            name, pad = stmt.targets[0].id, indent_of(ctx.lines[stmt.lineno - 1])
            text = (f"{name} = next({ast.unparse(stmt.value.args[0])}, None)\n{pad}if {name} is None:\n"
                    f"{pad}    return")
            code = apply_edits(ctx.code, [node_edit(ctx.lines, stmt, text)])
            if code:
                out.append(Candidate(code, "template", f"line {stmt.lineno}: an empty input ends the generator "
                                     f"instead of leaking StopIteration (a RuntimeError inside generators)", 0.92))
    return out


def decimal_commas(ctx: FixContext) -> list[Candidate]:
    """`could not convert string to float: '0,12'`: a decimal comma; replace it with a point where the text is
    cleaned (or at the conversion)."""
    if ctx.tree is None or ctx.line is None or not _DECIMAL_COMMA.search(ctx.message):
        return []
    out: list[Candidate] = []
    calls = [n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and n.lineno == ctx.line
             and isinstance(n.func, ast.Name) and n.func.id in ("float", "int", "Decimal") and len(n.args) == 1]
    for call in calls:
        arg = ast.unparse(call.args[0])
        code = apply_edits(ctx.code, [node_edit(ctx.lines, call.args[0], f"{arg}.replace(',', '.')")])
        if code:
            out.append(Candidate(code, "template", f"line {call.lineno}: the number uses a decimal comma; "
                                 f"`{arg}.replace(',', '.')`", 0.88))
    for stmt in filter(None, (statement_at(ctx.tree, n) for n in data_sources(ctx.tree, ctx.line)[:2])):
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call) and \
                isinstance(stmt.value.func, ast.Attribute) and stmt.value.func.attr in ("strip", "replace"):
            new = f"{ast.unparse(stmt.value)}.replace(',', '.')"
            code = apply_edits(ctx.code, [node_edit(ctx.lines, stmt.value, new)])
            if code:
                out.append(Candidate(code, "template", f"line {stmt.lineno}: the cleaning step also turns the "
                                     f"decimal comma into a point", 0.9))
    return out


_UNPACK = re.compile(r"not enough values to unpack \(expected (\d+), got (\d+)\)")
_CONSTRUCTORS = frozenset({"date", "datetime", "time", "timedelta", "dict", "list", "set", "tuple", "int", "float",
                           "str", "Decimal", "Fraction", "Path", "namedtuple"})


def padded_unpacking(ctx: FixContext) -> list[Candidate]:
    """`h, m, s = parts` with only `m, s` given: pad the missing leading (or trailing) fields first."""
    m = _UNPACK.search(ctx.message)
    if ctx.tree is None or ctx.line is None or not m:
        return []
    out: list[Candidate] = []
    for stmt in (s for s in ast.walk(ctx.tree) if isinstance(s, ast.Assign) and s.lineno == ctx.line
                 and isinstance(s.targets[0], ast.Tuple) and isinstance(s.value, ast.Name)):
        name, want = stmt.value.id, int(m[1])
        pad = indent_of(ctx.lines[stmt.lineno - 1])
        for text, why, prior in ((f"{name} = [0] * ({want} - len({name})) + list({name})", "leading fields "
                                  "default to 0", 0.84),
                                 (f"{name} = list({name}) + [None] * ({want} - len({name}))", "trailing fields "
                                  "default to None", 0.74)):
            lines = ctx.code.splitlines(keepends=True)
            lines.insert(stmt.lineno - 1, f"{pad}{text}\n")
            out.append(Candidate("".join(lines), "template", f"line {stmt.lineno}: `{name}` may hold fewer than "
                                 f"{want} values; {why}", prior))
    return out


def capped_ratios(ctx: FixContext) -> list[Candidate]:
    """`min(done / total, 1.0)` divides by zero for an empty job: the cap is the answer then."""
    if ctx.tree is None or ctx.line is None or ctx.error_class != "zero_division":
        return []
    out: list[Candidate] = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and n.lineno == ctx.line
                 and isinstance(n.func, ast.Name) and n.func.id in ("min", "max") and len(n.args) == 2):
        div = next((a for a in call.args if isinstance(a, ast.BinOp) and isinstance(a.op, ast.Div | ast.FloorDiv)),
                   None)
        cap = next((a for a in call.args if isinstance(a, ast.Constant)), None)
        if div is None or cap is None:
            continue
        text = f"({ast.unparse(cap)} if {ast.unparse(div.right)} == 0 else {ast.unparse(call)})"
        code = apply_edits(ctx.code, [node_edit(ctx.lines, call, text)])
        if code:
            out.append(Candidate(code, "template", f"line {call.lineno}: nothing to divide by means the cap "
                                 f"`{ast.unparse(cap)}` is reached", 0.86))
    return out


def builtin_type_members(ctx: FixContext) -> list[Candidate]:
    """`cannot import name 'maketrans' from 'string'`: Python 3 moved it onto a builtin type (`str.maketrans`)."""
    m = re.search(r"cannot import name '(\w+)' from '(\w+)'", ctx.message)
    if ctx.tree is None or not m:
        return []
    out: list[Candidate] = []
    for owner in (t for t in ("str", "bytes", "dict", "int", "float") if hasattr(getattr(builtins, t), m[1])):
        node = next((n for n in ctx.tree.body if isinstance(n, ast.ImportFrom) and n.module == m[2]
                     and any(a.name == m[1] for a in n.names)), None)
        if node is None:
            break
        rest = [a for a in node.names if a.name != m[1]]
        keep = f"from {m[2]} import " + ", ".join(a.name for a in rest) if rest else "pass"
        edits = [node_edit(ctx.lines, node, keep)] + [node_edit(ctx.lines, n, f"{owner}.{m[1]}")
                                                      for n in ast.walk(ctx.tree)
                                                      if isinstance(n, ast.Name) and n.id == m[1]]
        code = apply_edits(ctx.code, edits)
        if code:
            out.append(Candidate(code, "template", f"`{m[1]}` is `{owner}.{m[1]}` in Python 3", 0.9))
    return out


def dropped_constructions(ctx: FixContext) -> list[Candidate]:
    """`date(y, m, d)` on a line of its own in a function that returns values elsewhere: the result was meant to
    be returned (the function fell through to `return None`)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef)):
        if not any(isinstance(r, ast.Return) and r.value is not None for r in ast.walk(func)):
            continue
        for stmt in (s for s in ast.walk(func) if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)):
            callee = ast.unparse(stmt.value.func).rsplit(".", 1)[-1]
            if callee in _CONSTRUCTORS or callee[:1].isupper():
                code = apply_edits(ctx.code, [node_edit(ctx.lines, stmt, f"return {ast.unparse(stmt.value)}")])
                if code:
                    out.append(Candidate(code, "template", f"line {stmt.lineno}: the `{callee}(...)` result was "
                                         f"computed and dropped; it is returned", 0.9))
    return out


_KEY_ITEMS = re.compile(r"'(?:str|int|tuple)' object has no attribute|string indices must be integers|"
                        r"'(?:str|int)' object is not subscriptable")
_PAIRS = re.compile(r"too many values to unpack \(expected 2|not enough values to unpack \(expected 2, got 1\)")
_ITERATING = frozenset({"max", "min", "sorted", "sum", "any", "all", "filter", "map", "list", "enumerate"})


def dict_iterations(ctx: FixContext) -> list[Candidate]:
    """Iterating a dict gives its keys: `max(self.players, key=lambda p: p.score)` meets a name, `r["x"]` on a
    key string, `for name, qty in stock:` unpacks a key. The loop walks `.values()` (or `.items()` for pairs)."""
    if ctx.tree is None or ctx.line is None:
        return []
    method = "items" if _PAIRS.search(ctx.message) else "values" if _KEY_ITEMS.search(ctx.message) else None
    func = enclosing_function(ctx.tree, ctx.line)
    if method is None or func is None:
        return []
    sites: list[ast.expr] = []
    for node in ast.walk(func):
        if isinstance(node, ast.For | ast.comprehension):
            sites.append(node.iter)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _ITERATING \
                and node.args:
            sites.append(node.args[0])
    out: list[Candidate] = []
    for site in dict.fromkeys(s for s in sites if isinstance(s, ast.Name | ast.Attribute)
                              and s.lineno <= ctx.line):
        text = f"{ast.unparse(site)}.{method}()"
        code = apply_edits(ctx.code, [node_edit(ctx.lines, site, text)])
        if code:
            out.append(Candidate(code, "template", f"line {site.lineno}: `{ast.unparse(site)}` is walked through "
                                 f"`.{method}()` (iterating a dict gives only its keys)", 0.8))
    return out[:3]


_FILE_PAIRS = {"load": "loads", "loads": "load", "dump": "dumps", "dumps": "dump"}
_FILE_MODULES = frozenset({"json", "pickle", "marshal", "tomllib", "yaml", "plistlib"})
_WANTS_TEXT = re.compile(r"has no attribute 'read'|must be str, bytes or bytearray, not|a bytes-like object is "
                         r"required, not '(?:TextIOWrapper|BufferedReader)'|missing 1 required positional argument: "
                         r"'fp'|has no attribute 'write'")


def text_or_file_calls(ctx: FixContext) -> list[Candidate]:
    """`json.load(text)` reads from a file object (`'str' object has no attribute 'read'`): the text form is
    `json.loads`; and `json.loads(handle)` the other way round (also `dump`/`dumps`, pickle, tomllib)."""
    if ctx.tree is None or ctx.line is None or not _WANTS_TEXT.search(ctx.message):
        return []
    out: list[Candidate] = []
    for call in ast.walk(ctx.tree):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name) and call.func.value.id in _FILE_MODULES
                and call.func.attr in _FILE_PAIRS and call.lineno == ctx.line):
            continue
        other = _FILE_PAIRS[call.func.attr]
        code = apply_edits(ctx.code, [node_edit(ctx.lines, call.func, f"{call.func.value.id}.{other}")])
        if code:
            out.append(Candidate(code, "template", f"line {call.lineno}: `{ast.unparse(call.func)}` works on a file "
                                 f"object and `{call.func.value.id}.{other}` on text, or the other way round",
                                 0.9))
    return out


PROPOSERS: dict[str, list[Proposer]] = {
    "type_error": [json_defaults, missing_self, dropped_constructions, dict_iterations, text_or_file_calls],
    "attribute_error": [wrong_receivers, class_attributes, dict_iterations, text_or_file_calls],
    "none_attribute": [dropped_constructions],
    "import_error": [absolute_imports, builtin_type_members],
    "other_exception": [exhausted_next, json_defaults, missing_self],
    "value_error": [decimal_commas, padded_unpacking, dict_iterations],
    "zero_division": [capped_ratios],
    "wrong_output": [dropped_constructions],
    "assertion_error": [dropped_constructions],
}
