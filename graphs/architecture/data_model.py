"""Schema sketches for the data stores: entities with keys, indexes for the access paths, partition key.

Entities come from the detected features; keys and indexes follow the access pattern of the store category
(relational by key and foreign key, time-series by device and time, cache by key with TTL, ...).
"""

from __future__ import annotations

from graphs.architecture.components import Blueprint
from graphs.architecture.profile import Profile
from graphs.architecture.schema import DataStore, SchemaSketch

# feature -> (entities of the system of record, secondary indexes serving the feature's queries)
FEATURE_ENTITIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "auth": (("User(user_id PK, email UNIQUE, role, created_at)",), ("User(email)",)),
    "catalog": (("Product(product_id PK, sku UNIQUE, title, price, updated_at)",), ("Product(updated_at)",)),
    "orders": (("Order(order_id PK, user_id FK, status, total, created_at)",
                "OrderLine(order_id FK, line_no, product_id FK, qty; PK(order_id, line_no))"),
               ("Order(user_id, created_at DESC)", "Order(status) partial WHERE status <> 'done'")),
    "payments": (("Payment(payment_id PK, order_or_account_id FK, idempotency_key UNIQUE, provider_ref, amount, "
                  "status)", "LedgerEntry(entry_id PK, account_id FK, amount, created_at) append-only"),
                 ("Payment(idempotency_key) UNIQUE", "LedgerEntry(account_id, created_at)")),
    "booking": (("Resource(resource_id PK, capacity)",
                 "Reservation(reservation_id PK, resource_id FK, user_id FK, slot, status, expires_at; "
                 "UNIQUE(resource_id, slot))"), ("Reservation(user_id)", "Reservation(expires_at) for hold expiry")),
    "feed": (("Post(post_id PK, author_id FK, created_at)", "Follow(follower_id, followee_id; PK both)"),
             ("Post(author_id, created_at DESC)", "Follow(followee_id)")),
    "file_storage": (("FileObject(file_id PK, owner_id FK, object_key UNIQUE, size, content_type, checksum)",),
                     ("FileObject(owner_id)",)),
    "realtime": (("Message(conversation_id, message_id; PK both, sender_id, body, sent_at)",),
                 ("Message(conversation_id, sent_at)",)),
    "notifications": (("Notification(notification_id PK, user_id FK, channel, status, attempts)",),
                      ("Notification(status, next_attempt_at)",)),
    "geo": (("Place(place_id PK, location GEOGRAPHY)",), ("Place(location) GiST/geo index",)),
    "integration": (("WebhookDelivery(delivery_id PK, partner_id FK, event_id, status, attempts)",),
                    ("WebhookDelivery(status, next_attempt_at)",)),
    "ml": (("ModelVersion(model_name, version; PK both, stage, metrics, artifact_uri)",),
           ("ModelVersion(model_name, stage)",)),
    "llm": (("SourceDocument(doc_id PK, source, version, updated_at)",), ("SourceDocument(updated_at)",)),
}
GENERIC_ENTITY = "Record(record_id PK, owner_id FK, status, created_at, updated_at)"


def _tenant(p: Profile) -> str:
    return "tenant_id, " if p.multi_tenant else ""


def _relational(p: Profile, sharded: bool, shard_key: str) -> SchemaSketch:
    entities, indexes = [], []
    for feature, (ents, idx) in FEATURE_ENTITIES.items():
        if p.has(feature):
            entities.extend(ents)
            indexes.extend(idx)
    if not entities:
        entities, indexes = [GENERIC_ENTITY], ["Record(owner_id, created_at DESC)"]
    if p.multi_tenant:
        entities = ["Tenant(tenant_id PK, plan, region)"] + entities
        indexes = [f"every table leads with tenant_id: {i}" if k == 0 else i for k, i in enumerate(indexes)]
    if p.audit or p.compliance:
        entities.append("AuditEvent(seq PK, actor_id, action, entity, entity_id, at, hash_prev) append-only")
        indexes.append("AuditEvent(entity, entity_id, at)")
    if sharded:
        part = f"{shard_key} (hash), co-locating each {shard_key.removesuffix('_id')}'s rows"
    elif p.multi_tenant:
        part = "tenant_id (row-level security now; hash-partition later if one node is outgrown)"
    else:
        part = ""
    return SchemaSketch(entities=entities, indexes=indexes, partition_key=part)


def sketch_for(category: str, store: DataStore, p: Profile, sharded: bool) -> SchemaSketch:
    """The schema sketch of one store from its technology category and the workload profile."""
    t = _tenant(p)
    shard_key = "tenant_id" if p.multi_tenant else "user_id"
    if category in {"relational", "document", "wide_column"}:
        sketch = _relational(p, sharded, shard_key)
        if category != "relational":
            sketch.partition_key = sketch.partition_key or f"{shard_key} (partition), sort key created_at"
        return sketch
    if category == "cache":
        return SchemaSketch(entities=[f"{t}<entity>:<id> -> serialized read model (TTL 5-60 min)",
                                      f"{t}session:<session_id> -> session (TTL = session lifetime)"],
                            indexes=["none: key lookups only; invalidate on write"],
                            partition_key="key hash slot (cluster mode)")
    if category == "tsdb":
        return SchemaSketch(entities=[f"Reading({t}device_id, ts, metric, value; PK(device_id, ts))",
                                      "HourlyRollup(device_id, hour, min, max, avg) continuous aggregate"],
                            indexes=["(device_id, ts DESC)"], partition_key="time (daily chunks), then device_id")
    if category == "search":
        return SchemaSketch(entities=[f"Document({t}doc_id, title, body, facets…, updated_at)"],
                            indexes=["inverted index on text fields", "keyword fields for facets/filters"],
                            partition_key="index shards by doc_id hash" + (", routed by tenant_id" if t else ""))
    if category == "object_storage":
        return SchemaSketch(entities=["Object(key = <tenant|owner>/<entity>/<id>/<filename>, metadata)"],
                            indexes=["metadata rows in the system of record (FileObject)"],
                            partition_key="key prefix")
    if category == "warehouse":
        return SchemaSketch(entities=[f"FactEvent({t}event_date, event_type, user_id, properties…)",
                                      "Dim tables (users, products, tenants)"],
                            indexes=["sort/order key (tenant_id, event_date, event_type)" if t else
                                     "sort/order key (event_date, event_type)"],
                            partition_key="event_date (monthly/daily partitions)")
    if category == "vector":
        return SchemaSketch(entities=[f"Chunk({t}chunk_id PK, doc_id FK, text, embedding VECTOR, acl)"],
                            indexes=["HNSW index on embedding (cosine)", "Chunk(doc_id) for re-indexing"],
                            partition_key="collection per tenant" if t else "")
    return SchemaSketch(entities=[f"{store.name} records: {store.data}"], indexes=[], partition_key="")


def attach_schema_sketches(stores: list[DataStore], bp: Blueprint, p: Profile, sharded: bool) -> None:
    """Fill `schema_sketch` on every store (in place)."""
    for store in stores:
        category = bp.categories.get(store.name, "relational" if store.name == bp.primary_db else "")
        store.schema_sketch = sketch_for(category, store, p, sharded)
