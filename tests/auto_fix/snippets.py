"""Helpers for template tests: run a candidate's code and call one of its functions."""

from __future__ import annotations


def run_snippet(code: str, name: str, *args):
    """Execute `code` as a module and return `name(*args)`."""
    scope: dict = {}
    exec(compile(code, "solution.py", "exec"), scope)  # noqa: S102 - our own test input and candidates
    return scope[name](*args)


def working_codes(cands, name: str, args: tuple, expected) -> list[str]:
    """Codes of the candidates whose `name(*args)` returns `expected` (a candidate that raises doesn't work)."""
    ok = []
    for cand in cands:
        try:
            if run_snippet(cand.code, name, *args) == expected:
                ok.append(cand.code)
        except Exception:  # noqa: BLE001 - a candidate that raises simply does not work
            continue
    return ok
