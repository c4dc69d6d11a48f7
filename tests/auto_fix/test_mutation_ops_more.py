"""General value-level mutation operators: each one repairs a small buggy function of its own, and stays off
strings and calls that are not regex patterns or codecs."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

import pytest

from graphs.auto_fix.mutation_ops_more import more_mutations
from graphs.auto_fix.mutations import Mutation, _mk, apply_mutation, mutations_for_lines


def _mutations(code: str, line: int) -> list[Mutation]:
    lines = code.splitlines()
    return [m for node in ast.walk(ast.parse(code)) if getattr(node, "lineno", None) == line
            for m in more_mutations(lines, node, _mk)]


def _repairs(code: str, line: int, operator: str, check: Callable[[dict], bool]) -> list[str]:
    """Descriptions of the `operator` mutations on `line` after which `check(namespace)` holds."""
    ok = []
    for m in _mutations(code, line):
        if m.operator != operator:
            continue
        fixed = apply_mutation(code, m)
        assert fixed is not None
        ns: dict = {}
        try:
            exec(compile(fixed, "<mutant>", "exec"), ns)  # noqa: S102 - our own test snippets
            if check(ns):
                ok.append(m.description)
        except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError, UnicodeError, re.error):
            continue
    return ok


def _raises(fn: Callable[[], object], exc: type[BaseException]) -> bool:
    try:
        fn()
    except exc:
        return True
    return False


REGEX_CASES = [
    ("import re\ndef is_code(s):\n    return re.match(r'[A-Z]+\\d+', s) is not None\n",
     lambda ns: ns["is_code"]("AB12") and not ns["is_code"]("AB12x")),
    ("import re\ndef numbers(s):\n    return [int(x) for x in re.findall(r'\\d*', s)]\n",
     lambda ns: ns["numbers"]("a1b22") == [1, 22]),
    ("import re\ndef tags(html):\n    return re.findall(r'<(.+)>', html)\n",
     lambda ns: ns["tags"]("<a><b>") == ["a", "b"]),
    ("import re\ndef valid_slug(s):\n    return re.fullmatch(r'[a-z0-9]+', s) is not None\n",
     lambda ns: ns["valid_slug"]("my-first-post") and not ns["valid_slug"]("My Post")),
    ("import re\ndef words(text):\n    return re.split(r'\\s', text.strip())\n",
     lambda ns: ns["words"]("red  green   blue") == ["red", "green", "blue"]),
    ("import re\ndef hashtags(post):\n    return re.findall(r'#(\\d+)', post)\n",
     lambda ns: ns["hashtags"]("#py3 and #ml rock") == ["py3", "ml"]),
    ("import re\ndef is_failure(log_line):\n    return bool(re.search(r'error', log_line))\n",
     lambda ns: ns["is_failure"]("ERROR: disk full") and not ns["is_failure"]("all good")),
    ("import re\nPIN = re.compile(r'\\d{4}')\ndef valid_pin(s):\n    return PIN.search(s) is not None\n",
     lambda ns: ns["valid_pin"]("4821") and not ns["valid_pin"]("482100")),
]


@pytest.mark.parametrize(("code", "check"), REGEX_CASES)
def test_a_regex_pattern_edit_repairs_the_function(code: str, check: Callable[[dict], bool]) -> None:
    line = 2 if "PIN" in code else 3
    assert _broken(code, check)
    assert _repairs(code, line, "regex_edit", check)


def _broken(code: str, check: Callable[[dict], bool]) -> bool:
    """The unmutated snippet fails its check (or crashes on it)."""
    ns: dict = {}
    exec(compile(code, "<orig>", "exec"), ns)  # noqa: S102 - our own test snippets
    try:
        return not check(ns)
    except (ArithmeticError, LookupError, TypeError, ValueError, UnicodeError):
        return True


def test_regex_edits_are_valid_capped_and_best_first() -> None:
    code = "import re\ndef f(s):\n    return re.search(r'([a-z]+)\\s(\\d*)-(\\w+)+?x*', s)\n"
    muts = [m for m in _mutations(code, 3) if m.operator == "regex_edit"]
    assert 0 < len(muts) <= 8
    assert [m.prior for m in muts] == sorted((m.prior for m in muts), reverse=True)
    for m in muts:
        fixed = apply_mutation(code, m)
        call = ast.parse(fixed).body[1].body[0].value
        re.compile(call.args[0].value)


def test_no_regex_edit_on_strings_that_are_not_patterns() -> None:
    code = ("import re\ndef clean(s):\n    s = s.replace('a+b', 'c*')\n"
            "    return re.sub(r'\\s+', '*+', s).startswith('x*')\n")
    assert not [m for m in _mutations(code, 3) if m.operator == "regex_edit"]
    for m in _mutations(code, 4):
        if m.operator == "regex_edit":
            assert "'*+'" in apply_mutation(code, m).splitlines()[3]  # the replacement text is never edited


def test_no_regex_edit_on_a_local_function_named_like_re() -> None:
    code = "def search(p, s):\n    return p in s\ndef f(s):\n    return search('a+', s)\n"
    assert not [m for m in _mutations(code, 4) if m.operator == "regex_edit"]


CODEC_CASES = [
    ("def text(raw):\n    return raw.decode('ascii')\n", lambda ns: ns["text"]("café".encode()) == "café"),
    ("def header(raw):\n    return raw.decode('utf-8').split(',')[0]\n",
     lambda ns: ns["header"](b"\xef\xbb\xbfid,name") == "id"),
    ("def text(raw):\n    return raw.decode('utf-8')\n", lambda ns: ns["text"](b"ok\xff") == "ok\ufffd"),
    ("def legacy(raw):\n    return str(raw, 'utf-8')\n", lambda ns: ns["legacy"]("Ä".encode("latin-1")) == "Ä"),
    ("def strict(s):\n    return s.encode('ascii', errors='ignore')\n",
     lambda ns: _raises(lambda: ns["strict"]("é"), UnicodeEncodeError)),
]


@pytest.mark.parametrize(("code", "check"), CODEC_CASES)
def test_a_codec_edit_repairs_the_function(code: str, check: Callable[[dict], bool]) -> None:
    assert _broken(code, check)
    assert _repairs(code, 2, "codec_swap", check)


def test_codec_swap_in_open_encoding(tmp_path) -> None:
    path = tmp_path / "names.txt"
    path.write_bytes("Zoë\n".encode("latin-1"))
    code = f"def first(p={str(path)!r}):\n    with open(p, encoding='utf-8') as fh:\n        return fh.readline()\n"
    assert _repairs(code, 2, "codec_swap", lambda ns: ns["first"]() == "Zoë\n")


def test_no_codec_swap_on_other_strings() -> None:
    code = "def f(s, label):\n    print('utf-8')\n    return label == 'ascii' or s.startswith('latin-1')\n"
    assert not [m for m in _mutations(code, 2) + _mutations(code, 3) if m.operator == "codec_swap"]
    code = "def g(enc):\n    return enc.encode({'a': 1})\n"
    assert not [m for m in _mutations(code, 2) if m.operator == "codec_swap"]


ORDER_CASES = [
    ("def top(scores):\n    return sorted(scores)[:2]\n", lambda ns: ns["top"]([3, 9, 5]) == [9, 5]),
    ("def oldest(xs):\n    xs.sort(reverse=False)\n    return xs[0]\n", lambda ns: ns["oldest"]([3, 9, 5]) == 9),
    ("def table(ps):\n    return [p['n'] for p in sorted(ps, key=lambda p: (p['pts'], p['n']))]\n",
     lambda ns: ns["table"]([{"n": "b", "pts": 1}, {"n": "c", "pts": 3}, {"n": "a", "pts": 3}]) == ["a", "c", "b"]),
    ("def names(xs):\n    return sorted(xs)\n", lambda ns: ns["names"](["bob", "Cy", "al"]) == ["al", "bob", "Cy"]),
    ("import heapq\ndef best(xs):\n    return heapq.nsmallest(2, xs)\n", lambda ns: ns["best"]([4, 8, 1]) == [8, 4]),
    ("def clamp(x, hi):\n    return max(x, hi)\n", lambda ns: ns["clamp"](12, 10) == 10),
    ("import bisect\ndef tier(cuts, x):\n    return bisect.bisect_left(cuts, x)\n",
     lambda ns: ns["tier"]([50, 100], 100) == 2),
    ("import bisect\ndef before(cuts, x):\n    return bisect.bisect(cuts, x)\n",
     lambda ns: ns["before"]([50, 100], 100) == 1),
    ("def ready(xs):\n    return any(x > 0 for x in xs)\n", lambda ns: ns["ready"]([1, -1]) is False),
]


@pytest.mark.parametrize(("code", "check"), ORDER_CASES)
def test_an_ordering_edit_repairs_the_function(code: str, check: Callable[[dict], bool]) -> None:
    line = 3 if code.startswith(("import", "from")) else 2
    assert _broken(code, check)
    assert _repairs(code, line, "ordering_swap", check)


ROUND_CASES = [
    ("def average(xs):\n    return int(sum(xs) / len(xs))\n", lambda ns: ns["average"]([1, 2, 2, 2]) == 2
     and ns["average"]([2, 3, 3]) == 3),
    ("def pages(n, per):\n    return int(n / per)\n", lambda ns: ns["pages"](11, 5) == 3 and ns["pages"](10, 5) == 2),
    ("import math\ndef pages(n, per):\n    return int(n / per)\n", lambda ns: ns["pages"](11, 5) == 3),
    ("import math\ndef boxes(n):\n    return math.floor(n / 6)\n", lambda ns: ns["boxes"](7) == 2),
    ("def share(total, n):\n    return total / n\n", lambda ns: ns["share"](10, 3) == 3.33),
    ("def balanced(a, b):\n    return a + b == 0.3\n", lambda ns: ns["balanced"](0.1, 0.2)),
    ("import math\ndef differs(a, b):\n    return a * 0.1 != b\n", lambda ns: not ns["differs"](3, 0.3)),
]


@pytest.mark.parametrize(("code", "check"), ROUND_CASES)
def test_a_rounding_edit_repairs_the_function(code: str, check: Callable[[dict], bool]) -> None:
    line = 3 if code.startswith("import") else 2
    assert _broken(code, check)
    assert _repairs(code, line, "rounding_swap", check)


ACCESS_CASES = [
    ("def nickname(user):\n    return user['nick']\n", lambda ns: ns["nickname"]({}) is None),
    ("def strict(cfg):\n    return cfg.get('port')\n", lambda ns: _raises(lambda: ns["strict"]({}), KeyError)),
    ("def level(cfg):\n    name = cfg.get('level', 'debug')\n    return name if name in ('debug', 'info') else 'warn'\n",
     lambda ns: ns["level"]({}) == "info"),
    ("def known(name, users):\n    return name in users\n", lambda ns: ns["known"]("ann", {7: "ann"})),
    ("def flat(rows):\n    out = []\n    for r in rows:\n        out.append(r)\n    return out\n",
     lambda ns: ns["flat"]([[1], [2, 3]]) == [1, 2, 3]),
    ("def serve(queue):\n    return queue.pop()\n", lambda ns: ns["serve"](["first", "second"]) == "first"),
]


@pytest.mark.parametrize(("code", "check"), ACCESS_CASES)
def test_an_access_variant_repairs_the_function(code: str, check: Callable[[dict], bool]) -> None:
    line = 4 if "out.append" in code else 2
    assert _broken(code, check)
    assert _repairs(code, line, "access_variant" if "append" not in code else "string_method_swap", check)


def test_no_get_on_a_subscript_of_a_known_sequence() -> None:
    code = "def pick(i):\n    items = [1, 2]\n    return items[i]\n"
    assert not [m for m in _mutations(code, 3) if m.operator == "access_variant"]


STRING_CASES = [
    ("def content(line):\n    return line.strip()\n", lambda ns: ns["content"]("  x = 1\n") == "  x = 1"),
    ("def is_script(name):\n    return name.startswith('.py')\n", lambda ns: ns["is_script"]("run.py")),
    ("def ext(name):\n    return name[name.find('.') + 1:]\n", lambda ns: ns["ext"]("a.tar.gz") == "gz"),
    ("def stem(name):\n    return name.split('.')[0]\n", lambda ns: ns["stem"]("archive.tar.gz") == "archive.tar"),
    ("def pair(line):\n    key, value = line.split('=')\n    return key, value\n",
     lambda ns: ns["pair"]("q=a=b") == ("q", "a=b")),
    ("def country(code):\n    return code.lower()\n", lambda ns: ns["country"]("de") == "DE"),
]


@pytest.mark.parametrize(("code", "check"), STRING_CASES)
def test_a_string_method_swap_repairs_the_function(code: str, check: Callable[[dict], bool]) -> None:
    assert _broken(code, check)
    assert _repairs(code, 2, "string_method_swap", check)


def test_priors_are_speculative_and_per_node_counts_small() -> None:
    code = ("import re\ndef f(s, d, items):\n    m = re.search(r'[a-z]+\\s(\\d*)', s.strip().lower())\n"
            "    xs = sorted(items, key=lambda x: (x.score, x.name))\n    return d.get('k', 0), s.encode('ascii')\n")
    lines = code.splitlines()
    for node in ast.walk(ast.parse(code)):
        muts = more_mutations(lines, node, _mk)
        assert len(muts) <= 12
        assert all(0.2 <= m.prior <= 0.5 for m in muts)


def test_loop_value_replaces_a_second_lookup_of_the_loop_key():
    code = ("def fill_defaults(config, defaults):\n    for key, default in defaults.items():\n"
            "        if key not in config:\n            config[key] = config.get(key)\n    return config\n")
    muts = [m for m in mutations_for_lines(code, [4], limit=200) if m.operator == "loop_value"]
    assert len(muts) == 1
    fixed = apply_mutation(code, muts[0])
    assert "config[key] = default" in fixed
    scope: dict = {}
    exec(compile(fixed, "solution.py", "exec"), scope)  # noqa: S102 - our own example
    assert scope["fill_defaults"]({"a": 1}, {"a": 0, "b": 2}) == {"a": 1, "b": 2}
    # a lookup that already uses the loop value, or a key that is not the loop's, is left alone
    other = code.replace("config.get(key)", "config.get(default)")
    assert not [m for m in mutations_for_lines(other, [4], limit=200) if m.operator == "loop_value"]


def test_two_pass_sort_puts_the_last_key_parts_in_the_other_direction():
    code = ("def leaderboard(players):\n    return sorted(players, key=lambda p: (p['points'], p['name']), "
            "reverse=True)\n")
    muts = [m for m in mutations_for_lines(code, [2], limit=200) if m.operator == "two_pass_sort"]
    assert len(muts) == 1
    scope: dict = {}
    exec(compile(apply_mutation(code, muts[0]), "solution.py", "exec"), scope)  # noqa: S102 - our own example
    players = [{"points": 3, "name": "cy"}, {"points": 5, "name": "bo"}, {"points": 3, "name": "al"}]
    assert [p["name"] for p in scope["leaderboard"](players)] == ["bo", "al", "cy"]
    three = code.replace("(p['points'], p['name'])", "(p['points'], p['day'], p['name'])")
    assert len([m for m in mutations_for_lines(three, [2], limit=200) if m.operator == "two_pass_sort"]) == 2
    single = code.replace("(p['points'], p['name'])", "p['points']")
    assert not [m for m in mutations_for_lines(single, [2], limit=200) if m.operator == "two_pass_sort"]
