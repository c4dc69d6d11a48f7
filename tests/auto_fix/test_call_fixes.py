"""Call-site, lookup, None-value, accumulator and syntax templates: each fix runs, and templates stay quiet when
the failure does not fit them."""

from __future__ import annotations

import ast

from graphs.auto_fix import call_fixes, lookup_fixes, none_fixes, syntax_fixes
from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.propose import template_candidates
from tests.auto_fix.snippets import run_snippet as _run
from tests.auto_fix.snippets import working_codes as _working


def _ctx(code: str, error_class: str, message: str, line: int | None = None) -> FixContext:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        tree = None
    return FixContext(code=code, tree=tree, error_class=error_class, message=message, line=line)






def test_unexpected_keyword_is_renamed_to_the_closest_parameter_or_dropped():
    code = ("def resize(img, width, height, keep_ratio=False):\n    return (width, height, keep_ratio)\n\n"
            "def thumb(img):\n    return resize(img, 64, 64, keep_aspect=True)\n")
    cands = call_fixes.unexpected_keywords(_ctx(code, "type_error", "resize() got an unexpected keyword argument "
                                                "'keep_aspect'", 5))
    assert "keep_ratio=True" in cands[0].code and cands[0].prior > 0.85
    assert any("resize(img, 64, 64)" in c.code for c in cands)
    assert _working(cands, "thumb", (None,), (64, 64, True))


def test_tuple_passed_for_separate_parameters_is_star_unpacked():
    code = ("def rgb_hex(r, g, b):\n    return f'#{r:02x}{g:02x}{b:02x}'\n\n"
            "def swatch(color):\n    return rgb_hex(color)\n")
    cands = call_fixes.star_unpacks(_ctx(code, "type_error", "rgb_hex() missing 2 required positional arguments: "
                                         "'g' and 'b'", 5))
    assert _working(cands, "swatch", ((255, 128, 0),), "#ff8000")


def test_list_inside_a_key_tuple_becomes_a_tuple():
    code = ("def dedupe(orders):\n    seen = set()\n    out = []\n    for o in orders:\n"
            "        key = (o['customer'], o['items'])\n        if key not in seen:\n            seen.add(key)\n"
            "            out.append(o)\n    return out\n")
    cands = call_fixes.unhashable_keys(_ctx(code, "type_error", "unhashable type: 'list'", 6))
    orders = [{"customer": 1, "items": [2, 3]}, {"customer": 1, "items": [2, 3]}]
    assert _working(cands, "dedupe", (orders,), orders[:1])


def test_set_of_lists_maps_items_to_tuples():
    code = "def distinct_rows(rows):\n    return len(set(rows))\n"
    cands = call_fixes.unhashable_keys(_ctx(code, "type_error", "unhashable type: 'list'", 2))
    assert _working(cands, "distinct_rows", ([[1, 2], [1, 2], [3]],), 2)


def test_result_of_an_in_place_helper_is_replaced_by_the_mutated_value():
    code = ("def shuffle_deck(deck):\n    deck.reverse()\n\n"
            "def top_card(cards):\n    ordered = shuffle_deck(list(cards))\n    return ordered[0]\n")
    cands = none_fixes.in_place_results(_ctx(code, "none_attribute", "'NoneType' object is not subscriptable", 6))
    assert _working(cands, "top_card", ([1, 2, 3],), 3)
    method = "def best(xs):\n    ranked = xs.sort(reverse=True)\n    return ranked[0]\n"
    cands = none_fixes.in_place_results(_ctx(method, "none_attribute", "'NoneType' object is not subscriptable", 3))
    assert _working(cands, "best", ([4, 9, 1],), 9)


def test_text_fields_are_converted_where_they_are_read_even_inside_a_generator():
    code = ("import json\n\ndef total_weight(payload):\n    items = json.loads(payload)\n"
            "    return sum(item['kg'] for item in items)\n")
    cands = call_fixes.text_numbers(_ctx(code, "type_error", "unsupported operand type(s) for +: 'int' and 'str'", 5))
    assert _working(cands, "total_weight", ('[{"kg": "1.5"}, {"kg": "2"}]',), 3.5)
    counted = "def stock(row):\n    qty = row['qty']\n    return qty + 1\n"
    cands = call_fixes.text_numbers(_ctx(counted, "type_error", 'can only concatenate str (not "int") to str', 3))
    assert cands[0].code.count("int(row['qty'])") == 1


def test_numbers_joined_as_text_are_converted_first():
    code = "def csv_line(values):\n    return ';'.join(sorted(values))\n"
    cands = call_fixes.joined_texts(_ctx(code, "type_error", "sequence item 0: expected str instance, float found", 2))
    assert _run(cands[0].code, "csv_line", [2.5, 1.0]) == "1.0;2.5"
    assert not call_fixes.joined_texts(_ctx(code, "type_error", "unhashable type: 'list'", 2))


def test_a_setting_used_as_a_slice_bound_is_converted_to_int():
    code = "def clip(text, env):\n    n = env['PREVIEW']\n    return text[:n] if len(text) > n else text\n"
    cands = call_fixes.text_numbers(_ctx(code, "type_error", "'>' not supported between instances of 'int' and "
                                         "'str'", 3))
    assert "int(env['PREVIEW'])" in cands[0].code and _run(cands[0].code, "clip", "abcdef", {"PREVIEW": "3"}) == "abc"


def test_method_called_without_self_is_qualified():
    code = ("class Invoice:\n    def __init__(self, lines):\n        self.lines = lines\n\n"
            "    def net(self):\n        return sum(self.lines)\n\n    def gross(self):\n        return net() * 1.2\n")
    cands = call_fixes.self_methods(_ctx(code, "name_error", "name 'net' is not defined", 9))
    assert len(cands) == 1 and "self.net() * 1.2" in cands[0].code
    assert not call_fixes.self_methods(_ctx(code, "name_error", "name 'tax' is not defined", 9))


def test_misspelt_import_is_corrected_and_an_unused_one_dropped():
    code = "from itertools import chain, izip\n\ndef flat(xss):\n    return list(chain(*xss))\n"
    cands = lookup_fixes.import_names(_ctx(code, "import_error", "cannot import name 'izip' from 'itertools'", 1))
    assert any("from itertools import chain\n" in c.code for c in cands)
    moved = "from collections import Mapping\n\ndef is_map(x):\n    return isinstance(x, Mapping)\n"
    cands = lookup_fixes.import_names(_ctx(moved, "import_error", "cannot import name 'Mapping' from 'collections'", 1))
    assert _working(cands, "is_map", ({},), True)


def test_missing_key_defaults_to_the_fallback_mapping_or_a_mapping_value():
    code = ("PRICES = {'eu': {'basic': 5, 'pro': 9}, 'us': {'basic': 6}}\n\ndef price(region, plan):\n"
            "    table = PRICES.get(region, PRICES['eu'])\n    return table[plan]\n")
    cands = lookup_fixes.fallback_gets(_ctx(code, "key_error", "'pro'", 5))
    assert _working(cands, "price", ("us", "pro"), 9)
    literal = ("COLORS = {'ok': 'green', 'fail': 'red', 'other': 'grey'}\n\n"
               "def color(status):\n    return COLORS[status]\n")
    cands = lookup_fixes.fallback_gets(_ctx(literal, "key_error", "'skipped'", 4))
    assert "COLORS.get(status, COLORS['other'])" in cands[0].code
    table = ("LIMITS = {'cpu': 2, 'mem': 512}\n\ndef quota(req):\n    \"\"\"Requested limits; missing ones come from "
             "LIMITS.\"\"\"\n    return (req['cpu'], req['mem'])\n")
    cands = lookup_fixes.fallback_gets(_ctx(table, "key_error", "'cpu'", 5))
    assert _working(cands, "quota", ({},), (2, 512))
    sibling = ("def needs(m, dev=False):\n    out = dict(m['deps'])\n    if dev:\n"
               "        out.update(m.get('dev', {}))\n    return out\n")
    cands = lookup_fixes.fallback_gets(_ctx(sibling, "key_error", "'deps'", 2))
    assert "m.get('deps', {})" in cands[0].code and _working(cands, "needs", ({"dev": {"x": 1}}, True), {"x": 1})


def test_cyclic_and_one_based_indexes_wrap_around():
    code = ("def shift_lead(leads, day):\n    \"\"\"Lead for a day (days are numbered from 1).\"\"\"\n"
            "    return leads[day]\n")
    cands = lookup_fixes.cyclic_indexes(_ctx(code, "index_error", "list index out of range", 3))
    assert "(day - 1) % len(leads)" in cands[0].code
    assert [_run(cands[0].code, "shift_lead", ["a", "b"], d) for d in (1, 2, 3)] == ["a", "b", "a"]
    assert not lookup_fixes.cyclic_indexes(_ctx("def first(xs):\n    return xs[0]\n", "index_error", "", 2))


def test_computed_indexes_in_a_comprehension_become_a_clamped_slice():
    code = "def head(words, k):\n    return [words[i] for i in range(k)]\n"
    cands = lookup_fixes.safe_slices(_ctx(code, "index_error", "list index out of range", 2))
    assert _working(cands, "head", (["a", "b"], 5), ["a", "b"])
    assert _run(cands[0].code, "head", ["a", "b", "c"], 2) == ["a", "b"]


def test_none_from_get_gets_an_empty_default_and_docstring_literal_early_return():
    code = ("def db_host(cfg):\n    db = cfg.get('database')\n    return db.get('host', 'localhost')\n")
    cands = none_fixes.empty_defaults(_ctx(code, "none_attribute", "'NoneType' object has no attribute 'get'", 3))
    assert "cfg.get('database', {})" in cands[0].code
    assert _run(cands[0].code, "db_host", {}) == "localhost"
    guard = ("def greeting(user):\n    \"\"\"'Hi <name>' or 'Hi stranger' when nobody is logged in.\"\"\"\n"
             "    return 'Hi ' + user.name\n")
    cands = none_fixes.none_early_returns(_ctx(guard, "none_attribute", "'NoneType' object has no attribute "
                                                 "'name'", 3))
    assert _working(cands, "greeting", (None,), "Hi stranger")
    described = ("def field(m):\n    \"\"\"Split 'key=value' pairs; returns None for other lines.\"\"\"\n"
                 "    return m.group(1)\n")
    cands = none_fixes.none_early_returns(_ctx(described, "none_attribute", "'NoneType' object has no attribute "
                                                 "'group'", 3))
    assert "return None" in cands[0].code  # the documented result, not the format example 'key=value'


def test_failed_regex_match_reuses_the_helper_or_returns_early():
    code = ("import re\n\ndef order_no(text):\n    m = re.search(r'#(\\d+)', text)\n    return m.group(1) if m "
            "else ''\n\ndef label(text):\n    return 'Order ' + re.search(r'#(\\d+)', text).group(1)\n")
    cands = none_fixes.match_guards(_ctx(code, "none_attribute", "'NoneType' object has no attribute 'group'", 8))
    assert "'Order ' + order_no(text)" in cands[0].code
    assert _run(cands[0].code, "label", "no number") == "Order "


def test_accumulator_used_before_assignment_is_initialised_before_the_loop():
    code = ("def stock_levels(start, moves):\n    levels = []\n    for m in moves:\n        level += m\n"
            "        levels.append(level)\n    return levels\n")
    cands = lookup_fixes.unbound_accumulators(_ctx(code, "name_error", "cannot access local variable 'level' where "
                                                   "it is not associated with a value", 4))
    assert _run(cands[0].code, "stock_levels", 10, [1, -3]) == [11, 8]
    assert any("level = 0" in c.code for c in cands)
    branch = ("def grade(score):\n    if score >= 50:\n        label = 'pass'\n    return label\n")
    cands = lookup_fixes.unbound_accumulators(_ctx(branch, "name_error", "cannot access local variable 'label' "
                                                   "where it is not associated with a value", 4))
    assert all(_run(c.code, "grade", 70) == "pass" for c in cands)  # initialised before the branch, not after it


def test_foreign_operators_and_literals_are_translated_but_strings_are_left_alone():
    code = ("def ok(a, b):\n    msg = 'a && b || !c'\n    if a && !b:\n        return true\n"
            "    else if b || a == null:\n        return false\n    return msg\n")
    cands = syntax_fixes.foreign_syntax(_ctx(code, "syntax_error", "invalid syntax", 3))
    assert cands and "'a && b || !c'" in cands[0].code
    assert [_run(cands[0].code, "ok", *args) for args in ((1, 0), (0, 1), (0, 0))] == [True, False, "a && b || !c"]


def test_missing_comma_in_a_multi_line_call_is_inserted():
    code = ("def request(url):\n    return dict(\n        method='GET',\n        url=url\n"
            "        timeout=5,\n    )\n")
    cands = syntax_fixes.missing_commas(_ctx(code, "syntax_error", "invalid syntax. Perhaps you forgot a comma?", 4))
    assert _run(cands[0].code, "request", "u") == {"method": "GET", "url": "u", "timeout": 5}
    same_line = "LIMITS = [10 20 30]\n"
    cands = syntax_fixes.missing_commas(_ctx(same_line, "syntax_error", "invalid syntax. Perhaps you forgot a comma?",
                                             1))
    assert "[10, 20, 30]" in cands[0].code


def test_templates_stay_quiet_when_the_failure_does_not_fit():
    code = "def area(w, h):\n    return w * h\n\ndef run(v):\n    return area(v, 2)\n"
    assert not call_fixes.unexpected_keywords(_ctx(code, "type_error", "area() takes 2 positional arguments", 5))
    assert not call_fixes.unhashable_keys(_ctx(code, "type_error", "unsupported operand type(s)", 2))
    assert not call_fixes.text_numbers(_ctx(code, "type_error", "'int' object is not iterable", 2))
    assert not none_fixes.in_place_results(_ctx(code, "type_error", "'NoneType' object is not subscriptable", 5))
    assert not lookup_fixes.unbound_accumulators(_ctx(code, "name_error", "name 'x' is not defined", 2))
    assert not syntax_fixes.foreign_syntax(_ctx(code, "syntax_error", "invalid syntax", 2))
    assert not syntax_fixes.missing_commas(_ctx("def f(:\n    pass\n", "syntax_error", "invalid syntax", 1))


def test_module_proposers_are_merged_into_the_template_source():
    code = "def f(x):\n    return x\n\ndef g():\n    return f(1, scale=2)\n"
    cands = template_candidates(_ctx(code, "type_error", "f() got an unexpected keyword argument 'scale'", 5))
    assert any(c.code.endswith("return f(1)\n") for c in cands)
    assert lookup_fixes.fallback_gets in call_fixes.PROPOSERS["key_error"]
    assert call_fixes.PROPOSERS["none_attribute"] == [none_fixes.in_place_results, none_fixes.empty_defaults,
                                                      none_fixes.match_guards, none_fixes.none_early_returns,
                                                      none_fixes.none_filters]
    assert call_fixes.PROPOSERS["syntax_error"] == [syntax_fixes.foreign_syntax, syntax_fixes.missing_commas]
    assert call_fixes.PROPOSERS["import_error"] == [lookup_fixes.import_names]
