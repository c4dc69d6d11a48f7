"""Run a compiled graph while forwarding its progress events and honouring a stop request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ProgressFn = Callable[[str, str], None]
StopFn = Callable[[], bool]


class GraphCancelled(RuntimeError):
    """The caller asked the graph to stop; it stopped at the next step boundary."""


def run_graph(
    graph: Any,
    state: dict[str, Any],
    config: dict[str, Any] | None = None,
    *,
    on_event: ProgressFn | None = None,
    should_stop: StopFn | None = None,
) -> dict[str, Any]:
    """Stream `graph` to completion and return its final state.

    `on_event(node, message)` sees each finished node ("updates") and each custom event a node writes with
    `get_stream_writer()({"node": ..., "message": ...})`. `should_stop()` is checked between events.
    """
    final: dict[str, Any] = dict(state)
    stream = graph.stream(state, config, stream_mode=["updates", "custom", "values"])
    try:
        for mode, chunk in stream:
            if should_stop is not None and should_stop():
                raise GraphCancelled("stopped on request")
            if mode == "values":
                final = chunk
            elif on_event is None:
                continue
            elif mode == "custom" and isinstance(chunk, dict):
                on_event(str(chunk.get("node", "")), str(chunk.get("message", "")))
            elif mode == "updates" and isinstance(chunk, dict):
                for node in chunk:
                    if not node.startswith("__"):
                        on_event(node, "done")
    finally:
        stream.close()
    return final
