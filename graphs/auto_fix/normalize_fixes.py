"""Values compared or counted before they were normalised, and percentages never scaled:

- `answer == "yes"` while users type "  Yes ": the compared value is stripped and case-folded first;
- words counted as they come while "The" and "the" are one word: the text is case-folded where it is split;
- a share described as a percentage but computed as a fraction: `part / total * 100`.

The first two are tried when the user's words ask for it ("in any case", "case-insensitive", "surrounding
spaces") or when the failing assertion's two values differ only by case or whitespace; the last when the
docstring or description says percent. Registered through `PROPOSERS`; `propose.TEMPLATE_MODULES` lists this
module.
"""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext, node_candidate
from graphs.auto_fix.propose_types import Proposer
from graphs.auto_fix.return_shapes import observed_pairs
from graphs.auto_fix.spec_hints import spec_text

_CASE_WORDS = re.compile(r"(?i)case[-_ ]?insensitive|in any case|any capitali[sz]ation|ignor\w* (?:the )?case|"
                         r"regardless of (?:the )?case|upper or lower|lower or upper|mixed case|however (?:it is|they "
                         r"are) (?:written|capitali[sz]ed)")
_SPACE_WORDS = re.compile(r"(?i)(?:surrounding|leading|trailing|extra|stray) (?:white)?spaces?|whitespace|padded")
_PERCENT = re.compile(r"(?i)\bpercent(?:age)?s?\b|%")
_TEXTY = (ast.Name, ast.Attribute, ast.Subscript, ast.Call)


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple | set):
        return [v for v in value if isinstance(v, str)]
    if isinstance(value, dict):
        return [k for k in value if isinstance(k, str)] + [v for v in value.values() if isinstance(v, str)]
    return []


def _wanted(ctx: FixContext) -> tuple[bool, bool]:
    """(case-folding asked for, stripping asked for): by the user's or the docstrings' words, or by the
    assertion's values."""
    words = spec_text(ctx.code, ctx.hints)
    case, space = bool(_CASE_WORDS.search(words)), bool(_SPACE_WORDS.search(words))
    for actual, expected in observed_pairs(f"{ctx.message}\n{ctx.hints}"):
        got, want = _texts(actual), _texts(expected)  # `{'The': 1, 'the': 1}` vs `{'the': 2}` differ in case only
        case |= bool(got) and set(got) != set(want) and {t.lower() for t in got} == {t.lower() for t in want}
    return case, space


def normalized_comparisons(ctx: FixContext) -> list[Candidate]:
    """`x == "yes"` / `x in ("a", "b")` with normalised literals: compare `x.strip().lower()` (or one of them)."""
    if ctx.tree is None:
        return []
    case, space = _wanted(ctx)
    if not (case or space):
        return []
    forms = [(".strip().lower()", 0.8 if case and space else 0.62)] + \
        [(".lower()", 0.76 if case else 0.5), (".strip()", 0.76 if space else 0.5)]
    out: list[Candidate] = []
    for cmp in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Compare) and len(n.ops) == 1
                and isinstance(n.ops[0], ast.Eq | ast.NotEq | ast.In | ast.NotIn)):
        left, right = cmp.left, cmp.comparators[0]
        literals = [n.value for n in ast.walk(right) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        if not isinstance(left, _TEXTY) or not literals or any(v != v.strip().lower() for v in literals):
            continue
        text = ast.get_source_segment(ctx.code, left) or ast.unparse(left)
        for suffix, prior in forms:
            out += node_candidate(ctx, left, f"{text}{suffix}", f"`{text}` is normalised (`{suffix}`) before it is "
                                  "compared with the normalised literal", prior)
    return out


def case_folds(ctx: FixContext) -> list[Candidate]:
    """Case-insensitive counting or lookup: fold the text where it is split, or the key where it is used."""
    if ctx.tree is None or not _wanted(ctx)[0]:
        return []
    out: list[Candidate] = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                 and n.func.attr in ("split", "findall", "splitlines")):
        target = call.func.value if call.func.attr != "findall" else (call.args[1] if len(call.args) > 1 else None)
        if isinstance(target, _TEXTY):
            text = ast.get_source_segment(ctx.code, target) or ast.unparse(target)
            out += node_candidate(ctx, target, f"{text}.lower()", "the text is case-folded before it is split, so "
                                  "words differing only in case are one", 0.74)
    for sub in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Name)):
        key = sub.slice.id
        out += node_candidate(ctx, sub.slice, f"{key}.lower()", f"the key `{key}` is case-folded", 0.6)
    return out


def percent_scales(ctx: FixContext) -> list[Candidate]:
    """A share computed as a fraction where the docstring or description says percent: times 100."""
    if ctx.tree is None or not _PERCENT.search(spec_text(ctx.code, ctx.hints)):
        return []
    out: list[Candidate] = []
    for div in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div)):
        if any(isinstance(n, ast.Constant) and n.value == 100 for n in ast.walk(div)):
            continue
        text = ast.get_source_segment(ctx.code, div) or ast.unparse(div)
        out += node_candidate(ctx, div, f"{text} * 100", "the share is a percentage: the fraction times 100",
                              0.72 if div.lineno in ctx.suspicious[:4] else 0.6)
    return out


PROPOSERS: dict[str, list[Proposer]] = {
    "wrong_output": [normalized_comparisons, case_folds, percent_scales],
    "assertion_error": [normalized_comparisons, case_folds, percent_scales],
    "key_error": [case_folds],
}
