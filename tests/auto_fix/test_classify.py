"""Error classification into the schema's ErrorClass literals."""

from __future__ import annotations

import pytest

from graphs.auto_fix.classify import classify_error


@pytest.mark.parametrize(("exc", "message", "expected"), [
    ("AttributeError", "'NoneType' object has no attribute 'email'", "none_attribute"),
    ("TypeError", "'NoneType' object is not subscriptable", "none_attribute"),
    ("AttributeError", "'list' object has no attribute 'push'", "attribute_error"),
    ("RecursionError", "maximum recursion depth exceeded", "recursion_error"),
    ("NameError", "name 'x' is not defined", "name_error"),
    ("UnboundLocalError", "cannot access local variable 'x'", "name_error"),
    ("ModuleNotFoundError", "No module named 'foo'", "import_error"),
    ("KeyError", "'a'", "key_error"),
    ("IndexError", "list index out of range", "index_error"),
    ("ZeroDivisionError", "division by zero", "zero_division"),
    ("TypeError", "can only concatenate str (not \"int\") to str", "type_error"),
    ("IndentationError", "expected an indented block", "syntax_error"),
    ("RuntimeError", "dictionary changed size during iteration", "other_exception"),
])
def test_exception_types_map_to_classes(exc, message, expected):
    assert classify_error(exc, message) == expected


def test_assertion_in_tests_is_wrong_output_but_in_code_is_assertion_error():
    assert classify_error("AssertionError", "assert 3 == 4") == "wrong_output"
    assert classify_error("AssertionError", "", raised_in_code=True) == "assertion_error"


@pytest.mark.parametrize("text", ["the loop never terminates", "it hangs forever", "Timed out after 3 s",
                                  "infinite loop when n is negative"])
def test_hang_text_is_hang(text):
    assert classify_error(None, "", text) == "hang"


def test_timeout_flag_wins():
    assert classify_error("AssertionError", "x", timed_out=True) == "hang"


def test_text_only_and_static_and_unknown():
    assert classify_error(None, "", "expected 10 but got 9") == "wrong_output"
    assert classify_error(None, "", "", has_static_findings=True) == "static_finding"
    assert classify_error(None, "", "") == "unknown"


@pytest.mark.parametrize(("exc", "message", "text"), [
    (None, "DID NOT RAISE ValueError", ""),
    (None, "DID NOT RAISE <class 'PermissionError'>", ""),
    (None, "", "E       Failed: DID NOT RAISE <class 'KeyError'>"),
    ("Failed", "DID NOT RAISE <class 'ValueError'>", ""),
    (None, "DID NOT WARN. No warnings of type (<class 'DeprecationWarning'>,) were emitted.", ""),
])
def test_expected_exception_that_never_came_is_wrong_output(exc, message, text):
    assert classify_error(exc, message, text, has_static_findings=True) == "wrong_output"


def test_did_not_raise_does_not_hide_a_real_exception_or_a_timeout():
    assert classify_error("KeyError", "'port'", "earlier run: DID NOT RAISE KeyError") == "key_error"
    assert classify_error(None, "DID NOT RAISE ValueError", timed_out=True) == "hang"


@pytest.mark.parametrize("text", [
    "The nightly export never finishes; the job is killed after 30 minutes",
    "The UI freezes as soon as I paste a long address",
    "worker at 100% CPU, restarted by the watchdog",
    "the importer spins forever on an empty file",
])
def test_hang_reports_in_plain_words_are_hangs(text):
    assert classify_error(None, "", text) == "hang"


def test_frozen_dataclass_text_is_not_a_hang():
    assert classify_error(None, "", "cannot assign to a frozen dataclass field") != "hang"
