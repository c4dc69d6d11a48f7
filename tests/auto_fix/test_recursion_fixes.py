"""RecursionError repairs: shrinking calls, skipped base cases, special methods, visited sets."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.recursion_fixes import (
    shrinking_calls,
    skipped_base_cases,
    special_method_recursion,
    visited_sets,
)
from tests.auto_fix.snippets import run_snippet, working_codes


def _ctx(code: str) -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class="recursion_error", exception_type="RecursionError",
                      message="maximum recursion depth exceeded", line=None)


def test_shrinking_call_divides_where_the_function_takes_the_remainder():
    code = "def digits(n):\n    if n < 10:\n        return [n]\n    return digits(n) + [n % 10]\n"
    cands = shrinking_calls(_ctx(code))
    assert "digits(n // 10)" in cands[0].code
    assert working_codes(cands, "digits", (4071,), [4, 0, 7, 1])


def test_shrinking_call_prefers_a_local_computed_from_the_input():
    code = ("def total(xs):\n    if not xs:\n        return 0\n    first, rest = xs[0], xs[1:]\n"
            "    return first + total(xs)\n")
    cands = shrinking_calls(_ctx(code))
    assert "total(rest)" in cands[0].code and run_snippet(cands[0].code, "total", [1, 2, 3]) == 6


def test_shrinking_call_leaves_calls_that_already_shrink():
    code = "def f(n):\n    if n == 0:\n        return 0\n    return f(n - 1)\n"
    assert not shrinking_calls(_ctx(code))


def test_equality_base_case_becomes_an_inequality_for_bigger_steps():
    code = "def odds(n):\n    if n == 0:\n        return []\n    return [n] + odds(n - 2)\n"
    cands = skipped_base_cases(_ctx(code))
    assert cands and "if n <= 0:" in cands[0].code
    assert run_snippet(cands[0].code, "odds", 5) == [5, 3, 1]


def test_special_methods_delegate_or_compare_fields():
    code = '''class Bag:
    def __init__(self, items):
        self.items = list(items)

    def __len__(self):
        return len(self)

    def __eq__(self, other):
        return isinstance(other, Bag) and self == other
'''
    cands = special_method_recursion(_ctx(code))
    texts = [c.code for c in cands]
    assert any("return len(self.items)" in t for t in texts)
    assert any("(self.items,) == (other.items,)" in t for t in texts)


def test_setattr_stores_through_super():
    code = ('class Conf:\n    def __init__(self, **kw):\n        for k, v in kw.items():\n            setattr(self, k, v)\n'
            '\n    def __setattr__(self, key, value):\n        setattr(self, key.upper(), value)\n')
    cands = special_method_recursion(_ctx(code))
    assert cands and "super().__setattr__(key.upper(), value)" in cands[0].code
    scope: dict = {}
    exec(compile(cands[0].code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    assert scope["Conf"](port=1).PORT == 1


def test_visited_set_stops_a_walk_around_a_cycle():
    code = ("def deps(graph, name):\n    out = [name]\n    for d in graph.get(name, []):\n"
            "        out += deps(graph, d)\n    return sorted(set(out))\n")
    cands = visited_sets(_ctx(code))
    graph = {"a": ["b"], "b": ["c", "a"], "c": []}
    assert working_codes(cands, "deps", (graph, "a"), ["a", "b", "c"])
    assert "_seen=None" in cands[0].code
