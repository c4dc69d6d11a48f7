"""Wrong-output repairs added with the v11–v13 round: table entries, Decimal rounding modes, UTC calendar
parts, optional keys, deep copies of nested table entries."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.table_fixes import bypassed_lookups, table_entries, zero_defaults
from tests.auto_fix.snippets import working_codes


def _ctx(code: str, error_class: str = "wrong_output", message: str = "", line: int | None = None,
         hints: str = "") -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class=error_class, message=message, line=line,
                      hints=hints)


def test_table_entries_add_the_expected_word_to_its_siblings():
    code = ('UNITS = ["B", "KB", "MB", "GB"]\n\n\ndef human(n):\n    size = float(n)\n    for unit in UNITS:\n'
            '        if size < 1024 or unit == UNITS[-1]:\n            return f"{size:.1f} {unit}"\n'
            '        size /= 1024\n')
    hints = 'def test_tb():\n    assert human(2 * 1024 ** 4) == "2.0 TB"\n'
    cands = table_entries(_ctx(code, hints=hints))
    assert working_codes(cands, "human", (2 * 1024 ** 4,), "2.0 TB")
    assert working_codes(cands, "human", (1536,), "1.5 KB")
    # A word of another shape, or one the code already has, adds nothing.
    assert table_entries(_ctx(code, hints='assert human(1) == "1.0 bytes"\n')) == []
    assert table_entries(_ctx(code, hints='assert human(1) == "1.0 GB"\n')) == []


def test_quantize_gets_the_rounding_mode_the_module_imports_or_the_spec_names():
    from decimal import Decimal

    from graphs.auto_fix.state_resets import decimal_rounding

    code = ("from decimal import Decimal, ROUND_HALF_UP\n\n\ndef total(x):\n"
            "    return (Decimal(x) * Decimal('1.21')).quantize(Decimal('0.01'))\n")
    assert working_codes(decimal_rounding(_ctx(code)), "total", ("2.50",), Decimal("3.03"))
    code = "from decimal import Decimal\n\n\ndef cents(x):\n    return Decimal(x).quantize(Decimal('0.01'))\n"
    (guess,) = decimal_rounding(_ctx(code))  # unstated: a bare quantize still gets a lower-prior guess
    said = decimal_rounding(_ctx(code, hints="amounts are rounded half-up to cents"))
    assert working_codes(said, "cents", ("0.125",), Decimal("0.13")) and guess.prior < said[0].prior
    docstring = code.replace("def cents(x):\n", 'def cents(x):\n    """To the cent, halves rounded up."""\n')
    assert decimal_rounding(_ctx(docstring))[0].prior == said[0].prior
    assert decimal_rounding(_ctx("def r(x):\n    return round(x, 2)\n")) == []  # float rounding needs a spec


def test_utc_parts_convert_an_offset_datetime_before_reading_its_day():
    from graphs.auto_fix.date_fixes import utc_parts

    code = ("from datetime import datetime\n\n\ndef utc_day(ts):\n    \"\"\"The UTC calendar day of an ISO "
            "timestamp.\"\"\"\n    return datetime.fromisoformat(ts).date().isoformat()\n")
    cands = utc_parts(_ctx(code))
    assert working_codes(cands, "utc_day", ("2024-06-02T01:30:00+02:00",), "2024-06-01")
    assert utc_parts(_ctx(code.replace("UTC", "local"))) == []


def test_optional_keys_read_with_the_default_the_tests_give():
    from graphs.auto_fix.lookup_keys import optional_keys

    code = ("def rows_out(rows):\n    out = []\n    for row in rows:\n        try:\n"
            "            out.append((int(row['qty']), row['tag']))\n        except (KeyError, ValueError):\n"
            "            continue\n    return out\n")
    hints = "assert rows_out([{'qty': '2'}]) == [(2, '')]\nx = {'tag': ''}\n"
    cands = optional_keys(_ctx(code, hints=hints))
    assert working_codes(cands, "rows_out", ([{"qty": "2"}, {"qty": "x", "tag": "a"}],), [(2, "")])
    assert optional_keys(_ctx(code.replace("KeyError, ValueError", "ValueError,"))) == []


def test_a_shallow_copy_of_a_nested_table_entry_becomes_deep():
    from graphs.auto_fix.aliasing_fixes import deep_copies

    code = ("import copy\n\nTEMPLATES = {'double': {'amenities': ['wifi']}}\n\n\ndef room(kind, extra):\n"
            "    r = copy.copy(TEMPLATES[kind])\n    r['amenities'].extend(extra)\n    return r\n")
    cands = deep_copies(_ctx(code))
    assert cands and cands[0].prior > 0.8
    scope: dict = {}
    exec(compile(cands[0].code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    scope["room"]("double", ["tv"])
    assert scope["room"]("double", [])["amenities"] == ["wifi"]


def test_utc_parts_import_timezone_when_the_module_only_imports_other_names():
    from graphs.auto_fix.date_fixes import utc_parts

    code = ("from datetime import date, datetime\n\n\ndef utc_day(ts):\n    \"\"\"The UTC day.\"\"\"\n"
            "    return datetime.fromisoformat(ts).date()\n")
    cands = utc_parts(_ctx(code))
    assert cands and "from datetime import timezone" in cands[0].code
    assert working_codes(cands, "utc_day", ("2024-06-02T01:30:00+02:00",), __import__("datetime").date(2024, 6, 1))


def test_a_table_read_directly_calls_the_helper_that_handles_its_missing_keys():
    code = ("PER_KG = {'g': 0.001, 'lb': 0.4536}\n\n\ndef factor(unit):\n    if unit == 'kg':\n        return 1.0\n"
            "    return PER_KG[unit]\n\n\ndef convert(x, src, dst):\n    return x * PER_KG[src] / factor(dst)\n")
    cands = bypassed_lookups(_ctx(code, "key_error", "'kg'", 11))
    assert working_codes(cands, "convert", (2, "kg", "g"), 2000.0)
    assert bypassed_lookups(_ctx(code, "key_error", "'x'", 7)) == []  # the helper's own read stays


def test_a_key_missing_from_a_rate_table_counts_as_zero():
    code = "RATE = {'a': 0.5}\n\n\ndef paid(items):\n    return sum(c * RATE.get(k, 1.0) for k, c in items)\n"
    assert working_codes(zero_defaults(_ctx(code, line=5)), "paid", ([("a", 10), ("b", 4)],), 5.0)
    assert zero_defaults(_ctx(code.replace("1.0", "0"), line=5)) == []
