"""Offline planning: instantiate a playbook for a task, map requirements, apply constraints, validate the DAG."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphs.orchestrate.dag import critical_path, path_hours, validate_dag
from graphs.orchestrate.playbooks import Playbook, Step, phrase_in
from graphs.orchestrate.schema import OrchestrateInput, Subtask

ROLE_LEXICON: dict[str, frozenset[str]] = {
    "frontend": frozenset("ui page pages screen screens button form forms dashboard frontend css react vue angular "
                          "view display mobile responsive accessibility wcag layout browser click theme".split()),
    "backend": frozenset("api endpoint endpoints rest graphql service server logic backend webhook webhooks request "
                         "requests response validation business notification notifications email emails "
                         "search".split()),
    "data": frozenset("database sql postgres postgresql mysql schema table tables etl warehouse records query "
                      "queries index report reports analytics csv dataset retention history".split()),
    "devops": frozenset("deploy deployment ci cd kubernetes k8s docker infra infrastructure monitoring alert alerts "
                        "uptime availability rollback downtime autoscaling helm terraform logging metrics sla "
                        "backup backups".split()),
    "security": frozenset("auth authentication authorization login password passwords token tokens encrypt "
                          "encrypted encryption gdpr pii secret secrets oauth sso rbac permission permissions audit "
                          "vulnerability tls 2fa mfa".split()),
    "quality": frozenset("test tests testing coverage qa regression e2e".split()),
    "architect": frozenset("architecture design scalable scalability modular boundary adr latency "
                           "throughput".split()),
}
ROLE_KIND = {"frontend": "implement_frontend", "backend": "implement_backend", "data": "implement_data",
             "devops": "configure_infra", "security": "implement_security", "quality": "write_tests",
             "architect": "design"}
_STOP = frozenset("a an the and or of to for in on with by be is are must should shall can will from as at it "
                  "its this that all each every user users system".split())
_DOWNTIME = re.compile(r"\b(no|zero|without|minimal)[- ]downtime\b|\bhigh[- ]availability\b|\bblue[- ]green\b|"
                       r"\bcanary\b|\b99\.9+\s*%")
_COMPLIANCE = re.compile(r"\b(gdpr|hipaa|pci(?:[- ]dss)?|soc ?2|iso ?27001)\b")
_COVERAGE = re.compile(r"\bcoverage\b")
_DEADLINE = re.compile(r"\bwithin\s+(\d+(?:\.\d+)?)\s*(hours?|days?|weeks?)\b")
_UNIT_HOURS = {"hour": 1.0, "day": 8.0, "week": 40.0}
_INTEGRATION_KINDS = ("write_tests", "deploy")


@dataclass
class Plan:
    subtasks: list[Subtask]
    notes: list[str] = field(default_factory=list)


def tokens(text: str) -> set[str]:
    """Lower-case content words, with a light plural strip ('reports' → 'report')."""
    words = re.findall(r"[a-z0-9][a-z0-9+#.-]*", text.lower())
    out = set()
    for w in words:
        w = w.strip(".-")
        if w and w not in _STOP:
            out.add(w)
            if len(w) > 4 and w.endswith("s") and not w.endswith("ss"):
                out.add(w[:-1])
    return out


def role_of(text: str) -> str | None:
    """The role whose lexicon best matches `text` (None if no lexicon word occurs)."""
    words = tokens(text)
    scores = {role: len(words & lex) for role, lex in ROLE_LEXICON.items()}
    best = max(sorted(scores), key=lambda r: scores[r])
    return best if scores[best] > 0 else None


def instantiate_steps(book: Playbook, text: str) -> tuple[list[Step], list[str]]:
    """Keep steps whose `when` phrases occur in `text`; dependencies on dropped steps are bridged transitively."""
    lowered = text.lower()
    kept = [s for s in book.steps if not s.when or any(phrase_in(w, lowered) for w in s.when)] or list(book.steps)
    kept_keys = {s.key for s in kept}
    dropped = {s.key: s for s in book.steps if s.key not in kept_keys}

    def resolve(key: str, seen: frozenset[str] = frozenset()) -> list[str]:
        if key in kept_keys:
            return [key]
        if key in seen:
            return []
        return [k for d in dropped[key].depends_on for k in resolve(d, seen | {key})]

    out = []
    for step in kept:
        deps = list(dict.fromkeys(k for d in step.depends_on for k in resolve(d)))
        out.append(Step(**{**step.__dict__, "depends_on": tuple(deps)}))
    notes = [f"step {k} left out (none of {list(s.when)} mentioned)" for k, s in dropped.items()]
    return out, notes


def to_subtasks(steps: list[Step]) -> list[Subtask]:
    return [Subtask(id=s.key, title=s.title, kind=s.kind, role=s.role, depends_on=list(s.depends_on),
                    acceptance_criteria=list(s.acceptance_criteria), inputs=list(s.inputs), outputs=list(s.outputs),
                    effort_hours=s.effort_hours) for s in steps]


def _match_score(req: str, sub: Subtask) -> float:
    req_words = tokens(req)
    vocab = tokens(" ".join([sub.title, sub.kind.replace("_", " "), *sub.outputs]))
    role = role_of(req)
    return len(req_words & vocab) + (1.5 if role is not None and role == sub.role else 0.0)


def map_requirements(subtasks: list[Subtask], requirements: list[str]) -> list[str]:
    """Attach R1..Rn to the best-matching subtasks (ties: up to two); unmatched ones get their own subtask."""
    notes: list[str] = []
    design_ids = [s.id for s in subtasks if s.kind == "design"]
    for i, req in enumerate(requirements, start=1):
        rid = f"R{i}"
        scored = sorted(((_match_score(req, s), n) for n, s in enumerate(subtasks)), key=lambda p: (-p[0], p[1]))
        top = scored[0][0] if scored else 0.0
        if top >= 1.5:
            for score, n in scored[:2]:
                if score == top:
                    subtasks[n].requirement_ids.append(rid)
            continue
        role = role_of(req) or "backend"
        new = Subtask(id=f"req_{rid.lower()}", title=f"Deliver {rid}: {req[:90]}", kind=ROLE_KIND[role], role=role,
                      depends_on=list(design_ids), acceptance_criteria=[f"{rid} is met: {req[:200]}"],
                      inputs=[req[:200]], outputs=[f"{rid} delivered"], effort_hours=4.0, requirement_ids=[rid])
        for sub in subtasks:
            if sub.kind in _INTEGRATION_KINDS and sub.id not in design_ids:
                sub.depends_on.append(new.id)
        subtasks.append(new)
        notes.append(f"{rid} matched no playbook step; added subtask {new.id} for the {role} role")
    for sub in subtasks:  # steps that promise coverage of every requirement carry all ids
        if any("every requirement" in c for c in sub.acceptance_criteria):
            sub.requirement_ids = [f"R{i}" for i in range(1, len(requirements) + 1)]
    return notes


def _add_rollout_safety(subtasks: list[Subtask], constraint: str) -> str:
    existing = [s for s in subtasks if s.kind == "rollback_plan"]
    if existing:
        existing[0].inputs.append(f"constraint: {constraint}")
        return f"constraint '{constraint}' attached to {existing[0].id}"
    deploys = [s for s in subtasks if s.kind == "deploy"]
    if deploys:
        before = list(deploys[0].depends_on)
    else:
        used = {d for s in subtasks for d in s.depends_on}
        before = [s.id for s in subtasks if s.id not in used]
    step = Subtask(id="rollout_safety", title="Blue-green rollout with automated rollback", kind="rollback_plan",
                   role="devops", depends_on=before,
                   acceptance_criteria=["rollback rehearsed within the agreed time",
                                        "traffic switches without dropped requests"],
                   inputs=[f"constraint: {constraint}"], outputs=["rollback runbook"], effort_hours=3.0)
    for dep in deploys:
        dep.depends_on.append(step.id)
    subtasks.append(step)
    return f"constraint '{constraint}' added subtask rollout_safety (blue-green + rollback)"


def _add_compliance(subtasks: list[Subtask], constraint: str) -> str:
    reviewers = [s for s in subtasks if s.role == "security"]
    if reviewers:
        for s in reviewers:
            s.inputs.append(f"constraint: {constraint}")
        return f"constraint '{constraint}' attached to security subtasks"
    implement = [s.id for s in subtasks if s.kind.startswith("implement") or s.kind in ("fix", "write_migration")]
    step = Subtask(id="compliance_review", title=f"Compliance review ({constraint[:60]})", kind="security_review",
                   role="security", depends_on=implement, acceptance_criteria=["no high-severity findings"],
                   inputs=[f"constraint: {constraint}", "code"], outputs=["findings_report"], effort_hours=3.0)
    for dep in (s for s in subtasks if s.kind == "deploy"):
        dep.depends_on.append(step.id)
    subtasks.append(step)
    return f"constraint '{constraint}' added subtask compliance_review"


def apply_constraints(subtasks: list[Subtask], constraints: list[str]) -> list[str]:
    """Turn constraints into structure (rollback step, compliance review), inputs and acceptance criteria."""
    notes: list[str] = []
    for constraint in constraints:
        low = constraint.lower()
        if _DOWNTIME.search(low):
            notes.append(_add_rollout_safety(subtasks, constraint))
        if _COMPLIANCE.search(low):
            notes.append(_add_compliance(subtasks, constraint))
        if _COVERAGE.search(low):
            for s in subtasks:
                if s.kind == "write_tests":
                    s.acceptance_criteria.append(constraint)
        deadline = _DEADLINE.search(low)
        if deadline:
            unit = deadline.group(2).rstrip("s")
            budget = float(deadline.group(1)) * _UNIT_HOURS[unit]
            serial = path_hours(subtasks, critical_path(subtasks))
            verdict = "fits" if serial <= budget else "does NOT fit"
            notes.append(f"deadline '{constraint}' ({budget:g} h of work-time): critical path {serial:g} h {verdict}")
        role = role_of(constraint)
        targets = [s for s in subtasks if s.kind == "design" or (role is not None and s.role == role)]
        for s in targets or subtasks:
            tag = f"constraint: {constraint}"
            if tag not in s.inputs:
                s.inputs.append(tag)
    return notes


def build_plan(inp: OrchestrateInput, book: Playbook) -> Plan:
    """The offline plan for `inp` from `book`: steps, requirement mapping, constraints; raises PlanError."""
    text = " ".join([inp.description, *inp.requirements, *inp.constraints])
    steps, notes = instantiate_steps(book, text)
    subtasks = to_subtasks(steps)
    notes += map_requirements(subtasks, inp.requirements)
    notes += apply_constraints(subtasks, inp.constraints)
    validate_dag(subtasks)
    return Plan(subtasks=subtasks, notes=notes)
