"""Shorten over-long error text before it is parsed: a RecursionError traceback from mutual recursion is
thousands of alternating frames that CPython does not fold (it only folds one repeated frame)."""

from __future__ import annotations

import re

_FRAME_START = re.compile(r'^\s*File "')
KEEP = 3  # repeats of a cycle kept before it is folded


def _blocks(text: str) -> list[str]:
    """The text cut into blocks: each `File "..."` line with the indented lines under it, other lines alone."""
    blocks: list[str] = []
    for line in text.splitlines(keepends=True):
        if blocks and not _FRAME_START.match(line) and line.startswith("    ") and _FRAME_START.match(blocks[-1]):
            blocks[-1] += line
        else:
            blocks.append(line)
    return blocks


def _fold(blocks: list[str]) -> list[str]:
    """Runs of a 1-3 block cycle repeated more than KEEP times folded into KEEP repeats and a counted note."""
    out: list[str] = []
    i = 0
    while i < len(blocks):
        for period in (1, 2, 3):
            cycle = blocks[i:i + period]
            if len(cycle) < period or not all(_FRAME_START.match(b) for b in cycle):
                continue
            reps = 1
            while blocks[i + reps * period:i + (reps + 1) * period] == cycle:
                reps += 1
            if reps > KEEP:
                out += cycle * KEEP
                out.append(f"  [Previous {period} frame(s) repeated {reps - KEEP} more times]\n")
                i += reps * period
                break
        else:
            out.append(blocks[i])
            i += 1
    return out


def compact_error_text(text: str, limit: int) -> str:
    """`text` unchanged when it fits in `limit` characters; else repeated frame cycles folded and, if still too
    long, its head and tail kept around a note saying how much was left out (the exception line is at the end)."""
    if len(text) <= limit:
        return text
    folded = "".join(_fold(_blocks(text)))
    if len(folded) <= limit:
        return folded
    half = (limit - 100) // 2
    omitted = len(folded) - 2 * half
    return f"{folded[:half]}\n[... {omitted} characters of the error text omitted ...]\n{folded[-half:]}"
