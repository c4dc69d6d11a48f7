"""Templates for loops, recursion, contradictory conditions, resources and shared defaults: each candidate is
executed to check the behaviour it promises; negative cases must stay silent."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.constant_fixes import predicate_returns, spec_constants, stated_numbers
from graphs.auto_fix.effect_fixes import discarded_results, reverse_index_deletions, short_steps
from graphs.auto_fix.loop_fixes import (
    contradictory_conditions,
    missing_counters,
    none_base_cases,
    repeated_searches,
    skipped_updates,
)
from graphs.auto_fix.resource_fixes import inline_opens, locks_as_context
from graphs.auto_fix.templates import mutable_defaults
from tests.auto_fix.snippets import run_snippet as _run


def _ctx(code: str, error_class: str = "wrong_output", suspicious: list[int] | None = None,
         hints: str = "") -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class=error_class, suspicious=suspicious or [],
                      hints=hints)




def test_continue_before_the_update_gets_the_update_repeated():
    code = ("def count_words(lines):\n    i = 0\n    n = 0\n    while i < len(lines):\n"
            "        if not lines[i]:\n            continue\n        n += len(lines[i].split())\n        i += 1\n"
            "    return n\n")
    fixes = skipped_updates(_ctx(code, "hang"))
    assert len(fixes) == 1
    assert _run(fixes[0].code, "count_words", ["a b", "", "c"]) == 3


def test_loop_with_its_update_before_continue_is_left_alone():
    code = ("def f(xs):\n    i = 0\n    while i < len(xs):\n        i += 1\n        if xs[i - 1]:\n"
            "            continue\n    return i\n")
    assert skipped_updates(_ctx(code, "hang")) == []


def test_unincremented_attempt_counter_is_counted():
    code = ("def call_with_retries(fn, limit):\n    tries = 0\n    while True:\n        try:\n            return fn()\n"
            "        except OSError:\n            if tries >= limit:\n                raise\n")
    fixes = missing_counters(_ctx(code, "hang"))
    assert fixes and "tries += 1" in fixes[0].code
    calls = []

    def flaky():
        calls.append(1)
        raise OSError("down")

    try:
        _run(fixes[0].code, "call_with_retries", flaky, 3)
    except OSError:
        pass
    assert len(calls) == 3


def test_search_restarting_at_the_last_match_moves_past_it():
    code = ("def occurrences(text, word):\n    count = 0\n    at = text.find(word)\n    while at != -1:\n"
            "        count += 1\n        at = text.find(word, at)\n    return count\n")
    fixes = repeated_searches(_ctx(code, "hang"))
    assert _run(fixes[0].code, "occurrences", "abcabcab", "ab") == 3


def test_recursion_over_parent_links_stops_at_none():
    code = ("def lineage(node, parent_of):\n    return lineage(parent_of.get(node), parent_of) + [node]\n")
    fixes = none_base_cases(_ctx(code, "recursion_error"))
    assert fixes and fixes[0].code.count("is None") == 1
    assert _run(fixes[0].code, "lineage", "c", {"c": "b", "b": "a"}) == ["a", "b", "c"]


def test_impossible_and_tautological_conditions_flip_the_operator():
    code = "def out_of_range(n):\n    return n < 1 and n > 10\n"
    fixed = contradictory_conditions(_ctx(code))[0].code
    assert _run(fixed, "out_of_range", 0) and _run(fixed, "out_of_range", 11) and not _run(fixed, "out_of_range", 5)
    code2 = "def is_weekend(day):\n    return day != 'sat' or day != 'sun'\n"
    assert "and" in contradictory_conditions(_ctx(code2))[0].code
    sane = "def inside(n):\n    return n > 1 and n < 10\n"
    assert contradictory_conditions(_ctx(sane)) == []


def test_acquire_release_becomes_with_and_releases_on_error():
    code = ("import threading\n\nclass Stock:\n    def __init__(self):\n        self.lock = threading.Lock()\n"
            "        self.left = 1\n\n    def take(self):\n        self.lock.acquire()\n        if self.left < 1:\n"
            "            raise ValueError('empty')\n        self.left -= 1\n        self.lock.release()\n")
    fixed = locks_as_context(_ctx(code))[0].code
    scope: dict = {}
    exec(compile(fixed, "c", "exec"), scope)  # noqa: S102
    stock = scope["Stock"]()
    stock.take()
    for _ in range(2):
        try:
            stock.take()
        except ValueError:
            pass
    assert not stock.lock.locked()


def test_inline_open_is_closed(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("sku,price\na,1\n", encoding="utf-8")
    code = ("import csv\n\ndef load(path):\n    rows = csv.reader(open(path, encoding='utf-8'))\n    next(rows)\n"
            "    return dict(rows)\n")
    fixed = inline_opens(_ctx(code))[0].code
    assert "with open(path, encoding='utf-8') as handle:" in fixed
    assert _run(fixed, "load", str(path)) == {"a": "1"}


def test_mutable_default_gets_a_fresh_copy_that_spares_the_caller():
    code = "def with_admin(users=[]):\n    users.append('admin')\n    return users\n"
    fixed = next(c.code for c in mutable_defaults(_ctx(code)) if "list(users or [])" in c.code)
    mine = ["bo"]
    assert _run(fixed, "with_admin", mine) == ["bo", "admin"] and mine == ["bo"]
    assert _run(fixed, "with_admin") == ["admin"]


def test_the_mutable_default_fix_copies_unless_callers_are_meant_to_see_the_change():
    code = "def add(item, bag=[]):\n    bag.append(item)\n    return bag\n"
    guard, copy = mutable_defaults(_ctx(code))
    assert "if bag is None:" in guard.code and guard.variant
    assert "list(bag or [])" in copy.code and not copy.variant
    documented = code.replace("    bag.append", '    """Adds `item`; results are appended to `bag` if given."""\n    bag.append')
    guard, copy = mutable_defaults(_ctx(documented))
    assert not guard.variant and copy.variant and guard.prior > copy.prior
    mine = ["x"]
    assert _run(guard.code, "add", "y", mine) == ["x", "y"] and mine == ["x", "y"]
    passed = code + "\n\ndef fill(*items):\n    bag = None\n    for i in items:\n        bag = add(i, bag=bag)\n    return bag\n"
    guard, copy = mutable_defaults(_ctx(passed))
    assert not guard.variant and copy.variant


def test_discarded_results_are_assigned_back():
    code = "def clean(s):\n    s.strip()\n    return s\n\ndef bump(n):\n    while n < 3:\n        n + 1\n    return n\n"
    codes = [c.code for c in discarded_results(_ctx(code))]
    assert any(_run(c, "clean", " x ") == "x" for c in codes)
    assert any("n += 1" in c for c in codes)
    assert discarded_results(_ctx("def f(xs):\n    xs.append(1)\n    print(xs)\n")) == []


def test_index_deletion_loop_walks_backwards():
    code = ("def drop_blank(rows):\n    for i in range(len(rows)):\n        if not rows[i]:\n            del rows[i]\n"
            "    return rows\n")
    fixed = reverse_index_deletions(_ctx(code))[0].code
    assert _run(fixed, "drop_blank", ["a", "", "", "b"]) == ["a", "b"]


def test_zero_step_gets_at_least_one_or_one_more():
    code = ("def frames(buf):\n    pos, out = 0, []\n    while pos < len(buf):\n        size = buf[pos]\n"
            "        out.append(buf[pos + 1:pos + 1 + size])\n        pos += size\n    return out\n")
    at_least, further = short_steps(_ctx(code, "hang"))
    assert "pos += max(size, 1)" in at_least.code and "pos += size + 1" in further.code
    assert _run(further.code, "frames", bytes([0, 2, 7, 8])) == [b"", b"\x07\x08"]


def test_stated_numbers_replace_a_wrong_literal():
    assert stated_numbers("VAT is 7.5 % and the fee 2") == [7.5, 2.0]
    code = "def to_celsius(kelvin):\n    return round(kelvin - 237.15, 2)\n"
    fixes = spec_constants(_ctx(code, suspicious=[2], hints="water freezes at 273.15 K"))
    assert _run(fixes[0].code, "to_celsius", 273.15) == 0.0
    assert spec_constants(_ctx("def f():\n    return 'x'\n", suspicious=[2])) == []


def test_predicates_returning_the_opposite_are_negated_but_comparisons_are_left_to_mutations():
    code = ("def missing(fields, record):\n    return [f for f in fields if f not in record]\n\n"
            "def is_complete(fields, record):\n    return missing(fields, record)\n")
    fixed = predicate_returns(_ctx(code, suspicious=[5]))[0].code
    assert _run(fixed, "is_complete", ["a"], {"a": 1}) is True
    cmp = "def is_adult(age):\n    return age > 18\n"
    assert predicate_returns(_ctx(cmp, suspicious=[2])) == []


def test_module_counter_updated_in_a_function_gets_a_global_declaration_first():
    from graphs.auto_fix.lookup_fixes import unbound_accumulators

    code = ("_issued = 100\n\n\ndef next_number():\n    \"\"\"The next receipt number.\"\"\"\n    _issued += 1\n"
            "    return _issued\n")
    ctx = FixContext(code=code, tree=ast.parse(code), error_class="name_error", exception_type="UnboundLocalError",
                     message="cannot access local variable '_issued' where it is not associated with a value",
                     line=6, suspicious=[6])
    best = max(unbound_accumulators(ctx), key=lambda c: c.prior)
    scope: dict = {}
    exec(compile(best.code, "c", "exec"), scope)  # noqa: S102
    assert [scope["next_number"](), scope["next_number"]()] == [101, 102]


def test_a_dropped_chain_of_string_methods_is_assigned_back():
    code = "def norm(name):\n    name.strip().lower()\n    return '_'.join(name.split())\n"
    ctx = FixContext(code=code, tree=ast.parse(code), error_class="wrong_output", suspicious=[2])
    fixed = discarded_results(ctx)[0].code
    assert "name = name.strip().lower()" in fixed


def test_a_constant_is_solved_from_the_returned_and_expected_numbers():
    code = "RATE = 0.2\n\n\ndef tax(amount):\n    return amount * RATE + 1\n"
    # 10 * 0.2 + 1 = 3.0 returned, 3.5 expected: the rate 0.2 → 0.7 would give it; the integer 1 stays an integer
    cands = spec_constants(_ctx(code, suspicious=[5], hints="E   assert 3.0 == 3.5\nassert tax(10) == 3.5\n"))
    assert [c.code for c in cands if "RATE = 0.7" in c.code] and not [c.code for c in cands if "+ 1.5" in c.code]
    code = "RATE = 0.2\n\n\ndef tax(amount):\n    return amount * RATE\n"
    cands = spec_constants(_ctx(code, suspicious=[5], hints="E   assert 2.0 == 2.5\nassert tax(10) == 2.5\n"))
    assert any(_run(c.code, "tax", 20) == 5.0 for c in cands if "RATE = 0.25" in c.code)
    # A solution nobody would write (0.2 * 2.0173 / 2.0) is not proposed.
    cands = spec_constants(_ctx(code, suspicious=[5], hints="E   assert 2.0 == 2.0173\n"))
    assert not [c for c in cands if "proportional" in c.explanation]


def test_an_attempt_counter_starting_at_one_is_counted_after_its_check():
    code = ("def call_with_retries(fn, limit):\n    attempt = 1\n    while True:\n        try:\n            return fn()\n"
            "        except OSError:\n            if attempt >= limit:\n                raise\n            pass\n")
    fixes = missing_counters(_ctx(code, "hang"))
    assert len({c.code for c in fixes}) == len(fixes) >= 3

    def calls_made(fixed: str) -> int:
        calls = []

        def down():
            calls.append(1)
            raise OSError("down")

        try:
            _run(fixed, "call_with_retries", down, 3)
        except OSError:
            pass
        return len(calls)

    assert calls_made(fixes[0].code) == 2  # counted at the start: one try too few
    assert any(calls_made(c.code) == 3 and "just after its check" in c.explanation for c in fixes)


def test_a_factor_is_only_solved_as_a_factor_and_a_term_only_as_a_term():
    code = "def to_cents(amount):\n    return round(amount * 100)\n"
    cands = spec_constants(_ctx(code, suspicious=[2], hints="E   assert 12 == 13\n"))
    assert not [c for c in cands if "101" in c.code]  # 100 + (13 - 12) would only fit a term
    code = "def with_fee(amount):\n    return amount + 2\n"
    cands = spec_constants(_ctx(code, suspicious=[2], hints="E   assert 12 == 13\n"))
    assert [c for c in cands if "amount + 3" in c.code]
