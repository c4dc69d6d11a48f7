"""Past fixes re-applied to new code with identifiers abstracted."""

from __future__ import annotations

from graphs.auto_fix.retrieved import apply_past_fix, fix_snippets

BEFORE = "def label(order, customers):\n    customer = customers.get(order.cid)\n    return customer.name\n"
AFTER = ("def label(order, customers):\n    customer = customers.get(order.cid)\n    if customer is None:\n"
         "        return None\n    return customer.name\n")


def test_same_code_gets_the_same_fix():
    assert apply_past_fix(BEFORE, BEFORE, AFTER) == AFTER


def test_renamed_identifiers_and_other_indentation_still_match():
    code = ("class Shop:\n    def title(self, item, catalog):\n        product = catalog.get(item.cid)\n"
            "        return product.name\n")
    fixed = apply_past_fix(code, BEFORE, AFTER)
    assert fixed is not None
    assert "        if product is None:\n            return None\n        return product.name" in fixed
    assert fixed.startswith("class Shop:\n    def title(self, item, catalog):")


def test_different_shape_does_not_match():
    assert apply_past_fix("def f(a):\n    return a + 1\n", BEFORE, AFTER) is None
    assert apply_past_fix(BEFORE, BEFORE, BEFORE) is None  # no change recorded


def test_snippets_keep_only_the_changed_region_with_context():
    before = "".join(f"x{i} = {i}\n" for i in range(20))
    after = before.replace("x10 = 10", "x10 = 11")
    b, a = fix_snippets(before, after, context=2)
    assert b == "x8 = 8\nx9 = 9\nx10 = 10\nx11 = 11\nx12 = 12\n"
    assert a == b.replace("x10 = 10", "x10 = 11")
    assert apply_past_fix(before.replace("x", "y"), b, a) is not None
