"""Value types of the sandbox: limits of one run and what a run produced."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graphs.common.config import Settings


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed run (the timeout covers the whole run, spawn included)."""

    timeout_s: float = 3.0
    memory_mb: int = 512
    max_procs: int = 32
    max_file_mb: int = 16
    max_output_bytes: int = 1_000_000

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        """Limits from the typed settings (MO_SANDBOX_TIMEOUT_S, MO_SANDBOX_MEMORY_MB)."""
        return cls(timeout_s=settings.sandbox_timeout_s, memory_mb=settings.sandbox_memory_mb)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class TestOutcome:
    """One test: its name (``test_x`` or ``TestC::test_x[param]``), verdict and a one-line reason."""

    __test__ = False  # not a pytest test class

    name: str
    passed: bool
    error: str
    line: int | None = None
    """Last solution.py line in the failure's traceback (None when passing or not raised in solution.py)."""


@dataclass
class TestRun:
    """Result of running a test file against a solution in the sandbox."""

    __test__ = False

    compiled: bool
    import_error: str | None
    outcomes: list[TestOutcome]
    timed_out: bool
    crashed: str | None
    duration_s: float
    coverage: dict[str, list[int]] | None = None

    @property
    def passed(self) -> int:
        """Number of passing tests."""
        return sum(1 for o in self.outcomes if o.passed)

    @property
    def total(self) -> int:
        """Number of tests that ran."""
        return len(self.outcomes)

    @property
    def all_passed(self) -> bool:
        """True when the run was clean, at least one test ran and every test passed."""
        clean = self.compiled and not self.timed_out and self.crashed is None and self.import_error is None
        return clean and self.total > 0 and self.passed == self.total


@dataclass(frozen=True)
class ProcResult:
    """Result of plain execution; stdout/stderr are cut to ``Limits.max_output_bytes``."""

    returncode: int
    stdout: str
    stderr: str
    timed_out: bool
