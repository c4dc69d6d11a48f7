"""More crash repairs (crash_more) and hang repairs (hang_more)."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.crash_more import (
    assigned_mutators,
    bounded_while_tests,
    clamped_divisors,
    coalesced_receivers,
    decimal_floats,
    defaulted_next,
    empty_defaults,
    lookahead_guards,
    none_sort_keys,
    padded_fields,
    record_fields,
    safe_deletes,
    sequence_items,
)
from graphs.auto_fix.hang_more import bounded_filters, counted_hops, search_advances, self_defaults
from tests.auto_fix.snippets import run_snippet, working_codes


def _ctx(code: str, error_class: str, message: str = "", line: int | None = None, exc: str | None = None):
    return FixContext(code=code, tree=ast.parse(code), error_class=error_class, exception_type=exc, message=message,
                      line=line, suspicious=[line] if line else [])


def test_none_receivers_sequences_and_mutator_results():
    code = "def subject(h):\n    return h.get('S').strip()\n"
    cands = coalesced_receivers(_ctx(code, "none_attribute", "'NoneType' object has no attribute 'strip'", 2))
    assert run_snippet(cands[0].code, "subject", {}) == ""
    code = "import os\n\n\ndef ext(f):\n    return os.path.splitext(f).lower()\n"
    cands = sequence_items(_ctx(code, "attribute_error", "'tuple' object has no attribute 'lower'", 5))
    assert working_codes(cands, "ext", ("A.JPG",), ".jpg")
    code = "def push(xs, x):\n    xs = xs.append(x)\n    return len(xs)\n"
    assert working_codes(assigned_mutators(_ctx(code, "type_error")), "push", ([1], 2), 2)


def test_decimals_sort_keys_empty_reductions_and_deletes():
    code = "from decimal import Decimal\n\nR = {'a': 1.5}\n\n\ndef conv(x):\n    return Decimal(x) * R['a']\n"
    cands = decimal_floats(_ctx(code, "type_error", "unsupported operand type(s) for *: 'decimal.Decimal' and 'float'"))
    assert str(run_snippet(cands[0].code, "conv", "2")) == "3.0"
    code = "def order(rows):\n    return sorted(rows, key=lambda r: r['d'])\n"
    cands = none_sort_keys(_ctx(code, "type_error", "'<' not supported between instances of 'NoneType' and 'str'", 2))
    assert run_snippet(cands[0].code, "order", [{"d": None}, {"d": "b"}, {"d": "a"}]) == [
        {"d": "a"}, {"d": "b"}, {"d": None}]
    best = max(cands, key=lambda c: c.prior)
    assert run_snippet(best.code, "order", [{}, {"d": None}, {"d": "b"}]) == [{"d": "b"}, {}, {"d": None}]
    code = "def best(xs):\n    return max(xs)\n"
    assert working_codes(empty_defaults(_ctx(code, "value_error", "max() arg is an empty sequence", 2)), "best", ([],), 0)
    code = "def clear(d, k):\n    del d[k]\n    return d\n"
    assert working_codes(safe_deletes(_ctx(code, "key_error", "'x'", 2, "KeyError")), "clear", ({}, "x"), {})


def test_record_fields_lookahead_clamps_padding_and_next_defaults():
    code = ("def failed(stages):\n    out = []\n    for s in stages:\n        if s['ok'] is False:\n"
            "            out.append(name)\n    return out\n\n\ndef names(stages):\n    return [s['name'] for s in stages]\n")
    cands = record_fields(_ctx(code, "name_error", "name 'name' is not defined", 5))
    assert run_snippet(cands[0].code, "failed", [{"ok": False, "name": "t"}]) == ["t"]
    code = ("def join(ls):\n    out, i = [], 0\n    while i < len(ls):\n        x = ls[i]\n        if x.endswith('-'):\n"
            "            x = x[:-1] + ls[i + 1]\n            i += 1\n        out.append(x)\n        i += 1\n    return out\n")
    cands = lookahead_guards(_ctx(code, "index_error", "list index out of range", 6))
    assert run_snippet(cands[0].code, "join", ["a-"]) == ["a-"]
    code = ("def trim(xs):\n    out = []\n    for i in range(len(xs)):\n        x = xs[i]\n"
            "        if x > xs[i + 1]:\n            x = xs[i + 1]\n        out.append(x)\n    return out\n")
    cands = lookahead_guards(_ctx(code, "index_error", "list index out of range", 5))
    assert run_snippet(cands[0].code, "trim", [3, 1]) == [1, 1]
    code = "def pages(n, per):\n    per = min(per, 100)\n    return n // per\n"
    assert working_codes(clamped_divisors(_ctx(code, "zero_division", "division by zero", 3)), "pages", (5, 0), 5)
    code = "def ver(t):\n    p = [int(x) for x in t.split('.')]\n    return p[0], p[1], p[2]\n"
    assert working_codes(padded_fields(_ctx(code, "index_error", "list index out of range", 3)), "ver", ("2.3",),
                         (2, 3, 0))
    code = ("def span(h):\n    a, b = h.split()\n    old, new = a.split(','), b.split(',')\n"
            "    return {'old': int(old[1]), 'new': int(new[1])}\n")
    codes = working_codes(padded_fields(_ctx(code, "index_error", "list index out of range", 4)), "span",
                          ("7 3,2",), {"old": 1, "new": 2})
    assert codes and run_snippet(codes[0], "span", "7,4 3") == {"old": 4, "new": 1}
    code = "def entry(line):\n    parts = line.split(';')\n    memo = parts[2]\n    return parts[0], memo\n"
    assert working_codes(padded_fields(_ctx(code, "index_error", "list index out of range", 3)), "entry",
                         ("a;b",), ("a", ""))
    code = "def common(a, b):\n    i = 0\n    while a[i] == b[i]:\n        i += 1\n    return i\n"
    codes = working_codes(bounded_while_tests(_ctx(code, "index_error", "string index out of range", 3)), "common",
                          ("ab", "abc"), 2)
    assert codes and run_snippet(codes[0], "common", "abc", "ab") == 2
    code = "def pairs(xs):\n    it = iter(xs)\n    for a in it:\n        yield a, next(it)\n"
    cands = defaulted_next(_ctx(code, "other_exception", "generator raised StopIteration"))
    scope: dict = {}
    exec(compile(cands[0].code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    assert list(scope["pairs"]([1, 2, 3])) == [(1, 2), (3, None)]


def test_hang_searches_filters_counters_and_cursors():
    code = ("def spots(t, m='**'):\n    out, start = [], 0\n    while True:\n        i = t.find(m, start)\n"
            "        if i == -1:\n            return out\n        out.append(i)\n        start = i\n")
    assert working_codes(search_advances(_ctx(code, "hang")), "spots", ("a**b**",), [1, 4])
    code = ("from itertools import count, takewhile\n\n\ndef upto(n):\n"
            "    return list(filter(lambda x: x <= n, count()))\n")
    assert working_codes(bounded_filters(_ctx(code, "hang")), "upto", (2,), [0, 1, 2])
    code = ("def hops(m, x, limit=3):\n    while x in m:\n        n = 1\n        if n > limit:\n"
            "            raise LookupError(x)\n        x = m[x]\n    return x\n")
    cands = counted_hops(_ctx(code, "hang"))
    try:
        run_snippet(cands[0].code, "hops", {"a": "b", "b": "a"}, "a")
        raised = False
    except LookupError:
        raised = True
    assert raised
    code = ("def walk(get, url):\n    out = []\n    while url:\n        page = get(url)\n        out.append(url)\n"
            "        url = page.get('next', url)\n    return out\n")
    pages = {"/1": {"next": "/2"}, "/2": {}}
    assert working_codes(self_defaults(_ctx(code, "hang")), "walk", (pages.__getitem__, "/1"), ["/1", "/2"])
