"""A candidate fix (full fixed code + where it came from) and AST-level deduplication."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from graphs.auto_fix.edits import Edit, apply_edits, node_edit, normalized
from graphs.auto_fix.schema import ErrorClass, Strategy


@dataclass
class Candidate:
    """Full fixed code proposed by one source; `prior` (0..1) orders testing."""

    code: str
    strategy: Strategy
    explanation: str
    prior: float
    edits: tuple[Edit, ...] = field(default_factory=tuple)
    source_id: str | None = None
    key: str = ""  # normalised AST, filled by dedupe
    destructive: bool = False
    """Removes behaviour (deletes a statement or a term): ranked after behaviour-preserving fixes."""
    variant: bool = False
    """A less idiomatic form of another candidate (a defensive copy instead of `if x is None`): when both pass,
    the idiomatic one is ranked first; the variant only wins when the tests reject the other."""


def dedupe(candidates: list[Candidate], original: str, seen: set[str] | None = None) -> list[Candidate]:
    """Highest-prior first; drop candidates that don't parse, equal the original, or repeat a normalised AST.

    `seen` carries keys of candidates from earlier rounds and is updated in place.
    """
    seen = set() if seen is None else seen
    base = normalized(original)
    if base is not None:
        seen.add(base)
    kept = []
    for cand in sorted(candidates, key=lambda c: -c.prior):
        key = normalized(cand.code)
        if key is None or key in seen:
            continue
        seen.add(key)
        cand.key = key
        kept.append(cand)
    return kept


@dataclass
class FixContext:
    """What every proposer needs: the code, its tree, the failure and the suspicious lines."""

    code: str
    tree: ast.Module | None
    error_class: ErrorClass
    exception_type: str | None = None
    message: str = ""
    line: int | None = None
    offset: int | None = None
    suspicious: list[int] = field(default_factory=list)
    hints: str = ""
    """The user's own words and examples (context, error text, tests): values stated there are the spec."""

    @property
    def lines(self) -> list[str]:
        return self.code.splitlines()


def node_candidate(ctx: FixContext, node: ast.AST, text: str, why: str, prior: float) -> list[Candidate]:
    """A one-edit template candidate: `node`'s source replaced by `text` (none when the edit does not apply)."""
    code = apply_edits(ctx.code, [node_edit(ctx.lines, node, text)])
    return [Candidate(code, "template", f"line {node.lineno}: {why}", prior)] if code else []
