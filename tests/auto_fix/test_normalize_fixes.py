"""Normalised comparisons, case folds and percentages, asked for by words or by the assertion's values."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.normalize_fixes import case_folds, normalized_comparisons, percent_scales
from tests.auto_fix.snippets import working_codes


def _ctx(code: str, hints: str = "", message: str = "") -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class="wrong_output", message=message, hints=hints)


def test_a_comparison_with_a_normalised_literal_normalises_the_value_when_the_docstring_asks():
    code = 'def is_yes(answer):\n    """True for yes in any case, with or without surrounding spaces."""\n' \
           '    return answer == "yes"\n'
    cands = normalized_comparisons(_ctx(code))
    assert max(cands, key=lambda c: c.prior).code.endswith('return answer.strip().lower() == "yes"\n')
    assert working_codes(cands, "is_yes", (" YES ",), True)
    plain = 'def is_yes(answer):\n    return answer == "yes"\n'
    assert normalized_comparisons(_ctx(plain)) == []  # nothing asks for it


def test_counting_folds_case_where_the_text_is_split_when_the_values_differ_only_by_case():
    code = ("def count_words(text):\n    counts = {}\n    for word in text.split():\n"
            "        counts[word] = counts.get(word, 0) + 1\n    return counts\n")
    cands = case_folds(_ctx(code, message="E   AssertionError: assert {'The': 1, 'the': 1} == {'the': 2}"))
    assert working_codes(cands, "count_words", ("A a b",), {"a": 2, "b": 1})
    assert case_folds(_ctx(code, message="E   AssertionError: assert {'a': 1} == {'b': 1}")) == []


def test_a_fraction_described_as_a_percentage_is_scaled():
    code = 'def share(part, total):\n    """Percentage of total, one decimal."""\n    return round(part / total, 1)\n'
    assert working_codes(percent_scales(_ctx(code)), "share", (1, 8), 12.5)
    assert percent_scales(_ctx(code.replace("Percentage", "Fraction"))) == []
    scaled = 'def share(part, total):\n    """Percentage."""\n    return round(100 * part / total, 1)\n'
    assert percent_scales(_ctx(scaled)) == []  # already scaled
