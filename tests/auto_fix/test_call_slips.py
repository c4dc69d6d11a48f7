"""Quiet slips: methods named but not called, backspaces meant as word boundaries, iterators walked twice, and
float amounts rounded half-up through Decimal."""

from __future__ import annotations

import ast

from graphs.auto_fix.call_slips import (
    backspace_literals,
    enumerate_starts,
    truncations_meant_as_rounding,
    twice_iterated_params,
    uncalled_methods,
)
from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.state_resets import decimal_rounding
from tests.auto_fix.snippets import working_codes


def _ctx(code: str, hints: str = "", suspicious: list[int] | None = None) -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class="wrong_output", hints=hints,
                      suspicious=suspicious or [])


def test_a_method_named_but_not_called_is_called():
    code = "def weak(pw):\n    return not any(ch.isdigit for ch in pw)\n"
    assert working_codes(uncalled_methods(_ctx(code, suspicious=[2])), "weak", ("abc",), True)
    code = ("class U:\n    def __init__(self, role):\n        self.role = role\n\n    def is_admin(self):\n"
            "        return self.role == 'admin'\n\n\ndef allowed(u):\n    return 'yes' if u.is_admin else 'no'\n")
    cands = uncalled_methods(_ctx(code))
    scope: dict = {}
    exec(compile(cands[0].code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    assert scope["allowed"](scope["U"]("guest")) == "no"
    # A method handed over as a callback stays as it is.
    assert uncalled_methods(_ctx("def f(xs):\n    return sorted(xs, key=str.lower)\n")) == []


def test_a_backspace_in_a_regex_string_becomes_a_word_boundary():
    code = ("import re\n\n\ndef mark(text, word):\n    pattern = \"\\b\" + re.escape(word) + \"\\b\"\n"
            "    return re.sub(pattern, lambda m: f'[{m.group(0)}]', text)\n")
    cands = backspace_literals(_ctx(code))
    assert working_codes(cands[:1], "mark", ("the cat sat", "cat"), "the [cat] sat")  # both ends at once
    assert 'r"\\b" + re.escape(word) + r"\\b"' in cands[0].code


def test_an_iterator_walked_twice_is_listed_first():
    code = ("def shares(rows):\n    total = sum(r for r in rows)\n    return [round(100 * r / total) for r in rows]\n")
    cands = twice_iterated_params(_ctx(code, hints="shares(x for x in data)"))
    assert cands[0].prior > 0.7
    assert working_codes(cands, "shares", ((x for x in [1, 3]),), [25, 75])
    assert twice_iterated_params(_ctx("def f(xs):\n    return sum(xs)\n")) == []


def test_a_float_rounded_half_up_goes_through_decimal_and_back():
    code = "def convert(amount, rate):\n    return round(amount * rate, 2)\n"
    cands = decimal_rounding(_ctx(code, hints="the bank rounds half-cents up (half-up)"))
    assert working_codes(cands, "convert", (2.675, 1.0), 2.68)
    assert decimal_rounding(_ctx(code)) == []


def test_split_parts_tested_against_numbers_become_ints():
    from graphs.auto_fix.call_slips import numeric_members

    code = ("def parse(field):\n    return None if field == '*' else set(field.split(','))\n\n\n"
            "def fires(rule, minute):\n    minutes = parse(rule)\n    return minutes is None or minute in minutes\n")
    assert working_codes(numeric_members(_ctx(code)), "fires", ("0,30", 30), True)
    assert numeric_members(_ctx("def f(s):\n    return set(s.split(','))\n")) == []


def test_arguments_named_like_each_others_parameters_are_put_back():
    from graphs.auto_fix.call_slips import named_argument_order

    code = ("import difflib\n\n\ndef removed(old, new):\n    a, b = old.split(), new.split()\n"
            "    ops = difflib.SequenceMatcher(None, b, a).get_opcodes()\n"
            "    return [w for t, i1, i2, _, _ in ops if t == 'delete' for w in a[i1:i2]]\n")
    assert working_codes(named_argument_order(_ctx(code)), "removed", ("a b c", "a c"), ["b"])
    code = "def move(src, dst):\n    return dst - src\n\n\ndef run(src, dst):\n    return move(dst, src)\n"
    assert working_codes(named_argument_order(_ctx(code)), "run", (1, 5), 4)
    assert named_argument_order(_ctx("def f(a, b):\n    return a - b\n\n\ndef g(x, y):\n    return f(y, x)\n")) == []


def test_enumerate_numbers_from_one_or_back_from_zero():
    code = "def numbered(lines):\n    return [f'{n}: {t}' for n, t in enumerate(lines)]\n"
    assert working_codes(enumerate_starts(_ctx(code, suspicious=[2])), "numbered", (["a"],), ["1: a"])
    back = code.replace("enumerate(lines)", "enumerate(lines, 1)")
    assert working_codes(enumerate_starts(_ctx(back, suspicious=[2])), "numbered", (["a"],), ["0: a"])
    assert enumerate_starts(_ctx(code.replace("enumerate(lines)", "enumerate(lines, 5)"), suspicious=[2])) == []


def test_a_truncation_is_rounded_when_the_docstring_says_nearest():
    code = "def pct(a, b):\n    \"\"\"Whole percentage, rounded to the nearest.\"\"\"\n    return int(100 * a / b)\n"
    assert working_codes(truncations_meant_as_rounding(_ctx(code)), "pct", (2, 3), 67)
    assert truncations_meant_as_rounding(_ctx(code.replace("rounded to the nearest", "truncated"))) == []


def test_a_whole_number_round_becomes_a_half_up_int_when_the_docstring_says_halves_round_up():
    code = 'def to_cents(amount):\n    """Euros to whole cents; half cents round up."""\n    return round(amount * 100)\n'
    cands = decimal_rounding(_ctx(code))
    assert working_codes(cands, "to_cents", (0.125,), 13) and working_codes(cands, "to_cents", (0.135,), 14)


def test_find_used_as_a_truth_value_tests_membership():
    from graphs.auto_fix.call_slips import find_as_truth

    code = "def has_word(text, word):\n    return bool(text.find(word))\n"
    cands = find_as_truth(_ctx(code))
    assert working_codes(cands, "has_word", ("hello world", "hello"), True)
    assert working_codes(cands, "has_word", ("hello world", "bye"), False)
