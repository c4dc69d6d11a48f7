"""Playbooks: reviewed YAML recipes in knowledge/playbooks/, and how one is chosen for a task.

Choice combines explicit keyword rules (phrase matches in the description, requirements and constraints) with
the knowledge base's hybrid search over the same entries; if the KB is unavailable the keyword rules decide alone.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

import yaml

from graphs.common.paths import KNOWLEDGE_DIR
from graphs.orchestrate.schema import Role

if TYPE_CHECKING:
    from graphs.common.deps import Deps

log = logging.getLogger(__name__)

PLAYBOOKS_DIR = KNOWLEDGE_DIR / "playbooks"
ROLES: frozenset[str] = frozenset(get_args(Role))
DEFAULT_PLAYBOOK = "new_feature"
KB_WEIGHT = 1.0  # a first-ranked KB hit counts like one single-word keyword match; rank k gets 1/k


class PlaybookError(ValueError):
    """A playbook entry is malformed (unknown role, dangling dependency, duplicate step key...)."""


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    kind: str
    role: str
    depends_on: tuple[str, ...] = ()
    acceptance_criteria: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    effort_hours: float = 1.0
    when: tuple[str, ...] = ()  # include the step only if one of these phrases occurs in the task text


@dataclass(frozen=True)
class Playbook:
    id: str
    title: str
    keywords: tuple[str, ...]
    description: str
    steps: tuple[Step, ...]
    priority: int = 1  # breaks score ties: a generic playbook (priority 0) yields to a specific one
    patterns: tuple[str, ...] = ()  # regexes on the original text (add (?i) for case-insensitive); each counts 2


@dataclass(frozen=True)
class PlaybookChoice:
    playbook: Playbook
    scores: dict[str, float]
    matched_keywords: tuple[str, ...]
    notes: tuple[str, ...]


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise PlaybookError(f"{where}: expected a list of strings")
    return tuple(str(v) for v in value)


def parse_playbook(entry: dict[str, Any]) -> Playbook:
    """Validate one YAML/KB entry into a Playbook; raises PlaybookError with the offending field."""
    try:
        pid, steps_raw = str(entry["id"]), entry["steps"]
    except (KeyError, TypeError) as exc:
        raise PlaybookError(f"playbook entry without id/steps: {exc}") from exc
    steps: list[Step] = []
    for raw in steps_raw or []:
        where = f"playbook {pid} step {raw.get('key', '?')}"
        try:
            step = Step(
                key=str(raw["key"]), title=str(raw["title"]), kind=str(raw["kind"]), role=str(raw["role"]),
                depends_on=_strings(raw.get("depends_on"), where),
                acceptance_criteria=_strings(raw.get("acceptance_criteria"), where),
                inputs=_strings(raw.get("inputs"), where), outputs=_strings(raw.get("outputs"), where),
                effort_hours=float(raw.get("effort_hours", 1.0)), when=_strings(raw.get("when"), where),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise PlaybookError(str(exc) if isinstance(exc, PlaybookError) else f"{where}: {exc}") from exc
        if step.role not in ROLES:
            raise PlaybookError(f"{where}: unknown role {step.role!r}")
        if step.effort_hours <= 0:
            raise PlaybookError(f"{where}: effort_hours must be positive")
        steps.append(step)
    keys = [s.key for s in steps]
    if not steps or len(set(keys)) != len(keys):
        raise PlaybookError(f"playbook {pid}: needs steps with unique keys")
    for step in steps:
        missing = set(step.depends_on) - set(keys)
        if missing:
            raise PlaybookError(f"playbook {pid} step {step.key}: depends on unknown {sorted(missing)}")
    return Playbook(
        id=pid, title=str(entry.get("title", pid)), keywords=_strings(entry.get("keywords"), pid),
        description=str(entry.get("description", "")), steps=tuple(steps), priority=int(entry.get("priority", 1)),
        patterns=_patterns(entry.get("patterns"), pid),
    )


def _patterns(value: Any, pid: str) -> tuple[str, ...]:
    patterns = _strings(value, f"playbook {pid} patterns")
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise PlaybookError(f"playbook {pid}: bad pattern {pattern!r}: {exc}") from exc
    return patterns


@lru_cache(maxsize=4)
def load_playbooks(directory: Path = PLAYBOOKS_DIR) -> dict[str, Playbook]:
    """Every playbook in `directory/*.yaml` (files with a top-level `entries:` list), keyed by id."""
    books: dict[str, Playbook] = {}
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in data.get("entries", []):
            book = parse_playbook(entry)
            if book.id in books:
                raise PlaybookError(f"duplicate playbook id {book.id!r} in {path.name}")
            books[book.id] = book
    if not books:
        raise PlaybookError(f"no playbooks found in {directory}")
    return books


def phrase_in(phrase: str, text: str) -> bool:
    """True when `phrase` occurs in lower-cased `text` as whole words."""
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase.lower())}(?![a-z0-9])", text) is not None


def keyword_scores(text: str, books: dict[str, Playbook]) -> dict[str, tuple[float, list[str]]]:
    """Per playbook: weighted matches and what matched.

    A multi-word keyword counts 2, a single word 1, a pattern (regex on the original text) 2.
    """
    lowered = text.lower()
    scores: dict[str, tuple[float, list[str]]] = {}
    for book in books.values():
        hits = [kw for kw in book.keywords if phrase_in(kw, lowered)]
        score = sum(2.0 if " " in kw else 1.0 for kw in hits)
        for pattern in book.patterns:
            match = re.search(pattern, text)
            if match:
                hits.append(match.group(0)[:40])
                score += 2.0
        scores[book.id] = (score, hits)
    return scores


def retrieve_playbook_hits(deps: Deps, query: str, books: dict[str, Playbook]) -> tuple[list[str], list[str]]:
    """Playbook ids ranked by the KB's hybrid search, plus notes; KB failures degrade to keyword-only choice.

    Entries found only in the KB (e.g. added there but not in the YAML folder) are parsed from `entry_json`
    and added to `books`.
    """
    try:
        hits = deps.kb.search("playbooks", query, k=5)
    except Exception as exc:  # noqa: BLE001 - any KB failure (missing module, store, model) means keyword-only
        log.warning("playbook retrieval from the KB failed, using keyword rules only: %r", exc)
        return [], [f"KB retrieval unavailable ({type(exc).__name__}: {exc}); playbook chosen by keyword rules"]
    ranked: list[str] = []
    for hit in hits:
        pid = str(hit.id)
        if pid not in books:
            raw = (hit.metadata or {}).get("entry_json")
            try:
                books[pid] = parse_playbook(json.loads(raw)) if raw else None  # type: ignore[assignment]
            except (json.JSONDecodeError, PlaybookError) as exc:
                log.warning("KB playbook %s is unusable: %s", pid, exc)
            if books.get(pid) is None:
                books.pop(pid, None)
                continue
        if pid not in ranked:
            ranked.append(pid)
    notes = [] if ranked else ["KB returned no playbook hits; playbook chosen by keyword rules"]
    return ranked, notes


def choose_playbook(text: str, books: dict[str, Playbook], kb_ranked: list[str] | None = None,
                    context: str = "") -> PlaybookChoice:
    """Highest combined score (keywords + KB rank bonus) wins; ties: keyword score, priority, id.

    Without any keyword match the generic new_feature playbook is used (the KB's guess is only noted).

    `text` is the task description; `context` (requirements, constraints) counts half, since it says more
    about how the work must be done than what kind of work it is.
    """
    kw = keyword_scores(text, books)
    if context:
        extra = keyword_scores(context, books)
        kw = {pid: (kw[pid][0] + 0.5 * extra[pid][0], kw[pid][1] + [h for h in extra[pid][1] if h not in kw[pid][1]])
              for pid in kw}
    kb_bonus = {pid: KB_WEIGHT / (rank + 1) for rank, pid in enumerate(kb_ranked or [])}
    combined = {pid: round(kw.get(pid, (0.0, []))[0] + kb_bonus.get(pid, 0.0), 3) for pid in books}
    notes: list[str] = []
    if all(score == 0 for score, _ in kw.values()):
        # retrieval alone is a guess on text no reviewed rule recognises: keep the generic playbook, say so
        best = DEFAULT_PLAYBOOK if DEFAULT_PLAYBOOK in books else sorted(books)[0]
        hint = f"; the KB's nearest playbook was {kb_ranked[0]}" if kb_ranked else ""
        notes.append(f"no playbook keyword matched; defaulted to {best}{hint}")
    else:
        best = max(sorted(books), key=lambda pid: (combined[pid], kw[pid][0], books[pid].priority))
    matched = tuple(kw.get(best, (0.0, []))[1])
    return PlaybookChoice(playbook=books[best], scores=combined, matched_keywords=matched, notes=tuple(notes))


def select_playbook(deps: Deps | None, text: str, context: str = "",
                    directory: Path = PLAYBOOKS_DIR) -> PlaybookChoice:
    """Load the YAML playbooks, rank them with the KB (when deps are given) and keyword rules, pick one."""
    books = dict(load_playbooks(directory))
    query = f"{text} {context}"[:2000]
    ranked, kb_notes = retrieve_playbook_hits(deps, query, books) if deps is not None else ([], [])
    choice = choose_playbook(text, books, ranked, context)
    return PlaybookChoice(choice.playbook, choice.scores, choice.matched_keywords, tuple(kb_notes) + choice.notes)
