"""`multi-orchestrator` command: serve, call one tool, manage the knowledge base, run evals."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import Any

log = logging.getLogger("multi_orchestrator")


def _setup_logging() -> None:
    level = os.environ.get("MO_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _host_port(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError(f"--http wants HOST:PORT, e.g. 127.0.0.1:8765 (got {value!r})")
    return host or "127.0.0.1", int(port)


def cmd_serve(args: argparse.Namespace) -> int:
    from server.app import create_server

    server = create_server(warm=True)
    if args.http:
        host, port = args.http
        log.info("serving streamable HTTP on http://%s:%d/mcp", host, port)
        server.run("streamable-http", host=host, port=port, streamable_http_path="/mcp")
    else:
        log.info("serving on stdio")
        server.run()
    return 0


async def _call(tool: str, arguments: dict[str, Any]) -> tuple[bool, Any]:
    from mcp import Client

    from server.app import create_server

    server = create_server(warm=True)
    async with Client(server) as client:
        result = await client.call_tool(tool, arguments)
    if result.is_error:
        return False, "\n".join(getattr(c, "text", "") for c in result.content)
    return True, result.structured_content


def cmd_call(args: argparse.Namespace) -> int:
    import anyio

    try:
        arguments = json.loads(args.json) if args.json else {}
    except json.JSONDecodeError as exc:
        print(f"--json is not valid JSON: {exc}", file=sys.stderr)
        return 2
    if not isinstance(arguments, dict):
        print("--json must be a JSON object of tool arguments", file=sys.stderr)
        return 2
    ok, payload = anyio.run(_call, args.tool, arguments)
    if not ok:
        print(f"error: {payload}", file=sys.stderr)
        return 1
    print(json.dumps(payload, indent=2, ensure_ascii=False))
    return 0


def cmd_kb(args: argparse.Namespace) -> int:
    from graphs.common.deps import build_deps
    from server import kb_cli

    return kb_cli.run(build_deps(), args)


def cmd_eval(args: argparse.Namespace) -> int:
    from evals.cli import main as eval_main

    return eval_main(args.rest)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="multi-orchestrator", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the MCP server (stdio by default)")
    serve.add_argument("--http", type=_host_port, metavar="HOST:PORT", help="serve streamable HTTP at /mcp")
    serve.set_defaults(fn=cmd_serve)

    call = sub.add_parser("call", help="run one tool in-process and print its structured result")
    call.add_argument("tool")
    call.add_argument("--json", default="{}", help="tool arguments as a JSON object")
    call.set_defaults(fn=cmd_call)

    from server import kb_cli

    kb_cli.add_parser(sub).set_defaults(fn=cmd_kb)

    ev = sub.add_parser("eval", help="run eval suites (see `multi-orchestrator eval --help`)", add_help=False)
    ev.add_argument("rest", nargs=argparse.REMAINDER)
    ev.set_defaults(fn=cmd_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DEEPEVAL_TELEMETRY_OPT_OUT", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    _setup_logging()
    args = build_parser().parse_args(argv)
    return int(args.fn(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
