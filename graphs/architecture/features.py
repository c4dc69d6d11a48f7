"""Feature detection: which capabilities the functional requirements ask for (drives components and tactics)."""

from __future__ import annotations

import re

from graphs.architecture.schema import Requirement

FEATURES: dict[str, str] = {
    "file_storage": r"upload|photos?|images?|videos?|files?|attachments?|documents?|media|avatars?|receipts?|scans?",
    "search": r"search|full[- ]text|autocomplete|type[- ]ahead|faceted|filter\w* (by|on)",
    "notifications": r"notif\w*|e-?mails?|sms|push messages?|reminders?|alerts?\b",
    "payments": r"pay(s|ment|ments|outs?)?\b|checkout|in[- ]app purchases?|donations?|billing|subscriptions?|invoice\w*|refunds?|wallets?|money|"
                r"transfers? funds|ledger|balances?",
    "realtime": r"chat|messag\w*|live |real[- ]?time|websockets?|collaborat\w*|presence|multiplayer",
    "feed": r"\bfeeds?\b|timelines?|follow(ers|ing|s)?\b|news ?feed",
    "analytics": r"analytics|reports?\b|reporting|dashboards?|insights?|kpis?|business intelligence",
    "ingestion": r"\biot\b|sensors?|telemetry|ingest\w*|clickstream|event streams?|logs? from|devices? send|"
                 r"readings?\b|gps|positions? every|heartbeats?|click events",
    "recommendations": r"recommend\w*|personali[sz]\w*|suggest\w*",
    "batch_jobs": r"nightly|batch|scheduled (jobs?|tasks?)|cron|bulk (import|export)|imports? csv|exports?",
    "auth": r"log ?in|sign[- ]?(up|in)|accounts?|sso|oauth|profiles?|registration",
    "media_processing": r"transcod\w*|thumbnails?|resiz\w*|video stream\w*|ocr\b",
    "integration": r"third[- ]party|webhooks?|integrat\w*|partner apis?|erp|crm|external apis?",
    "mobile": r"mobile|ios|android|app store",
    "geo": r"maps?\b|locations?|geo\w*|nearby|gps|routes?\b",
    "booking": r"book(ing|ings|s)?\b|reservations?|appointments?|inventory|stock levels?|seats?",
    "catalog": r"catalog\w*|products?|listings?|menus?",
    "orders": r"orders?\b|cart|purchases?|fulfil\w*|shipments?",
    "ml": r"machine learning|\bml\b|train\w* (\w+ )?models?|models? (are |is )?(trained|retrained|updated|"
          r"versions?|registry|serving|deploy\w*)|inference|predictions?\b|fraud (detection|scor\w*)|"
          r"scor(e|es|ing) (each|every)",
    "llm": r"\bllms?\b|language models?|\bgpt|gen(erative )?ai|chat ?bots?|assistants?\b|semantic search|"
           r"embeddings?|\brag\b|grounded",
    "video": r"videos?|stream (series|films|movies|music|shows)|live ?stream\w*|podcasts?|webinars?",
    "internal": r"internal (tool|app|application|system|platform|portal)|employees|back[- ]office|intranet",
    "legacy": r"legacy|migrat\w* (off|from|away)|existing (monolith|system|platform)|moderni[sz]\w*",
}

_COMPILED = {name: re.compile(rf"\b(?:{rx})", re.I) for name, rx in FEATURES.items()}


def detect_features(requirements: list[Requirement], description: str) -> dict[str, list[str]]:
    """feature -> ids of the functional requirements mentioning it (feature found only in prose -> [])."""
    out: dict[str, list[str]] = {}
    for req in requirements:
        if req.kind != "functional":
            continue
        for name, rx in _COMPILED.items():
            if rx.search(req.text):
                out.setdefault(name, []).append(req.id)
    for name, rx in _COMPILED.items():
        if name not in out and rx.search(description):
            out[name] = []
    return out
