"""Markdown rendering of an architecture design (a pure function of the output model)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from graphs.architecture.schema import ArchitectureOutput


def _cell(value: object) -> str:
    """One table cell: pipes escaped, newlines flattened, empty shown as an en dash."""
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    text = str(value if value is not None else "").replace("|", "\\|").replace("\r", " ").replace("\n", "<br>")
    return text.strip() or "–"


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


def _section(title: str, body: list[str]) -> list[str]:
    return [f"## {title}", "", *body, ""] if body else []


def _adrs(out: ArchitectureOutput) -> list[str]:
    lines: list[str] = []
    for adr in out.adrs:
        lines += [f"### {adr.id}: {adr.title}", "", f"**Context.** {adr.context}", "",
                  f"**Decision.** {adr.decision}", ""]
        if adr.drivers:
            lines += [f"**Drivers:** {', '.join(adr.drivers)}", ""]
        if adr.options:
            lines += ["**Options considered:**", *[f"- {o}" for o in adr.options], ""]
        if adr.consequences:
            lines += ["**Consequences:**", *[f"- {c}" for c in adr.consequences], ""]
    return lines[:-1] if lines else lines


def _data_stores(out: ArchitectureOutput) -> list[str]:
    lines = _table(["Store", "Technology", "Data", "Access pattern", "Serves"],
                   [(d.name, d.technology, d.data, d.access_pattern, d.serves) for d in out.data_stores])
    for d in out.data_stores:
        s = d.schema_sketch
        if s is None or not (s.entities or s.indexes or s.partition_key):
            continue
        lines += ["", f"**{d.name} — schema sketch**", ""]
        lines += [f"- entity: `{e}`" for e in s.entities]
        lines += [f"- index: `{i}`" for i in s.indexes]
        lines.append(f"- partition key: {s.partition_key or 'none (single node)'}")
    return lines


def render_markdown(output: ArchitectureOutput) -> str:
    """The whole design as a Markdown document: every section, tables for lists, the Mermaid diagram."""
    out = output
    lines = [f"# Architecture: {out.style or 'unspecified style'}", "", out.rationale or "", ""]
    lines += _section("Style scoring", _table(["Style", "Score", "Reasons"],
                                              [(s.style, f"{s.score:g}", "; ".join(s.reasons))
                                               for s in out.style_scores]) if out.style_scores else [])
    lines += _section("Requirements", _table(
        ["Id", "Kind", "Attribute", "Value", "Text"],
        [(r.id, r.kind, r.attribute, "" if r.value is None and not r.unit else
          f"{'' if r.value is None else f'{r.value:g}'} {r.unit or ''}".strip(), r.text)
         for r in out.requirements]) if out.requirements else [])
    lines += _section("Capacity estimate", _table(["Figure", "Value (arithmetic)"], out.capacity.items())
                      if out.capacity else [])
    lines += _section("Components", _table(
        ["Component", "Kind", "Technology", "Responsibility", "Scaling", "Serves"],
        [(c.name, c.kind, c.technology, c.responsibility, c.scaling, c.serves) for c in out.components])
        if out.components else [])
    lines += _section("Connections", _table(
        ["From", "To", "Mode", "Protocol", "Purpose"],
        [(c.source, c.target, c.mode, c.protocol, c.purpose) for c in out.connections]) if out.connections else [])
    lines += _section("Data stores", _data_stores(out) if out.data_stores else [])
    lines += _section("Patterns", _table(["Pattern", "Id", "Why", "Serves"],
                                         [(p.name, p.pattern_id, p.reason, p.serves) for p in out.patterns])
                      if out.patterns else [])
    lines += _section("Security (STRIDE per trust boundary)", _table(
        ["Boundary", "Threat", "Control", "Serves"],
        [(m.boundary, m.threat, m.control, m.serves) for m in out.security]) if out.security else [])
    lines += _section("Scalability and reliability", [f"- {s}" for s in out.scalability])
    lines += _section("Compatibility issues", _table(
        ["Technologies", "Severity", "Problem", "Recommendation"],
        [(i.technologies, i.severity, i.problem, i.recommendation) for i in out.compatibility_issues])
        if out.compatibility_issues else [])
    lines += _section("Architecture decision records", _adrs(out))
    lines += _section("Diagram", ["```mermaid", out.mermaid.rstrip(), "```"] if out.mermaid.strip() else [])
    lines += _section("Traceability", _table(["Requirement", "Served by"], out.traceability.items())
                      if out.traceability else [])
    lines += _section("Soundness checks", _table(
        ["Check", "Result", "Detail"], [(c.name, "pass" if c.passed else "FAIL", c.detail) for c in out.checks])
        if out.checks else [])
    lines += _section("Notes", [f"- {n}" for n in out.notes])
    return "\n".join(lines).rstrip() + "\n"
