"""Follow-up repairs: a candidate that got further than the original code is analysed afresh, and the templates
run on it. Getting further means more tests pass, or (for a template's targeted edit) a crash turned into a
different failure or a hang now ends.

One edit often fixes the failure the user saw and uncovers the next one (a guard that stops the crash and
exposes a wrong default, a loop that now ends but one step early). The first round's tests only say how many
tests pass; the re-analysis says where the candidate now fails, so the templates for that failure apply too.
"""

from __future__ import annotations

from dataclasses import replace

from graphs.auto_fix.analyze import analyze
from graphs.auto_fix.candidates import Candidate
from graphs.auto_fix.propose import template_candidates
from graphs.auto_fix.ranking import Tested
from graphs.auto_fix.schema import Analysis
from graphs.auto_fix.traceback_parse import parse_traceback
from graphs.common.config import Settings

MAX_BASES = 2  # candidates re-analysed per search (each costs one sandbox run)
# Follow-ups come first in round 2 (a fresh analysis steers them; blind pairs of mutations do not), ordered
# among themselves by the weaker of their two edits.
FOLLOW_UP_FLOOR, FOLLOW_UP_SPAN = 0.45, 0.4


def _progress(t: Tested, baseline_passed: int, original: Analysis) -> int:
    """0 when `t` got no further than the original code; higher for clearer progress."""
    v = t.validation
    if not v.compiles or v.validated or v.timed_out:
        return 0
    if v.tests_passed > baseline_passed:
        return 3
    if t.candidate.strategy == "ast_mutation":
        return 0  # a blind edit that merely changes the failure (`x` → `self`) is no lead
    if original.error_class == "hang":
        return 1  # the loop now ends
    crashed = original.exception_type not in (None, "AssertionError")
    now = parse_traceback(t.failure).exception_type if t.failure else None
    if not crashed or now == original.exception_type or now in ("ImportError", "ModuleNotFoundError",
                                                               "SyntaxError", "NameError"):
        return 0
    return 2 if now == "AssertionError" else 1  # it runs through now, or stops somewhere else


def progressed(tested: list[Tested], baseline_passed: int, original: Analysis) -> list[Tested]:
    """The candidates worth building on, clearest progress first (destructive edits last), and at most one per
    kind of progress, so that a dead end that merely runs through does not crowd out a crash that moved on."""
    scored = [(_progress(t, baseline_passed, original), t) for t in tested]
    scored = [(s, t) for s, t in scored if s]
    scored.sort(key=lambda st: (st[0], not st[1].candidate.destructive, st[1].validation.tests_passed,
                                st[1].candidate.prior), reverse=True)
    picked: list[Tested] = []
    kinds: set[tuple[int, str]] = set()
    for score, t in scored:
        kind = (score, parse_traceback(t.failure).exception_type or "" if t.failure else "")
        if kind not in kinds:
            kinds.add(kind)
            picked.append(t)
    return picked[:MAX_BASES]


def _combined(base: Candidate, more: Candidate) -> Candidate:
    strategy = "ast_mutation" if "ast_mutation" in (base.strategy, more.strategy) else base.strategy
    return Candidate(more.code, strategy, f"{base.explanation}; then {more.explanation}",
                     FOLLOW_UP_FLOOR + FOLLOW_UP_SPAN * min(base.prior, more.prior),
                     destructive=base.destructive or more.destructive)


def follow_up_candidates(bases: list[Tested], *, context: str, tests: str, hints: str,
                         settings: Settings) -> list[Candidate]:
    """The templates' candidates on top of each base, from a fresh analysis of where the base now fails."""
    out: list[Candidate] = []
    for base in bases:
        res = analyze(base.candidate.code, "", context, tests, settings, static=False)
        ctx = res.fix_context
        if ctx.tree is None:
            continue
        ctx = replace(ctx, hints=f"{hints}\n{base.failure}")
        # Templates only: blind mutations on top of a first edit mostly overfit the visible tests (measured on the
        # development sets: 1 fix against 3 wrong ones), and the second-order pairs already cover two mutations.
        out += [_combined(base.candidate, c) for c in template_candidates(ctx)]
    return out
