"""Settings from the environment, the graph runner (events, stop), and latency percentiles."""

from __future__ import annotations

from pathlib import Path
from typing import TypedDict

import pytest
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph

from graphs.common.config import Settings
from graphs.common.runner import GraphCancelled, run_graph
from server.metrics import ToolMetrics, percentile


def test_settings_defaults_are_offline():
    s = Settings.from_env({})
    assert s.llm == "offline" and s.embedding == "minilm" and s.chroma_url is None and s.fix_budget_s == 5.0
    assert s.fix_patience == 32


def test_settings_read_every_variable():
    s = Settings.from_env({"MO_DATA_DIR": "/x", "MO_LLM": "openai:m", "MO_CHROMA_URL": "http://h:1",
                           "MO_EMBEDDING": "hash", "MO_FIX_BUDGET_S": "2.5", "MO_SANDBOX_MEMORY_MB": "256",
                           "MO_FIX_PATIENCE": "12"})
    assert s.data_dir == Path("/x") and s.llm == "openai:m" and s.chroma_url == "http://h:1"
    assert s.embedding == "hash" and s.fix_budget_s == 2.5 and s.sandbox_memory_mb == 256
    assert s.fix_patience == 12


@pytest.mark.parametrize(("key", "value"), [("MO_EMBEDDING", "bert"), ("MO_FIX_BUDGET_S", "soon")])
def test_bad_settings_name_the_variable(key, value):
    with pytest.raises(ValueError, match=key):
        Settings.from_env({key: value})


class S(TypedDict, total=False):
    n: int


def _graph():
    def first(state: S) -> S:
        get_stream_writer()({"node": "first", "message": "working"})
        return {"n": state["n"] + 1}

    def second(state: S) -> S:
        return {"n": state["n"] * 10}

    g = StateGraph(S)
    g.add_node("first", first)
    g.add_node("second", second)
    g.add_edge(START, "first")
    g.add_edge("first", "second")
    g.add_edge("second", END)
    return g.compile()


def test_run_graph_returns_final_state_and_forwards_events():
    events: list[tuple[str, str]] = []
    final = run_graph(_graph(), {"n": 1}, on_event=lambda n, m: events.append((n, m)))
    assert final["n"] == 20
    assert events == [("first", "working"), ("first", "done"), ("second", "done")]


def test_run_graph_stops_when_asked():
    calls = {"n": 0}

    def stop() -> bool:
        calls["n"] += 1
        return calls["n"] > 1

    with pytest.raises(GraphCancelled):
        run_graph(_graph(), {"n": 1}, should_stop=stop)


def test_percentile_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile([], 50) == 0.0
    assert percentile([7.0], 99) == 7.0


def test_metrics_count_calls_and_errors():
    m = ToolMetrics()
    m.record("a", 10.0, True)
    m.record("a", 30.0, False)
    snap = m.snapshot()["a"]
    assert snap["calls"] == 2 and snap["errors"] == 1 and snap["p50_ms"] == 10.0 and snap["p95_ms"] == 30.0
