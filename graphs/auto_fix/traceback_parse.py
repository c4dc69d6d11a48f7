"""Parse CPython tracebacks, pytest failure text and compile() syntax errors into one ParsedError."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>\S+))?')
_EXC = re.compile(r"^(?P<type>[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Iteration|Timeout|"
                  r"InvalidOperation|DivisionByZero|Overflow|Underflow|FloatOperation))"  # decimal's signals
                  r"(?::\s?(?P<msg>.*))?$")
_PYTEST_LOC = re.compile(r"^(?P<file>[^\s:]+\.py):(?P<line>\d+): (?P<type>[A-Za-z_][\w.]*)$")
_PYTEST_SHORT = re.compile(r"^(?P<file>[^\s:]+\.py):(?P<line>\d+): in (?P<func>\S+)$")  # `--tb=short` frames
# pytest outcomes are not exceptions of the code: `Failed: DID NOT RAISE <class 'ValueError'>` (pytest.raises saw
# nothing raised), `_pytest.outcomes.Failed: ...` in a plain traceback, `pytest.fail()` texts.
_OUTCOME = re.compile(r"^(?:[\w.]+\.)?Failed: (?P<msg>.*)$")
_NOT_RAISED = re.compile(r"\bDID NOT (?:RAISE|WARN)\b.*")
_PHASE = re.compile(r"^(?:setup|call|teardown): ")  # the sandbox's prefix for failures outside the test call
_OUTCOME_TYPES = frozenset({"Failed", "Skipped", "XFailed", "Exit"})


@dataclass(frozen=True)
class Frame:
    """One `File "...", line N, in func` entry."""

    file: str
    line: int
    function: str | None = None
    text: str = ""


@dataclass(frozen=True)
class ParsedError:
    """What an error text says: exception, message, frames and the most relevant user line."""

    exception_type: str | None = None
    message: str = ""
    frames: tuple[Frame, ...] = field(default_factory=tuple)
    line: int | None = None
    function: str | None = None
    offset: int | None = None
    source: str = "none"  # "traceback" | "syntax" | "none"


def _is_library(path: str) -> bool:
    return any(p in path for p in ("/lib/python", "site-packages", "<frozen", "/_pytest/", "/pluggy/"))


def _is_test_file(path: str) -> bool:
    base = path.replace("\\", "/").rsplit("/", 1)[-1]
    return base.startswith("test_") or base.endswith("_test.py") or base == "conftest.py"


def pick_user_frame(frames: tuple[Frame, ...] | list[Frame]) -> Frame | None:
    """The deepest frame that is neither stdlib/site-packages nor a test file (else the deepest frame)."""
    for f in reversed(frames):
        if not _is_library(f.file) and not _is_test_file(f.file):
            return f
    return frames[-1] if frames else None


def _clean(line: str) -> str:
    # pytest prefixes the exception lines with "E   ".
    text = line[1:].strip() if line.startswith("E ") else line.rstrip()
    return _PHASE.sub("", text.strip())


def parse_traceback(text: str) -> ParsedError:
    """Parse a CPython traceback (also chained ones and pytest's `E ...` output); the last exception wins."""
    frames: list[Frame] = []
    exc_type, message = None, ""
    lines = (text or "").splitlines()
    for i, raw in enumerate(lines):
        m = _FRAME.match(raw)
        if m:
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            # The source line is indented under the frame; tracebacks of exec'd code have none.
            nxt = nxt.strip() if nxt.startswith(" ") and not _FRAME.match(nxt) else ""
            frames.append(Frame(m["file"], int(m["line"]), m["func"], nxt))
            continue
        short = _PYTEST_SHORT.match(raw.strip())
        if short:
            nxt = lines[i + 1].strip() if i + 1 < len(lines) and lines[i + 1].startswith(" ") else ""
            frames.append(Frame(short["file"], int(short["line"]), short["func"], nxt))
            continue
        loc = _PYTEST_LOC.match(raw.strip())
        if loc:
            frames.append(Frame(loc["file"], int(loc["line"]), None, ""))
            if loc["type"].rsplit(".", 1)[-1] not in _OUTCOME_TYPES:
                exc_type = exc_type or loc["type"]
            continue
        cleaned = _clean(raw)
        e = _EXC.match(cleaned)
        outcome = _OUTCOME.match(cleaned)
        if e:
            exc_type, message = e["type"].rsplit(".", 1)[-1], (e["msg"] or "").strip()
        elif outcome:  # the test failed without the code raising: no exception type, keep pytest's reason
            exc_type, message = None, outcome["msg"].strip()
        elif (nr := _NOT_RAISED.search(cleaned)) and not exc_type:  # e.g. a "FAILED t.py::x - DID NOT RAISE" line
            message = nr[0].strip()
    user = pick_user_frame(frames)
    return ParsedError(
        exception_type=exc_type,
        message=message,
        frames=tuple(frames),
        line=user.line if user else None,
        function=user.function if user and user.function != "<module>" else None,
        source="traceback" if (exc_type or frames) else "none",
    )


def align_line(parsed: ParsedError, code: str) -> ParsedError:
    """Re-anchor the user line on `code`: the deepest non-library frame whose source text is a line of `code`
    wins (nearest occurrence to its reported number), so tracebacks from a differently named or shifted file
    still point at the right line. Unchanged when no frame text matches."""
    lines = [ln.strip() for ln in code.splitlines()]
    for frame in reversed(parsed.frames):
        if not frame.text or _is_library(frame.file):
            continue
        hits = [i + 1 for i, ln in enumerate(lines) if ln == frame.text]
        if hits:
            best = min(hits, key=lambda n: abs(n - frame.line))
            function = frame.function if frame.function != "<module>" else None
            return ParsedError(parsed.exception_type, parsed.message, parsed.frames, best, function,
                               parsed.offset, parsed.source)
    return parsed


def check_syntax(code: str) -> ParsedError | None:
    """compile() the code; a ParsedError for its SyntaxError (with line and offset), else None."""
    try:
        compile(code, "solution.py", "exec")
    except SyntaxError as exc:
        return ParsedError(
            exception_type=type(exc).__name__,
            message=exc.msg or "",
            line=exc.lineno,
            offset=exc.offset,
            source="syntax",
        )
    except ValueError as exc:  # e.g. null bytes in source
        return ParsedError(exception_type="ValueError", message=str(exc), source="syntax")
    return None
