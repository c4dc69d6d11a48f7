"""Web-security templates: each fix keeps legitimate use working and blocks the attack; unrelated code is left alone."""

from __future__ import annotations

import ast

import pytest

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.security_web import (
    constant_time_compares,
    host_allowlists,
    html_escapes,
    open_redirects,
    pathlib_containment,
    quoted_command_strings,
)
from tests.auto_fix.snippets import run_snippet


def _ctx(code: str, hints: str = "") -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class="wrong_output", hints=hints)


def test_signature_compare_becomes_constant_time():
    code = ("import hashlib\nimport hmac\n\ndef valid(key, body, signature):\n"
            "    expected = hmac.new(key, body, hashlib.sha256).hexdigest()\n    return expected == signature\n")
    fixed = constant_time_compares(_ctx(code))[0].code
    assert "hmac.compare_digest(expected, signature)" in fixed
    good = run_snippet(code, "valid", b"k", b"x", "")  # original result on a wrong signature
    assert run_snippet(fixed, "valid", b"k", b"x", "") is good is False
    assert constant_time_compares(_ctx("def same(a, b):\n    return a == b\n")) == []


def test_redirect_check_rejects_protocol_relative_and_backslash_urls():
    code = ("def after_login(next_url, default='/home'):\n    if not next_url or not next_url.startswith('/'):\n"
            "        return default\n    return next_url\n")
    fixed = open_redirects(_ctx(code))[0].code
    assert run_snippet(fixed, "after_login", "/orders?page=2") == "/orders?page=2"
    for evil in ("//evil.example/x", "/\\evil.example", "https://evil.example"):
        assert run_snippet(fixed, "after_login", evil) == "/home"
    assert open_redirects(_ctx("def f(path):\n    return path.startswith('/')\n")) == []


def test_values_in_a_shell_command_string_are_quoted():
    code = "def backup_cmd(src, name):\n    return f\"tar -czf /backups/{name}.tgz {src}\"\n"
    fixed = quoted_command_strings(_ctx(code))[0].code
    import shlex

    argv = shlex.split(run_snippet(fixed, "backup_cmd", "my docs; rm -rf ~", "a b"))
    assert argv == ["tar", "-czf", "/backups/a b.tgz", "my docs; rm -rf ~"]
    assert quoted_command_strings(_ctx("def hello(name):\n    return f\"Hello {name}\"\n")) == []


def test_pathlib_join_is_kept_inside_its_root(tmp_path):
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "a.txt").write_text("A", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("S", encoding="utf-8")
    code = ("from pathlib import Path\n\ndef read_upload(upload_dir, name):\n    root = Path(upload_dir)\n"
            "    target = root / name\n    return target.read_text(encoding='utf-8')\n")
    fixed = pathlib_containment(_ctx(code, hints="names outside the folder must raise PermissionError"))[0].code
    assert run_snippet(fixed, "read_upload", str(tmp_path / "files"), "a.txt") == "A"
    with pytest.raises(PermissionError):
        run_snippet(fixed, "read_upload", str(tmp_path / "files"), "../secret.txt")
    numeric = "def share(total, count):\n    part = total / count\n    return part\n"
    assert pathlib_containment(_ctx(numeric)) == []


def test_html_built_by_concatenation_or_fstring_is_escaped():
    code = 'def card(name, note):\n    return "<p>" + name + "</p>" + f"<i>{note}</i>"\n'
    cands = html_escapes(_ctx(code))
    assert cands and cands[0].code.startswith("import html")
    out = run_snippet(cands[0].code, "card", "<script>", "a&b")
    assert out == "<p>&lt;script&gt;</p><i>a&amp;b</i>"
    assert html_escapes(_ctx('def plain(a):\n    return "x=" + a\n')) == []


def test_redirect_check_joined_by_or_is_replaced_whole():
    code = ("from urllib.parse import urlparse\n\n\ndef target(next_url):\n"
            "    if next_url.startswith('/') or urlparse(next_url).netloc:\n        return next_url\n    return '/'\n")
    fixed = open_redirects(_ctx(code))[0].code
    assert run_snippet(fixed, "target", "https://evil.example/x") == "/"
    assert run_snippet(fixed, "target", "/home") == "/home"


def test_host_allowlist_compares_the_parsed_hostname():
    code = ('HOSTS = {"cdn.example.com"}\n\n\ndef allowed(url):\n'
            '    return url.startswith(tuple(f"https://{h}" for h in HOSTS))\n')
    fixed = host_allowlists(_ctx(code))[0].code
    assert run_snippet(fixed, "allowed", "https://cdn.example.com/a.png") is True
    assert run_snippet(fixed, "allowed", "https://cdn.example.com.evil.net/a.png") is False
    assert run_snippet(fixed, "allowed", "https://cdn.example.com@169.254.169.254/x") is False
