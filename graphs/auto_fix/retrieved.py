"""Re-apply a stored before→after fix to new code: match the "before" lines with identifiers abstracted,
then write the "after" lines with the matched names substituted (and the code's own indentation)."""

from __future__ import annotations

import builtins
import difflib
import keyword
import re

from graphs.auto_fix.edits import indent_of

_TOKEN = re.compile(r"[A-Za-z_]\w*|\d+(?:\.\d+)?|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\S")
_IDENT = re.compile(r"[A-Za-z_]\w*")
_KEEP = set(keyword.kwlist) | set(dir(builtins)) | {"self", "cls"}


def _abstract(tokens: list[str]) -> list[tuple[str, bool]]:
    """(token, is_abstract) — identifiers except keywords, builtins and attribute names are abstract."""
    out = []
    for i, tok in enumerate(tokens):
        after_dot = i > 0 and tokens[i - 1] == "."
        out.append((tok, bool(_IDENT.fullmatch(tok)) and tok not in _KEEP and not after_dot))
    return out


def _match_line(pattern_line: str, code_line: str, binding: dict[str, str]) -> dict[str, str] | None:
    """Extend `binding` so `pattern_line` equals `code_line` up to identifier renaming; None if impossible."""
    pat = _abstract(_TOKEN.findall(pattern_line))
    got = _TOKEN.findall(code_line)
    if len(pat) != len(got):
        return None
    new = dict(binding)
    used = set(new.values())
    for (tok, abstract), actual in zip(pat, got, strict=True):
        if not abstract:
            if tok != actual:
                return None
            continue
        if tok in new:
            if new[tok] != actual:
                return None
        elif _IDENT.fullmatch(actual) and actual not in _KEEP and actual not in used:
            new[tok] = actual
            used.add(actual)
        else:
            return None
    return new


def _rewrite(line: str, binding: dict[str, str]) -> str:
    tokens = _TOKEN.findall(line)
    parts, pos = [], 0
    for i, tok in enumerate(tokens):
        start = line.index(tok, pos)
        parts.append(line[pos:start])
        after_dot = i > 0 and tokens[i - 1] == "."
        parts.append(binding.get(tok, tok) if not after_dot else tok)
        pos = start + len(tok)
    parts.append(line[pos:])
    return "".join(parts)


def _nonblank(lines: list[str]) -> list[int]:
    return [i for i, ln in enumerate(lines) if ln.strip() and not ln.strip().startswith("#")]


def apply_past_fix(code: str, before: str, after: str) -> str | None:
    """Apply the changed region of before→after to `code`; None when the "before" shape is not found.

    Only the lines that differ (plus one line of context either side) must match, so a fix learned on one
    function carries over to a copy with renamed variables or other surrounding code.
    """
    b_lines, a_lines = before.splitlines(), after.splitlines()
    sm = difflib.SequenceMatcher(a=b_lines, b=a_lines, autojunk=False)
    ops = [op for op in sm.get_opcodes() if op[0] != "equal"]
    if not ops:
        return None
    lo = max(0, ops[0][1] - 1)
    hi = min(len(b_lines), ops[-1][2] + 1)
    a_lo = ops[0][3] - (ops[0][1] - lo)
    a_hi = ops[-1][4] + (hi - ops[-1][2])
    window, replacement = b_lines[lo:hi], a_lines[a_lo:a_hi]
    pattern_idx = _nonblank(window)
    if not pattern_idx:
        return None
    code_lines = code.splitlines()
    code_idx = _nonblank(code_lines)
    n = len(pattern_idx)
    for start in range(len(code_idx) - n + 1):
        binding: dict[str, str] | None = {}
        for k in range(n):
            binding = _match_line(window[pattern_idx[k]].strip(), code_lines[code_idx[start + k]].strip(), binding)
            if binding is None:
                break
        if binding is None:
            continue
        first, last = code_idx[start], code_idx[start + n - 1]
        base_before = indent_of(window[pattern_idx[0]])
        base_code = indent_of(code_lines[first])
        new_lines = []
        pad = "\t" if base_code.startswith("\t") else " "
        for ln in replacement:
            if not ln.strip():
                new_lines.append("")
                continue
            # Indentation relative to the first matched line; it may be shallower (a dedented line after it).
            width = len(base_code) + len(indent_of(ln)) - len(base_before)
            if width < 0:
                return None
            new_lines.append(pad * width + _rewrite(ln.strip(), binding))
        # Leading/trailing context lines in the window were matched on non-blank lines only.
        first_ctx = pattern_idx[0]
        last_ctx = len(window) - 1 - pattern_idx[-1]
        new_lines = new_lines[first_ctx: len(new_lines) - last_ctx] if last_ctx else new_lines[first_ctx:]
        result = code_lines[:first] + new_lines + code_lines[last + 1:]
        return "\n".join(result) + ("\n" if code.endswith("\n") else "")
    return None


def fix_snippets(before: str, after: str, context: int = 2) -> tuple[str, str]:
    """The changed region of a fix with `context` lines around it (what gets stored for reuse)."""
    b_lines, a_lines = before.splitlines(), after.splitlines()
    ops = [op for op in difflib.SequenceMatcher(a=b_lines, b=a_lines, autojunk=False).get_opcodes()
           if op[0] != "equal"]
    if not ops:
        return before, after
    lo, hi = max(0, ops[0][1] - context), min(len(b_lines), ops[-1][2] + context)
    a_lo, a_hi = ops[0][3] - (ops[0][1] - lo), ops[-1][4] + (hi - ops[-1][2])
    return "\n".join(b_lines[lo:hi]) + "\n", "\n".join(a_lines[a_lo:a_hi]) + "\n"
