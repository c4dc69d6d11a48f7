"""Values computed and never returned: dropped call results and functions that fall off their main path."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.return_fixes import PROPOSERS, discarded_returns, fallen_off_ends
from tests.auto_fix.snippets import run_snippet, working_codes


def _ctx(code: str) -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class="wrong_output")


def test_registered_for_wrong_output_and_none_crashes():
    assert discarded_returns in PROPOSERS["wrong_output"] and fallen_off_ends in PROPOSERS["none_attribute"]


def test_a_dropped_recursive_result_is_returned():
    code = ("def follow(name, links, depth=0):\n    target = links[name]\n    if target.startswith('@'):\n"
            "        follow(target[1:], links, depth + 1)\n    return target\n")
    links = {"a": "@b", "b": "@c", "c": "42"}
    assert working_codes(discarded_returns(_ctx(code)), "follow", ("a", links), "42")
    assert discarded_returns(_ctx("def log(x):\n    print(x)\n    return x\n")) == []
    code = ("def show(v):\n    if isinstance(v, list):\n        ', '.join(str(x) for x in v)\n    return str(v)\n")
    assert working_codes(discarded_returns(_ctx(code)), "show", ([1, 2],), "1, 2")


def test_a_function_that_falls_off_its_main_path_returns_the_last_value():
    code = ("def price(base, code=None):\n    if not code:\n        return base\n"
            "    base = round(base * 0.9, 2)\n")
    codes = working_codes(fallen_off_ends(_ctx(code)), "price", (100, "X"), 90.0)
    assert len(codes) == 2
    code = "def total(xs):\n    if not xs:\n        return 0\n    t = 0\n    for x in xs:\n        t += x\n"
    assert fallen_off_ends(_ctx(code)) == []  # ends in a loop: which value is meant is not clear
    assert fallen_off_ends(_ctx("def setup(d):\n    d['x'] = 1\n")) == []


def test_a_function_that_returns_only_inside_its_branches_returns_the_common_value_after_them():
    code = ("def fmt(code, country):\n    c = code.replace(' ', '').upper()\n    if country == 'GB':\n"
            "        return c[:-3] + ' ' + c[-3:]\n    if country == 'NL':\n        return c[:4] + ' ' + c[4:]\n")
    codes = working_codes(fallen_off_ends(_ctx(code)), "fmt", ("10115", "DE"), "10115")
    assert codes and run_snippet(codes[0], "fmt", "sw1a1aa", "GB") == "SW1A 1AA"
