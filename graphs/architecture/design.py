"""Design assembly: style choice, components from curated patterns, wiring, data, security, ADRs, traceability."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphs.architecture.adrs import data_stores, make_adrs, rationale, scalability_plan
from graphs.architecture.capacity import Capacity
from graphs.architecture.catalog import Technology, pattern_index, resolve_stack, technology
from graphs.architecture.compat import detect_compatibility
from graphs.architecture.components import Blueprint, Component, add_pattern_components, add_services
from graphs.architecture.data_model import attach_schema_sketches
from graphs.architecture.mermaid import render_mermaid
from graphs.architecture.operations import operations_plan
from graphs.architecture.profile import Profile
from graphs.architecture.schema import ArchitectureOutput, PatternUse, Requirement
from graphs.architecture.security import security_measures
from graphs.architecture.styles import COMPLEMENT_STYLES, PRIMARY_STYLES, choose_style, score_styles
from graphs.architecture.tactics import TacticChoice, select_tactics
from graphs.architecture.tactics_extra import extend_tactics
from graphs.architecture.tactics_forces import apply_forces, force_adrs
from graphs.architecture.wiring import apply_redundancy, wire

ADD_MITIGATION = {"realtime_gateway": "tactic-realtime-gateway", "connection_pooler": "tactic-connection-pooling",
                  "job_workers": "tactic-queue-based-load-leveling", "analytics_store": "tactic-analytics-warehouse",
                  "pubsub_backplane": "tactic-realtime-gateway", "primary_database": None}
FEATURE_OWNERS = {"file_storage": "Object Storage", "search": "Search Index", "notifications": "Notification Worker",
                  "realtime": "Realtime Gateway", "feed": "Fan-out Workers", "analytics": "Analytics Warehouse",
                  "ingestion": "Stream Processors", "media_processing": "Background Workers",
                  "batch_jobs": "Background Workers", "payments": "Payment Provider", "auth": "Identity Provider"}


@dataclass
class Design:
    """Design output plus the working facts validation and repair need."""

    output: ArchitectureOutput
    redundancy: dict[str, int] = field(default_factory=dict)
    issue_ids: list[str] = field(default_factory=list)
    mitigated: list[str] = field(default_factory=list)
    replaced: dict[str, str] = field(default_factory=dict)  # replaced technology name -> replacement
    tactic_ids: list[str] = field(default_factory=list)
    primary_db: str = "Primary Database"


def choose_primary_store(p: Profile, stack: dict[str, list[Technology]], overrides: dict[str, str]
                         ) -> tuple[str, str]:
    """(technology, category) of the system of record: relational for transactions, else the stack's choice."""
    if "relational" in overrides:
        return overrides["relational"], "relational"
    for cat in ("relational", "document", "wide_column"):
        # Document stores with transactions/conditional writes (DynamoDB, MongoDB 4+) stay; known problems are
        # flagged and replaced by the compatibility base instead.
        if stack.get(cat) and not (cat == "wide_column" and p.strong_consistency):
            return stack[cat][0].name, cat
    if stack.get("serverless") and not p.strong_consistency:
        return "DynamoDB", "document"
    return "PostgreSQL", "relational"


def client_technology(p: Profile, stack: dict[str, list[Technology]]) -> str:
    """The user-facing clients: the stack's web/mobile toolkits, plus native mobile apps when the workload has
    mobile users but the stack names no mobile toolkit."""
    named = [t.name for c in ("frontend", "mobile") for t in stack.get(c, [])]
    if not named:
        named.append("Web SPA")
    if p.has("mobile") and not stack.get("mobile"):
        named.append("native mobile apps (iOS/Android)")
    return ", ".join(named)


def _entry(pid: str, candidates: dict[str, dict], notes: list[str]) -> dict:
    if pid in candidates:
        return candidates[pid]
    notes.append(f"{pid} chosen by rule but not among retrieved patterns; loaded from the curated file")
    return pattern_index()[pid]


def build_design(p: Profile, reqs: list[Requirement], cap: Capacity, candidates: dict[str, dict],
                 tech_stack: list[str]) -> Design:
    """The complete offline design for one profile."""
    notes: list[str] = []
    stack = resolve_stack(tech_stack)
    scores = score_styles(p, {pid for pid in candidates if pid.startswith("style-")}, set(stack))
    style_id, runner_id, complements = choose_style(scores)
    overrides: dict[str, str] = {}
    design = Design(output=ArchitectureOutput(style="", rationale=""))
    extra: list[str] = []
    issues = detect_compatibility(tech_stack, p)
    for cid, issue, mitigation in issues:
        if "replace" in mitigation:
            old, new = technology(mitigation["replace"]["from"]), technology(mitigation["replace"]["to"])
            if old and new:
                overrides[old.category] = new.name
                design.replaced[old.name] = new.name
                notes.append(f"{cid}: replaced {old.name} with {new.name} ({issue.recommendation})")
        elif "add" in mitigation:
            if ADD_MITIGATION.get(mitigation["add"]):
                extra.append(ADD_MITIGATION[mitigation["add"]])
            notes.append(f"{cid}: {issue.recommendation}")
        else:
            notes.append(f"{cid}: {mitigation.get('note', issue.recommendation)}")
        design.issue_ids.append(cid)
        design.mitigated.append(cid)
    choices = apply_forces(extend_tactics(select_tactics(p, style_id, complements, cap.numbers), p,
                                          {cat: [t.name for t in techs] for cat, techs in stack.items()},
                                          cap.numbers), p)
    for pid in extra:
        if pid not in {c.pattern_id for c in choices}:
            choices.append(TacticChoice(pid, "mitigates a stack compatibility issue"))

    bp = Blueprint()
    tech, cat = choose_primary_store(p, stack, overrides)
    bp.primary_db = "Service Databases" if style_id == "style-microservices" else "Primary Database"
    bp.add(Component(name="Clients", kind="client", responsibility="web and mobile user interfaces",
                     technology=client_technology(p, stack)))
    style_entry = _entry(style_id, candidates, notes)
    add_services(bp, style_id, style_entry, p, stack)
    bp.add(Component(name=bp.primary_db, kind="datastore", technology=tech,
                     responsibility="system of record for core entities" +
                     (" (one schema/database per service)" if style_id == "style-microservices" else "")), cat)
    add_pattern_components(bp, style_entry, stack, overrides)
    for sid in complements:
        add_pattern_components(bp, _entry(sid, candidates, notes), stack, overrides)
    for choice in choices:
        add_pattern_components(bp, _entry(choice.pattern_id, candidates, notes), stack, overrides)
    if p.has("integration"):
        bp.add(Component(name="Partner APIs", kind="external", technology="third-party HTTPS APIs",
                         responsibility="external systems the product integrates with"))
    if any(c.kind == "worker" for c in bp.components.values()) and not bp.of_kind("queue"):
        add_pattern_components(bp, pattern_index()["tactic-queue-based-load-leveling"], stack, overrides)
    wire(bp)
    queued = [c.target for c in bp.connections if bp.components[c.source].kind == "queue"
              and bp.components[c.target].kind == "worker"]
    if queued and "tactic-queue-based-load-leveling" not in {c.pattern_id for c in choices}:
        choices.append(TacticChoice("tactic-queue-based-load-leveling", f"{', '.join(queued[:3])} consume work "
                                    "from a queue at their own pace", [i for f in ("media_processing", "batch_jobs",
                                    "notifications") for i in p.features.get(f, [])]))
    design.redundancy = apply_redundancy(bp, p, int(cap.numbers["instances"]))
    design.primary_db = bp.primary_db
    design.tactic_ids = [c.pattern_id for c in choices]
    _assign_serves(bp, p, reqs, choices)

    index = {**pattern_index(), **candidates}
    style_name = PRIMARY_STYLES[style_id]
    out = design.output
    out.style = style_name + "".join(f" + {COMPLEMENT_STYLES[c]}" for c in complements)
    out.rationale = rationale(style_name, scores, [COMPLEMENT_STYLES[c] for c in complements])
    out.style_scores = scores
    out.components = list(bp.components.values())
    out.connections = list(bp.connections)
    out.data_stores = data_stores(bp, cap)
    attach_schema_sketches(out.data_stores, bp, p, "tactic-sharding" in design.tactic_ids)
    constraint_ids = [r.id for r in reqs if r.kind == "constraint"]
    out.patterns = [PatternUse(pattern_id=style_id, name=index[style_id]["title"], reason=out.rationale[:300],
                               serves=list(dict.fromkeys(constraint_ids)))]
    out.patterns += [PatternUse(pattern_id=c, name=index[c]["title"], reason=f"processing style for "
                                f"{COMPLEMENT_STYLES[c]}", serves=p.features.get("ingestion", []) +
                                p.features.get("batch_jobs", []) + p.features.get("analytics", []) +
                                p.ids.get("offline", [])) for c in complements]
    out.patterns += [PatternUse(pattern_id=c.pattern_id, name=index[c.pattern_id]["title"], reason=c.reason,
                                serves=c.serves) for c in choices]
    out.security = security_measures(bp, p)
    out.scalability = (scalability_plan(p, cap, set(design.tactic_ids))
                       + operations_plan(p, cap, set(design.tactic_ids), style_id))
    out.compatibility_issues = [issue for _, issue, _ in issues]
    out.adrs = make_adrs(style_name, PRIMARY_STYLES.get(runner_id or ""), scores, p, bp, set(design.tactic_ids),
                         constraint_ids)
    out.adrs += force_adrs(p, set(design.tactic_ids), len(out.adrs) + 1)
    out.notes = notes
    refresh_derived(out, reqs)
    return design


def _assign_serves(bp: Blueprint, p: Profile, reqs: list[Requirement], choices: list[TacticChoice]) -> None:
    """Functional requirements go to their owning components; quality ones to the tactics' components."""
    owned: set[str] = {i for c in bp.components.values() for i in c.serves}
    for feature, owner in FEATURE_OWNERS.items():
        if owner in bp.components:
            comp = bp.components[owner]
            comp.serves = list(dict.fromkeys(comp.serves + p.features.get(feature, [])))
            owned.update(p.features.get(feature, []))
    main = bp.components[bp.services[0]]
    for r in reqs:
        if r.kind == "functional" and (r.id not in owned or main.name == "Application"):
            main.serves = list(dict.fromkeys(main.serves + [r.id]))
    entries = pattern_index()
    for choice in choices:
        for spec in entries[choice.pattern_id].get("components") or []:
            if spec["name"] in bp.components:
                comp = bp.components[spec["name"]]
                comp.serves = list(dict.fromkeys(comp.serves + choice.serves))


def refresh_derived(out: ArchitectureOutput, reqs: list[Requirement]) -> None:
    """Recompute traceability and the Mermaid diagram from the current elements."""
    trace: dict[str, list[str]] = {r.id: [] for r in reqs}

    def credit(ids: list[str], element: str) -> None:
        for i in ids:
            if i in trace and element not in trace[i]:
                trace[i].append(element)

    for comp in out.components:
        credit(comp.serves, comp.name)
    for pat in out.patterns:
        credit(pat.serves, f"pattern: {pat.name}")
    for m in out.security:
        credit(m.serves, f"security: {m.boundary} ({m.threat.split(' ')[0]})")
    for adr in out.adrs:
        credit(adr.drivers, f"{adr.id}: {adr.title}")
    out.traceability = trace
    out.mermaid = render_mermaid(out.components, out.connections)
