"""Repairs that copy what the code already does elsewhere: sibling normalisations, unapplied angle conversions,
arithmetic regrouped as meant."""

from __future__ import annotations

import ast
from datetime import date

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.mirror_fixes import (
    duplicated_pairs,
    mirrored_bounds,
    regrouped_arithmetic,
    sibling_normalisations,
    unapplied_conversions,
    unsanitised_siblings,
)
from tests.auto_fix.snippets import working_codes


def _ctx(code: str, line: int | None = None, suspicious: list[int] | None = None) -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class="wrong_output", line=line,
                      suspicious=suspicious or ([line] if line else []))


def test_the_sibling_parameter_is_normalised_like_the_first():
    code = ("from datetime import date\n\n\ndef nights(a, b):\n    if isinstance(a, str):\n"
            "        a = date.fromisoformat(a)\n    return (b - a).days\n")
    cands = sibling_normalisations(_ctx(code, line=7))
    assert working_codes(cands, "nights", ("2024-03-01", "2024-03-04"), 3)
    assert working_codes(cands, "nights", (date(2024, 3, 1), date(2024, 3, 2)), 1)


def test_an_imported_conversion_is_applied_before_the_trigonometry():
    code = ("from math import asin, cos, radians, sin, sqrt\n\n\ndef dist(la1, lo1, la2, lo2):\n"
            "    a = sin((la2 - la1) / 2) ** 2 + cos(la1) * cos(la2) * sin((lo2 - lo1) / 2) ** 2\n"
            "    return round(2 * 6371.0 * asin(sqrt(a)))\n")
    assert working_codes(unapplied_conversions(_ctx(code)), "dist", (52.3676, 4.9041, 51.9244, 4.4777), 57)
    assert unapplied_conversions(_ctx(code.replace("return", "la1 = radians(la1)\n    return"))) == []


def test_arithmetic_is_regrouped_as_meant():
    code = "def to_c(f):\n    return f - 32 * 5 / 9\n"
    assert working_codes(regrouped_arithmetic(_ctx(code, suspicious=[2])), "to_c", (212,), 100.0)
    assert regrouped_arithmetic(_ctx("def g(a, b):\n    return a - (b * 2)\n", suspicious=[2])) == []
    far = regrouped_arithmetic(_ctx(code, suspicious=[1]))  # all-constant: tried off the suspicious lines too
    assert working_codes(far, "to_c", (212,), 100.0) and far[0].prior < 0.65
    assert regrouped_arithmetic(_ctx("def g(a, b, c):\n    return a - b * c\n", suspicious=[1])) == []
    code = "def share(x, rate):\n    return max(x, 0) * 1 - rate\n"
    assert working_codes(regrouped_arithmetic(_ctx(code, suspicious=[2])), "share", (100, 0.25), 75.0)


def test_both_bounds_of_an_interval_test_change_strictness_together():
    code = "def overlaps(a0, a1, b0, b1):\n    return a0 <= b1 and b0 <= a1\n"
    (cand,) = mirrored_bounds(_ctx(code, suspicious=[2]))
    assert "a0 < b1 and b0 < a1" in cand.code
    assert mirrored_bounds(_ctx("def f(a, b):\n    return a <= 1 and b > 2\n", suspicious=[2])) == []


def test_a_tuple_value_copied_from_its_sibling_reads_the_field_named_like_its_target():
    code = ("class Span:\n    def __init__(self, a, b):\n        self.start_at, self.end_at = a, b\n\n\n"
            "def moved(s, d):\n    start, end = s.start_at + d, s.start_at + d\n    return start, end\n")
    assert working_codes(duplicated_pairs(_ctx(code)), "moved", (_Span(1, 5), 2), (3, 7))


class _Span:
    def __init__(self, a, b):
        self.start_at, self.end_at = a, b


def test_a_bare_value_beside_a_cleaned_one_gets_the_same_cleaner():
    code = ("def _clean(v):\n    return v.replace('\\n', '\\\\n')\n\n\n"
            "def line(user, res):\n    return f'DENY user={user} res={_clean(res)}'\n")
    assert working_codes(unsanitised_siblings(_ctx(code)), "line", ("a\nb", "r"), "DENY user=a\\nb res=r")
