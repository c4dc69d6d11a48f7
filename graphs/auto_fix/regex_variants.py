"""Small edits of a regular expression's text, the slips behind many wrong-match bugs (used by
`mutation_ops_more`)."""

from __future__ import annotations

import re


def _scan(p: str) -> tuple[list[int], list[tuple[int, int]], list[int]]:
    """Regex structure: indexes of `*`/`+` quantifiers, (`[`, `]`) spans of classes, indexes of backslashes."""
    quants, classes, escapes = [], [], []
    i = 0
    while i < len(p):
        if p[i] == "\\":
            escapes.append(i)
            i += 2
        elif p[i] == "[":
            j = i + 1 + (p[i + 1:i + 2] == "^")
            j += p[j:j + 1] == "]"
            while j < len(p) and p[j] != "]":
                j += 2 if p[j] == "\\" else 1
            classes.append((i, j))
            i = j + 1
        else:
            if p[i] in "*+" and i > 0 and p[i - 1] not in "*+?":
                quants.append(i)
            i += 1
    return quants, classes, escapes


def pattern_variants(p: str, func: str) -> list[tuple[str, float, str]]:
    """Edited copies of regex `p` passed to `re.<func>`, as (pattern, prior, why), not yet compiled: anchors added or
    removed, `*`↔`+`, greedy↔lazy, `\\d`↔`\\w`, `\\s`→`\\s+`, `-`/`.`/`_` added to a character class."""
    out: list[tuple[str, float, str]] = []
    quants, classes, escapes = _scan(p)
    starts, ends = p.startswith(("^", r"\A")), (p.endswith("$") and not p.endswith("\\$")) or p.endswith(r"\Z")
    body = f"(?:{p})" if "|" in p else p
    if func in ("search", "compile", "match", "fullmatch"):
        if starts:
            out.append((p[1:] if p[0] == "^" else p[2:], 0.3, "not anchored at the start"))
        elif func in ("search", "compile"):
            out.append(("^" + body, 0.3, "anchored at the start"))
        if ends:
            out.append((p[:-1] if p.endswith("$") else p[:-2], 0.3, "not anchored at the end"))
        elif func != "fullmatch":
            out.append((body + "$", 0.35, "anchored at the end"))
        if not starts and not ends and func in ("search", "compile"):
            out.append(("^" + body + "$", 0.4, "must match the whole string"))
    if len(quants) > 1 and func != "fullmatch" and all(p[i + 1:i + 2] != "?" for i in quants):
        lazy_all = "".join(ch + ("?" if i in quants else "") for i, ch in enumerate(p))
        out.append((lazy_all, 0.36, "every repetition lazy (each match stops at the first closing text)"))
    for i in quants[:3]:
        lazy = p[i + 1:i + 2] == "?"
        out.append((p[:i] + ("+" if p[i] == "*" else "*") + p[i + 1:], 0.4 if p[i] == "*" else 0.35,
                    "at least one" if p[i] == "*" else "zero or more"))
        if func != "fullmatch":
            out.append((p[:i + 1] + p[i + 2:], 0.35, "greedy") if lazy else (p[:i + 1] + "?" + p[i + 1:], 0.3, "lazy"))
    for start, end in classes[:2]:
        if p[start + 1:start + 2] == "^":
            continue
        singles = re.sub(r"[^\\]-[^\]]", "", p[start + 1:end])  # ranges like `a-z` dropped
        for ch, prior in (("-", 0.4), (".", 0.35), ("_", 0.3)):
            if ch not in singles and not (ch == "_" and "\\w" in singles):
                out.append((p[:end] + ch + p[end:], prior, f"class also accepts `{ch}`"))
    for i in [e for e in escapes if p[e + 1:e + 2] in ("d", "w", "s")][:3]:
        letter = p[i + 1]
        if letter == "s":
            if p[i + 2:i + 3] not in ("*", "+", "?", "{"):
                out.append((p[:i + 2] + "+" + p[i + 2:], 0.35, "any run of whitespace"))
        else:
            out.append((p[:i + 1] + ("w" if letter == "d" else "d") + p[i + 2:], 0.3, "digit/word class swap"))
            if p[i + 2:i + 3] not in ("*", "+", "?", "{"):
                out.append((p[:i + 2] + "+" + p[i + 2:], 0.38, f"a run of `\\{letter}`, not a single one"))
    out += _more_variants(p, func)
    return out


def _unescaped_dots(p: str) -> list[int]:
    """Indexes of `.` outside character classes and escapes."""
    out, i, depth = [], 0, 0
    while i < len(p):
        if p[i] == "\\":
            i += 2
            continue
        if p[i] == "[":
            depth = 1
        elif p[i] == "]":
            depth = 0
        elif p[i] == "." and not depth:
            out.append(i)
        i += 1
    return out


def _more_variants(p: str, func: str) -> list[tuple[str, float, str]]:
    """Literal dots escaped, capturing groups made non-capturing (findall/split return the groups), `\\b` word
    boundaries, a backspace from a non-raw `"\\b"` restored, `{n}`/`{n,m}` repeat counts loosened."""
    out: list[tuple[str, float, str]] = []
    dots = _unescaped_dots(p)
    if dots:
        escaped = "".join("\\." if i in dots else ch for i, ch in enumerate(p))
        out.append((escaped, 0.42, "a literal dot must be escaped (`.` matches any character)"))
    groups = [m.start() for m in re.finditer(r"(?<!\\)\((?!\?)", p)]
    if groups and func in ("findall", "split", "finditer", "compile"):
        flat = re.sub(r"(?<!\\)\((?!\?)", "(?:", p)
        out.append((flat, 0.45 if func != "compile" else 0.35,
                    "non-capturing groups (findall/split return capturing groups instead of the match)"))
        if len(groups) > 1 and func != "split":
            out.append((flat[:groups[0]] + "(" + flat[groups[0]:] + ")", 0.42,
                        "one group for the whole value after the leading text (findall returns one string each)"))
    if "\x08" in p:
        out.append((p.replace("\x08", "\\b"), 0.6, "`\\b` in a non-raw string is a backspace, not a word boundary"))
    elif "\\b" not in p and not p.startswith("^") and func in ("search", "findall", "finditer", "sub", "compile"):
        out.append((f"\\b(?:{p})\\b" if "|" in p else f"\\b{p}\\b", 0.3, "whole words only"))
    for m in re.finditer(r"\{(\d+)(?:,(\d*))?\}", p):
        lo, hi = m[1], m[2]
        if hi == "":
            continue
        options = [f"{{{lo},}}", f"{{1,{lo}}}"] if hi is None else [f"{{{lo},{int(hi) + 1}}}", f"{{{lo},}}"] + (
            [f"{{{int(lo) - 1},{hi}}}"] if int(lo) > 0 else [])
        out += [(p[:m.start()] + o + p[m.end():], 0.3, f"repeat count `{m[0]}` → `{o}`") for o in options]
    return out
