"""Return adapters driven by the failing assertion's two values (returned vs expected)."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.return_shapes import adapters, observed_pairs, reshaped_returns
from tests.auto_fix.snippets import working_codes


def _ctx(code: str, failure: str, tests: str = "") -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class="wrong_output", message=failure,
                      hints=f"{failure}\n{tests}")


def test_observed_pairs_read_pytest_assertion_lines_as_literals():
    text = ("    assert check('x') is True\nE   AssertionError: assert 1 is True\n"
            "E   assert {'a': 1, 'b': 'x y'} == 'x y'\nE   assert [1, 2...] == [1, 2, 3]\n")
    assert observed_pairs(text) == [(1, True), ({"a": 1, "b": "x y"}, "x y")]  # truncated reprs are skipped
    assert observed_pairs("E   assert 3 == 3.0") == []  # equal values: no shape to fix


def test_adapters_only_for_a_change_of_shape():
    assert adapters(None, 3) == [] and adapters(4, 5) == []  # a missing return, a wrong number: not ours
    assert adapters((1, 30), 90)[0][2] == "the parts combined in base 60"
    assert any(why == "joined with ', '" for _, _, why in adapters(["a", "b"], "a, b"))


def test_a_record_returned_where_one_field_was_expected():
    code = "def cheapest(options):\n    best = min(options, key=lambda o: o['price'])\n    return best\n"
    failure = "E   AssertionError: assert {'name': 'b', 'price': 1} == 'b'\nE    +  where {'name': 'b', 'price': 1} = cheapest([])"
    cands = reshaped_returns(_ctx(code, failure))
    assert cands[0].code.endswith("return best['name']\n")
    assert working_codes(cands, "cheapest", ([{"name": "a", "price": 3}, {"name": "c", "price": 2}],), "c")


def test_parts_combined_in_a_common_base_and_a_flag_compared_with_its_valid_value():
    code = "def minutes(text):\n    h, m = text.split(':')\n    return int(h), int(m)\n"
    cands = reshaped_returns(_ctx(code, "E   assert (2, 5) == 125", "assert minutes('02:05') == 125"))
    assert working_codes(cands, "minutes", ("10:01",), 601)
    code = "def valid(n):\n    return n % 7\n"
    cands = reshaped_returns(_ctx(code, "E   AssertionError: assert 1 is True", "assert valid(8) is True"))
    assert cands[0].code.endswith("return n % 7 == 1\n")
    assert working_codes(cands, "valid", (15,), True) and working_codes(cands, "valid", (14,), False)


def test_a_list_returned_where_joined_text_was_expected_and_no_candidate_without_an_assertion():
    code = "def label(tags):\n    return sorted(tags)\n"
    cands = reshaped_returns(_ctx(code, "E   AssertionError: assert ['a', 'b'] == 'a, b'"))
    assert working_codes(cands, "label", (["z", "y"],), "y, z")
    assert reshaped_returns(_ctx(code, "ValueError: bad tag")) == []


def test_same_type_adapters_finish_the_value_rounding_scaling_casing_ordering():
    whys = {why for _, _, why in adapters(0.123456, 0.12)}
    assert "rounded to 2 decimals" in whys
    assert "scaled by 100" in {why for _, _, why in adapters(0.25, 25.0)}
    assert "with `.lower()`" in {why for _, _, why in adapters("Ann", "ann")}
    assert "deduplicated" in {why for _, _, why in adapters([3, 1, 3], [3, 1])}
    assert "sorted" in {why for _, _, why in adapters([3, 1], [1, 3])}
    code = "def share(part, whole):\n    return part / whole\n"
    cands = reshaped_returns(_ctx(code, "E   assert 0.25 == 25.0", "assert share(1, 4) == 25.0"))
    assert working_codes(cands, "share", (1, 2), 50.0)


def test_none_returned_where_an_empty_value_was_expected_gets_that_default():
    code = "def stock(inventory, sku):\n    return inventory.get(sku)\n"
    cands = reshaped_returns(_ctx(code, "E   assert None == 0", "assert stock({}, 'b') == 0"))
    assert cands[0].code.endswith("return inventory.get(sku, 0)\n")
    code = "def label(names, i):\n    return names.pop(i) if names else None\n"
    cands = reshaped_returns(_ctx(code, "E   assert None == ''", "assert label([], 0) == ''"))
    assert working_codes(cands, "label", ([], 0), "")
