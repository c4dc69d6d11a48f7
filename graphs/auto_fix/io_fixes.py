"""Repairs around resources and str/bytes: unclosed files, wrong open modes, one-shot iterators consumed twice,
temp files deleted while their path is returned, and text/bytes mix-ups."""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import Edit, apply_edits, enclosing_function, indent_of, node_edit

_OPENERS = {"open", "fdopen"}
_ONE_SHOT = {"map", "filter", "zip", "iter", "reversed", "enumerate", "reader", "DictReader", "finditer",
             "imap", "islice", "chain", "groupby"}
_CONSUMERS = {"list", "tuple", "set", "sorted", "sum", "max", "min", "any", "all", "dict", "frozenset", "Counter"}
_APPEND_WORDS = re.compile(r"\bappend|\blog(?:s|ged|ging)?\b|journal|\brecord|\badds?\b|\btrack|\baccumulat|"
                           r"keeps? (?:previous|old|existing)", re.IGNORECASE)
_WRITE_WORDS = re.compile(r"\boverwrit|\breplac|\bsave|\bexport|\bdump|\bwrite|\bcreate", re.IGNORECASE)
NEEDS_BYTES = re.compile(r"bytes-like object is required|must be encoded|can't concat str to bytes|buffer API|"
                          r"expected bytes|string pattern on a bytes|of bytes, not str|bytes-like object or ASCII|"
                          r"can't concat str to bytes|expected a bytes", re.IGNORECASE)
NEEDS_STR = re.compile(r"must be str(?: or None)?, not bytes|concatenate str \(not \"bytes\"\)|bytes pattern on a "
                        r"string|expected str instance, bytes|bytes is not JSON serializable|of str, not bytes",
                        re.IGNORECASE)
BYTES_OUT = {"b64encode", "urlsafe_b64encode", "standard_b64encode", "b32encode", "b16encode", "b85encode",
              "encodebytes", "hexlify", "b2a_hex", "b2a_base64", "compress", "digest"}
_BYTES_METHODS = {"startswith", "endswith", "split", "rsplit", "strip", "rstrip", "lstrip", "replace", "count",
                  "find", "index", "partition", "rpartition", "removeprefix", "removesuffix", "join"}


def callee(call: ast.Call) -> str:
    """The called name: `f` for `f(...)` and `x.f(...)`."""
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _functions(ctx: FixContext) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Functions holding the failing/suspicious lines (all functions when nothing is localized)."""
    assert ctx.tree is not None
    lines = ([ctx.line] if ctx.line else []) + ctx.suspicious[:8]
    found = {id(f): f for line in lines if (f := enclosing_function(ctx.tree, line)) is not None}
    return list(found.values()) or [n for n in ast.walk(ctx.tree) if isinstance(n, ast.FunctionDef)]


def _uses(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


def _blocks(func: ast.AST) -> list[list[ast.stmt]]:
    return [getattr(n, f) for n in ast.walk(func) for f in ("body", "orelse", "finalbody")
            if isinstance(getattr(n, f, None), list) and getattr(n, f) and isinstance(getattr(n, f)[0], ast.stmt)]


def close_files(ctx: FixContext) -> list[Candidate]:
    """`f = open(...)` never closed (data not flushed when read back): a `with` block over the statements using f."""
    if ctx.tree is None:
        return []
    out = []
    keep = ctx.code.splitlines(keepends=True)
    for func in _functions(ctx):
        for block in _blocks(func):
            for idx, stmt in enumerate(block):
                if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0],
                        ast.Name) and isinstance(stmt.value, ast.Call) and callee(stmt.value) in _OPENERS):
                    continue
                name = stmt.targets[0].id
                users = [i for i in range(idx + 1, len(block)) if _uses(block[i], name)]
                if not users:
                    continue
                body = block[idx + 1: users[-1] + 1]
                closes = [s for s in body if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
                          and ast.unparse(s.value) == f"{name}.close()"]
                if closes and closes[-1] is body[-1] and not any(isinstance(n, ast.Return | ast.Raise)
                                                                 for s in body for n in ast.walk(s)):
                    continue  # closed on every path already
                pad = indent_of(keep[stmt.lineno - 1])
                text = [f"{pad}with {ast.unparse(stmt.value)} as {name}:\n"]
                drop = {ln for s in closes for ln in range(s.lineno, (s.end_lineno or s.lineno) + 1)}
                first, last = body[0].lineno, body[-1].end_lineno or body[-1].lineno
                text += ["    " + t if t.strip() else t for ln, t in enumerate(keep[first - 1: last], first)
                         if ln not in drop]
                if len(text) == 1:
                    continue
                text[-1] = text[-1] if text[-1].endswith("\n") else text[-1] + "\n"
                edit = Edit(stmt.lineno, 0, last, len(keep[last - 1]), "".join(text))
                code = apply_edits(ctx.code, [edit])
                if code:
                    out.append(Candidate(code, "template", f"line {stmt.lineno}: `{name}` was opened but never "
                                         f"closed (writes not flushed): now a `with` block", 0.65 if closes else 0.85))
    return out[:2]


def _mode_arg(call: ast.Call) -> ast.Constant | None:
    args = [a for a in call.args[1:2]] + [k.value for k in call.keywords if k.arg == "mode"]
    return args[0] if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str) else None


def _handle_calls(func: ast.AST) -> set[str]:
    return {callee(n) for n in ast.walk(func) if isinstance(n, ast.Call)}


def _bytes_written(func: ast.AST) -> bool | None:
    """True/False when `.write(...)` is given bytes/text literals, None when unknown."""
    for n in ast.walk(func):
        if isinstance(n, ast.Call) and callee(n) == "write" and n.args:
            arg = n.args[0]
            if isinstance(arg, ast.Constant):
                return isinstance(arg.value, bytes)
            if isinstance(arg, ast.JoinedStr) or isinstance(arg, ast.BinOp) and any(
                    isinstance(s, ast.Constant) and isinstance(s.value, str) for s in (arg.left, arg.right)):
                return False
    return None


def file_modes(ctx: FixContext) -> list[Candidate]:
    """The open mode contradicts the intent: append vs overwrite (from the name/docstring), binary vs text (from
    pickle/json/bytes writes or the error)."""
    if ctx.tree is None:
        return []
    out = []
    for func in _functions(ctx):
        intent = f"{func.name.replace('_', ' ')} {ast.get_docstring(func) or ''}"
        calls = _handle_calls(func)
        written = _bytes_written(func)
        for call in (n for n in ast.walk(func) if isinstance(n, ast.Call) and callee(n) in _OPENERS):
            mode_node = _mode_arg(call)
            mode = mode_node.value if mode_node else "r"
            wants: list[tuple[str, str, float]] = []
            if "w" in mode and _APPEND_WORDS.search(intent):
                wants.append((mode.replace("w", "a"), "appending keeps what the file already holds", 0.85))
            if "a" in mode and _WRITE_WORDS.search(intent) and not _APPEND_WORDS.search(intent):
                wants.append((mode.replace("a", "w"), "the file is rewritten, not appended to", 0.6))
            binary = "b" in mode
            if not binary and ({"dump", "load"} & calls and "pickle" in ast.unparse(func) or written is True
                               or "must be str, not bytes" in ctx.message or "UnicodeDecodeError" ==
                               ctx.exception_type):
                wants.append((mode + "b", "the data is bytes: binary mode", 0.8))
            if binary and (written is False or {"writer", "DictWriter", "reader", "DictReader"} & calls or
                           "json" in ast.unparse(func) or NEEDS_BYTES.search(ctx.message)):
                wants.append((mode.replace("b", ""), "the data is text: text mode", 0.8))
            if "not readable" in ctx.message and "r" not in mode:
                wants.append(("r", "the file is read, not written", 0.8))
            if "not writable" in ctx.message and not set("wa+") & set(mode):
                wants.append(("w", "the file is written", 0.8))
            for new, why, prior in wants[:2]:
                if mode_node is not None:
                    edit = node_edit(ctx.lines, mode_node, repr(new))
                else:
                    edit = node_edit(ctx.lines, call.args[0], f"{ast.unparse(call.args[0])}, {new!r}")
                code = apply_edits(ctx.code, [edit])
                if code:
                    out.append(Candidate(code, "template", f"line {call.lineno}: open mode {mode!r} → {new!r} "
                                         f"({why})", prior))
    return sorted(out, key=lambda c: -c.prior)[:3]


def _consumed(func: ast.AST, name: str) -> list[ast.Name]:
    """Places where the iterator/file `name` is consumed (looped over or drained by a call)."""
    out = []
    for n in ast.walk(func):
        if isinstance(n, ast.For | ast.comprehension) and isinstance(n.iter, ast.Name) and n.iter.id == name:
            out.append(n.iter)
        elif isinstance(n, ast.Call) and callee(n) in _CONSUMERS | {"join"} and n.args and isinstance(
                n.args[0], ast.Name) and n.args[0].id == name:
            out.append(n.args[0])
    return out


def _one_shot(value: ast.expr) -> bool:
    return isinstance(value, ast.GeneratorExp) or isinstance(value, ast.Call) and callee(value) in _ONE_SHOT


def consume_once(ctx: FixContext) -> list[Candidate]:
    """A file object or one-shot iterator consumed twice (the second pass sees nothing): materialize it once."""
    if ctx.tree is None:
        return []
    out = []
    keep = ctx.code.splitlines(keepends=True)
    for func in _functions(ctx):
        for n in ast.walk(func):
            if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name) \
                    and _one_shot(n.value) and len(_consumed(func, n.targets[0].id)) >= 2:
                code = apply_edits(ctx.code, [node_edit(ctx.lines, n.value, f"list({ast.unparse(n.value)})")])
                if code:
                    out.append(Candidate(code, "template", f"line {n.lineno}: `{n.targets[0].id}` is a one-shot "
                                         "iterator consumed twice: materialized with `list(...)`", 0.85))
            if isinstance(n, ast.With):
                for item in n.items:
                    var = item.optional_vars
                    if not (isinstance(var, ast.Name) and isinstance(item.context_expr, ast.Call)
                            and callee(item.context_expr) in _OPENERS):
                        continue
                    uses = _consumed(n, var.id)
                    if len(uses) < 2:
                        continue
                    first = next(s for s in n.body if s.lineno <= uses[0].lineno <= (s.end_lineno or s.lineno))
                    fresh = "lines" if not _uses(func, "lines") else f"{var.id}_lines"
                    edits = [node_edit(ctx.lines, u, fresh) for u in uses]
                    pad = indent_of(keep[first.lineno - 1])
                    edits.append(Edit(first.lineno, 0, first.lineno, 0, f"{pad}{fresh} = {var.id}.readlines()\n"))
                    code = apply_edits(ctx.code, edits)
                    if code:
                        out.append(Candidate(code, "template", f"line {n.lineno}: the file `{var.id}` was iterated "
                                             f"twice (the second pass is empty): read it once into `{fresh}`", 0.85))
    return out[:2]


def keep_temp_files(ctx: FixContext) -> list[Candidate]:
    """A NamedTemporaryFile whose path is handed out is deleted on close: `delete=False`."""
    if ctx.tree is None:
        return []
    out = []
    for func in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.FunctionDef)):
        returned = " ".join(ast.unparse(r.value) for r in ast.walk(func) if isinstance(r, ast.Return) and r.value)
        for call in (n for n in ast.walk(func) if isinstance(n, ast.Call) and callee(n) == "NamedTemporaryFile"):
            if any(k.arg in ("delete", "delete_on_close") for k in call.keywords) or ".name" not in returned:
                continue
            args = [ast.unparse(a) for a in call.args] + [ast.unparse(k) for k in call.keywords] + ["delete=False"]
            code = apply_edits(ctx.code, [node_edit(ctx.lines, call, f"{ast.unparse(call.func)}({', '.join(args)})")])
            if code:
                out.append(Candidate(code, "template", f"line {call.lineno}: the temporary file was deleted on close "
                                     "although its path is returned: `delete=False`", 0.9))
    return out


def _to_bytes(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isascii():
        return repr(node.value.encode("ascii"))
    text = ast.unparse(node)
    simple = isinstance(node, ast.Name | ast.Attribute | ast.Call | ast.Subscript | ast.Constant | ast.JoinedStr)
    return f"{text if simple else f'({text})'}.encode('utf-8')"


def _to_str(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
        return repr(node.value.decode("latin-1"))
    text = ast.unparse(node)
    simple = isinstance(node, ast.Name | ast.Attribute | ast.Call | ast.Subscript | ast.Constant)
    return f"{text if simple else f'({text})'}.decode('utf-8')"


def _operands(node: ast.AST) -> list[ast.expr]:
    """Values on the failing line that may carry the wrong type."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [node.left, node.right]
    if isinstance(node, ast.Call):
        out = list(node.args[:2])
        if isinstance(node.func, ast.Attribute) and callee(node) in _BYTES_METHODS | {"write", "update"}:
            out.append(node.func.value) if callee(node) == "join" else None
        return out
    return []


def convert_text_bytes(ctx: FixContext) -> list[Candidate]:
    """str given where bytes are needed (hashing, base64, sockets, bytes methods) → `.encode()` / a bytes literal,
    decoding a bytes result that is then used as text; and the reverse for bytes given where str is needed."""
    if ctx.tree is None or ctx.line is None:
        return []
    wants_bytes = bool(NEEDS_BYTES.search(ctx.message))
    if not wants_bytes and not NEEDS_STR.search(ctx.message):
        return []
    convert = _to_bytes if wants_bytes else _to_str
    out = []
    kind = ast.BinOp if "concat" in ctx.message else ast.Call
    nodes = sorted((n for n in ast.walk(ctx.tree) if isinstance(n, kind) and getattr(n, "lineno", None) == ctx.line
                    and _operands(n)), key=lambda n: -n.col_offset)
    for node in nodes:
        for arg in _operands(node):
            if isinstance(arg, ast.Constant) and isinstance(arg.value, bytes if wants_bytes else str):
                continue
            text = convert(arg)
            edits = [node_edit(ctx.lines, arg, text)]
            why = f"line {ctx.line}: `{ast.unparse(arg)}` → `{text}` ({'bytes' if wants_bytes else 'text'} needed)"
            code = apply_edits(ctx.code, edits)
            if code:
                out.append(Candidate(code, "template", why, 0.85 if isinstance(node, ast.Call) else 0.8))
            if wants_bytes and isinstance(node, ast.Call) and callee(node) in BYTES_OUT:
                call_text = ast.unparse(node).replace(ast.unparse(arg), text, 1)
                code = apply_edits(ctx.code, [node_edit(ctx.lines, node, f"{call_text}.decode('ascii')")])
                if code:
                    out.append(Candidate(code, "template", f"{why}; its bytes result decoded back to text", 0.82))
    return out[:5]


def drop_codec_calls(ctx: FixContext) -> list[Candidate]:
    """`'str' object has no attribute 'decode'` (or bytes/'encode'): the value already has the wanted type."""
    m = re.search(r"'(str|bytes)' object has no attribute '(decode|encode)'", ctx.message)
    if ctx.tree is None or not m:
        return []
    out = []
    for n in ast.walk(ctx.tree):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == m[2] \
                and n.lineno in (ctx.line, *ctx.suspicious[:1]):
            code = apply_edits(ctx.code, [node_edit(ctx.lines, n, ast.unparse(n.func.value))])
            if code:
                out.append(Candidate(code, "template", f"line {n.lineno}: the value already is {m[1]}: dropped "
                                     f"`.{m[2]}(...)`", 0.9))
    return out


def decode_bytes_text(ctx: FixContext) -> list[Candidate]:
    """Text built from bytes shows as "b'...'" (`str(b)`, or str literals compared against bytes values):
    `.decode()` the bytes, or make the compared literals bytes."""
    if ctx.tree is None:
        return []
    shown = bool(re.search(r"""["']b['"]|\bb'[^']*'|\bb"[^"]*\"""", ctx.message))
    out = []
    for func in _functions(ctx):
        has_bytes = any(isinstance(n, ast.Constant) and isinstance(n.value, bytes) for n in ast.walk(func))
        if not (has_bytes or shown):
            continue
        for n in ast.walk(func):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "str" and len(n.args) == 1 \
                    and not n.keywords and not isinstance(n.args[0], ast.Constant):
                code = apply_edits(ctx.code, [node_edit(ctx.lines, n, _to_str(n.args[0]))])
                if code:
                    out.append(Candidate(code, "template", f"line {n.lineno}: `str()` of bytes gives \"b'...'\": "
                                         f"`{_to_str(n.args[0])}`", 0.85 if shown else 0.6))
        if not has_bytes:
            continue
        literals = []
        for n in ast.walk(func):
            if isinstance(n, ast.Compare) and all(isinstance(o, ast.Eq | ast.NotEq | ast.In | ast.NotIn)
                                                  for o in n.ops):
                for side in (n.left, *n.comparators):
                    elts = side.elts if isinstance(side, ast.Tuple | ast.List | ast.Set) else [side]
                    literals += [e for e in elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _BYTES_METHODS \
                    and not isinstance(n.func.value, ast.Constant):
                literals += [a for a in n.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        literals = [lit for lit in literals if lit.value.isascii()]
        code = apply_edits(ctx.code, [node_edit(ctx.lines, lit, _to_bytes(lit)) for lit in literals]) \
            if literals else None
        if code:
            out.append(Candidate(code, "template", f"`{func.name}` works on bytes but compared them with str "
                                 f"literals (never equal): {', '.join(repr(lit.value) for lit in literals[:3])} are "
                                 "now bytes literals", 0.8 if shown else 0.7))
    return out[:3]
