from helpers import profile_for

from graphs.architecture.catalog import resolve_stack
from graphs.architecture.compat import detect_compatibility


def _ids(found):
    return {cid for cid, _, _ in found}


def test_stack_names_match_case_insensitively_with_aliases():
    stack = resolve_stack(["postgres 16", "ELASTICACHE", "Spring Data JPA", "k8s"])
    assert [t.id for t in stack["relational"]] == ["postgresql"]
    assert [t.id for t in stack["cache"]] == ["redis"]
    assert [t.id for t in stack["orm"]] == ["hibernate"]
    assert [t.id for t in stack["orchestration"]] == ["kubernetes"]


def test_sqlite_with_many_writers_is_flagged_high():
    p = profile_for("A community forum for 2 million monthly users who post and comment all day.")
    found = detect_compatibility(["Flask", "SQLite"], p)
    assert "compat-sqlite-concurrent-writers" in _ids(found)
    issue = next(i for cid, i, _ in found if cid == "compat-sqlite-concurrent-writers")
    assert issue.severity == "high" and "SQLite" in issue.technologies


def test_sqlite_for_a_tiny_single_instance_tool_is_fine():
    p = profile_for("A personal recipe notebook for 20 users.")
    assert detect_compatibility(["sqlite3", "Flask"], p) == []


def test_serverless_with_websockets_is_flagged():
    p = profile_for("Players see live scores pushed over websockets.")
    assert "compat-serverless-websockets" in _ids(detect_compatibility(["AWS Lambda", "DynamoDB"], p))


def test_mongodb_for_money_transfers_is_flagged():
    p = profile_for("Customers transfer money between wallets; balances must be strongly consistent.")
    found = detect_compatibility(["MongoDB", "Node.js"], p)
    mitigation = next(m for cid, _, m in found if cid == "compat-mongodb-money-transfers")
    assert mitigation["replace"] == {"from": "mongodb", "to": "postgresql"}


def test_orm_without_a_dialect_for_the_store_is_flagged():
    p = profile_for("Users can manage their reading lists.")
    found = detect_compatibility(["Django ORM", "MongoDB"], p)
    assert "compat-orm-django_orm-mongodb" in _ids(found)
    assert detect_compatibility(["Django ORM", "PostgreSQL"], p) == []


def test_redis_as_the_only_store_is_flagged_but_not_as_a_cache():
    p = profile_for("Users can save shopping lists.")
    assert "compat-redis-only-durable-store" in _ids(detect_compatibility(["Redis", "FastAPI"], p))
    assert "compat-redis-only-durable-store" not in _ids(detect_compatibility(["Redis", "PostgreSQL"], p))


def test_mqtt_as_the_only_telemetry_buffer_and_spark_for_realtime_decisions_are_flagged():
    p = profile_for("Wind farm: 3,000 turbines send vibration readings; operators see live dashboards in real time.")
    found = _ids(detect_compatibility(["MQTT", "Spark", "InfluxDB"], p))
    assert {"compat-mqtt-durable-log", "compat-spark-subsecond-latency"} <= found
    stack = resolve_stack(["MQTT", "Spark", "InfluxDB", "pgvector", "MLflow"])
    assert [t.name for t in stack["tsdb"]] == ["InfluxDB"]
    assert {"iot_broker", "batch", "vector", "model_registry"} <= set(stack)
