"""Fixes datasets written without access to the engine: held-out v4, v5, v6, v11 and v14, and the development sets v7
to v10, v12, v13, v15 and v16 (their authors had no engine access either, but the engine developers read them). Verified
loading, well-formed, varied, and every case a real, reproducible bug. One spec per version; the checks are
shared."""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from evals.datasets import REQUIRED_FIELDS, dataset_dir, load_cases, verify_dataset
from evals.execution import run_case_tests


@dataclass(frozen=True)
class Spec:
    """What one held-out version promises (v5's author added stricter checks than v4's)."""

    version: str
    id_pattern: str
    earlier: tuple[str, ...]
    minimum_kinds: int
    leak_pattern: str
    small_edits_checked: bool  # each bug is a 1-3 line edit of its reference
    held_out: bool = True  # held-out sets mirror the product's mix of crashes, hangs, wrong output and security
    max_per_kind: int = 6
    minimum_cases: int = 60
    minimum_cwes: int = 4  # 0 for a set without security cases


BEFORE_V14 = ("v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12", "v13")
SPECS = {
    "v4": Spec("v4", r"fix4-\d{3}", ("v1", "v2", "v3"), 18, r"/tmp/|mo-eval-|v4-\w{8}", False),
    "v5": Spec("v5", r"fix5-\d{3}", ("v1", "v2", "v3", "v4"), 20,
               r"/tmp/|mo-eval-|v5-\w{8}|site-packages|/usr/|/home/|/root/", True),
    "v6": Spec("v6", r"fix6-\d{3}", ("v1", "v2", "v3", "v4", "v5"), 22,
               r"/tmp/|mo-eval-|v6-\w{8}|site-packages|/usr/|/home/|/root/", True),
    "v7": Spec("v7", r"fix7-\d{3}", ("v1", "v2", "v3", "v4", "v5"), 11,
               r"/tmp/|mo-eval-|site-packages|/usr/|/home/|/root/", True, held_out=False, max_per_kind=7,
               minimum_cases=50),
    "v8": Spec("v8", r"fix8-\d{3}", ("v1", "v2", "v3", "v4", "v5"), 15,
               r"/tmp/|mo-eval-|site-packages|/usr/|/home/|/root/", True, held_out=False, minimum_cases=60,
               minimum_cwes=0),
    "v9": Spec("v9", r"fix9-\d{3}", ("v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8"), 22,
               r"/tmp/|mo-eval-|site-packages|/usr/|/home/|/root/", True, held_out=True),
    "v10": Spec("v10", r"fix10-\d{3}", ("v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"), 22,
                r"/tmp/|mo-eval-|site-packages|/usr/|/home/|/root/", True, held_out=True),
    "v11": Spec("v11", r"fix11-\d{3}", ("v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10"), 22,
                r"/tmp/|mo-eval-|site-packages|/usr/|/home/|/root/", True),
    "v12": Spec("v12", r"fix12-\d{3}", ("v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10"), 22,
                r"/tmp/|mo-eval-|site-packages|/usr/|/home/|/root/", True, held_out=True),
    "v13": Spec("v13", r"fix13-\d{3}", ("v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10"), 22,
                r"/tmp/|mo-eval-|site-packages|/usr/|/home/|/root/", True, held_out=True),
    "v14": Spec("v14", r"fix14-\d{3}", BEFORE_V14, 22,
                r"/tmp/|mo-eval-|site-packages|/usr/|/home/|/root/", True),
    "v15": Spec("v15", r"fix15-\d{3}", BEFORE_V14, 22,
                r"/tmp/|mo-eval-|site-packages|/usr/|/home/|/root/", True, held_out=True),
    "v16": Spec("v16", r"fix16-\d{3}", BEFORE_V14, 22,
                r"/tmp/|mo-eval-|site-packages|/usr/|/home/|/root/", True, held_out=True),
}
# Crash kind -> the exception the buggy code must end with.
CRASHING_KINDS = {"type_error": "TypeError", "key_error": "KeyError", "attribute_error": "AttributeError",
                  "index_error": "IndexError", "value_error": "ValueError", "zero_division": "ZeroDivisionError",
                  "unbound_local": "UnboundLocalError", "recursion_error": "RecursionError",
                  "name_error": "NameError", "runtime_error": "RuntimeError", "import_error": "ImportError"}
HANG_KINDS = {"hang"}
SECURITY_KINDS = {"security"}


@pytest.fixture(scope="module", params=sorted(SPECS))
def spec(request) -> Spec:
    return SPECS[request.param]


@pytest.fixture(scope="module")
def cases(spec: Spec) -> list[dict]:
    return load_cases("fixes", spec.version)


def test_loads_with_matching_hash_and_count(spec, cases):
    manifest = verify_dataset("fixes", spec.version)
    assert manifest["version"] == spec.version
    assert manifest["case_count"] == len(cases) >= spec.minimum_cases


def test_ids_are_unique_and_fields_are_filled(spec, cases):
    ids = [c["id"] for c in cases]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(spec.id_pattern, i) for i in ids), ids
    for case in cases:
        empty = [f for f in REQUIRED_FIELDS["fixes"] if case[f] in ("", None, [])]
        assert not empty, f"{case['id']}: empty fields {empty}"
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", case["kind"]), case["id"]


def test_reuses_no_earlier_case(spec, cases):
    for old in spec.earlier:
        earlier = load_cases("fixes", old)
        earlier_code = {e["code"] for e in earlier} | {e["reference_fix"] for e in earlier}
        reused = [c["id"] for c in cases if c["code"] in earlier_code or c["reference_fix"] in earlier_code]
        assert not reused, (old, reused)
        assert not {c["id"] for c in cases} & {e["id"] for e in earlier}, old


def test_fix_cases_are_small_modules_with_few_visible_and_some_hidden_tests(cases):
    for case in cases:
        lines = len(case["code"].splitlines())
        visible = len(re.findall(r"^def test_", case["tests"], flags=re.M))
        hidden = len(re.findall(r"^def test_", case["hidden_tests"], flags=re.M))
        assert 5 <= lines <= 40 and 1 <= visible <= 3 and 2 <= hidden <= 4, (case["id"], lines, visible, hidden)
        assert case["code"] != case["reference_fix"], case["id"]


@pytest.mark.parametrize("version", [v for v, s in sorted(SPECS.items()) if s.small_edits_checked])
def test_each_bug_is_a_one_to_three_line_edit_of_its_reference(version):
    for case in load_cases("fixes", version):
        diff = list(difflib.ndiff(case["reference_fix"].splitlines(), case["code"].splitlines()))
        removed = sum(line.startswith("- ") for line in diff)
        added = sum(line.startswith("+ ") for line in diff)
        assert 1 <= max(removed, added) <= 3, (case["id"], removed, added)


def test_tests_that_use_pytest_import_it_themselves(cases):
    for case in cases:
        for field in ("tests", "hidden_tests"):
            if "pytest." in case[field]:
                assert "import pytest" in case[field], (case["id"], field)


def test_fix_cases_span_many_kinds_none_dominating(spec, cases):
    counts = Counter(c["kind"] for c in cases)
    assert len(counts) >= spec.minimum_kinds, counts
    assert max(counts.values()) <= spec.max_per_kind, counts


@pytest.mark.parametrize("version", [v for v, s in sorted(SPECS.items()) if s.held_out])
def test_mix_of_crashes_hangs_wrong_output_and_security(version):
    cases = load_cases("fixes", version)
    total = len(cases)
    crashes = sum(c["kind"] in CRASHING_KINDS for c in cases)
    hangs = sum(c["kind"] in HANG_KINDS for c in cases)
    security = sum(c["kind"] in SECURITY_KINDS for c in cases)
    wrong = total - crashes - hangs - security
    assert 0.35 <= crashes / total <= 0.55, crashes
    assert 0.07 <= hangs / total <= 0.15, hangs
    assert 0.07 <= security / total <= 0.15, security
    assert 0.25 <= wrong / total <= 0.45, wrong


def test_security_cases_name_a_cwe_and_cover_several(spec, cases):
    security = [c for c in cases if c["kind"] in SECURITY_KINDS]
    assert all(re.fullmatch(r"CWE-\d+", str(c.get("cwe", ""))) for c in security)
    assert len({c["cwe"] for c in security}) >= spec.minimum_cwes
    assert not [c["id"] for c in cases if "cwe" in c and c["kind"] not in SECURITY_KINDS]


def test_crash_cases_carry_a_real_traceback(cases):
    for case in cases:
        if case["kind"] in CRASHING_KINDS:
            message = case["error_message"]
            assert message.startswith("Traceback (most recent call last):"), case["id"]
            assert 'File "solution.py"' in message, case["id"]
            assert re.search(r"^\w*(Error|Exception)\b", message, flags=re.M), case["id"]
            final = [line for line in message.splitlines() if line.strip()][-1]
            assert final.startswith(CRASHING_KINDS[case["kind"]] + ":"), (case["id"], final)


def test_wrong_output_and_hang_cases_carry_test_output(cases):
    for case in cases:
        message = case["error_message"]
        timed_out = re.fullmatch(r"(test_\w+ timed out after \d+ s\n)+", message) is not None
        if case["kind"] in HANG_KINDS:
            assert timed_out, case["id"]
            named = re.findall(r"^(test_\w+) timed out", message, flags=re.M)
            assert set(named) <= set(re.findall(r"^def (test_\w+)", case["tests"], flags=re.M)), case["id"]
        elif case["kind"] not in CRASHING_KINDS:
            assert "test_solution.py" in message and "FAILED" in message, case["id"]


def test_error_messages_leak_no_temporary_paths(spec, cases):
    leaking = [c["id"] for c in cases if re.search(spec.leak_pattern, c["error_message"])]
    assert not leaking, leaking


def test_cases_file_is_one_json_object_per_line(spec):
    lines = (dataset_dir("fixes", spec.version) / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    assert all(isinstance(json.loads(line), dict) for line in lines if line.strip())


@pytest.mark.slow
def test_every_reference_fix_passes_and_every_buggy_code_fails(cases, eval_settings):
    def check(case):
        everything = case["tests"] + "\n\n" + case["hidden_tests"]
        return (case, run_case_tests(case["reference_fix"], everything, eval_settings),
                run_case_tests(case["code"], case["tests"], eval_settings),
                run_case_tests(case["code"], everything, eval_settings))

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(check, cases))
    broken_references = [(c["id"], ref.detail) for c, ref, _, _ in results if not ref.all_passed]
    visible_not_failing = [c["id"] for c, _, visible, _ in results if visible.all_passed]
    unbroken_bugs = [c["id"] for c, _, _, bug in results if bug.all_passed]
    hangs_not_hanging = [c["id"] for c, _, visible, _ in results if c["kind"] in HANG_KINDS and not visible.timed_out]
    others_hanging = [c["id"] for c, _, visible, _ in results if c["kind"] not in HANG_KINDS and visible.timed_out]
    assert not broken_references, broken_references
    assert not visible_not_failing, f"buggy code passes its visible tests: {visible_not_failing}"
    assert not unbroken_bugs, f"buggy code passes every test: {unbroken_bugs}"
    assert not hangs_not_hanging, f"hang cases that do not time out: {hangs_not_hanging}"
    assert not others_hanging, f"non-hang cases that time out: {others_hanging}"
