"""Versioned evaluation datasets: `datasets/<suite>/<version>/cases.jsonl` guarded by a manifest of hashes.

A released version is never edited in place: the loader recomputes every file's sha256 and the case count and
refuses a folder whose files no longer match its manifest. New versions get their manifest from `write_manifest`.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graphs.common.paths import DATASETS_DIR

SUITES = ("fixes", "architecture", "orchestration")
CASES_FILE = "cases.jsonl"
MANIFEST_FILE = "manifest.json"

REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "fixes": ("id", "kind", "code", "error_message", "context", "tests", "hidden_tests", "reference_fix"),
    "architecture": ("id", "project_description", "tech_stack", "requirements", "expected_components",
                     "expected_patterns", "must_have_sections"),
    "orchestration": ("id", "description", "requirements", "constraints", "expected_roles", "expected_kinds",
                      "dependency_constraints"),
}


class DatasetError(ValueError):
    """A dataset folder is missing, malformed, or does not match its manifest."""


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dataset_dir(suite: str, version: str, root: Path | None = None) -> Path:
    """Folder of one dataset version; raises DatasetError for an unknown suite."""
    if suite not in SUITES:
        raise DatasetError(f"unknown suite {suite!r}; use one of {SUITES}")
    return (root or DATASETS_DIR) / suite / version


def read_manifest(suite: str, version: str, root: Path | None = None) -> dict[str, Any]:
    """The parsed manifest.json of a dataset version."""
    path = dataset_dir(suite, version, root) / MANIFEST_FILE
    if not path.is_file():
        raise DatasetError(f"{path} is missing: every dataset version needs a manifest (see write_manifest)")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{path} is not valid JSON: {exc}") from exc


def _parse_cases(path: Path, suite: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path}:{number}: invalid JSON ({exc.msg})") from exc
        missing = [f for f in REQUIRED_FIELDS[suite] if f not in case]
        if missing:
            raise DatasetError(f"{path}:{number}: case {case.get('id')!r} lacks fields {missing}")
        cases.append(case)
    ids = [c["id"] for c in cases]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise DatasetError(f"{path}: duplicate case ids {duplicates}")
    return cases


def verify_dataset(suite: str, version: str, root: Path | None = None) -> dict[str, Any]:
    """Check every file hash and the case count against the manifest; return the manifest.

    Raises DatasetError naming the changed file: released versions are immutable, so a mismatch means someone
    edited a released dataset (make a new version instead) or the checkout is corrupt.
    """
    folder = dataset_dir(suite, version, root)
    manifest = read_manifest(suite, version, root)
    if manifest.get("suite") != suite or manifest.get("version") != version:
        raise DatasetError(f"{folder}/{MANIFEST_FILE} describes {manifest.get('suite')}/{manifest.get('version')}")
    for name, expected in manifest.get("files", {}).items():
        path = folder / name
        if not path.is_file():
            raise DatasetError(f"{path} listed in the manifest is missing")
        actual = sha256_file(path)
        if actual != expected:
            raise DatasetError(
                f"{path} changed since {suite}/{version} was released (sha256 {actual[:12]}… != manifest "
                f"{expected[:12]}…). Released datasets are immutable: restore the file and put changes in a new "
                f"version folder, then run `python -m evals.cli manifest <new-version> --manifest-suite {suite} --description ...`."
            )
    count = len(_parse_cases(folder / CASES_FILE, suite))
    if count != manifest.get("case_count"):
        raise DatasetError(f"{folder}: {count} cases but the manifest says {manifest.get('case_count')}")
    return manifest


def load_cases(suite: str, version: str = "v1", root: Path | None = None) -> list[dict[str, Any]]:
    """The verified cases of a dataset version, in file order."""
    verify_dataset(suite, version, root)
    return _parse_cases(dataset_dir(suite, version, root) / CASES_FILE, suite)


def dataset_sha256(suite: str, version: str, root: Path | None = None) -> str:
    """The sha256 of the cases file (recorded in every report)."""
    return sha256_file(dataset_dir(suite, version, root) / CASES_FILE)


def write_manifest(suite: str, version: str, description: str, root: Path | None = None) -> Path:
    """Write manifest.json for a NEW dataset version; refuses to overwrite an existing manifest."""
    folder = dataset_dir(suite, version, root)
    path = folder / MANIFEST_FILE
    if path.exists():
        raise DatasetError(f"{path} exists: released versions are immutable, create a new version folder")
    cases = _parse_cases(folder / CASES_FILE, suite)
    files = {p.name: sha256_file(p) for p in sorted(folder.iterdir()) if p.is_file() and p.name != MANIFEST_FILE}
    manifest = {
        "suite": suite,
        "version": version,
        "description": description,
        "case_count": len(cases),
        "files": files,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return path
