"""v2 datasets: loadable through the verified loader, well-formed, varied, and every fix case is a real bug."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from evals.datasets import REQUIRED_FIELDS, SUITES, dataset_dir, load_cases, verify_dataset
from evals.execution import run_case_tests
from evals.vocabulary import load_vocabulary, normalize

VERSION = "v2"
MINIMUM_CASES = {"fixes": 100, "architecture": 50, "orchestration": 50}
ROLES = {"architect", "frontend", "backend", "data", "devops", "quality", "security"}


@pytest.mark.parametrize("suite", SUITES)
def test_v2_loads_with_matching_hash_and_count(suite):
    manifest = verify_dataset(suite, VERSION)
    cases = load_cases(suite, VERSION)
    assert manifest["version"] == VERSION
    assert manifest["case_count"] == len(cases) >= MINIMUM_CASES[suite]


@pytest.mark.parametrize("suite", SUITES)
def test_v2_ids_are_unique_and_fields_are_filled(suite):
    cases = load_cases(suite, VERSION)
    ids = [c["id"] for c in cases]
    assert len(set(ids)) == len(ids)
    for case in cases:
        empty = [f for f in REQUIRED_FIELDS[suite] if f != "error_message" and case[f] in ("", None)]
        assert not empty, f"{case['id']}: empty fields {empty}"


@pytest.mark.parametrize("suite", SUITES)
def test_v2_reuses_no_v1_case(suite):
    key = {"fixes": "code", "architecture": "project_description", "orchestration": "description"}[suite]
    v1 = {c[key] for c in load_cases(suite, "v1")}
    v2 = load_cases(suite, VERSION)
    assert not [c["id"] for c in v2 if c[key] in v1]
    assert not {c["id"] for c in v2} & {c["id"] for c in load_cases(suite, "v1")}


def test_fix_cases_span_many_kinds_roughly_balanced():
    cases = load_cases("fixes", VERSION)
    counts: dict[str, int] = {}
    for case in cases:
        counts[case["kind"]] = counts.get(case["kind"], 0) + 1
    assert len(counts) >= 12, counts
    non_security = [n for kind, n in counts.items() if kind != "security"]
    assert max(non_security) <= 3 * min(non_security), counts


def test_security_cases_name_a_cwe_and_cover_several():
    security = [c for c in load_cases("fixes", VERSION) if c["kind"] == "security"]
    assert all(str(c.get("cwe", "")).startswith("CWE-") for c in security)
    assert len({c["cwe"] for c in security}) >= 6


def test_crash_cases_carry_a_real_traceback():
    crashing = {"syntax_error", "name_error", "import_error", "type_error", "none_attribute", "attribute_error",
                "key_error", "index_error", "recursion_error", "zero_division", "value_error"}
    for case in load_cases("fixes", VERSION):
        if case["kind"] in crashing:
            assert "Error" in case["error_message"] and "solution.py" in case["error_message"], case["id"]


def test_architecture_cases_span_domains_and_scales():
    cases = load_cases("architecture", VERSION)
    assert len({c["domain"] for c in cases}) >= 10
    assert len({c["scale"] for c in cases}) >= 4


def test_architecture_expectations_are_focused_and_known_to_the_vocabulary():
    vocab = load_vocabulary()
    for case in load_cases("architecture", VERSION):
        assert 2 <= len(case["expected_components"]) <= 6, case["id"]
        assert 1 <= len(case["expected_patterns"]) <= 4, case["id"]
        unknown = [c for c in case["expected_components"] if normalize(c) not in vocab["components"]]
        unknown += [p for p in case["expected_patterns"] if normalize(p) not in vocab["patterns"]]
        unknown += [s for s in case["expected_style"] if normalize(s) not in vocab["styles"]]
        assert not unknown, f"{case['id']}: {unknown} missing from evals/vocabulary.yaml"


def test_orchestration_cases_use_known_roles_and_consistent_kinds():
    vocab_kinds = set(load_vocabulary()["kinds"])
    for case in load_cases("orchestration", VERSION):
        assert set(case["expected_roles"]) <= ROLES, case["id"]
        assert set(case["expected_kinds"]) <= vocab_kinds, case["id"]
        for before, after in case["dependency_constraints"]:
            assert {before, after} <= set(case["expected_kinds"]), case["id"]


def test_orchestration_cases_span_task_categories():
    cases = load_cases("orchestration", VERSION)
    assert len({c["category"] for c in cases}) >= 10
    assert any(c.get("code") for c in cases)


def test_cases_file_is_one_json_object_per_line():
    for suite in SUITES:
        lines = (dataset_dir(suite, VERSION) / "cases.jsonl").read_text(encoding="utf-8").splitlines()
        assert all(isinstance(json.loads(line), dict) for line in lines if line.strip())


@pytest.mark.slow
def test_every_v2_reference_fix_passes_and_every_buggy_code_fails(eval_settings):
    cases = load_cases("fixes", VERSION)

    def check(case):
        tests = case["tests"] + "\n\n" + case["hidden_tests"]
        return (case, run_case_tests(case["reference_fix"], tests, eval_settings),
                run_case_tests(case["code"], tests, eval_settings))

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(check, cases))
    broken_references = [(c["id"], ref.detail) for c, ref, _ in results if not ref.all_passed]
    unbroken_bugs = [c["id"] for c, _, bug in results if bug.all_passed]
    hangs_not_hanging = [c["id"] for c, _, bug in results if c["kind"] == "hang" and not bug.timed_out]
    assert not broken_references, broken_references
    assert not unbroken_bugs, f"buggy code passes every test: {unbroken_bugs}"
    assert not hangs_not_hanging, f"hang cases that do not time out: {hangs_not_hanging}"
