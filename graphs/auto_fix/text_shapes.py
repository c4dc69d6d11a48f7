"""Text-shape repairs: a set-based dedupe that loses the input order, sort keys that compare digit strings as text
("B-10" before "B-9"), numbers that lose their leading zeros ("2134" for "02134"), and CSV lines split on the
delimiter although quoted fields may contain it, and truncations that forget the room of the marker they append.

Registered through `PROPOSERS`; `propose.TEMPLATE_MODULES` lists this module.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import apply_edits, enclosing_function, node_edit
from graphs.auto_fix.name_fixes import with_import
from graphs.auto_fix.propose_types import Proposer

MAX_CANDIDATES = 4
_Func = ast.FunctionDef | ast.AsyncFunctionDef
_DIGIT_NAMES = frozenset({"number", "num", "digits", "n", "seq", "version", "minor", "major", "patch"})
_MATCHERS = ("match", "search", "fullmatch", "compile", "finditer")
_SPLITS = ("split", "rsplit", "partition", "rpartition")
_INTS = ("int", "len", "round")
_LITERAL = re.compile(r"""'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|(?<![\w.'"])(\d+)(?![\w.'"])""")
_OPEN = re.compile(r"(?<!\\)\((?:\?P<|(?!\?))")  # an opening capturing parenthesis
_GROUP = re.compile(r"(?<!\\)\((?:\?P<(\w+)>)?([^()]*)\)")  # an innermost group: (name, body)
_DELIMS = {",": ",", ";": ";", "\t": r"(?:\t|\\t)"}  # delimiter -> how it shows in hints (a tab may be escaped)


def _candidate(ctx: FixContext, edits: list, why: str, prior: float, imports: str = "") -> list[Candidate]:
    code = apply_edits(ctx.code, edits) if edits else None
    code = with_import(code, ast.parse(code), imports) if code and imports else code
    return [Candidate(code, "template", why, prior)] if code else []


def _best(cands: list[Candidate]) -> list[Candidate]:
    """Distinct codes, highest prior first, at most MAX_CANDIDATES."""
    unique = {c.code: c for c in sorted(cands, key=lambda c: c.prior)}
    return sorted(unique.values(), key=lambda c: -c.prior)[:MAX_CANDIDATES]


def _name(node: ast.AST | None) -> str | None:
    """`f` for calls `f(...)` and `x.f(...)`, else None."""
    func = node.func if isinstance(node, ast.Call) else None
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _own(scope: ast.AST) -> Iterator[ast.AST]:
    """Nodes of a function (or lambda) body, not those of the functions, lambdas and classes nested in it."""
    todo = list(scope.body) if isinstance(scope, _Func) else [scope.body]  # type: ignore[attr-defined]
    while todo:
        node = todo.pop(0)
        yield node
        todo += [c for c in ast.iter_child_nodes(node) if not isinstance(c, _Func | ast.Lambda | ast.ClassDef)]


def _focus(ctx: FixContext, tested: bool = False) -> list[_Func]:
    """Functions the tests call (when `tested`), those on the suspicious lines, and the module functions they call."""
    funcs = {n.name: n for n in ast.walk(ctx.tree) if isinstance(n, _Func)}
    out = [funcs[n] for n in re.findall(r"\b([A-Za-z_]\w*)\s*\(", ctx.hints) if n in funcs] if tested else []
    out += [f for f in (enclosing_function(ctx.tree, n) for n in [*ctx.suspicious[:5], ctx.line]) if f is not None]
    out += [funcs[_name(c)] for f in list(out) for c in ast.walk(f) if _name(c) in funcs]  # type: ignore[index]
    return list(dict.fromkeys(out))


def _bindings(scope: ast.AST) -> dict[str, tuple[ast.expr, int | None]]:
    """name -> (assigned value, position when unpacked from a tuple) for the simple assignments in `scope`."""
    out: dict[str, tuple[ast.expr, int | None]] = {}
    for node in _own(scope):
        for target in node.targets if isinstance(node, ast.Assign) else []:
            if isinstance(target, ast.Name):
                out[target.id] = (node.value, None)
            elif isinstance(target, ast.Tuple):
                out.update((t.id, (node.value, i)) for i, t in enumerate(target.elts) if isinstance(t, ast.Name))
    return out


def _is_set(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "set" \
        and len(node.args) == 1 and not node.keywords


def ordered_dedupes(ctx: FixContext) -> list[Candidate]:
    """`list(set(xs))` / `for x in set(xs)` lose the input order (unless sorted): `dict.fromkeys(xs)` keeps it."""
    if ctx.tree is None:
        return []
    in_sorted = {id(a) for n in ast.walk(ctx.tree) if _name(n) == "sorted" for a in n.args}  # type: ignore
    focus = _focus(ctx)
    out: list[Candidate] = []
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("list", "tuple") \
                and len(node.args) == 1 and _is_set(node.args[0]) and id(node) not in in_sorted:
            target, text = node, f"{node.func.id}(dict.fromkeys({ast.unparse(node.args[0].args[0])}))"  # type: ignore
        elif isinstance(node, ast.For | ast.comprehension) and _is_set(node.iter):
            target, text = node.iter, f"dict.fromkeys({ast.unparse(node.iter.args[0])})"  # type: ignore[attr-defined]
        elif isinstance(node, ast.For | ast.comprehension) and _name(node.iter) == "sorted" \
                and len(node.iter.args) == 1 and _is_set(node.iter.args[0]):  # type: ignore[attr-defined]
            # `for x in sorted(set(xs))` where the caller's order is the spec: walk xs as given, without repeats.
            target, text = node.iter, f"dict.fromkeys({ast.unparse(node.iter.args[0].args[0])})"  # type: ignore
        else:
            continue
        prior = 0.7 if enclosing_function(ctx.tree, target.lineno) in focus else 0.55
        out += _candidate(ctx, [node_edit(ctx.lines, target, text)], f"line {target.lineno}: a set dedupe loses "
                          "the input order; dict.fromkeys keeps it", prior)
    return _best(out)


def _digit_groups(pattern: str) -> set[int | str]:
    """Numbers and names of the capturing groups of `pattern` that match digits only (`(\\d+)`, `(?P<n>[0-9]*)`)."""
    out: set[int | str] = set()
    for m in _GROUP.finditer(pattern):
        try:
            digits = bool(re.fullmatch(m[2], "12")) and not any(re.fullmatch(m[2], t) for t in ("a", "1a", "-"))
        except re.error:
            continue
        if digits and (m[1] or not pattern.startswith("(?", m.start())):
            out |= {len(_OPEN.findall(pattern, 0, m.start())) + 1, *([m[1]] if m[1] else [])}
    return out


def _patterns(tree: ast.Module, scope: ast.AST) -> set[int | str]:
    """Digit groups of the regexes `scope` matches with (literals, or module-level `X = re.compile(...)`)."""
    compiled = {t.id: n.value for n in tree.body if isinstance(n, ast.Assign) and _name(n.value) == "compile"
                for t in n.targets if isinstance(t, ast.Name)}
    calls = [n for n in _own(scope) if _name(n) in _MATCHERS]
    calls += [compiled[n.id] for n in _own(scope) if isinstance(n, ast.Name) and n.id in compiled]
    texts = [c.args[0].value for c in calls if c.args and isinstance(c.args[0], ast.Constant)]  # type: ignore
    return {g for t in texts if isinstance(t, str) for g in _digit_groups(t)}


def _digit_kind(expr: ast.expr, groups: set[int | str], binds: dict) -> str | None:
    """"regex" (a digit group), "name" (`num`, `major`, ...) or "split" (a split part) when `expr` holds digits."""
    def source(node: ast.AST) -> str | None:  # the call a name was assigned from
        return _name(binds.get(node.id, (None,))[0]) if isinstance(node, ast.Name) else None

    def group_key(node: ast.AST | None) -> object:  # k of `m.group(k)` / `m[k]`
        if _name(node) == "group" and len(node.args) == 1 and isinstance(node.args[0], ast.Constant):  # type: ignore
            return node.args[0].value  # type: ignore[union-attr]
        sub = isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) \
            and source(node.value) in _MATCHERS
        return node.slice.value if sub else None  # type: ignore[union-attr]

    if group_key(expr) in groups:
        return "regex"
    if isinstance(expr, ast.Subscript):  # a part of a split: `s.split("-")[1]`, `parts[1]`
        return "split" if _name(expr.value) in _SPLITS or source(expr.value) in _SPLITS else None
    value, pos = binds.get(expr.id, (None, None)) if isinstance(expr, ast.Name) else (expr, None)
    if not isinstance(expr, ast.Name) or _name(value) in (*_INTS, "float") or isinstance(value, ast.Constant):
        return None
    if group_key(value) in groups or pos is not None and _name(value) == "groups" and pos + 1 in groups:
        return "regex"
    if _DIGIT_NAMES & set(expr.id.lower().split("_")):
        return "name"
    unpacked = pos is not None and _name(value) in _SPLITS  # `prefix, part = s.split("-")`
    return "split" if unpacked or isinstance(value, ast.Subscript) and _digit_kind(value, groups, binds) else None


def _key_scopes(tree: ast.Module) -> list[ast.AST]:
    """Functions used as `key=` or named *key* / *_order*, and `key=lambda ...`."""
    keys = [k.value for n in ast.walk(tree) if isinstance(n, ast.Call) for k in n.keywords if k.arg == "key"]
    used = {k.id for k in keys if isinstance(k, ast.Name)}
    return [f for f in ast.walk(tree) if isinstance(f, _Func) and (f.name in used or "key" in f.name.lower()
            or f.name.lower().endswith("_order"))] + [k for k in keys if isinstance(k, ast.Lambda)]


def _split_parts(value: ast.expr) -> list[tuple[ast.expr, str]]:
    """`s.split(".")` / `tuple(s.split("."))` / `tuple(p for p in s.split("."))` -> the edit converting each part."""
    inner = value.args[0] if _name(value) in ("tuple", "list") and value.args else value  # type: ignore[attr-defined]
    if _name(inner) in ("split", "rsplit"):
        text = ast.unparse(inner)
        return [(value, f"tuple(int(part) for part in {text})" if inner is not value else f"[int(p) for p in {text}]")]
    if isinstance(inner, ast.GeneratorExp | ast.ListComp) and isinstance(inner.elt, ast.Name) \
            and len(inner.generators) == 1 and ast.unparse(inner.generators[0].target) == inner.elt.id \
            and _name(inner.generators[0].iter) in _SPLITS:
        return [(inner.elt, f"int({inner.elt.id})")]
    return []


_TEXT_FIELD = re.compile(r"""["'](\w+)["']\s*:\s*["']-?\d+["']""")  # `"age": "9"` in the tests' records


def _text_field(expr: ast.expr, texty: set[str]) -> str | None:
    """"data" for `r["age"]` when the tests' records hold that field as digit strings."""
    key = expr.slice if isinstance(expr, ast.Subscript) else None
    return "data" if isinstance(key, ast.Constant) and key.value in texty else None


def numeric_key_parts(ctx: FixContext) -> list[Candidate]:
    """A sort/min/max key returns digit strings, which compare as text ("10" < "9"): `int(x)` / `int(x) if x else 0`."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    texty = set(_TEXT_FIELD.findall(ctx.hints))
    for scope in _key_scopes(ctx.tree):
        groups, binds = _patterns(ctx.tree, scope), _bindings(scope)
        params = {a.arg for a in scope.args.args}  # type: ignore[attr-defined]
        values = [scope.body] if isinstance(scope, ast.Lambda) else \
            [r.value for r in _own(scope) if isinstance(r, ast.Return) and r.value is not None]
        for value in values:
            why = f"line {value.lineno}: the key compared digit strings as text; they now compare as numbers"
            for target, text in _split_parts(value):
                out += _candidate(ctx, [node_edit(ctx.lines, target, text)], why, 0.75)
            elts = value.elts if isinstance(value, ast.Tuple | ast.List) else [value]
            kinds = [(e, _text_field(e, texty) or _digit_kind(e, groups, binds)) for e in elts
                     if ast.unparse(e) not in params]  # not the item
            strong = [e for e, k in kinds if k in ("regex", "name", "data")]
            weak = [e for e, k in kinds if k == "split"]
            sets = [strong] if strong else []
            sets += [[*strong, *weak]] + ([[w] for w in weak] if len(weak) > 1 or strong else []) if weak else []
            for i, chosen in enumerate(dict.fromkeys(tuple(s) for s in sets)):
                for j, form in enumerate(("int({0})", "int({0}) if {0} else 0")):
                    edits = [node_edit(ctx.lines, e, form.format(ast.unparse(e))) for e in chosen]
                    out += _candidate(ctx, edits, why, (0.78 if strong else 0.65) * 0.95 ** i * 0.98 ** j)
    return _best(out)


def _padding(short: str, long: str) -> int | None:
    """Width of the digit run of `long` that is `short`'s run left-padded with zeros (all else equal)."""
    a, b = re.split(r"(\d+)", short), re.split(r"(\d+)", long)
    pairs = list(zip(a, b, strict=True)) if len(a) == len(b) and short != long else []
    padded = bool(pairs) and all(x == y or i % 2 and len(y) > len(x) and y == x.zfill(len(y))
                                 for i, (x, y) in enumerate(pairs))
    return max(len(y) for x, y in pairs if x != y) if padded else None


def _is_int(expr: ast.expr, func: _Func, binds: dict) -> bool:
    """True when `expr` is an int: an `int`-annotated parameter, `int(...)`/`len(...)`, or a name bound to one."""
    params = {a.arg: a.annotation for a in func.args.args}
    if isinstance(expr, ast.Name) and expr.id in params:
        return isinstance(params[expr.id], ast.Name) and params[expr.id].id == "int"  # type: ignore[union-attr]
    if isinstance(expr, ast.Name) and expr.id in binds and binds[expr.id][1] is None:
        return _is_int(binds[expr.id][0], func, {})
    return _name(expr) in _INTS or isinstance(expr, ast.Constant) and type(expr.value) is int


def _padded_field(text: ast.JoinedStr, field: ast.FormattedValue, func: _Func, binds: dict, width: int) -> str:
    """Source of f-string `text` with `field` zero-padded: `{x:05d}` for an int, else `{str(x).zfill(5)}`."""
    new = ast.FormattedValue(field.value, -1, ast.JoinedStr([ast.Constant(f"0{width}d")]))
    if not _is_int(field.value, func, binds):
        new = ast.FormattedValue(ast.parse(f"str({ast.unparse(field.value)}).zfill({width})", mode="eval").body, -1)
    return ast.unparse(ast.JoinedStr([new if v is field else v for v in text.values]))


def _pad_edits(ret: ast.expr, func: _Func, actual: str, expected: str, width: int) -> list[tuple[ast.expr, str]]:
    """Where `return ret` can pad its number: the whole value, or the f-string fields that printed the digits."""
    binds = _bindings(func)
    if isinstance(ret, ast.JoinedStr):
        fields = [v for v in ret.values if isinstance(v, ast.FormattedValue) and v.format_spec is None]
        shape = "".join(re.escape(v.value) if isinstance(v, ast.Constant) else "(.*?)" for v in ret.values)
        got, want = re.fullmatch(shape, actual), re.fullmatch(shape, expected)
        known = got and want and len(fields) == len(got.groups())  # else: no telling which field printed it
        hits = [f for i, f in enumerate(fields) if not known or got[i + 1] != want[i + 1]]  # type: ignore[index]
        return [(ret, _padded_field(ret, f, func, binds, width)) for f in hits[:2]]
    text = ast.unparse(ret)
    if isinstance(ret, ast.Name) and _is_int(ret, func, binds):
        return [(ret, f'f"{{{text}:0{width}d}}"')]
    if _name(ret) == "str" or isinstance(ret, ast.Name) and _name(binds.get(ret.id, (None,))[0]) == "str":
        return [(ret, f"{text}.zfill({width})")]
    if isinstance(ret, ast.Name | ast.Subscript | ast.Attribute | ast.Call) and actual.isdigit():
        return [(ret, f"str({text}).zfill({width})")]
    return []


def padded_numbers(ctx: FixContext) -> list[Candidate]:
    """The tests expect "02134" / "007" but get "2134" / "7": zero-pad what the functions under test return."""
    if ctx.tree is None:
        return []
    found: list[tuple[str, str, int]] = []  # (actual, expected, width): literals on one line, one zero-padded
    for line in f"{ctx.message}\n{ctx.hints}".splitlines():
        values = [next(v for v in m.groups() if v is not None) for m in _LITERAL.finditer(line)]
        found += [(a, b, w) for a in values for b in values if (w := _padding(a, b)) and (a, b, w) not in found]
    funcs = {n.name for n in ast.walk(ctx.tree) if isinstance(n, _Func)}
    out: list[Candidate] = []
    for func in _focus(ctx, tested=True)[:3] if found else []:
        for ret in (r for r in _own(func) if isinstance(r, ast.Return) and r.value is not None):
            if _name(ret.value) in funcs:
                continue  # the callee on the return path pads
            for actual, expected, width in found[:2]:
                for node, text in _pad_edits(ret.value, func, actual, expected, width):
                    out += _candidate(ctx, [node_edit(ctx.lines, node, text)], f"line {ret.lineno}: the number "
                                      f"lost its leading zeros; it is now padded to {width} digits", 0.75)
    return _best(out)


def csv_splits(ctx: FixContext) -> list[Candidate]:
    """`line.split(",")` breaks quoted fields (`"Smith, John"`): `next(csv.reader([line]))`, each split or all."""
    if ctx.tree is None:
        return []
    imports = "" if re.search(r"(?m)^import csv\s*$", ctx.code) else "import csv"
    why = "a quoted field may hold the delimiter; csv.reader parses the line"
    # A quoted field holding the delimiter in the hints (`,"Smith, John",`), else the code or hints mention csv.
    mention = 0.65 if re.search(r"(?i)(?<![a-z])csv(?![a-z])", f"{ctx.code}\n{ctx.hints}") else None
    priors = {k: 0.75 if re.search(rf'{d}\\?"[^"\n]*{d}[^"\n]*\\?"|\\?"[^"\n]*{d}[^"\n]*\\?"{d}', ctx.hints)
              else mention for k, d in _DELIMS.items()}
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, _Func)):
        splits = []
        for n in _own(func):
            delim = n.args[0].value if _name(n) == "split" and isinstance(n.func, ast.Attribute) and len(n.args) == 1 \
                and not n.keywords and isinstance(n.args[0], ast.Constant) else None  # type: ignore[attr-defined]
            if delim in _DELIMS and (prior := priors[delim]):
                option = "" if delim == "," else f", delimiter={delim!r}"
                splits.append((n, f"next(csv.reader([{ast.unparse(n.func.value)}]{option}))", prior, delim))
        commas = [node_edit(ctx.lines, n, t) for n, t, _, d in splits if d == ","]
        if len(commas) > 1:
            out += _candidate(ctx, commas, f"{func.name}: {why}", max(s[2] for s in splits) + 0.03, imports)
        for n, text, prior, _ in splits:
            out += _candidate(ctx, [node_edit(ctx.lines, n, text)], f"line {n.lineno}: {why}", prior, imports)
    return _best(out)


def _cut(node: ast.expr) -> ast.Subscript | None:
    """The `text[:limit]` inside `text[:limit]` or `text[:limit].rstrip()`."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
            "rstrip", "strip", "lstrip"):
        node = node.func.value
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice) and node.slice.lower is None \
            and node.slice.upper is not None and node.slice.step is None:
        return node
    return None


def overlong_truncations(ctx: FixContext) -> list[Candidate]:
    """`text[:limit] + "…"` is one marker longer than `limit`: the cut leaves room for what is appended
    (`text[:limit - len(marker)]`)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for node in ast.walk(ctx.tree):
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)):
            continue
        cut, tail = _cut(node.left), node.right
        if cut is None or not (isinstance(tail, ast.Name | ast.Attribute) or (
                isinstance(tail, ast.Constant) and isinstance(tail.value, str) and tail.value)):
            continue
        upper = cut.slice.upper
        room = str(len(tail.value)) if isinstance(tail, ast.Constant) else f"len({ast.unparse(tail)})"
        bound = ast.unparse(upper)
        text = f"({bound}) - {room}" if isinstance(upper, ast.BinOp) else f"{bound} - {room}"
        code = apply_edits(ctx.code, [node_edit(ctx.lines, upper, text)])
        if code:
            out.append(Candidate(code, "template", f"line {node.lineno}: the text is cut at `{text}` so that "
                                 f"`{ast.unparse(tail)}` still fits in `{bound}`", 0.84))
    return out[:MAX_CANDIDATES]


_TEMPLATES: list[Proposer] = [ordered_dedupes, numeric_key_parts, padded_numbers, csv_splits, overlong_truncations]
PROPOSERS: dict[str, list[Proposer]] = {cls: list(_TEMPLATES) for cls in ("wrong_output", "assertion_error")}
