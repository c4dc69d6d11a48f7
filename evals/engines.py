"""Call the three engines on dataset cases. Engines are imported lazily so the harness loads without them."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import time
from typing import Any

ENGINES = {
    "fixes": ("graphs.auto_fix.graph", "run_auto_fix", "graphs.auto_fix.schema", "AutoFixInput"),
    "architecture": ("graphs.architecture.graph", "run_architecture", "graphs.architecture.schema",
                     "ArchitectureInput"),
    "orchestration": ("graphs.orchestrate.graph", "run_orchestrate", "graphs.orchestrate.schema",
                      "OrchestrateInput"),
}


class EngineUnavailable(ImportError):
    """The engine of a suite cannot be imported yet."""


def engine_module(suite: str) -> str:
    """Dotted module of a suite's engine entry point."""
    return ENGINES[suite][0]


def engine_input(suite: str, case: dict[str, Any]) -> dict[str, Any]:
    """The engine input for a case: only the fields the tool may see (never hidden tests or expectations)."""
    if suite == "fixes":
        return {"code": case["code"], "error_message": case["error_message"], "context": case["context"],
                "tests": case["tests"]}
    if suite == "architecture":
        return {"project_description": case["project_description"], "tech_stack": case["tech_stack"],
                "requirements": case["requirements"]}
    return {"description": case["description"], "requirements": case["requirements"],
            "constraints": case["constraints"], "code": case.get("code", ""), "tests": case.get("tests", "")}


def run_engine(suite: str, deps: Any, case: dict[str, Any]) -> tuple[dict[str, Any], float]:
    """Run a suite's engine on one case; return (output as a JSON-able dict, latency in ms)."""
    module_name, fn_name, schema_module, input_name = ENGINES[suite]
    try:
        run = getattr(importlib.import_module(module_name), fn_name)
        input_model = getattr(importlib.import_module(schema_module), input_name)
    except (ImportError, AttributeError) as exc:
        raise EngineUnavailable(f"{module_name}.{fn_name} is not available: {exc}") from exc
    payload = input_model(**engine_input(suite, case))
    start = time.perf_counter()
    result = run(deps, payload)
    if inspect.isawaitable(result):
        result = asyncio.run(result)
    latency_ms = (time.perf_counter() - start) * 1000
    return result.model_dump(mode="json"), latency_ms
