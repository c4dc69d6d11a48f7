"""A second set of our own buggy programs, written after the engine was built and never used to tune it:
the measured fix rate on this set is the honest one (see test_heldout_set.py)."""

from __future__ import annotations

from tests.auto_fix.cases import BugCase

HELDOUT: list[BugCase] = [
    BugCase(
        id="h_binary_search_hang",
        code='''def find_sorted(values, target):
    lo, hi = 0, len(values) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if values[mid] == target:
            return mid
        if values[mid] < target:
            lo = mid
        else:
            hi = mid - 1
    return -1
''',
        tests="def test_last():\n    assert find_sorted([1, 3, 5, 7], 7) == 3\n\n"
              "def test_absent():\n    assert find_sorted([1, 3], 2) == -1\n",
        heldout="def test_h():\n    assert find_sorted([2, 4, 6, 8, 10], 4) == 1\n    assert find_sorted([], 1) == -1\n",
    ),
    BugCase(
        id="h_slice_off_by_one",
        code="def last_n(items, n):\n    return items[len(items) - n - 1:]\n",
        tests="def test_two():\n    assert last_n([1, 2, 3, 4], 2) == [3, 4]\n",
        heldout="def test_h():\n    assert last_n(['a', 'b'], 1) == ['b']\n    assert last_n([1, 2, 3], 3) == [1, 2, 3]\n",
    ),
    BugCase(
        id="h_leap_year_operator",
        code="def is_leap(year):\n    return year % 4 == 0 and year % 100 != 0 or year % 400 != 0\n",
        tests="def test_years():\n    assert is_leap(2024)\n    assert not is_leap(1900)\n    assert not is_leap(2023)\n",
        heldout="def test_h():\n    assert is_leap(2000)\n    assert not is_leap(2100)\n",
    ),
    BugCase(
        id="h_none_subscript",
        code='''def price_of(catalog, sku):
    entry = catalog.get(sku)
    return entry["price"]
''',
        tests="def test_known():\n    assert price_of({'a': {'price': 3}}, 'a') == 3\n\n"
              "def test_unknown():\n    assert price_of({}, 'zz') is None\n",
        heldout="def test_h():\n    assert price_of({'b': {'price': 0}}, 'b') == 0\n    assert price_of({'b': {}}, 'c') is None\n",
    ),
    BugCase(
        id="h_missing_counter_import",
        code='''def most_common_word(text):
    counts = Counter(text.lower().split())
    return counts.most_common(1)[0][0]
''',
        tests="def test_word():\n    assert most_common_word('a b B c') == 'b'\n",
        heldout="def test_h():\n    assert most_common_word('x') == 'x'\n",
    ),
    BugCase(
        id="h_group_key_error",
        code='''def group_by_initial(names):
    groups = {}
    for name in names:
        groups[name[0]].append(name)
    return groups
''',
        tests="def test_groups():\n    assert group_by_initial(['ann', 'al', 'bo']) == {'a': ['ann', 'al'], 'b': ['bo']}\n",
        heldout="def test_h():\n    assert group_by_initial([]) == {}\n    assert group_by_initial(['z']) == {'z': ['z']}\n",
    ),
    BugCase(
        id="h_percentage_zero_division",
        code="def percent(part, whole):\n    return round(100 * part / whole, 1)\n",
        tests="def test_pct():\n    assert percent(1, 4) == 25.0\n\ndef test_zero_whole():\n    assert percent(3, 0) == 0\n",
        heldout="def test_h():\n    assert percent(0, 0) == 0\n    assert percent(1, 3) == 33.3\n",
    ),
    BugCase(
        id="h_own_attribute_typo",
        code='''class Wallet:
    def __init__(self, balance):
        self.balance = balance

    def spend(self, amount):
        if amount > self.balanse:
            raise ValueError("insufficient funds")
        self.balance -= amount
        return self.balance
''',
        tests="def test_spend():\n    assert Wallet(10).spend(4) == 6\n",
        heldout="import pytest\n\ndef test_h():\n    with pytest.raises(ValueError):\n        Wallet(1).spend(2)\n",
    ),
    BugCase(
        id="h_sum_recursion_empty",
        code="def total(xs):\n    return xs[0] + total(xs[1:])\n",
        tests="def test_total():\n    assert total([1, 2, 3]) == 6\n",
        heldout="def test_h():\n    assert total([]) == 0\n    assert total([5]) == 5\n",
    ),
    BugCase(
        id="h_str_limit_comparison",
        code="def over_limit(values, limit):\n    return [v for v in values if v > limit]\n",
        tests="def test_str_limit():\n    assert over_limit([5, 20], '10') == [20]\n",
        heldout="def test_h():\n    assert over_limit([1, 2, 3], '2') == [3]\n",
    ),
    BugCase(
        id="h_returns_wrong_variable",
        code='''def normalize(words):
    cleaned = []
    for w in words:
        cleaned.append(w.strip().lower())
    return words
''',
        tests="def test_norm():\n    assert normalize([' A', 'b ']) == ['a', 'b']\n",
        heldout="def test_h():\n    assert normalize([]) == []\n    assert normalize(['XY']) == ['xy']\n",
    ),
    BugCase(
        id="h_assignment_in_condition",
        code='''def sign(x):
    if x = 0:
        return 0
    return 1 if x > 0 else -1
''',
        tests="def test_sign():\n    assert sign(0) == 0\n    assert sign(-4) == -1\n",
        heldout="def test_h():\n    assert sign(9) == 1\n",
    ),
]

# Written after the engine was tuned on CASES and HELDOUT; measured blind (see the report), never tuned on.
HELDOUT_V2: list[BugCase] = [
    BugCase(
        id="b_max_initial_value",
        code="def largest(values):\n    best = 0\n    for v in values:\n        if v > best:\n            best = v\n"
             "    return best\n",
        tests="def test_negatives():\n    assert largest([-5, -2, -9]) == -2\n",
        heldout="def test_h():\n    assert largest([3, 8, 1]) == 8\n",
    ),
    BugCase(
        id="b_range_skips_first",
        code="def total_length(words):\n    n = 0\n    for i in range(1, len(words)):\n        n += len(words[i])\n"
             "    return n\n",
        tests="def test_len():\n    assert total_length(['ab', 'c']) == 3\n",
        heldout="def test_h():\n    assert total_length([]) == 0\n    assert total_length(['xyz']) == 3\n",
    ),
    BugCase(
        id="b_str_method_typo",
        code="def tidy(text):\n    return text.strp().title()\n",
        tests="def test_tidy():\n    assert tidy('  hello world ') == 'Hello World'\n",
        heldout="def test_h():\n    assert tidy('a') == 'A'\n",
    ),
    BugCase(
        id="b_even_filter",
        code="def evens_only(xs):\n    return [x for x in xs if x % 2 == 1]\n",
        tests="def test_evens():\n    assert evens_only([1, 2, 3, 4]) == [2, 4]\n",
        heldout="def test_h():\n    assert evens_only([0, 7, 10]) == [0, 10]\n",
    ),
    BugCase(
        id="b_none_from_helper_arith",
        code='''def parse_count(s):
    if s.isdigit():
        return int(s)


def doubled(s):
    return parse_count(s) * 2
''',
        tests="def test_ok():\n    assert doubled('4') == 8\n\ndef test_bad():\n    assert doubled('x') is None\n",
        heldout="def test_h():\n    assert doubled('0') == 0\n    assert doubled('') is None\n",
    ),
    BugCase(
        id="b_delete_while_iterating_dict",
        code="def drop_zero(stock):\n    for item in stock:\n        if stock[item] == 0:\n            del stock[item]\n"
             "    return stock\n",
        tests="def test_drop():\n    assert drop_zero({'a': 0, 'b': 2}) == {'b': 2}\n",
        heldout="def test_h():\n    assert drop_zero({'x': 0, 'y': 0}) == {}\n",
    ),
    BugCase(
        id="b_missing_return",
        code="def area(width, height):\n    width * height\n",
        tests="def test_area():\n    assert area(2, 3) == 6\n",
        heldout="def test_h():\n    assert area(0, 5) == 0\n",
    ),
    BugCase(
        id="b_floor_division",
        code="def midpoint(a, b):\n    return (a + b) // 2\n",
        tests="def test_mid():\n    assert midpoint(2, 3) == 2.5\n",
        heldout="def test_h():\n    assert midpoint(-1, 1) == 0\n    assert midpoint(1, 2) == 1.5\n",
    ),
    BugCase(
        id="b_config_str_default",
        code="def next_retry(config):\n    return config.get('retries', '3') + 1\n",
        tests="def test_default():\n    assert next_retry({}) == 4\n",
        heldout="def test_h():\n    assert next_retry({'retries': 0}) == 1\n",
    ),
    BugCase(
        id="b_wrong_loop_direction",
        code='''def countdown(n):
    out = []
    while n > 0:
        out.append(n)
        n += 1
    return out
''',
        tests="def test_three():\n    assert countdown(3) == [3, 2, 1]\n",
        error="countdown(3) hangs",
        heldout="def test_h():\n    assert countdown(0) == []\n    assert countdown(1) == [1]\n",
    ),
]
