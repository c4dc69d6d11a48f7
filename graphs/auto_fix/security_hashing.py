"""Passwords stored with a fast hash (CWE-916/CWE-759): `hashlib.sha256(salt + password.encode()).digest()` is
brute-forced on a GPU in hours and, unsalted, gives equal digests for equal passwords. Every such hash in the
module becomes `hashlib.pbkdf2_hmac` with the salt and iteration count the code already has (a stored
`salt_hex` is decoded, a stored iteration count is read back), so storing and verifying stay consistent.

Used by `security_more.all_security_candidates`.
"""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import Edit, apply_edits, enclosing_function, node_edit
from graphs.auto_fix.security_fixes import flatten_add

_FAST = frozenset({"md5", "sha1", "sha224", "sha256", "sha384", "sha512"})
_PASSWORD = re.compile(r"(?i)pass|pwd|\bpw\b|secret|\bpin\b")
_SALT = re.compile(r"(?i)salt")
_ITERATIONS = re.compile(r"(?i)iter|rounds")
MIN_ITERATIONS = 100_000
ITERATIONS = 150_000  # above the 100_000 floor, and fast enough for test suites to run the hash often


def _fast_hashes(tree: ast.Module) -> list[tuple[ast.Call, str, ast.expr, bool]]:
    """(call to replace, algorithm, hashed expression, hex?) for `hashlib.<fast>(x).digest()/hexdigest()`."""
    out = []
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and call.func.attr in ("digest", "hexdigest") and not call.args):
            continue
        inner = call.func.value
        if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr in _FAST
                and isinstance(inner.func.value, ast.Name) and inner.func.value.id == "hashlib"
                and len(inner.args) == 1 and _PASSWORD.search(ast.unparse(inner.args[0]))):
            out.append((call, inner.func.attr, inner.args[0], call.func.attr == "hexdigest"))
    return out


def _local_names(func: ast.AST) -> list[str]:
    names = [a.arg for a in func.args.args + func.args.kwonlyargs] if isinstance(func, ast.FunctionDef) else []
    names += [n.id for n in ast.walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]
    return list(dict.fromkeys(names))


def _iteration_constant(tree: ast.Module) -> ast.Assign | None:
    return next((s for s in tree.body if isinstance(s, ast.Assign) and len(s.targets) == 1
                 and isinstance(s.targets[0], ast.Name) and _ITERATIONS.search(s.targets[0].id)
                 and isinstance(s.value, ast.Constant) and isinstance(s.value.value, int)), None)


def _salt(parts: list[ast.expr], names: list[str]) -> str | None:
    salted = [ast.unparse(p) for p in parts]
    if salted:
        return " + ".join(salted)
    name = next((n for n in names if _SALT.search(n)), None)
    if name is None:
        return None
    return f"bytes.fromhex({name})" if name.lower().endswith("hex") else name


def _labels(ctx: FixContext, algorithms: set[str]) -> list[Edit]:
    """Stored-format labels: `f"sha256${...}"` and `algorithm != "sha256"` name the new scheme."""
    assert ctx.tree is not None
    in_fstrings = {id(v) for n in ast.walk(ctx.tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    edits = []
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in in_fstrings:
            if any(node.value == a or node.value.startswith(a + "$") for a in algorithms):
                edits.append(node_edit(ctx.lines, node, repr("pbkdf2_" + node.value)))
        elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            head, source = str(node.values[0].value), ast.get_source_segment(ctx.code, node) or ""
            algo = next((a for a in algorithms if head.startswith(a + "$")), None)
            if algo and source:
                edits.append(node_edit(ctx.lines, node, source.replace(algo + "$", f"pbkdf2_{algo}$", 1)))
    return edits


def password_hashes(ctx: FixContext) -> list[Candidate]:
    """Fast hashes of passwords → `hashlib.pbkdf2_hmac` (and, as a second candidate, the stored-format labels
    renamed from `sha256` to `pbkdf2_sha256`)."""
    if ctx.tree is None or "hashlib" not in ctx.code:
        return []
    found = _fast_hashes(ctx.tree)
    if not found:
        return []
    constant = _iteration_constant(ctx.tree)
    edits: list[Edit] = []
    for call, algo, hashed, hexed in found:
        func = enclosing_function(ctx.tree, call.lineno)
        names = _local_names(func) if func is not None else []
        parts = flatten_add(hashed)
        secret = [p for p in parts if _PASSWORD.search(ast.unparse(p))]
        salt = _salt([p for p in parts if p not in secret], names)
        if salt is None or len(secret) != 1:
            return []
        counted = next((n for n in names if _ITERATIONS.search(n)), None)
        rounds = f"int({counted})" if counted else constant.targets[0].id if constant else f"{ITERATIONS:_}"
        text = f'hashlib.pbkdf2_hmac("{algo}", {ast.unparse(secret[0])}, {salt}, {rounds})' + (
            ".hex()" if hexed else "")
        edits.append(node_edit(ctx.lines, call, text))
    if constant is not None and constant.value.value < MIN_ITERATIONS:
        edits.append(node_edit(ctx.lines, constant.value, f"{ITERATIONS:_}"))
    code = apply_edits(ctx.code, edits)
    if code is None:
        return []
    why = ("passwords were hashed with a fast digest; PBKDF2-HMAC with the salt and "
           f"{'at least ' + format(MIN_ITERATIONS, '_') + ' ' if constant is not None else ''}iterations makes "
           "guessing them expensive (CWE-916)")
    out = [Candidate(code, "template", f"line {found[0][0].lineno}: {why}", 0.86)]
    algorithms = {algo for _, algo, _, _ in found}
    labels = _labels(ctx, algorithms)
    labelled = apply_edits(ctx.code, edits + labels) if labels else None
    if labelled:
        out.append(Candidate(labelled, "template", f"line {found[0][0].lineno}: {why}; the stored format now names "
                             "the scheme (`pbkdf2_...`)", 0.85))
    return out
