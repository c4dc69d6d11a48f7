"""A broad handler narrowed to what the protected code raises on bad data."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.narrow_handlers import narrowed_handlers
from tests.auto_fix.snippets import run_snippet


def _ctx(code: str, message: str = "") -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class="wrong_output", message=message)


def test_a_broad_handler_around_a_division_catches_only_zero_division():
    code = "def ratio(a, b):\n    try:\n        return a / b\n    except Exception:\n        return None\n"
    cands = narrowed_handlers(_ctx(code, "Failed: DID NOT RAISE <class 'TypeError'>"))
    assert cands[0].code.count("except ZeroDivisionError:") == 1 and cands[0].prior > 0.85
    assert run_snippet(cands[0].code, "ratio", 1, 0) is None
    try:
        run_snippet(cands[0].code, "ratio", "x", 1)
    except TypeError:
        pass
    else:
        raise AssertionError("the type error is still swallowed")


def test_a_bare_handler_around_parsing_and_a_lookup_gets_each_type_and_both():
    code = "def port(cfg):\n    try:\n        return int(cfg['port'])\n    except:\n        return 80\n"
    texts = [c.code.splitlines()[3].strip() for c in narrowed_handlers(_ctx(code))]
    assert texts == ["except ValueError:", "except KeyError:", "except (ValueError, KeyError):"]
    specific = "def f(x):\n    try:\n        return 1 / x\n    except ZeroDivisionError:\n        return 0\n"
    assert narrowed_handlers(_ctx(specific)) == []  # already narrow
