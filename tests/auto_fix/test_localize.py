"""Ochiai suspiciousness and line ranking."""

from __future__ import annotations

import math

from graphs.auto_fix.localize import line_weights, ochiai, rank_lines


def test_ochiai_matches_the_formula():
    coverage = {"t1": [1, 2, 3], "t2": [1, 2], "t3": [1, 4]}
    passed = {"t1": False, "t2": True, "t3": False}
    scores = ochiai(coverage, passed)
    assert math.isclose(scores[3], 1 / math.sqrt(2 * 1))
    assert math.isclose(scores[1], 2 / math.sqrt(2 * 3))
    assert math.isclose(scores[2], 1 / math.sqrt(2 * 2))
    assert scores[4] == scores[3]
    assert ochiai(coverage, {"t1": True, "t2": True, "t3": True}) == {}


def test_lines_only_run_by_passing_tests_score_zero():
    scores = ochiai({"ok": [5], "bad": [6]}, {"ok": True, "bad": False})
    assert scores[5] == 0.0 and scores[6] == 1.0


def test_rank_lines_puts_traceback_line_first_and_breaks_ties_late_first():
    assert rank_lines({2: 0.5, 3: 0.5, 4: 0.9}, error_line=7) == [7, 4, 3, 2]
    assert rank_lines({2: 0.0, 3: 0.2}) == [3]


def test_line_weights_decay():
    w = line_weights([9, 4, 1])
    assert w[9] == 1.0 and w[4] < w[9] and w[1] < w[4]


def test_rank_lines_puts_data_sources_after_the_traceback_line_and_relevant_lines_first_among_ties():
    scores = {3: 1.0, 4: 1.0, 5: 1.0, 6: 1.0}
    assert rank_lines(scores, error_line=6, sources=[3]) == [6, 3, 5, 4]
    assert rank_lines(scores, relevant={3, 4}) == [4, 3, 6, 5]
