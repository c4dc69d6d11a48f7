"""Markdown rendering: every section, tables with escaped cells, the Mermaid block, schema sketches."""

import pytest
from arch_cases import CASES

from graphs.architecture.graph import run_architecture
from graphs.architecture.markdown import render_markdown
from graphs.architecture.schema import ArchitectureInput, ArchitectureOutput, Component


@pytest.fixture(scope="module")
def output(arch_deps) -> ArchitectureOutput:
    return run_architecture(arch_deps, ArchitectureInput(**CASES["p2p_payments"]))


def test_every_non_empty_section_is_rendered(output):
    md = render_markdown(output)
    for heading in ("# Architecture: ", "## Style scoring", "## Requirements", "## Capacity estimate",
                    "## Components", "## Connections", "## Data stores", "## Patterns",
                    "## Security (STRIDE per trust boundary)", "## Scalability and reliability",
                    "## Architecture decision records", "## Diagram", "## Traceability", "## Soundness checks",
                    "## Notes"):
        assert heading in md, heading
    assert f"```mermaid\n{output.mermaid.rstrip()}\n```" in md
    for comp in output.components:
        assert f"| {comp.name} | {comp.kind} |" in md
    assert "schema sketch**" in md and "partition key:" in md
    assert all(f"### {adr.id}: " in md for adr in output.adrs)


def test_table_cells_escape_pipes_and_newlines_and_empty_sections_are_omitted():
    out = ArchitectureOutput(style="Modular monolith", rationale="why",
                             components=[Component(name="A|B", kind="service", technology="x\ny",
                                                   responsibility="")])
    md = render_markdown(out)
    assert "| A\\|B | service | x<br>y | – |" in md
    assert "## Connections" not in md and "## Diagram" not in md
    assert md.endswith("\n") and md.startswith("# Architecture: Modular monolith")
