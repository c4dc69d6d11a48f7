"""Security, TypeError and data-flow templates; prose examples; type-aware variable replacement; widening."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.doctests import context_tests, prose_examples
from graphs.auto_fix.localize import widen_lines
from graphs.auto_fix.mutations import mutations_for_lines
from graphs.auto_fix.name_types import infer_types
from graphs.auto_fix.security_more import all_security_candidates as security_candidates
from graphs.auto_fix.type_fixes import argument_counts, missing_value_returns, value_shapes


def _ctx(code: str, error_class: str = "static_finding", message: str = "", line: int | None = None) -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class=error_class, message=message, line=line)


def _codes(cands) -> list[str]:
    return [c.code for c in cands]


def _run(code: str, name: str, *args):
    scope: dict = {}
    exec(compile(code, "solution.py", "exec"), scope)  # noqa: S102 - our own generated test input
    return scope[name](*args)


def test_sql_built_with_fstring_becomes_a_parameterised_query():
    code = ("import sqlite3\n\ndef lookup(conn, email):\n"
            "    return conn.execute(f\"SELECT id FROM people WHERE email = '{email}'\").fetchall()\n")
    fixed = _codes(security_candidates(_ctx(code)))
    assert any("execute('SELECT id FROM people WHERE email = ?', (email,))" in c for c in fixed)


def test_sql_via_percent_formatted_variable_keeps_the_variable():
    code = ("import psycopg\n\ndef rows(cur, a, b):\n    sql = \"SELECT * FROM t WHERE a = '%s' AND b = %d\" % (a, b)\n"
            "    cur.execute(sql)\n    return cur.fetchall()\n")
    fixed = _codes(security_candidates(_ctx(code)))
    assert any("sql = 'SELECT * FROM t WHERE a = %s AND b = %s'" in c and "cur.execute(sql, (a, b,))" in c
               for c in fixed)


def test_shell_string_becomes_an_argument_list_and_shell_syntax_is_left_alone():
    code = ("import subprocess\n\ndef archive(src, name):\n"
            "    return subprocess.run(f\"zip -r {name}.zip {src}\", shell=True).returncode\n")
    fixed = _codes(security_candidates(_ctx(code)))
    assert any("subprocess.run(['zip', '-r', f'{name}.zip', str(src)])" in c for c in fixed)
    piped = "import os\n\ndef count(path):\n    return os.system(f\"cat {path} | wc -l\")\n"
    assert not any("subprocess" in c for c in _codes(security_candidates(_ctx(piped))))


def test_eval_of_data_becomes_literal_eval_and_behaves_the_same_on_literals():
    code = "def parse(text):\n    return eval(text)\n"
    fixed = [c for c in _codes(security_candidates(_ctx(code))) if "literal_eval" in c]
    assert fixed and _run(fixed[0], "parse", "[1, {'a': 2}]") == [1, {"a": 2}]


def test_tokens_use_the_os_csprng():
    code = "import random\n\ndef new_api_token():\n    return ''.join(random.choice('abc') for _ in range(8))\n"
    fixed = _codes(security_candidates(_ctx(code)))
    assert any("secrets.SystemRandom().choice" in c and "import secrets" in c for c in fixed)
    assert len(_run(fixed[0], "new_api_token")) == 8


def test_path_join_gets_a_containment_check(tmp_path):
    code = ("import os\n\ndef read(base, name):\n    with open(os.path.join(base, name)) as fh:\n"
            "        return fh.read()\n")
    fixed = [c for c in _codes(security_candidates(_ctx(code))) if "ValueError" in c][0]
    (tmp_path / "ok.txt").write_text("fine")
    assert _run(fixed, "read", str(tmp_path), "ok.txt") == "fine"
    try:
        _run(fixed, "read", str(tmp_path), "../../etc/passwd")
    except ValueError as exc:
        assert "escapes" in str(exc)
    else:
        raise AssertionError("traversal was not refused")


def test_password_hash_is_salted_and_still_verifies():
    code = ("import hashlib\n\ndef hash_password(password):\n    return hashlib.md5(password.encode()).hexdigest()\n\n"
            "def verify(password, stored):\n    return hash_password(password) == stored\n")
    fixed = [c for c in _codes(security_candidates(_ctx(code))) if "pbkdf2_hmac" in c][0]
    scope: dict = {}
    exec(compile(fixed, "solution.py", "exec"), scope)  # noqa: S102
    first, second = scope["hash_password"]("pw"), scope["hash_password"]("pw")
    assert first != second and scope["verify"]("pw", first) and not scope["verify"]("nope", first)


def test_surplus_argument_is_dropped_at_call_sites():
    code = "def area(w, h):\n    return w * h\n\ndef total(rooms):\n    return sum(area(r, 2, 3) for r in rooms)\n"
    ctx = _ctx(code, "type_error", "area() takes 2 positional arguments but 3 were given", 5)
    assert any("area(2, 3)" in c for c in _codes(argument_counts(ctx)))


def test_missing_argument_is_taken_from_the_callers_scope():
    code = "def scale(x, factor):\n    return x * factor\n\ndef run(values, factor):\n    return [scale(v) for v in values]\n"
    ctx = _ctx(code, "type_error", "scale() missing 1 required positional argument: 'factor'", 5)
    assert any("scale(v, factor)" in c for c in _codes(argument_counts(ctx)))


def test_iterating_a_count_uses_range_and_float_index_uses_floor_division():
    code = "def ids(n):\n    return [i for i in n]\n\ndef middle(xs):\n    return xs[len(xs) / 2]\n"
    loop = value_shapes(_ctx(code, "type_error", "'int' object is not iterable", 2))
    assert any("for i in range(n)" in c for c in _codes(loop))
    index = value_shapes(_ctx(code, "type_error", "list indices must be integers or slices, not float", 5))
    assert _run(index[0].code, "middle", [1, 2, 3]) == 2


def test_function_that_builds_a_result_but_never_returns_it():
    code = "def squares(xs):\n    out = []\n    for x in xs:\n        out.append(x * x)\n"
    fixed = _codes(missing_value_returns(_ctx(code, "type_error")))
    assert fixed and _run(fixed[0], "squares", [2, 3]) == [4, 9]


def test_prose_claims_become_checks_for_defined_functions_only():
    code = "def to_f(c):\n    return c * 9 / 5 + 32\n\ndef parse(t):\n    return int(t)\n"
    text = "to_f(100) should be 212.0, not 180. parse('x') raises ValueError. other(1) should be 2."
    assert prose_examples(code, text) == ["assert (to_f(100)) == 212.0",
                                          "with pytest.raises(ValueError):\n    parse('x')"]
    tests = context_tests(code, text)
    assert "def test_stated_1():" in tests and "def test_stated_2():" in tests
    compile(tests, "t.py", "exec")


def test_variable_replacement_prefers_names_of_the_same_type():
    code = ("def label(items, title):\n    count = len(items)\n    name = str(title)\n    total = 0\n"
            "    return count + total\n")
    types = infer_types(ast.parse(code).body[0])
    assert types["count"] == "num" and types["name"] == "str"
    muts = [m for m in mutations_for_lines(code, [5]) if m.operator == "variable_replace" and "`count`" in
            m.description]
    ranked = [m.description.split("→ `")[1].split("`")[0] for m in muts]
    assert ranked.index("total") < ranked.index("name")


def test_widening_covers_the_rest_of_the_function_nearest_first():
    code = "def f(a, b):\n    x = a + 1\n    y = b * 2\n    z = x - y\n    return z\n\ndef g():\n    return 0\n"
    assert widen_lines(ast.parse(code), [5]) == [4, 3, 2]


def test_constants_and_operands_can_be_exchanged():
    code = "def to_f(c):\n    return c * 5 / 9 + 32\n\ndef gap(a, b):\n    return b - a\n"
    muts = mutations_for_lines(code, [2, 5])
    swapped = {m.description for m in muts if m.operator in ("constant_swap", "operand_swap")}
    assert "line 2: swapped `9` and `5`" in swapped
    assert any(d.startswith("line 5: `b - a` → `a - b`") for d in swapped)


def test_behaviour_preserving_fix_outranks_a_deletion_the_tests_cannot_tell_apart():
    from graphs.auto_fix.candidates import Candidate
    from graphs.auto_fix.ranking import Tested, rank_key
    from graphs.auto_fix.schema import Validation

    original = "def f(xs):\n    xs.sort()\n    return xs[0] / len(xs)\n"
    ok = Validation(compiles=True, tests_passed=1, tests_total=1, validated=True)
    drop = Tested(Candidate("def f(xs):\n    pass\n    return xs[0] / len(xs)\n", "ast_mutation", "removed",
                            0.5, destructive=True), ok)
    guard = Tested(Candidate("def f(xs):\n    xs.sort()\n    return xs[0] / len(xs) if xs else 0.0\n",
                             "template", "guard", 0.5), ok)
    assert sorted([drop, guard], key=lambda t: rank_key(t, original))[0] is guard


def test_a_float_index_computed_by_division_is_fixed_where_it_is_computed():
    code = ("def quartile_edges(values):\n    ordered = sorted(values)\n    q = len(ordered) / 4\n"
            "    low = ordered[q]\n    return low, ordered[3 * q]\n")
    cands = value_shapes(_ctx(code, "type_error", "list indices must be integers or slices, not float", 4))
    at_source = [c for c in cands if "q = len(ordered) // 4" in c.code]
    assert at_source and at_source[0].prior > max(c.prior for c in cands if "int(q)" in c.code)
    assert _run(at_source[0].code, "quartile_edges", list(range(8))) == (2, 6)
