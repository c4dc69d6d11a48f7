"""Input checks the JSON schema cannot express: binary junk and invalid text."""

from __future__ import annotations

from mcp.server.mcpserver.exceptions import ToolError

MAX_CONTROL_RATIO = 0.05
_ALLOWED_CONTROLS = {"\n", "\r", "\t", "\f", "\v"}


def ensure_text(field: str, value: str) -> str:
    """Reject NUL bytes, unpaired surrogates and mostly-control-character strings with an actionable message."""
    if "\x00" in value:
        raise ToolError(f"`{field}` contains NUL bytes (binary data): send UTF-8 source text instead")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ToolError(f"`{field}` is not valid Unicode text (unpaired surrogate at {exc.start}): send UTF-8 text") from exc
    controls = sum(1 for ch in value if ord(ch) < 32 and ch not in _ALLOWED_CONTROLS)
    if value and controls / len(value) > MAX_CONTROL_RATIO:
        raise ToolError(f"`{field}` looks like binary data ({controls} control characters): send plain text")
    return value


def ensure_texts(field: str, values: list[str]) -> list[str]:
    return [ensure_text(f"{field}[{i}]", v) for i, v in enumerate(values)]
