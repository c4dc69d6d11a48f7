"""Hang repairs that read how a while loop is meant to progress."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.hang_fixes import (
    advanced_cursors,
    continue_advances,
    derived_updates,
    hoisted_resets,
    jumped_conditions,
    requeue_progress,
    retry_limits,
    unconditional_advances,
)
from tests.auto_fix.snippets import run_snippet, working_codes


def _ctx(code: str) -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class="hang", exception_type=None,
                      message="test_x timed out after 2 s", line=None)


def test_derived_update_steps_by_what_the_pass_handled():
    code = ("def batches(n, size):\n    count, left = 0, n\n    while left > 0:\n        take = min(left, size)\n"
            "        count += 1\n    return count\n")
    cands = derived_updates(_ctx(code))
    assert cands and "left -= take" in cands[0].code
    assert run_snippet(cands[0].code, "batches", 25, 10) == 3


def test_continue_advances_the_index_first():
    code = ("def digits(s):\n    i, out = 0, []\n    while i < len(s):\n        if not s[i].isdigit():\n"
            "            continue\n        out.append(s[i])\n        i += 1\n    return ''.join(out)\n")
    cands = continue_advances(_ctx(code))
    assert working_codes(cands, "digits", ("a1b2",), "12")


def test_not_equal_condition_becomes_an_inequality():
    code = "def steps(target, step):\n    n, at = 0, 0\n    while at != target:\n        at += step\n        n += 1\n    return n\n"
    cands = jumped_conditions(_ctx(code))
    assert cands and "while at < target:" in cands[0].code
    assert run_snippet(cands[0].code, "steps", 10, 3) == 4


def test_counter_reset_moves_before_the_loop():
    code = ("def poll(check, limit):\n    while True:\n        tries = 0\n        if check():\n            return tries\n"
            "        tries += 1\n        if tries >= limit:\n            return -1\n")
    cands = hoisted_resets(_ctx(code))
    assert cands and run_snippet(cands[0].code, "poll", lambda: False, 3) == -1


def test_requeued_items_count_their_attempts():
    code = ("from collections import deque\n\n\ndef drain(items, ok, limit=2):\n    q = deque((i, 1) for i in items)\n"
            "    failed = []\n    while q:\n        item, n = q.popleft()\n        if ok(item):\n            continue\n"
            "        if n < limit:\n            q.append((item, n))\n        else:\n            failed.append(item)\n"
            "    return failed\n")
    cands = requeue_progress(_ctx(code))
    assert cands and "q.append((item, n + 1))" in cands[0].code
    assert run_snippet(cands[0].code, "drain", [1, 2], lambda i: i == 1) == [2]


def test_retry_loop_gives_up_at_its_limit():
    code = ("def call(op, retries=3):\n    failures = 0\n    while True:\n        try:\n            return op()\n"
            "        except OSError:\n            failures += 1\n")
    calls = []

    def down():
        calls.append(1)
        raise OSError("down")

    cands = retry_limits(_ctx(code))
    assert cands and "if failures >= retries:" in cands[0].code
    scope: dict = {}
    exec(compile(cands[0].code, "solution.py", "exec"), scope)  # noqa: S102 - our own candidate
    try:
        scope["call"](down)
    except OSError:
        pass
    assert len(calls) == 3


def test_cursor_follows_its_link_or_pops_the_container():
    code = ("def total(node):\n    s = 0\n    while node is not None:\n        s += node.value\n    return s\n")
    cands = advanced_cursors(_ctx(code))
    assert cands and "node = node.next" in cands[0].code
    code = "def drain(stack):\n    out = []\n    while stack:\n        out.append(stack[-1])\n    return out\n"
    assert working_codes(advanced_cursors(_ctx(code)), "drain", ([1, 2],), [2, 1])


def test_index_moved_only_in_one_branch_moves_on_every_pass():
    code = ("def evens(xs):\n    i, out = 0, []\n    while i < len(xs):\n        if xs[i] % 2 == 0:\n"
            "            out.append(xs[i])\n            i += 1\n    return out\n")
    assert working_codes(unconditional_advances(_ctx(code)), "evens", ([1, 2, 3, 4],), [2, 4])
