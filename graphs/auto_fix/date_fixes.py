"""Date and time arithmetic repairs for modules that use datetime/calendar: timedelta units, weekday numbering,
strftime/strptime directives, leap years, ages, month roll-over and month ends, replace vs astimezone, datetime
compared with date, and the real clock read where the caller passes the date."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import apply_edits, node_edit
from graphs.auto_fix.io_fixes import callee
from graphs.auto_fix.name_fixes import module_member, with_import
from graphs.auto_fix.propose_types import Proposer
from graphs.auto_fix.security_fixes import ensure_import, imported_modules

_UNITS = ("weeks", "days", "hours", "minutes", "seconds", "milliseconds", "microseconds")
_DIRECTIVE_SWAPS = {"%y": ("%Y",), "%Y": ("%y",), "%m": ("%M", "%b"), "%M": ("%m",), "%H": ("%I",), "%I": ("%H",),
                    "%d": ("%j", "%e"), "%U": ("%W", "%V"), "%W": ("%U", "%V"), "%V": ("%W",), "%b": ("%B", "%m"),
                    "%B": ("%b",), "%a": ("%A",), "%A": ("%a",), "%S": ("%f",), "%p": ("",), "%z": ("%Z",)}
_EXCHANGEABLE = ("%d", "%m", "%M", "%H", "%I", "%S", "%y", "%Y")
_MIX = re.compile(r"can't compare datetime\.datetime to datetime\.date|"
                  r"'[<>]=?' not supported between instances of 'datetime\.(?:datetime|date)' and "
                  r"'datetime\.(?:datetime|date)'")
_CLOCK_PARAM = re.compile(r"^(today|now|as_of|asof|at|when|on|reference|ref_date|current|moment|day|date)$")
# (node, replacement text, prior, why, module to import)
Rewrite = tuple[ast.AST, str, float, str, str | None]


def _timedelta_units(node: ast.AST, step: bool = False) -> Iterator[Rewrite]:
    """Other units for a `timedelta`; a loop's step (`current += timedelta(days=1)`) rarely wants a smaller one:
    it multiplies the iterations, and a `date` ignores anything under a day (the loop never ends)."""
    if not (isinstance(node, ast.Call) and callee(node) == "timedelta"):
        return
    head = ast.unparse(node.func)
    for i, kw in enumerate(node.keywords):
        if kw.arg not in _UNITS:
            continue
        at = _UNITS.index(kw.arg)
        for other in _UNITS:
            if other == kw.arg or any(k.arg == other for k in node.keywords):
                continue
            keywords = [ast.keyword(other if j == i else k.arg, k.value) for j, k in enumerate(node.keywords)]
            text = ast.unparse(ast.Call(node.func, node.args, keywords))
            prior = 0.8 - 0.05 * abs(_UNITS.index(other) - at)
            yield node, text, prior * (0.5 if step and _UNITS.index(other) > at else 1.0), \
                f"`{kw.arg}=` → `{other}=`", None
    if node.args and not node.keywords and len(node.args) == 1:
        for unit in ("hours", "minutes", "seconds", "weeks"):
            yield node, f"{head}({unit}={ast.unparse(node.args[0])})", 0.72, f"a bare number is days: `{unit}=`", None


def _weekdays(node: ast.AST) -> Iterator[Rewrite]:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args \
            and node.func.attr in ("weekday", "isoweekday"):
        other = "isoweekday" if node.func.attr == "weekday" else "weekday"
        yield (node, f"{ast.unparse(node.func.value)}.{other}()", 0.8,
               f"`{node.func.attr}()` counts Monday as {0 if other == 'isoweekday' else 1}: `{other}()`", None)


def _directives(node: ast.AST) -> Iterator[Rewrite]:
    if not (isinstance(node, ast.Call) and callee(node) in ("strftime", "strptime")):
        return
    for arg in node.args:
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str) and "%" in arg.value):
            continue
        fmt = arg.value
        if "%W" in fmt or "%U" in fmt:
            iso = fmt.replace("%Y", "%G").replace("%W", "%V").replace("%U", "%V")
            yield arg, repr(iso), 0.8, "ISO weeks: `%G` (ISO year) with `%V` (ISO week number)", None
        present = [d for d in _EXCHANGEABLE if d in fmt]
        for i, a in enumerate(present):
            for b in present[i + 1:]:
                swapped = fmt.replace(a, "\0").replace(b, a).replace("\0", b)
                yield arg, repr(swapped), 0.77, f"format directives `{a}` and `{b}` exchanged", None
        for d, swaps in _DIRECTIVE_SWAPS.items():
            if d not in fmt:
                continue
            for new in swaps:
                yield arg, repr(fmt.replace(d, new)), 0.78, f"format directive `{d}` → `{new or 'nothing'}`", None


def _leap_years(node: ast.AST) -> Iterator[Rewrite]:
    """`y % 4 == 0` (alone or in a hand-written and/or rule) → `calendar.isleap(y)`."""
    if not isinstance(node, ast.BoolOp | ast.Compare):
        return
    fours = [c for c in ast.walk(node) if isinstance(c, ast.Compare) and isinstance(c.left, ast.BinOp)
             and isinstance(c.left.op, ast.Mod) and isinstance(c.left.right, ast.Constant) and c.left.right.value == 4]
    if fours and (isinstance(node, ast.BoolOp) or node is fours[0]):
        year = ast.unparse(fours[0].left.left)
        yield node, f"calendar.isleap({year})", 0.88, "the leap-year rule is `calendar.isleap` (every 4 years, " \
                                                      "not centuries, except every 400)", "calendar"


def _ages(node: ast.AST) -> Iterator[Rewrite]:
    """`a.year - b.year` counts a year that has not been completed yet, and `(a - b).days // 365` drifts by a
    day every leap year: whole years count once the anniversary is reached."""
    pair = None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and all(
            isinstance(s, ast.Attribute) and s.attr == "year" for s in (node.left, node.right)):
        pair = node.left.value, node.right.value
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.FloorDiv | ast.Div) \
            and isinstance(node.right, ast.Constant) and node.right.value in (365, 365.25) \
            and isinstance(node.left, ast.Attribute) and node.left.attr == "days" \
            and isinstance(node.left.value, ast.BinOp) and isinstance(node.left.value.op, ast.Sub):
        pair = node.left.value.left, node.left.value.right
    if pair is not None:
        a, b = (ast.unparse(p) for p in pair)
        yield (node, f"{a}.year - {b}.year - (({a}.month, {a}.day) < ({b}.month, {b}.day))", 0.85,
               "whole years count only once the anniversary is reached", None)


def _month_arg(call: ast.Call) -> tuple[ast.expr | None, ast.expr | None, ast.expr | None]:
    """(year, month, day) argument expressions of `date(...)`, `datetime(...)` or `.replace(...)`."""
    named = {k.arg: k.value for k in call.keywords}
    if callee(call) == "replace":
        return named.get("year"), named.get("month"), named.get("day")
    pos = list(call.args) + [None] * 3
    return named.get("year", pos[0]), named.get("month", pos[1]), named.get("day", pos[2])


def _months(node: ast.AST) -> Iterator[Rewrite]:
    """`date(y, m + 1, 1)` fails in December: roll the year over; `(m + k) % 12` needs `- 1 ... + 1`; a day
    past the month's end is clamped with `calendar.monthrange`."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.right, ast.Constant) \
            and node.right.value == 12 and "month" in ast.unparse(node.left).lower():
        yield node, f"({ast.unparse(node.left)} - 1) % 12 + 1", 0.82, "months run 1..12, not 0..11", None
    if not (isinstance(node, ast.Call) and callee(node) in ("date", "datetime", "replace")):
        return
    year, month, day = _month_arg(node)
    if month is not None and year is not None and isinstance(month, ast.BinOp) and isinstance(month.op, ast.Add):
        y, m = ast.unparse(year), ast.unparse(month)
        rolled = _with_args(node, {id(year): f"{y} + ({m} - 1) // 12", id(month): f"({m} - 1) % 12 + 1"})
        if rolled:
            yield node, rolled, 0.85, "the month rolls over into the next year after December", None
    if day is not None and month is not None and year is not None and not isinstance(day, ast.Constant):
        clamped = _with_args(node, {id(day): f"min({ast.unparse(day)}, calendar.monthrange({ast.unparse(year)}, "
                                             f"{ast.unparse(month)})[1])"})
        if clamped:
            yield node, clamped, 0.75, "the day is clamped to the month's last day", "calendar"


def _with_args(node: ast.Call, changes: dict[int, str]) -> str | None:
    """Source of `node` with the argument expressions whose id() is in `changes` replaced by new source."""
    try:
        swap = {k: ast.parse(v, mode="eval").body for k, v in changes.items()}
    except SyntaxError:
        return None
    args = [swap.get(id(a), a) for a in node.args]
    keywords = [ast.keyword(k.arg, swap.get(id(k.value), k.value)) for k in node.keywords]
    return ast.unparse(ast.Call(node.func, args, keywords))


def _zones(node: ast.AST) -> Iterator[Rewrite]:
    """`x.replace(tzinfo=z)` relabels the clock time; `x.astimezone(z)` converts it (and the other way)."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return
    owner = ast.unparse(node.func.value)
    if node.func.attr == "replace" and len(node.keywords) == 1 and node.keywords[0].arg == "tzinfo" \
            and not node.args:
        yield (node, f"{owner}.astimezone({ast.unparse(node.keywords[0].value)})", 0.76,
               "`replace(tzinfo=...)` only relabels the time; `astimezone` converts it", None)
    if node.func.attr == "astimezone" and len(node.args) == 1:
        yield (node, f"{owner}.replace(tzinfo={ast.unparse(node.args[0])})", 0.7,
               "the naive time already is in that zone: `replace(tzinfo=...)` labels it", None)


_REWRITERS = (_timedelta_units, _weekdays, _directives, _leap_years, _ages, _months, _zones)


_DATE_WORDS = re.compile(r"month|year|week|day|date|hour|minute|second|time", re.IGNORECASE)


def _uses_dates(tree: ast.Module, code: str) -> bool:
    """The module imports a date/time module or at least names calendar things."""
    return bool(imported_modules(tree) & {"datetime", "calendar", "time", "zoneinfo"}) or bool(
        _DATE_WORDS.search(code))


def date_rewrites(ctx: FixContext) -> list[Candidate]:
    """Every date rewrite in the module (suspicious lines first), each one a candidate."""
    if ctx.tree is None or not _uses_dates(ctx.tree, ctx.code):
        return []
    rank = {line: i for i, line in enumerate(ctx.suspicious)}
    steps = {id(n.value) for n in ast.walk(ctx.tree) if isinstance(n, ast.AugAssign)}
    out: list[Candidate] = []
    for node in ast.walk(ctx.tree):
        for rewriter in _REWRITERS:
            found = _timedelta_units(node, id(node) in steps) if rewriter is _timedelta_units else rewriter(node)
            for target, text, prior, why, module in found:
                code = apply_edits(ctx.code, [node_edit(ctx.lines, target, text)])
                if code and module:
                    code = ensure_import(code, module)
                if code:
                    line = getattr(target, "lineno", 0)
                    boost = 1.0 if line in rank else 0.9
                    out.append(Candidate(code, "template", f"line {line}: {why}", round(prior * boost, 4)))
    return sorted(out, key=lambda c: -c.prior)[:30]


def date_comparisons(ctx: FixContext) -> list[Candidate]:
    """A datetime compared with a date: compare dates (`x.date()`) on the failing line."""
    if ctx.tree is None or ctx.line is None or not _MIX.search(ctx.message):
        return []
    out: list[Candidate] = []
    for cmp in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Compare) and n.lineno == ctx.line):
        for side in (cmp.left, *cmp.comparators):
            if isinstance(side, ast.Name | ast.Attribute | ast.Call | ast.Subscript):
                code = apply_edits(ctx.code, [node_edit(ctx.lines, side, f"{ast.unparse(side)}.date()")])
                if code:
                    out.append(Candidate(code, "template", f"line {cmp.lineno}: compared a datetime with a date; "
                                         f"`{ast.unparse(side)}.date()` compares dates", 0.88))
    return out


def injected_clock(ctx: FixContext) -> list[Candidate]:
    """`date.today()`/`datetime.now()` inside a function that takes the reference date as a parameter it never
    reads: use the parameter (the caller's date, and testable)."""
    if ctx.tree is None or not _uses_dates(ctx.tree, ctx.code):
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)):
        loaded = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        unused = [a.arg for a in func.args.args + func.args.kwonlyargs
                  if a.arg not in loaded and _CLOCK_PARAM.match(a.arg)]
        clocks = [c for c in ast.walk(func) if isinstance(c, ast.Call) and callee(c) in ("today", "now", "utcnow")
                  and not c.args]
        for p in unused[:1]:
            code = apply_edits(ctx.code, [node_edit(ctx.lines, c, p) for c in clocks])
            if code and clocks:
                out.append(Candidate(code, "template", f"`{func.name}` read the real clock instead of its `{p}` "
                                     f"parameter", 0.86))
    return out


def inclusive_days(ctx: FixContext) -> list[Candidate]:
    """`(end - start).days` counts the nights between two dates; a count of days that includes both ends (a
    divisor, a range) needs `+ 1`."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for node in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.Attribute) and n.attr == "days"
                 and isinstance(n.value, ast.BinOp) and isinstance(n.value.op, ast.Sub)):
        code = apply_edits(ctx.code, [node_edit(ctx.lines, node, f"({ast.unparse(node)} + 1)")])
        if code:
            out.append(Candidate(code, "template", f"line {node.lineno}: both end dates count: "
                                 f"`{ast.unparse(node)} + 1`", 0.8))
    return out


def year_rollovers(ctx: FixContext) -> list[Candidate]:
    """`month = d.month % 12 + 1` rolls December over to January but `year = d.year` stays: add the carry."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)):
        rolled = [n.left.left for n in ast.walk(func) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add)
                  and isinstance(n.left, ast.BinOp) and isinstance(n.left.op, ast.Mod)
                  and isinstance(n.left.right, ast.Constant) and n.left.right.value == 12
                  and isinstance(n.left.left, ast.Attribute) and n.left.left.attr == "month"]
        for month in rolled:
            owner = ast.unparse(month.value)
            for stmt in (s for s in ast.walk(func) if isinstance(s, ast.Assign)
                         and ast.unparse(s.value) == f"{owner}.year"):
                code = apply_edits(ctx.code, [node_edit(ctx.lines, stmt.value, f"{owner}.year + {owner}.month // 12")])
                if code:
                    out.append(Candidate(code, "template", f"line {stmt.lineno}: the year carries over when the "
                                         f"month rolls from December to January", 0.87))
    return out


_UTC = re.compile(r"\bUTC\b|\butc\b")
_CALENDAR_PARTS = {"date", "time", "isoformat", "strftime", "timetuple"}


def utc_parts(ctx: FixContext) -> list[Candidate]:
    """The spec counts in UTC, but the calendar day/time is read from a datetime in its own offset: convert it
    first (`moment.astimezone(timezone.utc).date()`)."""
    if ctx.tree is None or not _UTC.search(ctx.hints + ctx.code):
        return []
    zone, needs = module_member(ctx.tree, "datetime", "timezone")
    utc = f"{zone}.utc"
    out: list[Candidate] = []
    for node in ast.walk(ctx.tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in _CALENDAR_PARTS):
            continue
        owner = node.func.value
        if not isinstance(owner, ast.Name | ast.Attribute | ast.Call) or (
                isinstance(owner, ast.Call) and isinstance(owner.func, ast.Attribute)
                and owner.func.attr in _CALENDAR_PARTS | {"astimezone", "today"}):
            continue  # a date or time has no zone; an `astimezone` result already is converted
        code = apply_edits(ctx.code, [node_edit(ctx.lines, owner, f"{ast.unparse(owner)}.astimezone({utc})")])
        if code and needs:
            code = with_import(code, ctx.tree, needs)
        if code:
            out.append(Candidate(code, "template", f"line {node.lineno}: `{ast.unparse(owner)}` is converted to UTC "
                                 f"before its {node.func.attr} is read", 0.7))
    return out[:3]


_ALL = [date_rewrites, injected_clock, inclusive_days, year_rollovers, utc_parts]
PROPOSERS: dict[str, list[Proposer]] = {
    **{cls: _ALL for cls in ("wrong_output", "assertion_error", "unknown", "other_exception", "value_error")},
    "type_error": [date_comparisons, *_ALL],
    "zero_division": [inclusive_days],
}
