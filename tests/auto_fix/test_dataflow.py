"""Static data flow used to order suspicious lines."""

from __future__ import annotations

import ast

from graphs.auto_fix.dataflow import data_sources, return_slice

MEDIAN = '''def median(values):
    """Median of a list."""
    ordered = sorted(values)
    mid = len(ordered) / 2
    trace = []
    trace.append(mid)
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2
'''


def test_data_sources_are_the_definitions_of_names_used_on_the_line_nearest_first():
    tree = ast.parse(MEDIAN)
    assert data_sources(tree, 8) == [4, 3]
    assert data_sources(tree, 4) == [3]
    assert data_sources(tree, 1) == []  # the def line uses nothing defined in the body


def test_loop_carried_definitions_come_after_preceding_ones():
    code = "def f(xs):\n    total = 0\n    for x in xs:\n        use = total * 2\n        total = total + x\n    return use\n"
    assert data_sources(ast.parse(code), 4) == [2, 5]


def test_return_slice_keeps_lines_that_reach_a_result_and_drops_bookkeeping():
    lines = return_slice(ast.parse(MEDIAN))
    assert {3, 4, 7, 8, 9} <= lines
    assert not {5, 6} & lines


def test_return_slice_follows_mutating_calls_and_enclosing_loops():
    code = ("def evens(xs):\n    out = []\n    noise = 0\n    for x in xs:\n        noise += 1\n"
            "        if x % 2 == 0:\n            out.append(x)\n    return out\n")
    assert return_slice(ast.parse(code)) == {2, 4, 6, 7, 8}
