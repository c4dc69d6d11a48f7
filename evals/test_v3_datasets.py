"""v3 held-out datasets (fixes, architecture): verified loading, well-formed, varied, and every fix case a real bug."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from evals.datasets import REQUIRED_FIELDS, dataset_dir, load_cases, verify_dataset
from evals.execution import run_case_tests
from evals.vocabulary import load_vocabulary, normalize

VERSION = "v3"
V3_SUITES = ("fixes", "architecture")
MINIMUM_CASES = {"fixes": 70, "architecture": 35}
CRASHING_KINDS = {"type_error", "key_error", "none_attribute", "index_error", "value_error", "unbound_local",
                  "recursion_error", "zero_division", "import_error"}
OUTPUT_SECTIONS = {"components", "data_stores", "security", "scalability", "adrs", "mermaid", "connections",
                   "capacity", "style_scores", "compatibility_issues", "notes", "patterns", "requirements"}
# Naming the pattern in the brief would turn pattern recall into string matching.
PATTERN_GIVEAWAYS = ("queue", "cache", "replica", "shard", "saga", "outbox", "event-driven", "event driven", "cqrs",
                     "idempot", "rate limit", "circuit breaker", "cdn", "microservice", "monolith", "serverless",
                     "multi-region", "audit log", "strangler", "load level", "pipes and filters")


@pytest.mark.parametrize("suite", V3_SUITES)
def test_v3_loads_with_matching_hash_and_count(suite):
    manifest = verify_dataset(suite, VERSION)
    cases = load_cases(suite, VERSION)
    assert manifest["version"] == VERSION
    assert manifest["case_count"] == len(cases) >= MINIMUM_CASES[suite]


@pytest.mark.parametrize("suite", V3_SUITES)
def test_v3_ids_are_unique_and_fields_are_filled(suite):
    cases = load_cases(suite, VERSION)
    ids = [c["id"] for c in cases]
    assert len(set(ids)) == len(ids)
    prefix = {"fixes": "fix3-", "architecture": "arch3-"}[suite]
    assert all(i.startswith(prefix) for i in ids)
    for case in cases:
        empty = [f for f in REQUIRED_FIELDS[suite] if case[f] in ("", None, [])]
        assert not empty, f"{case['id']}: empty fields {empty}"


@pytest.mark.parametrize("suite", V3_SUITES)
def test_v3_reuses_no_earlier_case(suite):
    key = {"fixes": "code", "architecture": "project_description"}[suite]
    v3 = load_cases(suite, VERSION)
    for old in ("v1", "v2"):
        earlier = load_cases(suite, old)
        assert not [c["id"] for c in v3 if c[key] in {e[key] for e in earlier}], old
        assert not {c["id"] for c in v3} & {e["id"] for e in earlier}, old


def test_fix_cases_are_small_modules_with_few_visible_and_some_hidden_tests():
    for case in load_cases("fixes", VERSION):
        lines = len(case["code"].splitlines())
        visible = len(re.findall(r"^def test_", case["tests"], flags=re.M))
        hidden = len(re.findall(r"^def test_", case["hidden_tests"], flags=re.M))
        assert 5 <= lines <= 40 and 1 <= visible <= 3 and 2 <= hidden <= 4, (case["id"], lines, visible, hidden)
        assert case["code"] != case["reference_fix"], case["id"]


def test_fix_cases_span_many_kinds_none_dominating():
    counts: dict[str, int] = {}
    for case in load_cases("fixes", VERSION):
        counts[case["kind"]] = counts.get(case["kind"], 0) + 1
    assert len(counts) >= 16, counts
    assert max(counts.values()) <= 8, counts
    non_security = [n for kind, n in counts.items() if kind != "security"]
    assert max(non_security) <= 3 * min(non_security), counts


def test_security_cases_name_a_cwe_and_cover_several():
    security = [c for c in load_cases("fixes", VERSION) if c["kind"] == "security"]
    assert len(security) >= 8
    assert all(re.fullmatch(r"CWE-\d+", str(c.get("cwe", ""))) for c in security)
    assert len({c["cwe"] for c in security}) >= 5


def test_crash_cases_carry_a_real_traceback():
    for case in load_cases("fixes", VERSION):
        if case["kind"] in CRASHING_KINDS:
            message = case["error_message"]
            assert "Traceback" in message and 'File "solution.py"' in message, case["id"]
            assert re.search(r"^\w*(Error|Exception)\b", message, flags=re.M), case["id"]


def test_wrong_output_and_hang_cases_carry_test_output():
    for case in load_cases("fixes", VERSION):
        message = case["error_message"]
        timed_out = re.fullmatch(r"(test_\w+ timed out after \d+ s\n)+", message) is not None
        if case["kind"] == "hang":
            assert timed_out, case["id"]
        else:
            assert timed_out or "test_solution.py" in message, case["id"]


def test_architecture_cases_span_domains_and_scales():
    cases = load_cases("architecture", VERSION)
    assert len({c["domain"] for c in cases}) >= 12
    assert len({c["scale"] for c in cases}) >= 4


def test_architecture_expectations_are_focused_and_known_to_the_vocabulary():
    vocab = load_vocabulary()
    for case in load_cases("architecture", VERSION):
        assert 2 <= len(case["expected_components"]) <= 6, case["id"]
        assert 1 <= len(case["expected_patterns"]) <= 4, case["id"]
        assert case["expected_style"], case["id"]
        unknown = [c for c in case["expected_components"] if normalize(c) not in vocab["components"]]
        unknown += [p for p in case["expected_patterns"] if normalize(p) not in vocab["patterns"]]
        unknown += [s for s in case["expected_style"] if normalize(s) not in vocab["styles"]]
        assert not unknown, f"{case['id']}: {unknown} missing from evals/vocabulary.yaml"
        assert set(case["must_have_sections"]) <= OUTPUT_SECTIONS, case["id"]


def test_architecture_briefs_state_forces_not_pattern_names():
    for case in load_cases("architecture", VERSION):
        text = (case["project_description"] + " " + " ".join(case["requirements"])).lower()
        named = [w for w in PATTERN_GIVEAWAYS if w in text]
        assert not named, f"{case['id']} names {named}"


def test_v3_cases_files_are_one_json_object_per_line():
    for suite in V3_SUITES:
        lines = (dataset_dir(suite, VERSION) / "cases.jsonl").read_text(encoding="utf-8").splitlines()
        assert all(isinstance(json.loads(line), dict) for line in lines if line.strip())


@pytest.mark.slow
def test_every_v3_reference_fix_passes_and_every_buggy_code_fails(eval_settings):
    cases = load_cases("fixes", VERSION)

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
    hangs_not_hanging = [c["id"] for c, _, visible, _ in results if c["kind"] == "hang" and not visible.timed_out]
    assert not broken_references, broken_references
    assert not visible_not_failing, f"buggy code passes its visible tests: {visible_not_failing}"
    assert not unbroken_bugs, f"buggy code passes every test: {unbroken_bugs}"
    assert not hangs_not_hanging, f"hang cases that do not time out: {hangs_not_hanging}"
