"""Doctest examples become pytest tests."""

from __future__ import annotations

from graphs.auto_fix.doctests import doctest_tests

CODE = '''def halve(n):
    """Half of n.

    >>> halve(4)
    2
    >>> values = [2, 8]
    >>> [halve(v) for v in values]
    [1, 4]
    >>> halve("x")
    Traceback (most recent call last):
    TypeError: unsupported
    """
    return n // 2
'''


def _run(tests: str, code: str) -> dict:
    namespace: dict = {}
    exec(code, namespace)
    exec(tests, namespace)
    return namespace


def test_examples_become_tests_with_setup_and_raises():
    tests = doctest_tests(CODE)
    ns = _run(tests, CODE)
    names = sorted(n for n in ns if n.startswith("test_"))
    assert names == ["test_doctest_1", "test_doctest_2", "test_doctest_3"]
    for name in names:
        ns[name]()  # the correct code passes every derived test


def test_derived_tests_fail_on_wrong_code():
    wrong = CODE.replace("n // 2", "n // 3")
    ns = _run(doctest_tests(CODE), wrong)
    try:
        ns["test_doctest_1"]()
    except AssertionError:
        return
    raise AssertionError("derived test did not catch the wrong result")


def test_context_examples_are_used_and_no_examples_means_no_tests():
    tests = doctest_tests("def f(x):\n    return x\n", context="Examples:\n>>> f('a')\n'a'\n")
    assert "assert (f('a')) == 'a'" in tests
    assert doctest_tests("def f(x):\n    return x\n") == ""


def test_non_literal_output_is_compared_by_repr():
    code = 'def pair():\n    """\n    >>> pair()\n    Point(x=1)\n    """\n'
    assert "repr(pair()) == 'Point(x=1)'" in doctest_tests(code)
