from graphs.architecture.extract import extract_requirements, parse_number, split_sentences
from graphs.architecture.features import detect_features


def _by_attr(reqs):
    return {r.attribute: r for r in reqs if r.attribute}


def test_numbers_with_scales_and_separators_parse():
    assert parse_number("1,500") == 1500
    assert parse_number("2.5", "million") == 2_500_000
    assert parse_number("5", "k") == 5000


def test_quality_attributes_carry_values_and_units():
    text = ("Our marketplace serves 10 million monthly users with 99.95% availability. p99 latency under 0.3 s. "
            "Expect 5k rps at peak, 90% reads. We hold 2 TB and add 40 GB per day; keep orders for 7 years.")
    q = _by_attr(extract_requirements(text, []))
    assert (q["users"].value, q["users"].unit) == (10_000_000, "monthly users")
    assert q["availability"].value == 99.95
    assert (q["latency"].value, q["latency"].unit) == (300, "ms p99")
    assert (q["throughput"].value, q["throughput"].unit) == (5000, "req/s")
    assert q["read_write_ratio"].value == 9.0
    assert (q["data_size"].value, q["data_growth"].value, q["data_growth"].unit) == (2000, 40, "GB/day")
    assert q["retention"].value == 7 * 365


def test_rates_per_minute_are_converted_to_per_second():
    q = _by_attr(extract_requirements("The API must handle 120,000 requests per minute.", []))
    assert q["throughput"].value == 2000


def test_constraints_and_compliance_are_separated_from_functional_requirements():
    reqs = extract_requirements(
        "Patients can book appointments. HIPAA and GDPR apply. Team of 4 developers, launch in 3 months.",
        ["Budget $3k per month", "Doctors can view their schedule"],
    )
    kinds = {(r.kind, r.attribute, r.unit) for r in reqs}
    assert ("quality", "compliance", "HIPAA") in kinds and ("quality", "compliance", "GDPR") in kinds
    assert ("constraint", "team_size", "people") in kinds
    assert ("constraint", "cost", "USD/month") in kinds
    functional = [r for r in reqs if r.kind == "functional"]
    assert [r.id for r in functional] == ["FR-1", "FR-2"]
    assert "book appointments" in functional[0].text and "schedule" in functional[1].text
    assert next(r for r in reqs if r.attribute == "time_to_market").value == 12.9


def test_ids_are_sequential_per_kind():
    reqs = extract_requirements("Users can post reviews. 99.9% uptime. Users can rate sellers. p95 of 150 ms.", [])
    assert [r.id for r in reqs] == ["FR-1", "QA-1", "FR-2", "QA-2"]


def test_flags_are_detected_without_numbers():
    q = _by_attr(extract_requirements(
        "Drivers share live location. The field app works offline. Customers worldwide. Transfers need ACID.", []))
    assert {"real_time", "offline", "global", "consistency"} <= set(q)


def test_features_map_to_the_functional_requirements_that_mention_them():
    reqs = extract_requirements("Users can upload receipts. Admins can search invoices by customer.", [])
    features = detect_features(reqs, "")
    assert features["file_storage"] == ["FR-1"]
    assert features["search"] == ["FR-2"]
    assert features["payments"] == ["FR-2"]


def test_sentences_split_on_bullets_and_punctuation():
    assert split_sentences("First one. Second one!\n- third item\n2) fourth item") == [
        "First one.", "Second one!", "third item", "fourth item"]


def test_monthly_volumes_devices_and_new_attributes_are_extracted():
    reqs = extract_requirements(
        "A water utility collects data from 40,000 smart meters. Billing produces 3 million invoices per month. "
        "Regulators audit every tariff change. Personal data must be pseudonymised. Each council is a tenant.", [])
    by_attr = {r.attribute: r for r in reqs if r.attribute}
    assert by_attr["users"].unit == "monthly devices" and by_attr["users"].value == 40_000
    assert abs(by_attr["throughput"].value - 3e6 / 2_592_000) < 1e-3 and by_attr["throughput"].unit == "req/s"
    assert {"auditability", "privacy", "tenancy"} <= set(by_attr)
