"""A pure-numpy fp32 BERT forward pass over all-MiniLM-L6-v2's safetensors: the oracle for the int8 ONNX model.

Slow (~0.1-0.4 s per sentence) and exact; used only by tests. Reads the safetensors file itself
(8-byte little-endian header length, JSON header, raw little-endian tensors), so it needs no extra package.
"""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path

import numpy as np

_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}


def load_safetensors(path: Path) -> dict[str, np.ndarray]:
    """All tensors of a safetensors file as numpy arrays."""
    raw = path.read_bytes()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + header_len])
    base = 8 + header_len
    tensors: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = np.dtype(_DTYPES[info["dtype"]]).newbyteorder("<")
        tensors[name] = np.frombuffer(raw[base + start:base + end], dtype=dtype).reshape(info["shape"])
    return tensors


_erf = np.vectorize(math.erf, otypes=[np.float64])


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _linear(x: np.ndarray, w: dict[str, np.ndarray], prefix: str) -> np.ndarray:
    return x @ w[prefix + ".weight"].T.astype(np.float64) + w[prefix + ".bias"]


class ReferenceMiniLM:
    """all-MiniLM-L6-v2 sentence embeddings computed in float64 numpy, one sentence at a time."""

    def __init__(self, model_dir: Path, heads: int = 12, max_tokens: int = 256) -> None:
        from tokenizers import Tokenizer

        self.w = load_safetensors(model_dir / "model.safetensors")
        config = json.loads((model_dir / "config.json").read_text())
        self.layers = int(config["num_hidden_layers"])
        self.heads = heads
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=max_tokens)

    def _encoder_layer(self, x: np.ndarray, i: int) -> np.ndarray:
        w, p = self.w, f"encoder.layer.{i}"
        seq, hidden = x.shape
        dh = hidden // self.heads

        def split(t: np.ndarray) -> np.ndarray:
            return t.reshape(seq, self.heads, dh).transpose(1, 0, 2)

        q = split(_linear(x, w, f"{p}.attention.self.query"))
        k = split(_linear(x, w, f"{p}.attention.self.key"))
        v = split(_linear(x, w, f"{p}.attention.self.value"))
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(dh)
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        probs = scores / scores.sum(axis=-1, keepdims=True)
        context = (probs @ v).transpose(1, 0, 2).reshape(seq, hidden)
        attn = _linear(context, w, f"{p}.attention.output.dense")
        x = _layer_norm(attn + x, w[f"{p}.attention.output.LayerNorm.weight"],
                        w[f"{p}.attention.output.LayerNorm.bias"])
        inter = _gelu(_linear(x, w, f"{p}.intermediate.dense"))
        out = _linear(inter, w, f"{p}.output.dense")
        return _layer_norm(out + x, w[f"{p}.output.LayerNorm.weight"], w[f"{p}.output.LayerNorm.bias"])

    def embed(self, text: str) -> np.ndarray:
        """Mean-pooled, L2-normalised sentence embedding (no padding, so every token counts)."""
        ids = np.array(self.tokenizer.encode(text).ids)
        w = self.w
        x = (w["embeddings.word_embeddings.weight"][ids].astype(np.float64)
             + w["embeddings.position_embeddings.weight"][: len(ids)]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        for i in range(self.layers):
            x = self._encoder_layer(x, i)
        pooled = x.mean(axis=0)
        return pooled / np.linalg.norm(pooled)
