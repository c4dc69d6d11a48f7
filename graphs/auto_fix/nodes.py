"""Nodes of the auto_fix graph: analyze_error → propose_fixes → test_fixes (↺ once) → rank_fixes → record_fix."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import replace
from typing import Literal

from graphs.auto_fix.analyze import NOTHING_TO_FIX, analyze
from graphs.auto_fix.candidates import Candidate, dedupe
from graphs.auto_fix.edits import parses
from graphs.auto_fix.follow_up import follow_up_candidates, progressed
from graphs.auto_fix.localize import widen_lines
from graphs.auto_fix.propose import (
    llm_candidate,
    mutation_candidates,
    retrieved_candidates,
    static_candidates,
    template_candidates,
)
from graphs.auto_fix.ranking import Tested, assess_risk, changed_lines, confidence, rank_key, unified_diff
from graphs.auto_fix.retrieved import fix_snippets
from graphs.auto_fix.schema import Fix, Validation
from graphs.auto_fix.security_more import all_security_candidates
from graphs.auto_fix.spec_hints import boost_by_spec, spec_text
from graphs.auto_fix.state import AutoFixState
from graphs.common.deps import Deps

log = logging.getLogger(__name__)
ENOUGH_VALIDATED = 3
MORE_AFTER_FIRST = 3  # alternatives still tried once one fix is validated
MAX_ROUNDS = 2
MAX_FIXES = 5
WORKERS = 2
BATCH = 8  # candidates validated per sandbox process
TIMEOUT_WEIGHT = 5  # patience spent by a candidate that timed out
FOLLOW_UP_PATIENCE = 8  # more candidates allowed in round 2 when round 1 got further than the original


def emit(node: str, message: str) -> None:
    """Send a progress event to the stream (no-op when the node runs outside a graph)."""
    from langgraph.config import get_stream_writer

    try:
        get_stream_writer()({"node": node, "message": message})
    except RuntimeError:  # called directly, not inside a runnable context
        log.debug("%s: %s", node, message)


def _budget_left(state: AutoFixState, deps: Deps) -> float:
    return state["started"] + deps.settings.fix_budget_s - time.monotonic()


def _out_of_patience(state: AutoFixState, deps: Deps, results: list[Tested], in_flight: int = 0) -> bool:
    """True once `fix_patience` candidates were tried and none beat the original: most fixes come among the
    first few dozen candidates, and a search without any progress rarely ends well. Counted in candidates (a
    timed-out one counts TIMEOUT_WEIGHT times), not seconds, so the outcome does not depend on machine load."""
    tested = list(state.get("tested", [])) + results
    base = state.get("baseline_passed", 0)
    if any(t.validation.validated or t.validation.tests_passed > base for t in tested):
        return False
    return _spent(tested) + in_flight >= state.get("patience", deps.settings.fix_patience)


def _spent(tested: list[Tested]) -> int:
    """Patience used: a candidate that ran into the timeout cost as much as several ordinary ones."""
    return sum(TIMEOUT_WEIGHT if t.validation.timed_out else 1 for t in tested)


def _progress_made(state: AutoFixState) -> bool:
    analysis = state.get("analysis")
    return analysis is not None and bool(progressed(state.get("tested", []), state.get("baseline_passed", 0),
                                                    analysis))


def _kb_errors() -> tuple[type[Exception], ...]:
    """Failures of the knowledge store that must not fail the repair (past fixes/learning are extras)."""
    from chromadb.errors import ChromaError

    from graphs.common.kb.store import KBUnavailable

    return (KBUnavailable, ChromaError, OSError, sqlite3.Error)


def _signature(state: AutoFixState) -> str:
    from graphs.common.kb.fixes import error_signature

    a = state["analysis"]
    return error_signature(a.error_class, a.exception_type, a.message)


def analyze_error(state: AutoFixState, deps: Deps) -> dict:
    """Parse/classify the failure, derive tests, run the baseline with coverage, rank suspicious lines."""
    emit("analyze_error", "analyzing the error and running the baseline tests")
    res = analyze(state["code"], state.get("error_message", ""), state.get("context", ""),
                  state.get("tests", ""), deps.settings)
    a = res.analysis
    where = f" at line {a.location.line}" if a.location.line else ""
    emit("analyze_error", f"{a.error_class}{where}; baseline "
                          f"{a.baseline_tests_passed}/{a.baseline_tests_total} tests pass")
    return {"analysis": a, "fix_context": res.fix_context, "effective_tests": res.effective_tests,
            "findings_before": res.findings, "baseline_passed": res.baseline_passed,
            "candidate_timeout_s": res.candidate_timeout_s, "baseline_timed_out": res.baseline_timed_out,
            "notes": res.notes, "round": 0, "seen": set()}


def _first_round(state: AutoFixState, deps: Deps) -> tuple[list[Candidate], list[str]]:
    ctx, a = state["fix_context"], state["analysis"]
    notes: list[str] = []
    if a.error_class == "unknown" and NOTHING_TO_FIX in state.get("notes", []):
        # Nothing fails, but a known-vulnerable pattern is still worth hardening (validated by the tests).
        hardening = all_security_candidates(ctx) if ctx.tree is not None else []
        if hardening:
            notes.append("no failure to repair; proposing security hardening validated by the given tests")
        return hardening, notes
    with ThreadPoolExecutor(max_workers=1) as pool:
        # semgrep's autofix run (a process) overlaps the in-process proposers.
        static = pool.submit(static_candidates, ctx.code, deps.settings) \
            if ctx.tree is not None and a.static_findings else None
        found = template_candidates(ctx)
        if ctx.tree is not None:
            try:
                found += retrieved_candidates(deps.kb, _signature(state), ctx.code)
            except _kb_errors() as exc:
                notes.append(f"knowledge base unavailable, past fixes skipped: {exc}")
            if state.get("effective_tests"):
                found += mutation_candidates(ctx)
        found += static.result() if static is not None else []
    if deps.llm is not None:
        llm, note = llm_candidate(deps.llm, ctx, error=state.get("error_message", ""),
                                  context=state.get("context", ""), tests=state.get("effective_tests", ""))
        found += llm
        notes += [note] if note else []
    return found, notes


def _second_round(state: AutoFixState, deps: Deps) -> list[Candidate]:
    """Pairs of first-order edits, mutations on lines near the suspicious ones, and every proposer on top of the
    candidates that got further than the original (follow_up)."""
    ctx = state["fix_context"]
    found = mutation_candidates(ctx, second=True)
    wide = widen_lines(ctx.tree, ctx.suspicious[:6])
    if wide:  # the fault may sit on a line the tests did not single out (e.g. a wrong operator upstream)
        found += [replace(c, prior=c.prior * 0.8)
                  for c in mutation_candidates(replace(ctx, suspicious=wide), limit=40)]
    analysis = state.get("analysis")
    bases = progressed(state.get("tested", []), state.get("baseline_passed", 0), analysis) if analysis else []
    if bases and _budget_left(state, deps) > 1.0:
        found += follow_up_candidates(bases, context=state.get("context", ""),
                                      tests=state.get("effective_tests", ""), hints=ctx.hints,
                                      settings=deps.settings)
    return found


def propose_fixes(state: AutoFixState, deps: Deps) -> dict:
    """Collect candidates from every source, deduplicated by normalised AST."""
    rnd = state.get("round", 0) + 1
    found, notes = _first_round(state, deps) if rnd == 1 else (_second_round(state, deps), [])
    found = boost_by_spec(found, state["code"], spec_text(state["code"], state.get("context", "")))
    pending = dedupe(found, state["code"], state.get("seen"))
    emit("propose_fixes", f"round {rnd}: {len(pending)} distinct candidates")
    update: dict = {"pending": pending, "round": rnd, "notes": notes}
    if rnd > 1 and _progress_made(state):  # a search that got somewhere earns the follow-ups a hearing
        update["patience"] = _spent(state.get("tested", [])) + FOLLOW_UP_PATIENCE
    return update


def _to_validation(run) -> Validation:
    return Validation(compiles=run.compiled, tests_passed=run.passed, tests_total=run.total,
                      timed_out=run.timed_out, validated=run.all_passed)


def _first_failure(run) -> str:
    failing = [o.error for o in run.outcomes if not o.passed]
    return (run.import_error or run.crashed or (failing[0] if failing else ""))[:300]


def _validate_many(codes: list[str], tests: str, timeout_s: float, deadline_s: float,
                   deps: Deps) -> list[tuple[Validation, str] | None]:
    """Validate several candidates in one sandbox process (one confined fork per candidate): each one's
    validation and first failure, or None for those the deadline left unrun."""
    if not tests:
        return [(Validation(compiles=parses(code)), "") for code in codes]
    from graphs.common.sandbox import NOT_RUN, Limits, run_tests_many

    limits = Limits(timeout_s=timeout_s, memory_mb=deps.settings.sandbox_memory_mb)
    runs = run_tests_many(codes, tests, limits, deadline_s=max(deadline_s, 0.1))
    return [None if run.crashed == NOT_RUN else (_to_validation(run), _first_failure(run)) for run in runs]


def _batch_size(pending: int, submitted: int) -> int:
    """Small batches for the most likely candidates (an early fix stops the search sooner), larger ones later;
    the sandbox deadline, not the batch size, bounds the time."""
    grow = 2 if submitted < 4 else 4 if submitted < 12 else BATCH
    return max(1, min(grow, -(-pending // WORKERS)))


def settled_prefix(results: list[Tested], already: int = 0) -> list[Tested]:
    """The results, in the order they were tried, up to where a one-at-a-time search would have stopped (enough
    validated, or MORE_AFTER_FIRST tried after the first): candidates a parallel batch ran past that point are
    dropped, so the fixes offered do not depend on which worker happened to finish first."""
    validated, since_first = already, 0
    for i, t in enumerate(results):
        since_first += 1 if validated else 0
        if t.validation.validated:
            if t.candidate.strategy == "retrieved_fix":
                return results[:i + 1]
            validated += 1
        if validated >= ENOUGH_VALIDATED or (validated and since_first >= MORE_AFTER_FIRST):
            return results[:i + 1]
    return results


def demote_like_timeouts(pending: list[Candidate], timed_out: list[Candidate], code: str) -> list[Candidate]:
    """Candidates of the same source editing the same lines as one that timed out go last: they mostly
    repeat its hang (a smaller `timedelta` step that a `date` ignores), and each costs a whole timeout."""
    spots = {(c.strategy, tuple(changed_lines(code, c.code)[1])) for c in timed_out}
    if not spots:
        return pending
    like = {id(c) for c in pending if (c.strategy, tuple(changed_lines(code, c.code)[1])) in spots}
    return [c for c in pending if id(c) not in like] + [c for c in pending if id(c) in like]


def test_fixes(state: AutoFixState, deps: Deps) -> dict:
    """Run candidates in likelihood order, in batches on 2 workers, until enough are validated or the budget
    is spent."""
    tests, pending = state.get("effective_tests", ""), list(state.get("pending", []))
    timeout = state.get("candidate_timeout_s", 2.0)
    already = sum(1 for t in state.get("tested", []) if t.validation.validated)
    results: list[Tested] = []
    since_first = 0  # candidates started after the first validated one
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        running: dict[Future, list[Candidate]] = {}
        order: dict[int, int] = {}  # id(candidate) -> submission index
        while pending or running:
            validated = already + sum(1 for t in results if t.validation.validated)
            # A past fix that passes again is the answer: no alternatives needed.
            reused = any(t.validation.validated and t.candidate.strategy == "retrieved_fix" for t in results)
            enough = reused or validated >= ENOUGH_VALIDATED or (validated and since_first >= MORE_AFTER_FIRST)
            patience_out = _out_of_patience(state, deps, results, sum(len(b) for b in running.values()))
            while pending and len(running) < WORKERS and not (enough or patience_out) \
                    and _budget_left(state, deps) > 0:
                # One per sandbox call when candidates may hang (a batch runs its candidates one after another,
                # so each hanging one would hold back the rest), and for a past fix worth trying alone.
                alone = pending[0].strategy == "retrieved_fix" or state["analysis"].error_class == "hang"
                size = 1 if alone else _batch_size(len(pending), len(order))
                if validated:
                    size = max(1, min(size, MORE_AFTER_FIRST - since_first))
                batch, pending = pending[:size], pending[size:]
                since_first += len(batch) if validated else 0
                for cand in batch:
                    order[id(cand)] = len(order)
                running[pool.submit(_validate_many, [c.code for c in batch], tests, timeout,
                                    _budget_left(state, deps), deps)] = batch
                patience_out = _out_of_patience(state, deps, results, sum(len(b) for b in running.values()))
            if not running:
                break
            done, _ = wait(running, timeout=_budget_left(state, deps) + timeout + 15, return_when=FIRST_COMPLETED)
            for fut in done:
                batch = running.pop(fut)
                new = [Tested(c, r[0], failure=r[1]) for c, r in zip(batch, fut.result(), strict=True)
                       if r is not None]
                results += new
                if not state.get("baseline_timed_out"):  # when the original hangs, timeouts are expected
                    pending = demote_like_timeouts(pending, [t.candidate for t in new if t.validation.timed_out],
                                                   state["code"])
    results.sort(key=lambda t: order[id(t.candidate)])  # "tested" keeps the order candidates were tried in
    results = settled_prefix(results, already)
    ok = sum(1 for t in results if t.validation.validated)
    emit("test_fixes", f"tested {len(results)} candidates, {ok} validated")
    return {"tested": results, "pending": []}


test_fixes.__test__ = False  # a graph node, not a pytest test


def route_after_test(state: AutoFixState, deps: Deps) -> Literal["propose_fixes", "rank_fixes"]:
    """Another proposal round only with tests, nothing validated, rounds and budget left."""
    validated = any(t.validation.validated for t in state.get("tested", []))
    if validated or not state.get("effective_tests") or NOTHING_TO_FIX in state.get("notes", []) or state.get("round", 0) >= MAX_ROUNDS \
            or _budget_left(state, deps) <= 0.5 or state["fix_context"].tree is None \
            or (_out_of_patience(state, deps, []) and not _progress_made(state)):
        return "rank_fixes"
    return "propose_fixes"


def _finalists(state: AutoFixState) -> list[Tested]:
    tested = [t for t in state.get("tested", []) if t.validation.compiles]
    tests_exist = bool(state.get("effective_tests"))
    if tests_exist:
        base = state.get("baseline_passed", 0)
        validated = [t for t in tested if t.validation.validated]
        # Partial fixes (more tests pass than before) are shown only when nothing passes everything.
        tested = validated or [t for t in tested if t.validation.tests_passed > base]
    tested.sort(key=lambda t: rank_key(t, state["code"], tests_exist))
    return tested[: MAX_FIXES + 3]


def _scan_findings(state: AutoFixState, deps: Deps, finalists: list[Tested]) -> list[Tested]:
    from graphs.common.static import scan_many

    before = state.get("findings_before", [])
    before_keys = {(f.tool, f.rule_id) for f in before}
    per_code = scan_many([t.candidate.code for t in finalists], deps.settings) if finalists else []
    out = []
    for t, found in zip(finalists, per_code, strict=True):
        new = sum(1 for f in found if (f.tool, f.rule_id) not in before_keys)
        v = t.validation.model_copy(update={"findings_before": len(before), "findings_after": len(found)})
        out.append(replace(t, validation=v, new_findings=new))
    return out


def _probe_behaviour(state: AutoFixState, deps: Deps, finalists: list[Tested]) -> list[Tested]:
    """When several fixes pass the tests, run them and the original on amplified tests (see behaviour.py)."""
    from graphs.auto_fix.behaviour import probe_fixes

    validated = [t for t in finalists if t.validation.validated]
    if len(validated) < 2:
        return finalists
    found = probe_fixes(state["code"], [t.candidate.code for t in validated], state.get("effective_tests", ""),
                        timeout_s=state.get("candidate_timeout_s", 2.0),
                        memory_mb=deps.settings.sandbox_memory_mb, deadline_s=max(_budget_left(state, deps), 1.0),
                        original_hangs=state.get("baseline_timed_out", False))
    if found is None:
        return finalists
    by_id = {id(t): b for t, b in zip(validated, found, strict=True)}
    emit("rank_fixes", f"compared {len(validated)} fixes on amplified tests")
    return [replace(t, behaviour=by_id.get(id(t))) for t in finalists]


def rank_fixes(state: AutoFixState, deps: Deps) -> dict:
    """Scan the finalists once (batched), compare validated ones on amplified tests, rank them, and turn them
    into output Fix objects."""
    code, a = state["code"], state["analysis"]
    tests_exist = bool(state.get("effective_tests"))
    finalists = _finalists(state)
    with ThreadPoolExecutor(max_workers=1) as pool:  # the semgrep scan overlaps the probe run
        scanned = pool.submit(_scan_findings, state, deps, finalists)
        probed = _probe_behaviour(state, deps, finalists) if tests_exist else []
        finalists = scanned.result()
    behaviour = {t.candidate.code: t.behaviour for t in probed}
    finalists = [replace(t, behaviour=behaviour.get(t.candidate.code)) for t in finalists]
    if a.error_class == "static_finding" and not tests_exist:
        finalists = [t for t in finalists if t.validation.findings_after < t.validation.findings_before]
    finalists.sort(key=lambda t: rank_key(t, code, tests_exist))
    finding_lines = {f.line for f in a.static_findings if f.line}
    fixes = []
    for rank, t in enumerate(finalists[:MAX_FIXES], start=1):
        size, _ = changed_lines(code, t.candidate.code)
        fixes.append(Fix(
            fix_id=f"fix-{rank}-{hashlib.sha1(t.candidate.code.encode()).hexdigest()[:10]}",
            rank=rank, strategy=t.candidate.strategy, explanation=t.candidate.explanation,
            fixed_code=t.candidate.code, diff=unified_diff(code, t.candidate.code),
            risk=assess_risk(code, t.candidate.code, t.validation, finding_lines, t.behaviour),
            confidence=confidence(t, rank, tests_exist=tests_exist, size=size), validation=t.validation))
    notes = []
    if not tests_exist:
        notes.append("no tests were given or derivable: fixes are UNVALIDATED (compile/static checks only); "
                     "confidence is lowered — add tests or doctest examples to validate them")
    if not fixes and NOTHING_TO_FIX not in state.get("notes", []):
        s = deps.settings
        notes.append(f"no candidate fixed the failure ({len(state.get('tested', []))} tried in "
                     f"{time.monotonic() - state['started']:.1f} s; the search gives up after "
                     f"MO_FIX_PATIENCE={s.fix_patience} candidates without any passing more tests than the "
                     f"original, and always within MO_FIX_BUDGET_S={s.fix_budget_s:g} s)")
    emit("rank_fixes", f"{len(fixes)} fixes ranked")
    return {"fixes": fixes, "notes": notes}


def record_fix(state: AutoFixState, deps: Deps) -> dict:
    """Store the best fix in the knowledge base, only when tests validated it."""
    fixes = state.get("fixes", [])
    if not fixes or not fixes[0].validation.validated or state["analysis"].tests_source == "none":
        return {"learned_fix_id": None}
    from graphs.common.kb.fixes import record_fix as store_fix

    best, a = fixes[0], state["analysis"]
    before, after = fix_snippets(state["code"], best.fixed_code)
    try:
        fix_id = store_fix(deps.kb, error_class=a.error_class, signature=_signature(state), before=before,
                           after=after, diff=best.diff, provenance="auto_fix_code",
                           evidence={"tests_passed": best.validation.tests_passed,
                                     "tests_total": best.validation.tests_total, "strategy": best.strategy,
                                     "tests_source": a.tests_source})
    except _kb_errors() as exc:
        return {"learned_fix_id": None, "notes": [f"could not record the fix: {exc}"]}
    emit("record_fix", f"recorded fix {fix_id}")
    return {"learned_fix_id": fix_id}
