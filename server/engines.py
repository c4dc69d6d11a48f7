"""Run an engine graph from an async tool: in a worker thread, with MCP progress and cancellation."""

from __future__ import annotations

import logging
import threading
from typing import Any

import anyio
import anyio.from_thread
import anyio.to_thread
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError

from graphs.common.runner import GraphCancelled
from server.runtime import Runtime

log = logging.getLogger(__name__)

# Two cores: at most this many engine runs at once; further calls queue.
ENGINE_SLOTS = anyio.CapacityLimiter(4)


class EngineInputError(ValueError):
    """An engine rejected its input for a reason the caller can fix (raised by graphs, shown as ToolError)."""


async def run_engine(ctx: Context | None, runtime: Runtime, tool: str, inp: Any) -> Any:
    """Call `graphs.<engine>.graph.run(deps, inp, on_event=…, should_stop=…)` without blocking the event loop."""
    stop = threading.Event()
    step = 0

    def on_event(node: str, message: str) -> None:
        nonlocal step
        step += 1
        if ctx is None:
            return
        text = f"{node}: {message}" if message else node
        try:
            anyio.from_thread.run(ctx.report_progress, float(step), None, text)
        except Exception as exc:  # noqa: BLE001 - a lost progress note must never fail the tool
            log.debug("progress not delivered: %s", exc)

    def work() -> Any:
        runtime.wait_knowledge()
        return runtime.module(tool).run(runtime.deps, inp, on_event=on_event, should_stop=stop.is_set)

    try:
        async with ENGINE_SLOTS:
            return await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
    except anyio.get_cancelled_exc_class():
        stop.set()
        log.info("%s cancelled by the client; the graph stops at its next step", tool)
        raise
    except GraphCancelled as exc:
        raise ToolError(f"{tool} was cancelled") from exc
    except (EngineInputError, ValueError) as exc:
        raise ToolError(f"{tool}: {exc}") from exc
    except ToolError:
        raise
    except Exception as exc:
        log.exception("%s failed", tool)
        raise ToolError(
            f"{tool} failed inside the engine ({type(exc).__name__}: {exc}). The server is still running; "
            "retry, or simplify the input, and report this if it persists."
        ) from exc
