"""Turn doctest examples (in docstrings or free-text context) into pytest test functions."""

from __future__ import annotations

import ast
import doctest
import re
import textwrap

_CLAIM = re.compile(r"\s*(?:should|must|ought to|is expected to|has to)?\s*(?:be|return|give|equal|yield|evaluate "
                    r"to)s?\b\s*|\s*(?:==|->|=>|→)\s*|\s*(?:returns|gives|equals|yields)\s+", re.IGNORECASE)
_RAISES = re.compile(r"\s*(?:should|must)?\s*raises?\s+(?:an?\s+)?`?(?P<exc>[A-Z]\w*(?:Error|Exception))",
                     re.IGNORECASE)


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


def _call_at(text: str, start: int) -> int | None:
    """End index of the balanced `name(...)` call starting at `start` (None when unbalanced)."""
    depth = 0
    for i in range(text.index("(", start), min(len(text), start + 400)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i + 1
    return None


def _literal_prefix(text: str) -> str | None:
    """The longest prefix of `text` (within its first line) that is a Python literal."""
    line = text.split("\n", 1)[0][:200].strip().strip("`")
    for end in range(len(line), 0, -1):
        piece = line[:end].strip().rstrip("`")
        if piece and not piece.endswith(",") and _is_literal(piece):
            return piece
    return None


def prose_examples(code: str, context: str) -> list[str]:
    """Checks stated in prose, e.g. "to_celsius(212) should be 100.0" or "parse('') raises ValueError", for
    functions the code defines: one assert (or pytest.raises) line each."""
    try:
        defined = {n.name for n in ast.parse(code).body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    except SyntaxError:
        return []
    checks: list[str] = []
    for m in re.finditer(r"\b([A-Za-z_]\w*)\(", context or ""):
        if m[1] not in defined:
            continue
        end = _call_at(context, m.start())
        if end is None:
            continue
        call = context[m.start():end]
        try:
            ast.parse(call, mode="eval")
        except SyntaxError:
            continue
        rest = context[end:]
        if r := _RAISES.match(rest):
            checks.append(f"with pytest.raises({r['exc']}):\n    {call}")
            continue
        claim = _CLAIM.match(rest)
        if claim and claim.end() > 0 and (want := _literal_prefix(rest[claim.end():])) is not None:
            checks.append(f"assert ({call}) == {want}")
    return list(dict.fromkeys(checks))


def context_tests(code: str, context: str, prefix: str = "stated") -> str:
    """Tests from doctest examples and prose claims in the docstrings and `context` ("" when none)."""
    parts = []
    doc = doctest_tests(code, context)
    if doc:
        parts.append(doc.replace("import pytest\n\n\n", "", 1).replace("def test_doctest_", f"def test_{prefix}_doc_"))
    prose = prose_examples(code, context)
    for i, check in enumerate(prose, start=1):
        parts.append(f"def test_{prefix}_{i}():\n{textwrap.indent(check, '    ')}\n")
    return "import pytest\n\n\n" + "\n\n".join(parts) if parts else ""


def prose_tests(code: str, context: str) -> str:
    """Tests from the prose claims alone (when the doctest examples are already the tests)."""
    prose = prose_examples(code, context)
    body = [f"def test_stated_{i}():\n{textwrap.indent(c, '    ')}\n" for i, c in enumerate(prose, start=1)]
    return "import pytest\n\n\n" + "\n\n".join(body) if body else ""


def doctest_tests(code: str, context: str = "") -> str:
    """Tests from the code's docstrings plus the `context` text; "" when there are no usable examples."""
    texts = _docstrings(code)
    if ">>>" in (context or ""):
        texts.append(textwrap.dedent(context))
    return examples_to_tests(texts)
