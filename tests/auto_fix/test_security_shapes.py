"""Security repairs on shapes met in practice: commands built in a variable, SQL literals with text around the
value, joined paths checked without being normalised, followed links that leave the recorded origin, passwords under a fast hash."""

from __future__ import annotations

import ast
import hashlib
import sqlite3
import types

import pytest

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.security_fixes import shell_commands
from graphs.auto_fix.security_hashing import password_hashes
from graphs.auto_fix.security_more import sql_parameters
from graphs.auto_fix.security_web import (
    normalized_joins,
    pathlib_containment,
    prefix_containment,
    unchecked_origins,
)


def _ctx(code: str) -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class="wrong_output")


def _module(code: str) -> dict:
    scope: dict = {}
    exec(compile(code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    return scope


def test_a_command_built_in_a_variable_becomes_an_argument_list():
    code = ("import subprocess\n\n\ndef bundle(folder, name):\n    cmd = f\"tar -czf {name} -C {folder} .\"\n"
            "    return subprocess.run(cmd, shell=True, check=False).returncode\n")
    cands = shell_commands(_ctx(code))
    assert cands
    scope = _module(cands[0].code)
    calls = []
    scope["subprocess"] = types.SimpleNamespace(run=lambda cmd, **kw: calls.append((cmd, kw))
                                                or types.SimpleNamespace(returncode=0))
    assert scope["bundle"]("/var/log", "x; rm -rf ~") == 0
    assert calls == [(["tar", "-czf", "x; rm -rf ~", "-C", "/var/log", "."], {"check": False})]


def test_an_injected_runner_given_shell_true_gets_an_argument_list_too():
    code = ("import subprocess\n\n\ndef list_dir(path, run=subprocess.run):\n"
            "    return run(f\"ls {path}\", shell=True, capture_output=True).stdout\n")
    cands = shell_commands(_ctx(code))
    assert cands and 'run(["ls", str(path)], capture_output=True)' in cands[0].code.replace("'", '"')
    calls = []
    fake = lambda cmd, **kw: calls.append((cmd, kw)) or types.SimpleNamespace(stdout="")  # noqa: E731
    _module(cands[0].code)["list_dir"]("a; rm -rf /", run=fake)
    assert calls == [(["ls", "a; rm -rf /"], {"capture_output": True})]


def test_text_inside_the_quoted_sql_literal_goes_into_the_parameter():
    code = ("def find(db, surname):\n    rows = db.execute(f\"SELECT name FROM people WHERE name LIKE '% {surname}' "
            "AND kind = 'owner'\")\n    return rows.fetchall()\n")
    cands = sql_parameters(_ctx("import sqlite3\n" + code))
    assert cands
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE people (name TEXT, kind TEXT)")
    db.executemany("INSERT INTO people VALUES (?, ?)", [("Jane Doe", "owner"), ("Ann O'Neil", "owner"),
                                                         ("Jim Doe", "vet")])
    find = _module(cands[0].code)["find"]
    assert find(db, "Doe") == [("Jane Doe",)]
    assert find(db, "O'Neil") == [("Ann O'Neil",)]
    assert find(db, "x' OR '1'='1") == []


def test_a_value_after_a_closed_literal_is_not_taken_for_a_quoted_one():
    code = ("import sqlite3\n\n\ndef count(db, n):\n    return db.execute(f\"SELECT count(*) FROM t WHERE k = 'a' "
            "AND v > {n}\").fetchone()\n")
    cands = sql_parameters(_ctx(code))
    assert cands and "\"SELECT count(*) FROM t WHERE k = 'a' AND v > ?\", (n,)" in cands[0].code


def test_a_checked_join_is_normalised_before_the_check():
    code = ("import posixpath\n\n\ndef resolve(root, name):\n    base = posixpath.normpath(root)\n"
            "    target = posixpath.join(base, name)\n    if posixpath.commonpath([base, target]) != base:\n"
            "        raise PermissionError(name)\n    return target\n")
    cands = normalized_joins(_ctx(code))
    assert cands
    resolve = _module(cands[0].code)["resolve"]
    assert resolve("/srv/up", "a/../b.txt") == "/srv/up/b.txt"
    for bad in ("../../etc/passwd", "/etc/passwd"):
        try:
            resolve("/srv/up", bad)
        except PermissionError:
            continue
        raise AssertionError(bad)
    # Already normalised, or never checked: nothing to do.
    assert normalized_joins(_ctx(cands[0].code)) == []
    assert normalized_joins(_ctx("import os\n\n\ndef p(a, b):\n    t = os.path.join(a, b)\n    return t\n")) == []


def test_a_value_escaped_where_it_was_read_is_not_escaped_twice():
    from graphs.auto_fix.security_web import html_escapes

    code = ("from html import escape\n\n\ndef card(item):\n    title = escape(item['title'])\n"
            "    agent = item.get('agent', 'n/a')\n    return f'<h3>{title}</h3><p>{agent}</p>'\n")
    cands = html_escapes(_ctx(code))
    html = _module(cands[0].code)["card"]({"title": "Tom & Jerry", "agent": "<b>x</b>"})
    assert html == "<h3>Tom &amp; Jerry</h3><p>&lt;b&gt;x&lt;/b&gt;</p>"


def test_a_resolved_pathlib_join_gets_the_containment_check(tmp_path):
    from graphs.auto_fix.security_web import pathlib_containment

    code = ("from pathlib import Path\n\n\ndef episode(media_root, name):\n    root = Path(media_root).resolve()\n"
            "    target = (root / name).resolve()\n    return target\n")
    cands = pathlib_containment(_ctx(code))
    assert cands
    episode = _module(cands[0].code)["episode"]
    (tmp_path / "media").mkdir()
    assert episode(tmp_path / "media", "ep1.mp3") == (tmp_path / "media" / "ep1.mp3").resolve()
    try:
        episode(tmp_path / "media", "../secrets.env")
    except PermissionError:
        return
    raise AssertionError("traversal was not refused")


def test_followed_links_must_stay_on_the_origin_the_function_recorded():
    code = ("from urllib.parse import urljoin, urlparse\n\n\ndef crawl(fetch, start, limit=5):\n"
            "    origin = urlparse(start).netloc\n    seen, url = [], start\n    for _ in range(limit):\n"
            "        page = fetch(url)\n        seen.extend(page['items'])\n        if not page.get('next'):\n"
            "            break\n        url = urljoin(url, page['next'])\n    return seen\n")
    (cand,) = unchecked_origins(_ctx(code))
    crawl = _module(cand.code)["crawl"]
    pages = {"https://a.example/1": {"items": [1], "next": "/2"}, "https://a.example/2": {"items": [2]}}
    assert crawl(pages.__getitem__, "https://a.example/1") == [1, 2]
    calls = []

    def evil(url):
        calls.append(url)
        return {"items": [0], "next": "http://169.254.169.254/meta"}

    with pytest.raises(ValueError, match="refusing to follow"):
        crawl(evil, "https://a.example/1")
    assert calls == ["https://a.example/1"]
    assert unchecked_origins(_ctx(code.replace("    return seen", "    return seen, origin"))) == []


def test_a_root_prefix_must_end_at_a_separator():
    code = ("import posixpath\n\nROOT = '/srv/media'\n\n\ndef resolve(name):\n"
            "    full = posixpath.normpath(posixpath.join(ROOT, name))\n    if not full.startswith(ROOT):\n"
            "        raise PermissionError(name)\n    return full\n")
    cands = prefix_containment(_ctx(code))
    assert len(cands) == 2
    for cand in cands:
        resolve = _module(cand.code)["resolve"]
        assert resolve("a/b.mp3") == "/srv/media/a/b.mp3"
        with pytest.raises(PermissionError):
            resolve("../media-backup/keys.txt")
    assert prefix_containment(_ctx("def f(s):\n    return s.startswith('ab')\n")) == []


def test_fast_password_hashes_become_pbkdf2_on_both_ends():
    code = ("import hashlib\nimport os\n\nROUNDS = 10\n\n\ndef store(pw):\n    salt = os.urandom(8)\n"
            "    h = hashlib.sha1(salt + pw.encode()).hexdigest()\n    return f'sha1${ROUNDS}${salt.hex()}${h}'\n\n\n"
            "def check(pw, stored):\n    algo, rounds, salt_hex, h = stored.split('$')\n    if algo != 'sha1':\n"
            "        return False\n    return hashlib.sha1(bytes.fromhex(salt_hex) + pw.encode()).hexdigest() == h\n")
    plain, labelled = password_hashes(_ctx(code))
    for cand in (plain, labelled):
        scope = _module(cand.code)
        assert scope["ROUNDS"] >= 100_000
        stored = scope["store"]("hunter2")
        assert scope["check"]("hunter2", stored) and not scope["check"]("hunter3", stored)
        _, rounds, salt_hex, digest = stored.split("$")
        assert digest == hashlib.pbkdf2_hmac("sha1", b"hunter2", bytes.fromhex(salt_hex), int(rounds)).hex()
    assert _module(labelled.code)["store"]("x").startswith("pbkdf2_sha1$")
    assert password_hashes(_ctx("import hashlib\n\ndef etag(body):\n    return hashlib.sha1(body).hexdigest()\n")) == []


def test_an_unchecked_pathlib_join_raises_the_exception_the_docstring_names(tmp_path):
    code = ("from pathlib import Path\n\n\ndef save(name, data, base=Path('out')):\n"
            "    \"\"\"Names that would land outside `base` are rejected with ValueError.\"\"\"\n"
            "    target = base / name\n    target.write_bytes(data)\n    return target\n")
    (cand,) = pathlib_containment(_ctx(code))
    save = _module(cand.code)["save"]
    with pytest.raises(ValueError):
        save("../x.bin", b"1", base=tmp_path / "in")
    (tmp_path / "in").mkdir()
    assert save("ok.bin", b"1", base=tmp_path / "in").read_bytes() == b"1"
