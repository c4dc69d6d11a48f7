"""Dedup, ranking order, diffs, risk and confidence."""

from __future__ import annotations

from graphs.auto_fix.candidates import Candidate, dedupe
from graphs.auto_fix.ranking import Tested, assess_risk, changed_lines, confidence, rank_key, unified_diff
from graphs.auto_fix.schema import Validation

ORIG = "def f(x):\n    return x + 1\n"


def _t(code: str, strategy: str = "template", passed: int = 1, total: int = 1, prior: float = 0.5,
       findings: int = 0, new: int = 0) -> Tested:
    v = Validation(compiles=True, tests_passed=passed, tests_total=total, validated=bool(total) and passed == total,
                   findings_after=findings)
    return Tested(Candidate(code, strategy, "x", prior), v, new)


def test_dedupe_drops_original_formatting_variants_and_unparsable():
    cands = [Candidate("def f(x):\n    return x - 1\n", "ast_mutation", "a", 0.4),
             Candidate("def f(x):\n    return (x - 1)  # same AST\n", "template", "b", 0.9),
             Candidate("def f(x):\n    return x+1\n", "template", "orig", 0.8),
             Candidate("def f(x:\n", "llm", "broken", 0.7)]
    kept = dedupe(cands, ORIG)
    assert [c.explanation for c in kept] == ["b"]
    assert kept[0].key


def test_dedupe_across_rounds_with_shared_seen():
    seen: set[str] = set()
    dedupe([Candidate("def f(x):\n    return x\n", "template", "a", 0.5)], ORIG, seen)
    assert dedupe([Candidate("def f(x):\n    return x\n", "ast_mutation", "b", 0.5)], ORIG, seen) == []


def test_rank_order_tests_then_findings_then_size_then_prior():
    small = _t("def f(x):\n    return x + 2\n", "ast_mutation")
    big = _t("def f(x):\n    y = x\n    y += 2\n    return y\n", "template")
    failing = _t("def f(x):\n    return 0\n", passed=0)
    noisy = _t("def f(x):\n    return x + 3\n", new=1, findings=1)
    ordered = sorted([noisy, big, failing, small], key=lambda t: rank_key(t, ORIG))
    assert ordered == [small, big, noisy, failing]


def test_without_tests_prior_beats_size():
    a = _t("def f(x):\n    return x + 2\n", "ast_mutation", 0, 0, prior=0.2)
    b = _t("def f(x):\n    if x is None:\n        return None\n    return x + 1\n", "template", 0, 0, prior=0.9)
    assert sorted([a, b], key=lambda t: rank_key(t, ORIG, tests_exist=False))[0] is b


def test_unified_diff_and_changed_lines():
    new = "def f(x):\n    return x + 2\n"
    diff = unified_diff(ORIG, new)
    assert diff.startswith("--- a/solution.py\n+++ b/solution.py\n")
    assert "-    return x + 1\n+    return x + 2\n" in diff
    assert changed_lines(ORIG, new) == (2, [2])


def test_risk_levels():
    ok = Validation(compiles=True, tests_passed=2, tests_total=2, validated=True)
    assert assess_risk(ORIG, "def f(x):\n    return x + 2\n", ok).level == "low"
    sig = assess_risk(ORIG, "def f(x, y=0):\n    return x + 2\n", ok)
    assert any("signature" in r for r in sig.reasons) and sig.level != "low"
    none = Validation(compiles=True)
    sec = assess_risk("import os\ndef g(c):\n    os.system(c)\n", "import os\ndef g(c):\n    os.system(c + '')\n",
                      none)
    assert sec.level in ("medium", "high") and "touches security-relevant code" in sec.reasons
    assert "not validated by tests" in sec.reasons


def test_risk_reports_amplified_behaviour():
    from graphs.auto_fix.behaviour import Behaviour

    ok = Validation(compiles=True, tests_passed=2, tests_total=2, validated=True)
    fixed = "def f(x):\n    return x + 2\n"
    calm = assess_risk(ORIG, fixed, ok, behaviour=Behaviour(probes=12, crashes=0, changed=3))
    assert calm.level == "low" and any("on 3" in r and "12 amplified" in r for r in calm.reasons)
    shaky = assess_risk(ORIG, fixed, ok, behaviour=Behaviour(probes=12, crashes=2, changed=3))
    assert any("crashes on 2" in r for r in shaky.reasons)
    assert not any("amplified" in r for r in assess_risk(ORIG, fixed, ok).reasons)
    unseen = assess_risk(ORIG, fixed, ok, behaviour=Behaviour(probes=12, crashes=1, compared=False))
    assert any("times out on 1" in r and "original hangs" in r for r in unseen.reasons)
    assert not any("something else" in r for r in unseen.reasons)


def test_rank_key_prefers_fewer_crashes_then_fewer_changes_among_validated_fixes():
    from graphs.auto_fix.behaviour import Behaviour

    ok = Validation(compiles=True, tests_passed=1, tests_total=1, validated=True)
    small = Candidate("def f(x):\n    return x + 2\n", "template", "", 0.9)
    other = Candidate("def f(x):\n    return x + 20\n", "ast_mutation", "", 0.1)
    crashing = Tested(small, ok, behaviour=Behaviour(10, 2, 1))
    steady = Tested(other, ok, behaviour=Behaviour(10, 0, 6))
    assert sorted([crashing, steady], key=lambda t: rank_key(t, ORIG))[0] is steady
    quiet = Tested(other, ok, behaviour=Behaviour(10, 0, 2))
    loud = Tested(small, ok, behaviour=Behaviour(10, 0, 9))
    assert sorted([loud, quiet], key=lambda t: rank_key(t, ORIG))[0] is quiet


def test_confidence_is_high_only_when_validated():
    good = _t("def f(x):\n    return x + 2\n")
    partial = _t("def f(x):\n    return x + 2\n", passed=1, total=2)
    untested = _t("def f(x):\n    return x + 2\n", passed=0, total=0, prior=0.9)
    c_good = confidence(good, 1, tests_exist=True, size=2)
    assert c_good > 0.8
    assert confidence(good, 3, tests_exist=True, size=2) < c_good
    assert confidence(partial, 1, tests_exist=True, size=2) <= 0.25
    assert confidence(untested, 1, tests_exist=False, size=2) < 0.5


def test_added_imports_do_not_make_a_fix_look_bigger():
    from graphs.auto_fix.ranking import behaviour_size

    before = "def same(a, b):\n    return a == b\n"
    with_import = "import hmac\n\n\ndef same(a, b):\n    return hmac.compare_digest(a, b)\n"
    one_token = "def same(a, b):\n    return a != b\n"
    assert behaviour_size(before, with_import) == behaviour_size(before, one_token) == 2


def test_a_variant_ranks_after_the_idiomatic_fix_when_both_pass():
    guard = _t("def f(x=None):\n    if x is None:\n        x = []\n    return x\n")
    copy = _t("def f(x=None):\n    x = list(x or [])\n    return x\n")
    copy.candidate.variant = True
    assert sorted([copy, guard], key=lambda t: rank_key(t, ORIG))[0] is guard
    failing_guard = _t(guard.candidate.code, passed=0)
    assert sorted([copy, failing_guard], key=lambda t: rank_key(t, ORIG))[0] is copy


def test_a_fix_that_uses_an_unused_helper_or_parameter_ranks_first():
    from graphs.auto_fix.ranking import revives_unused, unused_names

    orig = ("def key(v):\n    return tuple(int(p) for p in v.split('.'))\n\n\n"
            "def latest(vs, origin=None):\n    return max(vs)\n")
    helper = _t(orig.replace("max(vs)", "max(vs, key=key)"), "ast_mutation", prior=0.1)
    flip = _t(orig.replace("max(vs)", "min(vs)"), "template", prior=0.9)
    assert {"key", "origin"} <= unused_names(orig)[0]
    assert revives_unused(helper.candidate.code, orig) and not revives_unused(flip.candidate.code, orig)
    assert sorted([flip, helper], key=lambda t: rank_key(t, orig))[0] is helper
