"""Test amplification: variants of the tests with one input changed, turned into probes that record what the code
computes instead of asserting it.

Weak tests accept wrong fixes. Running the original and every validated fix on the same amplified inputs shows
how each behaves away from the tested points: a fix that crashes where another does not, or changes the
original's behaviour on many more inputs, is the likelier overfit (see `behaviour.py`). Pure: source in, source
out; running the probes is the caller's job.
"""

from __future__ import annotations

import ast
import copy
import itertools
import re
from collections.abc import Iterator

PROBE_TEST = "test_mo_probes"
MARK = "@@"  # the probe test "fails" with AssertionError("@@<tokens>"): the only channel the test runner reports
DIGEST = 5  # hex digits per probe; with the ending, a token of 6 characters (40 probes fit one 300-char message)
MAX_PROBES = 40
PROBE_TIMEOUT_S = 0.3
MAX_TIMEOUTS = 2  # after this many probes timed out, a candidate's other probes count as timed out unrun

# Runs each probe body under an alarm, canonicalises what it observed (order-free sets and dicts, rounded floats,
# no memory addresses) and reports one token per probe in a single test's failure message (a failing test costs
# pytest a traceback report: one for all probes, not one each).
PRELUDE = f'''
import hashlib as _mo_hashlib
import re as _mo_re
import signal as _mo_signal


class _MoTimeout(BaseException):
    pass


_mo_timeouts = [0]


def _mo_alarm(*_):
    raise _MoTimeout()


def _mo_canon(value, depth=0):
    if depth > 6:
        return "..."
    if isinstance(value, float):
        return repr(float(f"{{value:.9g}}"))
    if isinstance(value, (str, bytes, int, bool, type(None))):
        return repr(value)
    if isinstance(value, dict):
        return "{{" + ",".join(sorted(_mo_canon(k, depth + 1) + ":" + _mo_canon(v, depth + 1)
                                    for k, v in value.items())) + "}}"
    if isinstance(value, (set, frozenset)):
        return "set(" + ",".join(sorted(_mo_canon(v, depth + 1) for v in value)) + ")"
    if isinstance(value, (list, tuple)):
        return type(value).__name__ + "(" + ",".join(_mo_canon(v, depth + 1) for v in value) + ")"
    if hasattr(value, "__dict__") and not callable(value):
        return type(value).__name__ + _mo_canon(vars(value), depth + 1)
    return _mo_re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))[:300]


def _mo_why(exc):
    """"r" for an exception the solution raises on purpose (a `raise`/`assert` in solution.py), "f" for a test
    expectation (pytest.raises that did not raise), "x" for a crash (a call failing on the data)."""
    import linecache
    tb, last = exc.__traceback__, None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    if last is not None and last.tb_frame.f_code.co_filename.endswith("solution.py"):
        line = linecache.getline(last.tb_frame.f_code.co_filename, last.tb_lineno).strip()
        return "r" if line.startswith(("raise", "assert")) else "x"
    return "f" if type(exc).__name__ in ("Failed", "AssertionError") else "x"


def _mo_run(body):
    """One probe: its ending ("=" returned, "t" timed out, or `_mo_why`) and a digest of what it observed."""
    seen, end = [], "="
    if _mo_timeouts[0] >= {MAX_TIMEOUTS}:  # it hangs near the tested inputs: the rest would only spend the limit
        return "t" + _mo_hashlib.sha1(b"").hexdigest()[:{DIGEST}]
    _mo_signal.signal(_mo_signal.SIGALRM, _mo_alarm)
    _mo_signal.setitimer(_mo_signal.ITIMER_REAL, {PROBE_TIMEOUT_S})
    try:
        body(seen.append)
    except _MoTimeout:
        end = "t"
        _mo_timeouts[0] += 1
    except RecursionError:
        end = "x"
    except BaseException as exc:  # an observation, not a failure of the probe
        end = _mo_why(exc)
        seen.append(type(exc).__name__)
    finally:
        _mo_signal.setitimer(_mo_signal.ITIMER_REAL, 0)
    try:
        text = "|".join(_mo_canon(s) for s in seen)
    except BaseException:
        text = "unprintable"
    return end + _mo_hashlib.sha1(text.encode()).hexdigest()[:{DIGEST}]


def _mo_report(probes):
    raise AssertionError("{MARK}" + "".join(_mo_run(p) for p in probes))
'''

_TEST_HELPERS = {"raises", "approx", "warns", "param", "fixture", "mark"}


def _is_literal(node: ast.AST) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _observe(node: ast.Assert) -> list[ast.stmt]:
    """`assert f(x) == 3` → `_mo_obs(f(x))`: every operand that is computed, not a literal expectation."""
    test = node.test
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
    parts = [test.left, *test.comparators] if isinstance(test, ast.Compare) else [test]
    observed = [p for p in parts if not _is_literal(p) and not _is_helper_call(p)]
    return [ast.Expr(ast.Call(ast.Name("_mo_obs", ast.Load()), [p], [])) for p in observed]


def _is_helper_call(node: ast.AST) -> bool:
    """pytest.approx(...), pytest.raises(...): expectations, not inputs."""
    if not isinstance(node, ast.Call):
        return False
    f = node.func
    name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
    return name in _TEST_HELPERS


class _AssertsToObservations(ast.NodeTransformer):
    def visit_Assert(self, node: ast.Assert) -> list[ast.stmt]:
        return _observe(node) or [ast.Pass()]

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        return node  # helpers defined inside a test keep their asserts


def _protected(func: ast.FunctionDef) -> set[int]:
    """ids of nodes that state expectations (literal operands of asserts, pytest helper arguments, docstrings):
    changing those would change the question, not the input."""
    out: set[int] = set()
    for node in ast.walk(func):
        if isinstance(node, ast.Assert):
            test = node.test.operand if isinstance(node.test, ast.UnaryOp) else node.test
            parts = [test.left, *test.comparators] if isinstance(test, ast.Compare) else [test]
            for part in parts:
                if _is_literal(part):
                    out |= {id(n) for n in ast.walk(part)}
            if node.msg is not None:
                out |= {id(n) for n in ast.walk(node.msg)}
        elif _is_helper_call(node):
            out |= {id(n) for n in ast.walk(node)}
        elif isinstance(node, ast.Dict):
            out |= {id(k) for k in node.keys if k is not None}  # keys name fields; values are the data
        elif isinstance(node, ast.Subscript):
            out |= {id(n) for n in ast.walk(node.slice)}
        elif isinstance(node, ast.JoinedStr):
            out |= {id(n) for n in ast.walk(node)}
    body = func.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        out.add(id(body[0].value))
    return out


_NUMBER_TEXT = re.compile(r"-?\d{1,9}(\.\d{1,6})?")


def _constant_variants(value: object) -> list[object]:
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        # Small counts also go two steps away: `n <= 1` and `n == 1` agree on 0 and 1 but not on 2.
        return [value + 1, value - 1] + ([0] if value not in (0, 1, -1) else [value + 2]) + \
            ([-value] if value > 1 else [])
    if isinstance(value, float):
        return [value * 2 + 1.0, value / 2]
    if isinstance(value, str) and _NUMBER_TEXT.fullmatch(value):
        # `Decimal("100.00")`, `"42"`: numbers written as text vary as numbers, in the same format.
        places = len(value.partition(".")[2])
        number = float(value)
        # The blank cell stays a probe: numeric text often arrives empty (a CSV field, a form input).
        return [f"{number + 1:.{places}f}", f"{number - 1:.{places}f}", "", f"{number * 2:.{places}f}"]
    if isinstance(value, str):
        out: list[object] = [""] if value else ["a"]
        if len(value) >= 2:
            out.append(value[: len(value) // 2])
        if value and "\n" not in value:
            out.append(value + " " + value)
        return out
    return []


def _variants(node: ast.AST) -> Iterator[ast.AST]:
    """Replacement nodes for one input site."""
    if isinstance(node, ast.Constant):
        for value in _constant_variants(node.value):
            yield ast.Constant(value)
    elif isinstance(node, ast.List | ast.Tuple | ast.Set) and node.elts:
        kind = type(node)
        extra = {"ctx": ast.Load()} if kind is not ast.Set else {}
        yield kind(elts=node.elts[:-1], **extra)
        if len(node.elts) > 1:
            yield kind(elts=node.elts[1:], **extra)
            if kind is ast.List:
                yield kind(elts=node.elts[::-1], **extra)
        yield kind(elts=[*node.elts, copy.deepcopy(node.elts[0])], **extra)
    elif isinstance(node, ast.Dict) and node.keys and None not in node.keys:
        yield ast.Dict(keys=node.keys[:-1], values=node.values[:-1])


class _Replace(ast.NodeTransformer):
    def __init__(self, target: ast.AST, new: ast.AST) -> None:
        self.target, self.new = target, new

    def visit(self, node: ast.AST) -> ast.AST:
        if node is self.target:
            return self.new
        return super().visit(node)


def _sites(func: ast.FunctionDef) -> list[ast.AST]:
    protected = _protected(func)
    return [n for n in ast.walk(func) if id(n) not in protected and isinstance(
        n, ast.Constant | ast.List | ast.Tuple | ast.Set | ast.Dict) and not (
        isinstance(n, ast.Constant) and n.value is None)]


def _fixtures(func: ast.FunctionDef) -> list[str]:
    return [a.arg for a in func.args.args]


def _probe(func: ast.FunctionDef, number: int, site: ast.AST | None, new: ast.AST | None) -> ast.FunctionDef:
    """`_mo_body_<n>(_mo_obs, <the test's fixtures>)`: the test with one site replaced and its asserts turned
    into observations."""
    body_func = copy.deepcopy(func) if site is None or new is None else _replace_in_copy(func, site, new)
    stmts = [_AssertsToObservations().visit(s) for s in body_func.body]
    flat = [s for part in stmts for s in (part if isinstance(part, list) else [part])]
    args = [ast.arg("_mo_obs"), *(ast.arg(name) for name in _fixtures(func))]
    return ast.FunctionDef(name=f"_mo_body_{number}", args=ast.arguments(
        posonlyargs=[], args=args, kwonlyargs=[], kw_defaults=[], defaults=[]), body=flat or [ast.Pass()],
        decorator_list=[], returns=None, type_params=[])


def _runner(chosen: list[tuple[ast.FunctionDef, ast.AST, ast.AST]]) -> str:
    """The one test that runs every probe body in order and reports their tokens."""
    fixtures = list(dict.fromkeys(name for f, _, _ in chosen for name in _fixtures(f)))
    calls = ", ".join(f"lambda o: _mo_body_{i}(o{''.join(', ' + a for a in _fixtures(f))})"
                      for i, (f, _, _) in enumerate(chosen))
    return f"def {PROBE_TEST}({', '.join(fixtures)}):\n    _mo_report([{calls}])\n"


def _replace_in_copy(func: ast.FunctionDef, site: ast.AST, new: ast.AST) -> ast.FunctionDef:
    """A copy of `func` with the copy of `site` (found by its walk position) replaced by `new`."""
    index = next(i for i, n in enumerate(ast.walk(func)) if n is site)
    clone = copy.deepcopy(func)
    target = next(n for i, n in enumerate(ast.walk(clone)) if i == index)
    return _Replace(target, new).visit(clone)


def amplified_tests(tests: str, *, limit: int = MAX_PROBES) -> tuple[str, int]:
    """A test module of probes: each visible test with one input literal or collection changed (round robin over
    the input sites, so every site gets a first variant before any gets a second). Returns (source, count);
    count 0 when the tests do not parse or have no inputs to vary."""
    try:
        tree = ast.parse(tests)
    except SyntaxError:
        return "", 0
    funcs = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test")
             and not n.decorator_list and not (n.args.vararg or n.args.kwarg or n.args.defaults or n.args.kwonlyargs)]
    per_site = [[(f, site, new) for new in _variants(site)] for f in funcs for site in _sites(f)]
    chosen = [v for v in itertools.chain.from_iterable(itertools.zip_longest(*per_site)) if v is not None][:limit]
    if not chosen:
        return "", 0
    # Everything but the tests (imports, helpers, constants) stays; the original tests would only fail again.
    rest = [n for n in tree.body if not (isinstance(n, ast.FunctionDef) and n.name.startswith("test"))]
    probes = [_probe(f, i, site, new) for i, (f, site, new) in enumerate(chosen)]
    module = ast.Module(body=[*rest, *probes], type_ignores=[])
    try:
        source = ast.unparse(ast.fix_missing_locations(module))
    except (ValueError, TypeError, RecursionError):
        return "", 0
    return PRELUDE + "\n\n" + source + "\n\n\n" + _runner(chosen), len(probes)
