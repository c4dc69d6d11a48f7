"""Wrong constants and wrong predicate results, on the suspicious lines.

A wrong literal (`273.5` for `273.15`, `0.7` for `0.07`, `1000` for `1024`) is one of the commonest real bugs and
the hardest for generic ±1 mutation. The user's own words (context, error text, tests) usually state the right
value or its neighbours, so numbers found there are tried first; decimal slips (×10, ÷10) and the
decimal/binary unit confusion come next. Predicates (`is_*`, `has_*`, "True when…") that return the inverse are
negated.
"""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import apply_edits, enclosing_function, node_edit
from graphs.auto_fix.propose_types import Proposer
from graphs.auto_fix.return_shapes import observed_pairs

_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")
_UNIT_PAIRS = {1000: 1024, 1024: 1000, 1_000_000: 1_048_576, 1_048_576: 1_000_000}
_PREDICATE = re.compile(r"^(is|has|can|should|must|was|are|needs?|allows?|contains?)_|_(valid|ok|allowed)$")
_BOOL_DOC = re.compile(r"\b(true|false) (when|if)\b|\bwhether\b", re.IGNORECASE)
MAX_LINES = 4


def stated_numbers(text: str) -> list[float]:
    """Distinct numbers written in `text`, in order of appearance."""
    seen: list[float] = []
    for m in _NUMBER.finditer(text):
        value = float(m[0])
        if value not in seen:
            seen.append(value)
    return seen


def _render(value: float, like: object) -> str:
    if isinstance(like, int) and float(value).is_integer():
        return str(int(value))
    return repr(round(value, 10))


def _nice(value: float) -> bool:
    """A value a person would write: at most 3 decimals."""
    return value != 0 and abs(value - round(value, 3)) < 1e-9 * max(1.0, abs(value))


def observed_numbers(text: str) -> list[tuple[float, float]]:
    """(returned, expected) numbers of the failing assertions, when both are numbers and differ."""
    return [(float(a), float(e)) for a, e in observed_pairs(text)  # type: ignore[arg-type]
            if all(isinstance(v, int | float) and not isinstance(v, bool) for v in (a, e)) and a != e]


def _solved(value: int | float, observed: list[tuple[float, float]], role: str = "") -> list[tuple[float, float, str]]:
    """The literal that would turn the returned number into the expected one if the result were proportional to
    it (`value * expected / returned`: a factor, role "*") or offset by it (`value + expected - returned`: a term,
    role "+"), when that is a value a person would write. A literal elsewhere (a setting) may be either."""
    out = []
    for actual, expected in observed[:2]:
        for new, prior, why, fits in ((value * expected / actual if actual else 0.0, 0.42, "is proportional to it", "*"),
                                      (value + expected - actual, 0.36, "moves with it", "+")):
            # An integer literal stays an integer (a default multiplier of 1 is not 0.95).
            if role in ("", fits) and _nice(new) and (not isinstance(value, int) or float(new).is_integer()):
                out.append((round(new, 3), prior, f"the result {why}: {actual:g} → {expected:g}"))
    return out


def _alternatives(value: int | float, stated: list[float], observed: list[tuple[float, float]] | None = None,
                  role: str = "") -> list[tuple[float, float, str]]:
    """(new value, prior, why) for one literal, most likely first."""
    out: list[tuple[float, float, str]] = []
    for s in stated:
        if s != value and value and 0.75 <= abs(s / value) <= 1.34 and s * value > 0:
            out.append((s, 0.75, "the value stated in the context/tests"))
    out += _solved(value, observed or [], role)
    if value in _UNIT_PAIRS:
        out.append((_UNIT_PAIRS[value], 0.55, "decimal vs binary unit"))
    if isinstance(value, float) and value:
        out += [(value / 10, 0.45, "decimal point slipped"), (value * 10, 0.4, "decimal point slipped")]
    elif isinstance(value, int) and value and value % 100 == 0 and abs(value) >= 100:
        digits = str(abs(value))
        step = 10 ** (len(digits) - len(digits.rstrip("0")))  # 400 → 100, 2500 → 100, 3000 → 1000
        out += [(value + step, 0.3, "neighbouring round value"), (value - step, 0.3, "neighbouring round value")]
    seen: set[float] = set()
    unique = []
    for new, prior, why in out:
        if new not in seen and new != value and new != 0:
            seen.add(new)
            unique.append((new, prior, why))
    return unique


def _suspicious_constants(ctx: FixContext) -> list[tuple[ast.Constant, float]]:
    """Numeric literals on the top suspicious lines with that line's weight; module-level constants too
    (a wrong setting is read far from where it is defined)."""
    assert ctx.tree is not None
    lines = ctx.suspicious[:MAX_LINES]
    weight = {line: 0.85 ** i for i, line in enumerate(lines)}
    out = []
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Constant) and type(node.value) in (int, float) and not isinstance(node.value, bool):
            if node.lineno in weight:
                out.append((node, weight[node.lineno]))
            elif enclosing_function(ctx.tree, node.lineno) is None and ctx.suspicious:
                out.append((node, 0.6))  # module-level settings feed the failing code
    return out


def spec_constants(ctx: FixContext) -> list[Candidate]:
    """Replace a numeric literal on a suspicious line by a value the user stated, a decimal slip, or the
    binary/decimal twin."""
    if ctx.tree is None:
        return []
    stated = stated_numbers(ctx.hints)
    observed = observed_numbers(f"{ctx.message}\n{ctx.hints}")
    parents = {id(c): p for p in ast.walk(ctx.tree) if isinstance(p, ast.BinOp) for c in (p.left, p.right)}
    found: list[Candidate] = []
    for node, weight in _suspicious_constants(ctx):
        op = getattr(parents.get(id(node)), "op", None)
        role = "*" if isinstance(op, ast.Mult | ast.Div | ast.FloorDiv) else "+" if isinstance(op, ast.Add | ast.Sub) \
            else "?" if op is not None else ""
        for new, prior, why in _alternatives(node.value, stated, observed, role):
            text = _render(new, node.value)
            code = apply_edits(ctx.code, [node_edit(ctx.lines, node, text)])
            if code:
                found.append(Candidate(code, "template", f"line {node.lineno}: constant `{node.value!r}` → "
                                       f"`{text}` ({why})", prior * weight))
    found.sort(key=lambda c: -c.prior)
    return found[:8]


def _is_predicate(func: ast.FunctionDef | ast.AsyncFunctionDef, hints: str) -> bool:
    """By its name, annotation, docstring ("True when …"), or tests that check its result `is True/False`."""
    doc = ast.get_docstring(func) or ""
    returns_bool = isinstance(func.returns, ast.Name) and func.returns.id == "bool"
    tested_as_bool = re.search(rf"\b{re.escape(func.name)}\(.*\)\s*(?:is|==)\s*(?:True|False)\b|"
                               rf"\bassert\s+not\s+{re.escape(func.name)}\(", hints)
    return bool(_PREDICATE.search(func.name) or returns_bool or _BOOL_DOC.search(doc.split("\n")[0])
                or tested_as_bool)


def predicate_returns(ctx: FixContext) -> list[Candidate]:
    """A predicate returning the opposite (or a non-boolean such as a list of problems): `return not …`."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    wanted = set(ctx.suspicious[:6]) if ctx.suspicious else None
    for func in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)):
        if not _is_predicate(func, ctx.hints):
            continue
        for ret in (n for n in ast.walk(func) if isinstance(n, ast.Return) and n.value is not None):
            if wanted is not None and ret.lineno not in wanted:
                continue
            value = ret.value
            if isinstance(value, ast.Constant | ast.Compare | ast.BoolOp):
                continue  # literal guards; inverted comparisons are the mutation operators' job
            new = ast.unparse(value.operand) if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.Not) \
                else f"not {ast.unparse(value)}" if isinstance(value, ast.Name | ast.Call | ast.Attribute |
                                                               ast.Subscript) \
                else f"not ({ast.unparse(value)})"
            code = apply_edits(ctx.code, [node_edit(ctx.lines, value, new)])
            if code:
                out.append(Candidate(code, "template", f"line {ret.lineno}: `return {ast.unparse(value)}` → "
                                     f"`return {new}` (`{func.name}` answers the opposite question)", 0.55))
    return out[:3]


_VALUE_CLASSES = ("wrong_output", "assertion_error", "unknown", "hang", "index_error", "zero_division",
                  "recursion_error")
PROPOSERS: dict[str, list[Proposer]] = {
    **{cls: [spec_constants] for cls in _VALUE_CLASSES},
    "wrong_output": [spec_constants, predicate_returns],
    "assertion_error": [spec_constants, predicate_returns],
}
