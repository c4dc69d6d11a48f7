"""Error-class templates and name-level fixes produce the expected full fixed code."""

from __future__ import annotations

import ast

from graphs.auto_fix import name_fixes, templates
from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.table_fixes import counter_maps
from graphs.auto_fix.zero_fixes import zero_guards
from tests.auto_fix.snippets import working_codes


def _ctx(code: str, error_class: str, message: str = "", line: int | None = None) -> FixContext:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        tree = None
    return FixContext(code=code, tree=tree, error_class=error_class, message=message, line=line)


def _run(code: str, call: str):
    ns: dict = {}
    exec(code, ns)
    return eval(call, ns)


def test_none_guard_prefers_the_named_attribute_and_returns_defaults():
    code = "def name_of(users, uid):\n    user = users.get(uid)\n    return user.name\n"
    cands = templates.none_guards(_ctx(code, "none_attribute", "'NoneType' object has no attribute 'name'", 3))
    assert cands[0].code.splitlines()[2:4] == ["    if user is None:", "        return None"]
    assert _run(cands[0].code, "name_of({}, 1)") is None


def test_none_guard_never_returns_a_value_built_from_the_none_itself():
    code = ("import re\n\nLINE = re.compile(r'(?P<ts>\\d+) (?P<msg>.*)')\n\n"
            "def parse_entry(text):\n    if not text:\n        return {'ts': '', 'msg': ''}\n"
            "    found = LINE.match(text)\n    ts = found.group('ts')\n"
            "    return {'ts': ts, 'msg': found.group('msg')}\n")
    cands = templates.none_guards(_ctx(code, "none_attribute", "'NoneType' object has no attribute 'group'", 9))
    exits = [c.code.splitlines()[9].strip() for c in cands]
    assert exits == ["return {'ts': '', 'msg': ''}", "return None"]
    assert all("found" not in e for e in exits)
    assert _run(cands[0].code, "parse_entry('no digits here')") == {"ts": "", "msg": ""}
    kept = "def pick(row):\n    if row is None:\n        return {'v': 0}\n    return row.value\n"
    assert "return {'v': 0}" in templates.none_guards(_ctx(kept, "none_attribute", "'NoneType' object has no "
                                                           "attribute 'value'", 4))[0].code.splitlines()[4]


def test_none_guard_in_loop_offers_continue_first():
    code = "def names(rows):\n    out = []\n    for r in rows:\n        out.append(r.name)\n    return out\n"
    cands = templates.none_guards(_ctx(code, "none_attribute", "'NoneType' object has no attribute 'name'", 4))
    assert "continue" in cands[0].code


def test_zero_guard_uses_the_collection_under_len():
    code = "def mean(xs):\n    return sum(xs) / len(xs)\n"
    cands = zero_guards(_ctx(code, "zero_division", "division by zero", 2))
    assert any(_run(c.code, "mean([])") == 0 for c in cands if "return 0" in c.code) or \
        any(_run(c.code, "mean([])") is None for c in cands)
    assert "if not xs:" in cands[0].code


def test_key_error_augassign_becomes_get_with_zero():
    code = "def count(ws):\n    c = {}\n    for w in ws:\n        c[w] += 1\n    return c\n"
    cands = templates.key_fixes(_ctx(code, "key_error", "'a'", 4))
    assert _run(cands[0].code, "count(['a', 'a'])") == {"a": 2}


def test_key_error_lookup_becomes_get():
    code = "def port(cfg):\n    return cfg['port']\n"
    cands = templates.key_fixes(_ctx(code, "key_error", "'port'", 2))
    assert [c.code.splitlines()[1].strip() for c in cands] == ["return cfg.get('port')", "return cfg.get('port', 0)"]


def test_base_case_from_parameter_use():
    code = "def length(xs):\n    return 1 + length(xs[1:])\n"
    cands = templates.base_cases(_ctx(code, "recursion_error"))
    assert any(_run(c.code, "length([4, 5, 6])") == 3 for c in cands)
    num = "def fact(n):\n    return n * fact(n - 1)\n"
    assert any(_run(c.code, "fact(5)") == 120 for c in templates.base_cases(_ctx(num, "recursion_error")))


def test_loop_progress_adds_missing_increment_and_shrinks_binary_search():
    code = "def f(n):\n    i = 0\n    s = 0\n    while i < n:\n        s += i\n    return s\n"
    cands = templates.loop_progress(_ctx(code, "hang"))
    assert _run(cands[0].code, "f(4)") == 6
    bs = ("def find(xs, t):\n    lo, hi = 0, len(xs) - 1\n    while lo <= hi:\n        mid = (lo + hi) // 2\n"
          "        if xs[mid] < t:\n            lo = mid\n        elif xs[mid] > t:\n            hi = mid - 1\n"
          "        else:\n            return mid\n    return -1\n")
    assert any("lo = mid + 1" in c.code and _run(c.code, "find([1, 3, 5, 7], 7)") == 3
               for c in templates.loop_progress(_ctx(bs, "hang")))


def test_iteration_copy_and_mutable_default():
    code = "def drop(xs):\n    for x in xs:\n        if x < 0:\n            xs.remove(x)\n    return xs\n"
    cand = templates.iteration_copies(_ctx(code, "wrong_output"))[0]
    assert _run(cand.code, "drop([-1, -2, 3])") == [3]
    md = "def add(x, acc=[]):\n    acc.append(x)\n    return acc\n"
    fixed = templates.mutable_defaults(_ctx(md, "wrong_output"))[0].code
    assert _run(fixed, "(add(1), add(2))") == ([1], [2])


def test_missing_import_of_module_and_member():
    code = '"""Doc."""\nimport os\n\ndef r(x):\n    return sqrt(x) + math.pi\n'
    member = name_fixes.missing_names(_ctx(code, "name_error", "name 'sqrt' is not defined", 5))
    assert member[0].code.splitlines()[2] == "from math import sqrt"
    module = name_fixes.missing_names(_ctx(code, "name_error", "name 'math' is not defined", 5))
    assert module[0].code.splitlines()[2] == "import math"
    code = "from urllib.parse import urlsplit\n\ndef seg(u):\n    return [unquote(p) for p in urlsplit(u).path.split('/')]\n"
    member = name_fixes.missing_names(_ctx(code, "name_error", "name 'unquote' is not defined", 4))
    assert "from urllib.parse import unquote" in member[0].code
    assert name_fixes._stdlib_member("Enum") == ["enum"]  # uuid imports Enum but is not its home


def test_an_undefined_name_in_a_loop_becomes_the_loop_variable_it_never_used():
    code = ("def _fit(c, width):\n    return c.ljust(width)\n\n\n"
            "def pad(cells, widths):\n    return [_fit(c, width) for c, w in zip(cells, widths)]\n")
    cands = name_fixes.missing_names(_ctx(code, "name_error", "name 'width' is not defined", 6))
    best = max(cands, key=lambda c: c.prior)
    assert "_fit(c, w)" in best.code and "c.ljust(width)" in best.code


def test_close_name_and_attribute_matches():
    code = "def total(prices):\n    return sum(prics)\n"
    cands = name_fixes.missing_names(_ctx(code, "name_error", "name 'prics' is not defined", 2))
    assert any("sum(prices)" in c.code for c in cands)
    attr = "def f(xs):\n    xs.apend(1)\n    return xs\n"
    fixed = name_fixes.wrong_attributes(_ctx(attr, "attribute_error", "'list' object has no attribute 'apend'", 2))
    assert "xs.append(1)" in fixed[0].code


def test_type_conversion_and_syntax_repairs():
    code = "def label(n):\n    return 'n=' + n\n"
    cands = name_fixes.type_conversions(_ctx(code, "type_error", 'can only concatenate str (not "int") to str', 2))
    assert any(_run(c.code, "label(3)") == "n=3" for c in cands)
    broken = "def f(x)\n    if x = 1:\n        return 2\n"
    colon = name_fixes.syntax_repairs(_ctx(broken, "syntax_error", "expected ':'", 1))
    assert colon[0].code.startswith("def f(x):")
    eq = name_fixes.syntax_repairs(_ctx("def f(x):\n    if x = 1:\n        return 2\n", "syntax_error",
                                        "invalid syntax", 2))
    assert any("if x == 1:" in c.code for c in eq)


def test_setdefault_for_method_on_missing_entry():
    code = "def group(ws):\n    g = {}\n    for w in ws:\n        g[w[0]].append(w)\n    return g\n"
    cands = templates.key_fixes(_ctx(code, "key_error", "'a'", 4))
    assert "g.setdefault(w[0], []).append(w)" in cands[0].code
    assert _run(cands[0].code, "group(['ab', 'ac'])") == {"a": ["ab", "ac"]}


def test_flow_fixes_missing_return_none_call_and_extreme_seed():
    from graphs.auto_fix import flow_fixes

    area = "def area(w, h):\n    w * h\n"
    assert _run(flow_fixes.missing_returns(_ctx(area, "wrong_output"))[0].code, "area(2, 3)") == 6
    helper = ("def parse(s):\n    if s.isdigit():\n        return int(s)\n\n\ndef twice(s):\n"
              "    return parse(s) * 2\n")
    guarded = flow_fixes.call_none_guards(_ctx(helper, "none_attribute", "unsupported operand", 7))[0].code
    assert _run(guarded, "(twice('3'), twice('x'))") == (6, None)
    mx = "def top(xs):\n    best = 0\n    for x in xs:\n        if x > best:\n            best = x\n    return best\n"
    assert any(_run(c.code, "top([-3, -1])") == -1 for c in flow_fixes.extreme_seeds(_ctx(mx, "wrong_output")))


def test_module_names_from_error_text_are_only_imported_from_the_safe_stdlib(capsys):
    from graphs.auto_fix.edits import stdlib_module

    assert stdlib_module("json") is not None and stdlib_module("os.path") is not None
    for name in ("this", "antigravity", "chromadb", "numpy", "", "not_a_module_xyz"):
        assert stdlib_module(name) is None
    assert capsys.readouterr().out == ""  # `import this` would have printed the Zen to stdout (the MCP stream)


def test_a_failing_template_is_skipped_not_fatal(monkeypatch, caplog):
    from graphs.auto_fix import propose

    def broken(ctx):
        raise AttributeError("unforeseen shape")

    monkeypatch.setitem(propose.TEMPLATES, "wrong_output", [broken, *propose.TEMPLATES["wrong_output"]])
    code = "def total(xs):\n    s = 0\n    for x in xs:\n        s = x\n    return s\n"
    ctx = FixContext(code=code, tree=ast.parse(code), error_class="wrong_output", suspicious=[4])
    cands = propose.template_candidates(ctx)
    assert any("s += x" in c.code for c in cands)
    assert "unforeseen shape" in caplog.text


def test_every_operand_of_the_failing_expression_is_converted_at_once():
    code = "def tag(i, n):\n    return 'Item ' + i + ' of ' + n\n"
    cands = name_fixes.type_conversions(_ctx(code, "type_error", 'can only concatenate str (not "int") to str', 2))
    assert any("str(i)" in c and "str(n)" in c for c in working_codes(cands, "tag", (1, 2), "Item 1 of 2"))
    code = "def secs(h, m, s):\n    return int(h) * 3600 + m * 60 + int(s)\n"
    cands = name_fixes.type_conversions(_ctx(code, "type_error", "unsupported operand type(s) for +: 'int' and 'str'",
                                             2))
    assert working_codes(cands, "secs", ("1", "02", "03"), 3723)


def test_a_missing_later_part_keeps_the_input_as_it_is():
    code = ("def short(name):\n    parts = [p.strip() for p in name.split(',', 1)]\n"
            "    first = parts[1].split()[0]\n    return parts[0] + ', ' + first[0] + '.'\n")
    cands = templates.empty_guards(_ctx(code, "index_error", "list index out of range", 3))
    assert working_codes(cands, "short", ("World Health Organization",), "World Health Organization")


def test_none_guards_raise_what_the_tests_expect_and_end_walks_that_run_out():
    import pytest

    code = ("import re\n\nRX = re.compile(r'(\\d+)-(\\d+)')\n\n\ndef span(t):\n    m = RX.match(t)\n"
            "    a, b = m.groups()\n    return int(a), int(b)\n")
    ctx = _ctx(code, "none_attribute", "'NoneType' object has no attribute 'groups'", 8)
    ctx.hints = "def test_bad():\n    with pytest.raises(ValueError):\n        span('x')\n"
    raising = [c for c in templates.none_guards(ctx) if "raise ValueError" in c.code]
    scope: dict = {}
    exec(compile(raising[0].code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    with pytest.raises(ValueError):
        scope["span"]("x")
    code = ("class N:\n    def __init__(self, v, up=None):\n        self.v, self.up = v, up\n\n\n"
            "def find(n, want):\n    while n.v != want:\n        n = n.up\n    return n\n")
    cands = templates.none_guards(_ctx(code, "none_attribute", "'NoneType' object has no attribute 'v'", 7))
    assert any("while n is not None and n.v != want:" in c.code for c in cands)


def test_every_update_of_a_counter_map_starts_missing_keys_at_zero():
    code = ("def replay(events):\n    bal = {}\n    for e in events:\n        if e[0] == 'in':\n"
            "            bal[e[1]] += e[2]\n        else:\n            bal[e[1]] -= e[2]\n    return dict(bal)\n")
    cands = counter_maps(_ctx(code, "key_error", "'a'", 5))
    codes = working_codes(cands, "replay", ([("out", "a", 3), ("in", "a", 1)],), {"a": -2})
    assert any("defaultdict(int)" in c and "from collections import defaultdict" in c for c in codes)
    assert any("bal.get(e[1], 0) - e[2]" in c for c in codes)


def test_numeric_builtins_given_text_convert_it():
    code = "def hms(seconds):\n    m, s = divmod(seconds, 60)\n    return f'{m}:{s:02d}'\n"
    cands = name_fixes.type_conversions(_ctx(code, "type_error",
                                             "unsupported operand type(s) for divmod(): 'str' and 'int'", 2))
    assert working_codes(cands, "hms", ("125",), "2:05")


def test_a_guard_returns_the_value_the_docstring_states_for_that_case():
    code = ("import re\n\n\ndef area_code(phone):\n    \"\"\"The area code, or '' when the number has none.\"\"\"\n"
            "    m = re.search(r'\\((\\d{3})\\)', phone)\n    return m[1]\n")
    cands = templates.none_guards(_ctx(code, "none_attribute", "'NoneType' object is not subscriptable", 7))
    assert any("return ''" in c.code and _run(c.code, "area_code('123-4567')") == "" for c in cands)
