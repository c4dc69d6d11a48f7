"""Shared fixtures: every test gets its own data dir and the no-model hash embedding unless it asks otherwise."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("DEEPEVAL_TELEMETRY_OPT_OUT", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def settings(tmp_path: Path):
    from graphs.common.config import Settings

    return Settings(data_dir=tmp_path / "data", embedding="hash")


@pytest.fixture
def deps(settings):
    from graphs.common.deps import build_deps

    built = build_deps(settings)
    yield built
    built.close()


def server_env(data_dir: Path, embedding: str = "hash") -> dict[str, str]:
    """Environment for a spawned server: only what it needs, nothing secret."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "MO_DATA_DIR": str(data_dir),
        "MO_EMBEDDING": embedding,
        "MO_LOG_LEVEL": "WARNING",
        "DEEPEVAL_TELEMETRY_OPT_OUT": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "PYTHONPATH": str(REPO),
    }


def server_command() -> list[str]:
    return [sys.executable, "-m", "server", "serve"]
