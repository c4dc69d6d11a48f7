from graphs.architecture.catalog import load_entries, load_prices, load_technologies, pattern_index
from graphs.architecture.schema import Component

REQUIRED = {"id", "title", "kind", "summary", "forces", "use_when", "avoid_when", "quality_attributes",
            "components", "tradeoffs", "source"}
EXPECTED = {"style-modular-monolith", "style-microservices", "style-serverless", "style-event-driven",
            "style-cqrs-event-sourcing", "style-batch-processing", "style-stream-processing", "tactic-cache-aside",
            "tactic-read-replicas", "tactic-sharding", "tactic-cdn", "tactic-queue-based-load-leveling",
            "tactic-circuit-breaker", "tactic-bulkhead", "tactic-rate-limiting", "tactic-saga",
            "tactic-transactional-outbox", "tactic-api-gateway", "tactic-bff", "tactic-strangler-fig",
            "tactic-idempotency-keys", "tactic-object-storage-signed-urls", "tactic-search-index",
            "tactic-fan-out-on-write", "tactic-fan-out-on-read"}


def test_at_least_forty_complete_pattern_entries_with_sources():
    entries = load_entries("patterns")
    assert len(entries) >= 40
    for e in entries:
        assert REQUIRED <= set(e), e["id"]
        assert e["kind"] in {"style", "tactic"}
        assert e["id"].startswith(e["kind"] + "-")
        assert len(e["source"]) > 10 and e["quality_attributes"]
        for spec in e["components"]:
            Component(name=spec["name"], kind=spec["kind"], technology=spec["technology"],
                      responsibility=spec["responsibility"])
    assert EXPECTED <= set(pattern_index())


def test_conflicts_reference_known_technologies_and_categories():
    techs = load_technologies()
    ids, cats = {t.id for t in techs}, {t.category for t in techs}
    for e in load_entries("compat"):
        for token in e["technologies"]:
            if token.startswith("category:"):
                assert token.split(":", 1)[1] in cats, e["id"]
            else:
                assert token in ids, e["id"]
        assert e["severity"] in {"low", "medium", "high"} and e["source"]


def test_price_table_is_versioned_and_dated():
    prices = load_prices()
    assert prices["version"] == 1 and prices["as_of"] and "indicative" in prices["note"].lower()
    assert all(float(v["monthly"]) > 0 for v in prices["items"].values())


def test_every_pattern_has_non_empty_forces_guidance_tradeoffs_and_attributes():
    for e in load_entries("patterns"):
        for field in ("forces", "use_when", "avoid_when", "quality_attributes", "tradeoffs"):
            assert isinstance(e[field], list) and e[field] and all(str(v).strip() for v in e[field]), \
                (e["id"], field)
        assert e["summary"].strip() and e["title"].strip(), e["id"]
