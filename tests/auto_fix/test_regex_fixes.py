"""Regex repairs anywhere in the module and the new pattern variants."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.regex_fixes import regex_repairs
from graphs.auto_fix.regex_variants import pattern_variants
from tests.auto_fix.snippets import working_codes


def _ctx(code: str) -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class="wrong_output", exception_type=None, message="",
                      line=None)


def test_compiled_pattern_method_is_swapped_even_off_the_suspicious_lines():
    code = ('import re\n\nTAG = re.compile(r"#(\\w+)")\n\n\ndef first_tag(s):\n    m = TAG.match(s)\n'
            '    return m.group(1) if m else None\n')
    assert working_codes(regex_repairs(_ctx(code)), "first_tag", ("see #news",), "news")


def test_non_raw_replacement_group_references_are_restored():
    code = 'import re\n\n\ndef flip(s):\n    return re.sub(r"(\\d+)-(\\d+)", "\\2-\\1", s)\n'
    cands = regex_repairs(_ctx(code))
    assert working_codes(cands, "flip", ("1-2",), "2-1")


def test_variants_escape_dots_regroup_and_loosen_counts():
    texts = [p for p, _, _ in pattern_variants(r"v(\d+).(\d+)", "findall")]
    assert r"v(\d+)\.(\d+)" in texts and r"v(?:\d+).(?:\d+)" in texts and r"v((?:\d+).(?:\d+))" in texts
    assert r"\d{2,}" in [p for p, _, _ in pattern_variants(r"\d{2}", "search")]
    assert r"\bcat\b" in [p for p, _, _ in pattern_variants("\x08cat\x08", "search")]


def test_modules_without_re_get_nothing():
    assert not regex_repairs(_ctx("def f(s):\n    return s.match\n"))


def test_every_repetition_can_turn_lazy_at_once():
    texts = [p for p, _, _ in pattern_variants(r"\[(.*)\]\((.*)\)", "findall")]
    assert r"\[(.*?)\]\((.*?)\)" in texts


def test_pattern_built_piece_by_piece_escapes_the_literal_pieces():
    code = ("import re\n\ndef glob_rx(pattern):\n    out = []\n    for ch in pattern:\n        if ch == '*':\n"
            "            out.append('.*')\n        else:\n            out.append(ch)\n"
            "    return re.compile(''.join(out) + r'\\Z')\n\ndef hits(names, pattern):\n"
            "    rx = glob_rx(pattern)\n    return [n for n in names if rx.match(n)]\n")
    assert working_codes(regex_repairs(_ctx(code)), "hits", (["a.py", "a_py"], "*.py"), ["a.py"])
    code = "import re\n\ndef rx(words):\n    p = ''\n    for w in words:\n        p += w\n    return re.compile(p)\n"
    assert any("p += re.escape(w)" in c.code for c in regex_repairs(_ctx(code)))
