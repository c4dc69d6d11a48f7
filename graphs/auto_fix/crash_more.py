"""More crashes with a typical repair: None coalesced where a method is called on it, a tuple result used as its
item (`splitext(f).lower()`), `x = x.append(...)`, Decimal mixed with float, None in sort keys, `max()` of an
empty sequence, `del d[k]` of a missing key, a name that is a field of the loop's record, a lookahead index past
the end, a divisor clamped below as well as above, and short sequences padded before their fields are read."""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext, node_candidate
from graphs.auto_fix.dataflow import data_sources
from graphs.auto_fix.edits import (
    apply_edits,
    call_with,
    enclosing_function,
    indent_of,
    insert_lines,
    node_edit,
    statement_at,
)
from graphs.auto_fix.propose_types import Proposer

_NONE_ATTR = re.compile(r"'NoneType' object has no attribute '(\w+)'")
_SEQ_ATTR = re.compile(r"'(tuple|list)' object has no attribute '(\w+)'")
_NAME = re.compile(r"name '(\w+)' is not defined")
_MUTATORS = frozenset({"append", "extend", "insert", "sort", "reverse", "update", "add", "clear", "remove",
                       "discard", "setdefault"})
_EMPTY_REDUCE = re.compile(r"(max|min)\(\) (?:arg|iterable argument) is an empty sequence")
_NONE_ORDER = re.compile(r"'[<>]=?' not supported between instances of '[\w.]+' and '[\w.]+'")


def coalesced_receivers(ctx: FixContext) -> list[Candidate]:
    """`msg.get("Subject").strip()` on a missing header: `(msg.get("Subject") or "").strip()`."""
    m = _NONE_ATTR.search(ctx.message)
    if ctx.tree is None or ctx.line is None or not m:
        return []
    empty = '""' if hasattr(str, m[1]) else "[]" if hasattr(list, m[1]) else "{}" if hasattr(dict, m[1]) else None
    if empty is None:
        return []
    out: list[Candidate] = []
    for attr in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Attribute) and n.lineno == ctx.line
                 and n.attr == m[1] and isinstance(n.value, ast.Call | ast.Name | ast.Attribute | ast.Subscript)):
        base = ast.unparse(attr.value)
        out += node_candidate(ctx, attr.value, f"({base} or {empty})", f"`{base}` can be None; it counts as empty", 0.9)
    return out


def sequence_items(ctx: FixContext) -> list[Candidate]:
    """`os.path.splitext(f).lower()`: the call returns a tuple; the method belongs to one of its items."""
    m = _SEQ_ATTR.search(ctx.message)
    if ctx.tree is None or ctx.line is None or not m or not hasattr(str, m[2]):
        return []
    out: list[Candidate] = []
    for attr in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Attribute) and n.lineno == ctx.line
                 and n.attr == m[2]):
        base = ast.unparse(attr.value)
        for index, prior in (("-1", 0.86), ("0", 0.85), ("1", 0.84)):
            out += node_candidate(ctx, attr.value, f"{base}[{index}]", f"`{base}` is a {m[1]}; `.{m[2]}` applies to its item "
                                                               f"`[{index}]`", prior)
    return out


def assigned_mutators(ctx: FixContext) -> list[Candidate]:
    """`self.done = self.done.append(op)`: `append` changes the list in place and returns None."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for stmt in (s for s in ast.walk(ctx.tree) if isinstance(s, ast.Assign) and len(s.targets) == 1
                 and isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Attribute)
                 and s.value.func.attr in _MUTATORS
                 and ast.unparse(s.targets[0]) == ast.unparse(s.value.func.value)):
        out += node_candidate(ctx, stmt, ast.unparse(stmt.value), f"`{stmt.value.func.attr}` works in place and returns None; "
                                                         f"the result is no longer assigned", 0.95)
    return out


def decimal_floats(ctx: FixContext) -> list[Candidate]:
    """`Decimal * float` fails: write float constants next to Decimals as Decimals (`Decimal("1.08")`)."""
    if ctx.tree is None or "decimal.Decimal' and 'float'" not in ctx.message and \
            "'float' and 'decimal.Decimal'" not in ctx.message:
        return []
    floats = [n for n in ast.walk(ctx.tree) if isinstance(n, ast.Constant) and isinstance(n.value, float)]
    edits = [node_edit(ctx.lines, n, f"Decimal({str(n.value)!r})") for n in floats]
    code = apply_edits(ctx.code, edits) if edits else None
    return [Candidate(code, "template", "float constants mixed with Decimals are Decimals now", 0.88)] if code else []


def none_sort_keys(ctx: FixContext) -> list[Candidate]:
    """Sorting records whose key can be None: None sorts last (first when reversed) and never meets a value."""
    if ctx.tree is None or ctx.line is None or not _NONE_ORDER.search(ctx.message) or "NoneType" not in ctx.message:
        return []
    out: list[Candidate] = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and n.lineno == ctx.line):
        key = next((k.value for k in call.keywords if k.arg == "key" and isinstance(k.value, ast.Lambda)), None)
        if key is None:
            continue
        reverse = any(k.arg == "reverse" and isinstance(k.value, ast.Constant) and k.value.value for k in call.keywords)
        x = ast.unparse(key.body)
        last, first = ("is not None", "is None") if reverse else ("is None", "is not None")
        out += node_candidate(ctx, key.body, f"({x} {last}, {x} if {x} is not None else 0)",
                              "records without a value go last instead of being compared with values", 0.88)
        out += node_candidate(ctx, key.body, f"({x} {first}, {x} if {x} is not None else 0)",
                              "records without a value go first instead of being compared with values", 0.86)
        body = key.body
        if (isinstance(body, ast.Subscript) and isinstance(body.slice, ast.Constant)
                and isinstance(body.slice.value, str)):
            # A record may also lack the field altogether (a draft never given a date): `.get` covers both.
            g = f"{ast.unparse(body.value)}.get({body.slice.value!r})"
            out += node_candidate(ctx, key.body, f"({g} {last}, {g} if {g} is not None else 0)",
                                  "records without a value (or without the field) go last instead of being compared "
                                  "with values", 0.89)
    return out


def empty_defaults(ctx: FixContext) -> list[Candidate]:
    """`max(xs)` of an empty sequence: `max(xs, default=...)` (0, None, or the value the tests expect)."""
    m = _EMPTY_REDUCE.search(ctx.message)
    if ctx.tree is None or ctx.line is None or not m:
        return []
    out: list[Candidate] = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and n.lineno == ctx.line
                 and isinstance(n.func, ast.Name) and n.func.id == m[1] and len(n.args) == 1
                 and not any(k.arg == "default" for k in n.keywords)):
        for value, prior in (("0", 0.9), ("None", 0.86)):
            out += node_candidate(ctx, call, call_with(call, f"default={value}"), f"an empty sequence gives "
                                                                                  f"`{value}`", prior)
    return out


def safe_deletes(ctx: FixContext) -> list[Candidate]:
    """`del d[k]` of a key that may be absent: `d.pop(k, None)`."""
    if ctx.tree is None or ctx.line is None or ctx.exception_type != "KeyError":
        return []
    out: list[Candidate] = []
    for stmt in (s for s in ast.walk(ctx.tree) if isinstance(s, ast.Delete) and s.lineno == ctx.line
                 and len(s.targets) == 1 and isinstance(s.targets[0], ast.Subscript)):
        sub = stmt.targets[0]
        out += node_candidate(ctx, stmt, f"{ast.unparse(sub.value)}.pop({ast.unparse(sub.slice)}, None)",
                              "deleting a key that is not there is a no-op", 0.92)
    return out


def record_fields(ctx: FixContext) -> list[Candidate]:
    """`name 'name' is not defined` where records are read as `row["name"]`: the loop's record has that field."""
    m = _NAME.search(ctx.message)
    if ctx.tree is None or ctx.line is None or not m:
        return []
    func = enclosing_function(ctx.tree, ctx.line)
    if func is None or m[1] not in {n.value for n in ast.walk(ctx.tree) if isinstance(n, ast.Constant)}:
        return []
    loops = [n for n in ast.walk(func) if isinstance(n, ast.For) and isinstance(n.target, ast.Name)
             and n.lineno <= ctx.line <= (n.end_lineno or n.lineno)]
    out: list[Candidate] = []
    for use in (n for n in ast.walk(func) if isinstance(n, ast.Name) and n.id == m[1] and n.lineno == ctx.line):
        for loop in reversed(loops):
            out += node_candidate(ctx, use, f'{loop.target.id}["{m[1]}"]', f"`{m[1]}` is a field of the record "
                                                                   f"`{loop.target.id}`", 0.88)
    return out


def lookahead_guards(ctx: FixContext) -> list[Candidate]:
    """`lines[i + 1]` read under `if line.endswith("-"):` on the last line: the condition also needs the next
    item to exist."""
    if ctx.tree is None or ctx.line is None or ctx.error_class != "index_error":
        return []
    out: list[Candidate] = []
    for sub in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Subscript) and n.lineno == ctx.line
                and isinstance(n.slice, ast.BinOp) and isinstance(n.slice.op, ast.Add)):
        owners = [i for i in ast.walk(ctx.tree) if isinstance(i, ast.If | ast.While)
                  and i.lineno <= ctx.line <= (i.end_lineno or i.lineno) and sub in list(ast.walk(i))]
        owner = max(owners, key=lambda i: i.lineno, default=None)  # the innermost
        if isinstance(owner, ast.While) and sub not in list(ast.walk(owner.test)):
            owner = None
        if owner is not None and sub in list(ast.walk(owner.test)):
            # `if cue.end > ordered[i + 1].start:` reads the next item in the test itself: check it exists first.
            test = f"{ast.unparse(sub.slice)} < len({ast.unparse(sub.value)}) and {ast.unparse(owner.test)}"
            out += node_candidate(ctx, owner.test, test, f"the test also needs `{ast.unparse(sub)}` to exist", 0.88)
            continue
        if owner is not None:
            test = f"{ast.unparse(owner.test)} and {ast.unparse(sub.slice)} < len({ast.unparse(sub.value)})"
            out += node_candidate(ctx, owner.test, test, f"the branch also needs `{ast.unparse(sub)}` to exist", 0.88)
    return out


def bounded_while_tests(ctx: FixContext) -> list[Candidate]:
    """`while a[i] == b[i]: i += 1` runs off the end when one sequence is a prefix of the other: the loop also
    stops at the end of every sequence it indexes (`i < len(a) and i < len(b) and ...`)."""
    if ctx.tree is None or ctx.line is None or ctx.error_class != "index_error":
        return []
    out: list[Candidate] = []
    for loop in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.While) and n.test.lineno == ctx.line):
        subs = [n for n in ast.walk(loop.test) if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)
                and isinstance(n.slice, ast.Name)]
        bounds = dict.fromkeys(f"{s.slice.id} < len({s.value.id})" for s in subs)
        if not bounds:
            continue
        test = ast.unparse(loop.test)
        if isinstance(loop.test, ast.BoolOp) and isinstance(loop.test.op, ast.Or):
            test = f"({test})"
        out += node_candidate(ctx, loop.test, " and ".join([*bounds, test]), "the loop also stops at the end of "
                              f"{', '.join(f'`{s.value.id}`' for s in subs)} instead of indexing past it", 0.87)
    return out


def clamped_divisors(ctx: FixContext) -> list[Candidate]:
    """`per_page = min(per_page, 100)` clamps only from above; a zero divisor needs `max(1, ...)` too."""
    if ctx.tree is None or ctx.line is None or ctx.error_class != "zero_division":
        return []
    out: list[Candidate] = []
    for line in data_sources(ctx.tree, ctx.line):
        stmt = statement_at(ctx.tree, line)
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call) and \
                ast.unparse(stmt.value.func) == "min":
            out += node_candidate(ctx, stmt.value, f"max(1, {ast.unparse(stmt.value)})", "the value is clamped from below "
                                                                               "as well (at least 1)", 0.86)
    return out


def padded_fields(ctx: FixContext) -> list[Candidate]:
    """`parts[2]` of a version written `2.31`: pad the list with zeros to the fields it is read as."""
    if ctx.tree is None or ctx.line is None or ctx.error_class != "index_error":
        return []
    stmt = statement_at(ctx.tree, ctx.line)
    subs = [n for n in ast.walk(stmt) if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)
            and isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, int)] if stmt else []
    out: list[Candidate] = []
    for name in dict.fromkeys(s.value.id for s in subs):
        want = max(s.slice.value for s in subs if s.value.id == name) + 1
        pad = indent_of(ctx.lines[stmt.lineno - 1])
        code = insert_lines(ctx.code, stmt.lineno, [f"{pad}{name} = list({name}) + [0] * ({want} - len({name}))"])
        out.append(Candidate(code, "template", f"line {stmt.lineno}: `{name}` is padded with zeros to "
                             f"the {want} fields read from it", 0.84))
    return out + _optional_fields(ctx, stmt, subs)


def _optional_fields(ctx: FixContext, stmt: ast.stmt | None, subs: list[ast.Subscript]) -> list[Candidate]:
    """`int(old[1])` of `"7".split(",")`: a field written only when it differs from its default. Every read of
    a later field in the statement gets `... if len(old) > 1 else <default>`, for the usual defaults (0 and 1 of
    a number, else "", None and 0)."""
    late = [s for s in subs if s.slice.value >= 1]
    if stmt is None or not late:
        return []
    parents = {id(child): node for node in ast.walk(stmt) for child in ast.iter_child_nodes(node)}
    sites = []
    for sub in late:
        site: ast.expr = sub
        parent = parents.get(id(sub))
        if isinstance(parent, ast.Call) and len(parent.args) == 1 and parent.args[0] is sub and not parent.keywords:
            site = parent  # `int(old[1])` is what has the default
        sites.append((site, sub))
    numeric = all(isinstance(site, ast.Call) and isinstance(site.func, ast.Name)
                  and site.func.id in ("int", "float", "Decimal") for site, _ in sites)
    out: list[Candidate] = []
    for rank, default in enumerate(("0", "1") if numeric else ('""', "None", "0")):
        edits = [node_edit(ctx.lines, site, f"{ast.unparse(site)} if len({sub.value.id}) > {sub.slice.value} "
                                            f"else {default}") for site, sub in sites]
        code = apply_edits(ctx.code, edits)
        if code:
            fields = ", ".join(dict.fromkeys(f"`{ast.unparse(sub)}`" for _, sub in sites))
            out.append(Candidate(code, "template", f"line {stmt.lineno}: {fields} may be left out; it reads as "
                                 f"{default} then", 0.83 - 0.01 * rank))
    return out


def defaulted_next(ctx: FixContext) -> list[Candidate]:
    """`second = next(it)` inside a generator on an odd number of items: `next(it, None)`."""
    if ctx.tree is None or "StopIteration" not in ctx.message:
        return []
    out: list[Candidate] = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and ast.unparse(n.func) == "next"
                 and len(n.args) == 1):
        out += node_candidate(ctx, call, f"next({ast.unparse(call.args[0])}, None)", "a missing item is None instead of "
                                                                             "ending the generator with an error", 0.9)
    return out


def heap_tiebreakers(ctx: FixContext) -> list[Candidate]:
    """`heappush(heap, (priority, job))` compares the jobs on equal priorities: put a sequence number between
    (the class's `itertools.count()` when it has one)."""
    if ctx.tree is None or not _NONE_ORDER.search(ctx.message):
        return []
    counters = [ast.unparse(t) for s in ast.walk(ctx.tree) if isinstance(s, ast.Assign)
                and isinstance(s.value, ast.Call) and ast.unparse(s.value.func) in ("itertools.count", "count")
                for t in s.targets]
    out: list[Candidate] = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and ast.unparse(n.func).endswith(
            "heappush") and len(n.args) == 2 and isinstance(n.args[1], ast.Tuple) and len(n.args[1].elts) >= 2):
        elts = [ast.unparse(e) for e in call.args[1].elts]
        ties = [(f"next({c})", 0.92) for c in counters] or [(f"id({elts[-1]})", 0.7)]
        for tie, prior in ties:
            text = "(" + ", ".join([*elts[:-1], tie, elts[-1]]) + ")"
            out += node_candidate(ctx, call.args[1], text, f"equal priorities are ordered by `{tie}` instead of "
                                                           f"comparing the items", prior)
    return out


PROPOSERS: dict[str, list[Proposer]] = {
    # TypeErrors that mention NoneType are classified none_attribute.
    "none_attribute": [coalesced_receivers, assigned_mutators, none_sort_keys],
    "attribute_error": [sequence_items],
    "type_error": [assigned_mutators, decimal_floats, none_sort_keys, heap_tiebreakers],
    "value_error": [empty_defaults],
    "key_error": [safe_deletes],
    "name_error": [record_fields],
    "index_error": [lookahead_guards, padded_fields, bounded_while_tests],
    "zero_division": [clamped_divisors],
    "other_exception": [defaulted_next],
}
