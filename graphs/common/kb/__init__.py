"""Knowledge store: hybrid (dense Chroma + SQLite FTS5 BM25) retrieval over curated and learned knowledge.

Import the submodules directly (`graphs.common.kb.store`, `.fixes`, `.ingest`); nothing heavy loads at import.
"""
