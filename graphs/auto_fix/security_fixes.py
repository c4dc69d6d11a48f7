"""Security templates (AST level, pattern-gated): parameterised SQL, argument-list subprocess calls, safe
parsers, `secrets` for tokens, salted password hashing, path containment. Each keeps the function's interface."""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import (
    apply_edits,
    enclosing_function,
    flatten_add,
    indent_of,
    insert_lines,
    last_assignment,
    node_edit,
    statement_at,
)
from graphs.auto_fix.name_fixes import with_import

_SECRET_NAME = re.compile(r"(?i)token|secret|passw|nonce|salt|otp|api_?key|session|reset|code|key")
_PASSWORD = re.compile(r"(?i)passw|pwd|secret")


_RAISES = re.compile(r"\b(?:raise|raises?|rejected with|refused with)(?:\s+|\s*\(\s*)(?:an?\s+)?`?"
                     r"([A-Z]\w*(?:Error|Exception))`?")


def wanted_exception(hints: str, default: str = "ValueError") -> str:
    """The exception the user says bad input must raise ("… must raise PermissionError"), else `default`."""
    m = _RAISES.search(hints)
    return m[1] if m else default


def imported_modules(tree: ast.Module) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def ensure_import(code: str, module: str) -> str:
    tree = ast.parse(code)
    return code if module in imported_modules(tree) else with_import(code, tree, f"import {module}")


def unwrap_str(node: ast.expr) -> str:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str" and node.args:
        return ast.unparse(node.args[0])
    return ast.unparse(node)


def _argv(node: ast.expr) -> list[str] | None:
    """A shell command string (literal or f-string) split into argument expressions (no shell syntax)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        pieces: list[tuple[str, str | None]] = [(node.value, None)]
    elif isinstance(node, ast.JoinedStr):
        pieces = []
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                if v.format_spec is not None or v.conversion != -1:
                    return None
                pieces.append(("", ast.unparse(v.value)))
            else:
                pieces.append((str(v.value), None))
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        pieces = []
        for item in flatten_add(node):
            if isinstance(item, ast.Constant) and isinstance(item.value, str):
                pieces.append((item.value, None))
            else:
                pieces.append(("", unwrap_str(item)))
    else:
        return None
    if any(ch in literal for literal, _ in pieces for ch in "|&;<>$`*?\"'\\"):
        return None  # real shell syntax or quoting: splitting would change the meaning
    tokens: list[list[tuple[str, str | None]]] = [[]]
    for literal, expr in pieces:
        if expr is not None:
            tokens[-1].append(("", expr))
            continue
        for word in re.split(r"(\s+)", literal):
            if word.isspace():
                tokens.append([])
            elif word:
                tokens[-1].append((word, None))
    out = []
    for tok in filter(None, tokens):
        if len(tok) == 1 and tok[0][1] is not None:
            out.append(f"str({tok[0][1]})")
        elif all(e is None for _, e in tok):
            out.append(repr("".join(lit for lit, _ in tok)))
        else:
            body = "".join(lit.replace("{", "{{").replace("}", "}}") if e is None else "{" + e + "}" for lit, e in tok)
            out.append("f" + repr(body))
    return out or None


def shell_commands(ctx: FixContext) -> list[Candidate]:
    """`subprocess.run("cmd {x}", shell=True)` / `os.system(...)` → `subprocess.run(["cmd", x])` (CWE-78)."""
    if ctx.tree is None:
        return []
    out = []
    for node in ast.walk(ctx.tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        # Any runner given `shell=True` (`subprocess.run`, an alias, an injected `run` parameter), or os.system.
        mod, fn = (node.func.value.id, node.func.attr) if isinstance(node.func, ast.Attribute) and isinstance(
            node.func.value, ast.Name) else ("", ast.unparse(node.func))
        shell = any(k.arg == "shell" and isinstance(k.value, ast.Constant) and k.value.value for k in node.keywords)
        if not (shell or (mod == "os" and fn == "system")):
            continue
        command, edits = node.args[0], []
        source = last_assignment(enclosing_function(ctx.tree, node.lineno) or ctx.tree, command.id,
                                 node.lineno) if isinstance(command, ast.Name) else None
        argv = _argv(source.value if source is not None else command)
        if argv is None:
            continue
        first = f"[{', '.join(argv)}]"
        if source is not None:  # `cmd = f"tar {name}"` then `run(cmd, shell=True)`: the list is built there
            edits.append(node_edit(ctx.lines, source.value, first))
            first = ast.unparse(command)
        rest = [ast.unparse(a) for a in node.args[1:]] + [
            ast.unparse(k) for k in node.keywords if k.arg != "shell"]
        call_args = ", ".join([first, *rest])
        system = mod == "os" and fn == "system"
        text = f"subprocess.run({call_args}).returncode" if system else f"{ast.unparse(node.func)}({call_args})"
        code = apply_edits(ctx.code, [*edits, node_edit(ctx.lines, node, text)])
        if code:
            out.append(Candidate(ensure_import(code, "subprocess") if system else code, "template",
                                 f"line {node.lineno}: command run as an argument list without a shell (CWE-78)",
                                 0.8))
    return out


def safe_parsers(ctx: FixContext) -> list[Candidate]:
    """`eval(data)` → `ast.literal_eval`/`json.loads`; `pickle.loads` → `json.loads`; `yaml.load` → safe_load."""
    if ctx.tree is None:
        return []
    out = []
    for node in ast.walk(ctx.tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        arg = ast.unparse(node.args[0])
        options: list[tuple[str, str, float]] = []
        if isinstance(node.func, ast.Name) and node.func.id == "eval":
            options = [(f"ast.literal_eval({arg})", "ast", 0.8), (f"json.loads({arg})", "json", 0.4)]
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            mod, fn = node.func.value.id, node.func.attr
            if mod in ("pickle", "marshal", "dill") and fn == "loads":
                options = [(f"json.loads({arg})", "json", 0.6)]
            elif mod == "yaml" and fn in ("load", "unsafe_load", "full_load"):
                options = [(f"yaml.safe_load({arg})", "yaml", 0.85)]
        for text, module, prior in options:
            code = apply_edits(ctx.code, [node_edit(ctx.lines, node, text)])
            if code:
                out.append(Candidate(ensure_import(code, module), "template",
                                     f"line {node.lineno}: `{text.split('(')[0]}` parses data without running "
                                     "code (CWE-95/502)", prior))
    return out


def secure_randomness(ctx: FixContext) -> list[Candidate]:
    """`random.X(...)` in token/secret code → the same call on `secrets.SystemRandom()` (CWE-330)."""
    if ctx.tree is None:
        return []
    edits = []
    for func in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.FunctionDef)):
        text = ast.unparse(func)
        if not _SECRET_NAME.search(text):
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "random" \
                    and node.attr != "SystemRandom":
                edits.append(node_edit(ctx.lines, node, f"secrets.SystemRandom().{node.attr}"))
    code = apply_edits(ctx.code, edits) if edits else None
    if not code:
        return []
    return [Candidate(ensure_import(code, "secrets"), "template",
                      "token/secret generation uses the OS CSPRNG (`secrets.SystemRandom`) instead of the "
                      "predictable `random` module (CWE-330)", 0.75)]


def path_containment(ctx: FixContext) -> list[Candidate]:
    """`os.path.join(base, user)` used for file access → resolve it and refuse paths outside `base` (CWE-22)."""
    if ctx.tree is None:
        return []
    out = []
    for node in ast.walk(ctx.tree):
        if not (isinstance(node, ast.Call) and ast.unparse(node.func) in ("os.path.join", "pathlib.Path")
                and len(node.args) >= 2):
            continue
        stmt = statement_at(ctx.tree, node.lineno)
        if stmt is None or isinstance(stmt, ast.FunctionDef) or stmt.lineno != node.lineno:
            continue
        base, joined = ast.unparse(node.args[0]), ast.unparse(node)
        pad = indent_of(ctx.lines[stmt.lineno - 1])
        wanted = wanted_exception(ctx.hints, "")
        options = [(wanted, 0.75)] if wanted else []
        options += [(e, p) for e, p in (("ValueError", 0.7), ("PermissionError", 0.6)) if e != wanted]
        for exc, prior in options:
            check = [f"{pad}_resolved = os.path.realpath({joined})",
                     f"{pad}if os.path.commonpath([_resolved, os.path.realpath({base})]) != "
                     f"os.path.realpath({base}):",
                     f"{pad}    raise {exc}(f\"path escapes the base directory: {{_resolved}}\")"]
            code = apply_edits(ctx.code, [node_edit(ctx.lines, node, "_resolved")])
            if code:
                code = insert_lines(code, stmt.lineno, check)
                out.append(Candidate(ensure_import(code, "os"), "template",
                                     f"line {node.lineno}: the joined path is resolved and must stay inside "
                                     f"`{base}` ({exc} otherwise; CWE-22)", prior))
    return out


def password_hashing(ctx: FixContext) -> list[Candidate]:
    """An unsalted fast hash of a password → salted PBKDF2 stored as `salt$hash`, verified in constant time."""
    if ctx.tree is None:
        return []
    out = []
    for func in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.FunctionDef)):
        ret = func.body[-1]
        params = [a.arg for a in func.args.args]
        if not (isinstance(ret, ast.Return) and ret.value is not None and len(params) == 1
                and _PASSWORD.search(params[0] + func.name)):
            continue
        text = ast.unparse(ret.value)
        if not re.match(r"hashlib\.(md5|sha1|sha224|sha256|sha512)\(", text):
            continue
        pw, pad = params[0], indent_of(ctx.lines[ret.lineno - 1])
        body = [f"{pad}salt = os.urandom(16)",
                f"{pad}digest = hashlib.pbkdf2_hmac('sha256', {pw}.encode(), salt, 100_000)",
                f"{pad}return salt.hex() + '$' + digest.hex()"]
        lines = ctx.code.splitlines()
        new_lines = lines[: ret.lineno - 1] + body + lines[ret.end_lineno:]
        code = "\n".join(new_lines) + "\n"
        code = _rewrite_verifiers(code, func.name)
        out.append(Candidate(ensure_import(ensure_import(code, "hashlib"), "os"), "template",
                             f"`{func.name}` stores a salted PBKDF2-SHA256 hash instead of a fast unsalted "
                             "digest (CWE-916)", 0.7))
    return out


def _rewrite_verifiers(code: str, hasher: str) -> str:
    """`hasher(pw) == stored` comparisons → recompute with the stored salt, compare with hmac.compare_digest."""
    tree = ast.parse(code)
    lines = code.splitlines()
    edits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq):
            left, right = node.left, node.comparators[0]
            for call, stored in ((left, right), (right, left)):
                if isinstance(call, ast.Call) and ast.unparse(call.func) == hasher and len(call.args) == 1:
                    pw, st = ast.unparse(call.args[0]), ast.unparse(stored)
                    edits.append(node_edit(lines, node, (
                        f"hmac.compare_digest(hashlib.pbkdf2_hmac('sha256', {pw}.encode(), "
                        f"bytes.fromhex({st}.split('$')[0]), 100_000).hex(), {st}.split('$')[-1])")))
                    break
    fixed = apply_edits(code, edits) if edits else code
    return ensure_import(fixed, "hmac") if edits and fixed else code


SECURITY_TEMPLATES = (shell_commands, safe_parsers, secure_randomness, path_containment,
                      password_hashing)


def security_candidates(ctx: FixContext) -> list[Candidate]:
    """Every security template whose pattern occurs in the code."""
    out: list[Candidate] = []
    for template in SECURITY_TEMPLATES:
        out += template(ctx)
    return out
