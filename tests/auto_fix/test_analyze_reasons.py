"""The analyze stage keeps the failing test's reason when the code raised nothing (pytest's DID NOT RAISE)."""

from __future__ import annotations

from graphs.auto_fix.analyze import analyze

SWALLOWING = '''def parse_quantity(text):
    """Parse an order quantity; raises ValueError for anything that is not a positive whole number."""
    try:
        value = int(text)
    except ValueError:
        return None
    if value <= 0:
        raise ValueError(f"quantity must be positive: {value}")
    return value
'''

TESTS = '''import pytest
from solution import parse_quantity


def test_rejects_words():
    with pytest.raises(ValueError):
        parse_quantity("three")


def test_parses_numbers():
    assert parse_quantity("4") == 4
'''


def test_did_not_raise_is_wrong_output_with_its_reason(settings):
    result = analyze(SWALLOWING, "", "", TESTS, settings)
    assert result.analysis.error_class == "wrong_output"
    assert result.analysis.exception_type is None
    assert "DID NOT RAISE" in result.analysis.message and "ValueError" in result.analysis.message
    assert "DID NOT RAISE" in result.fix_context.message
    assert result.analysis.baseline_tests_passed == 1 and result.analysis.baseline_tests_total == 2


def test_swallowed_error_gets_a_reraise_candidate(settings):
    from graphs.auto_fix.exception_fixes import reraise_swallowed

    ctx = analyze(SWALLOWING, "", "", TESTS, settings).fix_context
    cands = reraise_swallowed(ctx)
    assert cands and cands[0].prior >= 0.85  # the test's "DID NOT RAISE" is the strongest hint
    scope: dict = {}
    exec(compile(cands[0].code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    try:
        scope["parse_quantity"]("three")
    except ValueError:
        pass
    else:
        raise AssertionError("the candidate still swallows the error")


SPINNING = '''def first_gap(used):
    """The smallest positive number not in `used`."""
    n = 1
    for _ in range(3):
        pass
    while n in used:
        n + 1
    return n
'''


def test_a_hang_is_located_on_the_line_where_the_loop_spins(settings):
    tests = "def test_gap():\n    assert first_gap({1, 2}) == 3\n"
    result = analyze(SPINNING, "it hangs", "", tests, settings)
    a = result.analysis
    assert a.error_class == "hang" and result.baseline_timed_out
    assert a.location.line in (6, 7) and a.suspicious_lines[0] in (6, 7)  # the while loop, not the for loop
    assert "still running" in a.message
