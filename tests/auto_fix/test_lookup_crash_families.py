"""Key-shape lookups and crashes whose message names the repair."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.crash_shapes import (
    absolute_imports,
    builtin_type_members,
    capped_ratios,
    class_attributes,
    decimal_commas,
    dict_iterations,
    dropped_constructions,
    exhausted_next,
    json_defaults,
    missing_self,
    padded_unpacking,
    text_or_file_calls,
    wrong_receivers,
)
from graphs.auto_fix.lookup_keys import (
    attribute_subscripts,
    csv_header_spaces,
    enum_values,
    get_defaults,
    key_shapes,
    merged_defaults,
)
from tests.auto_fix.snippets import run_snippet, working_codes


def _ctx(code: str, error_class: str, exc: str, message: str, line: int | None = None) -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class=error_class, exception_type=exc, message=message,
                      line=line, suspicious=[line] if line else [])


def test_json_objects_read_with_attribute_syntax_become_subscripts():
    code = "def names(rows):\n    return [r.name + r.unit for r in rows]\n"
    cands = attribute_subscripts(_ctx(code, "attribute_error", "AttributeError", "'dict' object has no attribute 'name'", 2))
    assert run_snippet(cands[0].code, "names", [{"name": "a", "unit": "m"}]) == ["am"]


def test_key_type_and_case_are_converted_at_the_lookup():
    code = 'NAMES = {"0": "Lobby"}\n\n\ndef floor(n):\n    return NAMES[n]\n'
    assert working_codes(key_shapes(_ctx(code, "key_error", "KeyError", "0", 5)), "floor", (0,), "Lobby")
    code = 'TABLE = {"ATG": "M"}\n\n\ndef aa(c):\n    return TABLE[c]\n'
    cands = key_shapes(_ctx(code, "key_error", "KeyError", "'atg'", 5))
    assert "TABLE[c.upper()]" in cands[0].code


def test_enum_values_and_csv_headers_and_get_defaults():
    code = ("from enum import Enum\n\n\nclass Side(Enum):\n    LEFT = 'left'\n\n\ndef side(s):\n    return Side(s)\n")
    cands = enum_values(_ctx(code, "value_error", "ValueError", "'Left' is not a valid Side"))
    assert "Side(s.lower())" in cands[0].code
    code = "import csv\nimport io\n\n\ndef rows(text):\n    return list(csv.DictReader(io.StringIO(text)))\n"
    cands = csv_header_spaces(_ctx(code, "key_error", "KeyError", "'b'", 6))
    assert run_snippet(cands[0].code, "rows", "a, b\n1, 2\n")[0]["b"] == "2"
    code = "def total(d):\n    extra = d.get('extra')\n    return d['base'] + extra\n"
    cands = get_defaults(_ctx(code, "type_error", "TypeError",
                              "unsupported operand type(s) for +: 'int' and 'NoneType'", 3))
    assert run_snippet(cands[0].code, "total", {"base": 2}) == 2


def test_defaults_table_is_merged_where_the_config_is_loaded():
    code = ("import json\n\nDEFAULTS = {'fee': 5}\n\n\ndef load(text):\n    return json.loads(text)\n\n\n"
            "def fee(text):\n    return load(text)['fee']\n")
    cands = merged_defaults(_ctx(code, "key_error", "KeyError", "'fee'", 11))
    assert "{**DEFAULTS, **json.loads(text)}" in cands[0].code and run_snippet(cands[0].code, "fee", "{}") == 5


def test_json_default_receivers_and_relative_imports():
    code = "import json\n\n\ndef dump(tags):\n    return json.dumps({'t': tags})\n"
    cands = json_defaults(_ctx(code, "type_error", "TypeError", "Object of type set is not JSON serializable"))
    assert run_snippet(cands[0].code, "dump", {"b", "a"}) == '{"t": ["a", "b"]}'
    code = "def show(xs):\n    return xs.join(', ')\n"
    cands = wrong_receivers(_ctx(code, "attribute_error", "AttributeError", "'list' object has no attribute 'join'", 2))
    assert run_snippet(cands[0].code, "show", ["a", "b"]) == "a, b"
    code = "from .fractions import Fraction\n\n\ndef half():\n    return Fraction(1, 2)\n"
    cands = absolute_imports(_ctx(code, "import_error", "ImportError",
                                  "attempted relative import with no known parent package"))
    assert cands[0].code.startswith("from fractions import Fraction")


def test_methods_without_self_module_classes_generators_and_decimal_commas():
    code = "class C:\n    def half(x):\n        return x / 2\n\n    def run(self):\n        return self.half(4)\n"
    cands = missing_self(_ctx(code, "type_error", "TypeError", "C.half() takes 1 positional argument but 2 were given"))
    assert "@staticmethod" in cands[0].code
    scope: dict = {}
    exec(compile(cands[0].code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    assert scope["C"]().run() == 2
    code = "import datetime\n\n\ndef parse(s):\n    return datetime.fromisoformat(s).year\n"
    cands = class_attributes(_ctx(code, "attribute_error", "AttributeError",
                                  "module 'datetime' has no attribute 'fromisoformat'"))
    assert working_codes(cands, "parse", ("2024-01-02",), 2024)
    code = "def rows(lines):\n    it = iter(lines)\n    head = next(it)\n    for x in it:\n        yield head, x\n"
    cands = exhausted_next(_ctx(code, "other_exception", "RuntimeError", "generator raised StopIteration"))
    assert run_snippet(cands[0].code.replace("def rows", "def _rows") + "\ndef rows(l):\n    return list(_rows(l))\n",
                       "rows", []) == []
    code = "def rate(text):\n    return float(text)\n"
    cands = decimal_commas(_ctx(code, "value_error", "ValueError", "could not convert string to float: '0,12'", 2))
    assert run_snippet(cands[0].code, "rate", "0,12") == 0.12


def test_unpacking_pads_caps_builtin_members_and_dropped_results():
    code = "def secs(t):\n    parts = [int(p) for p in t.split(':')]\n    h, m, s = parts\n    return h * 3600 + m * 60 + s\n"
    cands = padded_unpacking(_ctx(code, "value_error", "ValueError", "not enough values to unpack (expected 3, got 2)", 3))
    assert run_snippet(cands[0].code, "secs", "04:30") == 270
    code = "def frac(done, total):\n    return min(done / total, 1.0)\n"
    cands = capped_ratios(_ctx(code, "zero_division", "ZeroDivisionError", "division by zero", 2))
    assert run_snippet(cands[0].code, "frac", 0, 0) == 1.0
    code = "from string import maketrans\n\nT = maketrans('a', 'b')\n\n\ndef swap(s):\n    return s.translate(T)\n"
    cands = builtin_type_members(_ctx(code, "import_error", "ImportError",
                                      "cannot import name 'maketrans' from 'string' (string.py)"))
    assert run_snippet(cands[0].code, "swap", "abc") == "bbc"
    code = ("from datetime import date\n\n\ndef parse(s):\n    if '-' in s:\n        return date.fromisoformat(s)\n"
            "    d, m, y = s.split('.')\n    date(int(y), int(m), int(d))\n")
    cands = dropped_constructions(_ctx(code, "none_attribute", "AttributeError", "'NoneType' object has no attribute 'x'"))
    assert run_snippet(cands[0].code, "parse", "01.02.2024").month == 2


def test_a_dict_walked_for_its_values_or_pairs_is_walked_through_values_or_items():
    code = ("class P:\n    def __init__(self, s):\n        self.score = s\n\n\n"
            "def best(players):\n    return max(players, key=lambda p: p.score).score\n")
    cands = dict_iterations(_ctx(code, "attribute_error", "AttributeError", "'str' object has no attribute 'score'", 7))
    assert working_codes(cands, "best", ({"a": _P(3), "b": _P(5)},), 5)
    code = "def total(stock):\n    n = 0\n    for name, qty in stock:\n        n += qty\n    return n\n"
    cands = dict_iterations(_ctx(code, "value_error", "ValueError", "too many values to unpack (expected 2)", 3))
    assert working_codes(cands, "total", ({"ab": 2, "cd": 3},), 5)
    assert dict_iterations(_ctx(code, "value_error", "ValueError", "invalid literal for int()", 3)) == []


class _P:
    def __init__(self, score):
        self.score = score


def test_file_and_text_forms_of_json_are_swapped():
    code = "import json\n\n\ndef parse(msg):\n    return json.load(msg)['a']\n"
    cands = text_or_file_calls(_ctx(code, "attribute_error", "AttributeError", "'str' object has no attribute 'read'", 5))
    assert working_codes(cands, "parse", ('{"a": 1}',), 1)
    assert text_or_file_calls(_ctx(code, "attribute_error", "AttributeError", "'str' has no attribute 'x'", 5)) == []


def test_a_method_that_uses_self_but_lacks_it_gets_self_first():
    code = "class Counter:\n    def __init__(self):\n        self.n = 0\n\n    def bump(amount=1):\n" \
           "        self.n += amount\n        return self.n\n"
    cands = missing_self(_ctx(code, "type_error", "TypeError",
                              "Counter.bump() takes from 0 to 1 positional arguments but 2 were given"))
    best = max(cands, key=lambda c: c.prior)
    assert "def bump(self, amount=1):" in best.code
    scope: dict = {}
    exec(compile(best.code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    assert scope["Counter"]().bump(2) == 2
