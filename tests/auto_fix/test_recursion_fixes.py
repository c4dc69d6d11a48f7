"""RecursionError repairs: shrinking calls, skipped base cases, special methods, visited sets."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.dunder_recursion import special_method_recursion
from graphs.auto_fix.recursion_fixes import (
    excluded_midpoints,
    linked_receivers,
    marked_visits,
    shrinking_calls,
    skipped_base_cases,
    visited_checks,
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


def test_shrinking_call_tries_the_parts_a_divmod_unpacks():
    code = ("def spell(n):\n    if n < 10:\n        return str(n)\n    high, rest = divmod(n, 10)\n"
            "    return spell(high) + (\"-\" + spell(n) if rest else \"\")\n")
    cands = shrinking_calls(_ctx(code))
    assert {c.code.splitlines()[-1].split("+ spell(")[1][:4] for c in cands[:2]} == {"rest", "high"}
    assert working_codes(cands, "spell", (42,), "4-2")


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


def test_visited_check_is_added_where_the_node_is_recorded():
    code = ("def reach(g, n, seen=None):\n    seen = set() if seen is None else seen\n    seen.add(n)\n"
            "    for m in g.get(n, ()):\n        reach(g, m, seen)\n    return seen\n")
    cands = visited_checks(_ctx(code))
    assert cands and "if n in seen:\n        return seen" in cands[0].code
    assert run_snippet(cands[0].code, "reach", {"a": ["b"], "b": ["a"]}, "a") == {"a", "b"}


def test_method_recursion_follows_the_link_and_ranges_drop_the_midpoint():
    code = ("class Node:\n    def __init__(self, v, up=None):\n        self.v = v\n        self.up = up\n\n"
            "    def chain(self):\n        return [self.v] if self.up is None else self.chain() + [self.v]\n")
    cands = linked_receivers(_ctx(code))
    assert cands and "self.up.chain()" in cands[0].code
    code = ("def find(xs, t, lo, hi):\n    if lo > hi:\n        return -1\n    mid = (lo + hi) // 2\n"
            "    if xs[mid] == t:\n        return mid\n    if xs[mid] < t:\n        return find(xs, t, mid, hi)\n"
            "    return find(xs, t, lo, mid - 1)\n")
    assert working_codes(excluded_midpoints(_ctx(code)), "find", ([1, 3, 5], 5, 0, 2), 2)


def test_str_shows_fields_instead_of_formatting_itself():
    code = 'class P:\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\n\n    def __str__(self):\n        return f"P({self})"\n'
    cands = special_method_recursion(_ctx(code))
    assert cands and 'f"P({self.x}, {self.y})"' in cands[0].code


def test_a_cycle_check_gets_its_mark():
    code = ("def order(deps):\n    out, done, visiting = [], set(), set()\n\n    def visit(n):\n        if n in done:\n"
            "            return\n        if n in visiting:\n            raise ValueError(n)\n        for d in deps.get(n, []):\n"
            "            visit(d)\n        visiting.discard(n)\n        done.add(n)\n        out.append(n)\n\n"
            "    for n in sorted(deps):\n        visit(n)\n    return out\n")
    cands = marked_visits(_ctx(code))
    assert cands and "visiting.add(n)" in cands[0].code
    assert run_snippet(cands[0].code, "order", {"a": ["b"], "b": []}) == ["b", "a"]


def test_a_recursive_lookup_follows_the_entry_it_found_not_its_own_key_again():
    code = ("TREE = {'a': ['x', '@b'], 'b': ['y']}\n\n\ndef flat(key, tree=TREE):\n    out = []\n"
            "    for e in tree.get(key, []):\n        if e.startswith('@'):\n            out += flat(key, tree)\n"
            "        else:\n            out.append(e)\n    return out\n")
    assert working_codes(shrinking_calls(_ctx(code)), "flat", ("a",), ["x", "y"])
