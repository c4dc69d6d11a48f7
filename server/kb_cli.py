"""`multi-orchestrator kb …`: ingest, search, stats and review of learned fixes."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from graphs.common.deps import Deps


def add_parser(sub: Any) -> argparse.ArgumentParser:
    kb = sub.add_parser("kb", help="knowledge base: ingest | search | stats | review")
    kbsub = kb.add_subparsers(dest="kb_command", required=True)
    kbsub.add_parser("ingest", help="ingest knowledge/ (idempotent)")
    kbsub.add_parser("stats", help="document counts per collection")
    search = kbsub.add_parser("search", help="hybrid search in a collection")
    search.add_argument("collection", choices=["fixes", "patterns", "playbooks"])
    search.add_argument("query")
    search.add_argument("-k", type=int, default=5)
    review = kbsub.add_parser("review", help="review learned fixes: list | promote ID | reject ID")
    review.add_argument("action", choices=["list", "promote", "reject"])
    review.add_argument("fix_id", nargs="?")
    review.add_argument("--status", default="candidate", help="with list: candidate | promoted | rejected")
    return kb


def _out(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def run(deps: Deps, args: argparse.Namespace) -> int:
    from graphs.common.kb import fixes
    from graphs.common.kb.ingest import ingest_knowledge

    kb = deps.kb
    if args.kb_command == "ingest":
        report = ingest_knowledge(kb)
        _out(report.__dict__ if hasattr(report, "__dict__") else report)
        return 1 if getattr(report, "errors", None) else 0
    if args.kb_command == "stats":
        _out(kb.counts())
        return 0
    if args.kb_command == "search":
        hits = kb.search(args.collection, args.query, k=args.k)
        _out([{"id": h.id, "score": round(h.score, 4), "title": h.metadata.get("title", ""),
               "dense_rank": h.dense_rank, "lexical_rank": h.lexical_rank} for h in hits])
        return 0
    if args.action == "list":
        _out([f.__dict__ if hasattr(f, "__dict__") else f for f in fixes.list_fixes(kb, status=args.status)])
        return 0
    if not args.fix_id:
        print(f"kb review {args.action} needs a fix id (see `kb review list`)", file=sys.stderr)
        return 2
    try:
        (fixes.promote_fix if args.action == "promote" else fixes.reject_fix)(kb, args.fix_id)
    except KeyError as exc:
        print(f"unknown fix id: {exc}", file=sys.stderr)
        return 1
    _out({"fix_id": args.fix_id, "status": "promoted" if args.action == "promote" else "rejected"})
    return 0
