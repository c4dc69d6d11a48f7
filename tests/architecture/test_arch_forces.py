"""Forces → tactics: every signal fires on our own examples and stays silent on a near miss."""

from __future__ import annotations

import pytest

from graphs.architecture.capacity import estimate_capacity
from graphs.architecture.design import build_design
from graphs.architecture.extract import extract_requirements
from graphs.architecture.features import detect_features
from graphs.architecture.forces import Cue, Signal, apply_feature_forces, assess_forces
from graphs.architecture.profile import build_profile
from tests.architecture.helpers import profile_for

# (signal key, description, requirements, stack) that must reach the threshold.
POSITIVE = [
    ("audit_log", "Payroll service for a mid-size employer.", ["Salary postings must satisfy SOX controls"], []),
    ("audit_log", "Lab sample tracking for a biobank.", ["Custody of each sample is recorded with chain of custody"],
     []),
    ("audit_log", "Grant approval tool for a research foundation.", ["Awards above 50k need a second approver"], []),
    ("publish_subscribe", "Course catalogue for a university.",
     ["Timetable changes reach the student portal and the room-booking system within 5 minutes"], []),
    ("publish_subscribe", "Claims intake for a pet insurer.",
     ["The underwriting engine is owned by another team and notified asynchronously"], []),
    ("load_leveling", "Tax-refund calculator for an accountancy chain.",
     ["Clients upload receipts all at once before the deadline", "The scoring vendor API is rate-limited"], []),
    ("load_leveling", "Survey platform for schools.", ["Closing a survey generates 200,000 report PDFs"], []),
    ("cqrs", "Fleet maintenance hub for 40 bus depots with a platform team of 20.",
     ["One consolidated view of parts stock across all depots", "Full-text search over work orders",
      "Parts movements stream in at 2,000 updates per second"], []),
    ("multi_region", "Payments status API for a fintech with a platform team of 30.",
     ["The API keeps serving if one region goes down"], []),
    ("multi_region", "Health-records exchange across 6 EU countries.",
     ["Patient data stays in the country of treatment"], []),
    ("serverless", "Newsletter archive for a choir.", ["Must run with zero hosting cost", "A digest is built once a week"],
     []),
    ("stream_processing", "Wind-farm monitoring: 900 turbines stream vibration readings.",
     ["Operators alerted within 2 minutes of an anomaly in the vibration trend"], []),
    ("mobile_client", "Field inspection tool.", ["Inspectors fill in checklists on tablets"], []),
    ("mobile_client", "Event ticketing.", ["Guests show their ticket in the app at the door"], []),
    ("dependency_failure", "Parcel locker network.", ["The locker vendor's API is slow at peak hours"], []),
    ("duplicate_effects", "Prize draw engine.", ["A winner must never be paid twice"], []),
    ("legacy_migration", "Library loans rewrite.", ["The 30-year-old circulation system will be replaced gradually"],
     []),
]

# Near misses: the words are close, the force is absent.
NEGATIVE = [
    ("audit_log", "Recipe sharing site for home cooks.", ["Users can edit their own recipes"], []),
    ("publish_subscribe", "Team of 3 building a bakery order form.", ["Orders appear on the admin page"], []),
    ("load_leveling", "Conference room booking for one office.", ["Booking confirmation is shown immediately"], []),
    ("load_leveling", "Grant reporting portal.", ["Statutory deadline of 30 days tracked per application"], []),
    ("cqrs", "Team of 3 building a club membership app.", ["Members search the event list"], []),
    ("multi_region", "Clinic booking for a Dutch hospital.", ["Data stays in the EU", "99.9% availability"], []),
    ("serverless", "Team of 4 running a collaborative whiteboard.",
     ["Live cursors over websockets", "Hosting must cost under $50 per month"], []),
    ("stream_processing", "HR leave requests for 200 staff.", ["Managers approve leave within 2 days"], []),
    ("mobile_client", "Internal reporting portal.", ["Finance staff use the web app on desktop"], []),
    ("dependency_failure", "Static marketing site.", ["Pages must load fast on slow networks"], []),
    ("duplicate_effects", "Photo gallery for a family.", ["Albums can be shared with relatives"], []),
    ("legacy_migration", "New podcast app.", ["Listeners can replace their avatar"], []),
]


@pytest.mark.parametrize(("key", "description", "requirements", "stack"), POSITIVE)
def test_signal_fires_on_its_forces(key: str, description: str, requirements: list[str], stack: list[str]) -> None:
    force = profile_for(description, requirements, stack).forces[key]
    assert force.met, force
    assert force.forces and all(f[0] in "+-" for f in force.forces)


@pytest.mark.parametrize(("key", "description", "requirements", "stack"), NEGATIVE)
def test_signal_stays_silent_without_its_forces(key: str, description: str, requirements: list[str],
                                                stack: list[str]) -> None:
    assert not profile_for(description, requirements, stack).forces[key].met


def test_fired_cues_cite_the_requirement_ids_that_drive_them() -> None:
    p = profile_for("Expense approvals for a logistics firm.", ["Every refund is recorded for the auditors"])
    force = p.forces["audit_log"]
    assert force.met and force.ids and all(i.startswith(("FR-", "QA-", "C-")) for i in force.ids)


def test_a_given_stack_counts_as_a_force() -> None:
    p = profile_for("Club newsletter signup.", ["About 40 sign-ups a month"], ["firebase"])
    assert any("firebase" in f for f in p.forces["serverless"].forces)


def test_negative_cues_lower_the_score_for_small_teams() -> None:
    base = ["Scores update on the leaderboard within 10 seconds", "Partners consume the results feed"]
    big = profile_for("Esports results platform built by a team of 25.", base).forces["publish_subscribe"]
    small = profile_for("Esports results side project by a team of 2.", base).forces["publish_subscribe"]
    assert small.score < big.score


def test_custom_signal_table_is_evaluated_as_data() -> None:
    reqs = extract_requirements("Kiosk app.", ["Screens refresh hourly"])
    p = build_profile(reqs, detect_features(reqs, "Kiosk app."))
    signal = Signal("refresh", 1.0, (Cue("periodic refresh", 1, text=r"\bhourly\b"),))
    assert assess_forces(reqs, ["Kiosk app."], p, [], (signal,))["refresh"].met


def test_mobile_and_legacy_forces_become_features() -> None:
    p = profile_for("Bus timetable.", ["Riders check departures on their phones... on iOS and Android",
                                       "The mainframe scheduler is replaced step by step"])
    apply_feature_forces(p)
    assert p.has("mobile") and p.has("legacy")


def _design(description: str, requirements: list[str], stack: list[str] | None = None):
    reqs = extract_requirements(description, requirements)
    p = build_profile(reqs, detect_features(reqs, description))
    cap = estimate_capacity(p)
    p.peak_rps = cap.numbers["peak_rps"]
    p.forces = assess_forces(reqs, [description, *requirements], p, stack or [])
    apply_feature_forces(p)
    return build_design(p, reqs, cap, {}, stack or []).output


def test_force_driven_tactics_carry_their_forces_into_patterns_and_adrs() -> None:
    out = _design("Pharmacy dispensing records for a chain of 60 stores with an engineering team of 12.",
                  ["Every dispensing change is recorded with who changed it", "HIPAA applies"])
    audit = next(p for p in out.patterns if p.pattern_id == "tactic-audit-log")
    assert "forces:" in audit.reason and audit.serves
    adr = next(a for a in out.adrs if "audit" in a.title.lower())
    assert adr.drivers and "Forces:" in adr.context


def test_small_team_small_scale_stays_a_modular_monolith_without_force_tactics() -> None:
    out = _design("A 2-person team builds a booking page for a yoga studio with 150 members.",
                  ["Members book classes", "Teachers see the attendance list"])
    assert out.style.startswith("Modular monolith")
    ids = {p.pattern_id for p in out.patterns}
    assert not ids & {"tactic-cqrs", "tactic-publish-subscribe", "tactic-multi-region-active-active",
                      "tactic-queue-based-load-leveling", "tactic-audit-log"}


def test_zero_cost_sporadic_work_prefers_serverless() -> None:
    out = _design("Allotment society rota reminders for 80 gardeners.",
                  ["Must run for free", "One scheduled job per week sends the rota"])
    assert out.style.startswith("Serverless")


def test_continuous_detection_over_an_event_stream_adds_a_stream_processor() -> None:
    out = _design("Cold-chain monitoring: 5,000 fridge sensors send readings every minute.",
                  ["Alert within 3 minutes of a temperature anomaly"], ["kafka"])
    assert any("Stream" in c.name for c in out.components)


def test_mobile_users_get_a_mobile_client_even_with_a_web_stack() -> None:
    out = _design("Parking permits for a town.", ["Residents renew permits on their smartphones"], ["react"])
    clients = next(c for c in out.components if c.kind == "client")
    assert "mobile" in clients.technology.lower()
