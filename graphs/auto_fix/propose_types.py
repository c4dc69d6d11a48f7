"""The proposer signature shared by every candidate source."""

from __future__ import annotations

from collections.abc import Callable

from graphs.auto_fix.candidates import Candidate, FixContext

Proposer = Callable[[FixContext], list[Candidate]]
