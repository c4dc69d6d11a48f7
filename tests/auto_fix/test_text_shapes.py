"""Text-shape templates: ordered dedupes, numeric sort-key parts, zero padding and CSV-aware splits."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.text_shapes import (
    PROPOSERS,
    csv_splits,
    numeric_key_parts,
    ordered_dedupes,
    overlong_truncations,
    padded_numbers,
)
from tests.auto_fix.snippets import run_snippet, working_codes


def _ctx(code: str, message: str = "", hints: str = "", suspicious: list[int] | None = None) -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class="wrong_output", message=message,
                      suspicious=suspicious or [], hints=hints)


def test_registered_for_wrong_output_and_assertion_errors():
    assert set(PROPOSERS) == {"wrong_output", "assertion_error"}
    assert padded_numbers in PROPOSERS["assertion_error"]


def test_ordered_dedupes_keep_the_first_occurrences_in_input_order():
    code = "def unique_tags(tags):\n    return list(set(t.lower() for t in tags))\n"
    cands = ordered_dedupes(_ctx(code, suspicious=[2]))
    assert working_codes(cands, "unique_tags", (["b", "A", "c", "a", "B"],), ["b", "a", "c"])
    assert cands[0].prior >= 0.7
    loop = ("def firsts(xs):\n    out = []\n    for x in set(xs):\n        out.append(x * 2)\n    return tuple(out)\n")
    assert working_codes(ordered_dedupes(_ctx(loop)), "firsts", ([3, 1, 3, 2],), (6, 2, 4))
    assert ordered_dedupes(_ctx(loop))[0].prior < 0.7  # nothing points at it
    # A dedupe that is sorted afterwards has no order to lose.
    assert ordered_dedupes(_ctx("def u(xs):\n    return sorted(list(set(xs)))\n")) == []
    assert ordered_dedupes(_ctx("def u(xs):\n    return len(set(xs))\n")) == []


def test_numeric_key_parts_compare_regex_digit_groups_as_numbers():
    code = ("import re\n\n\ndef ticket_key(code):\n    m = re.match(r'([A-Z]+)-(\\d+)', code)\n"
            "    return (m.group(1), m.group(2))\n\n\ndef order(codes):\n    return sorted(codes, key=ticket_key)\n")
    assert run_snippet(code, "order", ["B-10", "B-9", "A-2"]) == ["A-2", "B-10", "B-9"]  # the bug
    cands = numeric_key_parts(_ctx(code))
    assert 0 < len(cands) <= 4
    assert working_codes(cands, "order", (["B-10", "B-9", "A-2"],), ["A-2", "B-9", "B-10"])
    assert "m.group(1))" not in cands[0].code.replace("int(m.group(2))", "")  # the letters stay text


def test_numeric_key_parts_convert_named_split_parts_and_split_tuples():
    code = ("def release_order(tag):\n    prefix, number = tag.split('-')\n    return prefix, number\n\n\n"
            "def latest(tags):\n    return max(tags, key=release_order)\n")
    assert working_codes(numeric_key_parts(_ctx(code)), "latest", (["r-9", "r-10", "r-2"],), "r-10")
    parts = ("def newest(versions):\n    return max(versions, key=lambda v: tuple(part for part in v.split('.')))\n")
    assert working_codes(numeric_key_parts(_ctx(parts)), "newest", (["1.9.0", "1.10.0", "1.2.5"],), "1.10.0")
    whole = "def version_key(v):\n    return v.split('.')\n\n\ndef newest(vs):\n    return max(vs, key=version_key)\n"
    assert working_codes(numeric_key_parts(_ctx(whole)), "newest", (["1.9", "1.10"],), "1.10")
    optional = ("import re\n\n\ndef item_key(s):\n    m = re.match(r'([a-z]+)(\\d*)', s)\n"
                "    return m.group(1), m.group(2)\n\n\ndef order(xs):\n    return sorted(xs, key=item_key)\n")
    assert working_codes(numeric_key_parts(_ctx(optional)), "order", (["a10", "a", "a9"],), ["a", "a9", "a10"])


def test_numeric_key_parts_read_named_groups_of_module_patterns():
    code = ("import re\n\nCODE = re.compile(r'(?P<area>[A-Z])(?P<num>\\d+)')\n\n\ndef room_key(s):\n"
            "    m = CODE.match(s)\n    return m['area'], m['num']\n\n\ndef rooms(xs):\n    return sorted(xs, key=room_key)\n")
    cands = numeric_key_parts(_ctx(code))
    assert working_codes(cands[:1], "rooms", (["B10", "A7", "B9"],), ["A7", "B9", "B10"])


def test_numeric_key_parts_stay_silent_on_text_keys():
    code = "def by_name(rows):\n    return sorted(rows, key=lambda r: r['name'].lower())\n"
    assert numeric_key_parts(_ctx(code)) == []
    # `n` is the item itself here, not a number read from it.
    assert numeric_key_parts(_ctx("def f(xs, m):\n    return sorted(xs, key=lambda n: (n != m, n))\n")) == []
    assert numeric_key_parts(_ctx("def name_key(p):\n    first, last = p.title, p.surname\n    return last, first\n"))\
        == []


def test_padded_numbers_restore_leading_zeros():
    code = "def zip_code(row):\n    return str(int(row['zip']))\n"
    hints = "def test_zip():\n    assert zip_code({'zip': '02134'}) == '02134'\n"
    assert run_snippet(code, "zip_code", {"zip": "02134"}) == "2134"  # the bug
    cands = padded_numbers(_ctx(code, "assert '2134' == '02134'", hints))
    assert cands and working_codes(cands, "zip_code", ({"zip": " 2134"},), "02134")
    label = "def label(n: int):\n    return f'INV-{n}/{n + 1}'\n"
    cands = padded_numbers(_ctx(label, "AssertionError: assert 'INV-7/8' == 'INV-007/8'", "assert label(7) == ..."))
    assert working_codes(cands, "label", (7,), "INV-007/8") and len(cands) == 1
    assert "{n:03d}" in cands[0].code
    through = ("def pad(x):\n    return x\n\n\ndef badge(seq):\n    text = str(seq)\n    return pad(text)\n")
    cands = padded_numbers(_ctx(through, hints="assert badge(7) == '007'\n"))
    assert working_codes(cands, "badge", (7,), "007")


def test_padded_numbers_stay_silent_without_zero_padding_in_the_assertion():
    code = "def zip_code(row):\n    return str(int(row['zip']))\n"
    assert padded_numbers(_ctx(code, "assert '2134' == '2135'", "assert zip_code({'zip': '2135'}) == '2135'")) == []
    assert padded_numbers(_ctx(code, "assert '2134' == 'x02134'")) == []


CSV_CODE = ("def names(text):\n    rows = []\n    for line in text.splitlines()[1:]:\n"
            "        fields = line.split(',')\n        rows.append(fields[0])\n    return rows\n")


def test_csv_splits_parse_quoted_fields():
    hints = "def test_quoted():\n    assert names('name,age\\n\"Smith, John\",30') == ['Smith, John']\n"
    assert run_snippet(CSV_CODE, "names", 'name,age\n"Smith, John",30') == ['"Smith']  # the bug
    cands = csv_splits(_ctx(CSV_CODE, hints=hints))
    assert cands and "import csv" in cands[0].code
    assert working_codes(cands, "names", ('name,age\n"Smith, John",30\nann,3',), ["Smith, John", "ann"])
    both = ("import csv\n\n\ndef cells(a, b):\n    return a.split(';') + b.split(',') + b.split(',')\n")
    cands = csv_splits(_ctx(both))
    assert 1 < len(cands) <= 4 and all(c.code.count("import csv") == 1 for c in cands)
    assert working_codes(cands, "cells", ("x;y", '"p,q"'), ["x", "y", "p,q", "p,q"])  # both comma splits at once
    assert working_codes(cands, "cells", ('"x;y";z', "p"), ["x;y", "z", "p", "p"])


def test_csv_splits_keep_the_delimiter_of_a_tab_split():
    code = "def cols(line):\n    return line.rstrip('\\n').split('\\t')\n"
    cands = csv_splits(_ctx(code, hints="reads a TSV export of a CSV tool"))
    assert working_codes(cands, "cols", ('"a\tb"\tc\n',), ["a\tb", "c"])


def test_csv_splits_stay_silent_without_csv_signals():
    assert csv_splits(_ctx(CSV_CODE, hints='assert names("name,age\\nann,3") == ["ann"]\n')) == []
    assert csv_splits(_ctx("def words(s):\n    return s.split(' ')\n", hints="a csv file")) == []


def test_a_sorted_set_loop_walks_the_input_order_instead():
    from graphs.auto_fix.text_shapes import ordered_dedupes

    code = ("def merge(a, b):\n    out = []\n    for x in sorted(set(a + b)):\n        out.append(x)\n"
            "    return out\n")
    ctx = FixContext(code=code, tree=ast.parse(code), error_class="wrong_output", suspicious=[3])
    assert working_codes(ordered_dedupes(ctx), "merge", (["k", "l"], ["m", "l"]), ["k", "l", "m"])


def test_truncations_leave_room_for_the_marker_they_append():
    code = ("def preview(text, limit, marker='...'):\n    if len(text) <= limit:\n        return text\n"
            "    return text[:limit].rstrip() + marker\n")
    codes = working_codes(overlong_truncations(_ctx(code)), "preview", ("abcdefghij", 6), "abc...")
    assert codes and run_snippet(codes[0], "preview", "abcdefghij", 8, "~") == "abcdefg~"
    assert overlong_truncations(_ctx("def f(s):\n    return s[:3] + s[5:]\n")) == []


def test_a_key_field_the_tests_hold_as_digit_strings_compares_as_numbers():
    code = "def oldest(people):\n    best = max(people, key=lambda p: p['age'])\n    return best['name']\n"
    hints = "assert oldest([{'name': 'a', 'age': '9'}, {'name': 'b', 'age': '10'}]) == 'b'"
    cands = numeric_key_parts(_ctx(code, hints=hints))
    assert working_codes(cands, "oldest", ([{"name": "x", "age": "30"}, {"name": "y", "age": "4"}],), "x")
    assert numeric_key_parts(_ctx(code, hints="assert oldest([{'name': 'a', 'age': 9}]) == 'a'")) == []
