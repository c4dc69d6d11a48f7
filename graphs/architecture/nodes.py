"""Graph nodes (verb_noun). Each returns a partial state update and reports progress on the custom stream."""

from __future__ import annotations

import logging
from typing import Any

from langgraph.config import get_stream_writer

from graphs.architecture.capacity import estimate_capacity
from graphs.architecture.checks import run_checks
from graphs.architecture.costing import estimate_cost
from graphs.architecture.design import build_design
from graphs.architecture.extract import extract_requirements
from graphs.architecture.features import detect_features
from graphs.architecture.forces import apply_feature_forces, assess_forces
from graphs.architecture.profile import build_profile
from graphs.architecture.refine import review_design
from graphs.architecture.repair import repair_design
from graphs.architecture.retrieve import build_queries, file_retrieve, kb_retrieve, merge_queries
from graphs.architecture.state import ArchState
from graphs.common.deps import Deps

log = logging.getLogger(__name__)
RETRIEVAL_K = 5
MAX_KB_QUERIES = 8
KB_FAILURES = (RuntimeError, OSError, ValueError, ImportError)


def _progress(node: str, message: str) -> None:
    """Emit a progress event on the custom stream; outside a graph run (direct node calls) only log it."""
    try:
        writer = get_stream_writer()
    except RuntimeError:  # "outside of a runnable context"
        log.debug("%s: %s", node, message)
        return
    writer({"node": node, "message": message})


class ArchitectureNodes:
    """Node functions bound to the shared dependencies."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def analyze_requirements(self, state: ArchState) -> dict[str, Any]:
        reqs = extract_requirements(state["description"], state.get("raw_requirements", []))
        profile = build_profile(reqs, detect_features(reqs, state["description"]))
        capacity = estimate_capacity(profile)
        profile.peak_rps = capacity.numbers["peak_rps"]
        profile.forces = assess_forces(reqs, [state["description"], *state.get("raw_requirements", [])], profile,
                                       state.get("tech_stack", []))
        apply_feature_forces(profile)
        counts = {k: sum(r.kind == k for r in reqs) for k in ("functional", "quality", "constraint")}
        _progress("analyze_requirements", f"{counts['functional']} functional, {counts['quality']} quality, "
                                          f"{counts['constraint']} constraints; peak {capacity.text['peak_rps']}; forces met: "
                                          f"{', '.join(k for k, f in profile.forces.items() if f.met) or 'none'}")
        return {"requirements": reqs, "profile": profile, "capacity": capacity, "repair_round": 0}

    def retrieve_patterns(self, state: ArchState) -> dict[str, Any]:
        queries = build_queries(state["requirements"], state["profile"])
        notes: list[str] = []
        try:
            merged = merge_queries(queries, MAX_KB_QUERIES)
            k = RETRIEVAL_K if len(merged) == len(queries) else 2 * RETRIEVAL_K
            candidates = kb_retrieve(self.deps.kb.search, merged, k)
        except KB_FAILURES as exc:
            log.warning("knowledge base search failed, using the pattern files directly: %s", exc)
            notes.append(f"knowledge base unavailable ({type(exc).__name__}: {exc}); patterns read from files")
            candidates = file_retrieve(queries, RETRIEVAL_K)
        if not candidates:
            notes.append("knowledge base returned no patterns (not ingested?); patterns read from files")
            candidates = file_retrieve(queries, RETRIEVAL_K)
        _progress("retrieve_patterns", f"{len(queries)} queries → {len(candidates)} candidate patterns")
        return {"queries": queries, "candidates": candidates, "notes": notes}

    def design_architecture(self, state: ArchState) -> dict[str, Any]:
        failed = [c for c in state.get("checks", []) if not c.passed]
        reqs, profile, cap = state["requirements"], state["profile"], state["capacity"]
        if state.get("design") is not None and failed:
            design, actions = repair_design(state["design"], failed, reqs, profile, cap)
            rnd = state.get("repair_round", 0) + 1
            _progress("design_architecture", f"repair round {rnd}: {len(actions)} fix(es)")
            return {"design": design, "repair_round": rnd, "notes": [f"repair round {rnd}: {a}" for a in actions]}
        design = build_design(profile, reqs, cap, state["candidates"], state.get("tech_stack", []))
        design.output.notes.append(estimate_cost(cap, design.output.components, design.redundancy))
        notes = review_design(self.deps.llm, state["description"], reqs, design.output)
        _progress("design_architecture", f"{design.output.style}: {len(design.output.components)} components")
        return {"design": design, "notes": notes}

    def validate_design(self, state: ArchState) -> dict[str, Any]:
        checks = run_checks(state["design"], state["requirements"], state["profile"], state["capacity"])
        failed = [c.name for c in checks if not c.passed]
        _progress("validate_design", f"{len(checks) - len(failed)}/{len(checks)} checks pass"
                                     + (f"; failed: {', '.join(failed)}" if failed else ""))
        return {"checks": checks}
