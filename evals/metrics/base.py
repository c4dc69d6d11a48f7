"""The bridge between pure scoring functions and deepeval: one `BaseMetric` subclass per metric.

A scoring function takes (output, case, context) and returns a `Score`; `score=None` means "not applicable /
skipped" (e.g. no judge model, no static analyser) and is never counted as passed. The engine output travels in
`LLMTestCase.actual_output` (JSON) and the case plus run context in `LLMTestCase.metadata`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from deepeval.metrics import BaseMetric
from deepeval.test_case import LLMTestCase


@dataclass(frozen=True)
class Score:
    """A metric value in [0, 1] (None = skipped) and a human-readable reason."""

    value: float | None
    reason: str


@dataclass
class RunContext:
    """What a scoring function may need beyond the output and the case."""

    latency_ms: float = 0.0
    settings: Any = None
    cache: dict[str, Any] = field(default_factory=dict)


ScoreFn = Callable[[dict[str, Any], dict[str, Any], RunContext], Score]


def make_test_case(case: dict[str, Any], output: dict[str, Any], context: RunContext) -> LLMTestCase:
    """An LLMTestCase carrying the JSON output and, in metadata, the case and run context."""
    prompt = case.get("project_description") or case.get("description") or case.get("error_message") or case["id"]
    return LLMTestCase(input=str(prompt)[:2000], actual_output=json.dumps(output, default=str),
                       metadata={"case": case, "context": context}, completion_time=context.latency_ms / 1000)


class DeterministicMetric(BaseMetric):
    """A deepeval metric computed by a pure function; subclasses set `metric_name`, `score_fn`, default threshold."""

    metric_name = "deterministic"
    default_threshold = 1.0
    score_fn: ScoreFn

    def __init__(self, threshold: float | None = None) -> None:
        self.threshold = self.default_threshold if threshold is None else threshold
        self.include_reason = True
        self.async_mode = False
        self.strict_mode = False

    def measure(self, test_case: LLMTestCase, *args: Any, **kwargs: Any) -> float | None:
        meta = test_case.metadata or {}
        output = json.loads(test_case.actual_output or "{}")
        result = type(self).score_fn(output, meta["case"], meta.get("context") or RunContext())
        self.score, self.reason = result.value, result.reason
        self.skipped = result.value is None
        self.success = None if self.skipped else result.value >= self.threshold
        return self.score

    async def a_measure(self, test_case: LLMTestCase, *args: Any, **kwargs: Any) -> float | None:
        return self.measure(test_case, *args, **kwargs)

    def is_successful(self) -> bool:
        return bool(self.success)

    @property
    def __name__(self) -> str:  # deepeval reads the metric's display name from here
        return self.metric_name


def metric_class(name: str, fn: ScoreFn, threshold: float, doc: str) -> type[DeterministicMetric]:
    """A named DeterministicMetric subclass for one scoring function."""
    return type(
        "".join(part.title() for part in name.split("_")) + "Metric",
        (DeterministicMetric,),
        {"metric_name": name, "score_fn": staticmethod(fn), "default_threshold": threshold, "__doc__": doc},
    )
