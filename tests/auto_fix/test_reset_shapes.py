"""State written in the wrong shape: incomplete resets, overwritten groups, mappings stored backwards, and a
missing-match guard copied from the sibling entries, flags never set."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.reset_shapes import (
    appended_groups,
    incomplete_resets,
    never_set_flags,
    sibling_guards,
    swapped_mappings,
    unpaired_inverses,
)
from tests.auto_fix.snippets import working_codes


def _ctx(code: str, error_class: str = "wrong_output", message: str = "", line: int | None = None) -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class=error_class, message=message, line=line,
                      suspicious=[line] if line else [])


def _load(code: str) -> dict:
    scope: dict = {}
    exec(compile(code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    return scope


def test_reset_clears_every_field_init_sets_except_configuration():
    code = ("class Meter:\n    def __init__(self, unit):\n        self.unit = unit\n        self.count = 0\n"
            "        self.total = 0.0\n\n    def reset(self):\n        self.count = 0\n\n    def add(self, x):\n"
            "        self.count += 1\n        self.total += x\n\n    def mean(self):\n"
            "        return self.total / self.count if self.count else 0.0\n")
    cands = incomplete_resets(_ctx(code))
    assert len(cands) == 1 and "self.unit = unit" not in cands[0].code.split("def reset")[1]
    m = _load(cands[0].code)["Meter"]("ms")
    m.add(500)
    m.reset()
    m.add(20)
    assert m.mean() == 20
    assert incomplete_resets(_ctx(cands[0].code)) == []


def test_grouping_appends_instead_of_overwriting():
    code = ("def group(rows):\n    out = {}\n    for k, v in rows:\n        out[k] = [v]\n    return out\n")
    assert working_codes(appended_groups(_ctx(code)), "group", ([("a", 1), ("a", 2), ("b", 3)],),
                         {"a": [1, 2], "b": [3]})


def test_a_mapping_stored_backwards_is_swapped():
    code = "def issue(store, email, token):\n    store[email] = token\n    return token\n"
    assert swapped_mappings(_ctx(code, line=2)) == []  # nothing reads it by the token: no reason to swap
    ctx = _ctx(code, line=2)
    ctx.hints = "assert store.get(token) == 'a@x'"
    cands = swapped_mappings(ctx)
    scope = _load(cands[0].code)
    store: dict = {}
    scope["issue"](store, "a@x", "t1")
    assert store == {"t1": "a@x"}


def test_a_missing_match_is_guarded_like_its_siblings():
    code = ("import re\n\n\ndef parse(text):\n    beds = re.search(r'(\\d+) bd', text)\n"
            "    area = re.search(r'(\\d+) sqft', text)\n    return {\n"
            "        'beds': int(beds.group(1)) if beds else None,\n        'sqft': int(area.group(1)),\n    }\n")
    cands = sibling_guards(_ctx(code, "none_attribute", "'NoneType' object has no attribute 'group'", line=9))
    assert cands[0].prior > 0.8
    assert working_codes(cands, "parse", ("2 bd",), {"beds": 2, "sqft": None})


def test_a_flag_read_but_never_set_is_set_by_the_branch_that_detects_it():
    code = ("def amount(text):\n    s = text.strip()\n    negative = False\n    if s.startswith('('):\n"
            "        s = s[1:-1]\n    value = float(s)\n    return -value if negative else value\n")
    assert working_codes(never_set_flags(_ctx(code)), "amount", ("(12.5)",), -12.5)
    assert never_set_flags(_ctx(code.replace("        s = s[1:-1]", "        s, negative = s[1:-1], True"))) == []


def test_a_method_that_undoes_another_undoes_all_of_it():
    code = ("class Fleet:\n    def __init__(self, cars):\n        self.free = set(cars)\n        self.out = {}\n\n"
            "    def rent(self, car, who):\n        self.free.remove(car)\n        self.out[car] = who\n\n"
            "    def back(self, car):\n        return self.out.pop(car)\n")
    (cand,) = unpaired_inverses(_ctx(code))
    fleet = _load(cand.code)["Fleet"](["a"])
    fleet.rent("a", "jo")
    assert fleet.back("a") == "jo" and fleet.free == {"a"}
