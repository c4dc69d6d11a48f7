"""Over-long error text is folded, not refused: repeated frame cycles first, then head and tail."""

from __future__ import annotations

from graphs.auto_fix.schema import MAX_TEXT_CHARS, AutoFixInput
from graphs.auto_fix.trace_text import compact_error_text
from graphs.auto_fix.traceback_parse import parse_traceback


def _mutual(n: int) -> str:
    frames = "".join(f'  File "solution.py", line {4 if i % 2 else 8}, in {"odd" if i % 2 else "even"}\n'
                     f'    return {"even" if i % 2 else "odd"}(n - 1)\n' for i in range(n))
    return ('Traceback (most recent call last):\n  File "test_solution.py", line 3, in test_x\n    assert even(5)\n'
            + frames + "RecursionError: maximum recursion depth exceeded in comparison\n")


def test_short_text_is_unchanged():
    assert compact_error_text("ValueError: x\n", 100) == "ValueError: x\n"


def test_alternating_frames_are_folded_and_the_exception_kept():
    text = _mutual(2000)
    assert len(text) > MAX_TEXT_CHARS
    folded = compact_error_text(text, MAX_TEXT_CHARS)
    assert len(folded) < 2000 and "[Previous 2 frame(s) repeated 997 more times]" in folded
    parsed = parse_traceback(folded)
    assert parsed.exception_type == "RecursionError" and parsed.line in (4, 8)


def test_unfoldable_text_keeps_head_and_tail():
    text = "Traceback (most recent call last):\n" + "".join(f"line {i}\n" for i in range(20000)) + "KeyError: 'k'\n"
    folded = compact_error_text(text, 5000)
    assert len(folded) <= 5000 and folded.endswith("KeyError: 'k'\n") and "characters of the error text omitted" in folded


def test_the_tool_input_accepts_and_folds_a_long_traceback():
    inp = AutoFixInput(code="x = 1\n", error_message=_mutual(3000))
    assert len(inp.error_message) <= MAX_TEXT_CHARS
