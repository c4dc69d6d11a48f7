"""What the user's words and the docstrings say the code should do, used to order candidates.

"Rounded to the nearest", "at least one cent", "the whole path", "bounds included", "case-insensitive": such a
phrase names the construct a fix should bring in (`round(`, `max(`, `fullmatch`, `<=`, `.lower()`). A candidate
that adds that construct (and the original lacked it on the changed lines) is tried earlier. The tests still
decide; this only moves likely fixes ahead within the search's patience. Pure functions.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import replace

from graphs.auto_fix.candidates import Candidate

# (phrase in the spec, construct a fix adds, prior factor)
_RULES: tuple[tuple[re.Pattern[str], re.Pattern[str], float], ...] = tuple(
    (re.compile(spec, re.I), re.compile(added), factor) for spec, added, factor in (
        (r"\bnearest\b|\brounded (?:to|half|off)\b", r"\bround\(", 1.5),
        (r"\bat least\b|\bminimum of\b|\bnever (?:below|less)\b", r"\bmax\(", 1.5),
        (r"\bat most\b|\bmaximum of\b|\bno more than\b|\bnever (?:above|more)\b|\bcapped\b", r"\bmin\(", 1.5),
        (r"\bwhole (?:string|path|text|line|name|value|url)\b|\bentire\b|\bexact(?:ly)? match|\bfull(?:y)? match",
         r"fullmatch|\$['\"]|\\Z", 1.5),
        (r"\binclusive\b|\bincluded\b|\bor more\b|\bor less\b|\bat or (?:above|below)\b|\bor (?:above|below)\b",
         r"<=|>=", 1.4),
        (r"\bexclusive\b|\bstrictly\b|\bexcluded\b|\bhalf-open\b|\bback-to-back\b", r"(?<![<>=!])[<>](?!=)", 1.4),
        (r"case[- ]insensitive|\bignor\w* (?:the )?case\b|\bany case\b|\bregardless of case\b|\bcapitali[sz]ation\b",
         r"\.(?:lower|casefold|upper)\(\)", 1.5),
        (r"\bdescending\b|\b(?:highest|largest|newest|latest|most recent|biggest) first\b", r"reverse=True|\(-", 1.3),
        (r"\bcount(?:s|ed)? from 1\b|\b1-based\b|\bone-based\b|\bstart(?:s|ing)? at 1\b|\bnumbered from 1\b",
         r"\+ 1\b|start=1", 1.4),
        (r"\b0-based\b|\bzero-based\b|\bstart(?:s|ing)? at 0\b", r"- 1\b", 1.3),
        (r"\bwhitespace\b|\bsurrounding spaces\b|\btrailing spaces\b|\bpadding\b", r"\.strip\(\)|\.split\(\)", 1.3),
        (r"\bhalf[- ]up\b|\bhalf(?: \w+)? rounds? up\b|\bround(?:ed|s|ing)? half (?:away|up)\b|\b\.5 rounds? up\b",
         r"ROUND_HALF_UP|\+ 0\.5\b", 1.6),
    ))


def spec_text(code: str, context: str) -> str:
    """The user's description plus every docstring of the module."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return context
    docs = [ast.get_docstring(n) or "" for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
    return "\n".join([context, *docs])


def _changed(original: list[str], fixed: str) -> tuple[str, str]:
    """(removed text, added text) between the original lines and the candidate."""
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=original, b=fixed.splitlines(), autojunk=False).get_opcodes():
        if tag != "equal":
            removed += original[i1:i2]
            added += fixed.splitlines()[j1:j2]
    return "\n".join(removed), "\n".join(added)


def boost_by_spec(candidates: list[Candidate], code: str, spec: str) -> list[Candidate]:
    """Candidates whose edit adds a construct the spec asks for get their prior multiplied (capped below 1)."""
    rules = [(added, factor) for phrase, added, factor in _RULES if phrase.search(spec)]
    if not rules:
        return candidates
    original = code.splitlines()
    out = []
    for cand in candidates:
        removed, added = _changed(original, cand.code)
        factor = max((f for pattern, f in rules if pattern.search(added) and not pattern.search(removed)),
                     default=1.0)
        out.append(replace(cand, prior=min(0.99, cand.prior * factor)) if factor > 1.0 else cand)
    return out
