from helpers import profile_for

from graphs.architecture.styles import choose_style, score_styles


def test_small_team_crud_app_gets_a_modular_monolith():
    p = profile_for("Staff can create and edit customer records and invoices. About 300 users. "
                    "We are a 3-person team.")
    scores = score_styles(p)
    style, runner, complements = choose_style(scores)
    assert style == "style-modular-monolith"
    micro = next(s for s in scores if s.style == "Microservices")
    assert micro.score < scores[0].score - 5
    assert any("over-engineering" in r for r in micro.reasons)


def test_global_read_heavy_high_throughput_service_is_distributed():
    p = profile_for("A global news reading service with 50k requests per second, 98% reads, "
                    "99.99% availability. Readers can browse articles, search and follow topics. "
                    "Team of 60 engineers.")
    style, runner, _ = choose_style(score_styles(p))
    assert style in {"style-microservices", "style-event-driven", "style-service-based"}
    assert style != "style-modular-monolith"


def test_every_point_has_a_reason_and_scores_are_sorted():
    p = profile_for("Users can upload videos. Spiky traffic. Team of 9.")
    scores = score_styles(p)
    assert [s.score for s in scores] == sorted((s.score for s in scores), reverse=True)
    for s in scores:
        assert s.reasons and all(r[0] in "+-" for r in s.reasons)
        assert abs(sum(float(r.split(" ")[0]) for r in s.reasons) - s.score) < 1e-9


def test_stream_processing_complements_device_telemetry():
    p = profile_for("50,000 sensors send telemetry we ingest continuously; operators see alerts in real time.")
    _, _, complements = choose_style(score_styles(p))
    assert "style-stream-processing" in complements


def test_serverless_platform_in_stack_tips_bursty_small_workload():
    p = profile_for("Flash sales cause spiky traffic. Customers buy vouchers. Minimise cost. 3-person team.")
    without = choose_style(score_styles(p))[0]
    with_stack = choose_style(score_styles(p, stack={"serverless"}))[0]
    assert with_stack == "style-serverless"
    assert without in {"style-serverless", "style-modular-monolith"}
