import pytest

from graphs.architecture.capacity import (
    DAU_SHARE_OF_MAU,
    PEAK_FACTOR,
    REQUESTS_PER_USER_DAY,
    estimate_capacity,
    fmt,
    verify_capacity,
)
from graphs.architecture.profile import Profile


def test_peak_is_derived_from_monthly_users_with_stated_assumptions():
    c = estimate_capacity(Profile(users=3_000_000, users_kind="monthly users"))
    dau = 3_000_000 * DAU_SHARE_OF_MAU
    avg = dau * REQUESTS_PER_USER_DAY / 86_400
    assert c.numbers["avg_rps"] == pytest.approx(avg)
    assert c.numbers["peak_rps"] == pytest.approx(avg * PEAK_FACTOR)
    assert "600,000" in c.text["daily_active"] and "× 20%" in c.text["daily_active"]
    assert f"{fmt(avg)} avg × 3 peak factor" in c.text["peak_rps"]
    assert verify_capacity(c) == []


def test_stated_throughput_wins_when_above_the_derived_peak():
    c = estimate_capacity(Profile(users=100_000, users_kind="daily users", stated_rps=8000, read_ratio=3))
    assert c.numbers["peak_rps"] == 8000
    assert c.numbers["read_rps"] == pytest.approx(6000)
    assert c.numbers["write_rps"] == pytest.approx(2000)
    assert c.text["peak_rps"].startswith("8,000 req/s (stated")


def test_storage_uses_stated_growth_and_retention():
    c = estimate_capacity(Profile(data_gb=500, growth_gb=10, growth_period="day", retention_days=730))
    assert c.numbers["storage_gb"] == pytest.approx(500 + 10 * 365 * 2)
    assert "7,800 GB" in c.text["storage_total"]


def test_availability_target_adds_a_spare_instance():
    with_target = estimate_capacity(Profile(stated_rps=1200, availability=99.9))
    without = estimate_capacity(Profile(stated_rps=1200))
    assert with_target.numbers["instances"] == 4 and without.numbers["instances"] == 3


def test_inconsistent_numbers_are_reported():
    c = estimate_capacity(Profile(stated_rps=1000))
    c.numbers["write_rps"] += 50
    c.numbers["instances"] = 1
    problems = verify_capacity(c)
    assert "reads + writes != peak" in problems
    assert "instances × per-instance capacity < peak" in problems


def test_devices_are_all_active_daily():
    c = estimate_capacity(Profile(users=10_000, users_kind="monthly devices"))
    assert c.numbers["dau"] == 10_000 and c.numbers["per_user"] == 1440


def test_stated_peak_without_users_back_derives_daily_volume():
    c = estimate_capacity(Profile(stated_rps=3000))
    assert c.numbers["peak_rps"] == 3000
    assert c.numbers["derived_peak_rps"] == pytest.approx(3000)
    assert "back-derived" in c.text["daily_active"]
    assert verify_capacity(c) == []
