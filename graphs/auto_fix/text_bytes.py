"""str/bytes repairs that look past the failing expression: accept both types where a value may be either, decode
bytes where they were computed rather than where they crash, and decode bytes shown in text as "b'...'".

(`io_fixes.convert_text_bytes` converts the operand on the failing line; these cover the cases where that
conversion is in the wrong place.)
"""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.dataflow import data_sources
from graphs.auto_fix.edits import apply_edits, call_with, enclosing_function, node_edit
from graphs.auto_fix.io_fixes import BYTES_OUT, NEEDS_BYTES, NEEDS_STR, callee
from graphs.auto_fix.propose_types import Proposer

_SHOWN_BYTES = re.compile(r"""\bb'[^']*'|\bb"[^"]*\"""")
# Calls whose result is bytes: the codecs io_fixes knows, plus encoders, readers and random bytes.
_BYTES_OUT = BYTES_OUT | {"encode", "pack", "read", "recv", "tobytes", "getvalue", "dumps", "b64decode",
                          "urlsafe_b64decode", "urandom", "token_bytes"}


def _params(func: ast.FunctionDef | ast.AsyncFunctionDef | None) -> set[str]:
    if func is None:
        return set()
    return {a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)}


def either_type(ctx: FixContext) -> list[Candidate]:
    """A parameter that may arrive as str or bytes (hashing, base64, sockets): convert it only when it has the
    wrong type, so callers passing the right type keep working (`x.encode()` alone breaks them)."""
    wants_bytes = bool(NEEDS_BYTES.search(ctx.message))
    if ctx.tree is None or ctx.line is None or not (wants_bytes or NEEDS_STR.search(ctx.message)):
        return []
    func = enclosing_function(ctx.tree, ctx.line)
    params = _params(func)
    wrong, convert = ("str", "encode") if wants_bytes else ("bytes", "decode")
    out = []
    for node in ast.walk(ctx.tree):
        if not (isinstance(node, ast.Call) and getattr(node, "lineno", None) == ctx.line):
            continue
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        for arg in [*node.args[:2], *([receiver] if receiver is not None and not wants_bytes else [])]:
            if not (isinstance(arg, ast.Name) and arg.id in params):
                continue
            name = arg.id
            inline = f"({name}.{convert}('utf-8') if isinstance({name}, {wrong}) else {name})"
            code = apply_edits(ctx.code, [node_edit(ctx.lines, arg, inline)])
            if code:
                out.append(Candidate(code, "template", f"line {ctx.line}: `{name}` may be {wrong} or not: converted "
                                     f"with `.{convert}('utf-8')` only when it is {wrong}", 0.86))
    return out[:2]


def decode_at_source(ctx: FixContext) -> list[Candidate]:
    """A bytes value used as text on the failing line (`first.split(" ")` where `first` came from a bytes
    buffer): decode it where it is computed, so every later use gets text."""
    if ctx.tree is None or ctx.line is None or not NEEDS_BYTES.search(ctx.message):
        return []
    used = {n.func.value.id for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and getattr(n, "lineno", None)
            == ctx.line and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)}
    out = []
    for line in data_sources(ctx.tree, ctx.line):
        for node in ast.walk(ctx.tree):
            if not (isinstance(node, ast.Assign) and node.lineno == line and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name) and node.targets[0].id in used):
                continue
            value = node.value
            text = ast.unparse(value)
            simple = isinstance(value, ast.Name | ast.Attribute | ast.Call | ast.Subscript)
            code = apply_edits(ctx.code, [node_edit(ctx.lines, value, f"{text if simple else f'({text})'}"
                                                                       ".decode('utf-8')")])
            if code:
                out.append(Candidate(code, "template", f"line {line}: `{node.targets[0].id}` holds bytes but is "
                                     "used as text: decoded where it is computed", 0.84))
    return out[:2]


def _bytes_names(func: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, ast.Assign]:
    """Local names assigned from a call that returns bytes (`base64.b64encode(...)`, `h.digest()`, ...)."""
    out = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, ast.Call) and callee(node.value) in _BYTES_OUT:
            out[node.targets[0].id] = node
    return out


def decode_formatted_bytes(ctx: FixContext) -> list[Candidate]:
    """Text shows "b'...'" because a bytes value went into an f-string, `%`, `.format` or `+ str()`: decode the
    bytes where they are computed (or at the one place they are formatted)."""
    # pytest shortens long values in the assertion line (`'...'iVBORw0K'`); its diff lines show them whole.
    shown = _SHOWN_BYTES.search(ctx.message) or any(_SHOWN_BYTES.search(line) for line in ctx.hints.splitlines()
                                                    if re.match(r"E\s+[-+?]\s", line))
    if ctx.tree is None or not shown:
        return []
    out = []
    funcs = {id(f): f for ln in ([ctx.line] if ctx.line else []) + ctx.suspicious[:6]
             if (f := enclosing_function(ctx.tree, ln)) is not None}
    for func in funcs.values() or [f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef)]:
        formatted = {n.value.id for n in ast.walk(func) if isinstance(n, ast.FormattedValue)
                     and isinstance(n.value, ast.Name)}
        for name, assign in _bytes_names(func).items():
            if name not in formatted and not any(isinstance(c, ast.Call) and callee(c) in ("format", "str")
                                                 for c in ast.walk(func)):
                continue
            text = ast.unparse(assign.value)
            code = apply_edits(ctx.code, [node_edit(ctx.lines, assign.value, f"{text}.decode('ascii')")])
            if code:
                out.append(Candidate(code, "template", f"line {assign.lineno}: `{name}` is bytes and showed as "
                                     f"\"b'...'\" in text: decoded where it is computed", 0.86))
        for node in ast.walk(func):
            if isinstance(node, ast.FormattedValue) and isinstance(node.value, ast.Call) \
                    and callee(node.value) in _BYTES_OUT:
                text = ast.unparse(node.value)
                code = apply_edits(ctx.code, [node_edit(ctx.lines, node.value, f"{text}.decode('ascii')")])
                if code:
                    out.append(Candidate(code, "template", f"line {node.lineno}: a bytes result formatted into "
                                         "text showed as \"b'...'\": decoded", 0.85))
    return out[:3]


def encoded_lengths(ctx: FixContext) -> list[Candidate]:
    """`len(text)` measured in characters where the function also has `encoded = text.encode(...)`: a byte limit
    needs `len(encoded)`."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)):
        encoded = {ast.unparse(a.value.func.value): a.targets[0].id for a in ast.walk(func)
                   if isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
                   and isinstance(a.value, ast.Call) and isinstance(a.value.func, ast.Attribute)
                   and a.value.func.attr == "encode"}
        for call in (n for n in ast.walk(func) if isinstance(n, ast.Call) and callee(n) == "len" and len(n.args) == 1):
            source = ast.unparse(call.args[0])
            if source in encoded:
                code = apply_edits(ctx.code, [node_edit(ctx.lines, call.args[0], encoded[source])])
                if code:
                    out.append(Candidate(code, "template", f"line {call.lineno}: `len({source})` counts characters; "
                                         f"the limit is on the encoded bytes `len({encoded[source]})`", 0.86))
    return out


def missing_normalization(ctx: FixContext) -> list[Candidate]:
    """`import unicodedata` that nothing uses, in code comparing or canonicalising names: the normalisation
    step is missing (`"e\u0301"` and `"\u00e9"` are the same text): normalise the input first."""
    if ctx.tree is None or not any(isinstance(n, ast.Import) and any(a.name == "unicodedata" for a in n.names)
                                   for n in ast.walk(ctx.tree)):
        return []
    if any(isinstance(n, ast.Name) and n.id == "unicodedata" for n in ast.walk(ctx.tree)):
        return []
    out: list[Candidate] = []
    for func in (f for f in ctx.tree.body if isinstance(f, ast.FunctionDef)):
        params = [a.arg for a in func.args.args]
        for ret in (r for r in ast.walk(func) if isinstance(r, ast.Return) and r.value is not None):
            base = ret.value
            while isinstance(base, ast.Call) and isinstance(base.func, ast.Attribute):
                base = base.func.value
            if not (isinstance(base, ast.Name) and base.id in params) or base is ret.value:
                continue
            for form, prior in (("NFC", 0.82), ("NFKC", 0.74)):
                code = apply_edits(ctx.code, [node_edit(ctx.lines, base, f"unicodedata.normalize({form!r}, "
                                                                         f"{base.id})")])
                if code:
                    out.append(Candidate(code, "template", f"line {ret.lineno}: `{base.id}` is normalised ({form}) "
                                         f"first, so composed and decomposed accents compare equal", prior))
    return out


def cut_decodes(ctx: FixContext) -> list[Candidate]:
    """`data[:n].decode("latin-1")` (or strict utf-8) of bytes cut at a byte limit: decode as UTF-8 and drop the
    partial character at the cut."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                 and n.func.attr == "decode" and isinstance(n.func.value, ast.Subscript)
                 and isinstance(n.func.value.slice, ast.Slice)):
        new = f"{ast.unparse(call.func.value)}.decode('utf-8', errors='ignore')"
        if new != ast.unparse(call) and (code := apply_edits(ctx.code, [node_edit(ctx.lines, call, new)])):
            out.append(Candidate(code, "template", f"line {call.lineno}: bytes cut at a limit are UTF-8 with a "
                                 f"possibly partial last character: decoded as UTF-8, the partial one dropped", 0.86))
    return out


_CRASHES = ["type_error", "other_exception", "attribute_error", "value_error"]
_ESCAPED_TEXT = re.compile(r"\\\\?u[0-9a-fA-F]{4}")


def ascii_json(ctx: FixContext) -> list[Candidate]:
    """`json.dumps(payload)` writes `M\\u00fcsli` where readers expect `Müsli`: `ensure_ascii=False` keeps the
    characters (the output shows `\\uXXXX` escapes and the tests spell the characters out)."""
    if ctx.tree is None or not _ESCAPED_TEXT.search(ctx.message + ctx.hints) or ctx.hints.isascii():
        return []
    out: list[Candidate] = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and callee(n) in ("dumps", "dump")
                 and not any(k.arg == "ensure_ascii" for k in n.keywords)):
        code = apply_edits(ctx.code, [node_edit(ctx.lines, call, call_with(call, "ensure_ascii=False"))])
        if code:
            out.append(Candidate(code, "template", f"line {call.lineno}: `ensure_ascii=False` writes the "
                                 "characters themselves instead of `\\u` escapes", 0.88))
    return out


PROPOSERS: dict[str, list[Proposer]] = {
    **{c: [either_type, decode_at_source] for c in _CRASHES},
    **{c: [decode_formatted_bytes, encoded_lengths, missing_normalization, cut_decodes, ascii_json]
       for c in ("wrong_output", "assertion_error", "unknown")},
    **{c: [either_type, decode_at_source, cut_decodes] for c in ("other_exception", "value_error")},
}
