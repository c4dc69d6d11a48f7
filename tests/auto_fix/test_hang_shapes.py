"""Hangs of chain walks and bisections: restarted walks, cursors that never move, stalled bisections."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.hang_shapes import (
    fixed_point_roots,
    mismatched_replacements,
    restarted_walks,
    stalled_bisections,
    unconsumed_worklists,
    unused_cursors,
)
from tests.auto_fix.snippets import working_codes


def _ctx(code: str) -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class="hang")


def test_a_walk_steps_from_its_cursor_not_its_start():
    code = ("PARENTS = {'admin': 'editor', 'editor': 'viewer', 'viewer': None}\n\n\ndef chain(role):\n"
            "    out = []\n    current = role\n    while current is not None:\n        out.append(current)\n"
            "        current = PARENTS.get(role)\n    return out\n")
    assert working_codes(restarted_walks(_ctx(code)), "chain", ("admin",), ["admin", "editor", "viewer"])


def test_the_next_cursor_becomes_the_cursor():
    code = ("def fetch_all(fetch):\n    items, cursor = [], None\n    while True:\n        page = fetch(cursor)\n"
            "        items += page['items']\n        next_cursor = page.get('next')\n        if not next_cursor:\n"
            "            break\n    return items\n")
    pages = {None: {"items": [1], "next": "b"}, "b": {"items": [2], "next": None}}
    assert working_codes(unused_cursors(_ctx(code)), "fetch_all", (pages.__getitem__,), [1, 2])


def test_a_stalled_bisection_stops_or_steps_past_mid():
    code = ("def bracket(xs, v):\n    lo, hi = 0, len(xs) - 1\n    while lo < hi:\n        mid = (lo + hi) // 2\n"
            "        if xs[mid] <= v:\n            lo = mid\n        else:\n            hi = mid\n    return lo, hi\n")
    cands = stalled_bisections(_ctx(code))
    assert len(cands) == 2
    assert working_codes(cands[:1], "bracket", ([0, 10, 20], 15), (1, 2))


def test_an_inclusive_search_steps_past_mid_instead():
    code = ("def last_le(xs, t):\n    lo, hi, ans = 0, len(xs) - 1, -1\n    while lo <= hi:\n"
            "        mid = (lo + hi) // 2\n        if xs[mid] <= t:\n            ans = mid\n            lo = mid\n"
            "        else:\n            hi = mid - 1\n    return ans\n")
    cands = stalled_bisections(_ctx(code))
    assert len(cands) == 1 and "lo = mid + 1" in cands[0].code
    assert working_codes(cands, "last_le", ([10, 20, 30], 25), 1)


def test_a_requeue_in_the_else_of_the_give_up_check_counts_up():
    from graphs.auto_fix.hang_fixes import requeue_progress

    code = ("def run(msgs, handler, limit=3):\n    pending = [(m, 0) for m in msgs]\n    dead = []\n"
            "    while pending:\n        m, tries = pending.pop(0)\n        try:\n            handler(m)\n"
            "        except ValueError:\n            if tries >= limit:\n                dead.append(m)\n"
            "            else:\n                pending.append((m, tries))\n    return dead\n")

    def handler(m):
        if m == "bad":
            raise ValueError(m)

    cands = requeue_progress(_ctx(code))
    assert cands and "pending.append((m, tries + 1))" in cands[0].code
    assert working_codes(cands, "run", (["a", "bad"], handler), ["bad"])


def test_a_loop_cycle_check_gets_its_mark():
    from graphs.auto_fix.hang_shapes import unmarked_visits

    code = ("def resolve(aliases, name):\n    seen = set()\n    while name in aliases:\n        if name in seen:\n"
            "            raise ValueError(name)\n        name = aliases[name]\n    return name\n")
    cands = unmarked_visits(_ctx(code))
    scope: dict = {}
    exec(compile(cands[0].code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    assert scope["resolve"]({"a": "b"}, "a") == "b"
    try:
        scope["resolve"]({"a": "b", "b": "a"}, "a")
    except ValueError:
        return
    raise AssertionError("the cycle was not reported")


def test_a_rate_constant_held_the_wrong_way_round_is_inverted():
    from graphs.auto_fix.slip_fixes import reciprocal_constants

    code = "MPH_PER_KMH = 1.609344\n\n\ndef mph(kmh):\n    return round(kmh * MPH_PER_KMH)\n"
    assert working_codes(reciprocal_constants(FixContext(code=code, tree=ast.parse(code), error_class="wrong_output")),
                         "mph", (100,), 62)


def test_a_replace_loop_waits_for_the_substring_it_replaces():
    code = "def squeeze(s):\n    while '  ' in s:\n        s = s.replace('   ', '  ')\n    return s\n"
    assert working_codes(mismatched_replacements(_ctx(code)), "squeeze", ("a     b",), "a  b")
    assert mismatched_replacements(_ctx(code.replace("'   ', '  '", "'  ', ' '"))) == []


def test_a_walk_up_the_parents_stops_where_the_parent_is_itself():
    code = ("from pathlib import PurePosixPath\n\n\ndef rule(acl, path):\n    cur = PurePosixPath(path)\n"
            "    while True:\n        if str(cur) in acl:\n            return acl[str(cur)]\n"
            "        if cur == PurePosixPath('/'):\n            return 'deny'\n        cur = cur.parent\n")
    codes = working_codes(fixed_point_roots(_ctx(code)), "rule", ({"/a": "read"}, "x/y"), "deny")
    assert codes and working_codes(fixed_point_roots(_ctx(code)), "rule", ({"/a": "read"}, "/a/b"), "read")


def test_a_worklist_loop_takes_the_picked_item_off_the_list():
    code = ("def order(xs):\n    left = list(xs)\n    out = []\n    while left:\n        x = min(left)\n"
            "        out.append(x)\n    return out\n")
    assert working_codes(unconsumed_worklists(_ctx(code)), "order", ([3, 1, 2],), [1, 2, 3])
    assert unconsumed_worklists(_ctx(code.replace("out.append(x)", "left.remove(x)"))) == []
