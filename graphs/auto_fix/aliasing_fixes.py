"""Aliasing repairs: a shallow copy of nested data (`dict(DEFAULTS)` shares the inner lists) made deep, and a
method that hands out its private container (`return self._items`) returning a copy instead."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import apply_edits, node_edit
from graphs.auto_fix.propose_types import Proposer
from graphs.auto_fix.security_fixes import ensure_import
from graphs.auto_fix.state_fixes import with_copy_import

_SHALLOW = frozenset({"dict", "list", "set", "copy.copy"})
_CONTAINERS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)


def _nested(value: ast.expr | None) -> bool:
    """A literal container holding containers (the inner ones are what a shallow copy shares)."""
    return isinstance(value, ast.List | ast.Dict | ast.Set | ast.Tuple) and any(
        isinstance(n, _CONTAINERS) for n in ast.walk(value) if n is not value)


def _module_values(tree: ast.Module) -> dict[str, ast.expr]:
    return {t.id: s.value for s in tree.body if isinstance(s, ast.Assign) for t in s.targets if isinstance(t, ast.Name)}


def deep_copies(ctx: FixContext) -> list[Candidate]:
    """`dict(X)`, `list(X)`, `X.copy()`, `copy.copy(X)` or `X[:]` of nested data → `copy.deepcopy(X)`."""
    if ctx.tree is None:
        return []
    module = _module_values(ctx.tree)
    out: list[Candidate] = []
    for node in ast.walk(ctx.tree):
        source = None
        if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords \
                and ast.unparse(node.func) in _SHALLOW:
            source = node.args[0]
        elif isinstance(node, ast.Call) and not node.args and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "copy":
            source = node.func.value
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice) and node.slice.lower is None \
                and node.slice.upper is None and isinstance(node.ctx, ast.Load):
            source = node.value
        if not isinstance(source, ast.Name | ast.Attribute | ast.Subscript):
            continue
        table = source.value if isinstance(source, ast.Subscript) else source  # `copy.copy(TEMPLATES[kind])`
        nested = isinstance(table, ast.Name) and _nested(module.get(table.id))
        if isinstance(source, ast.Subscript) and not nested:
            continue
        code = apply_edits(ctx.code, [node_edit(ctx.lines, node, f"copy.deepcopy({ast.unparse(source)})")])
        if code:
            out.append(Candidate(ensure_import(code, "copy"), "template", f"line {node.lineno}: "
                                 f"`{ast.unparse(node)}` copied only the outer level, so the nested lists and dicts "
                                 f"were shared; `copy.deepcopy` copies them too", 0.88 if nested else 0.7))
    return out


def _container_attrs(cls: ast.ClassDef) -> dict[str, str]:
    """`self.x = [...]` / `{...}` / `set()` / `list(...)` etc. assigned in the class: attr → copy function."""
    out = {}
    for node in ast.walk(cls):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Attribute) \
                and isinstance(node.targets[0].value, ast.Name) and node.targets[0].value.id == "self":
            v = node.value
            kind = "list" if isinstance(v, ast.List | ast.ListComp) else "dict" if isinstance(
                v, ast.Dict | ast.DictComp) else "set" if isinstance(v, ast.Set | ast.SetComp) else ast.unparse(
                v.func) if isinstance(v, ast.Call) and ast.unparse(v.func) in ("list", "dict", "set") else None
            if kind:
                out.setdefault(node.targets[0].attr, kind)
    return out


def returned_copies(ctx: FixContext) -> list[Candidate]:
    """A method returns its own list/dict/set (`return self._tracks`): callers that sort or filter the result
    change the object; return a copy."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for cls in (c for c in ast.walk(ctx.tree) if isinstance(c, ast.ClassDef)):
        attrs = _container_attrs(cls)
        for ret in (r for r in ast.walk(cls) if isinstance(r, ast.Return) and isinstance(r.value, ast.Attribute)
                    and isinstance(r.value.value, ast.Name) and r.value.value.id == "self"
                    and r.value.attr in attrs):
            text = f"{attrs[ret.value.attr]}({ast.unparse(ret.value)})"
            code = apply_edits(ctx.code, [node_edit(ctx.lines, ret.value, text)])
            if code:
                out.append(Candidate(code, "template", f"line {ret.lineno}: returns a copy `{text}`: callers "
                                     f"changed the object's own {attrs[ret.value.attr]}", 0.86))
            if ret.value.attr in _nested_attrs(cls):  # a snapshot of nested state must not share the inner parts
                deep = f"copy.deepcopy({ast.unparse(ret.value)})"
                code = apply_edits(ctx.code, [node_edit(ctx.lines, ret.value, deep)])
                if code:
                    out.append(Candidate(with_copy_import(code), "template", f"line {ret.lineno}: returns a deep "
                                         f"copy: the object's nested state changed under the caller", 0.85))
    return out


def _nested_attrs(cls: ast.ClassDef) -> set[str]:
    """`self.x = {"items": {}, ...}`: containers holding containers."""
    return {n.targets[0].attr for n in ast.walk(cls) if isinstance(n, ast.Assign) and len(n.targets) == 1
            and isinstance(n.targets[0], ast.Attribute) and isinstance(n.value, ast.Dict | ast.List)
            and any(isinstance(v, ast.Dict | ast.List | ast.Set | ast.DictComp | ast.ListComp)
                    for v in (n.value.values if isinstance(n.value, ast.Dict) else n.value.elts))}


PROPOSERS: dict[str, list[Proposer]] = {
    cls: [deep_copies, returned_copies] for cls in ("wrong_output", "assertion_error", "unknown")
}
