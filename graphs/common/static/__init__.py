"""Static analysis: our semgrep rule packs plus a curated ruff selection, as tool-agnostic Findings."""

from __future__ import annotations

from graphs.common.config import Settings
from graphs.common.static.findings import Finding
from graphs.common.static.ruff import ruff_fix, run_ruff
from graphs.common.static.semgrep import RULES_DIR, run_semgrep, semgrep_autofixes, semgrep_status

__all__ = ["RULES_DIR", "Finding", "ruff_fix", "run_ruff", "run_semgrep", "scan", "scan_many",
           "semgrep_autofixes", "semgrep_status"]


def scan_many(codes: list[str], settings: Settings) -> list[list[Finding]]:
    """Semgrep (one batch process) and ruff findings for each code string, sorted by line."""
    sem = run_semgrep(codes, settings)
    ruff = run_ruff(codes)
    return [sorted(a + b, key=lambda f: (f.line, f.tool, f.rule_id)) for a, b in zip(sem, ruff, strict=True)]


def scan(code: str, settings: Settings) -> list[Finding]:
    """Semgrep + ruff findings for one code string, sorted by line."""
    return scan_many([code], settings)[0]
