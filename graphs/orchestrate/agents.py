"""Agent registry (knowledge/agents/agents.yaml) and deterministic assignment of subtasks to agents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from graphs.common.paths import KNOWLEDGE_DIR
from graphs.orchestrate.playbooks import ROLES
from graphs.orchestrate.schema import Subtask

AGENTS_FILE = KNOWLEDGE_DIR / "agents" / "agents.yaml"


class AgentRegistryError(ValueError):
    """The agent registry file is malformed."""


@dataclass(frozen=True)
class Agent:
    id: str
    title: str
    role: str
    capabilities: frozenset[str]
    capacity_hours: float
    roles: frozenset[str] = frozenset()  # every role the agent covers (external agents may have several)

    def has_role(self, role: str) -> bool:
        """True if `role` is the agent's main role or one of its roles."""
        return role == self.role or role in self.roles


@lru_cache(maxsize=4)
def load_agents(path: Path = AGENTS_FILE) -> tuple[Agent, ...]:
    """All agents of the registry, sorted by id."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    agents = []
    for raw in data.get("entries", []):
        try:
            agent = Agent(id=str(raw["id"]), title=str(raw.get("title", raw["id"])), role=str(raw["role"]),
                          capabilities=frozenset(map(str, raw.get("capabilities", []))),
                          capacity_hours=float(raw.get("capacity_hours", 24)))
        except (KeyError, TypeError, ValueError) as exc:
            raise AgentRegistryError(f"{path.name}: malformed agent {raw!r}: {exc}") from exc
        if agent.role not in ROLES:
            raise AgentRegistryError(f"{path.name}: agent {agent.id} has unknown role {agent.role!r}")
        if agent.capacity_hours <= 0:
            raise AgentRegistryError(f"{path.name}: agent {agent.id} needs a positive capacity_hours")
        agents.append(agent)
    if len({a.id for a in agents}) != len(agents):
        raise AgentRegistryError(f"{path.name}: duplicate agent ids")
    return tuple(sorted(agents, key=lambda a: a.id))


def candidates_for(subtask: Subtask, agents: Sequence[Agent]) -> tuple[list[Agent], str]:
    """Agents able to take `subtask`, best match tier first: same role + capability, capability, same role."""
    tiers = (
        ("role+capability", [a for a in agents if a.has_role(subtask.role) and subtask.kind in a.capabilities]),
        ("capability", [a for a in agents if subtask.kind in a.capabilities]),
        ("role", [a for a in agents if a.has_role(subtask.role)]),
    )
    for name, found in tiers:
        if found:
            return found, name
    return [], "none"


def assign(subtasks: Sequence[Subtask], agents: Sequence[Agent], load: dict[str, float] | None = None,
           ) -> tuple[dict[str, str], dict[str, float], list[str]]:
    """Assign every subtask (in list order) to the least-loaded matching agent.

    Load is the planned effort already assigned, relative to capacity; agents with room are preferred over
    overbooked ones; ties break by absolute load, then id — so the result is deterministic.
    Returns (subtask id → agent id, agent id → assigned hours, notes).
    """
    load = {a.id: float((load or {}).get(a.id, 0.0)) for a in agents}
    out: dict[str, str] = {}
    notes: list[str] = []
    for sub in subtasks:
        found, tier = candidates_for(sub, agents)
        if not found:
            notes.append(f"no agent can take {sub.id} (kind {sub.kind}, role {sub.role}); left unassigned")
            continue
        best = min(found, key=lambda a: (load[a.id] + sub.effort_hours > a.capacity_hours,
                                         load[a.id] / a.capacity_hours, load[a.id], a.id))
        if load[best.id] + sub.effort_hours > best.capacity_hours:
            notes.append(f"{best.id} is overbooked by {sub.id} ({load[best.id] + sub.effort_hours:g} h "
                         f"> {best.capacity_hours:g} h)")
        if tier != "role+capability":
            notes.append(f"{sub.id} assigned by {tier} match to {best.id}")
        load[best.id] += sub.effort_hours
        out[sub.id] = best.id
    return out, load, notes


def list_agents(deps: object = None) -> list[dict[str, object]]:
    """Agents as plain records (for list_capabilities): the YAML registry, plus externally registered agents
    when `deps` (a Deps) is given."""
    if deps is not None and hasattr(deps, "settings"):
        from graphs.orchestrate.registry import registry_for

        return [{"id": r["id"], "role": r["roles"][0] if r["roles"] else "", "capabilities": r["capabilities"],
                 "capacity": int(r["capacity_hours"]), "external": r["external"]}
                for r in registry_for(deps).agent_records()]
    return [
        {"id": a.id, "role": a.role, "capabilities": sorted(a.capabilities), "capacity": int(a.capacity_hours),
         "external": False}
        for a in load_agents()
    ]
