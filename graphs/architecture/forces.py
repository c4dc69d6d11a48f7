"""Architectural forces: typed cues (keywords, numbers, quality attributes) that argue for or against a tactic.

A senior architect does not pick a tactic because a word appears; they pick it because several forces point the
same way (e.g. *bursty demand* and *slow downstream work* → queue-based load leveling). Each `Signal` lists such
forces as `Cue`s with weights; a tactic is called for when the summed weight of the cues that fire reaches the
signal's threshold. Negative weights encode the forces against it (the over-engineering guard: a small team at a
small scale). Every fired cue records the requirement ids behind it, so the choice is traceable in the output.

The cue table itself is data (`force_cues.SIGNALS`); this module only evaluates it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from graphs.architecture.extract import split_sentences
from graphs.architecture.profile import ForceScore, Profile
from graphs.architecture.schema import Requirement

Fact = Callable[[Profile], bool]


@dataclass(frozen=True)
class Cue:
    """One force. Fires when `text` matches a requirement/description sentence, `stack` matches a named
    technology, or `fact` holds for the workload profile (numbers and quality-attribute flags)."""

    force: str
    weight: float
    text: str | None = None
    stack: str | None = None
    fact: Fact | None = None
    cite: tuple[str, ...] = ()  # profile attributes whose requirement ids a `fact` cue cites


@dataclass(frozen=True)
class Signal:
    """The forces behind one tactic (or style/component decision) and the weight that makes it worth it."""

    key: str
    threshold: float
    cues: tuple[Cue, ...]


@dataclass(frozen=True)
class _Sentence:
    text: str
    ids: tuple[str, ...]


def _sentences(reqs: list[Requirement], texts: list[str]) -> list[_Sentence]:
    """Requirement texts with their ids, plus input sentences no requirement covers (cited without an id:
    extraction keeps one requirement per distinct quality, so a second sentence about it has no id)."""
    by_text: dict[str, list[str]] = {}
    for r in reqs:
        by_text.setdefault(r.text, []).append(r.id)
    out = [_Sentence(text, tuple(ids)) for text, ids in by_text.items()]
    covered = {t.lower() for t in by_text}
    for text in texts:
        for s in split_sentences(text):
            if s[:500].lower() not in covered:
                covered.add(s[:500].lower())
                out.append(_Sentence(s, ()))
    return out


@dataclass(frozen=True)
class _Compiled:
    cue: Cue
    text: re.Pattern[str] | None
    stack: re.Pattern[str] | None


_CACHE: dict[int, tuple[Signal, tuple[_Compiled, ...]]] = {}


def _compiled(signal: Signal) -> tuple[_Compiled, ...]:
    hit = _CACHE.get(id(signal))
    if hit is None or hit[0] is not signal:
        hit = (signal, tuple(_Compiled(c, re.compile(c.text, re.I) if c.text else None,
                                       re.compile(rf"\b(?:{c.stack})\b", re.I) if c.stack else None)
                             for c in signal.cues))
        _CACHE[id(signal)] = hit
    return hit[1]


def evaluate_signal(signal: Signal, sentences: list[_Sentence], stack: list[str], p: Profile) -> ForceScore:
    """Sum the weights of the cues that fire; each cue counts once however many sentences match it."""
    score = 0.0
    forces: list[str] = []
    ids: list[str] = []
    for comp in _compiled(signal):
        cue = comp.cue
        hit_ids: list[str] = []
        fired = False
        if comp.text is not None:
            for s in sentences:
                if comp.text.search(s.text):
                    fired = True
                    hit_ids += s.ids
        if not fired and comp.stack is not None:
            named = [t for t in stack if comp.stack.search(t)]
            if named:
                fired = True
                hit_ids.append(f"stack: {', '.join(named)}")
        if not fired and cue.fact is not None and cue.fact(p):
            fired = True
            hit_ids += [i for a in cue.cite for i in p.ids.get(a, [])]
        if not fired:
            continue
        score += cue.weight
        req_ids = [i for i in dict.fromkeys(hit_ids) if not i.startswith("stack: ")]
        where = ", ".join(dict.fromkeys(hit_ids)) or "description"
        forces.append(f"{cue.weight:+g} {cue.force} ({where})")
        ids += [i for i in req_ids if i not in ids]
    return ForceScore(key=signal.key, score=round(score, 2), threshold=signal.threshold, forces=forces, ids=ids)


def assess_forces(reqs: list[Requirement], texts: list[str], p: Profile, stack: list[str],
                  signals: tuple[Signal, ...] | None = None) -> dict[str, ForceScore]:
    """Score every signal against the requirements, the input `texts` (description and requirement list),
    the stack and the profile.

    Call after capacity estimation (cues read `p.peak_rps`). Returns key -> ForceScore (met or not, so the
    output can also say why a tactic was *not* chosen).
    """
    if signals is None:
        from graphs.architecture.force_cues import SIGNALS  # the table imports this module's types

        signals = SIGNALS
    sentences = _sentences(reqs, texts)
    return {s.key: evaluate_signal(s, sentences, stack, p) for s in signals}


def apply_feature_forces(p: Profile) -> None:
    """Forces that imply a capability become features: mobile clients (components, BFF) and an incremental
    legacy migration (strangler fig, outbox)."""
    for key, feature in (("mobile_client", "mobile"), ("legacy_migration", "legacy")):
        force = p.force(key)
        if force is not None and feature not in p.features:
            p.features[feature] = list(force.ids)
