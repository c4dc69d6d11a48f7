"""Output models of the informational tools (the engine tools reuse the graphs' schemas)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class PingOutput(BaseModel):
    status: str
    version: str
    uptime_s: float


class ToolInfo(BaseModel):
    name: str
    description: str
    read_only: bool


class GraphInfo(BaseModel):
    name: str
    tool: str
    nodes: list[str]
    edges: list[list[str]]


class AgentInfo(BaseModel):
    id: str
    role: str
    capabilities: list[str]
    capacity: int
    external: bool = False


class CapabilitiesOutput(BaseModel):
    server: str
    version: str
    tools: list[ToolInfo]
    agents: list[AgentInfo]
    graphs: list[GraphInfo]
    engines: dict[str, str]
    knowledge: dict[str, int]
    limits: dict[str, int]


class ComponentHealth(BaseModel):
    ok: bool
    detail: str
    info: dict[str, Any] = {}


class StatusOutput(BaseModel):
    healthy: bool
    version: str
    uptime_s: float
    components: dict[str, ComponentHealth]
    tools: dict[str, dict[str, float]]
    tasks: dict[str, int]
    agents: dict[str, dict[str, Any]] = {}
