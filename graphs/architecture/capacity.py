"""Back-of-envelope capacity estimation. Every figure is a string "value (arithmetic; assumptions)"."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from graphs.architecture.profile import Profile

DAU_SHARE_OF_MAU = 0.20
REQUESTS_PER_USER_DAY = 30
MESSAGES_PER_DEVICE_DAY = 1440  # one reading a minute
PEAK_FACTOR = 3.0
DEFAULT_READS_PER_WRITE = 4.0
RECORD_KB = 2.0
DEVICE_RECORD_KB = 0.2  # one telemetry reading with timestamp and a few fields
RESPONSE_KB = 20.0
HOT_SHARE = 0.20
RPS_PER_INSTANCE = 500.0
DEFAULT_DAU = 1000.0
SECONDS_PER_DAY = 86_400


@dataclass
class Capacity:
    """Named numbers (for checks) and their explained strings (for the output)."""

    numbers: dict[str, float] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)
    assumptions: list[str] = field(default_factory=list)


def fmt(x: float) -> str:
    """Human number with thousands separators; one decimal below 100."""
    if 0 < abs(x) < 1:
        return f"{x:.2g}"
    if abs(x) >= 100 or float(x).is_integer():
        return f"{round(x):,}"
    return f"{x:,.1f}"


def _per_day(period: str) -> float:
    return {"day": 1.0, "month": 30.0, "year": 365.0}.get(period, 1.0)


def estimate_capacity(p: Profile) -> Capacity:
    """Peak load, read/write split, storage, bandwidth, cache and instance count with the arithmetic shown."""
    c = Capacity()
    devices = "devices" in p.users_kind
    per_user = MESSAGES_PER_DEVICE_DAY if devices else REQUESTS_PER_USER_DAY
    if p.users:
        if devices:
            dau = p.users
            c.text["daily_active"] = f"{fmt(dau)} (every device reports daily)"
        elif "monthly" in p.users_kind:
            dau = p.users * DAU_SHARE_OF_MAU
            c.text["daily_active"] = (f"{fmt(dau)} ({fmt(p.users)} monthly × {DAU_SHARE_OF_MAU:.0%} active daily, "
                                      "assumed)")
        else:
            dau = p.users
            c.text["daily_active"] = f"{fmt(dau)} (stated: {p.users_kind})"
    elif p.stated_rps:
        dau = p.stated_rps / PEAK_FACTOR * SECONDS_PER_DAY / per_user
        c.text["daily_active"] = (f"{fmt(dau)} (back-derived from the stated peak: {fmt(p.stated_rps)} ÷ "
                                  f"{PEAK_FACTOR:g} × {SECONDS_PER_DAY:,} s ÷ {per_user} req/day)")
    else:
        dau = DEFAULT_DAU
        c.text["daily_active"] = f"{fmt(dau)} (no user count given; assumed)"
    avg = dau * per_user / SECONDS_PER_DAY
    derived_peak = avg * PEAK_FACTOR
    c.numbers.update(dau=dau, per_user=per_user, avg_rps=avg, derived_peak_rps=derived_peak)
    c.text["avg_rps"] = f"{fmt(avg)} req/s ({fmt(dau)} × {per_user} req/day ÷ {SECONDS_PER_DAY:,} s)"
    if p.stated_rps:
        peak = max(p.stated_rps, derived_peak)
        src = "stated" if peak == p.stated_rps else "derived, above the stated figure"
        c.text["peak_rps"] = (f"{fmt(peak)} req/s ({src}; stated {fmt(p.stated_rps)}, derived {fmt(avg)} × "
                              f"{PEAK_FACTOR:g} peak factor = {fmt(derived_peak)})")
    else:
        peak = derived_peak
        c.text["peak_rps"] = f"{fmt(peak)} req/s ({fmt(avg)} avg × {PEAK_FACTOR:g} peak factor, assumed)"
    c.numbers["peak_rps"] = peak
    ratio = p.read_ratio if p.read_ratio else DEFAULT_READS_PER_WRITE
    reads = peak * ratio / (ratio + 1)
    writes = peak - reads
    c.numbers.update(read_ratio=ratio, read_rps=reads, write_rps=writes)
    origin = "stated" if p.read_ratio else "assumed"
    c.text["read_write_rps"] = (f"{fmt(reads)} reads/s + {fmt(writes)} writes/s (peak {fmt(peak)} split "
                                f"{ratio:g}:1, {origin})")
    daily_writes = avg * SECONDS_PER_DAY / (ratio + 1)
    record_kb = DEVICE_RECORD_KB if devices else RECORD_KB
    if p.growth_gb:
        growth_day = p.growth_gb / _per_day(p.growth_period)
        c.text["storage_growth"] = (f"{fmt(growth_day * 365)} GB/year ({fmt(p.growth_gb)} GB per "
                                    f"{p.growth_period} stated × {365 / _per_day(p.growth_period):g})")
    else:
        growth_day = daily_writes * record_kb / 1e6
        c.text["storage_growth"] = (f"{fmt(growth_day * 365)} GB/year ({fmt(daily_writes)} writes/day × "
                                    f"{record_kb:g} KB avg record × 365, assumed record size)")
    years = (p.retention_days or 365 * 3) / 365
    base = p.data_gb or 0.0
    total = base + growth_day * 365 * years
    c.numbers.update(growth_gb_day=growth_day, base_gb=base, retention_years=years, storage_gb=total)
    kept = "stated retention" if p.retention_days else "assumed 3-year horizon"
    c.text["storage_total"] = (f"{fmt(total)} GB ({fmt(base)} GB today + {fmt(growth_day * 365)} GB/year × "
                               f"{fmt(years)} years, {kept})")
    egress = reads * RESPONSE_KB / 1000
    c.numbers["egress_mb_s"] = egress
    c.text["bandwidth"] = f"{fmt(egress)} MB/s egress at peak ({fmt(reads)} reads/s × {RESPONSE_KB:g} KB response)"
    daily_reads = avg * SECONDS_PER_DAY * ratio / (ratio + 1)
    cache_gb = daily_reads * RECORD_KB * HOT_SHARE / 1e6
    c.numbers["cache_gb"] = cache_gb
    c.text["cache_size"] = (f"{fmt(cache_gb)} GB ({fmt(daily_reads)} reads/day × {RECORD_KB:g} KB × "
                            f"{HOT_SHARE:.0%} hot set)")
    needed = math.ceil(peak / RPS_PER_INSTANCE)
    instances = max(needed + 1, 2) if p.availability else max(needed, 1)
    c.numbers.update(instances=instances, rps_per_instance=RPS_PER_INSTANCE)
    spare = " + 1 spare for availability (min 2)" if p.availability else ""
    c.text["app_instances"] = (f"{instances} (ceil({fmt(peak)} ÷ {RPS_PER_INSTANCE:g} req/s per instance, "
                               f"assumed){spare})")
    c.assumptions = [
        f"{DAU_SHARE_OF_MAU:.0%} of monthly users active daily",
        f"{per_user} requests per {'device' if devices else 'active user'} per day",
        f"peak = {PEAK_FACTOR:g} × average",
        f"{record_kb:g} KB per written record, {RESPONSE_KB:g} KB per response",
        f"{RPS_PER_INSTANCE:g} req/s per application instance",
    ]
    return c


def verify_capacity(c: Capacity, tolerance: float = 1e-6) -> list[str]:
    """Identities the estimate must satisfy; returns the violated ones (empty = consistent)."""
    n = c.numbers
    problems = []

    def close(a: float, b: float) -> bool:
        return abs(a - b) <= tolerance * max(1.0, abs(a), abs(b))

    if not close(n["avg_rps"], n["dau"] * n["per_user"] / SECONDS_PER_DAY):
        problems.append("avg_rps != dau × requests/day ÷ 86400")
    if n["peak_rps"] + tolerance < n["derived_peak_rps"]:
        problems.append("peak_rps below the derived peak")
    if not close(n["read_rps"] + n["write_rps"], n["peak_rps"]):
        problems.append("reads + writes != peak")
    if not close(n["storage_gb"], n["base_gb"] + n["growth_gb_day"] * 365 * n["retention_years"]):
        problems.append("storage total != base + growth × years")
    if n["instances"] * n["rps_per_instance"] + tolerance < n["peak_rps"]:
        problems.append("instances × per-instance capacity < peak")
    for key, number in (("peak_rps", n["peak_rps"]), ("storage_total", n["storage_gb"])):
        if fmt(number) not in c.text.get(key, ""):
            problems.append(f"{key} text does not show {fmt(number)}")
    return problems
