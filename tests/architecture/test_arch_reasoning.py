"""Stack-, processing- and event-driven tactic selection, plus the over-engineering guard (design level)."""

from graphs.architecture.capacity import estimate_capacity
from graphs.architecture.design import build_design
from graphs.architecture.extract import extract_requirements
from graphs.architecture.features import detect_features
from graphs.architecture.profile import build_profile


def design_for(description: str, stack: list[str], requirements: list[str] | None = None):
    reqs = extract_requirements(description, requirements or [])
    p = build_profile(reqs, detect_features(reqs, description))
    cap = estimate_capacity(p)
    p.peak_rps = cap.numbers["peak_rps"]
    return build_design(p, reqs, cap, {}, stack).output


def _patterns(out) -> set[str]:
    return {p.pattern_id for p in out.patterns}


def _components(out) -> dict[str, str]:
    return {c.name: c.technology for c in out.components}


def test_named_cache_and_broker_are_put_to_work_with_their_patterns():
    out = design_for("Staff schedule cleaning visits for office buildings and customers rate each visit.",
                     ["Python", "PostgreSQL", "Redis", "RabbitMQ"])
    assert {"tactic-cache-aside", "tactic-queue-based-load-leveling"} <= _patterns(out)
    techs = set(_components(out).values())
    assert "Redis" in techs and "RabbitMQ" in techs


def test_small_internal_tool_gets_no_broker_cdn_or_pipeline():
    out = design_for("Internal tool where 40 employees log vacation requests and managers approve them.",
                     ["Django", "PostgreSQL"], ["Team of 2 developers"])
    assert not {"tactic-publish-subscribe", "tactic-cdn", "tactic-pipes-and-filters",
                "tactic-transactional-outbox", "tactic-saga"} & _patterns(out)
    assert not [c for c in out.components if c.kind == "queue"]


def test_feed_imports_become_a_pipes_and_filters_pipeline():
    out = design_for("A price comparison site imports supplier CSV feeds nightly, normalises and deduplicates "
                     "offers, and shoppers search them.", ["Python", "PostgreSQL"])
    assert "tactic-pipes-and-filters" in _patterns(out)
    assert "Pipeline Workers" in _components(out)


def test_model_training_and_online_inference_bring_mlops_components():
    out = design_for("Insurance claims triage: data scientists train models on historical claims and the claims "
                     "app gets predictions from an online endpoint.", ["Python", "PostgreSQL"],
                     ["Model versions can be rolled back", "Inference under 80 ms p95"])
    assert "tactic-ml-model-lifecycle" in _patterns(out)
    assert {"Feature Store", "Model Registry", "Model Serving", "Artifact Store"} <= set(_components(out))


def test_llm_assistant_gets_a_vector_index_indexing_workers_and_redaction():
    out = design_for("An internal HR assistant answers employee questions from policy documents using an LLM.",
                     ["Python", "PostgreSQL"], ["Personal data is redacted before prompts are sent"])
    assert {"tactic-rag-vector-search", "tactic-data-redaction", "tactic-pipes-and-filters"} <= _patterns(out)
    assert {"Vector Index", "Indexing Pipeline Workers", "LLM Provider"} <= set(_components(out))


def test_several_reactions_to_orders_become_events_with_outbox_and_saga():
    out = design_for("Customers order groceries and pay by card; the warehouse is notified, search stock "
                     "levels update, and customers get e-mail confirmations. 30,000 monthly users.",
                     ["Node", "PostgreSQL"])
    assert {"tactic-publish-subscribe", "tactic-transactional-outbox", "tactic-saga"} <= _patterns(out)
    assert any("Event-driven" in p.name for p in out.patterns)


def test_public_video_service_is_fronted_by_a_cdn():
    out = design_for("Fitness studio app where members stream workout videos on phones and TVs.",
                     ["Go", "PostgreSQL"], ["200,000 monthly users"])
    assert "tactic-cdn" in _patterns(out)
    assert "CDN" in _components(out)


def test_data_stores_carry_schema_sketches_matching_their_access_pattern():
    out = design_for("Multi-tenant SaaS for veterinary clinics: staff book appointments and take card payments. "
                     "Audit trail of every change.", ["Rails", "PostgreSQL", "Redis"])
    by_name = {d.name: d for d in out.data_stores}
    primary = by_name["Primary Database"].schema_sketch
    assert primary is not None
    text = " ".join(primary.entities + primary.indexes)
    assert "idempotency_key" in text and "Reservation(" in text and "AuditEvent(" in text
    assert "tenant_id" in primary.partition_key
    cache = next(d for d in out.data_stores if d.technology == "Redis").schema_sketch
    assert cache is not None and "TTL" in " ".join(cache.entities)


def test_plan_states_bottlenecks_recovery_objectives_observability_and_deployment():
    out = design_for("Booking site for 2 million monthly users with 99.95% availability. No booking may be lost.",
                     ["Java", "PostgreSQL"])
    plan = "\n".join(out.scalability)
    assert "writes/s per primary (assumed)" in plan and "utilisation" in plan
    assert "(1 − 99.95%) × 43,200 min/month = 21.6 min" in plan
    assert "RPO ≤ 1 min" in plan and "RTO ≤ 15 min" in plan and "Backups:" in plan
    assert "Observability:" in plan and "Deployment:" in plan
