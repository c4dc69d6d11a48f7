"""Repairs of code that does not parse: constructs from other languages (`else if`, `&&`, `||`, `!x`, `===`,
`null`/`true`, `i++`) and missing commas between items. Merged into `call_fixes.PROPOSERS`."""

from __future__ import annotations

import io
import re
import tokenize

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.propose_types import Proposer

_FOREIGN = [(re.compile(r"\belse\s+if\b"), "elif", "`else if` → `elif`"),
            (re.compile(r"\s*&&\s*"), " and ", "`&&` → `and`"), (re.compile(r"\s*\|\|\s*"), " or ", "`||` → `or`"),
            (re.compile(r"!==?"), lambda mt: " != " if mt[0] == "!==" else "!=", "`!==` → `!=`"),
            (re.compile(r"===?"), lambda mt: "==" if mt[0] == "===" else mt[0], "`===` → `==`"),
            (re.compile(r"!(?!=)\s*"), "not ", "`!x` → `not x`"),
            (re.compile(r"\bnull\b|\bnil\b"), "None", "`null` → `None`"),
            (re.compile(r"\btrue\b"), "True", "`true` → `True`"), (re.compile(r"\bfalse\b"), "False", "`false` → `False`"),
            (re.compile(r"^(\s*)(\w+)(\+\+|--)\s*;?\s*$"), lambda mt: f"{mt[1]}{mt[2]} {mt[3][0]}= 1", "`i++` → `i += 1`")]
_STRING_OR_COMMENT = re.compile(r"([rbfuRBFU]*\"(?:[^\"\\\n]|\\.)*\"|[rbfuRBFU]*'(?:[^'\\\n]|\\.)*'|#.*)")


def _parses(code: str) -> SyntaxError | None:
    try:
        compile(code, "solution.py", "exec")
    except SyntaxError as exc:
        return exc
    return None


def _rewrite_line(text: str) -> tuple[str, list[str]]:
    """Apply the foreign-construct rewrites to the code parts of one line (strings and comments untouched)."""
    parts = _STRING_OR_COMMENT.split(text)
    whys: list[str] = []
    for pattern, repl, why in _FOREIGN:
        for i in range(0, len(parts), 2):
            new = pattern.sub(repl, parts[i])
            if new != parts[i]:
                parts[i] = new
                whys.append(why)
    return "".join(parts), list(dict.fromkeys(whys))


def foreign_syntax(ctx: FixContext) -> list[Candidate]:
    """Constructs from C/JavaScript/Java in Python: `else if`, `&&`, `||`, `!x`, `===`, `null`/`true`, `i++`."""
    if ctx.tree is not None or ctx.line is None:
        return []
    out = []
    lines = ctx.code.splitlines(keepends=True)
    in_text, prose = False, set()  # lines inside or opening/closing triple-quoted strings are left alone
    for i, text in enumerate(lines):
        quotes = text.count('"""') + text.count("'''")
        if in_text or quotes:
            prose.add(i)
        in_text = in_text != (quotes % 2 == 1)
    for scope, prior in (("all", 0.92), ("line", 0.9)):
        new, whys = list(lines), []
        for i, text in enumerate(lines):
            if (scope == "all" and i not in prose) or i == ctx.line - 1:
                new[i], why = _rewrite_line(text)
                whys += why
        code = "".join(new)
        if whys and _parses(code) is None:
            out.append(Candidate(code, "template", f"Python syntax: {', '.join(dict.fromkeys(whys))}", prior))
    return out


def _comma_spots(code: str, line: int) -> list[tuple[int, int]]:
    """(line, col) after tokens where a comma could separate two values next to `line`: line ends first, then
    gaps between adjacent values on `line`."""
    toks = []
    try:
        for t in tokenize.generate_tokens(io.StringIO(code).readline):
            if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
                toks.append(t)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    value_end = {tokenize.NAME, tokenize.NUMBER, tokenize.STRING}
    spots = []
    for a, b in zip(toks, toks[1:], strict=False):
        ends = a.type in value_end or a.string in (")", "]", "}")
        starts = b.type in value_end or b.string in ("(", "[", "{")
        if ends and starts and line in (a.end[0], b.start[0]) and not (a.type == tokenize.NAME and a.string in _KEYWORDS) \
                and not (b.type == tokenize.NAME and b.string in _KEYWORDS):
            spots.append(a.end)
    spots.sort(key=lambda spot: spot[0] == line)  # a line break between two values first
    return spots[:6]


_KEYWORDS = frozenset({"and", "or", "not", "in", "is", "if", "else", "for", "lambda", "return", "def", "class",
                       "import", "from", "as", "with", "while", "yield", "await", "async", "elif", "del", "pass"})


def _with_commas(code: str, depth: int = 3) -> str | None:
    """Insert commas where Python reports an invalid/missing-comma spot until the module parses."""
    err = _parses(code)
    if err is None:
        return code
    if depth == 0 or not err.lineno or not re.search(r"comma|invalid syntax", err.msg or ""):
        return None
    for line, col in _comma_spots(code, err.lineno):
        rows = code.splitlines(keepends=True)
        rows[line - 1] = rows[line - 1][:col] + "," + rows[line - 1][col:]
        fixed = "".join(rows)
        after = _parses(fixed)
        if after is None or ((after.lineno or 0), after.offset or 0) > (err.lineno, err.offset or 0):
            done = _with_commas(fixed, depth - 1)
            if done is not None:
                return done
    return None


def missing_commas(ctx: FixContext) -> list[Candidate]:
    """A missing comma between items of a (multi-line) literal or call."""
    if ctx.tree is not None or not re.search(r"comma|invalid syntax", ctx.message):
        return []
    code = _with_commas(ctx.code)
    if code is None or code == ctx.code:
        return []
    return [Candidate(code, "template", "added the missing comma between two items", 0.9)]


PROPOSERS: dict[str, list[Proposer]] = {
    "syntax_error": [foreign_syntax, missing_commas],
}
