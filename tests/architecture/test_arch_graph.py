import pytest
from arch_cases import CASES

from graphs.architecture.graph import NODE_NAMES, build_graph, initial_state, run_architecture, to_output
from graphs.architecture.mermaid import check_mermaid
from graphs.architecture.schema import ArchitectureInput, ArchitectureOutput

EXPECT = {
    "inventory_crud": dict(style="Modular monolith", components={"Application", "Primary Database"},
                           absent={"API Gateway", "Event Broker"}, patterns={"style-modular-monolith"}),
    "photo_feed": dict(style="Microservices", components={"CDN", "Cache", "Read Replicas", "Object Storage",
                                                          "Search Index", "Timeline Cache", "API Gateway"},
                       absent=set(), patterns={"tactic-cdn", "tactic-cache-aside", "tactic-read-replicas",
                                               "tactic-fan-out-on-write", "tactic-multi-region-active-active"}),
    "p2p_payments": dict(style="", components={"Payment Provider", "Audit Log", "Primary Database"}, absent=set(),
                         patterns={"tactic-idempotency-keys", "tactic-payment-tokenization",
                                   "tactic-multi-az-redundancy"}),
    "iot_telemetry": dict(style="stream processing", components={"Time-Series Store", "Event Broker",
                                                                 "Stream Processors", "Ingestion Endpoint"},
                          absent=set(), patterns={"tactic-time-series-store", "tactic-data-lifecycle-tiering"}),
    "clinic_booking": dict(style="Modular monolith", components={"Audit Log", "Notification Worker"},
                           absent={"Event Broker"}, patterns={"tactic-audit-log", "tactic-notification-service"}),
    "ticket_flash_sales": dict(style="Serverless", components={"Connection Pooler", "Payment Provider", "Job Queue"},
                               absent=set(), patterns={"tactic-queue-based-load-leveling",
                                                       "tactic-idempotency-keys"}),
    "team_chat": dict(style="", components={"Realtime Gateway", "Pub/Sub Backplane", "Search Index",
                                            "Object Storage"}, absent=set(), patterns={"tactic-realtime-gateway"}),
    "claims_modernisation": dict(style="", components={"Routing Facade", "Partner APIs", "Audit Log"},
                                 absent=set(), patterns={"tactic-strangler-fig", "tactic-analytics-warehouse"}),
}


@pytest.fixture(scope="module")
def outputs(arch_deps) -> dict[str, ArchitectureOutput]:
    return {name: run_architecture(arch_deps, ArchitectureInput(**case)) for name, case in CASES.items()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_check_passes_and_key_elements_appear(outputs, name):
    out, want = outputs[name], EXPECT[name]
    failed = [(c.name, c.detail) for c in out.checks if not c.passed]
    assert failed == []
    assert len(out.checks) == 12
    assert want["style"] in out.style
    names = {c.name for c in out.components}
    assert want["components"] <= names
    assert not (want["absent"] & names)
    assert want["patterns"] <= {p.pattern_id for p in out.patterns}
    assert set(out.traceability) == {r.id for r in out.requirements}
    assert all(out.traceability.values())
    assert check_mermaid(out.mermaid) == []
    assert {"peak_rps", "storage_total", "cache_size", "bandwidth", "app_instances"} <= set(out.capacity)
    assert out.adrs[0].id == "ADR-1" and out.adrs[0].options
    assert len(out.style_scores) >= 8 and out.rationale


def test_user_stack_is_preferred_and_conflicting_stores_are_replaced(outputs):
    tech = {c.name: c.technology for c in outputs["claims_modernisation"].components}
    assert tech["Primary Database"] == "SQL Server" and tech["Application"] == "ASP.NET Core"
    flash = {c.name: c.technology for c in outputs["ticket_flash_sales"].components}
    assert flash["Primary Database"] == "PostgreSQL"  # seat sales need transactions; DynamoDB not the ledger
    chat = outputs["team_chat"]
    assert any("Socket.IO" in i.technologies for i in chat.compatibility_issues)


def test_compliance_shows_up_as_security_controls(outputs):
    clinic = outputs["clinic_booking"].security
    assert any("PHI" in m.control for m in clinic)
    boundaries = {m.boundary for m in clinic}
    assert {"Internet → Edge", "Edge → Services", "Services → Data"} <= boundaries
    payments = outputs["p2p_payments"].security
    assert any("PCI" in m.control for m in payments)


def test_cost_line_and_assumptions_are_in_the_notes(outputs):
    notes = outputs["photo_feed"].notes
    assert any(n.startswith("Indicative cost ≈ $") and "Price table v1" in n for n in notes)
    assert any(n.startswith("assumption: ") for n in notes)


def test_graph_shape_is_pinned(arch_deps):
    drawn = build_graph(arch_deps).get_graph().draw_mermaid()
    for name in NODE_NAMES:
        assert name in drawn
    assert "validate_design -.-> design_architecture" in drawn
    assert "validate_design -.-> __end__" in drawn


def test_nodes_stream_progress_messages(arch_deps):
    graph = build_graph(arch_deps)
    inp = ArchitectureInput(**CASES["clinic_booking"])
    custom = [chunk for mode, chunk in graph.stream(initial_state(inp), stream_mode=["custom", "updates"])
              if mode == "custom"]
    assert [c["node"] for c in custom][:4] == list(NODE_NAMES)
    assert all(c["message"] for c in custom)


def test_to_output_round_trips_through_json(arch_deps):
    graph = build_graph(arch_deps)
    final = graph.invoke(initial_state(ArchitectureInput(**CASES["inventory_crud"])))
    out = to_output(final)
    again = ArchitectureOutput.model_validate_json(out.model_dump_json())
    assert again == out


def test_runs_are_checkpointed_and_readable_from_saved_state(arch_deps):
    from langgraph.checkpoint.memory import InMemorySaver

    graph = build_graph(arch_deps, checkpointer=InMemorySaver())
    cfg = {"configurable": {"thread_id": "arch-1"}}
    graph.invoke(initial_state(ArchitectureInput(**CASES["clinic_booking"])), cfg)
    saved = graph.get_state(cfg)
    assert saved.next == ()
    out = to_output(saved.values)
    assert out.style.startswith("Modular monolith") and all(c.passed for c in out.checks)
