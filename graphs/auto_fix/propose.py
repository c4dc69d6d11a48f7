"""The candidate sources: templates, AST mutations, static autofixes, past fixes and the LLM."""

from __future__ import annotations

import ast
import importlib
import logging

from pydantic import BaseModel, Field

from graphs.auto_fix import flow_fixes, name_fixes, templates, type_fixes
from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import parses, top_level_names
from graphs.auto_fix.localize import line_weights
from graphs.auto_fix.mutations import apply_mutation, mutations_for_lines, second_order
from graphs.auto_fix.propose_types import Proposer
from graphs.auto_fix.retrieved import apply_past_fix
from graphs.auto_fix.schema import ErrorClass
from graphs.auto_fix.security_more import all_security_candidates

log = logging.getLogger(__name__)

DESTRUCTIVE = frozenset({"delete_statement", "operand_drop"})  # a dropped constant term is not

TEMPLATES: dict[ErrorClass, list[Proposer]] = {
    "none_attribute": [templates.none_guards, flow_fixes.call_none_guards, flow_fixes.missing_returns,
                       type_fixes.missing_value_returns],
    "index_error": [templates.empty_guards, templates.base_cases],
    "key_error": [templates.key_fixes],
    "recursion_error": [templates.base_cases],
    "hang": [templates.loop_progress, templates.iteration_copies],
    "name_error": [name_fixes.missing_names],
    "attribute_error": [name_fixes.wrong_attributes],
    "type_error": [name_fixes.type_conversions, type_fixes.argument_counts, type_fixes.value_shapes,
                   type_fixes.date_offsets],
    "syntax_error": [name_fixes.syntax_repairs],
    "wrong_output": [templates.iteration_copies, templates.mutable_defaults, flow_fixes.missing_returns,
                     flow_fixes.extreme_seeds, type_fixes.missing_value_returns],
    "assertion_error": [templates.iteration_copies, templates.mutable_defaults, flow_fixes.missing_returns,
                        type_fixes.missing_value_returns],
    "other_exception": [templates.iteration_copies],
    "unknown": [templates.iteration_copies, templates.mutable_defaults, flow_fixes.missing_returns,
                type_fixes.missing_value_returns],
}
# None flowing into an operation raises TypeError too ("unsupported operand type(s) for +: 'NoneType' ...").
_NONE_FLOW: list[Proposer] = [flow_fixes.missing_returns, type_fixes.missing_value_returns,
                              flow_fixes.call_none_guards, templates.none_guards]


# Template modules that declare `PROPOSERS: dict[ErrorClass, list[Proposer]]`; "*" applies to every class.
TEMPLATE_MODULES: tuple[str, ...] = (
    "graphs.auto_fix.effect_fixes", "graphs.auto_fix.loop_fixes", "graphs.auto_fix.constant_fixes",
    "graphs.auto_fix.value_fixes", "graphs.auto_fix.exception_fixes", "graphs.auto_fix.resource_fixes",
    "graphs.auto_fix.call_fixes", "graphs.auto_fix.gotcha_fixes", "graphs.auto_fix.state_fixes",
    "graphs.auto_fix.text_bytes", "graphs.auto_fix.unbound_fixes",
    "graphs.auto_fix.recursion_fixes", "graphs.auto_fix.dunder_recursion", "graphs.auto_fix.date_fixes",
    "graphs.auto_fix.regex_fixes", "graphs.auto_fix.hang_fixes",
    "graphs.auto_fix.aliasing_fixes", "graphs.auto_fix.format_fixes", "graphs.auto_fix.loop_exits",
    "graphs.auto_fix.sort_fixes", "graphs.auto_fix.lookup_keys", "graphs.auto_fix.crash_shapes",
    "graphs.auto_fix.logic_fixes", "graphs.auto_fix.state_resets", "graphs.auto_fix.crash_more",
    "graphs.auto_fix.hang_more", "graphs.auto_fix.slip_fixes", "graphs.auto_fix.table_fixes",
    "graphs.auto_fix.call_slips", "graphs.auto_fix.text_shapes", "graphs.auto_fix.reset_shapes",
    "graphs.auto_fix.mirror_fixes", "graphs.auto_fix.hang_shapes", "graphs.auto_fix.return_fixes",
    "graphs.auto_fix.condition_fixes", "graphs.auto_fix.zero_fixes",
    "graphs.auto_fix.return_shapes", "graphs.auto_fix.container_crashes", "graphs.auto_fix.normalize_fixes",
    "graphs.auto_fix.narrow_handlers",
)


def _module_proposers(error_class: str) -> list[Proposer]:
    out: list[Proposer] = []
    for name in TEMPLATE_MODULES:
        table = importlib.import_module(name).PROPOSERS
        out += [p for p in table.get(error_class, []) + table.get("*", []) if p not in out]
    return out


def template_candidates(ctx: FixContext) -> list[Candidate]:
    """All templates that fit the error class."""
    proposers = list(TEMPLATES.get(ctx.error_class, []))
    proposers += [p for p in _module_proposers(ctx.error_class) if p not in proposers]
    if ctx.error_class in ("type_error", "other_exception") and "NoneType" in ctx.message:
        proposers += [p for p in _NONE_FLOW if p not in proposers]
    if ctx.error_class == "other_exception":
        proposers += [type_fixes.argument_counts, type_fixes.value_shapes]
    out: list[Candidate] = []
    for proposer in proposers:
        out += _guarded(proposer, ctx)
    if ctx.tree is not None:
        out += _guarded(all_security_candidates, ctx)
    return out


# What a template can raise on code shapes it did not foresee; one such template must not sink the repair.
_TEMPLATE_ERRORS = (ValueError, TypeError, AttributeError, IndexError, KeyError, SyntaxError, RecursionError)


def _guarded(proposer: Proposer, ctx: FixContext) -> list[Candidate]:
    """The proposer's candidates, or none (logged to stderr) when it fails on this code."""
    try:
        return proposer(ctx)
    except _TEMPLATE_ERRORS as exc:
        log.warning("template %s failed on this code and was skipped: %r", getattr(proposer, "__qualname__",
                                                                                     proposer), exc)
        return []


def mutation_candidates(ctx: FixContext, *, second: bool = False, limit: int = 60) -> list[Candidate]:
    """First-order mutations on the suspicious lines (or pairs of the best ones when `second`)."""
    lines = ctx.suspicious[:8]
    if not lines:
        return []
    muts = mutations_for_lines(ctx.code, lines, line_weights(lines))
    out: list[Candidate] = []
    if not second:
        for m in muts[:limit]:
            code = apply_mutation(ctx.code, m)
            if code:
                out.append(Candidate(code, "ast_mutation", m.description, m.prior * 0.7, (m.edit,),
                                     destructive=m.operator in DESTRUCTIVE))
        return out
    for a, b in second_order(muts)[:limit]:
        code = apply_mutation(ctx.code, a, b)
        if code:
            out.append(Candidate(code, "ast_mutation", f"{a.description}; {b.description}",
                                 a.prior * b.prior * 0.5, (a.edit, b.edit),
                                 destructive=bool({a.operator, b.operator} & DESTRUCTIVE)))
    return out


def static_candidates(code: str, settings: object) -> list[Candidate]:
    """semgrep autofixes (one per rule) and ruff's safe fixes."""
    from graphs.common.static import ruff_fix, semgrep_autofixes

    out = []
    for rule_id, fixed in semgrep_autofixes(code, settings):
        out.append(Candidate(fixed, "semgrep_autofix", f"semgrep autofix for `{rule_id}`", 0.8))
    fixed = ruff_fix(code)
    if fixed:
        out.append(Candidate(fixed, "ruff_fix", "ruff safe fixes", 0.5))
    return out


def retrieved_candidates(kb: object, signature: str, code: str, k: int = 5) -> list[Candidate]:
    """Past fixes whose "before" shape matches this code, re-applied; they are tried first."""
    from graphs.common.kb.fixes import find_past_fixes

    out = []
    for rank, past in enumerate(find_past_fixes(kb, signature=signature, code=code, k=k)):
        fixed = apply_past_fix(code, past.before, past.after)
        if fixed and parses(fixed):
            out.append(Candidate(fixed, "retrieved_fix", f"re-applied past fix {past.id} ({past.title})",
                                 0.99 - 0.01 * rank, source_id=past.id))
    return out


class LLMFix(BaseModel):
    """The model's answer: the full fixed module and a one-paragraph explanation."""

    fixed_code: str = Field(min_length=1)
    explanation: str = ""


def check_llm_code(original: str, fixed: str) -> str | None:
    """Why an LLM answer is unusable (None when it is full, parsable code defining the same top-level names)."""
    if not parses(fixed):
        return "does not parse"
    try:
        wanted = set(top_level_names(ast.parse(original)))
    except SyntaxError:
        wanted = set()
    missing = wanted - set(top_level_names(ast.parse(fixed)))
    return f"missing top-level definitions {sorted(missing)} (not the full module)" if missing else None


def llm_candidate(model: object, ctx: FixContext, *, error: str, context: str, tests: str) -> tuple[
        list[Candidate], str | None]:
    """Ask the LLM for one full fix; ([], reason) when there is no model or the answer is unusable."""
    from graphs.common.llm import ask_structured

    answer = ask_structured(model, "auto_fix_propose", LLMFix, code=ctx.code, error=error or "(none)",
                            error_class=ctx.error_class, location=str(ctx.line or "unknown"),
                            suspicious=", ".join(map(str, ctx.suspicious[:5])) or "unknown",
                            context=context or "(none)", tests=tests or "(none)")
    if answer is None:
        return [], "LLM gave no usable answer; offline candidates only"
    fixed = answer.fixed_code.strip("\n") + "\n"
    problem = check_llm_code(ctx.code, fixed)
    if problem:
        return [], f"LLM answer rejected: {problem}"
    return [Candidate(fixed, "llm", answer.explanation.strip()[:500] or "LLM-proposed fix", 0.8)], None
