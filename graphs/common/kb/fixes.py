"""Learned and curated fixes in the "fixes" collection: the "learn" step of auto-fix and its review loop.

A learned fix starts as status "candidate"; a reviewer promotes or rejects it. Curated fixes (ingested from
`knowledge/fixes/*.yaml`) carry status "curated". Retrieval never returns rejected fixes and prefers promoted and
curated ones over candidates.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from graphs.common.kb.store import KBDoc, KBHit, KnowledgeBase, MetaValue

COLLECTION = "fixes"
STATUS_WEIGHT = {"promoted": 1.0, "curated": 1.0, "candidate": 0.6}
MAX_CODE_CHARS = 20_000
MAX_FEEDBACK_NOTES = 20

# Quoted names that carry meaning across code bases (type names in TypeError/AttributeError messages).
_KEEP_QUOTED = frozenset({
    "int", "str", "float", "complex", "bool", "bytes", "bytearray", "list", "dict", "tuple", "set", "frozenset",
    "NoneType", "function", "method", "builtin_function_or_method", "module", "type", "object", "generator",
    "range", "slice", "coroutine",
})
_QUOTED = re.compile(r"""(['"])(.*?)\1""")
_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\w.-]*/)+[\w.-]+")
_HEX = re.compile(r"\b0x[0-9a-fA-F]+\b")
_NUMBER = re.compile(r"(?<![\w<])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?\b")
_SPACE = re.compile(r"\s+")


class UnknownFixError(KeyError):
    """No fix with this id in the knowledge base."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown fix"


@dataclass(frozen=True)
class PastFix:
    """A stored fix as a consumer sees it; `score` is the retrieval score (0 when listed, not searched)."""

    id: str
    title: str
    error_class: str
    before: str
    after: str
    status: str
    score: float


def _last_message_line(message: str) -> str:
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def error_signature(error_class: str, exception_type: str | None, message: str) -> str:
    """A code-independent key for a kind of failure: `class|exception|normalised message`.

    From the message (last line of a traceback) it drops a leading `ExceptionType:` prefix and replaces quoted
    identifiers with `<id>` (type names such as 'int' or 'NoneType' stay), file paths with `<path>`, hex
    addresses with `<addr>` and numbers with `<num>`, then lower-cases and collapses whitespace.
    """
    text = _last_message_line(message)
    if exception_type and text.startswith(exception_type + ":"):
        text = text[len(exception_type) + 1:]
    elif re.match(r"^[A-Z]\w*(Error|Exception|Warning|Exit|Interrupt):", text):
        text = text.split(":", 1)[1]

    def quoted(match: re.Match[str]) -> str:
        inner = match.group(2)
        return f"'{inner}'" if inner in _KEEP_QUOTED else "<id>"

    text = _QUOTED.sub(quoted, text)
    text = _PATH.sub("<path>", text)
    text = _HEX.sub("<addr>", text)
    text = _NUMBER.sub("<num>", text)
    text = _SPACE.sub(" ", text).strip().lower()[:200]
    return f"{error_class}|{exception_type or '-'}|{text}"


def _fix_id(signature: str, diff: str) -> str:
    return "learned-" + hashlib.sha256(f"{signature}\n{diff}".encode()).hexdigest()[:16]


def _title_for(error_class: str, signature: str) -> str:
    message = signature.split("|", 2)[-1] or error_class
    return f"Learned fix for {error_class}: {message}"[:160]


def _to_past_fix(hit: KBHit, score: float = 0.0) -> PastFix:
    meta = hit.metadata
    return PastFix(
        id=hit.id,
        title=str(meta.get("title", hit.text.splitlines()[0] if hit.text else hit.id)),
        error_class=str(meta.get("error_class", "unknown")),
        before=str(meta.get("before", "")),
        after=str(meta.get("after", "")),
        status=str(meta.get("status", "candidate")),
        score=score,
    )


def record_fix(kb: KnowledgeBase, *, error_class: str, signature: str, before: str, after: str, diff: str,
               evidence: dict[str, Any], provenance: str) -> str:
    """Store a validated fix as a "candidate" (or count one more sighting of the same fix); returns its id."""
    fix_id = _fix_id(signature, diff)
    if kb.get(COLLECTION, fix_id) is not None:
        kb.transform_metadata(COLLECTION, fix_id, lambda meta: {
            **meta, "times_seen": int(meta.get("times_seen", 1)) + 1,
            "evidence_json": json.dumps(evidence, sort_keys=True, default=str)})
        return fix_id
    title = _title_for(error_class, signature)
    before, after, diff = before[:MAX_CODE_CHARS], after[:MAX_CODE_CHARS], diff[:MAX_CODE_CHARS]
    entry = {"id": fix_id, "title": title, "error_class": error_class, "signature_example": signature,
             "before": before, "after": after, "provenance": provenance}
    metadata: dict[str, MetaValue] = {
        "title": title, "error_class": error_class, "exception_type": signature.split("|")[1] if "|" in signature
        else "-", "signature": signature, "before": before, "after": after, "diff": diff,
        "provenance": provenance, "status": "candidate", "kind": "learned", "times_seen": 1,
        "accepted_count": 0, "rejected_count": 0, "feedback_json": "[]",
        "evidence_json": json.dumps(evidence, sort_keys=True, default=str),
        "entry_json": json.dumps(entry, sort_keys=True),
    }
    text = f"{title}\nsignature: {signature}\nbefore:\n{before}\ndiff:\n{diff}"
    kb.upsert(COLLECTION, [KBDoc(fix_id, text, metadata)])
    return fix_id


def _feedback_factor(meta: dict[str, MetaValue]) -> float:
    accepted = int(meta.get("accepted_count", 0))
    rejected = int(meta.get("rejected_count", 0))
    return min(2.0, max(0.5, (1 + accepted) / (1 + rejected)))


def find_past_fixes(kb: KnowledgeBase, *, signature: str, code: str, k: int = 5) -> list[PastFix]:
    """Fixes for a failure like this one: hybrid search on signature + code, reranked.

    Rerank = fused score x status weight (promoted/curated 1.0, candidate 0.6) x 2 for the same signature
    (x 1.5 for the same error class) x reviewer feedback factor in [0.5, 2]. Rejected fixes are never returned.
    """
    error_class = signature.split("|", 1)[0]
    query = f"{signature.replace('|', ' ')}\n{code[:4000]}"
    hits = kb.search(COLLECTION, query, k=max(3 * k, 15),
                     where={"status": {"$in": sorted(STATUS_WEIGHT)}})
    ranked: list[PastFix] = []
    for hit in hits:
        meta = hit.metadata
        status = str(meta.get("status", "candidate"))
        if status not in STATUS_WEIGHT:
            continue
        score = hit.score * STATUS_WEIGHT[status] * _feedback_factor(meta)
        if meta.get("signature") == signature:
            score *= 2.0
        elif meta.get("error_class") == error_class:
            score *= 1.5
        ranked.append(_to_past_fix(hit, score))
    ranked.sort(key=lambda f: (-f.score, f.id))
    return ranked[:k]


def list_fixes(kb: KnowledgeBase, status: str | None = "candidate") -> list[PastFix]:
    """Fixes with the given status (all statuses when None), ordered by id."""
    where = {"status": status} if status is not None else None
    return [_to_past_fix(hit) for hit in kb.get_many(COLLECTION, where=where)]


def _set_status(kb: KnowledgeBase, fix_id: str, status: str) -> PastFix:
    try:
        hit = kb.update_metadata(COLLECTION, fix_id, {"status": status})
    except KeyError as exc:
        raise UnknownFixError(f"no fix with id {fix_id!r}") from exc
    return _to_past_fix(hit)


def promote_fix(kb: KnowledgeBase, fix_id: str) -> PastFix:
    """Mark a fix as reviewed and trusted ("promoted"); raises UnknownFixError for an unknown id."""
    return _set_status(kb, fix_id, "promoted")


def reject_fix(kb: KnowledgeBase, fix_id: str) -> PastFix:
    """Mark a fix as "rejected" so retrieval never offers it again; raises UnknownFixError for an unknown id."""
    return _set_status(kb, fix_id, "rejected")


def record_feedback(kb: KnowledgeBase, fix_id: str, accepted: bool, note: str) -> dict[str, int]:
    """Count a user's verdict on a fix and keep the latest notes; returns the accepted/rejected counts."""

    def change(meta: dict[str, MetaValue]) -> dict[str, MetaValue]:
        key = "accepted_count" if accepted else "rejected_count"
        notes = json.loads(str(meta.get("feedback_json", "[]")))
        notes.append({"accepted": accepted, "note": note[:1000]})
        return {**meta, key: int(meta.get(key, 0)) + 1,
                "feedback_json": json.dumps(notes[-MAX_FEEDBACK_NOTES:], ensure_ascii=False)}

    try:
        hit = kb.transform_metadata(COLLECTION, fix_id, change)
    except KeyError as exc:
        raise UnknownFixError(f"no fix with id {fix_id!r}") from exc
    return {"accepted_count": int(hit.metadata.get("accepted_count", 0)),
            "rejected_count": int(hit.metadata.get("rejected_count", 0))}
