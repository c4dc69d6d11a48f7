"""Synonym vocabulary (evals/vocabulary.yaml) and the whole-phrase matching the metrics share."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import yaml

VOCABULARY_PATH = Path(__file__).with_name("vocabulary.yaml")
_SEPARATORS = re.compile(r"[_\-/.,:;()\[\]]+")
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lowercase, separators to spaces, single spaces: "Read-Replicas" -> "read replicas"."""
    return _SPACES.sub(" ", _SEPARATORS.sub(" ", text.lower())).strip()


@lru_cache(maxsize=1)
def load_vocabulary(path: Path = VOCABULARY_PATH) -> dict[str, dict[str, list[str]]]:
    """The vocabulary sections (components, patterns, styles, kinds): concept -> synonyms."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {section: {normalize(k): [normalize(s) for s in v or []] for k, v in terms.items()}
            for section, terms in data.items()}


def terms_for(concept: str, section: str) -> list[str]:
    """The concept itself plus its synonyms from one vocabulary section."""
    key = normalize(concept)
    synonyms = load_vocabulary().get(section, {}).get(key, [])
    return [key, *synonyms]


def phrase_in(term: str, text: str) -> bool:
    """True when `term` occurs in `text` as whole words (both normalized first); plural "s" tolerated."""
    term, text = normalize(term), normalize(text)
    if not term:
        return False
    return re.search(rf"(?<![a-z0-9]){re.escape(term)}s?(?![a-z0-9])", text) is not None


def matches(concept: str, candidates: Iterable[str], section: str) -> bool:
    """True when the concept or one of its synonyms occurs in any candidate string."""
    texts = [c for c in candidates if c]
    return any(phrase_in(term, text) for term in terms_for(concept, section) for text in texts)
