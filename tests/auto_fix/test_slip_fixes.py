"""Slips a reviewer spots by reading, and the latest crash/hang/recursion additions."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.crash_more import heap_tiebreakers
from graphs.auto_fix.dunder_recursion import property_self_reads
from graphs.auto_fix.hang_more import counted_requeues, falsy_exits, recomputed_conditions
from graphs.auto_fix.lookup_keys import bom_headers
from graphs.auto_fix.slip_fixes import (
    conversion_constants,
    copy_paste_slips,
    swapped_assignments,
    unit_mismatches,
)
from tests.auto_fix.snippets import run_snippet, working_codes


def _ctx(code: str, error_class: str = "wrong_output", message: str = "", exc: str | None = None) -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class=error_class, exception_type=exc, message=message)


def test_units_conversions_copy_paste_and_order():
    code = "STEP_MINUTES = 15\n\n\ndef kwh(ws):\n    hours = STEP_MINUTES\n    return sum(w * hours for w in ws) / 1000\n"
    assert working_codes(unit_mismatches(_ctx(code)), "kwh", ([1000] * 4,), 1.0)
    code = "def fahrenheit_to_celsius(f):\n    return (f - 32) * 9 / 5\n"
    assert working_codes(conversion_constants(_ctx(code)), "fahrenheit_to_celsius", (212,), 100.0)
    code = ("def box(ps):\n    lo_x = hi_x = ps[0][0]\n    lo_y = hi_y = ps[0][1]\n    for x, y in ps:\n"
            "        lo_x, hi_x = min(lo_x, x), max(hi_x, x)\n        lo_y, hi_y = min(lo_y, y), max(hi_y, x)\n"
            "    return lo_x, lo_y, hi_x, hi_y\n")
    assert working_codes(copy_paste_slips(_ctx(code)), "box", ([(0, 0), (2, 5)],), (0, 0, 2, 5))
    code = ("class C:\n    def __init__(self):\n        self.state, self.prev = 'a', None\n\n    def go(self, s):\n"
            "        self.state = s\n        self.prev = self.state\n        return self.prev\n")
    cands = swapped_assignments(_ctx(code))
    scope: dict = {}
    exec(compile(cands[0].code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    assert scope["C"]().go("b") == "a"


def test_heap_ties_property_reads_and_bom():
    code = ("import heapq\nimport itertools\n\n\nclass Q:\n    def __init__(self):\n        self.h = []\n"
            "        self.n = itertools.count()\n\n    def push(self, p, job):\n        heapq.heappush(self.h, (p, job))\n\n"
            "    def pop(self):\n        return heapq.heappop(self.h)[-1]\n")
    cands = heap_tiebreakers(_ctx(code, "type_error", "'<' not supported between instances of 'dict' and 'dict'"))
    assert cands and "(p, next(self.n), job)" in cands[0].code
    code = ("class Cart:\n    def __init__(self, xs):\n        self.xs = xs\n\n    @property\n    def subtotal(self):\n"
            "        return sum(self.xs)\n\n    @property\n    def total(self):\n        return self.total * 1.2\n")
    cands = property_self_reads(_ctx(code, "recursion_error"))
    assert "self.subtotal * 1.2" in cands[0].code
    code = ("import csv\nimport io\n\n\ndef skus(raw):\n    rows = csv.DictReader(io.StringIO(raw.decode('utf-8')))\n"
            "    return [r['sku'] for r in rows]\n")
    cands = bom_headers(_ctx(code, "key_error", "'sku'", "KeyError"))
    assert run_snippet(cands[0].code, "skus", "\ufeffsku\nA\n".encode()) == ["A"]


def test_hang_exits_requeues_and_recomputed_conditions():
    code = ("def pages(get):\n    out, cur = [], None\n    while True:\n        page = get(cur)\n        out += page['items']\n"
            "        cur = page.get('next')\n        if cur is None:\n            break\n    return out\n")
    data = {None: {"items": [1], "next": "p2"}, "p2": {"items": [2], "next": ""}, "": {"items": [1], "next": "p2"}}
    assert working_codes(falsy_exits(_ctx(code, "hang")), "pages", (data.__getitem__,), [1, 2])
    code = ("from collections import deque\n\n\ndef run(jobs, ok, limit=1):\n    q = deque({'p': j, 'n': 0} for j in jobs)\n"
            "    dead = []\n    while q:\n        job = q.popleft()\n        if ok(job['p']):\n            continue\n"
            "        if job['n'] >= limit:\n            dead.append(job['p'])\n        else:\n            q.append(job)\n"
            "    return dead\n")
    assert working_codes(counted_requeues(_ctx(code, "hang")), "run", (["x"], lambda p: False), ["x"])
    code = ("def free(base, taken):\n    n = 1\n    name = f'{base}.{n}'\n    while name in taken:\n        n += 1\n"
            "    return name\n")
    assert working_codes(recomputed_conditions(_ctx(code, "hang")), "free", ("a", {"a.1"}), "a.2")


def test_a_condition_read_from_a_stream_before_the_loop_is_read_again_each_pass():
    import io

    code = ("def count_nonblank(stream):\n    count = 0\n    line = stream.readline()\n    while line:\n"
            "        if line.strip():\n            count += 1\n    return count\n")
    cands = recomputed_conditions(_ctx(code, "hang"))
    assert cands and "readline()` reads on" in cands[0].explanation
    scope: dict = {}
    exec(compile(cands[0].code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    assert scope["count_nonblank"](io.StringIO("a\n\nb\n")) == 2
