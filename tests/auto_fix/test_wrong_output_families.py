"""Wrong-output families: aliasing, formatting, early exits and overwritten totals, sort order, text length and
normalisation."""

from __future__ import annotations

import ast

from graphs.auto_fix.aliasing_fixes import deep_copies, returned_copies
from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.format_fixes import rounded_directives, swapped_replacements, truncated_fields
from graphs.auto_fix.loop_exits import early_returns, overwritten_totals
from graphs.auto_fix.sort_fixes import (
    parsed_date_keys,
    record_keys,
    reversed_tiebreaks,
    swapped_sort_passes,
    unused_key_functions,
)
from graphs.auto_fix.text_bytes import cut_decodes, encoded_lengths, missing_normalization
from tests.auto_fix.snippets import run_snippet, working_codes


def _ctx(code: str, hints: str = "") -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class="wrong_output", exception_type=None, message="",
                      line=None, hints=hints)


def test_deep_copy_of_nested_defaults():
    code = 'BASE = {"tags": [], "n": 0}\n\n\ndef fresh():\n    return dict(BASE)\n'
    cands = deep_copies(_ctx(code))
    assert cands and cands[0].code.startswith("import copy") and cands[0].prior > 0.8
    scope: dict = {}
    exec(compile(cands[0].code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    scope["fresh"]()["tags"].append(1)
    assert scope["fresh"]()["tags"] == []


def test_returned_private_list_is_copied():
    code = "class Q:\n    def __init__(self):\n        self._items = []\n\n    def items(self):\n        return self._items\n"
    cands = returned_copies(_ctx(code))
    assert cands and "return list(self._items)" in cands[0].code


def test_chained_replace_swap_goes_through_a_placeholder():
    code = 'def de(x):\n    return f"{x:,.2f}".replace(",", ".").replace(".", ",")\n'
    assert working_codes(swapped_replacements(_ctx(code)), "de", (1234.5,), "1.234,50")


def test_int_directive_rounds_and_fields_truncate():
    code = 'def pct(a, b):\n    return "%d%%" % (100 * a / b)\n'
    assert working_codes(rounded_directives(_ctx(code)), "pct", (2, 3), "67%")
    code = 'def cell(name, w=5):\n    return f"[{name:<{w}}]"\n'
    assert working_codes(truncated_fields(_ctx(code)), "cell", ("abcdefgh",), "[abcde]")


def test_return_in_loop_becomes_continue_and_totals_accumulate():
    code = ("def first_even(xs):\n    for x in xs:\n        if x < 0:\n            return None\n"
            "        if x % 2 == 0:\n            return x\n    return None\n")
    assert working_codes(early_returns(_ctx(code)), "first_even", ([-1, 3, 4],), 4)
    code = "def total(xs):\n    s = 0\n    for x in xs:\n        s = x * 2\n    return s\n"
    cands = overwritten_totals(_ctx(code))
    assert cands and run_snippet(cands[0].code, "total", [1, 2]) == 6


def test_date_text_keys_are_parsed_and_sort_passes_swapped():
    code = 'def by_date(rows):\n    return sorted(rows, key=lambda r: r["d"])\n'
    hints = 'assert by_date([{"d": "03/02/2024"}, {"d": "15/12/2023"}])[0]["d"] == "15/12/2023"'
    cands = parsed_date_keys(_ctx(code, hints))
    assert cands and "%d/%m/%Y" in cands[0].code
    rows = [{"d": "03/02/2024"}, {"d": "15/12/2023"}]
    assert run_snippet(cands[0].code, "by_date", rows)[0]["d"] == "15/12/2023"
    code = ("def order(ts):\n    out = sorted(ts, key=lambda t: t[0])\n    out.sort(key=lambda t: t[1])\n"
            "    return out\n")
    cands = swapped_sort_passes(_ctx(code))
    # After the swap the last pass sorts by the first field: that one decides, the second breaks ties.
    assert run_snippet(cands[0].code, "order", [(1, "b"), (0, "c"), (0, "a")]) == [(0, "a"), (0, "c"), (1, "b")]


def test_byte_lengths_and_missing_normalisation():
    code = ("def fits(text, limit):\n    data = text.encode('utf-8')\n    return len(text) <= limit\n")
    assert working_codes(encoded_lengths(_ctx(code)), "fits", ("ää", 3), False)
    code = "import unicodedata\n\n\ndef key(name):\n    return name.strip().lower()\n"
    assert working_codes(missing_normalization(_ctx(code)), "key", ("Jose\u0301",), "jos\u00e9")


def test_unused_key_helpers_and_cut_utf8_decodes():
    code = ("def vkey(v):\n    return tuple(int(p) for p in v.split('.'))\n\n\n"
            "def latest(vs):\n    return max(vs) if vs else None\n")
    assert working_codes(unused_key_functions(_ctx(code)), "latest", (["1.9.0", "1.10.0"],), "1.10.0")
    code = "def cut(text, n):\n    data = text.encode('utf-8')\n    return data[:n].decode('latin-1')\n"
    assert working_codes(cut_decodes(_ctx(code)), "cut", ("Café", 4), "Caf")


def test_records_without_an_order_are_compared_by_a_numeric_field():
    code = ("from dataclasses import dataclass\n\n\n@dataclass\nclass Bid:\n    who: str\n    amount: int\n\n\n"
            "def top(bids):\n    return max(bids).who\n")
    ctx = FixContext(code=code, tree=ast.parse(code), error_class="type_error", exception_type="TypeError",
                     message="'>' not supported between instances of 'Bid' and 'Bid'", line=11)
    (cand,) = record_keys(ctx)
    scope: dict = {}
    exec(compile(cand.code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    assert scope["top"]([scope["Bid"]("a", 5), scope["Bid"]("b", 9)]) == "b"


def test_a_reversed_sort_keeps_its_tie_break_forward():
    code = "def table(scores):\n    return sorted(scores.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)\n"
    assert working_codes(reversed_tiebreaks(_ctx(code)), "table", ({"b": 1, "a": 1, "c": 2},),
                         [("c", 2), ("a", 1), ("b", 1)])


def test_a_snapshot_of_nested_state_is_a_deep_copy():
    code = ("class Cart:\n    def __init__(self):\n        self.state = {'n': 0, 'items': {}}\n\n"
            "    def add(self, k):\n        self.state['items'][k] = 1\n        self.state['n'] += 1\n\n"
            "    def snapshot(self):\n        return self.state\n")
    deep = [c for c in returned_copies(_ctx(code)) if "deepcopy" in c.code]
    assert len(deep) == 1 and "import copy" in deep[0].code
    scope: dict = {}
    exec(compile(deep[0].code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    cart = scope["Cart"]()
    cart.add("a")
    snap = cart.snapshot()
    cart.add("b")
    assert snap == {"n": 1, "items": {"a": 1}}
