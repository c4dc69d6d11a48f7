"""More gotcha repairs: printf-style `%` formatting and precision-only format specs, properties that read or
write themselves, one-shot iterators consumed twice, and datetime pitfalls (`timedelta.seconds`, naive vs aware).
Registered through `gotcha_fixes.PROPOSERS`."""

from __future__ import annotations

import ast
import copy
import re

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import Edit, apply_edits, indent_of, insert_after, node_edit
from graphs.auto_fix.propose_types import Proposer

_SPEC = re.compile(r"%(\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])")
_PRECISION_ONLY = re.compile(r"(?<=:)((?:.?[<>^=])?[+\- ]?#?0?\d*[,_]?\.\d+)(?=\})")
_TEXTY = re.compile(r"name|label|title|text|desc|str|msg|message|word|line|key|code|path|sku|\bs\b", re.IGNORECASE)
_EXPONENT = re.compile(r"\d[eE][+-]\d\d\b")


def _specs(text: str) -> int | None:
    """Positional conversions in a printf format (None when it uses `%(name)s` mapping keys)."""
    found = [m for m in _SPEC.finditer(text) if m.group(2) != "%"]
    return None if any(m.group(1) for m in found) else len(found)


def _fmt(node: ast.expr) -> int | None:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) \
            and isinstance(node.left.value, str) and not isinstance(node.right, ast.Tuple | ast.Dict):
        return _specs(node.left.value)
    return None


def _merge(ctx: FixContext, fmt: ast.BinOp, rest: list[ast.expr], span: ast.AST | None) -> str | None:
    values = ", ".join(ast.unparse(v) for v in [fmt.right, *rest])
    text = f"{ast.unparse(fmt.left)} % ({values}{',' if not rest else ''})"
    if span is not None:
        return apply_edits(ctx.code, [node_edit(ctx.lines, span, text)])
    first, last = fmt, rest[-1]
    return apply_edits(ctx.code, [Edit(first.lineno, node_edit(ctx.lines, first, "").col, last.end_lineno or 0,
                                       node_edit(ctx.lines, last, "").end_col, text)])


def printf_arguments(ctx: FixContext) -> list[Candidate]:
    """`"%s=%s" % k, v` builds a tuple (or passes two arguments) instead of formatting both: `% (k, v)`;
    a single tuple value for one `%s` ("not all arguments converted") → `% (value,)`."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for node in ast.walk(ctx.tree):
        groups = [(node.elts, node)] if isinstance(node, ast.Tuple) else \
            [(node.args, None)] if isinstance(node, ast.Call) else []
        for elts, span in groups:
            for i, elt in enumerate(elts):
                n = _fmt(elt)
                rest = elts[i + 1:]
                if n and n >= 2 and len(rest) == n - 1 and (span is None or i == 0) \
                        and not any(isinstance(r, ast.Starred) for r in rest):
                    if code := _merge(ctx, elt, rest, span):
                        out.append(Candidate(code, "template", f"line {elt.lineno}: `%` binds tighter than `,`: "
                                             f"the {n} values must be one tuple after `%`", 0.9))
    if "not all arguments converted" in ctx.message:
        for node in ast.walk(ctx.tree):
            if _fmt(node) == 1 and (node.lineno in {ctx.line, *ctx.suspicious[:4]} or not ctx.line):
                code = _merge(ctx, node, [], node)  # type: ignore[arg-type]
                if code:
                    out.append(Candidate(code, "template", f"line {node.lineno}: a tuple formatted with one `%s` is "
                                         "unpacked into several arguments: wrapped it as `(value,)`", 0.85))
    return out[:4]


def _typed_fstring(node: ast.JoinedStr) -> str | None:
    """The f-string with `f` added to precision-only specs of values that don't look like text."""
    changed, node = False, copy.deepcopy(node)  # the context's tree is shared with other proposers
    for part in node.values:
        spec = part.format_spec if isinstance(part, ast.FormattedValue) else None
        if not (isinstance(spec, ast.JoinedStr) and len(spec.values) == 1 and isinstance(spec.values[0], ast.Constant)):
            continue
        text = spec.values[0].value
        if re.fullmatch(_PRECISION_ONLY.pattern.replace("(?<=:)", "").replace("(?=\\})", ""), text) \
                and not _TEXTY.search(ast.unparse(part.value)):
            spec.values[0].value, changed = text + "f", True
    return ast.unparse(node) if changed else None


def format_precisions(ctx: FixContext) -> list[Candidate]:
    """A float format spec with a precision but no type (`{x:>9.2}`) means significant digits and switches to
    scientific notation (`1.2e+02`): add `f`. Only on suspicious lines, or when the output shows an exponent."""
    if ctx.tree is None:
        return []
    exponent = bool(_EXPONENT.search(ctx.message + "\n" + ctx.hints))
    lines = set(ctx.suspicious[:6]) | ({ctx.line} if ctx.line else set())
    if not exponent and not lines:
        return []
    edits: list[tuple[int, Edit]] = []
    specs = {id(n.format_spec) for n in ast.walk(ctx.tree) if isinstance(n, ast.FormattedValue)}
    for node in ast.walk(ctx.tree):
        target = node if isinstance(node, ast.JoinedStr) and id(node) not in specs else node.func.value if isinstance(node, ast.Call) \
            and isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
            and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str) else None
        if target is None and isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "format" and len(node.args) == 2 and isinstance(node.args[1], ast.Constant) \
                and isinstance(node.args[1].value, str) and re.fullmatch(r"[^{}]*\.\d+", node.args[1].value):
            edits.append((node.lineno, node_edit(ctx.lines, node.args[1], repr(node.args[1].value + "f"))))
            continue
        if target is None or (not exponent and target.lineno not in lines):
            continue
        segment = ast.get_source_segment(ctx.code, target)
        new = _typed_fstring(target) if isinstance(target, ast.JoinedStr) else \
            _PRECISION_ONLY.sub(r"\1f", segment) if segment else None
        if new and new != segment:
            edits.append((target.lineno, node_edit(ctx.lines, target, new)))
    out: list[Candidate] = []
    prior = 0.88 if exponent else 0.6
    combos = ([[e for _, e in edits]] if len(edits) > 1 else []) + [[e] for _, e in edits[:3]]
    for combo in combos:
        code = apply_edits(ctx.code, combo)
        if code:
            out.append(Candidate(code, "template", f"line {combo[0].line}: a format precision without a type "
                                 "(`.2`) counts significant digits and may print `1.2e+02`: added `f` for "
                                 "fixed-point", prior))
    return out[:4]


def _self_attr(node: ast.AST, self_name: str, attr: str) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == attr and isinstance(node.value, ast.Name) \
        and node.value.id == self_name


def property_recursion(ctx: FixContext) -> list[Candidate]:
    """A property getter returning `self.x` (or a setter assigning `self.x`) calls itself forever: use the
    backing attribute `self._x`; without a setter, `self.x = ...` elsewhere fails, so it stores `_x` too."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for cls in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.ClassDef)):
        methods = [f for f in cls.body if isinstance(f, ast.FunctionDef) and f.args.args]
        getters = {f.name: f for f in methods if any(isinstance(d, ast.Name) and d.id == "property"
                                                     for d in f.decorator_list)}
        for name, getter in getters.items():
            accessors = [f for f in methods if f is getter or any(
                isinstance(d, ast.Attribute) and isinstance(d.value, ast.Name) and d.value.id == name
                for d in f.decorator_list)]
            has_setter = len(accessors) > 1
            edits = [node_edit(ctx.lines, n, f"{f.args.args[0].arg}._{name}") for f in accessors
                     for n in ast.walk(f) if _self_attr(n, f.args.args[0].arg, name)]
            recursive = bool(edits)
            if not has_setter:
                edits += [node_edit(ctx.lines, n, f"{f.args.args[0].arg}._{name}") for f in methods
                          if f not in accessors for n in ast.walk(f)
                          if _self_attr(n, f.args.args[0].arg, name) and isinstance(n.ctx, ast.Store)]
            code = apply_edits(ctx.code, edits) if edits else None
            if code:
                why = "reads or writes itself (infinite recursion)" if recursive else "has no setter"
                out.append(Candidate(code, "template", f"line {getter.lineno}: property `{name}` {why}: its "
                                     f"value lives in the backing attribute `self._{name}`",
                                     0.9 if recursive or "setter" in ctx.message or "set attribute" in ctx.message
                                     else 0.6))
    return out[:4]


_ONE_SHOT = frozenset({"map", "filter", "zip", "iter", "reversed", "enumerate", "finditer", "islice", "chain",
                       "groupby", "accumulate", "starmap", "pairwise", "compress", "takewhile", "dropwhile",
                       "filterfalse", "zip_longest", "product", "permutations", "combinations"})
_DRAINS = frozenset({"list", "tuple", "set", "sorted", "sum", "max", "min", "any", "all", "dict", "frozenset",
                     "Counter", "mean", "median", "fmean", "stdev", "join", "deque", "len", "enumerate", "zip"})
_NEEDS_SEQUENCE = re.compile(r"'(generator|map|filter|zip|enumerate|itertools\.\w+|list_reverseiterator|\w+_iterator)"
                             r"' object is not (?:subscriptable|reversible)|object of type '(\w+)' has no len\(\)")


def _callee(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _uses(func: ast.AST, name: str, strict: bool) -> list[ast.AST]:
    """Where `name` is iterated or drained (and, when not `strict`, indexed/len'd, which a one-shot can't be)."""
    out: list[ast.AST] = []
    for n in ast.walk(func):
        if isinstance(n, ast.For | ast.comprehension) and isinstance(n.iter, ast.Name) and n.iter.id == name:
            out.append(n)
        elif isinstance(n, ast.Call) and _callee(n) in _DRAINS and any(
                isinstance(a, ast.Name) and a.id == name for a in n.args):
            out.append(n)
        elif isinstance(n, ast.Compare) and any(isinstance(op, ast.In | ast.NotIn) for op in n.ops) and any(
                isinstance(c, ast.Name) and c.id == name for c in n.comparators):
            out.append(n)
        elif not strict and isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id == name:
            out.append(n)
    return out


def _materialized(value: ast.expr) -> str:
    if isinstance(value, ast.GeneratorExp):
        return ast.unparse(ast.ListComp(elt=value.elt, generators=value.generators))
    return f"list({ast.unparse(value)})"


def exhausted_iterators(ctx: FixContext) -> list[Candidate]:
    """A generator expression, `map`/`filter`/`zip`/`iter(...)` or generator-function call bound to a name and
    consumed twice leaves the second pass empty ("max() arg is an empty sequence", zero counts): build a list."""
    if ctx.tree is None:
        return []
    generators = {f.name for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef) and any(
        isinstance(n, ast.Yield | ast.YieldFrom) for n in ast.walk(f))}
    needs_sequence = bool(_NEEDS_SEQUENCE.search(ctx.message))
    out: list[Candidate] = []
    scopes = [f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)] + [ctx.tree]
    for scope in scopes:
        stmts = scope.body if isinstance(scope, ast.Module) else list(ast.walk(scope))
        for stmt in stmts:
            if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
                continue
            value, name = stmt.value, stmt.targets[0].id
            if not (isinstance(value, ast.GeneratorExp) or isinstance(value, ast.Call) and (
                    _callee(value) in _ONE_SHOT or _callee(value) in generators)):
                continue
            uses = _uses(scope, name, strict=not needs_sequence)
            if len(uses) >= 2 or (needs_sequence and uses):
                if code := apply_edits(ctx.code, [node_edit(ctx.lines, value, _materialized(value))]):
                    out.append(Candidate(code, "template", f"line {stmt.lineno}: `{name}` is a one-shot iterator "
                                         "used more than once (later passes see nothing): built a list instead",
                                         0.88))
    return out[:4]


_DELTA_NAME = re.compile(r"delta|elapsed|duration|age|diff|gap|span|interval|remaining|wait|lag|uptime|ttl|"
                         r"timeout|period|since|until", re.IGNORECASE)


def _is_timedelta(scope: ast.AST, value: ast.expr) -> bool:
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Sub):
        return True
    if isinstance(value, ast.Call) and _callee(value) == "timedelta":
        return True
    if isinstance(value, ast.Name | ast.Attribute):
        name = value.id if isinstance(value, ast.Name) else value.attr
        assigned = [a.value for a in ast.walk(scope) if isinstance(a, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in a.targets)]
        return any(_is_timedelta(scope, v) for v in assigned if not isinstance(v, ast.Name | ast.Attribute)) \
            or (not assigned and bool(_DELTA_NAME.search(name)))
    return False


def timedelta_seconds(ctx: FixContext) -> list[Candidate]:
    """`delta.seconds` is only the seconds part (0..86399) and drops whole days: `delta.total_seconds()`
    (unless the same statement also adds `delta.days`)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for stmt in (s for s in ast.walk(ctx.tree) if isinstance(s, ast.Assign | ast.AugAssign | ast.AnnAssign |
                                                                 ast.Return | ast.Expr)):
        parts = [n for n in ast.walk(stmt) if isinstance(n, ast.Attribute) and n.attr == "seconds"
                 and isinstance(n.ctx, ast.Load)]
        days = {ast.unparse(n.value) for n in ast.walk(stmt) if isinstance(n, ast.Attribute) and n.attr == "days"}
        for node in parts:
            if ast.unparse(node.value) in days or not _is_timedelta(ctx.tree, node.value):
                continue
            total = ast.unparse(node).removesuffix("seconds") + "total_seconds()"
            for text, prior in ((total, 0.85), (f"int({total})", 0.75)):
                if code := apply_edits(ctx.code, [node_edit(ctx.lines, node, text)]):
                    out.append(Candidate(code, "template", f"line {node.lineno}: `.seconds` drops whole days from a "
                                         f"timedelta: `{text}`", prior))
    return out[:4]


_NAIVE_MIX = re.compile(r"can't (?:compare|subtract) offset-naive and offset-aware")
_MAKERS = frozenset({"strptime", "fromisoformat", "fromtimestamp", "now", "today", "combine", "utcfromtimestamp"})


def _utc(tree: ast.Module) -> tuple[str, ast.ImportFrom | None]:
    """How this module names UTC, plus the `from datetime import ...` to extend with `timezone` (if any)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "datetime":
            names = {a.name: a.asname or a.name for a in node.names}
            return (f"{names['timezone']}.utc", None) if "timezone" in names else ("timezone.utc", node)
        if isinstance(node, ast.Import) and (alias := next((a for a in node.names if a.name == "datetime"), None)):
            return f"{alias.asname or 'datetime'}.timezone.utc", None
    return "", None


def _naive_sites(func: ast.AST) -> list[ast.Call]:
    out = []
    for n in ast.walk(func):
        if isinstance(n, ast.Call) and not any(k.arg in ("tz", "tzinfo") for k in n.keywords):
            f = n.func
            if isinstance(f, ast.Attribute) and f.attr in _MAKERS and "datetime" in ast.unparse(f.value) \
                    and not (f.attr in ("now", "fromtimestamp") and len(n.args) > (f.attr == "fromtimestamp")):
                out.append(n)
            elif ast.unparse(f) in ("datetime", "datetime.datetime") and len(n.args) < 8:
                out.append(n)
    return out


def naive_datetimes(ctx: FixContext) -> list[Candidate]:
    """Comparing or subtracting naive and aware datetimes fails: make the naive operand aware (UTC) right where
    it is created (`x.replace(tzinfo=timezone.utc)` when `x.tzinfo is None`), importing `timezone` if needed."""
    if ctx.tree is None or not _NAIVE_MIX.search(ctx.message):
        return []
    utc, imp = _utc(ctx.tree)
    if not utc:
        return []
    keep = ctx.code.splitlines(keepends=True)
    func = next((f for f in sorted(ast.walk(ctx.tree), key=lambda f: -getattr(f, "lineno", 0))
                 if isinstance(f, ast.FunctionDef) and ctx.line and f.lineno <= ctx.line <= (f.end_lineno or 0)),
                ctx.tree)
    fixes: list[tuple[Edit, str]] = []
    for call in _naive_sites(func):
        stmt = next((s for s in ast.walk(func) if isinstance(s, ast.Assign) and s.value is call and len(
            s.targets) == 1 and isinstance(s.targets[0], ast.Name)), None)
        if stmt is not None:
            x, pad = stmt.targets[0].id, indent_of(keep[stmt.lineno - 1])
            fixes.append((insert_after(keep, stmt.end_lineno or stmt.lineno, [
                f"{pad}if {x}.tzinfo is None:", f"{pad}    {x} = {x}.replace(tzinfo={utc})"]), x))
        else:
            fixes.append((node_edit(ctx.lines, call, f"{ast.unparse(call)}.replace(tzinfo={utc})"),
                          ast.unparse(call)))
    if isinstance(func, ast.FunctionDef) and ctx.line:  # naive values handed in as parameters
        params = {a.arg for a in func.args.args}
        compared = {n.id for c in ast.walk(func) if isinstance(c, ast.Compare | ast.BinOp)
                    and c.lineno == ctx.line for n in ast.walk(c) if isinstance(n, ast.Name) and n.id in params}
        first = func.body[0]
        at = first.end_lineno if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) else None
        pad = indent_of(keep[first.lineno - 1])
        for x in sorted(compared):
            lines = [f"{pad}if {x}.tzinfo is None:", f"{pad}    {x} = {x}.replace(tzinfo={utc})"]
            fixes.append((insert_after(keep, at, lines) if at else Edit(first.lineno, 0, first.lineno, 0, "\n".join(
                lines) + "\n"), x))
    extra = [node_edit(ctx.lines, imp, ast.unparse(ast.ImportFrom(module="datetime", names=[
        *imp.names, ast.alias(name="timezone")], level=0)))] if imp is not None else []
    out: list[Candidate] = []
    combos = ([fixes] if len(fixes) > 1 else []) + [[f] for f in fixes[:3]]
    for combo in combos:
        if code := apply_edits(ctx.code, [e for e, _ in combo] + extra):
            out.append(Candidate(code, "template", f"naive and aware datetimes were mixed: made "
                                 f"{', '.join(f'`{w}`' for _, w in combo)} aware (UTC)", 0.85))
    return out[:4]


PROPOSERS: dict[str, list[Proposer]] = {
    "type_error": [printf_arguments, exhausted_iterators, naive_datetimes],
    "recursion_error": [property_recursion],
    "attribute_error": [property_recursion],
    **{cls: [printf_arguments, format_precisions, property_recursion, exhausted_iterators, timedelta_seconds]
       for cls in ("wrong_output", "assertion_error", "unknown", "other_exception")},
    "value_error": [exhausted_iterators, timedelta_seconds],
    "zero_division": [exhausted_iterators, timedelta_seconds],
}
