"""Source-level edits: replace the text span of an AST node so the rest of the file (comments too) stays intact.
Also the shared AST look-ups the templates build edits from (scopes, statements, loops, `try`s, exception names)."""

from __future__ import annotations

import ast
import builtins
import importlib
import sys
from dataclasses import dataclass

_UNSAFE_IMPORTS = frozenset({"antigravity", "this", "turtle", "turtledemo", "tkinter", "idlelib", "__hello__",
                             "__phello__"})  # importing these has side effects


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


def try_nodes(tree: ast.AST) -> list[ast.Try]:
    """Every `try` statement under `tree`."""
    return [n for n in ast.walk(tree) if isinstance(n, ast.Try)]


def loop_around(func: ast.AST, line: int) -> ast.For | ast.While | None:
    """The innermost `for`/`while` loop in `func` whose body holds `line`."""
    loops = [n for n in ast.walk(func) if isinstance(n, ast.For | ast.While)
             and n.lineno < line <= (n.end_lineno or n.lineno)]
    return max(loops, key=lambda n: n.lineno) if loops else None


def delete_lines(keep: list[str], first: int, last: int) -> Edit:
    """An Edit removing whole 1-based lines first..last (`keep` = lines with their newlines)."""
    return Edit(first, 0, last, len(keep[last - 1]), "")


def insert_after(keep: list[str], line: int, new_lines: list[str]) -> Edit:
    """An Edit inserting `new_lines` (indented, no newline) after 1-based `line`."""
    text = "".join(t + "\n" for t in new_lines)
    if not keep[line - 1].endswith("\n"):
        text = "\n" + text.rstrip("\n")
    return Edit(line, len(keep[line - 1]), line, len(keep[line - 1]), text)


def _is_noop(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
                                          and stmt.value.value is Ellipsis)


def raise_edit(keep: list[str], handler: ast.ExceptHandler) -> Edit:
    """Make the handler re-raise: its final `pass`/`continue`/`break`/`return ...` (a fallback value included)
    becomes `raise`, otherwise `raise` is appended."""
    last = handler.body[-1]
    pad = indent_of(keep[last.lineno - 1])
    if _is_noop(last) or isinstance(last, ast.Return | ast.Continue | ast.Break):
        return Edit(last.lineno, len(pad), last.end_lineno or last.lineno, len(keep[last.lineno - 1].rstrip("\n")),
                    "raise")
    return insert_after(keep, last.end_lineno or last.lineno, [f"{pad}raise"])


def _imported_modules(tree: ast.Module) -> dict[str, str]:
    """Local name -> module for `import x` / `import x as y` statements."""
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                out[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
    return out


def stdlib_module(module: str) -> object | None:
    """Import a standard-library module named by user code or an error message, inside the server process: only
    the standard library, never modules with import-time side effects (printing to stdout, which is the MCP
    stream in stdio mode, or opening windows/browsers). None when it is not allowed or not importable."""
    top = module.split(".")[0]
    if not module or top not in sys.stdlib_module_names or top in _UNSAFE_IMPORTS:
        return None
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def _stdlib_attr(module: str, name: str) -> object | None:
    found = stdlib_module(module)
    return getattr(found, name, None) if found is not None else None


def exception_ref(name: str, tree: ast.Module) -> str | None:
    """Source text naming exception `name` (short or dotted) in this module, or None when it can't be named."""
    short = name.rsplit(".", 1)[-1]
    if isinstance(getattr(builtins, short, None), type):
        return short
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == short:
            return ast.unparse(node)
        if isinstance(node, ast.Name) and node.id == short or isinstance(node, ast.ClassDef) and node.name == short:
            return short
        if isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == short for a in node.names):
            return short
    for local, module in _imported_modules(tree).items():
        if isinstance(_stdlib_attr(module, short), type):
            return f"{local}.{short}"
    return None


def exception_class(expr: ast.expr, tree: ast.Module) -> type | None:
    """The class an `except` names, for builtins and stdlib module attributes."""
    if isinstance(expr, ast.Name):
        found = getattr(builtins, expr.id, None)
        return found if isinstance(found, type) else None
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        module = _imported_modules(tree).get(expr.value.id)
        found = _stdlib_attr(module, expr.attr) if module else None
        return found if isinstance(found, type) else None
    return None


def nodes_on_line(tree: ast.AST | None, line: int | None, kinds: tuple[type, ...]) -> list:
    """Nodes of the given kinds that start on 1-based `line` ([] without a tree or a line)."""
    if tree is None or line is None:
        return []
    return [n for n in ast.walk(tree) if isinstance(n, kinds) and getattr(n, "lineno", None) == line]


def body_start(func: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> ast.stmt:
    """The first statement of a body after its docstring (the docstring itself when it is all there is)."""
    first = func.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str) \
            and len(func.body) > 1:
        return func.body[1]
    return first


def docstring_of(func: ast.AST | None) -> str:
    """The docstring of a function ("" for anything else or none)."""
    return (ast.get_docstring(func) or "") if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) else ""


def last_assignment(scope: ast.AST, name: str, before: int) -> ast.Assign | None:
    """The last `name = ...` in `scope` before line `before`."""
    found = [a for a in ast.walk(scope) if isinstance(a, ast.Assign) and a.lineno < before
             and any(isinstance(t, ast.Name) and t.id == name for t in a.targets)]
    return found[-1] if found else None


def call_with(call: ast.Call, extra: str) -> str:
    """Source of `call` with one more argument (`"default=0"`, `"None"`) after the ones it has."""
    parts = [ast.unparse(a) for a in call.args] + [ast.unparse(k) for k in call.keywords] + [extra]
    return f"{ast.unparse(call.func)}({', '.join(parts)})"


def flatten_add(node: ast.expr) -> list[ast.expr]:
    """`a + b + c` → [a, b, c] (left to right)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return flatten_add(node.left) + flatten_add(node.right)
    return [node]
