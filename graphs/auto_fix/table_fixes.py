"""Missing entries of constant tables: the tests expect a word the code never mentions, and a list, tuple or set
of words shaped like it (units, levels, statuses, codes) holds its siblings. The word is added to that table.
And tables read directly where a helper that handles their missing keys exists, and counter maps whose
updates do not start missing keys at 0.

Registered through `PROPOSERS`; `propose.TEMPLATE_MODULES` lists this module.
"""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext, node_candidate
from graphs.auto_fix.edits import apply_edits, enclosing_function, node_edit
from graphs.auto_fix.name_fixes import with_import
from graphs.auto_fix.propose_types import Proposer
from graphs.auto_fix.unbound_fixes import expected_literals

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_Table = ast.List | ast.Tuple | ast.Set
MAX_CANDIDATES = 4


def _shape(word: str) -> str:
    """Upper, lower, title or mixed: table entries share their case."""
    if word.isupper():
        return "upper"
    if word.islower():
        return "lower"
    return "title" if word.istitle() else "mixed"


def _string_tables(tree: ast.Module) -> list[_Table]:
    """Literal collections of at least two words (no other elements)."""
    out = []
    for n in ast.walk(tree):
        if isinstance(n, _Table) and len(n.elts) >= 2 and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) and _WORD.fullmatch(e.value)
                for e in n.elts):
            out.append(n)
    return out


def _fits(word: str, table: _Table) -> bool:
    words = [e.value for e in table.elts]  # type: ignore[attr-defined]
    lengths = [len(w) for w in words]
    return all(_shape(w) == _shape(word) for w in words) and min(lengths) - 1 <= len(word) <= max(lengths) + 2


def _missing_words(ctx: FixContext) -> list[str]:
    """Words in the values the tests compare that appear nowhere in the code."""
    words: list[str] = []
    for value in expected_literals(ctx.hints):
        if isinstance(value, str):
            words += [w for w in _WORD.findall(value) if w not in ctx.code and w not in words]
    return words


def _with(table: _Table, entries: list[str]) -> str:
    items = ", ".join(repr(e) for e in entries)
    if isinstance(table, ast.Set):
        return "{" + items + "}"
    return f"({items})" if isinstance(table, ast.Tuple) else f"[{items}]"


def table_entries(ctx: FixContext) -> list[Candidate]:
    """Add an expected word the code lacks to the table of its siblings (at the end; in order when sorted)."""
    if ctx.tree is None:
        return []
    tables = _string_tables(ctx.tree)
    out: list[Candidate] = []
    for word in _missing_words(ctx):
        for table in tables:
            if not _fits(word, table):
                continue
            words = [e.value for e in table.elts]  # type: ignore[attr-defined]
            variants = [words + [word]]
            if words == sorted(words):
                variants.append(sorted(words + [word]))
            for i, entries in enumerate(dict.fromkeys(tuple(v) for v in variants)):
                out += node_candidate(ctx, table, _with(table, list(entries)),
                                      f"the tests expect {word!r}, missing from this table of its siblings",
                                      0.6 * 0.9 ** i)
    return out[:MAX_CANDIDATES]


def _lookup_helpers(tree: ast.Module) -> dict[str, str]:
    """Table name → a module function that returns `TABLE[param]` (after its own special cases)."""
    helpers: dict[str, str] = {}
    for func in (n for n in tree.body if isinstance(n, ast.FunctionDef) and len(n.args.args) == 1):
        param = func.args.args[0].arg
        for ret in (n for n in ast.walk(func) if isinstance(n, ast.Return) and isinstance(n.value, ast.Subscript)):
            sub = ret.value
            if isinstance(sub.value, ast.Name) and isinstance(sub.slice, ast.Name) and sub.slice.id == param:
                helpers.setdefault(sub.value.id, func.name)
    return helpers


def bypassed_lookups(ctx: FixContext) -> list[Candidate]:
    """`RATES[source]` raises KeyError for the one key a helper (`rate(currency)`) handles before it reads the
    same table: the crashing line reads the table directly instead of calling the helper."""
    if ctx.tree is None or ctx.line is None:
        return []
    helpers = _lookup_helpers(ctx.tree)
    out: list[Candidate] = []
    for sub in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Subscript) and n.lineno == ctx.line
                and isinstance(n.value, ast.Name) and n.value.id in helpers and isinstance(n.ctx, ast.Load)):
        helper = helpers[sub.value.id]
        inside = next((f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef) and f.name == helper
                       and f.lineno <= sub.lineno <= (f.end_lineno or f.lineno)), None)
        if inside is None:
            out += node_candidate(ctx, sub, f"{helper}({ast.unparse(sub.slice)})", f"`{ast.unparse(sub)}` read the "
                                  f"table directly; `{helper}()` handles the keys the table lacks", 0.9)
    return out


def zero_defaults(ctx: FixContext) -> list[Candidate]:
    """`COVERAGE.get(procedure, 1.0)`: a key the table does not list gets full weight; "not listed" usually means
    nothing (0), the table holding the exceptions."""
    if ctx.tree is None:
        return []
    near = set(ctx.suspicious[:8]) | ({ctx.line} if ctx.line else set())
    out: list[Candidate] = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                 and n.func.attr == "get" and len(n.args) == 2 and n.lineno in near):
        default = call.args[1]
        if isinstance(default, ast.Constant) and type(default.value) in (int, float) and default.value != 0:
            zero = "0.0" if isinstance(default.value, float) else "0"
            out += node_candidate(ctx, default, zero, f"a key missing from `{ast.unparse(call.func.value)}` counts "
                                  f"as {zero}, not {default.value!r}", 0.72)
    return out


def counter_maps(ctx: FixContext) -> list[Candidate]:
    """`d[k] += v` raised KeyError and `d` is updated the same way elsewhere (`d[k] -= v`): every update of `d`
    starts missing keys at 0 (`.get(k, 0)`), or `d` becomes a `defaultdict(int)` where it is created."""
    if ctx.tree is None or ctx.line is None:
        return []
    failing = [n for n in ast.walk(ctx.tree) if isinstance(n, ast.AugAssign) and n.lineno == ctx.line
               and isinstance(n.target, ast.Subscript)]
    func = enclosing_function(ctx.tree, ctx.line)
    if not failing or func is None:
        return []
    table = ast.unparse(failing[0].target.value)
    updates = [n for n in ast.walk(func) if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Subscript)
               and ast.unparse(n.target.value) == table]
    out: list[Candidate] = []
    if len(updates) > 1:
        edits = []
        for n in updates:
            op = ast.unparse(ast.BinOp(ast.Name("a"), n.op, ast.Name("b")))[2:-2]
            edits.append(node_edit(ctx.lines, n, f"{ast.unparse(n.target)} = {table}.get("
                                   f"{ast.unparse(n.target.slice)}, 0) {op} {ast.unparse(n.value)}"))
        code = apply_edits(ctx.code, edits)
        if code:
            out.append(Candidate(code, "template", f"every update of `{table}` starts missing keys at 0 "
                                 f"({len(updates)} updates)", 0.87))
    made = next((n for n in ast.walk(func) if isinstance(n, ast.Assign | ast.AnnAssign)
                 and ast.unparse(n.targets[0] if isinstance(n, ast.Assign) else n.target) == table
                 and isinstance(n.value, ast.Dict) and not n.value.keys), None)
    if made is not None:
        code = apply_edits(ctx.code, [node_edit(ctx.lines, made.value, "defaultdict(int)")])
        if code:
            code = with_import(code, ctx.tree, "from collections import defaultdict") \
                if "defaultdict" not in ctx.code else code
            out.append(Candidate(code, "template", f"line {made.lineno}: `{table}` is a `defaultdict(int)`, so "
                                 "every update starts missing keys at 0", 0.84))
    return out


PROPOSERS: dict[str, list[Proposer]] = {
    "wrong_output": [table_entries, zero_defaults],
    "value_error": [table_entries],
    "key_error": [table_entries, bypassed_lookups, counter_maps],
}
