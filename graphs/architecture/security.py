"""STRIDE controls per trust boundary, derived from the connections that cross each boundary."""

from __future__ import annotations

from graphs.architecture.components import Blueprint
from graphs.architecture.profile import Profile
from graphs.architecture.schema import Component, Connection, SecurityMeasure

BOUNDARY_BY_KINDS = {
    ("client", "edge"): "Internet → Edge",
    ("client", "service"): "Internet → Edge",
    ("edge", "service"): "Edge → Services",
    ("service", "datastore"): "Services → Data",
    ("service", "cache"): "Services → Data",
    ("worker", "datastore"): "Services → Data",
    ("worker", "cache"): "Services → Data",
    ("service", "external"): "Services → Third parties",
    ("worker", "external"): "Services → Third parties",
    ("external", "service"): "Third parties → Services",
    ("service", "queue"): "Services → Messaging",
    ("queue", "worker"): "Services → Messaging",
}


def boundaries(components: list[Component], connections: list[Connection]) -> set[str]:
    """Trust boundaries crossed by at least one connection."""
    kinds = {c.name: c.kind for c in components}
    out = set()
    for c in connections:
        key = (kinds.get(c.source, ""), kinds.get(c.target, ""))
        if key in BOUNDARY_BY_KINDS:
            out.add(BOUNDARY_BY_KINDS[key])
    return out


def _sec_ids(p: Profile) -> list[str]:
    return p.ids.get("security", []) + p.ids.get("compliance", [])


def security_measures(bp: Blueprint, p: Profile) -> list[SecurityMeasure]:
    """Controls for each boundary present, plus compliance-specific controls."""
    ids = _sec_ids(p)
    m: list[SecurityMeasure] = []

    def add(boundary: str, threat: str, control: str, serves: list[str] | None = None) -> None:
        m.append(SecurityMeasure(boundary=boundary, threat=threat, control=control, serves=serves or ids))

    present = boundaries(list(bp.components.values()), bp.connections)
    if "Internet → Edge" in present:
        b = "Internet → Edge"
        add(b, "S (Spoofing)", "OIDC login via the identity provider; short-lived JWT access tokens; MFA for admins")
        add(b, "T (Tampering)", "TLS 1.2+ only, HSTS; request schema validation at the gateway")
        add(b, "D (Denial of service)", "WAF + DDoS protection, per-client rate limits returning 429")
    if "Edge → Services" in present:
        b = "Edge → Services"
        add(b, "E (Elevation of privilege)", "authorisation checks in every service (RBAC/ownership), deny by default")
        add(b, "T (Tampering)", "input validation and parameterised queries (OWASP ASVS V5)")
        add(b, "R (Repudiation)", "structured request logs with user id and correlation id")
    if "Services → Data" in present:
        b = "Services → Data"
        add(b, "I (Information disclosure)", "encryption at rest with KMS keys, TLS to stores, private subnets only")
        add(b, "E (Elevation of privilege)", "least-privilege database roles per service; secrets from a manager")
    if "Services → Messaging" in present:
        add("Services → Messaging", "T (Tampering)", "authenticated producers/consumers (mTLS or IAM), encrypted topics")
    if "Services → Third parties" in present:
        add("Services → Third parties", "I (Information disclosure)",
            "send only the minimum data; API keys in the secrets manager; timeouts and circuit breakers")
    if "Third parties → Services" in present:
        add("Third parties → Services", "S (Spoofing)", "verify webhook signatures and replay windows")
    comp = p.ids.get("compliance", [])
    if "PCI" in p.compliance or p.has("payments"):
        add("Internet → Edge", "I (Information disclosure)",
            "card data entered in the payment provider's hosted fields; only tokens stored (PCI DSS scope reduction)",
            comp + p.features.get("payments", []))
    if "HIPAA" in p.compliance:
        add("Services → Data", "R (Repudiation)", "audit every PHI access; BAA with every provider handling PHI", comp)
    if "GDPR" in p.compliance:
        add("Services → Data", "I (Information disclosure)",
            "data minimisation, EU data residency, erasure and export workflows (GDPR Art. 17, 20)", comp)
    if "SOC2" in p.compliance or "ISO27001" in p.compliance:
        add("Services → Data", "R (Repudiation)", "central audit log, change management and access reviews", comp)
    return m
