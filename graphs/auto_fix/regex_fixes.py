"""Regular-expression repairs anywhere in the module (not only on the suspicious lines the mutation operators
see): pattern edits of every constant pattern, `match`/`search`/`fullmatch` swaps on `re` and on compiled
patterns, MULTILINE/IGNORECASE/DOTALL flags, and `\\1` group references lost in a non-raw replacement string."""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import apply_edits, call_with, node_edit
from graphs.auto_fix.propose_types import Proposer
from graphs.auto_fix.regex_variants import pattern_variants
from graphs.auto_fix.security_fixes import imported_modules

_RE_FUNCS = ("compile", "match", "search", "fullmatch", "findall", "finditer", "split", "sub", "subn")
_FLAG_POS = {"compile": 1, "match": 2, "search": 2, "fullmatch": 2, "findall": 2, "finditer": 2, "split": 3,
             "sub": 4, "subn": 4}
_SWAPS = {"match": ("search", "fullmatch"), "search": ("match", "fullmatch"), "fullmatch": ("match", "search"),
          "findall": ("finditer",)}
_LIMIT = 24
_CONTROL = re.compile(r"[\x01-\x09]")
_REGEX_SYNTAX = re.compile(r"\\[dwsbAZ.]|\(\?|\[|[$^]|\.\*|\.\+")


def _compiled_names(tree: ast.Module) -> set[str]:
    """Names (and `self.` attributes) assigned from `re.compile(...)`."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                and ast.unparse(node.value.func) in ("re.compile", "compile"):
            out |= {ast.unparse(t) for t in node.targets}
    return out


def _pattern(call: ast.Call) -> ast.Constant | None:
    pat = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "pattern"), None)
    return pat if isinstance(pat, ast.Constant) and isinstance(pat.value, str) else None


def _edits(ctx: FixContext) -> list[tuple[ast.AST, str, float, str]]:
    """(node, new source, prior, why) for every regex site in the module."""
    compiled = _compiled_names(ctx.tree)
    out: list[tuple[ast.AST, str, float, str]] = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)):
        owner, name = ast.unparse(call.func.value), call.func.attr
        if owner == "re" and name in _RE_FUNCS:
            pat = _pattern(call)
            if pat is not None:
                for new, prior, why in pattern_variants(pat.value, name):
                    if new != pat.value and _valid(new):
                        out.append((pat, repr(new), prior + 0.3, f"pattern {why}"))
                flags = len(call.args) > _FLAG_POS[name] or any(k.arg == "flags" for k in call.keywords)
                if not flags:
                    for flag, prior, when in (("re.MULTILINE", 0.55, "^" in pat.value or "$" in pat.value),
                                              ("re.IGNORECASE", 0.5, bool(re.search(r"[A-Za-z]", re.sub(
                                                  r"\\.", "", pat.value)))),
                                              ("re.DOTALL", 0.4, "." in pat.value)):
                        if when:
                            out.append((call, call_with(call, f"flags={flag}"), prior, f"`{flag}`"))
        if name in ("sub", "subn") and (owner == "re" or owner in compiled):
            at = 1 if owner == "re" else 0
            repl = call.args[at] if len(call.args) > at else None
            if isinstance(repl, ast.Constant) and isinstance(repl.value, str) and _CONTROL.search(repl.value):
                fixed = _CONTROL.sub(lambda m: "\\" + str(ord(m[0])), repl.value)
                out.append((repl, repr(fixed), 0.85, "group references in a non-raw replacement string became "
                                                     "control characters"))
        if name in _SWAPS and (owner == "re" or owner in compiled):
            for other in _SWAPS[name]:
                out.append((call.func, f"{owner}.{other}", 0.7 if other != "finditer" else 0.4,
                            f"`{name}` → `{other}`"))
    return out


def _escapes(tree: ast.Module) -> list[tuple[ast.AST, str, float, str]]:
    """A value concatenated or formatted into a regex (`r"@(?:\\w+\\.)*" + domain + "$"`) keeps its own
    metacharacters (the `.` of a domain matches anything): `re.escape(value)`."""
    out: list[tuple[ast.AST, str, float, str]] = []
    for node in ast.walk(tree):
        parts: list[ast.expr] = []
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            stack: list[ast.expr] = [node]
            while stack:
                n = stack.pop()
                if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add):
                    stack += [n.right, n.left]
                else:
                    parts.append(n)
        elif isinstance(node, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.FormattedValue) else v for v in node.values]
        texts = "".join(p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str))
        if not parts or not _REGEX_SYNTAX.search(texts):
            continue
        for p in parts:
            if isinstance(p, ast.Name | ast.Attribute | ast.Subscript):
                out.append((p, f"re.escape({ast.unparse(p)})", 0.8,
                            f"`{ast.unparse(p)}` is text, not a pattern: escaped with `re.escape`"))
    return out


_RE_CALLS = {"compile", "match", "search", "fullmatch", "findall", "finditer", "sub", "split"}


def _pattern_names(func: ast.FunctionDef) -> set[str]:
    """Lists joined into (or strings used as) the pattern of an `re.*` call in this function."""
    names: set[str] = set()
    for call in ast.walk(func):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name) and call.func.value.id == "re"
                and call.func.attr in _RE_CALLS and call.args):
            continue
        for n in ast.walk(call.args[0]):
            if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "join"
                    and n.args and isinstance(n.args[0], ast.Name)):
                names.add(n.args[0].id)
            elif isinstance(n, ast.Name):
                names.add(n.id)
    return names


def _piece_escapes(tree: ast.Module) -> list[tuple[ast.AST, str, float, str]]:
    """A pattern built piece by piece (`out.append(ch)` then `re.compile("".join(out))`, or `rx += ch`) where a
    piece of the input goes in as it is: its metacharacters act as regex syntax (`.` matches any character)."""
    out: list[tuple[ast.AST, str, float, str]] = []
    for func in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
        names = _pattern_names(func)
        for node in ast.walk(func):
            piece = None
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in names and node.args):
                piece = node.args[0]
            elif (isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add)
                  and isinstance(node.target, ast.Name) and node.target.id in names):
                piece = node.value
            if isinstance(piece, ast.Name | ast.Subscript):
                out.append((piece, f"re.escape({ast.unparse(piece)})", 0.82,
                            f"`{ast.unparse(piece)}` is a literal piece of the pattern: escaped with `re.escape`"))
    return out


def _valid(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def regex_repairs(ctx: FixContext) -> list[Candidate]:
    """One candidate per regex edit, edits on suspicious lines first."""
    if ctx.tree is None or "re" not in imported_modules(ctx.tree):
        return []
    near = set(ctx.suspicious[:8]) | ({ctx.line} if ctx.line else set())
    out: list[Candidate] = []
    for node, text, prior, why in _edits(ctx) + _escapes(ctx.tree) + _piece_escapes(ctx.tree):
        code = apply_edits(ctx.code, [node_edit(ctx.lines, node, text)])
        if code:
            weight = 1.0 if getattr(node, "lineno", 0) in near else 0.85
            out.append(Candidate(code, "template", f"line {node.lineno}: {why}", round(min(prior, 0.9) * weight, 4)))
    return sorted(out, key=lambda c: -c.prior)[:_LIMIT]


PROPOSERS: dict[str, list[Proposer]] = {
    cls: [regex_repairs] for cls in ("wrong_output", "assertion_error", "unknown", "none_attribute",
                                     "attribute_error", "type_error", "index_error", "value_error", "other_exception")
}
