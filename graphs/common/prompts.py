"""Prompts are data: prompts/<name>.yaml with a version, declared variables and templates."""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from graphs.common.paths import PROMPTS_DIR


class PromptError(ValueError):
    """A prompt file is missing, malformed, or rendered with the wrong variables."""


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    variables: tuple[str, ...]
    system: str
    user: str

    def render(self, **values: object) -> tuple[str, str]:
        """Return (system, user) with every declared variable filled; unknown or missing names fail."""
        given, declared = set(values), set(self.variables)
        if given != declared:
            raise PromptError(
                f"prompt {self.name}: missing {sorted(declared - given)}, unexpected {sorted(given - declared)}"
            )
        text = {k: str(v) for k, v in values.items()}
        return self.system.format_map(text), self.user.format_map(text)


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@lru_cache(maxsize=64)
def load_prompt(name: str, prompts_dir: Path = PROMPTS_DIR) -> Prompt:
    path = prompts_dir / f"{name}.yaml"
    if not path.is_file():
        raise PromptError(f"no prompt named {name!r} in {prompts_dir}")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        prompt = Prompt(
            name=data["name"],
            version=str(data["version"]),
            variables=tuple(data.get("variables", [])),
            system=data["system"],
            user=data["user"],
        )
    except (KeyError, TypeError) as exc:
        raise PromptError(f"prompt {name}: malformed ({exc})") from exc
    used = _fields(prompt.system) | _fields(prompt.user)
    if used != set(prompt.variables):
        raise PromptError(f"prompt {name}: templates use {sorted(used)} but declare {sorted(prompt.variables)}")
    return prompt
