"""Semgrep with the project's own rule packs (knowledge/semgrep/*.yaml), run offline in one batch process."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import tempfile
import time
from functools import lru_cache
from pathlib import Path

import yaml

from graphs.common.config import Settings
from graphs.common.paths import KNOWLEDGE_DIR
from graphs.common.static.findings import Finding

log = logging.getLogger(__name__)

RULES_DIR = KNOWLEDGE_DIR / "semgrep"
_BASE_ARGS = ["scan", "--experimental", "--metrics=off", "--disable-version-check", "--json", "--quiet"]
_TIMEOUT_S = 60.0


class SemgrepError(RuntimeError):
    """semgrep ran but its output could not be used."""


def _binary(settings: Settings) -> Path | None:
    path = Path(settings.semgrep_bin)
    if path.is_file():
        return path
    found = shutil.which("semgrep")
    return Path(found) if found else None


def _rule_files() -> list[Path]:
    return sorted(RULES_DIR.glob("*.yaml"))


def _short_id(check_id: str) -> str:
    # Local configs prefix the id with the config's dotted path (knowledge.semgrep.<id>).
    return check_id.rsplit(".", 1)[-1]


def _invoke(binary: Path, target: Path, extra: list[str]) -> dict:
    cmd = [str(binary), *_BASE_ARGS, *extra]
    for rules in _rule_files():
        cmd += ["--config", str(rules)]
    cmd.append(str(target))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(target), "SEMGREP_ENABLE_VERSION_CHECK": "0",
           "SEMGREP_SEND_METRICS": "off", "LANG": "C.UTF-8"}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=_TIMEOUT_S, env=env, cwd=target)
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise SemgrepError(f"semgrep exit {proc.returncode}: {proc.stderr.strip()[-300:]}") from exc
    for err in data.get("errors", []):
        log.warning("semgrep: %s", str(err.get("message", err))[:300])
    return data


def _to_finding(result: dict) -> Finding:
    extra = result.get("extra", {})
    meta = extra.get("metadata") or {}
    return Finding(
        tool="semgrep",
        rule_id=_short_id(result["check_id"]),
        message=extra.get("message", "").strip(),
        line=int(result["start"]["line"]),
        end_line=int(result["end"]["line"]),
        severity=str(extra.get("severity", "WARNING")).lower(),
        cwe=meta.get("cwe"),
        fix=extra.get("fix"),
    )


def _scan_dir(codes: list[str], settings: Settings, extra: list[str]) -> tuple[Path, list[list[dict]]] | None:
    binary = _binary(settings)
    if binary is None or not codes:
        return None
    per_file: list[list[dict]] = [[] for _ in codes]
    with tempfile.TemporaryDirectory(prefix="mo-semgrep-") as tmp:
        root = Path(tmp)
        for i, code in enumerate(codes):
            (root / f"f{i}.py").write_text(code, encoding="utf-8")
        start = time.monotonic()
        data = _invoke(binary, root, extra)
        log.debug("semgrep: %d files in %.2fs", len(codes), time.monotonic() - start)
        for result in data.get("results", []):
            index = int(Path(result["path"]).stem[1:])
            per_file[index].append(result)
    return binary, per_file


def run_semgrep(codes: list[str], settings: Settings) -> list[list[Finding]]:
    """Scan several code strings with ONE semgrep process; findings per input, in input order.

    Without a semgrep binary, returns empty lists (see `semgrep_status` for availability).
    """
    try:
        scanned = _scan_dir(codes, settings, [])
    except (subprocess.TimeoutExpired, SemgrepError, OSError) as exc:
        log.warning("semgrep scan failed: %s", exc)
        scanned = None
    if scanned is None:
        return [[] for _ in codes]
    return [sorted((_to_finding(r) for r in results), key=lambda f: (f.line, f.rule_id))
            for results in scanned[1]]


def _apply(code: str, results: list[dict]) -> str:
    """Apply each result's `extra.fix` to its byte span, last first; overlapping fixes are skipped."""
    raw = code.encode("utf-8")
    last_start = len(raw) + 1
    for r in sorted(results, key=lambda r: r["start"]["offset"], reverse=True):
        start, end = r["start"]["offset"], r["end"]["offset"]
        if end > last_start:
            continue
        raw = raw[:start] + r["extra"]["fix"].encode("utf-8") + raw[end:]
        last_start = start
    return raw.decode("utf-8")


def semgrep_autofixes(code: str, settings: Settings) -> list[tuple[str, str]]:
    """Candidate fixes from the rules' `fix`/`fix-regex`: (rule_id, fixed code) per finding, plus
    ("semgrep:all", code with every non-overlapping fix applied) when there are several."""
    try:
        scanned = _scan_dir([code], settings, ["--autofix", "--dryrun"])
    except (subprocess.TimeoutExpired, SemgrepError, OSError) as exc:
        log.warning("semgrep autofix failed: %s", exc)
        return []
    if scanned is None:
        return []
    fixable = [r for r in scanned[1][0] if r.get("extra", {}).get("fix") is not None]
    candidates: list[tuple[str, str]] = []
    for r in fixable:
        fixed = _apply(code, [r])
        if fixed != code and (_short_id(r["check_id"]), fixed) not in candidates:
            candidates.append((_short_id(r["check_id"]), fixed))
    if len(fixable) > 1:
        combined = _apply(code, fixable)
        if combined != code:
            candidates.append(("semgrep:all", combined))
    return candidates


@lru_cache(maxsize=4)
def _version(binary: str) -> str | None:
    try:
        proc = subprocess.run([binary, "--version", "--disable-version-check"], capture_output=True,
                              text=True, timeout=_TIMEOUT_S, env={"PATH": "/usr/bin:/bin",
                                                                  "SEMGREP_ENABLE_VERSION_CHECK": "0"})
    except (subprocess.TimeoutExpired, OSError):
        return None
    return proc.stdout.strip().splitlines()[-1] if proc.returncode == 0 and proc.stdout.strip() else None


def semgrep_status(settings: Settings) -> dict:
    """Whether semgrep can run here: binary path, version, rule files and rule count."""
    binary = _binary(settings)
    rules = 0
    for path in _rule_files():
        rules += len((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules", []))
    version = _version(str(binary)) if binary else None
    return {
        "available": binary is not None and version is not None,
        "version": version,
        "binary": str(binary) if binary else None,
        "rules_dir": str(RULES_DIR),
        "rule_files": [p.name for p in _rule_files()],
        "rule_count": rules,
    }
