"""Source-level edits: replace the text span of an AST node so the rest of the file (comments too) stays intact."""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    """Replace source text from (line, col) to (end_line, end_col); lines 1-based, columns in characters."""

    line: int
    col: int
    end_line: int
    end_col: int
    text: str


def _char_col(line_text: str, byte_col: int) -> int:
    # ast columns are UTF-8 byte offsets; slicing needs character offsets.
    return len(line_text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def node_edit(code_lines: list[str], node: ast.AST, text: str) -> Edit:
    """An Edit replacing `node`'s exact source span with `text`."""
    line, end_line = node.lineno, node.end_lineno or node.lineno
    col = _char_col(code_lines[line - 1], node.col_offset)
    end_col = _char_col(code_lines[end_line - 1], node.end_col_offset or 0)
    return Edit(line, col, end_line, end_col, text)


def overlaps(a: Edit, b: Edit) -> bool:
    """True when two edits touch overlapping text."""
    return not ((a.end_line, a.end_col) <= (b.line, b.col) or (b.end_line, b.end_col) <= (a.line, a.col))


def apply_edits(code: str, edits: list[Edit] | tuple[Edit, ...]) -> str | None:
    """Apply non-overlapping edits; None if any two overlap."""
    ordered = sorted(edits, key=lambda e: (e.line, e.col), reverse=True)
    for i, first in enumerate(ordered):
        if any(overlaps(first, other) for other in ordered[i + 1:]):
            return None
    lines = code.splitlines(keepends=True)
    for e in ordered:
        head = lines[e.line - 1][: e.col]
        tail = lines[e.end_line - 1][e.end_col:]
        lines[e.line - 1: e.end_line] = [head + e.text + tail]
    return "".join(lines)


def normalized(code: str) -> str | None:
    """`ast.dump` of the module (comments and formatting ignored), or None when it does not parse."""
    try:
        return ast.dump(ast.parse(code))
    except (SyntaxError, ValueError):
        return None


def parses(code: str) -> bool:
    """True when `code` compiles as a module."""
    try:
        compile(code, "solution.py", "exec")
    except (SyntaxError, ValueError):
        return False
    return True


def indent_of(line_text: str) -> str:
    """Leading whitespace of a line."""
    return line_text[: len(line_text) - len(line_text.lstrip())]


def insert_lines(code: str, before_line: int, new_lines: list[str]) -> str:
    """Insert `new_lines` (already indented, no newline) before 1-based `before_line`."""
    lines = code.splitlines(keepends=True)
    idx = max(0, min(before_line - 1, len(lines)))
    lines[idx:idx] = [t + "\n" for t in new_lines]
    return "".join(lines)


def replace_line(code: str, line: int, new_text: str) -> str:
    """Replace the whole text of 1-based `line` (keeps its newline)."""
    lines = code.splitlines(keepends=True)
    ending = "\n" if lines[line - 1].endswith("\n") else ""
    lines[line - 1] = new_text + ending
    return "".join(lines)


def enclosing_function(tree: ast.AST, line: int | None) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The innermost function whose body spans `line`."""
    if line is None:
        return None
    best = None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.lineno <= line <= (node.end_lineno or node.lineno):
                if best is None or node.lineno >= best.lineno:
                    best = node
    return best


def statement_at(tree: ast.AST, line: int) -> ast.stmt | None:
    """The innermost statement starting on `line` (or spanning it when none starts there)."""
    starting, spanning = None, None
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            if node.lineno == line:
                starting = node if starting is None or _depth_key(node) > _depth_key(starting) else starting
            elif node.lineno <= line <= (node.end_lineno or node.lineno):
                if spanning is None or node.lineno >= spanning.lineno:
                    spanning = node
    return starting or spanning


def _depth_key(node: ast.stmt) -> int:
    return node.col_offset


def scope_names(func: ast.FunctionDef | ast.AsyncFunctionDef | None, tree: ast.Module) -> list[str]:
    """Parameter and local names of `func` (module-level names when None), in first-seen order."""
    names: list[str] = []
    if func is not None:
        args = func.args
        for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if a is not None and a.arg not in names:
                names.append(a.arg)
        body: ast.AST = func
    else:
        body = tree
    for node in ast.walk(body):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id not in names:
            names.append(node.id)
    return names


def top_level_names(tree: ast.Module) -> list[str]:
    """Names of top-level functions and classes."""
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
