"""Optional LLM-judge metrics (deepeval GEval), active only when MO_JUDGE_LLM names a chat model.

Without a judge the metric reports `skipped` (score None), never passed. The judge is loaded through the
project's one LLM seam, `graphs.common.llm.load_chat_model`.
"""

from __future__ import annotations

import os
from typing import Any

from deepeval.metrics import BaseMetric
from deepeval.models import DeepEvalBaseLLM
from deepeval.test_case import LLMTestCase, SingleTurnParams

CRITERIA = {
    "fixes": "Does the fix in the actual output repair the defect described in the input without changing "
             "unrelated behaviour, and is its explanation accurate?",
    "architecture": "Is the architecture in the actual output appropriate for the project in the input: "
                    "justified style, components that serve the requirements, realistic security and scaling?",
    "orchestration": "Is the plan in the actual output a sensible decomposition of the task in the input, with "
                     "correct ordering, appropriate roles and checkable acceptance criteria?",
}


class ChatModelJudge(DeepEvalBaseLLM):
    """Adapts a LangChain chat model to deepeval's judge interface."""

    def __init__(self, chat_model: Any, name: str) -> None:
        self.chat_model = chat_model
        self.name = name
        super().__init__(model=name)

    def load_model(self, *args: Any, **kwargs: Any) -> Any:
        return self.chat_model

    def generate(self, prompt: str, *args: Any, **kwargs: Any) -> str:
        answer = self.chat_model.invoke(prompt)
        return answer.content if isinstance(answer.content, str) else str(answer.content)

    async def a_generate(self, prompt: str, *args: Any, **kwargs: Any) -> str:
        answer = await self.chat_model.ainvoke(prompt)
        return answer.content if isinstance(answer.content, str) else str(answer.content)

    def get_model_name(self, *args: Any, **kwargs: Any) -> str:
        return self.name


class JudgeQuality(BaseMetric):
    """GEval quality judgement for one suite; skipped when no judge model is configured."""

    def __init__(self, suite: str, judge_spec: str | None = None, threshold: float = 0.5) -> None:
        self.suite = suite
        self.threshold = threshold
        self.judge_spec = judge_spec if judge_spec is not None else os.environ.get("MO_JUDGE_LLM", "")
        self.async_mode = False
        self.include_reason = True

    def measure(self, test_case: LLMTestCase, *args: Any, **kwargs: Any) -> float | None:
        if not self.judge_spec or self.judge_spec == "offline":
            self.score, self.success, self.skipped = None, None, True
            self.reason = "skipped: no judge model (set MO_JUDGE_LLM=provider:model)"
            return None
        from deepeval.metrics import GEval

        from graphs.common.llm import load_chat_model

        judge = ChatModelJudge(load_chat_model(self.judge_spec), self.judge_spec)
        geval = GEval(name=f"{self.suite}_quality", criteria=CRITERIA[self.suite], model=judge,
                      evaluation_params=[SingleTurnParams.INPUT, SingleTurnParams.ACTUAL_OUTPUT],
                      threshold=self.threshold, async_mode=False)
        geval.measure(test_case)
        self.score, self.reason, self.skipped = geval.score, geval.reason, False
        self.success = geval.is_successful()
        return self.score

    async def a_measure(self, test_case: LLMTestCase, *args: Any, **kwargs: Any) -> float | None:
        return self.measure(test_case)

    def is_successful(self) -> bool:
        return bool(self.success)

    @property
    def __name__(self) -> str:
        return "judge_quality"
