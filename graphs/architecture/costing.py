"""Order-of-magnitude monthly cost from the versioned price table (assumptions stated in the result)."""

from __future__ import annotations

import math

from graphs.architecture.capacity import Capacity, fmt
from graphs.architecture.catalog import load_prices
from graphs.architecture.schema import Component

SECONDS_PER_MONTH = 30 * 86_400
CDN_OFFLOAD = 0.8  # share of egress served by the CDN when one is present (assumption)


def estimate_cost(c: Capacity, components: list[Component], redundancy: dict[str, int]) -> str:
    """One line: itemised monthly USD estimate with the price-table version and assumptions."""
    prices = load_prices()
    item = {k: float(v["monthly"]) for k, v in prices["items"].items()}
    kinds = {comp.name: comp.kind for comp in components}
    names = set(kinds)
    parts: list[tuple[str, float]] = []
    app = int(c.numbers["instances"])
    parts.append((f"{app} app instances × ${item['app_instance_2vcpu_4gb']:g}", app * item["app_instance_2vcpu_4gb"]))
    stores = [n for n, k in kinds.items() if k == "datastore" and n not in {"Object Storage", "Archive Storage",
                                                                              "Audit Log", "Data Lake"}]
    db_nodes = sum(redundancy.get(n, 1) for n in stores)
    parts.append((f"{db_nodes} database nodes × ${item['managed_postgres_2vcpu_8gb']:g}",
                  db_nodes * item["managed_postgres_2vcpu_8gb"]))
    cache_nodes = max(1, math.ceil(c.numbers["cache_gb"] / 13)) * 2 if any(k == "cache" for k in kinds.values()) else 0
    if cache_nodes:
        parts.append((f"{cache_nodes} cache nodes × ${item['managed_redis_2vcpu_13gb']:g}",
                       cache_nodes * item["managed_redis_2vcpu_13gb"]))
    gb = c.numbers["storage_gb"]
    per_gb = item["object_storage_gb"] if "Object Storage" in names else item["block_storage_gb"]
    parts.append((f"{fmt(gb)} GB stored × ${per_gb:g}", gb * per_gb))
    if "CDN" in names:
        egress_gb = c.numbers["egress_mb_s"] / 3 * SECONDS_PER_MONTH / 1000 * CDN_OFFLOAD  # average = peak ÷ 3
        parts.append((f"{fmt(egress_gb)} GB CDN egress × ${item['cdn_egress_gb']:g}", egress_gb * item["cdn_egress_gb"]))
    if "Load Balancer" in names or "API Gateway" in names:
        parts.append((f"load balancer ${item['load_balancer']:g}", item["load_balancer"]))
    total = sum(v for _, v in parts)
    detail = "; ".join(f"{label} = ${fmt(v)}" for label, v in parts)
    return (f"Indicative cost ≈ ${fmt(total)}/month ({detail}). Price table v{prices['version']} as of "
            f"{prices['as_of']}: {prices['note']} Average egress assumed = peak ÷ 3, {CDN_OFFLOAD:.0%} CDN offload.")
