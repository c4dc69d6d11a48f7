"""State of the auto_fix graph: the input fields plus what each stage adds."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.ranking import Tested
from graphs.auto_fix.schema import Analysis, Fix


class AutoFixState(TypedDict, total=False):
    code: str
    """The module to repair (as given)."""
    error_message: str
    """Traceback or error text from the user."""
    context: str
    """What the code should do; may hold doctest examples."""
    tests: str
    """Tests given by the user."""
    started: float
    """time.monotonic() at the start: the budget clock."""
    effective_tests: str
    """Tests actually run: the given ones or ones derived from doctests ("" when none)."""
    analysis: Analysis
    """Error class, location, static findings, baseline test results, suspicious lines."""
    fix_context: FixContext
    """What proposers read (code, tree, failure, suspicious lines)."""
    findings_before: list[Any]
    """Static findings (graphs.common.static.Finding) of the original code."""
    baseline_passed: int
    """Tests passing before any fix."""
    candidate_timeout_s: float
    baseline_timed_out: bool  # the original hangs on the tests: its behaviour cannot be probed
    """Sandbox timeout for one candidate run, derived from the baseline run."""
    pending: list[Candidate]
    """Candidates proposed this round, not yet tested."""
    seen: set[str]
    """Normalised ASTs already proposed (dedup across rounds)."""
    tested: Annotated[list[Tested], operator.add]
    """Every tested candidate with its validation, in the order they were tried."""
    round: int
    """Proposal rounds done."""
    patience: int
    """Candidates the search may try without progress (settings.fix_patience unless round 2 raised it)."""
    fixes: list[Fix]
    """Ranked output fixes."""
    learned_fix_id: str | None
    """Knowledge-store id of the recorded fix."""
    notes: Annotated[list[str], operator.add]
    """Human-readable remarks for the output."""
