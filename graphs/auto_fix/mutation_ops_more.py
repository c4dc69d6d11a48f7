"""General value-level mutation operators: regex patterns, text codecs, ordering, rounding, collection access and
string methods. Each is a speculative one-edit slip (priors 0.2–0.5); the tests decide. Same signature as
`mutation_ops.extra_mutations`, which calls `more_mutations`."""

from __future__ import annotations

import ast
import codecs
import copy
import re
from collections.abc import Callable
from functools import lru_cache

from graphs.auto_fix.edits import enclosing_function
from graphs.auto_fix.regex_variants import pattern_variants

MakeMutation = Callable[..., object]  # mutations._mk(lines, node, new, operator, prior, why)
Variant = tuple[float, str, ast.AST, ast.AST]  # prior, why, node replaced, replacement

_RE_FLAG_POS = {"compile": 1, "match": 2, "search": 2, "fullmatch": 2, "findall": 2, "finditer": 2, "split": 3,
                "sub": 4, "subn": 4}
_MAX_REGEX = 8
_CODEC_SWAPS = {"utf-8": ("utf-8-sig", "latin-1", "utf-16"), "ascii": ("utf-8", "latin-1"),
                "iso8859-1": ("utf-8", "cp1252"), "cp1252": ("utf-8", "latin-1"), "utf-8-sig": ("utf-8",),
                "utf-16": ("utf-8", "utf-8-sig")}
_STR_SWAPS = {"strip": (("rstrip", 0.35), ("lstrip", 0.25)), "rstrip": (("strip", 0.35), ("lstrip", 0.2)),
              "lstrip": (("strip", 0.35), ("rstrip", 0.2)), "startswith": (("endswith", 0.35),),
              "endswith": (("startswith", 0.35),), "find": (("rfind", 0.35),), "rfind": (("find", 0.35),),
              "partition": (("rpartition", 0.35),), "rpartition": (("partition", 0.35),),
              "lower": (("upper", 0.3), ("casefold", 0.2)), "upper": (("lower", 0.3),),
              "casefold": (("lower", 0.2),), "append": (("extend", 0.3),), "extend": (("append", 0.3),)}
# Functions that differ only in which side of equal values they take.
_SIDE_SWAPS = {"bisect_left": "bisect_right", "bisect_right": "bisect_left", "bisect": "bisect_left",
               "insort_left": "insort_right", "insort_right": "insort_left", "insort": "insort_left"}
_SEQ_CALLS = {"list", "tuple", "set", "str", "sorted", "frozenset"}
_MAP_CALLS = {"dict", "defaultdict", "Counter", "OrderedDict"}


@lru_cache(maxsize=8)
def _module(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except SyntaxError:
        return None


def _imports(lines: list[str]) -> tuple[bool, set[str]]:
    """(`import math` present, names imported `from re import ...`)."""
    tree = _module("\n".join(lines))
    math, from_re = False, set()
    for n in ast.walk(tree) if tree is not None else ():
        if isinstance(n, ast.Import):
            math = math or any(a.name == "math" and a.asname is None for a in n.names)
        elif isinstance(n, ast.ImportFrom) and n.module == "re":
            from_re |= {a.name for a in n.names if a.asname is None}
    return math, from_re


def function_at(lines: list[str], node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The function enclosing `node` in the module made of `lines` (parsed once per text)."""
    tree = _module("\n".join(lines))
    return enclosing_function(tree, getattr(node, "lineno", None)) if tree is not None else None


def _kind(lines: list[str], node: ast.AST, expr: ast.expr) -> str | None:
    """"seq" or "map" when `expr` is a name the enclosing function binds to a sequence or mapping, else None."""
    func = function_at(lines, node)
    if not isinstance(expr, ast.Name) or func is None:
        return None
    for n in ast.walk(func):
        value = None
        if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == expr.id for t in n.targets):
            value = n.value
        elif isinstance(n, ast.arg) and n.arg == expr.id and isinstance(n.annotation, ast.Name | ast.Subscript):
            ann = n.annotation.value if isinstance(n.annotation, ast.Subscript) else n.annotation
            return "map" if getattr(ann, "id", "") in ("dict", "Mapping") else \
                "seq" if getattr(ann, "id", "") in ("list", "str", "tuple", "set", "Sequence") else None
        if isinstance(value, ast.List | ast.ListComp | ast.Tuple | ast.Set | ast.SetComp | ast.JoinedStr) or (
                isinstance(value, ast.Constant) and isinstance(value.value, str)):
            return "seq"
        if isinstance(value, ast.Dict | ast.DictComp):
            return "map"
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            return "seq" if value.func.id in _SEQ_CALLS else "map" if value.func.id in _MAP_CALLS else None
    return None


def _call_name(node: ast.Call) -> tuple[str, str | None]:
    """(callee name, owner name for `owner.name(...)` calls or None for bare names)."""
    if isinstance(node.func, ast.Name):
        return node.func.id, None
    if isinstance(node.func, ast.Attribute):
        owner = node.func.value.id if isinstance(node.func.value, ast.Name) else ""
        return node.func.attr, owner
    return "", None


def _with_call(node: ast.Call, **changes: object) -> ast.Call:
    new = copy.deepcopy(node)
    for key, value in changes.items():
        setattr(new, key, value)
    return new


def _kw(node: ast.Call, name: str) -> ast.keyword | None:
    return next((k for k in node.keywords if k.arg == name), None)


def _regex(lines: list[str], node: ast.Call) -> list[Variant]:
    """Edits of a string constant passed as the pattern to an `re` function: valid regexes only, best first."""
    name, owner = _call_name(node)
    if name not in _RE_FLAG_POS or (owner != "re" and (owner is not None or name not in _imports(lines)[1])):
        return []
    pat = node.args[0] if node.args else getattr(_kw(node, "pattern"), "value", None)
    if not isinstance(pat, ast.Constant) or not isinstance(pat.value, str):
        return []
    found: list[Variant] = []
    for new_pat, prior, why in pattern_variants(pat.value, name):
        try:
            re.compile(new_pat)
        except re.error:
            continue
        if new_pat != pat.value:
            found.append((prior, why, pat, ast.Constant(new_pat)))
    if name == "match" and owner == "re":
        found.append((0.45, "the whole string must match", node.func, ast.Attribute(
            value=ast.Name(id="re", ctx=ast.Load()), attr="fullmatch", ctx=ast.Load())))
    has_flags = len(node.args) > _RE_FLAG_POS[name] or _kw(node, "flags") is not None
    if owner == "re" and not has_flags and re.search(r"[A-Za-z]", re.sub(r"\\.", "", pat.value)):
        flag = ast.keyword(arg="flags", value=ast.parse("re.IGNORECASE", mode="eval").body)
        found.append((0.3, "case-insensitive", node, _with_call(node, keywords=[*node.keywords, flag])))
    found.sort(key=lambda v: -v[0])
    unique = {ast.unparse(v[3]) + str(id(v[2])): v for v in reversed(found)}
    return sorted(unique.values(), key=lambda v: -v[0])[:_MAX_REGEX]


def _codec_args(node: ast.Call) -> list[ast.Constant]:
    """String constants in codec position: `.encode(c)`, `open(encoding=c)`, `str(b, c)`, `codecs.open(f, m, c)`."""
    name, owner = _call_name(node)
    spots = [k.value for k in node.keywords if k.arg == "encoding"]
    pos = {"encode": 0, "decode": 0, "read_text": 0, "str": 1, "bytes": 1}.get(name)
    if owner == "codecs":
        pos = {"open": 2, "encode": 1, "decode": 1}.get(name)
    if pos is not None and len(node.args) > pos:
        spots.append(node.args[pos])
    out = []
    for spot in spots:
        if isinstance(spot, ast.Constant) and isinstance(spot.value, str):
            try:
                codecs.lookup(spot.value)
            except LookupError:
                continue
            out.append(spot)
    return out


def _codecs(lines: list[str], node: ast.Call) -> list[Variant]:
    """Codec constants swapped among common text codecs; `errors=` added, swapped or removed."""
    spots = _codec_args(node)
    name, _ = _call_name(node)
    if not spots and not (name in ("encode", "decode") and not node.args and not node.keywords):
        return []
    out: list[Variant] = []
    for spot in spots:
        for alt in _CODEC_SWAPS.get(codecs.lookup(spot.value).name, ())[:3]:
            out.append((0.35 if alt == "utf-8" else 0.3, f"decode as {alt}", spot, ast.Constant(alt)))
    errors = _kw(node, "errors")
    if errors is None and len(node.args) < 2:
        for mode, prior in (("replace", 0.3), ("ignore", 0.25)):
            kw = ast.keyword(arg="errors", value=ast.Constant(mode))
            out.append((prior, f"undecodable characters {mode}d", node,
                        _with_call(node, keywords=[*node.keywords, kw])))
    elif errors is not None:
        out.append((0.3, "fail on bad characters", node,
                    _with_call(node, keywords=[k for k in node.keywords if k is not errors])))
        if isinstance(errors.value, ast.Constant) and errors.value.value in ("replace", "ignore"):
            other = "ignore" if errors.value.value == "replace" else "replace"
            out.append((0.25, f"undecodable characters {other}d", errors.value, ast.Constant(other)))
    return out


def _negated(expr: ast.expr) -> ast.expr:
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub):
        return expr.operand
    return ast.UnaryOp(op=ast.USub(), operand=copy.deepcopy(expr))


def _texty(expr: ast.expr) -> bool:
    return isinstance(expr, ast.JoinedStr) or (isinstance(expr, ast.Constant) and isinstance(expr.value, str)) or (
        isinstance(expr, ast.Call) and _call_name(expr)[0] in ("str", "lower", "upper", "casefold", "strip"))


def _ordering(node: ast.Call) -> list[Variant]:
    """`reverse=` toggled or added; min↔max, nlargest↔nsmallest; a tuple key component negated; a case-blind key."""
    name, owner = _call_name(node)
    out: list[Variant] = []
    if (name == "sorted" and owner is None) or (name == "sort" and owner is not None):
        rev = _kw(node, "reverse")
        if rev is None:
            kw = ast.keyword(arg="reverse", value=ast.Constant(True))
            out.append((0.4, "descending order", node, _with_call(node, keywords=[*node.keywords, kw])))
        elif isinstance(rev.value, ast.Constant):
            out.append((0.45, "the other order", rev.value, ast.Constant(not rev.value.value)))
    elif name in ("min", "max") and owner is None and (node.args or node.keywords):
        out.append((0.3, "the other extreme", node.func, ast.Name(id="max" if name == "min" else "min")))
    elif name in ("nlargest", "nsmallest") and owner == "heapq":
        other = "nsmallest" if name == "nlargest" else "nlargest"
        out.append((0.4, "the other end", node.func, ast.Attribute(value=node.func.value, attr=other)))
    elif name in _SIDE_SWAPS and owner == "bisect":  # (a bare name would need an import a mutation can't add)
        func = ast.Attribute(value=node.func.value, attr=_SIDE_SWAPS[name])
        return [(0.4, "the other side of equal values", node.func, func)]
    elif name in ("any", "all") and owner is None and len(node.args) == 1:
        return [(0.3, "the other quantifier", node.func, ast.Name(id="all" if name == "any" else "any"))]
    else:
        return out
    key = _kw(node, "key")
    body = key.value.body if key is not None and isinstance(key.value, ast.Lambda) else None
    if isinstance(body, ast.Tuple):
        for elt in [e for e in body.elts if not _texty(e) and not isinstance(e, ast.Constant)][:3]:
            out.append((0.35, "that component in the other order", elt, _negated(elt)))
    elif body is not None and not _texty(body) and isinstance(body, ast.Name | ast.Attribute | ast.Subscript):
        lowered = ast.Call(func=ast.Attribute(value=copy.deepcopy(body), attr="lower"), args=[], keywords=[])
        out.append((0.25, "case-insensitive order", body, lowered))
    elif key is None and name in ("sorted", "sort", "min", "max"):
        kw = ast.keyword(arg="key", value=ast.Attribute(value=ast.Name(id="str"), attr="lower"))
        out.append((0.25, "case-insensitive order", node, _with_call(node, keywords=[*node.keywords, kw])))
    return out


def _rounders(lines: list[str], arg: ast.expr) -> dict[str, ast.expr]:
    """`round(x)`, `int(x)`, floor and ceil of `arg` (`math.` when imported, else `int(x // 1)`/`-int(-x // 1)`)."""
    x = copy.deepcopy(arg)
    call = lambda f, *a: ast.Call(func=ast.parse(f, mode="eval").body, args=list(a), keywords=[])  # noqa: E731
    if _imports(lines)[0]:
        floor, ceil = call("math.floor", x), call("math.ceil", x)
    else:
        floor = call("int", ast.BinOp(left=x, op=ast.FloorDiv(), right=ast.Constant(1)))
        ceil = ast.UnaryOp(op=ast.USub(), operand=call("int", ast.BinOp(
            left=ast.UnaryOp(op=ast.USub(), operand=x), op=ast.FloorDiv(), right=ast.Constant(1))))
    return {"round": call("round", x), "int": call("int", x), "floor": floor, "ceil": ceil}


def _floaty(expr: ast.expr) -> bool:
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, float)
    if isinstance(expr, ast.Call):
        return _call_name(expr)[0] in ("float", "mean", "sqrt", "fsum") or (
            _call_name(expr)[0] == "round" and len(expr.args) == 2)
    return isinstance(expr, ast.BinOp) and any((isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div)) or (
        isinstance(n, ast.Constant) and isinstance(n.value, float)) for n in ast.walk(expr))


def _rounding(lines: list[str], node: ast.AST) -> list[Variant]:
    """int ↔ round ↔ floor/ceil; `return round(...)` around a float result; float `==` → `math.isclose`."""
    out: list[Variant] = []
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords \
            and not isinstance(node.args[0], ast.Constant | ast.JoinedStr):
        name, owner = _call_name(node)
        table = {("int", None): (("round", 0.35), ("ceil", 0.3), ("floor", 0.2)),
                 ("round", None): (("int", 0.3), ("ceil", 0.3), ("floor", 0.25)),
                 ("floor", "math"): (("ceil", 0.4), ("round", 0.3)), ("ceil", "math"): (("floor", 0.4), ("round", 0.3))}
        alts = _rounders(lines, node.args[0])
        for alt, prior in table.get((name, owner), ()):
            out.append((prior, f"{alt} instead of {name}", node, alts[alt]))
    elif isinstance(node, ast.Return) and node.value is not None and _floaty(node.value) \
            and not isinstance(node.value, ast.Constant):
        for digits in (None, 2):
            args = [copy.deepcopy(node.value)] + ([ast.Constant(digits)] if digits else [])
            new = ast.Call(func=ast.Name(id="round"), args=args, keywords=[])
            out.append((0.25, "rounded result", node.value, new))
    elif isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq | ast.NotEq) \
            and (_floaty(node.left) or _floaty(node.comparators[0])):
        a, b = copy.deepcopy(node.left), copy.deepcopy(node.comparators[0])
        close: ast.expr = ast.Call(func=ast.parse("math.isclose", mode="eval").body, args=[a, b], keywords=[]) \
            if _imports(lines)[0] else ast.Compare(left=ast.Call(func=ast.Name(id="abs"), args=[
                ast.BinOp(left=a, op=ast.Sub(), right=b)], keywords=[]), ops=[ast.Lt()], comparators=[
                ast.Constant(1e-9)])
        if isinstance(node.ops[0], ast.NotEq):
            close = ast.UnaryOp(op=ast.Not(), operand=close)
        out.append((0.35, "float equality within rounding error", node, close))
    return out


def _access(lines: list[str], node: ast.AST) -> list[Variant]:
    """`d[k]` ↔ `d.get(k)`, `.get(k, default)` default → a same-typed literal of the function, `x in d` ↔
    `x in d.values()`, `.pop()` ↔ `.pop(0)`."""
    out: list[Variant] = []
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _kind(lines, node, node.value) != "seq" \
            and (isinstance(node.slice, ast.Name) or (isinstance(node.slice, ast.Constant)
                                                      and isinstance(node.slice.value, str))):
        get = ast.Call(func=ast.Attribute(value=node.value, attr="get"), args=[node.slice], keywords=[])
        out.append((0.25, "missing key gives None", node, get))
    elif isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.In | ast.NotIn):
        box = node.comparators[0]
        if isinstance(box, ast.Call) and _call_name(box)[0] in ("values", "keys") and not box.args:
            out.append((0.3, "test the keys", box, box.func.value))
            if box.func.attr == "keys":
                out.append((0.3, "test the values", box.func, ast.Attribute(value=box.func.value, attr="values")))
        elif isinstance(box, ast.Name | ast.Attribute) and _kind(lines, node, box) != "seq":
            values = ast.Call(func=ast.Attribute(value=box, attr="values"), args=[], keywords=[])
            out.append((0.3, "test the values", box, values))
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        name = node.func.attr
        if name == "get" and len(node.args) == 1 and not node.keywords:
            out.append((0.25, "missing key raises", node, ast.Subscript(value=node.func.value, slice=node.args[0])))
        elif name == "get" and len(node.args) == 2 and isinstance(node.args[1], ast.Constant):
            default, func = node.args[1].value, function_at(lines, node)
            keys = {id(c.args[0]) for c in ast.walk(func or node) if isinstance(c, ast.Call) and c.args}
            seen = sorted((c.lineno, c.col_offset, c.value) for c in ast.walk(func or node)
                          if isinstance(c, ast.Constant) and id(c) not in keys and type(c.value) is type(default))
            alts = dict.fromkeys(v for *_, v in seen if v != default and v is not None)
            for alt in list(alts)[:3]:
                out.append((0.3, "another default", node.args[1], ast.Constant(alt)))
        elif name == "pop" and not node.keywords and (not node.args or (
                isinstance(node.args[0], ast.Constant) and node.args[0].value in (0, -1))):
            first = not node.args or node.args[0].value == -1
            out.append((0.35, "from the front" if first else "from the back", node,
                        _with_call(node, args=[ast.Constant(0)] if first else [])))
    return out


def _strings(node: ast.Call) -> list[Variant]:
    """strip/rstrip/lstrip, startswith/endswith, find/rfind, lower/upper, append/extend; `split(sep)` →
    `rsplit(sep, 1)` or `split(sep, 1)`, and split ↔ rsplit with a maxsplit."""
    if not isinstance(node.func, ast.Attribute):
        return []
    name, out = node.func.attr, []
    for alt, prior in _STR_SWAPS.get(name, ()):
        if name not in ("append", "extend") or (len(node.args) == 1 and not node.keywords):
            out.append((prior, f"{alt} instead of {name}", node.func, ast.Attribute(value=node.func.value, attr=alt)))
    if name in ("split", "rsplit") and node.args and not node.keywords and len(node.args) <= 2:
        other = "rsplit" if name == "split" else "split"
        if len(node.args) == 2:
            out.append((0.35, f"{other} from the other end", node.func, ast.Attribute(value=node.func.value,
                                                                                       attr=other)))
        elif name == "split":
            one = [node.args[0], ast.Constant(1)]
            out.append((0.35, "split once at the last separator", node, _with_call(node, args=one, func=ast.Attribute(
                value=node.func.value, attr="rsplit"))))
            out.append((0.3, "split once at the first separator", node, _with_call(node, args=one)))
    return out


def more_mutations(lines: list[str], node: ast.AST, mk: MakeMutation) -> list:
    """General value-level slips on one node (see the module docstring), at most a handful per operator family."""
    families: list[tuple[str, list[Variant]]] = []
    if isinstance(node, ast.Call):
        families += [("regex_edit", _regex(lines, node)), ("codec_swap", _codecs(lines, node)),
                     ("ordering_swap", _ordering(node)), ("string_method_swap", _strings(node))]
    if isinstance(node, ast.Call | ast.Return | ast.Compare):
        families.append(("rounding_swap", _rounding(lines, node)))
    if isinstance(node, ast.Call | ast.Compare | ast.Subscript):
        families.append(("access_variant", _access(lines, node)))
    return [mk(lines, target, new, operator, prior, why)
            for operator, found in families for prior, why, target, new in found]
