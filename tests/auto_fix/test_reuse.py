"""Learning is measured: the second time the same bug is seen, the recorded fix is tried first."""

from __future__ import annotations

import pytest

from graphs.auto_fix.graph import run_auto_fix
from graphs.auto_fix.schema import AutoFixInput

pytestmark = pytest.mark.slow

CODE = '''def average_speed(distances, hours):
    """Mean speed over a trip made of several legs."""
    total = 0
    for leg in distances:
        total += leg
    speed = total * hours
    return speed
'''
TESTS = '''def test_two_legs():
    assert average_speed([10, 20], 2) == 15


def test_one_leg():
    assert average_speed([30], 3) == 10
'''


def test_same_bug_twice_is_fixed_with_fewer_candidates_the_second_time(deps):
    inp = AutoFixInput(code=CODE, tests=TESTS, error_message="")
    first = run_auto_fix(deps, inp)
    assert first.fixes and first.fixes[0].validation.validated
    assert first.learned_fix_id is not None
    second = run_auto_fix(deps, inp)
    assert second.fixes and second.fixes[0].validation.validated
    assert second.fixes[0].strategy == "retrieved_fix"
    assert second.candidates_tried < first.candidates_tried, (first.candidates_tried, second.candidates_tried)
