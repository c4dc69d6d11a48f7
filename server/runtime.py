"""Process-wide state of a running server: deps, metrics, compiled graphs and the knowledge warm-up."""

from __future__ import annotations

import logging
import threading
import time
from importlib import metadata
from typing import Any

from graphs.common.deps import Deps
from server.metrics import ToolMetrics

log = logging.getLogger(__name__)

ENGINE_GRAPHS = {
    "orchestrate_task": "graphs.orchestrate.graph",
    "generate_architecture": "graphs.architecture.graph",
    "auto_fix_code": "graphs.auto_fix.graph",
}
KB_WAIT_S = 120.0


def package_version() -> str:
    try:
        return metadata.version("multi-orchestrator-mcp")
    except metadata.PackageNotFoundError:
        return "0.1.0"


class Runtime:
    """Holds what every tool call shares. Knowledge ingestion runs once, in the background, at start."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.metrics = ToolMetrics()
        self.version = package_version()
        self.started = time.monotonic()
        self._graphs: dict[str, Any] = {}
        self._graph_lock = threading.Lock()
        self.kb_ready = threading.Event()
        self.kb_error: str | None = None
        self.ingest_report: Any = None
        self._warm_thread: threading.Thread | None = None

    @property
    def uptime_s(self) -> float:
        return round(time.monotonic() - self.started, 3)

    def start_warmup(self) -> None:
        """Ingest knowledge/ (idempotent) in a daemon thread so the transport answers at once."""
        if self._warm_thread is None:
            self._warm_thread = threading.Thread(target=self.warm_knowledge, name="kb-warmup", daemon=True)
            self._warm_thread.start()

    def warm_knowledge(self) -> None:
        from graphs.common.kb.ingest import ingest_knowledge
        from graphs.common.sandbox import warm_workers

        try:
            warm_workers(2)  # pre-forked sandbox workers: the first repair does not pay their start-up
        except OSError as exc:
            log.warning("sandbox workers not pre-started (started on demand): %s", exc)

        try:
            self.ingest_report = ingest_knowledge(self.deps.kb)
            log.info("knowledge ready: %s", self.ingest_report)
        except Exception as exc:  # noqa: BLE001 - reported through get_system_status, never fatal
            self.kb_error = f"{type(exc).__name__}: {exc}"
            log.error("knowledge ingestion failed: %s", self.kb_error)
        finally:
            self.kb_ready.set()
        try:
            self.recover_tasks()
        except Exception as exc:  # noqa: BLE001 - recovery retries on the next task tool call; never fatal here
            log.error("task recovery at start failed: %s: %s", type(exc).__name__, exc)

    def recover_tasks(self) -> None:
        """Resume tasks a previous process left mid-graph (kill -9, power loss); idempotent."""
        from graphs.orchestrate.coordinator import coordinator_for

        coordinator_for(self.deps).ensure_recovered()

    def wait_knowledge(self) -> None:
        if self._warm_thread is None:
            self.start_warmup()
        self.kb_ready.wait(KB_WAIT_S)

    def module(self, tool: str) -> Any:
        import importlib

        return importlib.import_module(ENGINE_GRAPHS[tool])

    def graph(self, tool: str) -> Any:
        """The compiled graph behind an engine tool, built once per process."""
        with self._graph_lock:
            if tool not in self._graphs:
                self._graphs[tool] = self.module(tool).build_graph(self.deps)
            return self._graphs[tool]
