"""Behaviour of validated fixes away from the tested points: run the original and each fix on the same amplified
test inputs (`amplify.py`) in one sandbox process and compare what they compute.

Two signals, both relative between fixes that all pass the tests:
- crashes: probes ending in an exception the solution did not raise on purpose (a builtin failing on the data,
  a timeout); a fix that
  still crashes on nearby inputs where another does not is the likelier overfit (`int(mid)` at one use of a
  float index instead of `//` where it is computed);
- changed: probes on which the fix computes something else than the original; a bug sits in one place, so the
  right fix usually changes less of the original's behaviour than a wrong one that happens to pass
  (`reverse=False` flips every ordering, while the right fix only reorders ties).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from graphs.auto_fix.amplify import DIGEST, MARK, PROBE_TEST, amplified_tests

log = logging.getLogger(__name__)
CRASHES = "xt"  # probe endings (see amplify.PRELUDE): an exception the solution did not raise on purpose, a timeout


@dataclass(frozen=True)
class Behaviour:
    """How one fix behaved on the amplified probes, relative to the original."""

    probes: int = 0
    crashes: int = 0  # probes ending in an exception the solution did not raise on purpose, or a timeout
    changed: int = 0  # probes whose observations differ from the original's
    compared: bool = True  # False when the original could not be observed (it hangs): `changed` is unknown


def observations(outcomes: list, count: int) -> list[str]:
    """Per probe: its token (ending + digest), "" when the probe test did not report (collection error, killed)."""
    for o in outcomes:
        at = o.error.find(MARK) if o.name == PROBE_TEST else -1
        if at >= 0:
            text = o.error[at + len(MARK):].strip()
            tokens = [text[i:i + DIGEST + 1] for i in range(0, len(text), DIGEST + 1)]
            if len(tokens) == count and all(len(t) == DIGEST + 1 for t in tokens):
                return tokens
    return [""] * count


def _alone(fixed: list[str]) -> Behaviour:
    """Crashes of a fix whose original could not be observed (nothing to count changes against)."""
    reported = [f for f in fixed if f]
    if not reported:  # killed by the limit: counts as crashing everywhere
        return Behaviour(len(fixed), len(fixed), 0, compared=False)
    return Behaviour(probes=len(reported), crashes=sum(1 for f in reported if f[0] in CRASHES), compared=False)


def compare(original: list[str], fixed: list[str]) -> Behaviour:
    """Crashes and changes of one fix over the probes both runs reported."""
    both = [(o, f) for o, f in zip(original, fixed, strict=True) if o and f]
    return Behaviour(probes=len(both), crashes=sum(1 for _, f in both if f[0] in CRASHES),
                     changed=sum(1 for o, f in both if o != f))


def probe_fixes(original: str, fixes: list[str], tests: str, *, timeout_s: float, memory_mb: int,
                deadline_s: float, original_hangs: bool = False) -> list[Behaviour] | None:
    """Behaviour of each fix on the amplified tests, or None when the tests cannot be amplified or the probe run
    did not complete for the original (then nothing can be compared).

    An original that hangs on the tests would only spend the limit on its probes: then the fixes alone run, and
    only their crashes (a fix still timing out near the tested inputs) tell them apart."""
    source, count = amplified_tests(tests)
    if not count or not fixes:
        return None
    from graphs.common.sandbox import Limits, run_tests_many

    # Every probe has its own alarm; the candidate's limit covers them all plus the test session.
    limits = Limits(timeout_s=max(timeout_s, 1.0) + count * 0.1, memory_mb=memory_mb)
    if original_hangs:
        runs = run_tests_many(fixes, source, limits, deadline_s=deadline_s)
        return [_alone(observations(run.outcomes, count)) for run in runs]
    runs = run_tests_many([original, *fixes], source, limits, deadline_s=deadline_s)
    seen = [observations(run.outcomes, count) for run in runs]
    if not any(seen[0]):
        log.info("amplified probes did not run on the original (%s)", runs[0].import_error or runs[0].crashed)
        return None
    reported = sum(1 for o in seen[0] if o)
    # A fix whose probe run reported nothing (killed by the limit) counts as crashing and changing everywhere.
    return [compare(seen[0], s) if any(s) else Behaviour(reported, reported, reported) for s in seen[1:]]
