"""Components and connections from the chosen style, the selected tactics' curated components and the stack."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphs.architecture.catalog import Technology
from graphs.architecture.profile import Profile
from graphs.architecture.schema import Component, Connection

AREA_NAMES = {
    "auth": "Accounts", "catalog": "Catalog", "orders": "Orders", "payments": "Payments", "booking": "Booking",
    "feed": "Feed", "search": "Search", "file_storage": "Media", "realtime": "Live Updates", "analytics": "Reporting",
    "ingestion": "Ingestion", "recommendations": "Recommendations", "geo": "Location",
    "integration": "Integrations", "notifications": "Notifications",
}
MERGE = {"Event Bus": "Event Broker", "Event Log": "Event Broker", "Managed API Gateway": "API Gateway", "Service Databases": None,
         "Managed Database": None, "Shared Database": None, "Primary Database": None}
DEFAULT_FRAMEWORK = {
    "style-serverless": "AWS Lambda (TypeScript or Python)",
    "style-microservices": "containerised services (Go or Java/Spring Boot) on Kubernetes",
}
WORKER_ROUTES: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "Search Indexer": ("queue", ("Search Index",)),
    "Fan-out Workers": ("queue", ("Timeline Cache",)),
    "Notification Worker": ("queue", ("Messaging Provider",)),
    "Background Workers": ("queue", ("@db", "Object Storage")),
    "Event Consumers": ("queue", ("@db",)),
    "Stream Processors": ("queue", ("Time-Series Store", "Analytics Warehouse")),
    "Projection Workers": ("Event Store", ("Read Store",)),
    "Outbox Relay": ("@db", ("@queue",)),
    "CDC Connector": ("@db", ("@queue",)),
    "Job Scheduler": (None, ("Batch Workers",)),
    "Batch Workers": (None, ("@db", "Data Lake", "Analytics Warehouse")),
}
PROTOCOL = {"relational": "SQL over TLS", "document": "driver protocol over TLS", "cache": "RESP over TLS",
            "search": "HTTPS (REST)", "object_storage": "HTTPS (S3 API)", "tsdb": "SQL over TLS",
            "warehouse": "HTTPS/native over TLS", "queue": "broker protocol over TLS"}


@dataclass
class Blueprint:
    """Working design: components by name, directed connections, instance counts, primary store name."""

    components: dict[str, Component] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)  # component name -> technology category
    connections: list[Connection] = field(default_factory=list)
    primary_db: str = "Primary Database"
    services: list[str] = field(default_factory=list)

    def add(self, comp: Component, category: str = "") -> None:
        if comp.name in self.components:
            merged = self.components[comp.name]
            merged.serves = list(dict.fromkeys(merged.serves + comp.serves))
            return
        self.components[comp.name] = comp
        if category:
            self.categories[comp.name] = category

    def link(self, source: str, target: str, protocol: str, mode: str, purpose: str = "") -> None:
        if source == target or source not in self.components or target not in self.components:
            return
        if any(c.source == source and c.target == target for c in self.connections):
            return
        self.connections.append(Connection(source=source, target=target, protocol=protocol, mode=mode,  # type: ignore[arg-type]
                                           purpose=purpose))

    def of_kind(self, *kinds: str) -> list[str]:
        return [n for n, c in self.components.items() if c.kind in kinds]


def pick_technology(category: str, default: str, stack: dict[str, list[Technology]],
                    overrides: dict[str, str]) -> str:
    """The user's technology for a category (after mitigations), else the recommended default."""
    if category in overrides:
        return overrides[category]
    techs = stack.get(category)
    return techs[0].name if techs else default


def service_areas(p: Profile, limit: int) -> list[tuple[str, list[str]]]:
    """(area name, functional requirement ids) for the business areas present, largest first, capped."""
    areas = [(AREA_NAMES[f], ids) for f, ids in p.features.items() if f in AREA_NAMES and f != "notifications"]
    areas.sort(key=lambda a: -len(a[1]))
    if not areas:
        return [("Core", [])]
    head, tail = areas[: limit - 1], areas[limit - 1:]
    if len(tail) == 1:
        head.append(tail[0])
    elif tail:
        head.append(("Core", [i for _, ids in tail for i in ids]))
    return head


def _framework(style: str, stack: dict[str, list[Technology]]) -> str:
    for cat in ("framework", "language"):
        if stack.get(cat):
            return stack[cat][0].name
    if stack.get("serverless"):
        return stack["serverless"][0].name
    return DEFAULT_FRAMEWORK.get(style, "Django (Python) or the team's strongest web framework")


def add_services(bp: Blueprint, style: str, style_entry: dict, p: Profile, stack: dict[str, list[Technology]]
                 ) -> None:
    """Request-path services for the style (one app for monoliths, one per area for distributed styles)."""
    tech = _framework(style, stack)
    if style in {"style-modular-monolith", "style-layered-monolith"}:
        modules = [a for a, _ in service_areas(p, 12)]
        bp.add(Component(name="Application", kind="service", technology=tech,
                         responsibility=f"{style_entry['title']} with modules: {', '.join(modules)}"))
        bp.services = ["Application"]
        return
    if style == "style-cqrs-event-sourcing":
        bp.add(Component(name="Command Service", kind="service", technology=tech,
                         responsibility="validate commands and append events"))
        bp.add(Component(name="Query Service", kind="service", technology=tech,
                         responsibility="serve queries from read models"))
        bp.services = ["Command Service", "Query Service"]
        return
    limit = 5 if style == "style-service-based" else 7
    suffix = "Functions" if style == "style-serverless" else "Service"
    for area, ids in service_areas(p, limit):
        name = f"{area} {suffix}"
        bp.add(Component(name=name, kind="service", technology=tech, serves=list(ids),
                         responsibility=f"{area.lower()} capability and its API"))
        bp.services.append(name)


def add_pattern_components(bp: Blueprint, entry: dict, stack: dict[str, list[Technology]],
                           overrides: dict[str, str]) -> None:
    """Instantiate the curated components of a style or tactic entry (the primary store is added separately)."""
    for spec in entry.get("components") or []:
        name = spec["name"]
        if name in MERGE:
            if MERGE[name] is None:
                continue
            name = MERGE[name]
        if spec["kind"] == "service" and name in {"Application", "Domain Services", "Functions",
                                                   "Command Service"}:
            continue  # styles' service placeholders are expanded by add_services
        category = spec.get("category", "")
        tech = pick_technology(category, spec["technology"], stack, overrides) if category else spec["technology"]
        bp.add(Component(name=name, kind=spec["kind"], technology=tech, responsibility=spec["responsibility"]),
               category)
