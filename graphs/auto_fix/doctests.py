"""Turn doctest examples (in docstrings or free-text context) into pytest test functions."""

from __future__ import annotations

import ast
import doctest
import textwrap


def _docstrings(code: str) -> list[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    docs = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            doc = ast.get_docstring(node, clean=True)
            if doc and ">>>" in doc:
                docs.append(doc)
    return docs


def _is_literal(text: str) -> bool:
    try:
        ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return True


def _example_check(ex: doctest.Example) -> list[str] | None:
    """Body lines for one example with an expected output; None if it cannot be expressed as a check."""
    source, want = ex.source.strip(), ex.want.strip()
    if ex.exc_msg is not None:
        exc_name = ex.exc_msg.split(":", 1)[0].strip().rsplit(".", 1)[-1]
        if not exc_name.isidentifier():
            return None
        return [f"with pytest.raises({exc_name}):", textwrap.indent(source, "    ")]
    try:
        ast.parse(source, mode="eval")
    except SyntaxError:
        return None
    if _is_literal(want):
        return [f"assert ({source}) == {want}"]
    return [f"assert repr({source}) == {want!r}"]


def examples_to_tests(texts: list[str], prefix: str = "doctest") -> str:
    """pytest source with one test per example that has an expected output.

    Examples without output (assignments, imports) in the same text become setup lines of later tests.
    """
    parser = doctest.DocTestParser()
    tests: list[str] = []
    for text in texts:
        try:
            examples = parser.get_examples(text)
        except ValueError:
            continue
        setup: list[str] = []
        for ex in examples:
            if not ex.want.strip() and ex.exc_msg is None:
                setup.append(ex.source.strip())
                continue
            check = _example_check(ex)
            if check is None:
                continue
            body = "\n".join(setup + check)
            tests.append(f"def test_{prefix}_{len(tests) + 1}():\n{textwrap.indent(body, '    ')}\n")
    if not tests:
        return ""
    return "import pytest\n\n\n" + "\n\n".join(tests)


def doctest_tests(code: str, context: str = "") -> str:
    """Tests from the code's docstrings plus the `context` text; "" when there are no usable examples."""
    texts = _docstrings(code)
    if ">>>" in (context or ""):
        texts.append(textwrap.dedent(context))
    return examples_to_tests(texts)
