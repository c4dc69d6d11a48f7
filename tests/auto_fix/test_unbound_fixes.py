"""UnboundLocalError repairs: nonlocal, the missing else, local copies of constants, misspelt targets,
shadowing renames."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.unbound_fixes import (
    branch_defaults,
    constant_copies,
    expected_literals,
    misspelt_targets,
    nonlocal_declarations,
    shadowing_renames,
)
from tests.auto_fix.snippets import run_snippet, working_codes


def _ctx(code: str, name: str, line: int, hints: str = "") -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class="name_error", exception_type="UnboundLocalError",
                      message=f"cannot access local variable '{name}' where it is not associated with a value",
                      line=line, suspicious=[line], hints=hints)


TALLY = '''def make_tally(start):
    total = start
    def add(n):
        total += n
        return total
    return add
'''


def test_nonlocal_lets_a_closure_update_its_enclosing_variable():
    cands = nonlocal_declarations(_ctx(TALLY, "total", 4))
    assert cands and "nonlocal total" in cands[0].code
    scope: dict = {}
    exec(compile(cands[0].code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    add = scope["make_tally"](10)
    add(5)
    assert add(1) == 16


def test_nonlocal_stays_off_names_the_enclosing_function_does_not_bind():
    assert not nonlocal_declarations(_ctx(TALLY.replace("    total = start\n", ""), "total", 3))


BAND = '''def band(kg):
    if kg <= 1:
        size = "small"
    elif kg <= 5:
        size = "medium"
    return "<" + size + ">"
'''


def test_branch_defaults_take_the_expected_value_unwrapped_from_the_returned_text():
    hints = 'def test_heavy():\n    assert band(40) == "<bulky>"\n'
    cands = branch_defaults(_ctx(BAND, "size", 6, hints))
    assert "else:\n        size = 'bulky'" in cands[0].code
    assert working_codes(cands[:1], "band", (40,), "<bulky>")
    assert run_snippet(cands[0].code, "band", 3) == "<medium>"
    # The last elif turned into the else is offered too.
    assert any("    else:\n        size = \"medium\"" in c.code for c in cands)


def test_expected_literals_read_both_sides_of_asserts():
    text = "assert f(1) == 'a'\nassert 3 == g()\nassert h() == x\n"
    assert expected_literals(text) == ["a", 3]


RATE = '''RATE = 0.2


def with_tax(amount, reduced=False):
    if reduced:
        RATE = 0.05
    return round(amount * (1 + RATE), 2)
'''


def test_constant_copies_leave_the_module_constant_alone():
    cands = constant_copies(_ctx(RATE, "RATE", 7))
    assert cands and "rate = RATE" in cands[0].code
    scope: dict = {}
    exec(compile(cands[0].code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    assert scope["with_tax"](100, True) == 105.0
    assert scope["with_tax"](100) == 120.0 and scope["RATE"] == 0.2


def test_misspelt_target_is_renamed_not_the_use():
    code = 'def grade(p):\n    if p > 50:\n        mark = "pass"\n    else:\n        mrak = "fail"\n    return mark\n'
    cands = misspelt_targets(_ctx(code, "mark", 6))
    assert len(cands) == 1
    assert run_snippet(cands[0].code, "grade", 10) == "fail" and run_snippet(cands[0].code, "grade", 90) == "pass"


def test_shadowing_rename_keeps_the_first_read_of_the_module():
    code = 'import json\n\n\ndef load(text):\n    json = json.loads(text)\n    return json["a"]\n'
    cands = shadowing_renames(_ctx(code, "json", 5))
    assert cands and "json_value = json.loads(text)" in cands[0].code
    assert run_snippet(cands[0].code, "load", '{"a": 3}') == 3
