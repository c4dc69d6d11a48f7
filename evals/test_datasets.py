"""Dataset integrity: manifests match, versions are immutable, every fix case is a real, fixable bug."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from evals.datasets import (
    SUITES,
    DatasetError,
    dataset_dir,
    load_cases,
    read_manifest,
    sha256_file,
    verify_dataset,
    write_manifest,
)
from evals.execution import run_case_tests
from evals.vocabulary import load_vocabulary, normalize

MINIMUM_CASES = {"fixes": 40, "architecture": 25, "orchestration": 25}


@pytest.mark.parametrize("suite", SUITES)
def test_released_dataset_matches_its_manifest(suite):
    manifest = verify_dataset(suite, "v1")
    assert manifest["case_count"] == len(load_cases(suite, "v1")) >= MINIMUM_CASES[suite]


def test_fix_cases_cover_at_least_ten_bug_kinds():
    kinds = {c["kind"] for c in load_cases("fixes")}
    assert len(kinds) >= 10
    assert all(c.get("cwe") for c in load_cases("fixes") if c["kind"] == "security")


def test_changed_file_is_refused_with_a_clear_error(tmp_path):
    folder = tmp_path / "orchestration" / "v9"
    folder.mkdir(parents=True)
    case = load_cases("orchestration")[0]
    (folder / "cases.jsonl").write_text(json.dumps(case) + "\n")
    write_manifest("orchestration", "v9", "copy", root=tmp_path)
    assert verify_dataset("orchestration", "v9", root=tmp_path)["case_count"] == 1
    (folder / "cases.jsonl").write_text(json.dumps({**case, "description": "edited in place"}) + "\n")
    with pytest.raises(DatasetError, match="immutable"):
        load_cases("orchestration", "v9", root=tmp_path)


def test_manifest_is_never_overwritten(tmp_path):
    folder = tmp_path / "fixes" / "v2"
    folder.mkdir(parents=True)
    (folder / "cases.jsonl").write_text(json.dumps(load_cases("fixes")[0]) + "\n")
    write_manifest("fixes", "v2", "new", root=tmp_path)
    with pytest.raises(DatasetError, match="exists"):
        write_manifest("fixes", "v2", "again", root=tmp_path)


@pytest.mark.parametrize("suite", SUITES)
def test_manifest_records_every_file_hash(suite):
    manifest = read_manifest(suite, "v1")
    assert manifest["files"]["cases.jsonl"] == sha256_file(dataset_dir(suite, "v1") / "cases.jsonl")


def test_expected_concepts_are_known_to_the_vocabulary():
    vocab = load_vocabulary()
    for case in load_cases("architecture"):
        unknown = [c for c in case["expected_components"] if normalize(c) not in vocab["components"]]
        unknown += [p for p in case["expected_patterns"] if normalize(p) not in vocab["patterns"]]
        assert not unknown, f"{case['id']}: {unknown} missing from evals/vocabulary.yaml"
    for case in load_cases("orchestration"):
        kinds = {k for pair in case["dependency_constraints"] for k in pair} | set(case["expected_kinds"])
        assert kinds <= set(vocab["kinds"]), case["id"]


@pytest.mark.slow
def test_every_reference_fix_passes_and_every_buggy_code_fails(eval_settings):
    cases = load_cases("fixes")

    def check(case):
        tests = case["tests"] + "\n\n" + case["hidden_tests"]
        reference = run_case_tests(case["reference_fix"], tests, eval_settings)
        buggy = run_case_tests(case["code"], tests, eval_settings)
        return case["id"], reference, buggy

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(check, cases))
    broken_references = [(cid, ref.detail) for cid, ref, _ in results if not ref.all_passed]
    unbroken_bugs = [cid for cid, _, bug in results if bug.all_passed]
    assert not broken_references, broken_references
    assert not unbroken_bugs, f"buggy code passes every test: {unbroken_bugs}"
