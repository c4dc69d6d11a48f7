"""Logic slips and state that outlives its call."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.condition_fixes import (
    case_folded_memberships,
    contradictory_ranges,
    mismatched_seen_sets,
    rounded_floor_divisions,
)
from graphs.auto_fix.logic_fixes import (
    ceil_divisions,
    conditional_tails,
    data_keys,
    falsy_values,
    find_misses,
    loop_handlers,
    merge_orders,
    one_based_offsets,
    precedence_groups,
    stale_self_assignments,
    string_method_slips,
    true_divisions,
    unused_loop_variables,
)
from graphs.auto_fix.state_resets import (
    cache_invalidations,
    cache_keys,
    consumed_buffers,
    decimal_rounding,
    drained_buffers,
    outer_loop_resets,
    per_call_resets,
)
from tests.auto_fix.snippets import run_snippet, working_codes


def _ctx(code: str, hints: str = "") -> FixContext:
    lines = list(range(1, len(code.splitlines()) + 1))
    return FixContext(code=code, tree=ast.parse(code), error_class="wrong_output", exception_type=None, message="",
                      line=None, suspicious=lines, hints=hints)


def test_zero_is_not_missing():
    code = "def fee(d, default=10):\n    return d.get('fee') or default\n"
    assert working_codes(falsy_values(_ctx(code)), "fee", ({"fee": 0},), 0)
    code = "def label(x):\n    if not x:\n        return 'none'\n    return str(x)\n"
    assert working_codes(falsy_values(_ctx(code)), "label", (0,), "0")
    code = "def clean(xs):\n    return [x for x in xs if x]\n"
    assert working_codes(falsy_values(_ctx(code)), "clean", ([0, None, 2.5],), [0, 2.5])


def test_find_misses_loop_handlers_and_precedence():
    code = "def cut(s):\n    i = s.find('#')\n    return s[:i]\n"
    assert working_codes(find_misses(_ctx(code)), "cut", ("abc",), "abc")
    code = ("def ints(xs):\n    out = []\n    for x in xs:\n        try:\n            out.append(int(x))\n"
            "        except ValueError:\n            break\n    return out\n")
    assert working_codes(loop_handlers(_ctx(code)), "ints", (["1", "x", "3"],), [1, 3])
    code = "def ok(a, b, c):\n    return a and b or c\n"
    assert working_codes(precedence_groups(_ctx(code)), "ok", (False, True, True), False)
    code = "def ok(a, b, c, d):\n    return a and b or c and d\n"
    codes = working_codes(precedence_groups(_ctx(code)), "ok", (False, False, True, True), False)
    assert any("a and (b or c) and d" in c for c in codes)


def test_split_on_a_space_becomes_a_split_on_whitespace_and_a_counted_break_a_continue():
    code = "def words(s):\n    return [w for w in s.split(' ')]\n"
    assert working_codes(string_method_slips(_ctx(code)), "words", ("a  b\nc",), ["a", "b", "c"])
    code = ("def ints(xs):\n    out, bad = [], 0\n    for x in xs:\n        try:\n            out.append(int(x))\n"
            "        except ValueError:\n            bad += 1\n            break\n    return out, bad\n")
    assert working_codes(loop_handlers(_ctx(code)), "ints", (["1", "x", "3"],), ([1, 3], 1))


def test_string_methods_merges_divisions_and_data_keys():
    code = "def local(n):\n    return n.lstrip('MUS-')\n"
    assert working_codes(string_method_slips(_ctx(code)), "local", ("MUS-SU-1",), "SU-1")
    code = "def fill(t, a, b):\n    return t.replace('{a}', a, 1).replace('{b}', b, 1)\n"
    assert working_codes(string_method_slips(_ctx(code)), "fill", ("{a}{b}{a}{b}", "x", "y"), "xyxy")
    code = "D = {'x': 1}\n\n\ndef conf(o):\n    return {**o, **D}\n"
    assert working_codes(merge_orders(_ctx(code)), "conf", ({"x": 2},), {"x": 2})
    code = "def speed(m, s):\n    return round(m // (s // 3600), 1)\n"
    assert working_codes(true_divisions(_ctx(code)), "speed", (14.0, 9000), 5.6)
    code = "def ok(item):\n    return item.get('fragile', False)\n"
    cands = data_keys(_ctx(code, hints='assert ok({"insured": True}) is True'))
    assert working_codes(cands, "ok", ({"insured": True},), True)


def test_caches_are_invalidated_and_keyed_by_every_argument():
    code = ("class L:\n    def __init__(self):\n        self.items = []\n        self._sum = None\n\n"
            "    def add(self, x):\n        self.items.append(x)\n\n    def total(self):\n"
            "        if self._sum is None:\n            self._sum = sum(self.items)\n        return self._sum\n")
    cands = cache_invalidations(_ctx(code))
    scope: dict = {}
    exec(compile(cands[0].code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    ledger = scope["L"]()
    ledger.add(1)
    assert ledger.total() == 1
    ledger.add(2)
    assert ledger.total() == 3
    code = ("CACHE = {}\n\n\ndef times(route, day, rows):\n    key = route\n    if key not in CACHE:\n"
            "        CACHE[key] = [t for r, d, t in rows if r == route and d == day]\n    return CACHE[key]\n")
    cands = cache_keys(_ctx(code))
    assert cands and "key = (route, day, rows)" in cands[0].code or "key = (route, day" in cands[0].code


def test_per_call_and_outer_loop_resets_and_decimal_rounding():
    code = ("class V:\n    def __init__(self):\n        self.errors = []\n\n    def check(self, xs):\n"
            "        for x in xs:\n            if x < 0:\n                self.errors.append(x)\n"
            "        return not self.errors\n")
    cands = per_call_resets(_ctx(code))
    scope: dict = {}
    exec(compile(cands[0].code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    v = scope["V"]()
    assert v.check([-1]) is False and v.check([1]) is True
    code = ("def best(rows):\n    out = {}\n    top = run = 0\n    for k, xs in rows.items():\n        for x in xs:\n"
            "            run = run + 1 if x else 0\n            top = max(top, run)\n        out[k] = top\n    return out\n")
    assert working_codes(outer_loop_resets(_ctx(code)), "best", ({"a": [1, 1], "b": [1, 0]},), {"a": 2, "b": 1})
    code = ("from decimal import ROUND_HALF_UP, Decimal\n\n\ndef cents(x):\n    return Decimal(str(round(x, 2)))\n")
    assert working_codes(decimal_rounding(_ctx(code)), "cents", (1.015,), __import__("decimal").Decimal("1.02"))


def test_floor_division_of_a_count_rounds_up():
    code = "def pages(n, per):\n    return max(1, n // per)\n"
    assert working_codes(ceil_divisions(_ctx(code)), "pages", (45, 20), 3)
    code = "def pages(n, per):\n    return n // per + 1\n"
    (cand,) = ceil_divisions(_ctx(code))
    assert [run_snippet(cand.code, "pages", n, 50) for n in (100, 101, 0)] == [2, 3, 0]


def test_loop_variables_self_assignments_conditional_tails_and_one_based_pages():
    code = "def total(g, c1, c2):\n    s = 0\n    for c in range(c1, c2 + 1):\n        s += g[c1]\n    return s\n"
    assert working_codes(unused_loop_variables(_ctx(code)), "total", ([1, 2, 3], 0, 2), 6)
    code = ("def near(ps):\n    best, best_dist = None, None\n    for k, d in ps:\n        dist = d\n"
            "        if best_dist is None or dist < best_dist:\n            best, best_dist = k, best_dist\n"
            "    return best\n")
    assert working_codes(stale_self_assignments(_ctx(code)), "near", ([("a", 5), ("b", 1)],), "b")
    code = "def fee(a, b, night):\n    return a + b + 10 if night else 0\n"
    assert working_codes(conditional_tails(_ctx(code)), "fee", (1, 2, False), 3)
    code = 'def start(page, per=10):\n    """page is 1-based."""\n    return page * per\n'
    assert working_codes(one_based_offsets(_ctx(code)), "start", (1,), 0)


def test_drained_and_consumed_buffers_start_empty():
    code = ("class Buf:\n    def __init__(self):\n        self.items = []\n\n    def add(self, x):\n"
            "        self.items.append(x)\n\n    def flush(self):\n        out = list(self.items)\n        return out\n")
    cands = drained_buffers(_ctx(code))
    scope: dict = {}
    exec(compile(cands[0].code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    b = scope["Buf"]()
    b.add(1)
    b.flush()
    b.add(2)
    assert b.flush() == [2]
    code = ("def words(s):\n    out = []\n    cur = []\n    for ch in s:\n        if ch != ' ':\n            cur.append(ch)\n"
            "        elif cur:\n            out.append(''.join(cur))\n    if cur:\n        out.append(''.join(cur))\n"
            "    return out\n")
    assert working_codes(consumed_buffers(_ctx(code)), "words", ("ab cd",), ["ab", "cd"])


def test_membership_in_a_lower_case_word_table_is_case_folded():
    code = ("STOP = {'the', 'a', 'of'}\n\n\ndef terms(text):\n    words = [w for w in text.split() if w not in STOP]\n"
            "    return [w.lower() for w in words]\n")
    assert working_codes(case_folded_memberships(_ctx(code)), "terms", ("The Art of Travel",), ["art", "travel"])
    assert case_folded_memberships(_ctx(code.replace("'the', 'a', 'of'", "1, 2"))) == []


def test_decimals_asked_of_a_floor_division_make_it_a_true_division():
    code = "def mean(xs):\n    return round(sum(xs) // len(xs), 1)\n\n\ndef show(xs):\n    return f'{mean(xs)}'\n"
    assert working_codes(rounded_floor_divisions(_ctx(code)), "mean", ([1, 2],), 1.5)
    assert rounded_floor_divisions(_ctx("def pages(n):\n    return round(n // 3)\n")) == []


def test_a_value_below_the_low_end_and_above_the_high_end_is_an_or():
    code = "def outside(v, lo, hi):\n    return v < lo and v > hi\n"
    assert working_codes(contradictory_ranges(_ctx(code)), "outside", (35, 10, 30), True)
    assert contradictory_ranges(_ctx("def inside(v, lo, hi):\n    return v > lo and v < hi\n")) == []


def test_a_seen_set_records_the_value_it_is_checked_with_and_boolean_calls_are_not_falsy_values():
    code = ("def unique(rows):\n    seen, out = set(), []\n    for r in rows:\n        k = r.lower()\n"
            "        if k in seen:\n            continue\n        seen.add(r)\n        out.append(r)\n    return out\n")
    assert working_codes(mismatched_seen_sets(_ctx(code)), "unique", (["A", "a"],), ["A"])
    assert falsy_values(_ctx("def f(s):\n    return not all(c.isdigit() for c in s)\n")) == []
