"""SQL and deserialization repairs: values bound as parameters and identifiers checked against an allowlist
(CWE-89); pickle round trips moved to JSON (CWE-502) on both ends, so data written by the fixed code can still be
read by it."""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import (
    apply_edits,
    body_start,
    enclosing_function,
    indent_of,
    insert_lines,
    node_edit,
)
from graphs.auto_fix.security_fixes import (
    ensure_import,
    flatten_add,
    imported_modules,
    security_candidates,
    unwrap_str,
    wanted_exception,
)
from graphs.auto_fix.security_hashing import password_hashes
from graphs.auto_fix.security_web import web_security_candidates

_SQL_EXEC = {"execute", "executemany", "executescript"}
_FORMAT_DRIVERS = {"psycopg", "psycopg2", "pymysql", "MySQLdb", "mysql", "pgdb"}
# An interpolated value right after one of these keywords names a column or table: placeholders can't bind it.
_IDENTIFIER_SLOT = re.compile(r"\b(ORDER\s+BY|GROUP\s+BY|FROM|JOIN|INTO|UPDATE|TABLE|SELECT)\s*$|,\s*$",
                              re.IGNORECASE)
def _placeholder_query(node: ast.expr, mark: str) -> tuple[str, list[str]] | None:
    """An f-string / `%` / `.format` / `+` query → (literal SQL with placeholders, value expressions)."""
    parts: list[tuple[str, str | None]] = []  # (literal, expr)
    if isinstance(node, ast.JoinedStr):
        for v in node.values:
            if isinstance(v, ast.Constant):
                parts.append((str(v.value), None))
            elif isinstance(v, ast.FormattedValue):
                parts.append(("", ast.unparse(v.value)))
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
        values = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        chunks = re.split(r"%[sdifr]", str(node.left.value))
        if len(chunks) != len(values) + 1:
            return None
        for chunk, value in zip(chunks, [*values, None], strict=True):
            parts += [(chunk, None)] + ([("", ast.unparse(value))] if value is not None else [])
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
            and isinstance(node.func.value, ast.Constant) and not node.keywords:
        chunks = re.split(r"\{\}", str(node.func.value.value))
        if len(chunks) != len(node.args) + 1:
            return None
        for chunk, value in zip(chunks, [*node.args, None], strict=True):
            parts += [(chunk, None)] + ([("", ast.unparse(value))] if value is not None else [])
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        for item in flatten_add(node):
            is_text = isinstance(item, ast.Constant) and isinstance(item.value, str)
            parts.append((item.value, None) if is_text else ("", unwrap_str(item)))
    else:
        return None
    sql, values = "", []
    for i, (literal, expr) in enumerate(parts):
        if expr is None:
            sql += literal
            continue
        # `'{name}'` in the SQL text: the quotes belong to the value, not the query; text written inside the
        # quotes (LIKE wildcards `'%{term}%'`, prefixes `'% {surname}'`) becomes part of the value.
        quoted = re.search(r"(['\"])([^'\"]*)$", sql)
        if quoted and sql[:quoted.start()].count(quoted[1]) % 2:
            quoted = None  # that quote closes an earlier literal: the value is not inside quotes
        nxt = parts[i + 1][0] if i + 1 < len(parts) and parts[i + 1][1] is None else ""
        closing = re.match(r"([^'\"]*)(['\"])", nxt) if quoted else None
        if quoted and closing and closing[2] == quoted[1]:
            sql = sql[:quoted.start()]
            parts[i + 1] = (nxt[closing.end():], None)
            expr = " + ".join([repr(quoted[2])] * bool(quoted[2]) + [expr] + [repr(closing[1])] * bool(closing[1]))
        sql += mark
        values.append(expr)
    if not values:
        return None
    return sql, values


def sql_parameters(ctx: FixContext) -> list[Candidate]:
    """`cur.execute(f"... {x}")` (or via a variable) → `cur.execute("... ?", (x,))`."""
    if ctx.tree is None:
        return []
    imported = imported_modules(ctx.tree)
    # The driver decides the placeholder style; when the module doesn't import one, try both.
    marks = ["?"] if "sqlite3" in imported else ["%s"] if imported & _FORMAT_DRIVERS else ["?", "%s"]
    return [c for i, mark in enumerate(marks) for c in _sql_parameters(ctx, mark, 0.8 - 0.1 * i)]


def _sql_parameters(ctx: FixContext, mark: str, prior: float) -> list[Candidate]:
    assert ctx.tree is not None
    assigned: dict[str, ast.Assign] = {}
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigned[node.targets[0].id] = node
    out = []
    for node in ast.walk(ctx.tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in _SQL_EXEC and len(node.args) == 1):
            continue
        query, edits = node.args[0], []
        if isinstance(query, ast.Name) and query.id in assigned:
            source = assigned[query.id]
            built = _placeholder_query(source.value, mark)
            if built is None:
                continue
            edits.append(node_edit(ctx.lines, source.value, repr(built[0])))
            edits.append(node_edit(ctx.lines, query, f"{query.id}, ({', '.join(built[1])},)"))
        else:
            built = _placeholder_query(query, mark)
            if built is None:
                continue
            edits.append(node_edit(ctx.lines, query, f"{built[0]!r}, ({', '.join(built[1])},)"))
        code = apply_edits(ctx.code, edits)
        if code:
            out.append(Candidate(code, "template", f"line {node.lineno}: SQL values passed as parameters "
                                 f"(`{mark}` placeholders) instead of formatted into the query (CWE-89)", prior))
    return out


def _string_collections(tree: ast.Module) -> list[str]:
    """Module-level names bound to literal tuples/lists/sets (or frozenset(...)) of strings."""
    out = []
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            continue
        value = node.value
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in (
                "frozenset", "set", "tuple") and value.args:
            value = value.args[0]
        if isinstance(value, ast.Tuple | ast.List | ast.Set) and value.elts and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts):
            out.append(node.targets[0].id)
    return out


def _identifier_values(query: ast.expr) -> list[str]:
    """Names interpolated into an f-string query where an identifier (column/table) belongs."""
    if not isinstance(query, ast.JoinedStr):
        return []
    out, text = [], ""
    for part in query.values:
        if isinstance(part, ast.Constant):
            text += str(part.value)
        elif isinstance(part, ast.FormattedValue):
            if isinstance(part.value, ast.Name) and _IDENTIFIER_SLOT.search(text):
                out.append(part.value.id)
            text += "X"
    return out


def sql_identifier_allowlists(ctx: FixContext) -> list[Candidate]:
    """A column/table name formatted into SQL can't be a bound parameter: check it against the module's
    allowlist (or require a plain identifier) before the query is built."""
    if ctx.tree is None:
        return []
    exc = wanted_exception(ctx.hints)
    lists = _string_collections(ctx.tree)
    out: list[Candidate] = []
    for node in ast.walk(ctx.tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _SQL_EXEC
                and node.args):
            continue
        func = enclosing_function(ctx.tree, node.lineno)
        if func is None:
            continue
        params = {a.arg for a in func.args.args + func.args.kwonlyargs}
        for name in (n for n in _identifier_values(node.args[0]) if n in params):
            first = body_start(func)
            pad = indent_of(ctx.lines[first.lineno - 1])
            checks = [(f"{name} not in {lst}", f"is not one of `{lst}`", 0.85) for lst in lists]
            checks.append((f"not str({name}).isidentifier()", "is not a plain identifier", 0.5))
            for cond, why, prior in checks:
                code = insert_lines(ctx.code, first.lineno, [
                    f"{pad}if {cond}:", f"{pad}    raise {exc}(f\"unsupported {name}: {{{name}!r}}\")"])
                out.append(Candidate(code, "template", f"line {first.lineno}: reject `{name}` when it {why} — it "
                                     f"is formatted into SQL as an identifier, which parameters can't bind "
                                     f"(CWE-89)", prior))
    return out


def _pickle_calls(tree: ast.Module) -> list[tuple[ast.Call, str]]:
    return [(n, n.func.attr) for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
            and n.func.value.id == "pickle" and n.func.attr in ("loads", "dumps") and n.args]


def pickle_round_trips(ctx: FixContext) -> list[Candidate]:
    """`pickle.loads` of data from outside runs code; switch both ends of the round trip to JSON
    (`json.dumps(x).encode()` / `json.loads(b)`), so what the module writes it can still read."""
    if ctx.tree is None:
        return []
    calls = _pickle_calls(ctx.tree)
    if not any(kind == "loads" for _, kind in calls):
        return []
    edits = []
    for call, kind in calls:
        arg = ast.unparse(call.args[0])
        text = f"json.loads({arg})" if kind == "loads" else f'json.dumps({arg}).encode("utf-8")'
        edits.append(node_edit(ctx.lines, call, text))
    code = apply_edits(ctx.code, edits)
    if code is None:
        return []
    if not re.search(r"\bpickle\.", code):  # the import is now unused
        code = re.sub(r"^import pickle\n", "", code, count=1, flags=re.MULTILINE)
    code = ensure_import(code, "json")
    return [Candidate(code, "template", "pickle replaced by JSON on both ends (`pickle.loads` runs code chosen by "
                      "whoever controls the data; CWE-502)", 0.85)]


def all_security_candidates(ctx: FixContext) -> list[Candidate]:
    """Every security template whose pattern occurs in the code."""
    return (security_candidates(ctx) + sql_parameters(ctx) + sql_identifier_allowlists(ctx) + pickle_round_trips(ctx)
            + web_security_candidates(ctx) + password_hashes(ctx))
