"""Lookups that miss because of the key's shape, not its absence: a JSON object read with attribute syntax
(`row.judge`), an int key in a dict whose keys are strings (JSON object keys), a key or enum value in the wrong
case, CSV headers with a space after the comma, optional keys read with `.get(k)` and then used as numbers, and
keys a module-level defaults table has but the loaded config lacks."""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext, node_candidate
from graphs.auto_fix.dataflow import data_sources
from graphs.auto_fix.edits import apply_edits, call_with, enclosing_function, node_edit, statement_at
from graphs.auto_fix.propose_types import Proposer

_DICT_ATTR = re.compile(r"'dict' object has no attribute '(\w+)'")
_KEY = re.compile(r"^(?:KeyError: )?(?P<key>.+)$")
_ENUM = re.compile(r"'(?P<value>[^']*)' is not a valid (?P<enum>\w+)")
_NONE_OP = re.compile(r"unsupported operand type\(s\) for [^:]+: '(\w+)' and 'NoneType'|"
                      r"unsupported operand type\(s\) for [^:]+: 'NoneType' and '(\w+)'")
_DICT_METHODS = frozenset(dir(dict))
_NORMALISERS = (("lower()", str.lower), ("upper()", str.upper), ("strip()", str.strip), ("casefold()", str.casefold),
                ("title()", str.title), ('rstrip("s")', lambda k: k.rstrip("s")),  # plural units: "cups" → "cup"
                ("strip().lower()", lambda k: k.strip().lower()),
                ('strip().lower().rstrip("s")', lambda k: k.strip().lower().rstrip("s")))
_NEUTRAL = {"int": "0", "float": "0", "str": "''", "list": "[]", "tuple": "()"}


def attribute_subscripts(ctx: FixContext) -> list[Candidate]:
    """`'dict' object has no attribute 'judge'`: the value is a mapping (parsed JSON); read every
    `name.field` of that value as `name["field"]` (or `.get`)."""
    m = _DICT_ATTR.search(ctx.message)
    if ctx.tree is None or ctx.line is None or not m:
        return []
    failing = [n for n in ast.walk(ctx.tree) if isinstance(n, ast.Attribute) and n.lineno == ctx.line
               and n.attr == m[1] and isinstance(n.value, ast.Name)]
    func = enclosing_function(ctx.tree, ctx.line) or ctx.tree
    out: list[Candidate] = []
    for owner in {n.value.id for n in failing}:
        reads = [n for n in ast.walk(func) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
                 and n.value.id == owner and n.attr not in _DICT_METHODS and isinstance(n.ctx, ast.Load)]
        for form, prior in (('{}["{}"]', 0.92), ('{}.get("{}")', 0.8)):
            code = apply_edits(ctx.code, [node_edit(ctx.lines, n, form.format(owner, n.attr)) for n in reads])
            if code:
                out.append(Candidate(code, "template", f"`{owner}` is a dict (parsed data), not an object: its "
                                     f"fields are read as {form.format(owner, '...')}", prior))
    return out


def _literal_keys(tree: ast.Module, mapping: ast.expr) -> list[object] | None:
    """Keys of the dict literal `mapping` names (a module-level constant), if it is one."""
    if not isinstance(mapping, ast.Name):
        return None
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == mapping.id for t in stmt.targets) \
                and isinstance(stmt.value, ast.Dict):
            keys = []
            for k in stmt.value.keys:
                if not isinstance(k, ast.Constant):
                    return None
                keys.append(k.value)
            return keys
    return None


def key_shapes(ctx: FixContext) -> list[Candidate]:
    """KeyError whose key has the wrong type or case: `names[0]` when the keys are strings (JSON object keys),
    `names["3"]` when they are ints, `CODONS["atg"]` when the table is upper case. The key is converted at the
    lookup (and a `.get` variant offered)."""
    if ctx.tree is None or ctx.line is None or ctx.exception_type != "KeyError":
        return []
    try:
        missing = ast.literal_eval(_KEY.match(ctx.message.strip())["key"])
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return []
    subs = [s for s in ast.walk(ctx.tree) if isinstance(s, ast.Subscript) and s.lineno == ctx.line
            and isinstance(s.ctx, ast.Load) and not isinstance(s.slice, ast.Slice)]
    out: list[Candidate] = []
    for sub in subs:
        key, keys = ast.unparse(sub.slice), _literal_keys(ctx.tree, sub.value)
        options: list[tuple[str, str, float]] = []
        if isinstance(missing, int) and not isinstance(missing, bool):
            options.append((f"str({key})", "the mapping's keys are strings (JSON object keys always are)", 0.9))
        if isinstance(missing, str) and missing.lstrip("-").isdigit():
            options.append((f"int({key})", "the mapping's keys are numbers", 0.88))
        if isinstance(missing, str) and not isinstance(sub.slice, ast.Constant):  # a literal key is as written
            for method, fn in _NORMALISERS:
                if (keys is None and "rstrip" not in method) or (keys is not None and fn(missing) in keys):
                    # Equally fitting normalisers: the more thorough one also takes the case and padding of
                    # keys the tests did not show.
                    prior = (0.92 + 0.005 * (method.count("(") - 1)) if keys is not None else 0.6
                    options.append((f"{key}.{method}", f"the table's keys are `{method}`-normalised", prior))
        for text, why, prior in options:
            base = ast.unparse(sub.value)
            for new, p in ((f"{base}[{text}]", prior), (f"{base}.get({text})", prior - 0.03)):
                code = apply_edits(ctx.code, [node_edit(ctx.lines, sub, new)])
                if code:
                    out.append(Candidate(code, "template", f"line {sub.lineno}: `{ast.unparse(sub)}` → `{new}`: {why}",
                                         p))
    return out


def enum_values(ctx: FixContext) -> list[Candidate]:
    """`'Outbound' is not a valid Direction`: normalise the value the way the enum's values are written."""
    m = _ENUM.search(ctx.message)
    if ctx.tree is None or not m:
        return []
    cls = next((c for c in ast.walk(ctx.tree) if isinstance(c, ast.ClassDef) and c.name == m["enum"]), None)
    values = [s.value.value for s in (cls.body if cls else []) if isinstance(s, ast.Assign)
              and isinstance(s.value, ast.Constant)]
    out: list[Candidate] = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                 and n.func.id == m["enum"] and len(n.args) == 1):
        arg = ast.unparse(call.args[0])
        for method, fn in _NORMALISERS:
            if (not values and "rstrip" not in method) or (values and fn(m["value"]) in values):
                code = apply_edits(ctx.code, [node_edit(ctx.lines, call.args[0], f"{arg}.{method}")])
                if code:
                    out.append(Candidate(code, "template", f"line {call.lineno}: `{m['enum']}` values are written "
                                         f"`{method}`; the input is normalised first", 0.9 if values else 0.6))
    return out


def csv_header_spaces(ctx: FixContext) -> list[Candidate]:
    """KeyError on a `csv.DictReader` row when the header is written `a, b, c`: `skipinitialspace=True`."""
    if ctx.tree is None or ctx.exception_type != "KeyError":
        return []
    out: list[Candidate] = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and ast.unparse(n.func) in (
            "csv.DictReader", "DictReader", "csv.reader", "reader")):
        if any(k.arg == "skipinitialspace" for k in call.keywords):
            continue
        code = apply_edits(ctx.code, [node_edit(ctx.lines, call, call_with(call, "skipinitialspace=True"))])
        if code:
            out.append(Candidate(code, "template", f"line {call.lineno}: the CSV header has spaces after the "
                                 f"commas; `skipinitialspace=True` drops them from the field names", 0.86))
    return out


def bom_headers(ctx: FixContext) -> list[Candidate]:
    """KeyError on the first CSV column of a file saved by Excel: the text starts with a byte-order mark;
    decode it with `utf-8-sig`."""
    if ctx.tree is None or ctx.exception_type != "KeyError" or "csv" not in ctx.code:
        return []
    out: list[Candidate] = []
    for const in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                  and n.value.lower().replace("_", "-") in ("utf-8", "utf8")):
        code = apply_edits(ctx.code, [node_edit(ctx.lines, const, "'utf-8-sig'")])
        if code:
            out.append(Candidate(code, "template", f"line {const.lineno}: `utf-8-sig` drops the byte-order mark "
                                 f"that Excel puts before the first column name", 0.88))
    return out


def get_defaults(ctx: FixContext) -> list[Candidate]:
    """`x = d.get(k)` then `x` used in arithmetic: a missing key gives None; give `.get` the neutral default."""
    m = _NONE_OP.search(ctx.message)
    if ctx.tree is None or ctx.line is None or not m:
        return []
    other = m[1] or m[2]
    default = _NEUTRAL.get(other, "0")
    out: list[Candidate] = []
    for stmt in filter(None, (statement_at(ctx.tree, n) for n in data_sources(ctx.tree, ctx.line))):
        for call in (n for n in ast.walk(stmt) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                     and n.func.attr == "get" and len(n.args) == 1 and not n.keywords):
            new = call_with(call, default)
            code = apply_edits(ctx.code, [node_edit(ctx.lines, call, new)])
            if code:
                out.append(Candidate(code, "template", f"line {call.lineno}: `{ast.unparse(call)}` is None for a "
                                     f"missing key; `{new}` gives the neutral value", 0.9))
    return out


def merged_defaults(ctx: FixContext) -> list[Candidate]:
    """KeyError for a key a module-level defaults table has (`DEFAULTS = {"min_fee": 25.0, ...}`): the loaded
    config is merged over the defaults where it is produced (`return {**DEFAULTS, **json.loads(text)}`), or the
    lookup falls back to the table."""
    if ctx.tree is None or ctx.line is None or ctx.exception_type != "KeyError":
        return []
    try:
        missing = ast.literal_eval(_KEY.match(ctx.message.strip())["key"])
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return []
    tables = [t.id for s in ctx.tree.body if isinstance(s, ast.Assign) and isinstance(s.value, ast.Dict)
              for t in s.targets if isinstance(t, ast.Name)
              and any(isinstance(k, ast.Constant) and k.value == missing for k in s.value.keys)]
    out: list[Candidate] = []
    for table in tables[:1]:
        for func in (f for f in ctx.tree.body if isinstance(f, ast.FunctionDef)):
            for ret in (r for r in ast.walk(func) if isinstance(r, ast.Return) and isinstance(r.value, ast.Call)
                        and ast.unparse(r.value.func).endswith(("loads", "load", "safe_load", "dict"))):
                code = apply_edits(ctx.code, [node_edit(ctx.lines, ret.value, f"{{**{table}, "
                                                                              f"**{ast.unparse(ret.value)}}}")])
                if code:
                    out.append(Candidate(code, "template", f"line {ret.lineno}: `{func.name}` merges the loaded "
                                         f"values over `{table}`, so keys it leaves out keep their defaults", 0.9))
        for sub in (s for s in ast.walk(ctx.tree) if isinstance(s, ast.Subscript) and s.lineno == ctx.line
                    and isinstance(s.ctx, ast.Load) and not isinstance(s.slice, ast.Slice)):
            new = f"{ast.unparse(sub.value)}.get({ast.unparse(sub.slice)}, {table}[{ast.unparse(sub.slice)}])"
            code = apply_edits(ctx.code, [node_edit(ctx.lines, sub, new)])
            if code:
                out.append(Candidate(code, "template", f"line {sub.lineno}: a missing key falls back to `{table}`",
                                     0.87))
    return out


_LOOKUP_ERRORS = {"KeyError", "LookupError"}


def _stated_values(hints: str, key: str) -> list[str]:
    """Literal values the tests give `key` (`"note": ""`), as source text, most frequent first."""
    found = re.findall(rf"""["']{re.escape(key)}["']\s*:\s*("[^"\n]*"|'[^'\n]*'|-?\d+(?:\.\d+)?|None|True|False|\[\]|\{{\}})""",
                       hints)
    counts: dict[str, int] = {}
    for value in found:
        counts[value] = counts.get(value, 0) + 1
    return sorted(counts, key=lambda v: -counts[v])


def optional_keys(ctx: FixContext) -> list[Candidate]:
    """`row["note"]` inside a `try` whose `except KeyError` drops the whole record: an optional field was read as
    a required one. Read it with `.get` and the default the tests give it (or None)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for node in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Try)):
        quiet = [h for h in node.handlers if h.type is not None and _LOOKUP_ERRORS & {
            ast.unparse(e).rsplit(".", 1)[-1] for e in (h.type.elts if isinstance(h.type, ast.Tuple) else [h.type])}
            and isinstance(h.body[-1], ast.Continue | ast.Pass | ast.Return)]
        if not quiet:
            continue
        subs = [n for stmt in node.body for n in ast.walk(stmt) if isinstance(n, ast.Subscript)
                and isinstance(n.ctx, ast.Load) and isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, str)]
        for sub in subs[:4]:
            key = sub.slice.value  # type: ignore[attr-defined]
            for i, default in enumerate([*_stated_values(ctx.hints, key)[:2], "None"][:2]):
                new = f"{ast.unparse(sub.value)}.get({key!r}, {default})" if default != "None" else \
                    f"{ast.unparse(sub.value)}.get({key!r})"
                out += node_candidate(ctx, sub, new, f"`{ast.unparse(sub)}` is optional: a missing key dropped the "
                                      f"whole record in the `except`", 0.7 * 0.9 ** i)
    return out[:6]


PROPOSERS: dict[str, list[Proposer]] = {
    "wrong_output": [optional_keys],
    "attribute_error": [attribute_subscripts],
    "key_error": [key_shapes, csv_header_spaces, merged_defaults, bom_headers],
    "value_error": [enum_values],
    "type_error": [get_defaults],
    "none_attribute": [get_defaults],
    "other_exception": [enum_values],
}
