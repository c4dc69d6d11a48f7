"""Reference ("gold") and empty outputs per suite, used to check the evaluator itself.

A gold output is built only from a case's expected fields; scoring it must pass. An empty output must fail.
"""

from __future__ import annotations

import difflib
from typing import Any

from evals.vocabulary import normalize

_COMPONENT_KINDS = {
    "cache": "cache", "message queue": "queue", "relational database": "datastore", "document database": "datastore",
    "time series database": "datastore", "object storage": "datastore", "search index": "datastore",
    "vector database": "datastore", "data warehouse": "datastore", "feature store": "datastore",
    "cdn": "edge", "api gateway": "edge", "load balancer": "edge", "worker": "worker", "web app": "client",
    "mobile app": "client", "observability": "observability", "payment provider": "external",
    "identity provider": "external",
}


def gold_fix_output(case: dict[str, Any]) -> dict[str, Any]:
    """An AutoFixOutput-shaped dict whose only fix is the case's reference fix."""
    diff = "\n".join(difflib.unified_diff(case["code"].splitlines(), case["reference_fix"].splitlines(),
                                          "a/solution.py", "b/solution.py", lineterm=""))
    fix = {"fix_id": "gold", "rank": 1, "strategy": "template", "explanation": "reference fix",
           "fixed_code": case["reference_fix"], "diff": diff, "risk": {"level": "low", "reasons": []},
           "confidence": 1.0, "validation": {"compiles": True, "validated": True}}
    return {"analysis": {"error_class": "unknown"}, "fixes": [fix], "candidates_tried": 1}


def gold_architecture_output(case: dict[str, Any]) -> dict[str, Any]:
    """An ArchitectureOutput-shaped dict naming exactly the expected components, patterns and sections."""
    req_ids = [f"R{i}" for i in range(1, len(case["requirements"]) + 1)]
    components = [{"name": c, "responsibility": c, "technology": c, "kind": _COMPONENT_KINDS.get(normalize(c), "service"),
                   "serves": req_ids} for c in case["expected_components"]]
    style = (case.get("expected_style") or ["modular monolith"])[0]
    output: dict[str, Any] = {
        "style": style, "rationale": "gold",
        "requirements": [{"id": rid, "kind": "functional", "text": text} for rid, text in zip(req_ids, case["requirements"],
                                                                                              strict=True)],
        "components": components,
        "data_stores": [{"name": c, "technology": c, "data": c, "access_pattern": "", "serves": req_ids}
                        for c in case["expected_components"] if _COMPONENT_KINDS.get(normalize(c)) == "datastore"],
        "patterns": [{"pattern_id": p, "name": p, "reason": "gold", "serves": req_ids} for p in case["expected_patterns"]],
        "traceability": {rid: [c["name"] for c in components] for rid in req_ids},
        "checks": [{"name": "gold", "passed": True}],
    }
    filler: dict[str, Any] = {
        "security": [{"boundary": "edge", "threat": "S", "control": "authn", "serves": req_ids}],
        "scalability": ["scale out stateless services"], "adrs": [{"id": "ADR-1", "title": style, "context": "gold",
                                                                 "decision": style}],
        "mermaid": "flowchart LR\n  a --> b", "connections": [{"source": "a", "target": "b", "protocol": "https",
                                                             "mode": "sync"}],
        "capacity": {"peak_rps": "gold"},
        "data_stores": [{"name": "state", "technology": "gold", "data": "gold", "access_pattern": "", "serves": req_ids}], "style_scores": [{"style": style, "score": 1.0}],
        "compatibility_issues": [{"technologies": ["a"], "problem": "gold", "severity": "low", "recommendation": "-"}],
        "notes": ["gold"],
    }
    for section in case["must_have_sections"]:
        if not output.get(section):
            output[section] = filler.get(section, ["gold"])
    return output


def _ordered_kinds(case: dict[str, Any]) -> list[str]:
    """Expected kinds plus constraint kinds, topologically sorted by the dependency constraints."""
    kinds = list(dict.fromkeys([*case["expected_kinds"], *(k for pair in case["dependency_constraints"] for k in pair)]))
    ordered: list[str] = []
    while kinds:
        ready = [k for k in kinds if not any(a in kinds and b == k for a, b in case["dependency_constraints"])]
        nxt = ready[0] if ready else kinds[0]
        ordered.append(nxt)
        kinds.remove(nxt)
    return ordered


def gold_orchestration_output(case: dict[str, Any]) -> dict[str, Any]:
    """An OrchestrateOutput-shaped dict: one subtask per expected kind in a dependency chain, roles spread."""
    roles = case["expected_roles"] or ["backend"]
    kinds = _ordered_kinds(case)
    n_req = len(case["requirements"])
    plan = []
    for i, kind in enumerate(kinds + roles[len(kinds):]):
        plan.append({"id": f"t{i + 1}", "title": kind, "kind": kind if i < len(kinds) else kinds[-1],
                     "role": roles[i % len(roles)], "depends_on": [f"t{i}"] if i else [],
                     "requirement_ids": [f"R{j + 1}" for j in range(n_req)] if i == 0 else []})
    return {"task_id": "gold", "state": "planned", "playbook": "gold", "plan": plan,
            "review": {"verdict": "approved", "summary": "gold"}}


def gold_output(suite: str, case: dict[str, Any]) -> dict[str, Any]:
    """The gold output of one case."""
    builders = {"fixes": gold_fix_output, "architecture": gold_architecture_output,
                "orchestration": gold_orchestration_output}
    return builders[suite](case)


def empty_output(suite: str, case: dict[str, Any]) -> dict[str, Any]:
    """The minimal valid output of a suite's schema: nothing proposed."""
    if suite == "fixes":
        return {"analysis": {"error_class": "unknown"}, "fixes": []}
    if suite == "architecture":
        return {"style": "", "rationale": ""}
    return {"task_id": "empty", "state": "failed", "playbook": "", "plan": [],
            "review": {"verdict": "rejected", "summary": ""}}

