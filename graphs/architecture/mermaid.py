"""Mermaid `flowchart LR` rendering with sanitised ids and escaped labels, plus a basic syntax check."""

from __future__ import annotations

import re

from graphs.architecture.schema import Component, Connection

SHAPES = {"datastore": ("[(", ")]"), "cache": ("[(", ")]"), "queue": ("[/", "/]"), "client": ("([", "])"),
          "external": ("{{", "}}"), "edge": ("[", "]"), "service": ("[", "]"), "worker": ("[[", "]]"),
          "observability": ("[", "]")}
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_NODE = re.compile(r'^\s{4}([A-Za-z][A-Za-z0-9_]*)(\[\(|\[/|\(\[|\{\{|\[\[|\[)"[^"]*"(\)\]|/\]|\]\)|\}\}|\]\]|\])$')
_EDGE = re.compile(r'^\s{4}([A-Za-z][A-Za-z0-9_]*) (-->|-\.->)(\|"[^"|]*"\|)? ([A-Za-z][A-Za-z0-9_]*)$')
RESERVED = {"end", "graph", "subgraph", "flowchart", "style", "class", "click", "default"}


def node_id(name: str) -> str:
    """A Mermaid-safe id: letters/digits/underscores, starting with a letter, never a keyword."""
    ident = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_") or "node"
    if not ident[0].isalpha():
        ident = f"n_{ident}"
    return f"{ident}_" if ident.lower() in RESERVED else ident


def _label(text: str) -> str:
    return text.replace('"', "'").replace("|", "/").replace("\n", " ")


def render_mermaid(components: list[Component], connections: list[Connection]) -> str:
    """flowchart LR: one node per component (shape by kind), solid arrows for sync, dotted for async."""
    ids: dict[str, str] = {}
    for comp in components:
        base, n = node_id(comp.name), 2
        ident = base
        while ident in ids.values():
            ident, n = f"{base}_{n}", n + 1
        ids[comp.name] = ident
    lines = ["flowchart LR"]
    for comp in components:
        left, right = SHAPES[comp.kind]
        lines.append(f'    {ids[comp.name]}{left}"{_label(comp.name)}<br/>{_label(comp.technology)}"{right}')
    for c in connections:
        if c.source in ids and c.target in ids:
            arrow = "-->" if c.mode == "sync" else "-.->"
            lines.append(f'    {ids[c.source]} {arrow}|"{_label(c.protocol)}"| {ids[c.target]}')
    return "\n".join(lines)


def check_mermaid(text: str) -> list[str]:
    """Syntax problems in text produced by `render_mermaid` (header, node and edge lines, defined ids)."""
    lines = text.splitlines()
    if not lines or lines[0] != "flowchart LR":
        return ["first line must be 'flowchart LR'"]
    problems, defined = [], set()
    for i, line in enumerate(lines[1:], start=2):
        node, edge = _NODE.match(line), _EDGE.match(line)
        if node:
            defined.add(node.group(1))
        elif edge:
            for ident in (edge.group(1), edge.group(4)):
                if ident not in defined:
                    problems.append(f"line {i}: edge uses undefined node {ident}")
        else:
            problems.append(f"line {i}: not a node or edge: {line.strip()[:60]}")
    return problems
