"""Gotcha templates: each proposed fix is executed and must behave; each template stays silent on correct code."""

from __future__ import annotations

import ast

from graphs.auto_fix import gotcha_fixes as gf
from graphs.auto_fix import gotcha_fixes_more as gm
from graphs.auto_fix.candidates import FixContext
from tests.auto_fix.snippets import run_snippet as _run
from tests.auto_fix.snippets import working_codes as _working


def _ctx(code: str, error_class: str = "wrong_output", message: str = "", line: int | None = None,
         suspicious: list[int] | None = None, hints: str = "") -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class=error_class, message=message, line=line,
                      suspicious=suspicious or [], hints=hints)






# -- late-binding closures ---------------------------------------------------------------------------------------

def test_lambda_in_loop_binds_the_loop_variable_as_default():
    code = ("def make_checks(limits):\n    checks = {}\n    for field, top in limits.items():\n"
            "        checks[field] = lambda row: row[field] <= top\n    return checks\n\n"
            "def failing(limits, row):\n    return sorted(k for k, ok in make_checks(limits).items() if not ok(row))\n")
    cands = gf.late_binding_closures(_ctx(code))
    assert cands and cands[0].prior >= 0.85
    assert "field=field" in cands[0].code and "top=top" in cands[0].code
    assert _working(cands, "failing", ({"a": 1, "b": 5}, {"a": 3, "b": 2}), ["a"])


def test_nested_def_reading_a_name_assigned_in_the_loop_body_gets_defaults():
    code = ("def build_handlers(routes):\n    handlers = []\n    for route in routes:\n"
            "        prefix = route.upper()\n        def handle(path):\n            return prefix + ':' + path\n"
            "        handlers.append(handle)\n    return handlers\n\n"
            "def answers(routes):\n    return [h('x') for h in build_handlers(routes)]\n")
    cands = gf.late_binding_closures(_ctx(code, "assertion_error"))
    assert "def handle(path, prefix=prefix):" in cands[0].code
    assert _working(cands, "answers", (["a", "b"],), ["A:x", "B:x"])


def test_lambdas_in_a_comprehension_and_without_parameters_are_bound():
    code = ("def scalers(factors):\n    return [lambda v: v * k for k in factors]\n\n"
            "def thunks(names):\n    out = []\n    for n in names:\n        out.append(lambda: n.title())\n"
            "    return [t() for t in out]\n")
    cands = gf.late_binding_closures(_ctx(code))
    assert any("lambda v, k=k: v * k" in c.code for c in cands)
    assert any("lambda n=n: n.title()" in c.code for c in cands)
    combined = cands[0].code
    assert [f(2) for f in _run(combined, "scalers", [1, 10])] == [2, 20]
    assert _run(combined, "thunks", ["ann", "bo"]) == ["Ann", "Bo"]


def test_closures_that_read_no_loop_variable_or_run_immediately_are_left_alone():
    code = ("def by_columns(rows, cols, scale):\n    out = []\n    for c in cols:\n"
            "        out.append(sorted(rows, key=lambda r: r[c]))\n        out.append(lambda r: r * scale)\n"
            "    return out\n")
    assert gf.late_binding_closures(_ctx(code)) == []


# -- shadowed builtins --------------------------------------------------------------------------------------------

def test_int_shadowing_sum_is_renamed_in_its_function():
    code = ("def report(orders):\n    sum = 0\n    for o in orders:\n        sum += o['qty']\n"
            "    avg = sum(o['price'] for o in orders) / len(orders)\n    return sum, round(avg, 2)\n")
    cands = gf.shadowed_builtins(_ctx(code, "type_error", "'int' object is not callable", 5))
    assert cands[0].prior >= 0.9 and "total" in cands[0].code
    assert _working(cands, "report", ([{"qty": 2, "price": 3.0}, {"qty": 1, "price": 4.0}],), (3, 3.5))


def test_shadowing_parameter_and_module_level_names_are_renamed():
    code = ("def label(str, width):\n    return str(width).rjust(4) + str\n")
    cands = gf.shadowed_builtins(_ctx(code, "type_error", "'str' object is not callable", 2))
    assert _working(cands, "label", ("px", 12), "  12px")
    module = ("max = 10\n\ndef clamp(x):\n    return min(x, max)\n\ndef biggest(xs):\n    return max(xs)\n")
    cands = gf.shadowed_builtins(_ctx(module, "type_error", "'int' object is not callable", 7))
    assert _working(cands, "biggest", ([3, 9],), 9)
    assert _run(cands[0].code, "clamp", 50) == 10


def test_unbound_builtin_assigned_later_is_renamed():
    code = ("def spread(values):\n    lo = min(values)\n    max = lo\n    for v in values:\n"
            "        max = v if v > max else max\n    return max - lo\n\n"
            "def peak(values):\n    hi = max(values)\n    max = hi * 2\n    return max\n")
    msg = "cannot access local variable 'max' where it is not associated with a value"
    cands = gf.shadowed_builtins(_ctx(code, "name_error", msg, 9))
    assert _working(cands, "peak", ([1, 4],), 8)


def test_builtin_that_is_not_shadowed_is_not_renamed():
    code = "def f(xs):\n    total = 0\n    return sum(xs) + total\n"
    assert gf.shadowed_builtins(_ctx(code, "type_error", "'int' object is not callable", 3)) == []
    assert gf.shadowed_builtins(_ctx(code, "type_error", "unsupported operand", 3)) == []


# -- keyword arguments --------------------------------------------------------------------------------------------

def test_positional_key_functions_become_keywords():
    code = ("def newest(items):\n    return sorted(items, lambda i: i['ts'], True)\n\n"
            "def longest(words):\n    return max(words, len)\n\n"
            "def order(names):\n    names.sort(str.lower)\n    return names\n")
    cands = gf.keyword_arguments(_ctx(code, "type_error", "sorted expected 1 argument, got 2", 2))
    codes = "\n".join(c.code for c in cands)
    assert "sorted(items, key=lambda i: i['ts'], reverse=True)" in codes
    assert "max(words, key=len)" in codes and "names.sort(key=str.lower)" in codes
    assert _working(cands, "newest", ([{"ts": 1}, {"ts": 3}],), [{"ts": 3}, {"ts": 1}])


def test_silent_positional_flags_and_json_indent_become_keywords():
    code = ("import json\nimport re\n\ndef squash(text):\n    return re.sub(r'a+', 'a', text, re.IGNORECASE)\n\n"
            "def pretty(obj):\n    return json.dumps(obj, 2)\n")
    cands = gf.keyword_arguments(_ctx(code, "wrong_output"))
    assert _working(cands, "squash", ("AAAbaa",), "aba")
    assert _working(cands, "pretty", ({"a": 1},), '{\n  "a": 1\n}')


def test_correct_calls_get_no_keyword_candidates():
    code = ("import re\n\ndef f(a, b, xs):\n    m = max(a, b)\n    s = sorted(xs, key=len)\n"
            "    return re.sub('x', 'y', 'xx', 1), m, s, open('p', 'r', 1)\n")
    assert gf.keyword_arguments(_ctx(code, "type_error", "boom")) == []


# -- printf formatting ---------------------------------------------------------------------------------------------

def test_missing_tuple_parentheses_around_printf_values():
    code = ("def line(name, qty, price):\n    text = '%s x%d @ %.2f' % name, qty, price\n    return text\n\n"
            "def show(k, v):\n    return str('%s=%s' % k, v)\n")
    cands = gm.printf_arguments(_ctx(code, "type_error", "not enough arguments for format string", 2))
    assert _working(cands, "line", ("tea", 2, 3.5), "tea x2 @ 3.50")
    assert any("str('%s=%s' % (k, v))" in c.code for c in cands)


def test_single_tuple_value_is_wrapped_for_one_placeholder():
    code = "def describe(point):\n    return 'point %s' % point\n"
    cands = gm.printf_arguments(_ctx(code, "type_error", "not all arguments converted during string formatting", 2))
    assert _working(cands, "describe", ((1, 2),), "point (1, 2)")


def test_correct_printf_is_left_alone():
    code = "def f(a, b):\n    return '%s-%s' % (a, b), '%d%%' % a, '%(x)s' % {'x': b}\n"
    assert gm.printf_arguments(_ctx(code, "type_error", "unsupported operand type(s) for -", 2)) == []
    assert gm.printf_arguments(_ctx(code, "wrong_output")) == []


def test_precision_without_type_gets_fixed_point_when_output_shows_an_exponent():
    code = ("def cell(label, amount):\n    return f'{label:<8}{amount:>9.2}'\n\n"
            "def total(x):\n    return 'sum {:.3}'.format(x)\n")
    hints = "assert 'fee        1.2e+02' == 'fee        123.45'"
    cands = gm.format_precisions(_ctx(code, hints=hints))
    assert cands[0].prior > 0.8
    assert _run(cands[0].code, "cell", "fee", 123.45) == "fee        123.45"
    assert _run(cands[0].code, "total", 2.5) == "sum 2.500"
    assert gm.format_precisions(_ctx(code)) == []  # no exponent, nothing localized
    plain = "def cell(label, amount):\n    return f'{label:.3}{amount:>9.2f}'\n"
    assert gm.format_precisions(_ctx(plain, hints=hints)) == []


# -- property recursion -------------------------------------------------------------------------------------------

def test_property_reading_and_setting_itself_uses_a_backing_attribute():
    code = ("class Account:\n    def __init__(self, balance):\n        self.balance = balance\n\n"
            "    @property\n    def balance(self):\n        return self.balance\n\n"
            "    @balance.setter\n    def balance(self, value):\n        if value < 0:\n"
            "            raise ValueError('negative')\n        self.balance = value\n\n"
            "def opened(x):\n    a = Account(x)\n    a.balance = a.balance + 5\n    return a.balance\n")
    cands = gm.property_recursion(_ctx(code, "recursion_error", "maximum recursion depth exceeded", 7))
    assert cands[0].prior >= 0.9 and "self.balance = balance" in cands[0].code  # __init__ keeps the validation
    assert _working(cands, "opened", (10,), 15)


def test_property_without_setter_stores_backing_attribute_in_init():
    code = ("class Temp:\n    def __init__(self, c):\n        self.celsius = c\n\n"
            "    @property\n    def celsius(self):\n        return self.celsius\n\n"
            "def read(c):\n    return Temp(c).celsius\n")
    cands = gm.property_recursion(_ctx(code, "recursion_error", "maximum recursion depth exceeded"))
    assert _working(cands, "read", (21,), 21)
    fine = ("class T:\n    def __init__(self, c):\n        self._c = c\n\n    @property\n    def c(self):\n"
            "        return self._c\n")
    assert gm.property_recursion(_ctx(fine, "recursion_error")) == []


# -- one-shot iterators -------------------------------------------------------------------------------------------

def test_generator_consumed_twice_becomes_a_list():
    code = ("def spread(readings):\n    temps = (r['t'] for r in readings if r['ok'])\n"
            "    return max(temps) - min(temps)\n\n"
            "def hits(words, wanted):\n    found = map(str.lower, words)\n    return [w for w in wanted if w in found]\n")
    cands = gm.exhausted_iterators(_ctx(code, "value_error", "min() arg is an empty sequence", 3))
    assert _working(cands, "spread", ([{"t": 3, "ok": True}, {"t": 9, "ok": True}],), 6)
    assert any("[r['t'] for r in readings if r['ok']]" in c.code for c in cands)
    assert _working(cands, "hits", (["A", "B"], ["a", "b"]), ["a", "b"])


def test_generator_function_result_and_len_on_map_are_materialized():
    code = ("def evens(n):\n    for i in range(n):\n        if i % 2 == 0:\n            yield i\n\n"
            "def mean_even(n):\n    xs = evens(n)\n    return sum(xs) / len(list(xs))\n\n"
            "def count(words):\n    sizes = map(len, words)\n    return len(sizes), sizes[0]\n")
    cands = gm.exhausted_iterators(_ctx(code, "zero_division", "division by zero", 8))
    assert _working(cands, "mean_even", (5,), 2.0)
    cands = gm.exhausted_iterators(_ctx(code, "type_error", "object of type 'map' has no len()", 12))
    assert _working(cands, "count", (["ab", "c"],), (2, 2))


def test_iterators_consumed_once_or_lists_are_left_alone():
    code = ("def f(xs):\n    g = (x * 2 for x in xs)\n    ys = [x for x in xs]\n"
            "    return sum(g), max(ys), min(ys)\n")
    assert gm.exhausted_iterators(_ctx(code, "value_error", "max() arg is an empty sequence")) == []


# -- datetime -----------------------------------------------------------------------------------------------------

def test_timedelta_seconds_becomes_total_seconds():
    code = ("from datetime import datetime\n\ndef duration(start, end):\n"
            "    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).seconds\n\n"
            "def hours(a, b):\n    elapsed = b - a\n    return elapsed.seconds / 3600\n")
    cands = gm.timedelta_seconds(_ctx(code))
    assert _working(cands, "duration", ("2024-01-01T00:00", "2024-01-02T00:01"), 86460)
    d = __import__("datetime").datetime
    assert _working(cands, "hours", (d(2024, 1, 1), d(2024, 1, 3)), 48.0)


def test_seconds_combined_with_days_or_on_other_objects_is_left_alone():
    code = ("def secs(delta, clock):\n    return delta.days * 86400 + delta.seconds + clock.seconds\n")
    assert gm.timedelta_seconds(_ctx(code)) == []


def test_naive_datetime_is_made_aware_and_timezone_imported():
    code = ("from datetime import datetime\n\ndef expired(stamp, now):\n"
            "    when = datetime.strptime(stamp, '%Y-%m-%d %H:%M')\n    return when < now\n")
    msg = "can't compare offset-naive and offset-aware datetimes"
    cands = gm.naive_datetimes(_ctx(code, "type_error", msg, 5))
    dt = __import__("datetime")
    now = dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc)
    assert "from datetime import datetime, timezone" in cands[0].code
    assert _working(cands, "expired", ("2024-04-30 10:00", now), True)
    mod = ("import datetime as dt\n\ndef age(born, now):\n    return (now - born).days\n")
    cands = gm.naive_datetimes(_ctx(mod, "type_error", msg.replace("compare", "subtract"), 4))
    assert _working(cands, "age", (dt.datetime(2024, 1, 1), now), 121)
    assert gm.naive_datetimes(_ctx(code, "type_error", "unsupported operand", 5)) == []


def test_proposers_table_merges_both_modules():
    assert gm.property_recursion in gf.PROPOSERS["recursion_error"]
    assert gf.late_binding_closures in gf.PROPOSERS["wrong_output"]
    assert gm.exhausted_iterators in gf.PROPOSERS["wrong_output"]


def test_loop_variable_shadowing_id_and_open_encoding_keyword():
    code = ("def tags(items):\n    out = []\n    for id in items:\n        out.append(f'{id}:{id(items) > 0}')\n"
            "    return out\n")
    cands = gf.shadowed_builtins(_ctx(code, "type_error", "'str' object is not callable", 4))
    assert _working(cands, "tags", (["a"],), ["a:True"])
    opener = "def head(path):\n    with open(path, 'r', 'utf-8') as fh:\n        return fh.readline()\n"
    cands = gf.keyword_arguments(_ctx(opener, "type_error", "'str' object cannot be interpreted as an integer", 2))
    assert "open(path, 'r', encoding='utf-8')" in cands[0].code


def test_assigning_a_property_without_setter_stores_the_backing_attribute():
    code = ("class Box:\n    def __init__(self, w):\n        self.width = w\n\n    @property\n"
            "    def width(self):\n        return self._width\n\ndef make(w):\n    return Box(w).width\n")
    cands = gm.property_recursion(_ctx(code, "attribute_error", "property 'width' of 'Box' object has no setter", 3))
    assert cands[0].prior >= 0.85 and _working(cands, "make", (4,), 4)
