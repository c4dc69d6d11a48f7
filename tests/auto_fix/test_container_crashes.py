"""Crashes from using one container like another: views indexed, text methods on lists, dicts read as objects."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.container_crashes import dict_fields, indexed_views, per_item_methods
from tests.auto_fix.snippets import working_codes


def _ctx(code: str, error_class: str, message: str, line: int) -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class=error_class, message=message, line=line)


def test_an_indexed_view_becomes_a_list_or_the_first_key():
    code = "def first_key(mapping):\n    return mapping.keys()[0]\n"
    cands = indexed_views(_ctx(code, "type_error", "'dict_keys' object is not subscriptable", 2))
    assert any("next(iter(mapping))" in c.code for c in cands)
    assert working_codes(cands, "first_key", ({"b": 1, "a": 2},), "b")
    code = "def second(xs):\n    return map(str, xs)[1]\n"
    assert working_codes(indexed_views(_ctx(code, "type_error", "'map' object is not subscriptable", 2)),
                         "second", ([1, 2],), "2")
    assert indexed_views(_ctx(code, "type_error", "'int' object is not subscriptable", 2)) == []


def test_a_text_method_on_a_list_of_texts_applies_to_each_item():
    code = "def words(lines):\n    return lines.split()\n"
    cands = per_item_methods(_ctx(code, "attribute_error", "'list' object has no attribute 'split'", 2))
    assert working_codes(cands, "words", (["a b", "c"],), ["a", "b", "c"])
    code = "def clean(names):\n    return names.strip()\n"
    cands = per_item_methods(_ctx(code, "attribute_error", "'list' object has no attribute 'strip'", 2))
    assert working_codes(cands, "clean", ([" a ", "b "],), ["a", "b"])
    assert per_item_methods(_ctx(code, "attribute_error", "'list' object has no attribute 'frobnicate'", 2)) == []


def test_a_dict_read_as_an_object_reads_its_fields_with_subscripts():
    code = "def city(user):\n    return user.address.city\n"
    cands = dict_fields(_ctx(code, "attribute_error", "'dict' object has no attribute 'address'", 2))
    assert max(cands, key=lambda c: c.prior).code.endswith("return user['address']['city']\n")
    assert working_codes(cands, "city", ({"address": {"city": "Oslo"}},), "Oslo")
    # A method call on the field stays a call: only the field read changes.
    code = "def shout(user):\n    return user.name.upper()\n"
    cands = dict_fields(_ctx(code, "attribute_error", "'dict' object has no attribute 'name'", 2))
    assert working_codes(cands, "shout", ({"name": "ann"},), "ANN")
    assert dict_fields(_ctx(code, "attribute_error", "'dict' object has no attribute 'items'", 2)) == []
