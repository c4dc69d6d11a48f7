"""Name-level templates: missing stdlib imports, "did you mean" renames, type conversions, syntax repairs."""

from __future__ import annotations

import ast
import builtins
import difflib
import re
import sys

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import (
    apply_edits,
    flatten_add,
    indent_of,
    node_edit,
    replace_line,
    scope_names,
    stdlib_module,
)

# Modules searched, in order, for a bare name such as `sqrt` or `defaultdict`.
_MEMBER_MODULES = ("math", "collections", "itertools", "functools", "statistics", "os", "re", "json", "random",
                   "string", "datetime", "time", "heapq", "bisect", "operator", "copy", "pathlib", "typing",
                   "dataclasses", "decimal", "fractions", "urllib.parse", "html", "textwrap", "shlex", "csv",
                   "hashlib", "hmac", "secrets", "base64", "uuid", "enum", "contextlib", "calendar", "zoneinfo",
                   "ipaddress", "unicodedata", "difflib", "fnmatch", "shutil", "tempfile", "io", "os.path",
                   "posixpath", "struct", "zlib", "locale", "numbers", "types", "weakref", "array", "pprint")
_NAME_RE = re.compile(r"name '(?P<name>\w+)' is not defined")
_ATTR_RE = re.compile(r"(?:'(?P<type>\w+)' object|module '(?P<module>[\w.]+)'|type object '(?P<cls>\w+)') "
                      r"has no attribute '(?P<attr>\w+)'")
_DID_YOU_MEAN = re.compile(r"Did you mean:? '?(?P<name>[\w.]+)'?\??")
_BUILTIN_TYPES = {"list": list, "dict": dict, "str": str, "set": set, "tuple": tuple, "int": int, "float": float,
                  "bytes": bytes, "frozenset": frozenset}


def _import_line(code: str, tree: ast.Module) -> int:
    """1-based line where a new import goes: after the docstring and the existing imports."""
    line = 1
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom) or (
                isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and node is tree.body[0]):
            line = (node.end_lineno or node.lineno) + 1
        else:
            break
    return line


def with_import(code: str, tree: ast.Module, statement: str) -> str:
    """`code` with `statement` inserted after the docstring and the existing imports."""
    lines = code.splitlines(keepends=True)
    at = _import_line(code, tree) - 1
    lines[at:at] = [statement + "\n"]
    return "".join(lines)


def module_member(tree: ast.Module, module: str, member: str) -> tuple[str, str | None]:
    """How this code spells `module.member` (`timedelta`, `datetime.timedelta`), and the import it still needs
    (None when it already has one)."""
    names = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == module
             for a in n.names}
    if member in names:
        return member, None
    plain = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    if module in plain and module not in names:
        return f"{module}.{member}", None
    return member, f"from {module} import {member}"


def _stdlib_member(name: str) -> list[str]:
    found = []
    for mod in _MEMBER_MODULES:
        module = stdlib_module(mod)
        if module is None:
            continue
        exported = getattr(module, "__all__", None)
        # A module's own members only: `statistics` uses math.sqrt but does not export it.
        if name.startswith("_") or not hasattr(module, name):
            continue
        # Without `__all__`, a class or function must be the module's own (`uuid` imports `Enum` but is no home).
        home = getattr(getattr(module, name), "__module__", None)
        if name in (exported or ()) or (exported is None and (home is None or home == module.__name__)):
            found.append(mod)
    return found


def _rename_all(ctx: FixContext, old: str, new: str) -> str | None:
    """Every read of the undefined `old`, except inside functions where `old` is a parameter or a local (there it
    is defined, and right)."""
    assert ctx.tree is not None
    bound = {id(n) for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
             and (old in {a.arg for a in f.args.args + f.args.kwonlyargs}
                  or any(isinstance(s, ast.Name) and s.id == old and isinstance(s.ctx, ast.Store) for s in ast.walk(f)))
             for n in ast.walk(f)}
    edits = [node_edit(ctx.lines, n, new) for n in ast.walk(ctx.tree)
             if isinstance(n, ast.Name) and n.id == old and isinstance(n.ctx, ast.Load) and id(n) not in bound]
    return apply_edits(ctx.code, edits) if edits else None


def missing_names(ctx: FixContext) -> list[Candidate]:
    """NameError: import a stdlib module/member, or rename to a close in-scope/builtin name."""
    m = _NAME_RE.search(ctx.message)
    if ctx.tree is None or not m:
        return []
    name = m["name"]
    out: list[Candidate] = []
    if name in sys.stdlib_module_names:
        out.append(Candidate(with_import(ctx.code, ctx.tree, f"import {name}"), "template",
                             f"added `import {name}` (the standard-library module was used but never imported)", 0.9))
    # A module the code already imports from is the likelier home (`from urllib.parse import urlsplit` + `unquote`).
    imported = {n.module for n in ast.walk(ctx.tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(ctx.tree) if isinstance(n, ast.Import) for a in n.names}
    homes = sorted(_stdlib_member(name), key=lambda mod: mod not in imported)
    for i, mod in enumerate(homes[:2]):
        out.append(Candidate(with_import(ctx.code, ctx.tree, f"from {mod} import {name}"), "template",
                             f"added `from {mod} import {name}` (`{name}` is defined in {mod})", 0.85 * 0.8 ** i))
    pool = set(scope_names(None, ctx.tree)) | set(dir(builtins))
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            pool.add(node.name)
        if isinstance(node, ast.arg):
            pool.add(node.arg)
        if isinstance(node, ast.alias):
            pool.add((node.asname or node.name).split(".")[0])
    hint = _DID_YOU_MEAN.search(ctx.message)
    matches = [hint["name"]] if hint else []
    matches += [c for c in difflib.get_close_matches(name, sorted(pool - {name}), n=3, cutoff=0.6) if c not in matches]
    matches += [c for c in _abbreviations(name, sorted(scope_names(None, ctx.tree))) if c not in matches]
    for i, new in enumerate(matches):
        code = _rename_all(ctx, name, new)
        if code:
            out.append(Candidate(code, "template", f"renamed `{name}` → `{new}` (undefined name; closest known "
                                 "name)", 0.8 * 0.85 ** i))
    for var, body in _unused_loop_targets(ctx.tree, name):
        uses = [n for part in body for n in ast.walk(part) if isinstance(n, ast.Name) and n.id == name
                and isinstance(n.ctx, ast.Load)]  # only inside that loop: `width` may be a parameter elsewhere
        code = apply_edits(ctx.code, [node_edit(ctx.lines, n, var) for n in uses]) if uses else None
        if code:
            out.append(Candidate(code, "template", f"renamed `{name}` → `{var}`: the loop variable `{var}` was "
                                 f"never used, and `{name}` stood where it belongs", 0.88))
    return out


def _unused_loop_targets(tree: ast.Module, name: str) -> list[tuple[str, list[ast.AST]]]:
    """(variable, loop body) for loop and comprehension variables never read inside the loop that reads the
    undefined `name`."""
    out: list[tuple[str, list[ast.AST]]] = []
    loops: list[tuple[list[ast.expr], list[ast.AST]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.For):
            loops.append(([node.target], list(node.body)))
        elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            body = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            loops.append(([g.target for g in node.generators], body + [c for g in node.generators for c in g.ifs]))
    for targets, body in loops:
        reads = {n.id for part in body for n in ast.walk(part) if isinstance(n, ast.Name)}
        if name not in reads:
            continue
        names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
        out += [(v, body) for v in names if v not in reads and not v.startswith("_")
                and v not in (o for o, _ in out)]
    return out


def _abbreviations(name: str, known: list[str]) -> list[str]:
    """Known names that abbreviate `name` or that it abbreviates (`ack` / `acknowledge`, `cfg` / `config`): the
    shorter one's letters, at least three, appear in order in the longer one, from the same first letter."""
    def within(short: str, long: str) -> bool:
        rest = iter(long)
        return short[0] == long[0] and all(ch in rest for ch in short)

    out = []
    for other in known:
        short, long = sorted((other.lower(), name.lower()), key=len)
        if other != name and len(short) >= 3 and len(long) > len(short) and within(short, long):
            out.append(other)
    return out[:2]


def _tuple_fields(tree: ast.Module, cls: str) -> set[str]:
    """Fields of `Cls = namedtuple("Cls", "a b c")` (or a list of names)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == cls for t in node.targets) \
                and isinstance(node.value, ast.Call) and ast.unparse(node.value.func).endswith("namedtuple") \
                and len(node.value.args) >= 2:
            spec = node.value.args[1]
            if isinstance(spec, ast.Constant) and isinstance(spec.value, str):
                return set(spec.value.replace(",", " ").split())
            if isinstance(spec, ast.List | ast.Tuple):
                return {e.value for e in spec.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    return set()


# Words used for one another in field names; a field that is none of the close matches may be one of these.
_SYNONYMS = [{"type", "kind", "category", "tag"}, {"name", "label", "title"}, {"id", "key", "ident", "uid"},
             {"size", "length", "len", "count"}, {"value", "val", "amount"}, {"text", "body", "content", "message"},
             {"created", "timestamp", "time", "when", "at"}, {"items", "entries", "rows", "records"}]


def _synonyms(attr: str, public: list[str]) -> list[str]:
    """Fields named with a synonym of `attr`; then, for a small record type, every field."""
    group = next((g for g in _SYNONYMS if attr.lower() in g), set())
    named = [p for p in public if p.lower() in group]
    fields = [p for p in public if not p.startswith("_")]
    return named + ([p for p in fields if p not in named] if len(fields) <= 5 else [])


def _class_attributes(tree: ast.Module, cls: str) -> set[str]:
    attrs: set[str] = _tuple_fields(tree, cls)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == cls:
            for sub in ast.walk(node):
                if isinstance(sub, ast.FunctionDef):
                    attrs.add(sub.name)
                if isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Store):
                    attrs.add(sub.attr)
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    attrs.add(sub.id)
    return attrs


def wrong_attributes(ctx: FixContext) -> list[Candidate]:
    """AttributeError: rename the attribute to a close match among the type's (or module's/class's) attributes."""
    m = _ATTR_RE.search(ctx.message)
    if ctx.tree is None or not m:
        return []
    attr = m["attr"]
    if m["module"]:
        module = stdlib_module(m["module"])  # the name comes from the error text: stdlib only, no side effects
        known = set(dir(module)) if module is not None else set()
    elif m["type"] in _BUILTIN_TYPES:
        known = set(dir(_BUILTIN_TYPES[m["type"]]))
    else:
        known = _class_attributes(ctx.tree, m["type"] or m["cls"] or "")
    hint = _DID_YOU_MEAN.search(ctx.message)
    matches = [hint["name"]] if hint else []
    public = sorted(a for a in known if not a.startswith("__"))
    matches += [c for c in difflib.get_close_matches(attr, public, n=3, cutoff=0.5) if c not in matches]
    matches += [c for c in _abbreviations(attr, public) if c not in matches]
    if not matches and not m["module"] and m["type"] not in _BUILTIN_TYPES:
        matches += _synonyms(attr, public)[:4]
    if m["type"] == "list" and attr in ("push", "add") and "append" not in matches:
        matches.insert(0, "append")
    out = []
    for i, new in enumerate(matches):
        edits = []
        for node in ast.walk(ctx.tree):
            if isinstance(node, ast.Attribute) and node.attr == attr:
                value = ast.get_source_segment(ctx.code, node.value) or ast.unparse(node.value)
                edits.append(node_edit(ctx.lines, node, f"{value}.{new}"))
        code = apply_edits(ctx.code, edits) if edits else None
        if code:
            out.append(Candidate(code, "template", f"`.{attr}` → `.{new}` (no attribute `{attr}`; closest existing "
                                 "attribute)", 0.85 * 0.85 ** i))
    return out


_NUMERIC_BUILTINS = frozenset({"divmod", "pow", "abs", "round", "range", "chr", "hex", "bin", "oct"})


def type_conversions(ctx: FixContext) -> list[Candidate]:
    """TypeError mixing str and numbers on the failing line: wrap an operand in str()/int()/float()."""
    if ctx.tree is None or ctx.line is None or not re.search(r"str|int|float", ctx.message):
        return []
    out = []
    # The failing line first; the value may also have been built with the wrong type a few lines earlier.
    weight = {ctx.line: 1.0, **{ln: 0.5 for ln in ctx.suspicious[:4] if ln != ctx.line}}
    for node in ast.walk(ctx.tree):
        if getattr(node, "lineno", None) not in weight:
            continue
        operands: list[ast.expr] = []
        if isinstance(node, ast.BinOp):
            operands = [node.left, node.right]
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
        elif isinstance(node, ast.AugAssign):
            operands = [node.value]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _NUMERIC_BUILTINS:
            operands = [a for a in node.args if not isinstance(a, ast.Constant)]  # `divmod(seconds, 60)` of text
        for operand in operands:
            if isinstance(operand, ast.Constant) and isinstance(operand.value, str):
                continue
            for conv, prior in (("str", 0.6), ("int", 0.5), ("float", 0.35)):
                text = f"{conv}({ast.get_source_segment(ctx.code, operand) or ast.unparse(operand)})"
                code = apply_edits(ctx.code, [node_edit(ctx.lines, operand, text)])
                if code:
                    out.append(Candidate(code, "template", f"line {node.lineno}: converted operand to `{text}` "
                                         f"({ctx.message})", prior * weight[node.lineno]))
    return out + _whole_expressions(ctx)


def _whole_expressions(ctx: FixContext) -> list[Candidate]:
    """Every operand of the failing expression converted at once: `"Parcel " + index + " of " + total` needs both
    numbers as text, and `int(h) * 3600 + m * 60 + int(s)` needs `m` converted like its siblings."""
    assert ctx.tree is not None and ctx.line is not None
    out: list[Candidate] = []
    chains = [n for n in ast.walk(ctx.tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add)
              and n.lineno == ctx.line]
    top = [c for c in chains if not any(c is not o and c in list(ast.walk(o)) for o in chains)]
    for chain in top:
        parts = flatten_add(chain)
        texts = [p for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str)]
        if texts and "concatenate str" in ctx.message:
            loose = [p for p in parts if not (isinstance(p, ast.Constant) or isinstance(p, ast.JoinedStr))]
            edits = [node_edit(ctx.lines, p, f"str({ast.unparse(p)})") for p in loose]
            code = apply_edits(ctx.code, edits) if len(edits) > 1 else None
            if code:
                out.append(Candidate(code, "template", f"line {ctx.line}: every value joined into the text is "
                                     "converted with `str()`", 0.65))
            continue
        converted = {ast.unparse(n.func) for n in ast.walk(chain) if isinstance(n, ast.Call)
                     and isinstance(n.func, ast.Name) and n.func.id in ("int", "float")}
        if len(converted) != 1:
            continue
        conv = converted.pop()  # `int(h) * 3600 + m * 60`: the bare name among converted siblings
        inside = {id(a) for n in ast.walk(chain) if isinstance(n, ast.Call) for a in ast.walk(n)}
        bare = [n for n in ast.walk(chain) if isinstance(n, ast.Name) and id(n) not in inside]
        edits = [node_edit(ctx.lines, n, f"{conv}({n.id})") for n in bare]
        code = apply_edits(ctx.code, edits) if edits else None
        if code:
            out.append(Candidate(code, "template", f"line {ctx.line}: {', '.join(f'`{n.id}`' for n in bare)} "
                                 f"converted with `{conv}()` like the other parts", 0.7))
    return out


def syntax_repairs(ctx: FixContext) -> list[Candidate]:
    """SyntaxError at a line: missing colon, `=` used for `==`, unbalanced brackets, stray indentation."""
    if ctx.line is None or not (0 < ctx.line <= len(ctx.lines)):
        return []
    out: list[Candidate] = []
    lines = ctx.lines
    # Python often reports an unclosed bracket on a later line; try the reported line and the one before.
    for line in (ctx.line, ctx.line - 1):
        if not 0 < line <= len(lines):
            continue
        text = lines[line - 1]
        stripped = text.rstrip()
        head = stripped.lstrip().split(" ")[0].rstrip(":")
        compound = head in {"def", "class", "if", "elif", "else", "for", "while", "try", "except", "finally",
                            "with", "async"}
        if compound and not stripped.endswith(":"):
            out.append(Candidate(replace_line(ctx.code, line, stripped + ":"), "template",
                                 f"line {line}: added the missing `:`", 0.9))
        if head in {"if", "elif", "while"} and re.search(r"[^=!<>]=[^=]", stripped):
            fixed = re.sub(r"(?<=[^=!<>])=(?=[^=])", "==", stripped, count=1)
            out.append(Candidate(replace_line(ctx.code, line, fixed), "template",
                                 f"line {line}: `=` → `==` in the condition", 0.85))
        for open_, close in ("()", "[]", "{}"):
            diff = text.count(open_) - text.count(close)
            if diff > 0:
                body = stripped[:-1] + close * diff + ":" if stripped.endswith(":") else stripped + close * diff
                out.append(Candidate(replace_line(ctx.code, line, body), "template",
                                     f"line {line}: closed {diff} unbalanced `{open_}`", 0.8))
            elif diff < 0:
                out.append(Candidate(replace_line(ctx.code, line, stripped[::-1].replace(close, "", -diff)[::-1]),
                                     "template", f"line {line}: removed a stray `{close}`", 0.6))
        if "indent" in ctx.message.lower() and line == ctx.line and line > 1:
            prev = lines[line - 2]
            pad = indent_of(prev) + ("    " if prev.rstrip().endswith(":") else "")
            out.append(Candidate(replace_line(ctx.code, line, pad + text.lstrip()), "template",
                                 f"line {line}: re-indented to match the block", 0.8))
    return out
