"""Each AST edit operator, span-preserving edits, and second-order pairs."""

from __future__ import annotations

import ast

import pytest

from graphs.auto_fix.edits import Edit, apply_edits
from graphs.auto_fix.mutations import apply_mutation, mutations_for_lines, second_order

CODE = '''def scan(items, limit):
    total = 0  # running sum
    for i in range(len(items)):
        if items[i] < limit and i > 0:
            total = total + items[i]
    return total
'''


def _results(code: str, line: int, operator: str) -> set[str]:
    out = set()
    for m in mutations_for_lines(code, [line], limit=500):
        if m.operator == operator:
            fixed = apply_mutation(code, m)
            assert fixed is not None
            out.add(fixed.splitlines()[line - 1].strip())
    return out


@pytest.mark.parametrize(("line", "operator", "expected"), [
    (4, "comparison_swap", "if items[i] <= limit and i > 0:"),
    (4, "comparison_swap", "if items[i] < limit and i >= 0:"),
    (5, "arithmetic_swap", "total = total - items[i]"),
    (4, "boolean_swap", "if items[i] < limit or i > 0:"),
    (4, "operand_drop", "if items[i] < limit:"),
    (4, "operand_drop", "if i > 0:"),
    (4, "constant_pm1", "if items[i] < limit and i > 1:"),
    (3, "range_bound_pm1", "for i in range(len(items) - 1):"),
    (3, "range_bound_pm1", "for i in range(len(items) + 1):"),
    (5, "index_pm1", "total = total + items[i - 1]"),
    (4, "negate_condition", "if not (items[i] < limit and i > 0):"),
    (6, "return_replace", "return items"),
    (5, "variable_replace", "total = limit + items[i]"),
])
def test_operator_produces_expected_edit(line, operator, expected):
    assert expected in _results(CODE, line, operator)


def test_a_plus_one_page_count_becomes_a_ceiling_division():
    code = "def pages(n, size):\n    return n // size + 1\n"
    assert "return -(-n // size)" in _results(code, 2, "ceil_division")


def test_a_difference_is_shifted_by_one():
    code = "def col(ch):\n    return 26 * (ord(ch) - ord('A'))\n"
    assert "return 26 * (ord(ch) - ord('A') + 1)" in _results(code, 2, "difference_pm1")
    code = "def first(page, per):\n    start = (page - 1) * per\n    return start\n"
    assert "start = (page - 1) * per + 1" in _results(code, 2, "offset_pm1")


def test_argument_swap_and_statement_delete():
    code = "def f(a, b):\n    log(a)\n    return pow(a, b)\n"
    assert "return pow(b, a)" in _results(code, 3, "argument_swap")
    assert "pass" in _results(code, 2, "delete_statement")


def test_bound_folding_keeps_expressions_simple():
    code = "def f(xs, w):\n    return range(len(xs) - w + 2)\n"
    assert "return range(len(xs) - w + 1)" in _results(code, 2, "range_bound_pm1")


def test_edits_keep_comments_and_other_lines():
    m = next(m for m in mutations_for_lines(CODE, [4]) if m.operator == "comparison_swap")
    fixed = apply_mutation(CODE, m)
    assert "# running sum" in fixed
    assert sum(a != b for a, b in zip(CODE.splitlines(), fixed.splitlines(), strict=True)) == 1


def test_only_target_lines_are_mutated_and_ordered_by_prior():
    muts = mutations_for_lines(CODE, [4], {4: 1.0})
    assert muts and all(m.edit.line == 4 for m in muts)
    assert [m.prior for m in muts] == sorted((m.prior for m in muts), reverse=True)
    assert muts[0].operator == "comparison_swap"


def test_overlapping_edits_are_refused():
    e1, e2 = Edit(1, 0, 1, 3, "x"), Edit(1, 2, 1, 4, "y")
    assert apply_edits("abcdef\n", [e1, e2]) is None
    assert apply_edits("abcdef\n", [Edit(1, 0, 1, 1, "X"), Edit(1, 4, 1, 5, "Y")]) == "XbcdYf\n"


def test_second_order_pairs_are_disjoint_and_apply():
    muts = mutations_for_lines(CODE, [3, 4])
    pairs = second_order(muts)
    assert pairs
    a, b = pairs[0]
    assert apply_mutation(CODE, a, b) is not None


def test_unparsable_code_yields_no_mutations():
    assert mutations_for_lines("def f(:\n", [1]) == []


def test_usage_types_rank_a_sized_local_first_for_a_sized_use():
    from graphs.auto_fix.name_types import infer_types

    code = ("def averages(values, window):\n    out = []\n    for start in range(len(values) - window + 1):\n"
            "        chunk = values[start:start + window]\n        out.append(sum(chunk) / len(values))\n"
            "    return out\n")
    func = ast.parse(code).body[0]
    types = infer_types(func)
    assert types["values"] == types["chunk"] == "seq" and types["window"] == types["start"] == "num"
    firsts = [apply_mutation(code, m).splitlines()[4].strip() for m in mutations_for_lines(code, [5], limit=500)
              if m.operator == "variable_replace" and "sum(chunk) / len(" in apply_mutation(code, m)]
    assert firsts[0] == "out.append(sum(chunk) / len(chunk))"
    assert firsts.index("out.append(sum(chunk) / len(window))") > firsts.index("out.append(sum(chunk) / len(out))")


def test_a_name_used_both_as_number_and_sequence_stays_untyped():
    from graphs.auto_fix.name_types import infer_types

    code = "def f(a, b):\n    return len(a) + a - b\n"
    assert "a" not in infer_types(ast.parse(code).body[0])


def test_a_name_computed_from_the_replaced_one_comes_first():
    from graphs.auto_fix.name_types import derived_names

    code = ("def greet(name, title):\n    clean = name.strip()\n    total = 0\n    total = total + len(title)\n"
            "    return 'Hi ' + name\n")
    func = ast.parse(code).body[0]
    derived = derived_names(func)
    assert derived["clean"] == {"name"} and not derived.get("total")  # an accumulator is no version of its parts
    firsts = [apply_mutation(code, m).splitlines()[4].strip() for m in mutations_for_lines(code, [5], limit=500)
              if m.operator == "variable_replace"]
    assert firsts[0] == "return 'Hi ' + clean"


def test_a_slice_that_stops_before_the_last_item_runs_to_the_end():
    code = "def last_n(items, n):\n    return items[-n:-1]\n"
    fixed = [apply_mutation(code, m) for m in mutations_for_lines(code, [2], limit=500) if m.operator == "slice_to_end"]
    assert fixed == ["def last_n(items, n):\n    return items[-n:]\n"]
    code = "def body(xs):\n    return xs[1:len(xs) - 1]\n"
    assert any(apply_mutation(code, m).endswith("xs[1:]\n") for m in mutations_for_lines(code, [2], limit=500)
               if m.operator == "slice_to_end")
