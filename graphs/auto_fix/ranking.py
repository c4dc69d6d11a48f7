"""Diffs, risk, confidence and the ranking order of tested candidates (all pure)."""

from __future__ import annotations

import ast
import difflib
import functools
import re
from collections import Counter
from dataclasses import dataclass

from graphs.auto_fix.behaviour import Behaviour
from graphs.auto_fix.candidates import Candidate
from graphs.auto_fix.schema import Risk, RiskLevel, Validation

STRATEGY_PRIOR = {"retrieved_fix": 0.9, "template": 0.8, "llm": 0.7, "semgrep_autofix": 0.75, "ruff_fix": 0.6,
                  "ast_mutation": 0.5}
_SECURITY = re.compile(r"\b(eval|exec|subprocess|os\.system|os\.popen|pickle|marshal|yaml\.load|execute|"
                       r"shell\s*=|verify\s*=|hashlib|random\.|open\(|password|secret|token|mktemp)\b")


@dataclass
class Tested:
    """A candidate and what testing it showed."""

    __test__ = False  # not a pytest class

    candidate: Candidate
    validation: Validation
    new_findings: int = 0
    behaviour: Behaviour | None = None  # on amplified tests, when several fixes pass the tests
    failure: str = ""  # the first failing test's one-line reason ("" when every test passed or none ran)


def unified_diff(before: str, after: str) -> str:
    """Unified diff between the original and the fixed module (a/solution.py → b/solution.py)."""
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        "a/solution.py", "b/solution.py"))


def changed_lines(before: str, after: str) -> tuple[int, list[int]]:
    """(number of added+removed lines, 1-based original lines touched)."""
    sm = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    size, touched = 0, []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            size += (i2 - i1) + (j2 - j1)
            touched += list(range(i1 + 1, i2 + 1)) or [i1 + 1]
    return size, touched


def _is_import(line: str) -> bool:
    """An import statement or a blank line."""
    text = line.strip()
    return not text or text.startswith("import ") or (text.startswith("from ") and " import " in text)


def behaviour_size(before: str, after: str) -> int:
    """Like `changed_lines` but not counting import lines or blank lines: adding `import hmac` to call
    `hmac.compare_digest` is not a bigger change of behaviour than a one-token edit."""
    sm = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    a, b = before.splitlines(), after.splitlines()
    size = 0
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            size += sum(1 for line in a[i1:i2] if not _is_import(line))
            size += sum(1 for line in b[j1:j2] if not _is_import(line))
    return size


def _signatures(code: str) -> dict[str, str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return {}
    out = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_"):
            out[node.name] = ast.unparse(node.args)
        if isinstance(node, ast.ClassDef):
            for sub in node.body:
                if isinstance(sub, ast.FunctionDef) and not sub.name.startswith("_"):
                    out[f"{node.name}.{sub.name}"] = ast.unparse(sub.args)
    return out


def assess_risk(before: str, after: str, validation: Validation, finding_lines: set[int] | None = None,
                behaviour: Behaviour | None = None) -> Risk:
    """Risk level from edit size, public signature changes, security-relevant lines (by pattern or because a
    static finding sits there), validation, and how the fix behaved on amplified tests when it was compared."""
    size, touched = changed_lines(before, after)
    reasons: list[str] = []
    score = 0
    if size > 8:
        score += 2
        reasons.append(f"large edit ({size} lines changed)")
    elif size > 3:
        score += 1
        reasons.append(f"medium edit ({size} lines changed)")
    else:
        reasons.append(f"small edit ({size} lines changed)")
    old_sig, new_sig = _signatures(before), _signatures(after)
    changed = sorted(k for k in old_sig if new_sig.get(k) != old_sig[k])
    if changed:
        score += 2
        reasons.append(f"public signature changed: {', '.join(changed)}")
    lines = before.splitlines()
    if any(0 < n <= len(lines) and (_SECURITY.search(lines[n - 1]) or n in (finding_lines or set()))
           for n in touched):
        score += 1
        reasons.append("touches security-relevant code")
    if validation.validated:
        reasons.append("validated: all tests pass")
    else:
        score += 2
        reasons.append("not validated by tests" if validation.tests_total == 0 else
                       f"only {validation.tests_passed}/{validation.tests_total} tests pass")
    if behaviour is not None and behaviour.probes and not behaviour.compared:
        reasons.append(f"on {behaviour.probes} amplified test inputs it crashes or times out on {behaviour.crashes} "
                       "(the original hangs on the tests, so changes of behaviour were not counted)")
    elif behaviour is not None and behaviour.probes:
        # Reported, not scored: a changed input may be invalid for the right fix too (int("") raises).
        reasons.append(f"on {behaviour.probes} amplified test inputs it computes something else than the original "
                       f"on {behaviour.changed}" + (f" and crashes on {behaviour.crashes}" if behaviour.crashes else ""))
    level: RiskLevel = "low" if score <= 1 else "medium" if score <= 3 else "high"
    return Risk(level=level, reasons=reasons)


def ast_size(code: str) -> int:
    """Number of AST nodes (a proxy for how much program there is); unparsable code counts as huge."""
    try:
        return sum(1 for _ in ast.walk(ast.parse(code)))
    except SyntaxError:
        return 1 << 30


def _tree(code: str) -> ast.Module | None:
    try:
        return ast.parse(code)
    except SyntaxError:
        return None


def _reads(tree: ast.AST) -> Counter[str]:
    return Counter(n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))


@functools.lru_cache(maxsize=16)
def unused_names(code: str) -> tuple[frozenset[str], Counter[str]]:
    """Names the module defines but never reads (top-level imports, functions and upper-case constants, and
    parameters their function ignores), with the module's read counts. A helper written and never called, or an
    argument never looked at, is where the author's intent went missing."""
    tree = _tree(code)
    if tree is None:
        return frozenset(), Counter()
    reads = _reads(tree)
    attributes = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    defined: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            defined |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign):
            defined |= {t.id for t in node.targets if isinstance(t, ast.Name) and t.id.isupper()}
    unused = {name for name in defined if not reads[name] and name not in attributes}
    for func in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)):
        inside = _reads(func)
        unused |= {a.arg for a in func.args.args + func.args.kwonlyargs
                   if not inside[a.arg] and a.arg not in ("self", "cls") and not a.arg.startswith("_")}
    return frozenset(unused), reads


def revives_unused(code: str, original: str) -> bool:
    """The fix reads a name the original defined and never read (more often than the original reads it)."""
    unused, before = unused_names(original)
    tree = _tree(code) if unused else None
    if tree is None:
        return False
    after = _reads(tree)
    return any(after[name] > before[name] for name in unused)


def rank_key(t: Tested, original: str, tests_exist: bool = True) -> tuple:
    """Sort key: all tests pass, pass ratio, no new findings, fewer findings, smallest edit, source prior.

    Without tests the candidate's own prior (how well it fits the error) comes before edit size.
    """
    v = t.validation
    ratio = v.tests_passed / v.tests_total if v.tests_total else 0.0
    size = behaviour_size(original, t.candidate.code)
    prior = -STRATEGY_PRIOR.get(t.candidate.strategy, 0.5), -t.candidate.prior
    # Equal edit size: the likelier edit wins (weak tests accept many edits; the prior knows which bug is
    # common at that spot), then the simpler program (`x / n` over `x / n + 0`).
    order = (size, *prior, ast_size(t.candidate.code)) if tests_exist else (*prior[::-1], size)
    # When the tests cannot tell fixes apart, dropping code is the likelier way to overfit them; so is a fix
    # that still crashes on nearby inputs, or changes more of the original's behaviour than another.
    b = t.behaviour or Behaviour()
    revived = revives_unused(t.candidate.code, original) if v.validated else False
    return (not v.validated, not v.compiles, -ratio, t.new_findings > 0, v.findings_after,
            t.candidate.destructive, t.candidate.variant, b.crashes, b.changed, not revived, *order)


def confidence(t: Tested, rank: int, *, tests_exist: bool, size: int) -> float:
    """A calibrated-ish score in [0, 1]: validated fixes start high; unvalidated ones stay below 0.5."""
    v = t.validation
    if v.validated:
        base = 0.92
    elif v.tests_total:
        base = 0.5 * v.tests_passed / v.tests_total
    elif not tests_exist and v.findings_after < v.findings_before:
        base = 0.55
    else:
        base = 0.25 + 0.2 * t.candidate.prior
    penalty = 0.04 * (rank - 1) + 0.01 * max(0, size - 2) + (0.1 if t.new_findings else 0.0)
    return round(max(0.01, min(1.0, base - penalty)), 3)
