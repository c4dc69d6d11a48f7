"""One static-analysis finding, tool-agnostic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Finding:
    """A problem reported by semgrep or ruff on one piece of code (lines are 1-based)."""

    tool: Literal["semgrep", "ruff"]
    rule_id: str
    message: str
    line: int
    end_line: int
    severity: str
    cwe: str | None = None
    fix: str | None = None
