"""Architecture metrics over an ArchitectureOutput (as a dict) and an architecture case."""

from __future__ import annotations

from typing import Any

from evals.metrics.base import RunContext, Score, metric_class
from evals.vocabulary import matches


def component_texts(output: dict[str, Any]) -> list[str]:
    """Strings a component concept may match: component names, kinds, technologies; data store names/techs."""
    texts: list[str] = []
    for comp in output.get("components") or []:
        texts += [comp.get("name", ""), comp.get("kind", ""), comp.get("technology", "")]
    for store in output.get("data_stores") or []:
        texts += [store.get("name", ""), store.get("technology", "")]
    return texts


def pattern_texts(output: dict[str, Any]) -> list[str]:
    """Strings a pattern concept may match: pattern ids and names."""
    return [t for p in output.get("patterns") or [] for t in (p.get("pattern_id", ""), p.get("name", ""))]


def recall(expected: list[str], texts: list[str], section: str) -> tuple[float, list[str]]:
    """Fraction of expected concepts matched (synonym vocabulary) in `texts`, and the missed ones."""
    if not expected:
        return 1.0, []
    missed = [concept for concept in expected if not matches(concept, texts, section)]
    return 1.0 - len(missed) / len(expected), missed


def score_component_recall(output: dict[str, Any], case: dict[str, Any], ctx: RunContext) -> Score:
    """Fraction of `expected_components` found among component/data-store names, kinds and technologies."""
    value, missed = recall(case["expected_components"], component_texts(output), "components")
    return Score(value, f"missed {missed}" if missed else "all expected components present")


def score_pattern_recall(output: dict[str, Any], case: dict[str, Any], ctx: RunContext) -> Score:
    """Fraction of `expected_patterns` found among pattern ids and names."""
    value, missed = recall(case["expected_patterns"], pattern_texts(output), "patterns")
    return Score(value, f"missed {missed}" if missed else "all expected patterns present")


def served_requirement_ids(output: dict[str, Any]) -> set[str]:
    """Requirement ids that some element serves (traceability map or any `serves` list)."""
    served = {rid for rid, elements in (output.get("traceability") or {}).items() if elements}
    for field in ("components", "data_stores", "patterns", "security"):
        for element in output.get(field) or []:
            served.update(element.get("serves") or [])
    return served


def score_traceability(output: dict[str, Any], case: dict[str, Any], ctx: RunContext) -> Score:
    """Fraction of the output's extracted requirements served by at least one element; 0.0 when the output
    extracted no requirements although the case has some."""
    ids = [r.get("id") for r in output.get("requirements") or []]
    if not ids:
        return Score(0.0 if case["requirements"] else 1.0, "no requirements extracted")
    served = served_requirement_ids(output)
    unserved = [rid for rid in ids if rid not in served]
    return Score(1.0 - len(unserved) / len(ids), f"unserved {unserved}" if unserved else "every requirement served")


def score_soundness(output: dict[str, Any], case: dict[str, Any], ctx: RunContext) -> Score:
    """Fraction of the output's own soundness `checks` that passed; 0.0 when it ran none."""
    checks = output.get("checks") or []
    if not checks:
        return Score(0.0, "no soundness checks reported")
    failed = [c.get("name") for c in checks if not c.get("passed")]
    return Score(1.0 - len(failed) / len(checks), f"failed {failed}" if failed else f"{len(checks)} checks passed")


def score_sections(output: dict[str, Any], case: dict[str, Any], ctx: RunContext) -> Score:
    """Fraction of `must_have_sections` (output field names) that are present and non-empty."""
    sections = case["must_have_sections"]
    if not sections:
        return Score(1.0, "no sections required")
    missing = [s for s in sections if not output.get(s)]
    return Score(1.0 - len(missing) / len(sections), f"missing {missing}" if missing else "all sections present")


def score_style(output: dict[str, Any], case: dict[str, Any], ctx: RunContext) -> Score:
    """1.0 when the chosen style matches one of `expected_style` (synonyms apply); skipped when the case
    accepts any style."""
    accepted = case.get("expected_style") or []
    if not accepted:
        return Score(None, "skipped: case accepts any style")
    style = output.get("style") or ""
    ok = any(matches(s, [style], "styles") for s in accepted)
    return Score(1.0 if ok else 0.0, f"style {style!r} vs {accepted}")


ComponentRecall = metric_class("component_recall", score_component_recall, 0.6, score_component_recall.__doc__ or "")
PatternRecall = metric_class("pattern_recall", score_pattern_recall, 0.5, score_pattern_recall.__doc__ or "")
Traceability = metric_class("traceability", score_traceability, 0.8, score_traceability.__doc__ or "")
Soundness = metric_class("soundness", score_soundness, 0.8, score_soundness.__doc__ or "")
SectionsPresent = metric_class("sections_present", score_sections, 1.0, score_sections.__doc__ or "")
StyleAccepted = metric_class("style_accepted", score_style, 1.0, score_style.__doc__ or "")

METRICS = (ComponentRecall, PatternRecall, Traceability, Soundness, SectionsPresent, StyleAccepted)
