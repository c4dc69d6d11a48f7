"""Static analysis: our semgrep packs pass their own fixtures; findings, autofixes, batching, ruff."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from graphs.common.config import Settings
from graphs.common.static import (
    RULES_DIR,
    ruff_fix,
    run_ruff,
    run_semgrep,
    scan,
    scan_many,
    semgrep_autofixes,
    semgrep_status,
)

SETTINGS = Settings()
needs_semgrep = pytest.mark.skipif(
    not Path(SETTINGS.semgrep_bin).is_file() and not os.environ.get("CI"),
    reason="semgrep venv not installed (make bootstrap creates it; under CI this fails instead)",
)

BAD = '''import hashlib
import yaml


def load(path, seen=[]):
    with open(path) as fh:
        data = yaml.load(fh)
    if data == None:
        return hashlib.md5(path.encode()).hexdigest()
    return data + missing
'''

CLEAN = '''def mean(values: list[float]) -> float:
    if not values:
        raise ValueError("empty")
    return sum(values) / len(values)
'''


@needs_semgrep
@pytest.mark.parametrize("pack", ["python-bugs", "python-security"])
def test_rule_pack_passes_its_fixtures_and_fix_tests(pack):
    proc = subprocess.run(
        [str(SETTINGS.semgrep_bin), "test", "--experimental", "--config", str(RULES_DIR / f"{pack}.yaml"),
         str(RULES_DIR / "tests" / f"{pack}.py")],
        capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "SEMGREP_ENABLE_VERSION_CHECK": "0"},
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "All tests passed" in out and "All fix tests passed" in out, out
    assert "ERROR" not in out, out


def test_every_security_rule_has_a_cwe_and_bug_rule_a_category():
    import yaml

    security = yaml.safe_load((RULES_DIR / "python-security.yaml").read_text())["rules"]
    bugs = yaml.safe_load((RULES_DIR / "python-bugs.yaml").read_text())["rules"]
    assert len(security) >= 15 and len(bugs) >= 15
    assert all(r["metadata"]["category"] == "security" and r["metadata"]["cwe"].startswith("CWE-") for r in security)
    assert all(r["metadata"]["category"] == "correctness" for r in bugs)


@needs_semgrep
def test_scan_reports_semgrep_and_ruff_findings_on_bad_code_sorted_by_line():
    findings = scan(BAD, SETTINGS)
    ids = {(f.tool, f.rule_id) for f in findings}
    assert {("semgrep", "yaml-unsafe-load"), ("semgrep", "eq-none-comparison"), ("semgrep", "weak-hash-algorithm"),
            ("semgrep", "mutable-default-arg"), ("ruff", "F821"), ("ruff", "B006")} <= ids
    assert [f.line for f in findings] == sorted(f.line for f in findings)
    yaml_finding = next(f for f in findings if f.rule_id == "yaml-unsafe-load")
    assert yaml_finding.line == 7 and yaml_finding.cwe.startswith("CWE-502")


@needs_semgrep
def test_clean_code_has_no_findings():
    assert scan(CLEAN, SETTINGS) == []


@needs_semgrep
def test_batch_keeps_findings_attached_to_the_right_input():
    codes = [CLEAN, "import os\n\ndef go(cmd):\n    os.system(cmd)\n", CLEAN, "x = 1\nassert (x, 'msg')\n"]
    results = run_semgrep(codes, SETTINGS)
    assert [[f.rule_id for f in r] for r in results] == [[], ["os-system-dynamic"], [], ["assert-on-tuple"]]
    assert results[1][0].line == 4
    assert len(scan_many(codes, SETTINGS)) == 4


@needs_semgrep
def test_autofix_candidates_compile_and_remove_their_finding():
    candidates = semgrep_autofixes(BAD, SETTINGS)
    rules = [rule for rule, _ in candidates]
    assert {"yaml-unsafe-load", "eq-none-comparison", "weak-hash-algorithm", "semgrep:all"} <= set(rules)
    for rule, fixed in candidates:
        compile(fixed, "fixed.py", "exec")
        if rule != "semgrep:all":
            assert rule not in {f.rule_id for f in run_semgrep([fixed], SETTINGS)[0]}
    combined = dict(candidates)["semgrep:all"]
    assert "yaml.safe_load(fh)" in combined and "data is None" in combined and "hashlib.sha256(" in combined


def test_missing_semgrep_binary_gives_empty_results_and_unavailable_status(tmp_path):
    settings = SETTINGS.with_(semgrep_bin=tmp_path / "no-semgrep")
    import shutil

    if shutil.which("semgrep"):
        pytest.skip("a semgrep on PATH would be used as fallback")
    assert run_semgrep([BAD, CLEAN], settings) == [[], []]
    assert semgrep_autofixes(BAD, settings) == []
    status = semgrep_status(settings)
    assert status["available"] is False and status["rule_count"] >= 30


@needs_semgrep
def test_status_reports_version_and_rules():
    status = semgrep_status(SETTINGS)
    assert status["available"] and status["version"].startswith("1.")
    assert status["rule_files"] == ["python-bugs.yaml", "python-security.yaml"]


def test_ruff_flags_bug_rules_only():
    bad, styled = run_ruff(["def f():\n    x = 1\n    return y\n", "import os\nx=1;y=2\n"])
    assert {f.rule_id for f in bad} == {"F841", "F821"}
    assert styled == []  # unused import / style are not in the bug selection


def test_ruff_fix_applies_safe_fix_or_returns_none():
    fixed = ruff_fix('def get(obj):\n    return getattr(obj, "name")\n')
    assert fixed == "def get(obj):\n    return obj.name\n"
    assert ruff_fix(CLEAN) is None
