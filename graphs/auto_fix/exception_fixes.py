"""Repairs around exception handling: handlers that miss the raised type, `except A or B`, shadowing broad
handlers, `return` in `finally`, swallowed errors.

Resource (file, temp file) and str/bytes repairs live in `io_fixes`; `PROPOSERS` registers both modules.
Unguarded parsing and parsing ValueErrors live in `value_fixes` (its own `PROPOSERS`, merged just before this one).
"""

from __future__ import annotations

import ast
import builtins
import re

from graphs.auto_fix import io_fixes
from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import (
    Edit,
    apply_edits,
    delete_lines,
    enclosing_function,
    exception_class,
    exception_ref,
    indent_of,
    insert_after,
    loop_around,
    node_edit,
    raise_edit,
    try_nodes,
)
from graphs.auto_fix.propose_types import Proposer

_BROAD = {"Exception", "BaseException"}
_RAISE_WORDS = re.compile(r"\bre-?raise|\braises?\b|\bpropagat|\bloudly\b|\bfails?\b", re.IGNORECASE)
_EXIT = (ast.Return, ast.Raise, ast.Continue, ast.Break)


def _caught(handler: ast.ExceptHandler) -> list[ast.expr]:
    if handler.type is None:
        return []
    return list(handler.type.elts) if isinstance(handler.type, ast.Tuple) else [handler.type]


def _catches(handler: ast.ExceptHandler, name: str, tree: ast.Module) -> bool:
    """True when `handler` catches exception `name` (unknown classes compare by name only)."""
    if handler.type is None:
        return True
    short = name.rsplit(".", 1)[-1]
    raised = getattr(builtins, short, None)
    for expr in _caught(handler):
        text = ast.unparse(expr)
        if text.rsplit(".", 1)[-1] == short or text in _BROAD:
            return True
        cls = exception_class(expr, tree)
        if isinstance(raised, type) and cls is not None and issubclass(raised, cls):
            return True
    return False


def _try_body_span(node: ast.Try) -> tuple[int, int]:
    return node.body[0].lineno, node.body[-1].end_lineno or node.body[-1].lineno


def _raising_lines(ctx: FixContext) -> list[int]:
    """The failing line, plus the lines calling the function it sits in (the exception passes through them)."""
    assert ctx.tree is not None and ctx.line is not None
    lines = [ctx.line]
    func = enclosing_function(ctx.tree, ctx.line)
    if func is not None:
        lines += [n.lineno for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                  and n.func.id == func.name]
    return lines


def widen_handlers(ctx: FixContext) -> list[Candidate]:
    """The raised exception escapes a `try` whose handlers catch other types: add it to a handler."""
    if ctx.tree is None or ctx.line is None or not ctx.exception_type:
        return []
    ref = exception_ref(ctx.exception_type, ctx.tree)
    if ref is None:
        return []
    out: list[Candidate] = []
    for line in _raising_lines(ctx):
        enclosing = [t for t in try_nodes(ctx.tree) if _try_body_span(t)[0] <= line <= _try_body_span(t)[1]]
        enclosing.sort(key=lambda t: -t.lineno)  # innermost first
        for depth, node in enumerate(enclosing[:2]):
            if any(_catches(h, ctx.exception_type, ctx.tree) for h in node.handlers):
                break  # caught here: it is not escaping this try
            typed = [h for h in node.handlers if h.type is not None and not isinstance(h.type, ast.BoolOp)]
            for i, handler in enumerate(typed[:2]):
                names = [ast.unparse(e) for e in _caught(handler)] + [ref]
                code = apply_edits(ctx.code, [node_edit(ctx.lines, handler.type, f"({', '.join(names)})")])
                if code:
                    out.append(Candidate(code, "template", f"line {handler.lineno}: `except "
                                         f"{ast.unparse(handler.type)}` let the {ref} raised on line {line} escape: "
                                         f"now `except ({', '.join(names)})`", 0.9 * 0.85 ** (i + depth)))
        if out:
            break
    return out


def or_in_except(ctx: FixContext) -> list[Candidate]:
    """`except A or B:` only catches A (the `or` is evaluated first): catch the tuple `(A, B)`."""
    if ctx.tree is None:
        return []
    edits = [node_edit(ctx.lines, h.type, f"({', '.join(ast.unparse(v) for v in h.type.values)})")
             for h in ast.walk(ctx.tree) if isinstance(h, ast.ExceptHandler) and isinstance(h.type, ast.BoolOp)]
    code = apply_edits(ctx.code, edits) if edits else None
    if not code:
        return []
    return [Candidate(code, "template", "`except A or B:` only catches A (`A or B` evaluates to A): it now "
                      "catches the tuple `(A, B)`", 0.95)]


def _shadows(broad: ast.ExceptHandler, narrow: ast.ExceptHandler, tree: ast.Module) -> bool:
    """True when every exception `narrow` catches is already caught by the earlier `broad`."""
    if narrow.type is None:
        return False
    if broad.type is None:
        return True
    wide = [ast.unparse(e) for e in _caught(broad)]
    narrow_texts = [ast.unparse(e) for e in _caught(narrow)]
    if any(w in _BROAD for w in wide) and not any(n in _BROAD for n in narrow_texts):
        return True
    wide_cls = [exception_class(e, tree) for e in _caught(broad)]
    for expr in _caught(narrow):
        cls = exception_class(expr, tree)
        if cls is None or not any(w is not None and w is not cls and issubclass(cls, w) for w in wide_cls):
            return False
    return True


def reorder_handlers(ctx: FixContext) -> list[Candidate]:
    """A broad handler before a specific one makes the specific one dead code: move the broad one after it."""
    if ctx.tree is None:
        return []
    out = []
    lines = ctx.code.splitlines(keepends=True)
    for node in try_nodes(ctx.tree):
        hs = node.handlers
        order = list(range(len(hs)))
        for _ in range(len(hs) ** 2):
            pair = next(((i, j) for i in range(len(order)) for j in range(i + 1, len(order))
                         if _shadows(hs[order[i]], hs[order[j]], ctx.tree)), None)
            if pair is None:
                break
            i, j = pair
            order.insert(j, order.pop(i))
        if order == list(range(len(hs))):
            continue
        starts = [h.lineno for h in hs]
        ends = [s - 1 for s in starts[1:]] + [hs[-1].end_lineno or hs[-1].lineno]
        blocks = ["".join(lines[starts[k] - 1: ends[k]]) for k in range(len(hs))]
        blocks = [b if b.endswith("\n") else b + "\n" for b in blocks]
        new = "".join(lines[: starts[0] - 1]) + "".join(blocks[k] for k in order) + "".join(lines[ends[-1]:])
        moved = ", ".join(f"`except {ast.unparse(hs[k].type)}`" if hs[k].type else "bare `except`"
                          for k in order if order.index(k) > k)
        out.append(Candidate(new, "template", f"line {node.lineno}: {moved} came before more "
                             "specific ones, which could never run: reordered specific-first", 0.92))
    return out


def _direct_returns(stmts: list[ast.stmt]) -> list[ast.Return]:
    found = []
    for stmt in stmts:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Return):
                found.append(node)
    return found


def _falls_through(body: list[ast.stmt]) -> bool:
    return not isinstance(body[-1], _EXIT)


def finally_returns(ctx: FixContext) -> list[Candidate]:
    """`return` inside `finally` discards any exception in flight: drop it (and re-raise in the handlers that
    only clean up), or move a value-returning one after the `try`."""
    if ctx.tree is None:
        return []
    out = []
    keep = ctx.code.splitlines(keepends=True)
    for node in try_nodes(ctx.tree):
        rets = _direct_returns(node.finalbody)
        if not rets:
            continue
        fin_line = next((n for n in range(node.finalbody[0].lineno - 1, 0, -1)
                         if keep[n - 1].strip().startswith("finally")), None)
        if fin_line is None:
            continue
        if all(isinstance(s, ast.Return) for s in node.finalbody):
            if node.handlers or node.orelse:
                drops = [delete_lines(keep, fin_line, node.end_lineno or node.lineno)]
            else:
                last = node.finalbody[-1]
                pad = indent_of(keep[last.lineno - 1])
                drops = [Edit(node.finalbody[0].lineno, 0, last.end_lineno or last.lineno,
                              len(keep[(last.end_lineno or last.lineno) - 1]), f"{pad}pass\n")]
        else:
            drops = [delete_lines(keep, r.lineno, r.end_lineno or r.lineno) for r in rets
                     if isinstance(r, ast.Return) and r in node.finalbody]
            if len(drops) != len(rets):
                continue
        where = f"line {rets[0].lineno}: `return` in `finally` swallowed every exception"
        variants = [(drops, f"{where}: removed it so errors propagate", 0.85)]
        cleanup = [h for h in node.handlers if _falls_through(h.body) or _quiet_end(h)]
        if cleanup:
            variants.append((drops + [raise_edit(keep, h) for h in cleanup],
                             f"{where}: removed it, and the handler now re-raises after cleaning up", 0.86))
        value = rets[0].value
        if len(rets) == 1 and value is not None and not (isinstance(value, ast.Constant) and value.value is None):
            pad = indent_of(keep[node.lineno - 1])
            moved = drops + [insert_after(keep, node.end_lineno or node.lineno, [f"{pad}return {ast.unparse(value)}"])]
            variants.append((moved, f"{where}: moved the `return` after the `try` statement", 0.7))
        for edits, why, prior in variants:
            code = apply_edits(ctx.code, edits)
            if code:
                out.append(Candidate(code, "template", why, prior))
    return out


def _quiet_end(handler: ast.ExceptHandler) -> bool:
    """The handler ends in `pass`, `continue` or a bare `return`/`return None` (no fallback value)."""
    last = handler.body[-1]
    if isinstance(last, ast.Return):
        return last.value is None or (isinstance(last.value, ast.Constant) and last.value.value is None)
    return isinstance(last, ast.Pass | ast.Continue) or (isinstance(last, ast.Expr) and isinstance(
        last.value, ast.Constant) and last.value.value is Ellipsis)


def _last_attempt(loop: ast.For | ast.While | None) -> str | None:
    """`var == stop - 1` for a `for var in range(...)` loop, the test for its last iteration."""
    if not isinstance(loop, ast.For) or not isinstance(loop.target, ast.Name):
        return None
    it = loop.iter
    if not (isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range"
            and 1 <= len(it.args) <= 2 and not it.keywords):
        return None
    stop = it.args[-1]
    last = str(stop.value - 1) if isinstance(stop, ast.Constant) and isinstance(stop.value, int) else \
        f"{ast.unparse(stop)} - 1"
    return f"{loop.target.id} == {last}"


def _swallows(handler: ast.ExceptHandler, told: bool = False) -> bool:
    """The handler neither re-raises nor returns a real value: the caller never learns about the error. When a
    test said the error was expected (`DID NOT RAISE`), a fallback value swallows it too."""
    if any(isinstance(n, ast.Raise) for n in ast.walk(handler)):
        return False
    last = handler.body[-1]
    if told:
        return True
    if isinstance(last, ast.Return):
        return last.value is None or (isinstance(last.value, ast.Constant) and last.value.value is None)
    return not isinstance(last, ast.Break)


def reraise_swallowed(ctx: FixContext) -> list[Candidate]:
    """A handler that swallows the error (`pass`, `continue`, `return None`, cleanup only) where callers need it:
    re-raise it, or in a retry loop re-raise on the last attempt."""
    if ctx.tree is None:
        return []
    keep = ctx.code.splitlines(keepends=True)
    funcs = {id(f): f for line in ctx.suspicious[:8] if (f := enclosing_function(ctx.tree, line)) is not None}
    told = "DID NOT RAISE" in ctx.message
    out: list[Candidate] = []
    for func in funcs.values():
        doc = ast.get_docstring(func) or ""
        base = 0.85 if told or _RAISE_WORDS.search(doc) else 0.5
        handlers = [h for h in ast.walk(func) if isinstance(h, ast.ExceptHandler) and _swallows(h, told)]
        for i, h in enumerate(handlers[:3]):
            caught = f"`except {ast.unparse(h.type)}`" if h.type is not None else "`except`"
            check = _last_attempt(loop_around(func, h.lineno))
            last = h.body[-1]
            if check and isinstance(last, ast.Continue | ast.Pass):
                pad = indent_of(keep[last.lineno - 1])
                edit = insert_after(keep, last.lineno - 1, [f"{pad}if {check}:", f"{pad}    raise"])
                code = apply_edits(ctx.code, [edit])
                if code:
                    out.append(Candidate(code, "template", f"line {h.lineno}: {caught} swallowed the error on every "
                                         f"retry: it is now re-raised after the last attempt (`if {check}: raise`)",
                                         (base + 0.05) * 0.9 ** i))
                continue
            code = apply_edits(ctx.code, [raise_edit(keep, h)])
            if code:
                out.append(Candidate(code, "template", f"line {h.lineno}: {caught} swallowed the error its callers "
                                     "need: it now re-raises", base * 0.9 ** i))
            if told and (wanted := _translated(keep, h, ctx.message)) is not None:
                out.append(Candidate(wanted[0], "template", f"line {h.lineno}: {caught} swallowed the error its "
                                     f"callers need: it now raises `{wanted[1]}` from it", base * 0.95 * 0.9 ** i))
    return out[:4]


_DID_NOT_RAISE = re.compile(r"DID NOT RAISE <?(?:class ')?([A-Za-z_][\w.]*)")
_HEADER = re.compile(r"^(\s*except\b[^:#]*?)(\s+as\s+(\w+))?\s*:\s*(#.*)?$")


def _translated(keep: list[str], handler: ast.ExceptHandler, message: str) -> tuple[str, str] | None:
    """The handler raising the exception type the test expected, chained to the caught one (when that type is not
    already what was caught)."""
    m = _DID_NOT_RAISE.search(message)
    if m is None or handler.type is None or m[1].rsplit(".", 1)[-1] in ast.unparse(handler.type):
        return None
    wanted = m[1].rsplit(".", 1)[-1]
    header = _HEADER.match(keep[handler.lineno - 1].rstrip("\n"))
    if header is None or not keep[handler.lineno - 1].rstrip().endswith(":"):
        return None
    name = header[3] or "exc"
    last = handler.body[-1]
    pad = indent_of(keep[last.lineno - 1])
    edits = [Edit(last.lineno, len(pad), last.end_lineno or last.lineno,
                  len(keep[(last.end_lineno or last.lineno) - 1].rstrip("\n")), f"raise {wanted}(str({name})) from {name}")]
    if not header[3]:
        edits.append(Edit(handler.lineno, 0, handler.lineno, len(keep[handler.lineno - 1].rstrip("\n")),
                          f"{header[1]} as {name}:"))
    code = apply_edits("".join(keep), edits)
    return (code, wanted) if code else None


_SILENT = ["wrong_output", "assertion_error", "unknown", "static_finding", "other_exception"]


def early_exits_before_cleanup(ctx: FixContext) -> list[Candidate]:
    """`acquired = lock.acquire(blocking=False)` then `try: if not acquired: return False ... finally:
    lock.release()`: the early exit still runs the cleanup of what it never set up (`release unlocked lock`).
    The check moves in front of the `try`."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for node in (t for t in try_nodes(ctx.tree) if t.finalbody and t.body and isinstance(t.body[0], ast.If)):
        check = node.body[0]
        if check.orelse or len(node.body) < 2 or not all(isinstance(s, ast.Return | ast.Raise) for s in check.body):
            continue
        lines = ctx.code.splitlines(keepends=True)
        start, end = check.lineno - 1, check.end_lineno or check.lineno
        block = lines[start:end]
        shift = len(indent_of(ctx.lines[check.lineno - 1])) - len(indent_of(ctx.lines[node.lineno - 1]))
        moved = [ln[shift:] if ln[:shift].strip() == "" else ln for ln in block]
        new = lines[:node.lineno - 1] + moved + lines[node.lineno - 1:start] + lines[end:]
        out.append(Candidate("".join(new), "template", f"line {check.lineno}: the early exit ran the `finally` "
                             f"cleanup of what was never set up; the check now comes before the `try`", 0.84))
    return out


def _table() -> dict[str, list[Proposer]]:
    table: dict[str, list[Proposer]] = {"*": [or_in_except, reorder_handlers, finally_returns, widen_handlers,
                                               early_exits_before_cleanup]}

    def add(classes: list[str], *proposers: Proposer) -> None:
        for cls in classes:
            table.setdefault(cls, []).extend(proposers)

    add(_SILENT, reraise_swallowed)
    add([*_SILENT, "value_error", "index_error"], io_fixes.close_files)
    add([*_SILENT, "type_error"], io_fixes.file_modes)
    add(_SILENT, io_fixes.consume_once, io_fixes.keep_temp_files, io_fixes.decode_bytes_text)
    add(["type_error", "other_exception"], io_fixes.convert_text_bytes)
    add(["attribute_error"], io_fixes.drop_codec_calls)
    return table


PROPOSERS: dict[str, list[Proposer]] = _table()
