"""Where the repository's data folders live (the package is installed editable from the repo)."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE_DIR = REPO_ROOT / "knowledge"
PROMPTS_DIR = REPO_ROOT / "prompts"
DATASETS_DIR = REPO_ROOT / "datasets"
DEFAULT_DATA_DIR = REPO_ROOT / ".data"
DEFAULT_SEMGREP_BIN = REPO_ROOT / ".venv-semgrep" / "bin" / "semgrep"
