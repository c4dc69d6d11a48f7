"""Right information, wrong shape: the failing assertion shows what the function returned and what the test
expected (`assert {'name': 'standard', ...} == 'standard'`, `assert (18, 30) == 1110`, `assert 1 is True`).
When a small adapter turns the one into the other (a field of the record, the parts combined in a common base,
a comparison, a join, a conversion), the return statement gets that adapter. The search is over adapters, driven
by the two observed values, not by the bug's wording; the tests then decide.

Registered through `PROPOSERS`; `propose.TEMPLATE_MODULES` lists this module.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from graphs.auto_fix.candidates import Candidate, FixContext, node_candidate
from graphs.auto_fix.edits import enclosing_function
from graphs.auto_fix.propose_types import Proposer

_FuncDef = ast.FunctionDef | ast.AsyncFunctionDef
_ASSERT = re.compile(r"(?m)^(?:E\s+)?(?:AssertionError:\s*)?assert\s+(.+?)\s*$")
_WHERE = re.compile(r"(?m)^E?\s*\+\s+where\s+.+?\s=\s+([A-Za-z_]\w*)\(")
_RADICES = (60, 100, 1000, 24, 12, 10, 16, 1024, 3600, 7, 365, 8, 2)
_SEPARATORS = (", ", ",", " ", "\n", "", ";", " | ", "-", "/", ":", "; ")
_PLAIN = (ast.Name, ast.Attribute, ast.Subscript, ast.Call, ast.Constant, ast.List, ast.Dict, ast.Set, ast.ListComp,
          ast.DictComp, ast.SetComp, ast.JoinedStr)
MAX_CANDIDATES = 8
class Forms(NamedTuple):
    """The returned expression's source as an operand (`atom`), a call argument (`arg`) and a comparison side
    (`side`), and its items' sources when it is a tuple literal."""

    atom: str
    arg: str
    side: str
    items: list[str] | None


# (render(forms of the returned expression), prior, why)
Adapter = tuple[Callable[[Forms], str], float, str]


def _literal(text: str) -> tuple[bool, object]:
    try:
        return True, ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


def observed_pairs(text: str) -> list[tuple[object, object]]:
    """(returned, expected) from pytest's `assert <returned> == <expected>` / `is` lines, both as literals."""
    out: list[tuple[object, object]] = []
    for m in _ASSERT.finditer(text):
        body = m.group(1)
        for sep in (" == ", " is "):
            at = body.find(sep)
            while at >= 0:
                ok_a, actual = _literal(body[:at])
                ok_e, expected = _literal(body[at + len(sep):])
                if ok_a and ok_e and (actual != expected or isinstance(actual, bool) != isinstance(expected, bool)):
                    out.append((actual, expected))
                    break
                at = body.find(sep, at + 1)
    return list({repr(p): p for p in out}.values())[:3]


def _number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _numeric_adapters(actual: object, expected: object) -> Iterator[Adapter]:
    """A number expected, parts of it returned."""
    if isinstance(actual, tuple | list) and 2 <= len(actual) <= 3 and all(_number(a) for a in actual):
        for k in _RADICES:
            combined = 0
            for a in actual:
                combined = combined * k + a  # type: ignore[operator]
            if combined == expected:
                def radix(f: Forms, k: int = k, n: int = len(actual)) -> str:
                    parts = f.items or [f"{f.atom}[{i}]" for i in range(n)]
                    text = f"{parts[0]} * {k} + {parts[1]}"
                    return f"({text}) * {k} + {parts[2]}" if n == 3 else text
                yield radix, 0.74, f"the parts combined in base {k}"
        if len(actual) == 2 and actual[1] and actual[0] / actual[1] == expected:  # type: ignore[operator]
            yield (lambda f: f"{f.items[0]} / {f.items[1]}" if f.items else f"{f.atom}[0] / {f.atom}[1]"), 0.5, \
                "their ratio"
    if isinstance(actual, tuple | list | set) and actual and all(_number(a) for a in actual):
        if sum(actual) == expected:  # type: ignore[arg-type]
            yield (lambda f: f"sum({f.arg})"), 0.52, "their sum"
        for name in ("max", "min"):
            if (max if name == "max" else min)(actual) == expected:  # type: ignore[type-var]
                yield (lambda f, name=name: f"{name}({f.arg})"), 0.42, f"their {name}imum"
    if isinstance(actual, tuple | list | dict | set) and len(actual) == expected:
        yield (lambda f: f"len({f.arg})"), 0.55, "how many there are"
    if isinstance(actual, str):
        for conv in ("int", "float"):
            ok, value = _literal(actual.strip()) if actual.strip() else (False, None)
            if ok and _number(value) and (int if conv == "int" else float)(value) == expected \
                    and type(expected).__name__ == conv:
                yield (lambda f, conv=conv: f"{conv}({f.arg})"), 0.55, f"the text as {conv}"


def _truth_adapters(actual: object, expected: bool) -> Iterator[Adapter]:
    """A bool expected, the value it was to be computed from returned."""
    if isinstance(actual, int | float | str) and not isinstance(actual, bool):
        op = "==" if expected else "!="
        yield (lambda f: f"{f.side} {op} {actual!r}"), 0.7 if expected else 0.45, f"compared with {actual!r}"
    if bool(actual) == expected:
        yield (lambda f: f"bool({f.arg})"), 0.55, "as a truth value"
    else:
        yield (lambda f: f"not {f.side}"), 0.45, "negated"


def _container_adapters(actual: object, expected: object) -> Iterator[Adapter]:
    """A field of a record, a column of records, a join, a conversion between containers."""
    if isinstance(actual, dict) and not isinstance(expected, dict):
        for key in [k for k, v in actual.items() if v == expected and type(v) is type(expected)][:2]:
            yield (lambda f, key=key: f"{f.atom}[{key!r}]"), 0.8, f"its {key!r} field"
    rows = isinstance(actual, list | tuple) and actual and all(isinstance(r, dict) for r in actual)
    if rows and isinstance(expected, list | tuple) and len(expected) == len(actual):  # type: ignore[arg-type]
        for key in actual[0]:  # type: ignore[index]
            if [r.get(key) for r in actual] == list(expected):  # type: ignore[union-attr]
                form = "tuple(r[{k}] for r in {x})" if isinstance(expected, tuple) else "[r[{k}] for r in {x}]"
                yield (lambda f, form=form, key=key: form.format(k=repr(key), x=f.side)), 0.75, \
                    f"the {key!r} field of each record"
    if isinstance(expected, str) and isinstance(actual, list | tuple) and all(isinstance(a, str) for a in actual):
        for sep in _SEPARATORS:
            if sep.join(actual) == expected:  # type: ignore[arg-type]
                yield (lambda f, sep=sep: f"{sep!r}.join({f.arg})"), 0.65, f"joined with {sep!r}"
                break
    if isinstance(expected, str) and _number(actual):
        if str(actual) == expected:
            yield (lambda f: f"str({f.arg})"), 0.55, "as text"
        for spec in (".2f", ".1f", ",", ",.2f", ".0f"):
            if format(actual, spec) == expected:
                yield (lambda f, spec=spec: f"format({f.arg}, {spec!r})"), 0.5, f"formatted as {spec!r}"
                break
    if isinstance(expected, list) and isinstance(actual, dict | set | tuple):
        try:
            ordered: list | None = sorted(actual)  # type: ignore[type-var]
        except TypeError:
            ordered = None
        for text, value, prior in (("list({arg})", list(actual), 0.55), ("sorted({arg})", ordered, 0.55),
                                   ("list({atom}.values())", list(actual.values()) if isinstance(actual, dict) else None,
                                    0.5)):
            if value == expected:
                yield (lambda f, text=text: text.format(arg=f.arg, atom=f.atom)), prior, "as a list"
    if isinstance(expected, tuple) and isinstance(actual, list) and tuple(actual) == expected:
        yield (lambda f: f"tuple({f.arg})"), 0.5, "as a tuple"
    if isinstance(expected, dict) and isinstance(actual, list | tuple):
        try:
            pairs = dict(actual)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            pairs = None
        if pairs == expected:
            yield (lambda f: f"dict({f.arg})"), 0.55, "as a mapping"
    if isinstance(actual, tuple | list) and 2 <= len(actual) <= 4 and not isinstance(expected, tuple | list):
        for i in [i for i, a in enumerate(actual) if a == expected and type(a) is type(expected)][:1]:
            yield (lambda f, i=i: f.items[i] if f.items else f"{f.atom}[{i}]"), 0.5, f"its item {i}"


_SCALES = (100, 1000, 60, 3600, 1024, 24, 10)
_TEXT_FORMS = ("strip", "lower", "upper", "title", "capitalize")


def _same_type_adapters(actual: object, expected: object) -> Iterator[Adapter]:
    """The right value up to a finishing step: rounding, sign, a unit scale, case or whitespace, order, duplicates.
    Weaker evidence than a change of shape (the fault may sit upstream), hence the lower priors."""
    if _number(actual) and _number(expected):
        for digits in range(5):
            if round(actual, digits) == expected and actual != expected:  # type: ignore[call-overload]
                yield (lambda f, d=digits: f"round({f.arg}, {d})" if d else f"round({f.arg})"), 0.5, \
                    f"rounded to {digits} decimals"
                break
        if actual and expected == -actual:  # type: ignore[operator]
            yield (lambda f: f"abs({f.arg})" if expected > 0 else f"-abs({f.arg})"), 0.42, "without its sign"
        for k in _SCALES:
            if actual and abs(actual * k - expected) < 1e-9 * max(1.0, abs(expected)):  # type: ignore[operator]
                yield (lambda f, k=k: f"{f.atom} * {k}"), 0.42, f"scaled by {k}"
            elif actual and abs(actual / k - expected) < 1e-9 * max(1.0, abs(expected)):  # type: ignore[operator]
                yield (lambda f, k=k: f"{f.atom} / {k}"), 0.42, f"divided by {k}"
    if isinstance(actual, str) and isinstance(expected, str):
        for method in _TEXT_FORMS:
            if getattr(actual, method)() == expected:
                yield (lambda f, m=method: f"{f.atom}.{m}()"), 0.45, f"with `.{method}()`"
                break
    if isinstance(actual, list) and isinstance(expected, list) and actual:
        try:
            unique: list | None = list(dict.fromkeys(actual))
        except TypeError:
            unique = None
        for text, value, why in (("sorted({arg})", _sorted(actual), "sorted"),
                                 ("{atom}[::-1]", actual[::-1], "reversed"),
                                 ("list(dict.fromkeys({arg}))", unique, "deduplicated"),
                                 ("sorted(set({arg}))", _sorted(unique), "deduplicated and sorted")):
            if value == expected and actual != expected:
                yield (lambda f, text=text: text.format(arg=f.arg, atom=f.atom)), 0.45, why
                break


def _sorted(values: object) -> list | None:
    try:
        return sorted(values)  # type: ignore[call-overload]
    except TypeError:
        return None


def adapters(actual: object, expected: object) -> list[Adapter]:
    """Every adapter that turns the returned value into the expected one."""
    if actual is None:
        return []  # a missing return: other templates' work
    if type(actual) is type(expected) and not isinstance(actual, tuple | list):
        return list(_same_type_adapters(actual, expected))
    if isinstance(expected, bool):
        return list(_truth_adapters(actual, expected))
    found = list(_container_adapters(actual, expected)) + list(_same_type_adapters(actual, expected))
    return found + (list(_numeric_adapters(actual, expected)) if _number(expected) or isinstance(actual, str) else [])


def _returns(ctx: FixContext, names: list[str]) -> list[tuple[ast.Return, float]]:
    """Value returns of the functions the assertion names (else those the tests call); the last one first."""
    assert ctx.tree is not None
    funcs = {n.name: n for n in ast.walk(ctx.tree) if isinstance(n, _FuncDef)}
    chosen = [funcs[n] for n in names if n in funcs] or \
        [funcs[n] for n in dict.fromkeys(re.findall(r"\b([A-Za-z_]\w*)\s*\(", ctx.hints)) if n in funcs][:2] or \
        [f for f in (enclosing_function(ctx.tree, n) for n in [ctx.line, *ctx.suspicious[:3]]) if f is not None] or \
        list(funcs.values())[:3]
    out = []
    for func in dict.fromkeys(chosen):
        rets = [r for r in ast.walk(func) if isinstance(r, ast.Return) and r.value is not None
                and not isinstance(r.value, ast.Constant)]
        out += [(r, 1.0 if r is rets[-1] else 0.85) for r in rets]
    return out


_EMPTIES = (0, "", [], {}, (), False)


def _empty_defaults(ctx: FixContext, returns: list[tuple[ast.Return, float]], expected: object) -> list[Candidate]:
    """None returned where an empty value was expected: `d.get(k)` gets that default, anything else `or` it."""
    out: list[Candidate] = []
    for ret, weight in returns:
        value = ret.value
        assert value is not None
        gets = [c for c in ast.walk(value) if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
                and c.func.attr == "get" and len(c.args) == 1 and not c.keywords]
        for call in gets[:1]:
            head = ast.get_source_segment(ctx.code, call.func) or ast.unparse(call.func)
            arg = ast.get_source_segment(ctx.code, call.args[0]) or ast.unparse(call.args[0])
            out += node_candidate(ctx, call, f"{head}({arg}, {expected!r})", f"a missing key gives {expected!r}, "
                                  "not None", 0.82 * weight)
        if not gets:
            out += node_candidate(ctx, value, f"{_forms(ctx.code, value).side} or {expected!r}",
                                  f"None becomes {expected!r}, the value expected for it", 0.55 * weight)
    return out


def _forms(code: str, value: ast.expr) -> Forms:
    source = ast.get_source_segment(code, value) or ast.unparse(value)
    wrapped = f"({source})"
    items = [ast.get_source_segment(code, e) or ast.unparse(e) for e in value.elts] \
        if isinstance(value, ast.Tuple) else None
    bare_tuple = isinstance(value, ast.Tuple) and not source.startswith("(")
    loose = isinstance(value, ast.Compare | ast.BoolOp | ast.IfExp | ast.Lambda | ast.NamedExpr) or bare_tuple
    return Forms(atom=source if isinstance(value, _PLAIN) else wrapped, arg=wrapped if bare_tuple else source,
                 side=wrapped if loose else source, items=items)


def reshaped_returns(ctx: FixContext) -> list[Candidate]:
    """The returned value adapted into the shape the failing assertion expects."""
    if ctx.tree is None:
        return []
    text = f"{ctx.message}\n{ctx.hints}"
    pairs = observed_pairs(text)
    if not pairs:
        return []
    out: list[Candidate] = []
    returns = _returns(ctx, _WHERE.findall(text))
    for actual, expected in pairs:
        if actual is None and expected in _EMPTIES and type(expected) in (int, float, str, list, dict, tuple, bool):
            out += _empty_defaults(ctx, returns, expected)
        for render, prior, why in adapters(actual, expected):
            for ret, weight in returns:
                value = ret.value
                assert value is not None
                out += node_candidate(ctx, value, render(_forms(ctx.code, value)), f"the function returned {actual!r} where "
                                      f"{expected!r} was expected: it now returns {why}", prior * weight)
    unique = {c.code: c for c in sorted(out, key=lambda c: c.prior)}
    return sorted(unique.values(), key=lambda c: -c.prior)[:MAX_CANDIDATES]


PROPOSERS: dict[str, list[Proposer]] = {"wrong_output": [reshaped_returns], "assertion_error": [reshaped_returns]}
