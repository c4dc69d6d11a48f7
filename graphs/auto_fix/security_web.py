"""Security repairs common in web code: timing-safe secret comparison (CWE-208), open redirects (CWE-601),
shell command strings with quoted values (CWE-78), pathlib paths kept inside their base (CWE-22) and values
escaped before they go into HTML (CWE-79)."""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext, node_candidate
from graphs.auto_fix.edits import apply_edits, indent_of, insert_lines, node_edit, statement_at
from graphs.auto_fix.security_fixes import ensure_import, flatten_add, wanted_exception

_SECRET = re.compile(r"(?i)sig|signature|digest|mac|hmac|token|secret|hash|api_?key|otp|nonce")
_DIR = re.compile(r"(?i)root|dir|base|folder|path|storage|home|upload|static|media")
_URL = re.compile(r"(?i)url|next|redirect|return_?to|target|dest|location|continue")
# Programs whose command lines are commonly built as strings and handed to a shell.
_SHELL_PROGRAMS = frozenset({
    "tar", "zip", "unzip", "cp", "mv", "rm", "mkdir", "ls", "cat", "grep", "find", "rsync", "scp", "ssh", "git",
    "curl", "wget", "ffmpeg", "convert", "gzip", "gunzip", "chmod", "chown", "ln", "du", "df", "ping", "docker",
    "kubectl", "pg_dump", "mysqldump", "psql", "sh", "bash", "echo", "touch", "sed", "awk", "sort", "head", "tail",
})


def _name_of(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def constant_time_compares(ctx: FixContext) -> list[Candidate]:
    """`expected == signature` leaks how many leading characters match: `hmac.compare_digest`."""
    if ctx.tree is None:
        return []
    edits, lines = [], []
    for node in ast.walk(ctx.tree):
        if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq | ast.NotEq)):
            continue
        left, right = node.left, node.comparators[0]
        if isinstance(left, ast.Constant) or isinstance(right, ast.Constant):
            continue
        if not (_SECRET.search(_name_of(left)) or _SECRET.search(_name_of(right))):
            continue
        call = f"hmac.compare_digest({ast.unparse(left)}, {ast.unparse(right)})"
        edits.append(node_edit(ctx.lines, node, call if isinstance(node.ops[0], ast.Eq) else f"not {call}"))
        lines.append(node.lineno)
    code = apply_edits(ctx.code, edits) if edits else None
    if not code:
        return []
    return [Candidate(ensure_import(code, "hmac"), "template", f"line(s) {', '.join(map(str, lines))}: secrets "
                      "compared with `hmac.compare_digest` (constant time; `==` leaks the matching prefix, CWE-208)",
                      0.85)]


def _redirect_checks(tree: ast.Module) -> list[tuple[ast.Call, str]]:
    """`x.startswith("/")` on a redirect-like name: the only check standing between the user and an open redirect."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "startswith" \
                and len(node.args) == 1 and isinstance(node.args[0], ast.Constant) and node.args[0].value == "/" \
                and _URL.search(_name_of(node.func.value)):
            out.append((node, ast.unparse(node.func.value)))
    return out


def open_redirects(ctx: FixContext) -> list[Candidate]:
    """A "local path" check by `startswith("/")` also lets `//evil.example` and `/\\evil.example` through (both are
    read as another host): require a single leading slash, no backslash and no host."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    # `url.startswith("/") or urlparse(url).netloc`: the `or` lets any host through; the whole test is replaced.
    parents = {id(v): n for n in ast.walk(ctx.tree) if isinstance(n, ast.BoolOp) and isinstance(n.op, ast.Or)
               for v in n.values}
    for call, name in _redirect_checks(ctx.tree):
        strict = (f"({name}.startswith('/') and not {name}.startswith('//') and '\\\\' not in {name} "
                  f"and not urllib.parse.urlsplit({name}).netloc)")
        code = apply_edits(ctx.code, [node_edit(ctx.lines, parents.get(id(call), call), strict)])
        if code:
            out.append(Candidate(ensure_import(code, "urllib.parse"), "template", f"line {call.lineno}: `{name}` "
                                 "must be a same-site path: `//host` and backslashes are rejected (open redirect, "
                                 "CWE-601)", 0.8))
    return out


def _command_fstring(node: ast.JoinedStr) -> bool:
    first = node.values[0] if node.values else None
    return isinstance(first, ast.Constant) and isinstance(first.value, str) \
        and first.value.split(" ", 1)[0] in _SHELL_PROGRAMS and " " in first.value


def quoted_command_strings(ctx: FixContext) -> list[Candidate]:
    """A shell command built as an f-string (`f"tar -czf {target} {src}"`): every interpolated value goes through
    `shlex.quote`, so spaces, `;` or `$(...)` in it stay one argument."""
    if ctx.tree is None:
        return []
    edits, lines = [], []
    for node in ast.walk(ctx.tree):
        if not (isinstance(node, ast.JoinedStr) and _command_fstring(node)):
            continue
        for part in node.values:
            if isinstance(part, ast.FormattedValue) and part.format_spec is None and not (
                    isinstance(part.value, ast.Call) and ast.unparse(part.value.func) == "shlex.quote"):
                edits.append(node_edit(ctx.lines, part.value, f"shlex.quote(str({ast.unparse(part.value)}))"))
                lines.append(node.lineno)
    code = apply_edits(ctx.code, edits) if edits else None
    if not code:
        return []
    return [Candidate(ensure_import(code, "shlex"), "template", f"line(s) {', '.join(map(str, sorted(set(lines))))}:"
                      " values in the shell command are quoted with `shlex.quote` (command injection, CWE-78)", 0.8)]


def pathlib_containment(ctx: FixContext) -> list[Candidate]:
    """`target = root / name` with `name` from outside: resolve it and refuse anything outside `root`."""
    if ctx.tree is None:
        return []
    if not re.search(r"\bpathlib\b|\bPath\b", ctx.code):
        return []
    exc = wanted_exception(ctx.hints + "\n" + (ast.get_docstring(ctx.tree) or "") + "\n" + "\n".join(
        ast.get_docstring(f) or "" for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef)), "PermissionError")
    out: list[Candidate] = []
    for node in ast.walk(ctx.tree):
        value = node.value if isinstance(node, ast.Assign) else None
        resolved = isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) \
            and value.func.attr == "resolve" and not value.args  # `target = (root / name).resolve()`
        joined = value.func.value if resolved else value  # type: ignore[union-attr]
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and isinstance(joined, ast.BinOp) and isinstance(joined.op, ast.Div)
                and isinstance(joined.left, ast.Name) and not isinstance(joined.right, ast.Constant)):
            continue
        stmt = statement_at(ctx.tree, node.lineno)
        if stmt is not node:
            continue
        target, base = node.targets[0].id, joined.left.id
        if not _DIR.search(base) and not resolved:
            continue
        pad = indent_of(ctx.lines[node.lineno - 1])
        code = ctx.code if resolved else apply_edits(ctx.code, [node_edit(ctx.lines, node.value,
                                                                           f"({ast.unparse(node.value)}).resolve()")])
        if code is None:
            continue
        code = insert_lines(code, (node.end_lineno or node.lineno) + 1, [
            f"{pad}if not {target}.is_relative_to({base}.resolve()):",
            f"{pad}    raise {exc}(f\"outside {{{base}}}: {{{target}}}\")"])
        out.append(Candidate(code, "template", f"line {node.lineno}: `{target}` is resolved and must stay inside "
                             f"`{base}` ({exc} otherwise; path traversal, CWE-22)", 0.75))
    return out


_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][\w-]*[^<>]*>?|&\w+;")


def _html_parts(node: ast.expr) -> list[ast.expr] | None:
    """The interpolated values of an HTML string built by `+`, an f-string or `.format`, when its literal text has
    tags."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts = flatten_add(node)
        literal = "".join(p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str))
        values = [p for p in parts if not isinstance(p, ast.Constant | ast.JoinedStr)]
        for fstring in (p for p in parts if isinstance(p, ast.JoinedStr)):
            literal += "".join(str(v.value) for v in fstring.values if isinstance(v, ast.Constant))
            values += [v.value for v in fstring.values if isinstance(v, ast.FormattedValue) and v.format_spec is None]
    elif isinstance(node, ast.JoinedStr):
        literal = "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
        values = [v.value for v in node.values if isinstance(v, ast.FormattedValue) and v.format_spec is None]
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
            and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str):
        literal, values = node.func.value.value, [*node.args, *(k.value for k in node.keywords)]
    else:
        return None
    return values if _TAG.search(literal) else None


def _escaped(value: ast.expr) -> bool:
    return isinstance(value, ast.Call) and ast.unparse(value.func).rsplit(".", 1)[-1] in ("escape", "quote",
                                                                                         "quote_plus", "urlencode")


def html_escapes(ctx: FixContext) -> list[Candidate]:
    """Values put into HTML text unescaped (`"<p>" + name + "</p>"`, `f"<b>{title}</b>"`): `html.escape` each one
    (cross-site scripting, CWE-79)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    seen: set[int] = set()
    for node in ast.walk(ctx.tree):
        values = _html_parts(node)
        if not values or id(node) in seen:
            continue
        seen |= {id(n) for n in ast.walk(node)}
        # A name bound to an escaped value (`title = escape(...)`) must not be escaped twice.
        escaped_names = {t.id for a in ast.walk(ctx.tree) if isinstance(a, ast.Assign) and _escaped(a.value)
                         for t in a.targets if isinstance(t, ast.Name)}
        raw = [v for v in values if isinstance(v, ast.Name | ast.Attribute | ast.Subscript | ast.Call)
               and not _escaped(v) and not (isinstance(v, ast.Name) and v.id in escaped_names)]
        plain = any(isinstance(n, ast.ImportFrom) and n.module == "html" and any(
            a.name == "escape" and a.asname is None for a in n.names) for n in ast.walk(ctx.tree))
        fn = "escape" if plain else "html.escape"  # the module's own `from html import escape`
        for wrap, prior in ((fn + "({})", 0.86), (fn + "(str({}))", 0.8)):
            edits = [node_edit(ctx.lines, v, wrap.format(ast.unparse(v))) for v in raw]
            code = apply_edits(ctx.code, edits) if edits else None
            if code:
                out.append(Candidate(code if plain else ensure_import(code, "html"), "template", f"line {node.lineno}: "
                                     f"{', '.join(f'`{ast.unparse(v)}`' for v in raw)} escaped with `html.escape` "
                                     f"before going into HTML (cross-site scripting, CWE-79)", prior))
    return out


_HOSTS = re.compile(r"(?i)host|domain")


def host_allowlists(ctx: FixContext) -> list[Candidate]:
    """`url.startswith("https://" + host)` (or `host in url`) for hosts in an allowlist also accepts
    `https://good.com.evil.net` and `https://good.com@169.254.169.254`: parse the URL and compare its hostname
    (server-side request forgery / open redirect, CWE-918)."""
    if ctx.tree is None:
        return []
    hosts = [t.id for s in ctx.tree.body if isinstance(s, ast.Assign) for t in s.targets
             if isinstance(t, ast.Name) and _HOSTS.search(t.id) and isinstance(s.value, ast.Set | ast.List | ast.Tuple)]
    out: list[Candidate] = []
    for call in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                 and n.func.attr == "startswith" and any(isinstance(x, ast.Name) and x.id in hosts
                                                         for x in ast.walk(n))):
        url = ast.unparse(call.func.value)
        table = next(x.id for x in ast.walk(call) if isinstance(x, ast.Name) and x.id in hosts)
        https = "https" in ast.unparse(call)
        checks = [f"urllib.parse.urlsplit({url}).hostname in {table}"]
        if https:
            checks += [f"urllib.parse.urlsplit({url}).scheme == 'https'",
                       f"urllib.parse.urlsplit({url}).port in (None, 443)"]
        text = "(" + " and ".join(checks) + ")"
        code = apply_edits(ctx.code, [node_edit(ctx.lines, call, text)])
        if code:
            out.append(Candidate(ensure_import(code, "urllib.parse"), "template", f"line {call.lineno}: the host is "
                                 f"taken from the parsed URL and must be in `{table}` (a prefix check accepts "
                                 f"look-alike hosts and user-info tricks; CWE-918)", 0.86))
    return out


_PATH_MODULES = ("os.path", "posixpath", "ntpath", "path")
_CONTAINMENT = re.compile(r"\b(commonpath|commonprefix|startswith|is_relative_to|relpath)\b")
_NORMALIZERS = {"normpath", "realpath", "abspath", "resolve"}


def normalized_joins(ctx: FixContext) -> list[Candidate]:
    """A containment check on `target = path.join(base, name)` that never normalised the join: `a/../../etc`
    still starts with `base`, so the check passes. The join is normalised before it is checked (CWE-22)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for node in ast.walk(ctx.tree):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute)
                and node.value.func.attr == "join" and ast.unparse(node.value.func.value) in _PATH_MODULES
                and len(node.value.args) >= 2):
            continue
        module, target = ast.unparse(node.value.func.value), node.targets[0].id
        func = next((f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
                     and f.lineno <= node.lineno <= (f.end_lineno or f.lineno)), None)
        later = [n for n in ast.walk(func or ctx.tree) if getattr(n, "lineno", 0) > node.lineno]
        checked = any(isinstance(n, ast.Call) and _CONTAINMENT.search(ast.unparse(n.func))
                      and target in {x.id for x in ast.walk(n) if isinstance(x, ast.Name)} for n in later)
        normalised = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _NORMALIZERS
                         and target in {x.id for x in ast.walk(n) if isinstance(x, ast.Name)} for n in later)
        if not checked or normalised:
            continue
        for i, how in enumerate(("normpath", "realpath")):
            out += node_candidate(ctx, node.value, f"{module}.{how}({ast.unparse(node.value)})",
                                  f"`{target}` is normalised before the containment check (`..` segments escaped "
                                  f"it; path traversal, CWE-22)", 0.82 * 0.9 ** i)
    return out


_URL_PARTS = {"netloc", "hostname"}
_URL_PARSERS = {"urlparse", "urlsplit"}


def _origin_of(node: ast.stmt) -> tuple[str, str, str] | None:
    """(name, parser spelling, part) for `origin = urlparse(start).netloc`."""
    if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Attribute) and node.value.attr in _URL_PARTS
            and isinstance(node.value.value, ast.Call) and _name_of(node.value.value.func) in _URL_PARSERS):
        return None
    return node.targets[0].id, ast.unparse(node.value.value.func), node.value.attr


def unchecked_origins(ctx: FixContext) -> list[Candidate]:
    """The function notes where it started (`origin = urlparse(start_url).netloc`) and never looks at it again,
    while it goes on to follow URLs it was sent (`url = urljoin(url, page["next"])`): a foreign link makes the
    server call any host, internal ones included. Each followed URL is checked against the origin (server-side
    request forgery, CWE-918)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)):
        reads = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        for stmt in (n for n in ast.walk(func) if isinstance(n, ast.stmt)):
            found = _origin_of(stmt)
            if found is None or found[0] in reads:
                continue
            origin, parser, part = found
            for follow in (n for n in ast.walk(func) if isinstance(n, ast.Assign) and n.lineno > stmt.lineno
                           and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
                           and isinstance(n.value, ast.Call) and (_URL.search(n.targets[0].id)
                                                                  or "urljoin" in ast.unparse(n.value.func))):
                url = follow.targets[0].id
                pad = indent_of(ctx.lines[follow.lineno - 1])
                check = [f"{pad}if {parser}({url}).{part} != {origin}:",
                         f'{pad}    raise ValueError(f"refusing to follow {{{url}!r}}: not on {{{origin}}}")']
                code = insert_lines(ctx.code, (follow.end_lineno or follow.lineno) + 1, check)
                out.append(Candidate(code, "template", f"line {follow.lineno}: `{url}` must stay on the origin "
                                     f"`{origin}` the function recorded and never checked (server-side request "
                                     f"forgery, CWE-918)", 0.85))
    return out


def _is_root(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value.startswith("/") and not node.value.endswith("/")
    return bool(_DIR.search(_name_of(node)))


def prefix_containment(ctx: FixContext) -> list[Candidate]:
    """`full.startswith(MEDIA_ROOT)` also accepts the sibling `/srv/media-backup/...`: the prefix must end at a
    separator, `full.startswith(MEDIA_ROOT + "/")` (path traversal, CWE-22)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for call in ast.walk(ctx.tree):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and call.func.attr == "startswith" and len(call.args) == 1 and _is_root(call.args[0])):
            continue
        root = ast.unparse(call.args[0])
        for text, why, prior in (
                (f'{root} + "/"', f"the prefix `{root}` must end at a separator: it also matched sibling folders "
                                  f"like `{root}-backup` (path traversal, CWE-22)", 0.84),
                (f'({ast.unparse(call.func.value)} == {root} or {ast.unparse(call.func.value)}.startswith({root} + "/"))',
                 f"inside `{root}` means the root itself or below its separator (a bare prefix matched sibling "
                 f"folders; path traversal, CWE-22)", 0.82)):
            target = call.args[0] if prior > 0.83 else call
            out += node_candidate(ctx, target, text, why, prior)
    return out


def web_security_candidates(ctx: FixContext) -> list[Candidate]:
    """Every web-security template that applies."""
    return (constant_time_compares(ctx) + open_redirects(ctx) + quoted_command_strings(ctx)
            + pathlib_containment(ctx) + html_escapes(ctx) + host_allowlists(ctx) + normalized_joins(ctx)
            + unchecked_origins(ctx) + prefix_containment(ctx))
