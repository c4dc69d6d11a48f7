"""Map an exception (or error text) to one of the schema's ErrorClass literals."""

from __future__ import annotations

import re

from graphs.auto_fix.schema import ErrorClass

_HANG_TEXT = re.compile(r"timed? ?out|timeout|\bhangs?\b|hanging|infinite loop|"
                        r"never (?:ends|terminates|returns|finish(?:es)?|completes?|stops|exits)|"
                        r"(?:runs?|spins?|loops?|waits?|blocks?) forever|does not terminate|doesn't terminate|stuck|"
                        r"\bfreez(?:es|ing)\b|100 ?% cpu|killed after|watchdog", re.IGNORECASE)
_WRONG_TEXT = re.compile(r"\bexpected\b|\bwrong\b|\bincorrect\b|should (?:be|return)|\bbut got\b|returns? \S+ "
                         r"instead", re.IGNORECASE)
# pytest.raises/pytest.warns saw nothing raised: the code swallowed or never detected the error (wrong behaviour).
_NOT_RAISED = re.compile(r"\bDID NOT (?:RAISE|WARN)\b")
_NONE_TYPE = re.compile(r"'NoneType'", re.IGNORECASE)  # "'NoneType' object ..." or "for *: 'NoneType' and 'int'"

_BY_TYPE: dict[str, ErrorClass] = {
    "SyntaxError": "syntax_error", "IndentationError": "syntax_error", "TabError": "syntax_error",
    "NameError": "name_error", "UnboundLocalError": "name_error",
    "ImportError": "import_error", "ModuleNotFoundError": "import_error",
    "TypeError": "type_error", "KeyError": "key_error", "IndexError": "index_error",
    "ValueError": "value_error", "ZeroDivisionError": "zero_division",
    "RecursionError": "recursion_error", "TimeoutError": "hang", "Timeout": "hang",
}


def classify_error(
    exception_type: str | None,
    message: str = "",
    error_text: str = "",
    *,
    timed_out: bool = False,
    raised_in_code: bool = False,
    has_static_findings: bool = False,
) -> ErrorClass:
    """Classify a failure.

    `raised_in_code` tells whether an AssertionError came from the module itself (its own `assert`:
    assertion_error) rather than from a test comparing a result (wrong_output). A test whose expected exception
    never came (pytest's "DID NOT RAISE") is wrong_output too.
    """
    if timed_out:
        return "hang"
    if _NOT_RAISED.search(message) or (not exception_type and _NOT_RAISED.search(error_text)):
        return "wrong_output"
    if exception_type:
        if exception_type in ("AttributeError", "TypeError") and _NONE_TYPE.search(message):
            return "none_attribute"
        if exception_type == "AttributeError":
            return "attribute_error"
        if exception_type == "AssertionError":
            return "assertion_error" if raised_in_code else "wrong_output"
        if exception_type in _BY_TYPE:
            return _BY_TYPE[exception_type]
        if "maximum recursion depth" in message:
            return "recursion_error"
        return "other_exception"
    text = error_text or message
    if "maximum recursion depth" in text:
        return "recursion_error"
    if _HANG_TEXT.search(text):
        return "hang"
    if _WRONG_TEXT.search(text):
        return "wrong_output"
    if has_static_findings:
        return "static_finding"
    return "unknown"
