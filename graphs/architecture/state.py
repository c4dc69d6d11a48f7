"""State of the architecture graph. Input fields are narrower than the internal working state."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

from graphs.architecture.capacity import Capacity
from graphs.architecture.design import Design
from graphs.architecture.profile import Profile
from graphs.architecture.schema import Check, Requirement


class InputState(TypedDict):
    """What a caller supplies (mirrors ArchitectureInput)."""

    description: str
    tech_stack: list[str]
    raw_requirements: list[str]


class ArchState(InputState, total=False):
    """Working state filled by the nodes."""

    requirements: list[Requirement]
    """Extracted FR-n / QA-n / C-n requirements."""
    profile: Profile
    """Workload facts derived from the requirements (peak_rps filled from capacity)."""
    capacity: Capacity
    """Back-of-envelope numbers and their explained strings."""
    queries: list[str]
    """Retrieval queries sent to the knowledge base."""
    candidates: dict[str, dict]
    """Retrieved pattern entries by id (order = best first)."""
    design: Design
    """Current design (replaced by each design/repair round)."""
    checks: list[Check]
    """Results of the latest validation."""
    repair_round: int
    """Number of repair rounds already run."""
    notes: Annotated[list[str], operator.add]
    """Append-only notes (fallbacks, repairs, LLM use)."""
