"""Candidates that bring in what the spec asks for are tried earlier."""

from __future__ import annotations

from graphs.auto_fix.candidates import Candidate
from graphs.auto_fix.spec_hints import boost_by_spec, spec_text

CODE = 'def pct(a, b):\n    """Whole percentage, rounded to the nearest."""\n    return int(100 * a / b)\n'


def test_the_spec_is_the_context_plus_the_docstrings():
    assert "rounded to the nearest" in spec_text(CODE, "reports look off")
    assert spec_text("def broken(:\n", "ctx") == "ctx"


def test_a_candidate_that_adds_the_construct_the_spec_names_is_boosted():
    rounded = Candidate(CODE.replace("int(100", "round(100"), "ast_mutation", "int → round", 0.3)
    other = Candidate(CODE.replace("100 * a", "101 * a"), "ast_mutation", "100 → 101", 0.3)
    boosted, plain = boost_by_spec([rounded, other], CODE, spec_text(CODE, ""))
    assert boosted.prior == 0.3 * 1.5 and plain.prior == 0.3
    assert boost_by_spec([rounded], CODE, "nothing said")[0].prior == 0.3


def test_a_construct_already_on_the_changed_line_is_not_new():
    code = "def f(x, lo):\n    return max(x, lo) - 1\n"
    same = Candidate(code.replace("- 1", "- 2"), "ast_mutation", "", 0.4)
    assert boost_by_spec([same], code, "at least lo")[0].prior == 0.4
