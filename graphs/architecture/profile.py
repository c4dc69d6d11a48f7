"""Workload profile: the numbers and flags the design decisions read, derived from the requirements."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphs.architecture.schema import Requirement


@dataclass
class ForceScore:
    """How strongly the stated forces call for one tactic (see `forces.py`); `forces` are "+w why (ids)"."""

    key: str
    score: float
    threshold: float
    forces: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return self.score >= self.threshold


@dataclass
class Profile:
    """Facts about the workload; `ids` maps a fact name to the requirement ids it came from."""

    team_size: int | None = None
    users: float | None = None
    users_kind: str = "monthly users"
    stated_rps: float | None = None
    availability: float | None = None
    latency_ms: float | None = None
    read_ratio: float | None = None  # reads per write
    data_gb: float | None = None
    growth_gb: float | None = None
    growth_period: str = "day"
    retention_days: float | None = None
    strong_consistency: bool = False
    eventual_ok: bool = False
    compliance: set[str] = field(default_factory=set)
    security: bool = False
    real_time: bool = False
    offline: bool = False
    global_: bool = False
    bursty: bool = False
    durability: bool = False
    audit: bool = False
    privacy: bool = False
    multi_tenant: bool = False
    cost_sensitive: bool = False
    budget_usd: float | None = None
    ttm_weeks: float | None = None
    ttm_short: bool = False
    features: dict[str, list[str]] = field(default_factory=dict)
    ids: dict[str, list[str]] = field(default_factory=dict)
    peak_rps: float = 0.0  # filled by capacity estimation
    forces: dict[str, ForceScore] = field(default_factory=dict)  # filled by forces.assess_forces

    def has(self, feature: str) -> bool:
        return feature in self.features

    def force(self, key: str) -> ForceScore | None:
        """The assessed force for `key` when it reached its threshold, else None."""
        f = self.forces.get(key)
        return f if f is not None and f.met else None

    def small_team(self) -> bool:
        return self.team_size is not None and self.team_size <= 6


def build_profile(requirements: list[Requirement], features: dict[str, list[str]]) -> Profile:
    """Fold the extracted requirements into one profile (first stated value wins, flags are OR-ed)."""
    p = Profile(features=dict(features))
    for r in requirements:
        if r.attribute is None:
            continue
        p.ids.setdefault(r.attribute, []).append(r.id)
        a, v, unit = r.attribute, r.value, (r.unit or "")
        if a == "team_size" and p.team_size is None and v:
            p.team_size = int(v)
        elif a == "users" and p.users is None and v:
            p.users, p.users_kind = v, unit
        elif a == "throughput" and p.stated_rps is None and v:
            p.stated_rps = v
        elif a == "availability" and p.availability is None:
            p.availability = v
        elif a == "latency" and p.latency_ms is None:
            p.latency_ms = v
        elif a == "read_write_ratio" and p.read_ratio is None:
            p.read_ratio = v
        elif a == "data_size" and p.data_gb is None:
            p.data_gb = v
        elif a == "data_growth" and p.growth_gb is None:
            p.growth_gb, p.growth_period = v, unit.split("/")[-1] or "day"
        elif a == "retention" and p.retention_days is None:
            p.retention_days = v
        elif a == "consistency":
            if "eventual" in unit:
                p.eventual_ok = True
            else:
                p.strong_consistency = True
        elif a == "compliance":
            p.compliance.add(unit)
        elif a == "security":
            p.security = True
        elif a == "real_time":
            p.real_time = True
        elif a == "offline":
            p.offline = True
        elif a == "global":
            p.global_ = True
        elif a == "scalability":
            p.bursty = True
        elif a == "durability":
            p.durability = True
        elif a == "auditability":
            p.audit = True
        elif a == "privacy":
            p.privacy = True
        elif a == "tenancy":
            p.multi_tenant = True
        elif a == "cost":
            p.cost_sensitive = True
            p.budget_usd = p.budget_usd or v
        elif a == "time_to_market":
            p.ttm_weeks = p.ttm_weeks or v
            p.ttm_short = p.ttm_short or v is None or v <= 16
    if p.has("payments"):
        p.strong_consistency = True
    if p.has("realtime"):
        p.real_time = True
    if p.compliance & {"GDPR", "HIPAA", "CCPA"}:
        p.privacy = True
    return p
