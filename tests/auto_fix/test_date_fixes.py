"""Date arithmetic repairs: units, weekday numbering, directives, leap years, ages, months, clocks."""

from __future__ import annotations

import ast
from datetime import date, datetime

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.date_fixes import (
    date_comparisons,
    date_rewrites,
    inclusive_days,
    injected_clock,
    year_rollovers,
)
from tests.auto_fix.snippets import working_codes


def _ctx(code: str, error_class: str = "wrong_output", message: str = "", line: int | None = None) -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class=error_class, exception_type=None, message=message,
                      line=line, suspicious=[line] if line else [])


def test_timedelta_units_are_swapped():
    code = "from datetime import timedelta\n\n\ndef later(t, minutes):\n    return t + timedelta(hours=minutes)\n"
    assert working_codes(date_rewrites(_ctx(code)), "later", (datetime(2024, 1, 1), 90), datetime(2024, 1, 1, 1, 30))


def test_a_loop_step_is_tried_with_smaller_units_only_after_other_rewrites():
    # `current += timedelta(hours=1)` on a date never moves (a date ignores hours): the loop would hang.
    code = ("from datetime import timedelta\n\n\ndef days_until(start, end):\n    n, current = 0, start\n"
            "    while current < end - timedelta(days=1):\n        current += timedelta(days=1)\n        n += 1\n"
            "    return n\n")
    cands = date_rewrites(_ctx(code))
    prior = {next(line.strip() for line in c.code.splitlines() if "hours=1" in line): c.prior
             for c in cands if "hours=1" in c.code}
    assert prior["current += timedelta(hours=1)"] < prior["while current < end - timedelta(hours=1):"]
    assert prior["current += timedelta(hours=1)"] < min(c.prior for c in cands if "weeks=1" in c.code)


def test_weekday_numbering_and_directives():
    code = ('from datetime import date\n\n\ndef label(d):\n    return d.strftime("%d/%M") + "/" + str(d.weekday())\n')
    cands = date_rewrites(_ctx(code))
    assert working_codes(cands, "label", (date(2024, 6, 3),), "03/06/0")  # Monday is 0 for weekday()
    assert any("isoweekday()" in c.code for c in cands)


def test_leap_years_use_calendar():
    code = "def feb_days(y):\n    return 29 if y % 4 == 0 and y % 100 != 0 else 28\n"
    cands = date_rewrites(_ctx(code))
    assert cands[0].code.startswith("import calendar") and "calendar.isleap(y)" in cands[0].code
    assert working_codes(cands[:1], "feb_days", (2000,), 29)


def test_ages_count_the_anniversary_and_months_roll_over():
    code = ("from datetime import date\n\n\ndef age(b, t):\n    return t.year - b.year\n\n\n"
            "def next_first(d):\n    return date(d.year, d.month + 1, 1)\n")
    cands = date_rewrites(_ctx(code))
    assert working_codes(cands, "age", (date(2000, 5, 2), date(2020, 5, 1)), 19)
    assert working_codes(cands, "next_first", (date(2021, 12, 9),), date(2022, 1, 1))


def test_datetime_compared_with_date_compares_dates():
    code = "def late(due, now):\n    return now > due\n"
    msg = "can't compare datetime.datetime to datetime.date"
    cands = date_comparisons(_ctx(code, "type_error", msg, line=2))
    assert working_codes(cands, "late", (date(2024, 1, 2), datetime(2024, 1, 2, 23)), False)
    assert not date_comparisons(_ctx(code, "type_error", "unsupported operand", line=2))


def test_injected_clock_uses_the_unused_parameter():
    code = "from datetime import date\n\n\ndef left(end, today=None):\n    return (end - date.today()).days\n"
    cands = injected_clock(_ctx(code))
    assert working_codes(cands, "left", (date(2020, 1, 5), date(2020, 1, 1)), 4)


def test_year_carries_over_and_day_counts_include_both_ends():
    code = ("from datetime import date\n\n\ndef next_month(d):\n    month = d.month % 12 + 1\n    year = d.year\n"
            "    return date(year, month, 1)\n")
    assert working_codes(year_rollovers(_ctx(code)), "next_month", (date(2024, 12, 5),), date(2025, 1, 1))
    code = "def per_day(words, a, b):\n    return words / (b - a).days\n"
    assert working_codes(inclusive_days(_ctx(code, "zero_division")), "per_day", (10, date(2024, 1, 1),
                                                                                   date(2024, 1, 1)), 10.0)
