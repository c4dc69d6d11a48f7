"""Input and output models of the architecture graph (also the MCP tool's schemas)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

MAX_DESCRIPTION_CHARS = 20_000
MAX_LIST_ITEMS = 100
MAX_ITEM_CHARS = 500


class ArchitectureInput(BaseModel):
    project_description: str = Field(min_length=10, max_length=MAX_DESCRIPTION_CHARS)
    tech_stack: list[str] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)
    requirements: list[str] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)


class Requirement(BaseModel):
    id: str  # e.g. "FR-1", "QA-2", "C-1"
    kind: Literal["functional", "quality", "constraint"]
    text: str
    attribute: str | None = None  # availability, latency, throughput, consistency, security, cost, ...
    value: float | None = None
    unit: str | None = None


class StyleScore(BaseModel):
    style: str
    score: float
    reasons: list[str] = []


class Component(BaseModel):
    name: str
    responsibility: str
    technology: str
    kind: Literal["client", "edge", "service", "worker", "datastore", "cache", "queue", "external", "observability"]
    serves: list[str] = []  # requirement ids
    scaling: str = ""


class Connection(BaseModel):
    source: str
    target: str
    protocol: str
    mode: Literal["sync", "async"]
    purpose: str = ""


class SchemaSketch(BaseModel):
    """Logical data model of one store: entities with their keys, secondary indexes, partitioning."""

    entities: list[str] = []  # "Order(order_id PK, user_id FK, status, total, created_at)"
    indexes: list[str] = []  # "Order(user_id, created_at DESC)"
    partition_key: str = ""  # "" = single node, no partitioning needed


class DataStore(BaseModel):
    name: str
    technology: str
    data: str
    access_pattern: str
    serves: list[str] = []
    schema_sketch: SchemaSketch | None = None  # optional (added after v1 of the contract)


class PatternUse(BaseModel):
    pattern_id: str
    name: str
    reason: str
    serves: list[str] = []


class SecurityMeasure(BaseModel):
    boundary: str
    threat: str  # STRIDE letter/category
    control: str
    serves: list[str] = []


class CompatibilityIssue(BaseModel):
    technologies: list[str]
    problem: str
    severity: Literal["low", "medium", "high"]
    recommendation: str


class ADR(BaseModel):
    id: str
    title: str
    context: str
    decision: str
    drivers: list[str] = []
    options: list[str] = []
    consequences: list[str] = []


class Check(BaseModel):
    name: str
    passed: bool
    detail: str = ""


class ArchitectureOutput(BaseModel):
    style: str
    rationale: str
    style_scores: list[StyleScore] = []
    requirements: list[Requirement] = []
    capacity: dict[str, str] = {}  # name -> "value (arithmetic)"
    components: list[Component] = []
    connections: list[Connection] = []
    data_stores: list[DataStore] = []
    patterns: list[PatternUse] = []
    security: list[SecurityMeasure] = []
    scalability: list[str] = []
    compatibility_issues: list[CompatibilityIssue] = []
    adrs: list[ADR] = []
    mermaid: str = ""
    traceability: dict[str, list[str]] = {}  # requirement id -> element names serving it
    checks: list[Check] = []
    notes: list[str] = []
    markdown: str | None = Field(None, description="The whole design as a Markdown document (output_format='markdown').")
