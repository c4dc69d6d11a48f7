"""A broad handler (`except Exception`, bare `except`) that also swallows errors the callers need: catch only what
the protected code is there to handle, read off that code (a division → ZeroDivisionError, `int(text)` →
ValueError, `d["key"]` → KeyError, `open()` → OSError). Unlike re-raising, the documented fallback stays.

Registered through `PROPOSERS`; `propose.TEMPLATE_MODULES` lists this module.
"""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import Edit, apply_edits, node_edit
from graphs.auto_fix.propose_types import Proposer

_BROAD = ("Exception", "BaseException")
_CALLS = {"int": "ValueError", "float": "ValueError", "Decimal": "InvalidOperation", "loads": "ValueError",
          "load": "ValueError", "open": "OSError", "index": "ValueError", "next": "StopIteration",
          "fromisoformat": "ValueError", "strptime": "ValueError", "remove": "ValueError", "pop": "KeyError"}
_EXPECTED = re.compile(r"DID NOT RAISE <?(?:class ')?(?:[\w.]+\.)?(\w+)")


def _raised_by(body: list[ast.stmt]) -> list[str]:
    """Exception types the statements are likely to raise on bad data, most specific evidence first."""
    found: list[str] = []
    for node in (n for stmt in body for n in ast.walk(stmt)):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div | ast.FloorDiv | ast.Mod) \
                and not isinstance(node.right, ast.Constant):
            found.append("ZeroDivisionError")
        elif isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else \
                node.func.attr if isinstance(node.func, ast.Attribute) else ""
            if name in _CALLS:
                found.append(_CALLS[name])
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and isinstance(node.slice, ast.Constant):
            found.append("KeyError" if isinstance(node.slice.value, str) else "IndexError")
    return list(dict.fromkeys(found))


def narrowed_handlers(ctx: FixContext) -> list[Candidate]:
    """`except Exception:` around `a / b` → `except ZeroDivisionError:` (each type the body raises, then all)."""
    if ctx.tree is None:
        return []
    expected = _EXPECTED.search(ctx.message)
    out: list[Candidate] = []
    for node in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Try)):
        raised = _raised_by(node.body)
        for handler in node.handlers:
            broad = handler.type is None or ast.unparse(handler.type) in _BROAD
            kinds = [k for k in raised if not (expected and k == expected[1])]
            if not broad or not kinds:
                continue
            # The test expected an error the broad handler swallowed: narrowing lets it through.
            prior = 0.88 if expected else 0.62
            choices = [(k, prior * 0.97 ** i) for i, k in enumerate(kinds)]
            if len(kinds) > 1:
                choices.append((f"({', '.join(kinds)})", prior * 0.98))
            for text, p in choices:
                if handler.type is not None:
                    code = apply_edits(ctx.code, [node_edit(ctx.lines, handler.type, text)])
                else:
                    line = ctx.lines[handler.lineno - 1]
                    at = line.index("except") + len("except")
                    code = apply_edits(ctx.code, [Edit(handler.lineno, at, handler.lineno, at, f" {text}")])
                if code:
                    out.append(Candidate(code, "template", f"line {handler.lineno}: the broad handler also swallowed "
                                         f"errors its callers need; it now catches only `{text}`, what the protected "
                                         "code raises on bad data", p))
    return out


PROPOSERS: dict[str, list[Proposer]] = {
    "wrong_output": [narrowed_handlers], "assertion_error": [narrowed_handlers],
    "other_exception": [narrowed_handlers],
}
