"""Input and output models of the auto_fix graph (also the MCP tool's schemas)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from graphs.auto_fix.trace_text import compact_error_text

MAX_CODE_CHARS = 100_000
MAX_TEXT_CHARS = 20_000
MAX_RAW_ERROR_CHARS = 2_000_000  # longer error text is refused; up to this it is compacted to MAX_TEXT_CHARS

ErrorClass = Literal[
    "syntax_error", "name_error", "import_error", "type_error", "attribute_error", "none_attribute",
    "key_error", "index_error", "value_error", "zero_division", "recursion_error", "hang", "wrong_output",
    "assertion_error", "static_finding", "other_exception", "unknown",
]
Strategy = Literal["template", "ast_mutation", "semgrep_autofix", "ruff_fix", "retrieved_fix", "llm"]
RiskLevel = Literal["low", "medium", "high"]


class AutoFixInput(BaseModel):
    code: str = Field(min_length=1, max_length=MAX_CODE_CHARS, description="Python source of the module to repair.")
    error_message: str = Field("", max_length=MAX_RAW_ERROR_CHARS,
                               description="Traceback or error text, if any (long tracebacks are folded).")
    context: str = Field("", max_length=MAX_TEXT_CHARS, description="What the code should do; doctest examples help.")
    tests: str = Field("", max_length=MAX_CODE_CHARS,
                       description="pytest-style tests; the code is importable as module `solution`.")
    language: Literal["python"] = "python"

    @field_validator("error_message")
    @classmethod
    def _fold_long_tracebacks(cls, value: str) -> str:
        return compact_error_text(value, MAX_TEXT_CHARS)


class Location(BaseModel):
    line: int | None = None
    function: str | None = None
    source: Literal["traceback", "syntax", "static", "tests", "none"] = "none"


class StaticFinding(BaseModel):
    tool: Literal["semgrep", "ruff"]
    rule_id: str
    message: str
    line: int
    severity: str = "warning"
    cwe: str | None = None


class Analysis(BaseModel):
    error_class: ErrorClass
    exception_type: str | None = None
    message: str = ""
    location: Location = Location()
    static_findings: list[StaticFinding] = []
    tests_given: bool = False
    tests_source: Literal["given", "doctest", "none"] = "none"
    baseline_tests_passed: int = 0
    baseline_tests_total: int = 0
    suspicious_lines: list[int] = []


class Validation(BaseModel):
    compiles: bool
    tests_passed: int = 0
    tests_total: int = 0
    timed_out: bool = False
    findings_before: int = 0
    findings_after: int = 0
    validated: bool = Field(False, description="True only when tests exist and all of them passed.")


class Risk(BaseModel):
    level: RiskLevel
    reasons: list[str] = []


class Fix(BaseModel):
    fix_id: str
    rank: int
    strategy: Strategy
    explanation: str
    fixed_code: str
    diff: str
    risk: Risk
    confidence: float = Field(ge=0.0, le=1.0)
    validation: Validation


class AutoFixOutput(BaseModel):
    analysis: Analysis
    fixes: list[Fix] = []
    candidates_tried: int = 0
    elapsed_ms: float = 0.0
    learned_fix_id: str | None = Field(None, description="Knowledge-store id of the fix recorded as a candidate.")
    notes: list[str] = []
