"""Curated knowledge files of the architecture graph: patterns, technology aliases, conflicts, prices.

Read directly from `knowledge/` (the KB ingests the same pattern files; this is the fallback and test loader).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from graphs.common.paths import KNOWLEDGE_DIR


class CatalogError(ValueError):
    """A curated knowledge file is missing or malformed."""


def _load_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: top level must be a mapping")
    return data


@lru_cache(maxsize=4)
def load_entries(collection: str, root: Path = KNOWLEDGE_DIR) -> tuple[dict, ...]:
    """All `entries:` of knowledge/<collection>/*.yaml, checked for unique ids and titles."""
    entries: list[dict] = []
    seen: set[str] = set()
    for path in sorted((root / collection).glob("*.yaml")):
        data = _load_yaml(path)
        for entry in data.get("entries") or []:
            if not isinstance(entry, dict) or "id" not in entry or "title" not in entry:
                raise CatalogError(f"{path}: every entry needs an id and a title")
            if entry["id"] in seen:
                raise CatalogError(f"{path}: duplicate id {entry['id']}")
            seen.add(entry["id"])
            entries.append(entry)
    return tuple(entries)


def pattern_index(root: Path = KNOWLEDGE_DIR) -> dict[str, dict]:
    """Pattern id -> entry."""
    return {e["id"]: e for e in load_entries("patterns", root)}


@dataclass(frozen=True)
class Technology:
    id: str
    name: str
    category: str
    aliases: tuple[str, ...]
    supports: tuple[str, ...] = ()


@lru_cache(maxsize=2)
def load_technologies(root: Path = KNOWLEDGE_DIR) -> tuple[Technology, ...]:
    data = _load_yaml(root / "compat" / "technologies.yaml")
    return tuple(
        Technology(t["id"], t["name"], t["category"], tuple(a.lower() for a in t["aliases"]),
                   tuple(t.get("supports", ())))
        for t in data["technologies"]
    )


def technology(tech_id: str) -> Technology | None:
    return next((t for t in load_technologies() if t.id == tech_id), None)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("_", " ").replace("-", " ")).strip()


def resolve_stack(tech_stack: list[str]) -> dict[str, list[Technology]]:
    """Category -> technologies named in the stack (case-insensitive, aliases as whole words), in stack order."""
    out: dict[str, list[Technology]] = {}
    for item in tech_stack:
        text = _norm(item)
        for tech in load_technologies():
            hit = any(re.search(rf"(?<![\w.]){re.escape(_norm(a))}(?![\w])", text) for a in tech.aliases)
            if hit and tech not in out.get(tech.category, []):
                out.setdefault(tech.category, []).append(tech)
    return out


@lru_cache(maxsize=2)
def load_prices(root: Path = KNOWLEDGE_DIR) -> dict:
    """The newest price table (knowledge/prices/v*.yaml by version number)."""
    files = sorted((root / "prices").glob("v*.yaml"), key=lambda p: int(re.sub(r"\D", "", p.stem) or 0))
    if not files:
        raise CatalogError(f"no price table in {root / 'prices'}")
    return _load_yaml(files[-1])
