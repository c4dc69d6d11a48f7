"""Exception-handling, resource and str/bytes templates: each fix must change behaviour the right way, and the
templates must stay silent on code without the bug."""

from __future__ import annotations

import ast
import os
import tempfile

import pytest

from graphs.auto_fix import io_fixes
from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.exception_fixes import (
    PROPOSERS,
    early_exits_before_cleanup,
    finally_returns,
    or_in_except,
    reorder_handlers,
    reraise_swallowed,
    widen_handlers,
)
from graphs.auto_fix.value_fixes import guard_parse, value_parsing


def _ctx(code: str, error_class: str = "wrong_output", exc: str | None = None, message: str = "",
         line: int | None = None, suspicious: list[int] | None = None) -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class=error_class, exception_type=exc,
                      message=message, line=line, suspicious=suspicious or ([line] if line else []))


def _load(code: str) -> dict:
    scope: dict = {}
    exec(compile(code, "solution.py", "exec"), scope)  # noqa: S102 - our own generated test input
    return scope


def test_handler_gains_the_escaping_exception_type():
    code = ("def ratio(stats, key):\n    try:\n        return stats[key] / stats['total']\n"
            "    except KeyError:\n        return 0.0\n")
    cands = widen_handlers(_ctx(code, "zero_division", "ZeroDivisionError", "division by zero", line=3))
    assert cands and "except (KeyError, ZeroDivisionError):" in cands[0].code
    ratio = _load(cands[0].code)["ratio"]
    assert ratio({"a": 3, "total": 0}, "a") == 0.0 and ratio({"a": 3, "total": 6}, "a") == 0.5


def test_handler_widening_reaches_a_try_around_the_call_site_and_names_stdlib_exceptions():
    code = ("import json\n\ndef decode(raw):\n    return json.loads(raw)\n\ndef settings(raw):\n    try:\n"
            "        return decode(raw)\n    except TypeError:\n        return {}\n")
    cands = widen_handlers(_ctx(code, "other_exception", "JSONDecodeError", "Expecting value", line=4))
    assert cands and "except (TypeError, json.JSONDecodeError):" in cands[0].code
    assert _load(cands[0].code)["settings"]("{oops") == {}


def test_no_widening_when_the_handler_already_catches_a_base_class():
    code = "def f(x):\n    try:\n        return int(x)\n    except Exception:\n        raise\n"
    assert widen_handlers(_ctx(code, "value_error", "ValueError", "invalid literal", line=3)) == []


def test_except_a_or_b_becomes_a_tuple_and_correct_code_is_left_alone():
    code = ("def first_word(lines):\n    try:\n        return lines[0].split()[0]\n"
            "    except IndexError or AttributeError:\n        return ''\n")
    cands = or_in_except(_ctx(code))
    assert cands and "except (IndexError, AttributeError):" in cands[0].code
    assert _load(cands[0].code)["first_word"]([None]) == ""
    assert or_in_except(_ctx(code.replace(" or ", ", ").replace("except I", "except (I").replace(
        "Error:", "Error):", 1))) == []


def test_broad_handler_is_moved_after_the_specific_one():
    code = ("def read_config(path):\n    try:\n        with open(path) as fh:\n            return fh.read()\n"
            "    except OSError:\n        return 'io'\n    except FileNotFoundError:\n        return 'missing'\n")
    cands = reorder_handlers(_ctx(code))
    assert cands and cands[0].code.index("FileNotFoundError") < cands[0].code.index("except OSError")
    assert _load(cands[0].code)["read_config"]("/nonexistent/x.cfg") == "missing"
    ordered = code.replace("OSError", "TMP").replace("FileNotFoundError", "OSError").replace("TMP",
                                                                                            "FileNotFoundError")
    assert reorder_handlers(_ctx(ordered)) == []


def test_return_in_finally_is_removed_so_the_error_propagates():
    code = ("def drain(queue, log):\n    try:\n        item = queue.pop()\n        log.append(item)\n"
            "        return item\n    except IndexError:\n        log.append('empty')\n    finally:\n"
            "        return None\n")
    cands = finally_returns(_ctx(code, "static_finding"))
    reraised = [c for c in cands if "re-raises" in c.explanation]
    assert reraised
    drain = _load(reraised[0].code)["drain"]
    log: list = []
    assert drain([5], log) == 5
    with pytest.raises(IndexError):
        drain([], log)
    assert log == [5, "empty"]
    assert finally_returns(_ctx(code.replace("        return None\n", "        log.append('done')\n"))) == []


def test_retry_loop_reraises_only_after_the_last_attempt():
    code = ("def fetch(get, tries=4):\n    \"\"\"Call get(); give up loudly after `tries` timeouts.\"\"\"\n"
            "    for n in range(tries):\n        try:\n            return get()\n        except TimeoutError:\n"
            "            continue\n")
    cands = reraise_swallowed(_ctx(code, "unknown", suspicious=[7, 6, 5]))
    assert cands and cands[0].prior >= 0.85 and "n == tries - 1" in cands[0].code
    fetch = _load(cands[0].code)["fetch"]
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise TimeoutError
        return "ok"

    assert fetch(flaky) == "ok"

    def down():
        raise TimeoutError

    with pytest.raises(TimeoutError):
        fetch(down)


def test_swallowing_handler_without_raise_intent_gets_a_low_prior():
    code = "def size(path):\n    try:\n        return len(open(path).read())\n    except OSError:\n        pass\n"
    cands = reraise_swallowed(_ctx(code, "wrong_output", suspicious=[5, 3]))
    assert cands and cands[0].prior < 0.6 and "        raise\n" in cands[0].code


def test_unguarded_parse_falls_back_to_the_default_parameter():
    code = ("def timeout_of(options, fallback=30):\n    raw = options.get('timeout')\n    if raw is None:\n"
            "        return fallback\n    return float(raw)\n")
    cands = guard_parse(_ctx(code, "value_error", "ValueError", "could not convert string to float: 'x'", line=5))
    assert cands and "except ValueError:" in cands[0].code and "return fallback" in cands[0].code
    timeout_of = _load(cands[0].code)["timeout_of"]
    assert timeout_of({"timeout": "soon"}) == 30 and timeout_of({"timeout": "2.5"}) == 2.5
    assert guard_parse(_ctx(code, "type_error", "TypeError", "bad operand", line=5)) == []


def test_unclosed_file_becomes_a_with_block_that_flushes(tmp_path):
    code = ("import json\n\ndef save_state(path, state):\n    out = open(path, 'w')\n    json.dump(state, out)\n"
            "    return len(open(path).read())\n")
    cands = io_fixes.close_files(_ctx(code, suspicious=[6, 5, 4]))
    assert cands and "with open(path, 'w') as out:" in cands[0].code
    assert _load(cands[0].code)["save_state"](str(tmp_path / "s.json"), {"a": 1}) == len('{"a": 1}')
    closed = code.replace("    return len", "    out.close()\n    return len")
    assert io_fixes.close_files(_ctx(closed, suspicious=[7, 5, 4])) == []


def test_write_mode_becomes_append_for_a_log_function_but_not_for_a_plain_writer():
    code = ("def record_event(path, event):\n    \"\"\"Add one event line to the audit trail.\"\"\"\n"
            "    with open(path, 'w') as fh:\n        fh.write(event + '\\n')\n")
    cands = io_fixes.file_modes(_ctx(code, suspicious=[4, 3]))
    assert cands and "open(path, 'a')" in cands[0].code
    plain = code.replace("record_event", "render_page").replace("Add one event line to the audit trail",
                                                               "Render the page")
    assert io_fixes.file_modes(_ctx(plain, suspicious=[4, 3])) == []


def test_pickle_needs_binary_mode():
    code = "import pickle\n\ndef store(path, obj):\n    with open(path, 'w') as fh:\n        pickle.dump(obj, fh)\n"
    cands = io_fixes.file_modes(_ctx(code, "type_error", "TypeError", "write() argument must be str, not bytes",
                                     line=5))
    assert cands and "open(path, 'wb')" in cands[0].code


def test_iterator_consumed_twice_is_materialized():
    code = ("def stats(values):\n    nums = map(int, values)\n    total = sum(nums)\n    top = max(nums, default=0)\n"
            "    return total, top\n")
    cands = io_fixes.consume_once(_ctx(code, suspicious=[4, 3]))
    assert cands and _load(cands[0].code)["stats"](["3", "9"]) == (12, 9)
    once = "def stats(values):\n    nums = map(int, values)\n    return sum(nums)\n"
    assert io_fixes.consume_once(_ctx(once, suspicious=[3])) == []


def test_named_temp_file_survives_when_its_path_is_returned():
    code = ("import tempfile\n\ndef spill(text):\n    with tempfile.NamedTemporaryFile('w', suffix='.txt') as t:\n"
            "        t.write(text)\n        return t.name\n")
    cands = io_fixes.keep_temp_files(_ctx(code))
    assert cands and "delete=False" in cands[0].code
    path = _load(cands[0].code)["spill"]("hello")
    try:
        assert open(path).read() == "hello"
    finally:
        os.remove(path)
    inside = code.replace("return t.name", "return len(text)")
    assert io_fixes.keep_temp_files(_ctx(inside)) == []


def test_str_passed_to_a_bytes_api_is_encoded_and_the_result_decoded():
    code = "import binascii\n\ndef checksum_hex(text):\n    return binascii.hexlify(text)\n"
    cands = io_fixes.convert_text_bytes(_ctx(code, "type_error", "TypeError",
                                             "a bytes-like object is required, not 'str'", line=4))
    decoded = [c for c in cands if "decode('ascii')" in c.code]
    assert decoded and _load(decoded[0].code)["checksum_hex"]("AB") == "4142"
    assert io_fixes.convert_text_bytes(_ctx(code, "type_error", "TypeError", "unsupported operand", line=4)) == []


def test_bytes_concatenated_to_str_is_decoded():
    code = "def banner(raw):\n    return 'Server: ' + raw\n"
    cands = io_fixes.convert_text_bytes(_ctx(code, "type_error", "TypeError",
                                             'can only concatenate str (not "bytes") to str', line=2))
    assert any(_load(c.code)["banner"](b"nginx") == "Server: nginx" for c in cands)


def test_str_of_bytes_is_decoded_and_str_literals_compared_to_bytes_become_bytes():
    code = "def label(blob):\n    return str(blob[2:]).strip()\n"
    cands = io_fixes.decode_bytes_text(_ctx(code, message="assert \"b'abc'\" == 'abc'", suspicious=[2]))
    assert cands and _load(cands[0].code)["label"](b"xxabc ") == "abc"
    proto = ("def command(frame):\n    verb = frame.split(b' ')[0]\n    if verb == 'QUIT':\n        return b'BYE'\n"
             "    return b'OK'\n")
    fixed = io_fixes.decode_bytes_text(_ctx(proto, suspicious=[3, 2]))
    assert fixed and _load(fixed[-1].code)["command"](b"QUIT now") == b"BYE"
    text_only = "def command(line):\n    if line.split()[0] == 'QUIT':\n        return 'BYE'\n    return 'OK'\n"
    assert io_fixes.decode_bytes_text(_ctx(text_only, suspicious=[2])) == []


def test_decode_on_a_str_is_dropped():
    code = "def title(s):\n    return s.decode('utf-8').title()\n"
    cands = io_fixes.drop_codec_calls(_ctx(code, "attribute_error", "AttributeError",
                                           "'str' object has no attribute 'decode'", line=2))
    assert cands and _load(cands[0].code)["title"]("ab cd") == "Ab Cd"


def test_registered_by_error_class_and_silent_on_clean_code():
    assert or_in_except in PROPOSERS["*"] and reraise_swallowed in PROPOSERS["wrong_output"]
    assert io_fixes.convert_text_bytes in PROPOSERS["type_error"]
    clean = ("def mean(xs):\n    try:\n        return sum(xs) / len(xs)\n    except ZeroDivisionError:\n"
             "        return 0.0\n")
    ctx = _ctx(clean, "wrong_output", "AssertionError", "assert 1 == 2", suspicious=[3])
    assert [c for p in PROPOSERS["wrong_output"] + PROPOSERS["*"] for c in p(ctx)] == []


def test_temp_dir_cleanup_is_not_touched_by_file_templates():
    with tempfile.TemporaryDirectory() as tmp:
        code = f"def touch():\n    with open({os.path.join(tmp, 'x')!r}, 'w') as fh:\n        fh.write('x')\n"
        assert io_fixes.close_files(_ctx(code, suspicious=[3])) == []


def test_value_parsing_repairs_split_unpacking_decimal_ints_and_strptime_formats():
    code = "def header(line):\n    name, value = line.split(':')\n    return name, value.strip()\n"
    cands = value_parsing(_ctx(code, "value_error", "ValueError", "too many values to unpack (expected 2)", line=2))
    assert cands and _load(cands[0].code)["header"]("Host: a:8080") == ("Host", "a:8080")
    code = "def cents(price):\n    return int(price) * 100\n"
    cands = value_parsing(_ctx(code, "value_error", "ValueError", "invalid literal for int() with base 10: '1,250'",
                               line=2))
    assert cands and _load(cands[0].code)["cents"]("1,250") == 125000
    code = "from datetime import datetime\n\ndef day(s):\n    return datetime.strptime(s, '%d.%m.%Y').date()\n"
    msg = "time data '2024-02-29' does not match format '%d.%m.%Y'"
    assert value_parsing(_ctx(code, "value_error", "ValueError", msg, line=4)) == []  # no small edit fits
    msg = "time data '29-02-2024' does not match format '%d.%m.%Y'"
    cands = value_parsing(_ctx(code, "value_error", "ValueError", msg, line=4))
    assert cands and str(_load(cands[0].code)["day"]("29-02-2024")) == "2024-02-29"


def test_value_fixes_are_tried_before_the_handler_templates():
    from graphs.auto_fix.propose import _module_proposers

    names = [p.__name__ for p in _module_proposers("value_error")]
    assert names.index("guard_parse") < names.index("value_parsing") < names.index("close_files") \
        < names.index("or_in_except")
    assert "guard_parse" in [p.__name__ for p in _module_proposers("key_error")]
    assert "value_parsing" not in [p.__name__ for p in _module_proposers("key_error")]


def test_a_fallback_value_that_hides_the_expected_error_becomes_a_raise():
    code = ("import json\n\n\ndef load(text):\n    try:\n        data = json.loads(text)\n"
            "    except json.JSONDecodeError:\n        return {}\n    return data\n")
    cands = reraise_swallowed(_ctx(code, "wrong_output", message="DID NOT RAISE ValueError", suspicious=[6, 8]))
    assert cands
    plain = _load(cands[0].code)["load"]
    assert plain('{"a": 1}') == {"a": 1}
    with pytest.raises(ValueError):
        plain("{broken")
    assert "return {}" not in cands[0].code  # replaced, not left as dead code above the raise


def test_the_expected_error_type_is_raised_from_the_caught_one():
    code = ("class ConfigError(Exception):\n    pass\n\n\ndef port(cfg):\n    try:\n        return int(cfg['port'])\n"
            "    except KeyError:\n        return 8080\n")
    cands = reraise_swallowed(_ctx(code, "wrong_output", message="DID NOT RAISE ConfigError", suspicious=[7, 9]))
    raising = [c for c in cands if "raise ConfigError(str(exc)) from exc" in c.code]
    assert raising and "except KeyError as exc:" in raising[0].code
    scope = _load(raising[0].code)
    with pytest.raises(scope["ConfigError"]):
        scope["port"]({})
    assert scope["port"]({"port": "80"}) == 80


def test_an_early_exit_moves_in_front_of_the_try_whose_finally_cleans_up():
    import threading

    code = ("import threading\n\nLOCK = threading.Lock()\n\n\ndef run(job):\n    got = LOCK.acquire(blocking=False)\n"
            "    try:\n        if not got:\n            return False\n        job()\n        return True\n"
            "    finally:\n        LOCK.release()\n")
    (cand,) = early_exits_before_cleanup(_ctx(code, "runtime_error", "RuntimeError", "release unlocked lock", 14))
    scope: dict = {}
    exec(compile(cand.code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    inner = []
    assert scope["run"](lambda: inner.append(scope["run"](lambda: None))) is True and inner == [False]
    assert isinstance(scope["LOCK"], type(threading.Lock())) and not scope["LOCK"].locked()
