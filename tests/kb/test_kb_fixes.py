"""Learned fixes: signatures generalise across code, recording is idempotent, review statuses steer retrieval."""

from __future__ import annotations

import pytest

from graphs.common.kb.fixes import (
    PastFix,
    UnknownFixError,
    error_signature,
    find_past_fixes,
    list_fixes,
    promote_fix,
    record_feedback,
    record_fix,
    reject_fix,
)
from graphs.common.kb.store import KBDoc, KnowledgeBase

BEFORE = "def label(user):\n    return user.profile.display_name\n"
AFTER = ("def label(user):\n    if user.profile is None:\n        return ''\n"
         "    return user.profile.display_name\n")
DIFF = "-    return user.profile.display_name\n+    if user.profile is None:\n+        return ''\n"


def _record(kb: KnowledgeBase, diff: str = DIFF) -> str:
    sig = error_signature("none_attribute", "AttributeError",
                          "AttributeError: 'NoneType' object has no attribute 'display_name'")
    return record_fix(kb, error_class="none_attribute", signature=sig, before=BEFORE, after=AFTER, diff=diff,
                      evidence={"tests_passed": 3, "tests_total": 3}, provenance="auto_fix run 1")


@pytest.mark.parametrize(("one", "other"), [
    ("AttributeError: 'NoneType' object has no attribute 'email'",
     "'NoneType' object has no attribute 'shipping_address'"),
    ("Traceback (most recent call last):\n  File \"/srv/app/x.py\", line 4, in f\nKeyError: 'user_id'",
     "KeyError: 'sku'"),
    ("list index out of range", "IndexError: list index out of range"),
    ("invalid literal for int() with base 10: 'abc'", "invalid literal for int() with base 16: 'zz9'"),
    ("name 'math' is not defined", "name \"json\" is not defined"),
])
def test_same_kind_of_error_in_other_code_gets_the_same_signature(one: str, other: str):
    exc = "AttributeError" if "attribute" in one else None
    assert error_signature("x", exc, one) == error_signature("x", exc, other)


def test_signature_keeps_type_names_and_drops_numbers_paths_and_addresses():
    sig = error_signature("type_error", "TypeError", "unsupported operand type(s) for +: 'int' and 'str'")
    assert sig == "type_error|TypeError|unsupported operand type(s) for +: 'int' and 'str'"
    sig = error_signature("other_exception", "OSError", "[Errno 2] No such file: /tmp/a/b.csv at 0x7f3a")
    assert sig == "other_exception|OSError|[errno <num>] no such file: <path> at <addr>"
    assert error_signature("hang", None, "") == "hang|-|"


def test_recording_the_same_fix_twice_counts_instead_of_duplicating(kb: KnowledgeBase):
    first, second = _record(kb), _record(kb)
    assert first == second and first.startswith("learned-")
    stored = kb.get("fixes", first)
    assert stored is not None
    assert stored.metadata["times_seen"] == 2
    assert stored.metadata["status"] == "candidate"
    assert kb.counts()["fixes"] == 1
    assert _record(kb, diff=DIFF + "+# other\n") != first


def test_learned_fix_round_trip_and_review(kb: KnowledgeBase):
    fix_id = _record(kb)
    assert [f.id for f in list_fixes(kb)] == [fix_id]
    sig = error_signature("none_attribute", "AttributeError", "'NoneType' object has no attribute 'avatar'")
    found = find_past_fixes(kb, signature=sig, code="def pic(u):\n    return u.account.avatar\n")
    assert found and found[0].id == fix_id
    assert found[0].before == BEFORE and found[0].after == AFTER and found[0].status == "candidate"

    promoted = promote_fix(kb, fix_id)
    assert isinstance(promoted, PastFix) and promoted.status == "promoted"
    assert list_fixes(kb) == [] and [f.id for f in list_fixes(kb, "promoted")] == [fix_id]

    reject_fix(kb, fix_id)
    assert find_past_fixes(kb, signature=sig, code="x") == []
    assert [f.id for f in list_fixes(kb, None)] == [fix_id]


def test_curated_and_promoted_fixes_outrank_candidates(kb: KnowledgeBase):
    sig = error_signature("key_error", "KeyError", "KeyError: 'colour'")
    text = "Use dict get with a default when a key may be missing KeyError"
    meta = {"error_class": "key_error", "before": "d[k]", "after": "d.get(k)"}
    kb.upsert("fixes", [KBDoc("cand", text, {**meta, "title": "cand", "status": "candidate"}),
                        KBDoc("cur", text, {**meta, "title": "cur", "status": "curated"})])
    ids = [f.id for f in find_past_fixes(kb, signature=sig, code="colour = palette['colour']")]
    assert ids.index("cur") < ids.index("cand")


def test_feedback_is_counted_and_shifts_the_ranking(kb: KnowledgeBase):
    fix_id = _record(kb)
    assert record_feedback(kb, fix_id, True, "worked") == {"accepted_count": 1, "rejected_count": 0}
    assert record_feedback(kb, fix_id, False, "wrong default") == {"accepted_count": 1, "rejected_count": 1}
    counts = record_feedback(kb, fix_id, False, "again")
    assert counts == {"accepted_count": 1, "rejected_count": 2}
    stored = kb.get("fixes", fix_id)
    assert stored is not None and "wrong default" in str(stored.metadata["feedback_json"])


@pytest.mark.parametrize("action", [promote_fix, reject_fix])
def test_review_of_unknown_fix_raises_a_clear_error(kb: KnowledgeBase, action):
    with pytest.raises(UnknownFixError, match="no fix with id 'missing'"):
        action(kb, "missing")


def test_feedback_on_unknown_fix_raises_key_error(kb: KnowledgeBase):
    with pytest.raises(KeyError):
        record_feedback(kb, "missing", True, "")
