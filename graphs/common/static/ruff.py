"""Ruff with a curated selection of rules that point at real bugs (not style)."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

from graphs.common.static.findings import Finding

log = logging.getLogger(__name__)

# Undefined/unused names, redefinitions, bad comparisons, mutable/call defaults, unreachable or
# ineffective statements, wrong format strings, late-binding closures, pylint errors.
BUG_RULES = [
    "F821", "F822", "F823", "F841", "F811", "F632", "F601", "F602", "F631", "F701", "F702", "F704", "F706",
    "F501", "F502", "F503", "F505", "F506", "F507", "F508", "F509", "F521", "F522", "F523", "F524", "F525",
    "E711", "E712", "E721", "E722", "E741",
    "B002", "B003", "B006", "B008", "B009", "B010", "B011", "B012", "B015", "B016", "B017", "B018", "B019",
    "B020", "B021", "B023", "B025", "B026", "B029", "B030", "B031", "B032", "B033", "B035", "B904", "B905",
    "PLE", "PLW0120", "PLW0127", "PLW0128", "PLW0129", "PLW0131", "PLW0602", "PLW0711", "PLW1508",
    "PLW2901", "PLW3301", "PLR0124", "PLR1704", "RUF006", "RUF013", "RUF015",
]
_TIMEOUT_S = 30.0
_STDIN_NAME = "solution.py"


def _binary() -> str | None:
    local = Path(sys.executable).parent / "ruff"
    return str(local) if local.is_file() else shutil.which("ruff")


def _base_cmd(binary: str) -> list[str]:
    return [binary, "check", "--isolated", "--no-cache", "--select", ",".join(BUG_RULES),
            "--target-version", "py311", "--stdin-filename", _STDIN_NAME]


def _severity(code: str) -> str:
    return "error" if code.startswith(("F8", "F6", "F7", "PLE", "B0")) else "warning"


def _to_finding(item: dict) -> Finding:
    fix = item.get("fix") or {}
    edits = fix.get("edits") or []
    code = item.get("code") or "syntax-error"
    return Finding(
        tool="ruff",
        rule_id=code,
        message=item.get("message", ""),
        line=int(item["location"]["row"]),
        end_line=int(item["end_location"]["row"]),
        severity="error" if code == "syntax-error" else _severity(code),
        cwe=None,
        fix=edits[0].get("content") if len(edits) == 1 else None,
    )


def _check_one(binary: str, code: str) -> list[Finding]:
    proc = subprocess.run([*_base_cmd(binary), "--output-format", "json", "-"], input=code,
                          capture_output=True, text=True, timeout=_TIMEOUT_S)
    if proc.returncode not in (0, 1):
        log.warning("ruff failed (exit %d): %s", proc.returncode, proc.stderr.strip()[-300:])
        return []
    items = json.loads(proc.stdout or "[]")
    return sorted((_to_finding(i) for i in items), key=lambda f: (f.line, f.rule_id))


def run_ruff(codes: list[str]) -> list[list[Finding]]:
    """Lint each code string with the curated bug rules; findings per input, in input order.

    Ruff takes ~10 ms per call, so each input gets its own stdin call (file-name mapping stays trivial).
    Without a ruff binary, returns empty lists.
    """
    binary = _binary()
    if binary is None:
        log.warning("ruff not found; skipping lint")
        return [[] for _ in codes]
    out = []
    for code in codes:
        try:
            out.append(_check_one(binary, code))
        except (subprocess.TimeoutExpired, OSError, json.JSONDecodeError) as exc:
            log.warning("ruff check failed: %s", exc)
            out.append([])
    return out


def ruff_fix(code: str) -> str | None:
    """Apply ruff's safe fixes for the curated rules; the fixed code, or None when nothing changed."""
    binary = _binary()
    if binary is None:
        return None
    try:
        proc = subprocess.run([*_base_cmd(binary), "--fix", "--exit-zero", "-"], input=code,
                              capture_output=True, text=True, timeout=_TIMEOUT_S)
    except (subprocess.TimeoutExpired, OSError) as exc:
        log.warning("ruff fix failed: %s", exc)
        return None
    if proc.returncode != 0 or not proc.stdout or proc.stdout == code:
        return None
    return proc.stdout
