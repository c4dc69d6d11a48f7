"""Crash repairs added with the v11–v13 round: None in sums, dates plus numbers, text numbers, strptime
tails, imports from submodules and namesakes, abbreviated and synonym attributes, table-key defaults, cycle
marks, handler and branch defaults, zero-length similarity."""

from __future__ import annotations

import ast

import pytest

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.none_fixes import none_filters
from graphs.auto_fix.value_fixes import _format_tails, value_parsing
from tests.auto_fix.snippets import working_codes


def _ctx(code: str, error_class: str = "wrong_output", message: str = "", line: int | None = None,
         hints: str = "") -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class=error_class, message=message, line=line,
                      hints=hints)


def test_none_filters_keep_only_values_that_are_not_none():
    code = "def total(rows):\n    values = [r.get('n') for r in rows]\n    return sum(values)\n"
    msg = "unsupported operand type(s) for +: 'int' and 'NoneType'"
    cands = none_filters(_ctx(code, "type_error", msg, line=3))
    assert working_codes(cands, "total", ([{"n": 2}, {}, {"n": 3}],), 5)
    assert none_filters(_ctx(code, "type_error", "unsupported operand type(s) for +: 'int' and 'str'", 3)) == []


@pytest.mark.parametrize(("rest", "tail"), [(":07", ":%S"), (".250", ".%f"), ("+0200", "%z"), (" PM", " %p"),
                                           ("T10:00:00", "T%H:%M:%S")])
def test_format_tails_parse_exactly_the_unconverted_rest(rest, tail):
    assert tail in _format_tails(rest)


def test_unconverted_data_extends_the_strptime_format_constant():
    code = ('from datetime import datetime\n\nSTAMP = "%Y-%m-%d %H:%M"\n\n\ndef parse(text):\n'
            '    return datetime.strptime(text, STAMP)\n')
    cands = value_parsing(_ctx(code, "value_error", "unconverted data remains: :07", line=7))
    assert cands and "'%Y-%m-%d %H:%M:%S'" in cands[0].code


def test_a_set_changed_while_iterated_is_iterated_over_a_copy():
    from graphs.auto_fix.templates import iteration_copies

    code = ("class Pool:\n    def __init__(self, xs):\n        self.free = set(xs)\n\n    def drop(self, keep):\n"
            "        for x in self.free:\n            if x not in keep:\n                self.free.discard(x)\n"
            "        return sorted(self.free)\n")
    cands = iteration_copies(_ctx(code, "other_exception", "Set changed size during iteration", line=6))
    assert cands
    scope: dict = {}
    exec(compile(cands[0].code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    assert scope["Pool"](["a", "b", "c"]).drop({"b"}) == ["b"]


def test_a_number_added_to_a_date_becomes_a_timedelta():
    from datetime import date

    from graphs.auto_fix.type_fixes import date_offsets

    code = ("from datetime import date\n\n\ndef series(start, every, n):\n    out, cur = [], start\n"
            "    for _ in range(n):\n        out.append(cur)\n        cur = cur + every\n    return out\n")
    msg = "unsupported operand type(s) for +: 'datetime.date' and 'int'"
    cands = date_offsets(_ctx(code, "type_error", msg, line=8))
    assert working_codes(cands, "series", (date(2024, 1, 30), 7, 2), [date(2024, 1, 30), date(2024, 2, 6)])
    assert "from datetime import timedelta" in cands[0].code
    assert date_offsets(_ctx(code, "type_error", "unsupported operand type(s) for +: 'int' and 'str'", 8)) == []


def test_float_text_and_missing_separators_are_parsed():
    code = "def amount(text):\n    number, _, cur = text.rpartition(' ')\n    return float(number), cur\n"
    cands = value_parsing(_ctx(code, "value_error", "could not convert string to float: '1,250.00'", line=3))
    assert working_codes(cands, "amount", ("1,250.00 EUR",), (1250.0, "EUR"))
    code = "def pairs(h):\n    out = {}\n    for part in h.split(','):\n        k, v = part.split('=')\n" \
           "        out[k.strip()] = v or True\n    return out\n"
    cands = value_parsing(_ctx(code, "value_error", "not enough values to unpack (expected 2, got 1)", line=4))
    assert working_codes(cands, "pairs", ("public, max-age=3",), {"public": True, "max-age": "3"})


def test_a_name_imported_from_a_package_comes_from_its_submodule():
    from graphs.auto_fix.lookup_fixes import import_names

    code = ("from urllib import urlencode\nfrom urllib.parse import urlsplit\n\n\ndef key(url, params):\n"
            "    return urlsplit(url).path + '?' + urlencode(sorted(params.items()))\n")
    msg = "cannot import name 'urlencode' from 'urllib' (urllib/__init__.py)"
    cands = import_names(_ctx(code, "import_error", msg, line=1))
    assert working_codes(cands, "key", ("https://h/p", {"b": 1, "a": "x y"}), "/p?a=x+y&b=1")
    code = "from urllib import quote, urlencode\n\n\ndef q(s):\n    return quote(s) + '&' + urlencode({'a': s})\n"
    msg = "cannot import name 'quote' from 'urllib' (urllib/__init__.py)"
    cands = import_names(_ctx(code, "import_error", msg, line=1))
    assert "from urllib.parse import quote, urlencode" in cands[0].code  # its neighbour moves along


def test_an_attribute_is_matched_to_its_abbreviation():
    from graphs.auto_fix.name_fixes import _abbreviations, wrong_attributes

    assert _abbreviations("acknowledge", ["ack", "nack", "state"]) == ["ack"]
    assert _abbreviations("config", ["cfg", "conn"]) == ["cfg"]
    assert _abbreviations("body", ["bd", "state"]) == []
    code = ("class Msg:\n    def __init__(self):\n        self.state = 'new'\n\n    def ack(self):\n"
            "        self.state = 'acked'\n\n\ndef done(m):\n    m.acknowledge()\n    return m.state\n")
    msg = "'Msg' object has no attribute 'acknowledge'"
    cands = wrong_attributes(_ctx(code, "attribute_error", msg, line=10))
    assert any(run_ok for run_ok in [c.code.count("m.ack()") == 1 for c in cands])


def test_a_cycle_check_whose_set_is_never_filled_gets_the_mark():
    from graphs.auto_fix.recursion_fixes import marked_visits

    code = ("def value(sheet, name, seen=None):\n    seen = set() if seen is None else seen\n    if name in seen:\n"
            "        raise ValueError(name)\n    v = sheet[name]\n    if isinstance(v, str):\n        total = 0\n"
            "        for ref in v.split('+'):\n            total += value(sheet, ref, seen)\n        return total\n"
            "    return v\n")
    cands = marked_visits(_ctx(code, "recursion_error", "maximum recursion depth exceeded", line=5))
    cyclic = {"a": "b", "b": "a"}
    raising = []
    for cand in cands:
        scope: dict = {}
        exec(compile(cand.code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
        with pytest.raises(ValueError):
            scope["value"](cyclic, "a")
        raising.append(cand)
    diamond = {"top": "x+x", "x": 2}
    assert working_codes(raising, "value", (diamond, "top"), 4)  # the per-path copy allows a shared cell
    best = max(cands, key=lambda c: c.prior)
    assert "seen = seen | {name}" in best.code  # a check that raises reports cycles: per-path copy first


def test_a_missing_key_defaults_to_the_table_entry_the_tests_expect():
    from graphs.auto_fix.lookup_fixes import fallback_gets

    code = ("PRICES = {'basic': 29.0, 'plus': 49.0}\n\n\ndef fee(member):\n    tier = member['tier']\n"
            "    return PRICES[tier]\n")
    hints = "def test_fee():\n    assert fee({'id': 7}) == 29.0\n"
    cands = fallback_gets(_ctx(code, "key_error", "'tier'", line=5, hints=hints))
    assert working_codes(cands, "fee", ({"id": 7},), 29.0)
    best = max(cands, key=lambda c: c.prior)
    assert "(member.get('tier') or 'basic')" in best.code  # a blank or None value means the default too
    assert any("member.get('tier', 'basic')" in c.code for c in cands)


def test_a_name_imported_from_the_wrong_module_comes_from_its_namesake():
    from graphs.auto_fix.lookup_fixes import import_names

    code = "from os.path import fnmatch\n\n\ndef hidden(name):\n    return fnmatch(name, '.*')\n"
    msg = "cannot import name 'fnmatch' from 'posixpath' (posixpath.py)"
    cands = import_names(_ctx(code, "import_error", msg, line=1))
    assert working_codes(cands, "hidden", (".git",), True)
    assert "from fnmatch import fnmatch" in cands[0].code or any("from fnmatch import fnmatch" in c.code
                                                                  for c in cands)


def test_an_except_that_only_logs_falls_back_to_the_module_default():
    from graphs.auto_fix.unbound_fixes import handler_defaults

    code = ("import json\n\nDEFAULT_TABLE = {'year': 2024}\n\n\ndef load(path):\n    try:\n"
            "        with open(path) as fh:\n            table = json.load(fh)\n    except FileNotFoundError:\n"
            "        print('missing')\n    return table\n")
    msg = "cannot access local variable 'table' where it is not associated with a value"
    cands = handler_defaults(_ctx(code, "unbound_local", msg, line=12))
    assert any("        table = DEFAULT_TABLE\n" in c.code for c in cands)
    assert working_codes(cands, "load", ("/nonexistent/x.json",), {"year": 2024})


def test_text_values_collected_by_a_comprehension_are_converted_there():
    from graphs.auto_fix.call_fixes import text_numbers

    code = ("def summary(rows, q):\n    values = [r[q] for r in rows if r.get(q, '').strip()]\n"
            "    return sum(values) / len(values)\n")
    msg = "unsupported operand type(s) for +: 'int' and 'str'"
    cands = text_numbers(_ctx(code, "type_error", msg, line=3))
    assert working_codes(cands, "summary", ([{"q": "4"}, {"q": "5"}], "q"), 4.5)


def test_a_namedtuple_field_is_found_by_its_synonym():
    from graphs.auto_fix.name_fixes import wrong_attributes

    code = ("from collections import namedtuple\n\nToken = namedtuple('Token', 'kind value line')\n\n\n"
            "def ops(tokens):\n    return [t.value for t in tokens if t.type == 'op']\n")
    cands = wrong_attributes(_ctx(code, "attribute_error", "'Token' object has no attribute 'type'", line=7))
    assert cands and "t.kind == 'op'" in cands[0].code


def test_a_fraction_in_text_is_parsed_as_a_fraction():
    code = "def qty(text):\n    total = 0\n    for p in text.split():\n        total += float(p)\n    return float(total)\n"
    cands = value_parsing(_ctx(code, "value_error", "could not convert string to float: '1/2'", line=4))
    assert working_codes(cands, "qty", ("1 1/2",), 1.5)


def test_a_plural_key_is_normalised_to_the_table_singular():
    from graphs.auto_fix.lookup_keys import key_shapes

    code = "FACTORS = {'cup': 16, 'tbsp': 1}\n\n\ndef tbsp(n, unit):\n    return n * FACTORS[unit]\n"
    ctx = FixContext(code=code, tree=ast.parse(code), error_class="key_error", exception_type="KeyError",
                     message="'cups'", line=5)
    assert working_codes(key_shapes(ctx), "tbsp", (2, "cups"), 32)
    best = max(key_shapes(ctx), key=lambda c: c.prior)  # the most thorough normaliser that fits comes first
    assert 'unit.strip().lower().rstrip("s")' in best.code


def test_a_similarity_of_two_empty_inputs_is_guarded_as_identical():
    from graphs.auto_fix.zero_fixes import zero_guards

    code = "def similarity(a, b):\n    same = sum(1 for x, y in zip(a, b) if x == y)\n    return 2 * same / (len(a) + len(b))\n"
    cands = zero_guards(_ctx(code, "zero_division", "division by zero", line=3))
    assert working_codes(cands, "similarity", ("", ""), 1.0)


def test_the_missing_branch_reads_the_field_the_callers_send():
    from graphs.auto_fix.unbound_fixes import branch_defaults

    code = ("def deductible(plan):\n    kind = plan['kind']\n    if kind == 'bronze':\n        d = 2500\n"
            "    elif kind == 'gold':\n        d = 500\n    return d\n")
    hints = "assert deductible({'kind': 'employer', 'custom_deductible': 750}) == 750\n"
    msg = "cannot access local variable 'd' where it is not associated with a value"
    cands = branch_defaults(_ctx(code, "unbound_local", msg, line=7, hints=hints))
    assert any("d = plan.get('custom_deductible')" in c.code for c in cands)
    assert working_codes(cands, "deductible", ({"kind": "x", "custom_deductible": 10},), 10)


def test_mixed_numbers_are_parsed_as_whole_plus_fraction():
    from fractions import Fraction

    code = "from fractions import Fraction\n\n\ndef qty(text):\n    return Fraction(text.strip())\n"
    cands = value_parsing(_ctx(code, "value_error", "Invalid literal for Fraction: '1 1/2'", line=5))
    assert working_codes(cands, "qty", ("1 1/2",), Fraction(3, 2))
    code = "def qty(text):\n    return float(text)\n"
    cands = value_parsing(_ctx(code, "value_error", "could not convert string to float: '2 3/4'", line=2))
    assert working_codes(cands, "qty", ("2 3/4",), 2.75)


def test_a_zero_divisor_inside_a_comprehension_leaves_its_item_out():
    from graphs.auto_fix.zero_fixes import comprehension_filters, zero_guards

    code = "def rates(cost, count):\n    return {k: cost[k] / count[k] for k in count}\n"
    ctx = _ctx(code, "zero_division", "division by zero", line=2)
    assert working_codes(comprehension_filters(ctx), "rates", ({"a": 4, "b": 1}, {"a": 2, "b": 0}), {"a": 2.0})
    # No guard before the statement: `k` exists only inside the comprehension.
    assert all("if not count[k]:" not in c.code for c in zero_guards(ctx))
    assert zero_guards(ctx)  # the division alone may still fall back to 0
