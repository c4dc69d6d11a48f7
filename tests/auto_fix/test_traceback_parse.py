"""Traceback and syntax-error parsing on real CPython output."""

from __future__ import annotations

import traceback

from graphs.auto_fix.traceback_parse import align_line, check_syntax, parse_traceback, pick_user_frame

BUGGY = '''def first_word(text):
    return text.split()[0]


def shout(text):
    word = first_word(text)
    return word.upper() + undefined_suffix
'''


def _real_traceback(tmp_path, code: str, call: str, filename: str = "solution.py") -> str:
    path = tmp_path / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(code)  # on disk, so the traceback shows source lines like a real run
    namespace: dict = {}
    exec(compile(code, str(path), "exec"), namespace)
    try:
        exec(compile(call, "<string>", "exec"), namespace)
    except Exception:  # noqa: BLE001 - we want the genuine traceback text of any failure
        return traceback.format_exc()
    raise AssertionError("the call did not fail")


def test_real_name_error_traceback_gives_type_message_and_user_line(tmp_path):
    text = _real_traceback(tmp_path, BUGGY, "shout('hi there')")
    parsed = parse_traceback(text)
    assert parsed.exception_type == "NameError"
    assert "undefined_suffix" in parsed.message
    assert parsed.line == 7
    assert parsed.function == "shout"
    assert parsed.source == "traceback"


def test_real_index_error_points_at_the_deepest_solution_frame(tmp_path):
    parsed = parse_traceback(_real_traceback(tmp_path, BUGGY, "shout('')"))
    assert parsed.exception_type == "IndexError"
    assert parsed.line == 2 and parsed.function == "first_word"
    assert [f.line for f in parsed.frames][-2:] == [6, 2]


def test_chained_exceptions_report_the_last_one(tmp_path):
    code = "def parse(x):\n    try:\n        return int(x)\n    except ValueError:\n        raise KeyError(x)\n"
    parsed = parse_traceback(_real_traceback(tmp_path, code, "parse('z')"))
    assert parsed.exception_type == "KeyError"
    assert parsed.line == 5


def test_library_frames_are_skipped_for_the_user_line(tmp_path):
    text = _real_traceback(tmp_path, "import json\n\ndef load(s):\n    return json.loads(s)\n", "load('{bad')", "app/cfg.py")
    parsed = parse_traceback(text)
    assert parsed.exception_type == "JSONDecodeError"
    assert parsed.line == 4  # app/cfg.py, not json/decoder.py


def test_pytest_style_e_lines_and_location():
    text = ("    def test_x():\n>       assert add(1, 2) == 3\nE       assert 4 == 3\n"
            "E        +  where 4 = add(1, 2)\n\ntest_solution.py:5: AssertionError\n")
    parsed = parse_traceback(text)
    assert parsed.exception_type == "AssertionError"
    assert pick_user_frame(parsed.frames) is not None


def test_plain_text_without_traceback_has_no_exception():
    parsed = parse_traceback("it returns the wrong total for empty carts")
    assert parsed.exception_type is None and parsed.line is None and parsed.source == "none"


def test_align_line_finds_the_frame_text_in_shifted_code(tmp_path):
    text = _real_traceback(tmp_path, BUGGY, "shout('')", filename="srv/app/words.py")
    shifted = "# header\n# more\n" + BUGGY
    parsed = align_line(parse_traceback(text), shifted)
    assert parsed.line == 4


def test_check_syntax_reports_line_and_offset():
    err = check_syntax("def f(x)\n    return x\n")
    assert err is not None and err.exception_type == "SyntaxError" and err.line == 1 and err.offset
    assert check_syntax("x = 1\n") is None
    indent = check_syntax("def f():\nreturn 1\n")
    assert indent is not None and indent.exception_type == "IndentationError" and indent.line == 2


def test_sandbox_did_not_raise_reason_keeps_its_text_without_an_exception_type():
    parsed = parse_traceback("Failed: DID NOT RAISE ValueError")
    assert parsed.exception_type is None and parsed.message == "DID NOT RAISE ValueError"


def test_pytest_long_output_of_did_not_raise_is_not_an_exception_of_the_code():
    text = ("    def test_rejects_negative_quantity():\n"
            ">       with pytest.raises(ValueError):\n"
            "E       Failed: DID NOT RAISE <class 'ValueError'>\n"
            "\n"
            "test_orders.py:14: Failed\n")
    parsed = parse_traceback(text)
    assert parsed.exception_type is None
    assert parsed.message == "DID NOT RAISE <class 'ValueError'>"


def test_plain_traceback_of_pytest_failed_and_summary_lines():
    text = ("Traceback (most recent call last):\n"
            '  File "runner.py", line 9, in <module>\n'
            "    test_rejects_bad_port()\n"
            "_pytest.outcomes.Failed: DID NOT RAISE <class 'socket.gaierror'>\n")
    assert parse_traceback(text).message == "DID NOT RAISE <class 'socket.gaierror'>"
    summary = "FAILED test_cfg.py::test_missing_key - DID NOT RAISE <class 'KeyError'>"
    parsed = parse_traceback(summary)
    assert parsed.exception_type is None and parsed.message == "DID NOT RAISE <class 'KeyError'>"


def test_phase_prefix_of_a_fixture_failure_is_dropped():
    parsed = parse_traceback("setup: FileNotFoundError: [Errno 2] No such file or directory: 'seed.json'")
    assert parsed.exception_type == "FileNotFoundError" and parsed.message.endswith("'seed.json'")


def test_a_real_exception_after_pytest_noise_still_wins():
    text = "E   Failed: DID NOT RAISE <class 'ValueError'>\nE   TypeError: unsupported operand type(s)\n"
    parsed = parse_traceback(text)
    assert parsed.exception_type == "TypeError" and "unsupported" in parsed.message


def test_pytest_short_tracebacks_give_the_solution_frame():
    text = ("____ test_ids ____\ntest_solution.py:3: in test_ids\n    assert summary([1]) == '1'\n"
            "solution.py:7: in summary\n    return ', '.join(ids)\n"
            "E   TypeError: sequence item 0: expected str instance, int found\n"
            "=== short test summary info ===\nFAILED test_solution.py::test_ids - TypeError: sequence item 0\n")
    parsed = parse_traceback(text)
    assert (parsed.exception_type, parsed.line, parsed.function) == ("TypeError", 7, "summary")
    assert parsed.frames[-1].text == "return ', '.join(ids)"


def test_decimal_signals_in_pytest_short_output_are_exceptions():
    text = ("solution.py:12: in parse\n    out.append(Decimal(t))\n"
            "E   decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]\n")
    parsed = parse_traceback(text)
    assert parsed.exception_type == "InvalidOperation" and parsed.line == 12
