"""Typed runtime configuration. Read once from the environment; nodes never read os.environ."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from graphs.common.paths import DEFAULT_DATA_DIR, DEFAULT_SEMGREP_BIN


def _float(env: Mapping[str, str], key: str, default: float) -> float:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"{key}={raw!r} is not a number") from exc


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with offline defaults.

    Environment variables (all optional):
      MO_DATA_DIR        data folder for Chroma, SQLite checkpoints and the task store (default: <repo>/.data)
      MO_LLM             LLM spec: "offline" (default), "openai:MODEL", "anthropic:MODEL", "ollama:MODEL"
      MO_LLM_BASE_URL    base URL for an OpenAI-compatible or Ollama endpoint
      MO_CHROMA_URL      use a Chroma server (http://host:port) instead of the embedded store
      MO_EMBEDDING       "minilm" (default, int8 ONNX, offline) or "hash" (no model; tests)
      MO_SEMGREP_BIN     path of the semgrep binary (default: <repo>/.venv-semgrep/bin/semgrep)
      MO_FIX_BUDGET_S    auto-fix time budget in seconds (default 5)
      MO_FIX_PATIENCE    auto-fix gives up after testing this many candidates when none improved on the
                         original (default 32; any progress keeps the search going up to the budget)
      MO_SANDBOX_TIMEOUT_S / MO_SANDBOX_MEMORY_MB   limits for one sandboxed run (default 3 s, 512 MB)
    """

    data_dir: Path = DEFAULT_DATA_DIR
    llm: str = "offline"
    llm_base_url: str | None = None
    chroma_url: str | None = None
    embedding: str = "minilm"
    semgrep_bin: Path = DEFAULT_SEMGREP_BIN
    fix_budget_s: float = 5.0
    fix_patience: int = 32
    sandbox_timeout_s: float = 3.0
    sandbox_memory_mb: int = 512

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        embedding = env.get("MO_EMBEDDING", "minilm")
        if embedding not in {"minilm", "hash"}:
            raise ValueError(f"MO_EMBEDDING={embedding!r}: use 'minilm' or 'hash'")
        return cls(
            data_dir=Path(env.get("MO_DATA_DIR") or DEFAULT_DATA_DIR),
            llm=env.get("MO_LLM") or "offline",
            llm_base_url=env.get("MO_LLM_BASE_URL") or None,
            chroma_url=env.get("MO_CHROMA_URL") or None,
            embedding=embedding,
            semgrep_bin=Path(env.get("MO_SEMGREP_BIN") or DEFAULT_SEMGREP_BIN),
            fix_budget_s=_float(env, "MO_FIX_BUDGET_S", 5.0),
            fix_patience=int(_float(env, "MO_FIX_PATIENCE", 32)),
            sandbox_timeout_s=_float(env, "MO_SANDBOX_TIMEOUT_S", 3.0),
            sandbox_memory_mb=int(_float(env, "MO_SANDBOX_MEMORY_MB", 512)),
        )

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)
