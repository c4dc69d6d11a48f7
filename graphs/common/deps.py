"""Shared resources handed to every graph factory: settings, LLM, knowledge base, checkpointer, task store.

Heavy resources (Chroma, the embedding model, SQLite files) are created on first use, never at import.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graphs.common.config import Settings
from graphs.common.llm import load_chat_model

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langgraph.checkpoint.base import BaseCheckpointSaver

    from graphs.common.kb.store import KnowledgeBase
    from graphs.common.tasks import TaskStore


@dataclass
class Deps:
    settings: Settings
    llm: BaseChatModel | None = None
    _kb: KnowledgeBase | None = None
    _checkpointer: BaseCheckpointSaver | None = None
    _tasks: TaskStore | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def kb(self) -> KnowledgeBase:
        with self._lock:
            if self._kb is None:
                from graphs.common.kb.store import KnowledgeBase

                self._kb = KnowledgeBase(self.settings)
            return self._kb

    @property
    def kb_loaded(self) -> bool:
        return self._kb is not None

    @property
    def checkpointer(self) -> BaseCheckpointSaver:
        with self._lock:
            if self._checkpointer is None:
                from langgraph.checkpoint.sqlite import SqliteSaver

                self.settings.data_dir.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.settings.data_dir / "checkpoints.sqlite", check_same_thread=False)
                self._checkpointer = SqliteSaver(conn)
            return self._checkpointer

    @property
    def tasks(self) -> TaskStore:
        with self._lock:
            if self._tasks is None:
                from graphs.common.tasks import TaskStore

                self.settings.data_dir.mkdir(parents=True, exist_ok=True)
                self._tasks = TaskStore(self.settings.data_dir / "tasks.sqlite")
            return self._tasks


    def close(self) -> None:
        """Release files and connections (tests and short-lived CLI runs; a server keeps its Deps for life)."""
        with self._lock:
            kb, checkpointer, tasks = self._kb, self._checkpointer, self._tasks
            self._kb = self._checkpointer = self._tasks = None
        # Test doubles and foreign stores may lack close(): release what can be released.
        for resource in (kb, tasks, getattr(checkpointer, "conn", None)):
            close = getattr(resource, "close", None)
            if callable(close):
                close()


def build_deps(settings: Settings | None = None, *, llm: BaseChatModel | None = None, **overrides: object) -> Deps:
    """Deps from settings; an explicit `llm` (e.g. a scripted fake in tests) wins over the config string."""
    settings = settings or Settings.from_env()
    model = llm if llm is not None else load_chat_model(settings.llm, settings.llm_base_url)
    return Deps(settings=settings, llm=model, **{f"_{k}": v for k, v in overrides.items()})
