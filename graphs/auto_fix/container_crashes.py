"""Crashes from using one container like another, read off the exception message:

- `'dict_keys' object is not subscriptable` (also views, map/filter/zip, generators, sets): index a list of it;
  for the first item, `next(iter(...))`;
- `'list' object has no attribute 'split'`: a text method called on a list of texts applies to each item (split
  ones flattened), or to the joined text;
- `'dict' object has no attribute 'address'`: the record is a dict; its fields are read with `[...]`.

Registered through `PROPOSERS`; `propose.TEMPLATE_MODULES` lists this module.
"""

from __future__ import annotations

import ast
import re

from graphs.auto_fix.candidates import Candidate, FixContext, node_candidate
from graphs.auto_fix.propose_types import Proposer
from graphs.auto_fix.templates import nodes_on

_UNSUBSCRIPTABLE = re.compile(r"'(dict_keys|dict_values|dict_items|map|filter|zip|generator|set|frozenset|"
                              r"itertools\.\w+|reversed|enumerate|odict_keys)' object is not subscriptable")
_LIST_ATTR = re.compile(r"'list' object has no attribute '(\w+)'")
_DICT_ATTR = re.compile(r"'dict' object has no attribute '(\w+)'")
_VIEWS = ("keys", "values", "items")


def indexed_views(ctx: FixContext) -> list[Candidate]:
    """`mapping.keys()[0]`, `map(f, xs)[i]`, `{...}[0]`: index a list of the items (for a set, a sorted one);
    the first key of a mapping is `next(iter(mapping))`."""
    m = _UNSUBSCRIPTABLE.search(ctx.message)
    if ctx.tree is None or ctx.line is None or not m:
        return []
    kind, out = m[1], []
    for sub in (s for s in nodes_on(ctx, ctx.line, (ast.Subscript,)) if isinstance(s.ctx, ast.Load)):
        base = ast.get_source_segment(ctx.code, sub.value) or ast.unparse(sub.value)
        wrap = "sorted" if kind in ("set", "frozenset") else "list"
        out += node_candidate(ctx, sub.value, f"{wrap}({base})", f"a `{kind}` cannot be indexed: `{wrap}(...)` of it "
                              "can", 0.86)
        call = sub.value
        first = isinstance(sub.slice, ast.Constant) and sub.slice.value == 0
        if first and isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in _VIEWS \
                and not call.args:
            owner = ast.unparse(call.func.value)
            target = owner if call.func.attr == "keys" else base
            out += node_candidate(ctx, sub, f"next(iter({target}))", f"the first of `{base}` without building a list",
                                  0.8)
        elif first:
            out += node_candidate(ctx, sub, f"next(iter({base}))", f"the first item of the `{kind}`", 0.7)
    return out


def _split_like(method: str) -> bool:
    return method in ("split", "rsplit", "splitlines")


def per_item_methods(ctx: FixContext) -> list[Candidate]:
    """A text method called on a list (`lines.split()`): apply it to each item (flattening what `split` returns),
    or to the items joined."""
    m = _LIST_ATTR.search(ctx.message)
    if ctx.tree is None or ctx.line is None or not m or not hasattr(str, m[1]):
        return []
    method, out = m[1], []
    for call in (c for c in nodes_on(ctx, ctx.line, (ast.Call,)) if isinstance(c.func, ast.Attribute) and c.func.attr == method):
        base = ast.get_source_segment(ctx.code, call.func.value) or ast.unparse(call.func.value)
        args = ", ".join(ast.unparse(a) for a in call.args)
        if _split_like(method):
            out += node_candidate(ctx, call, f"[part for item in {base} for part in item.{method}({args})]",
                                  f"`{base}` is a list of texts: each one is split and the parts kept in order", 0.84)
            sep = "\\n" if method == "splitlines" else " " if not call.args else ""
            if sep:
                out += node_candidate(ctx, call.func.value, f'"{sep}".join({base})', f"`{base}` is a list of texts: "
                                      "they are joined first", 0.7)
        else:
            out += node_candidate(ctx, call, f"[item.{method}({args}) for item in {base}]",
                                  f"`{base}` is a list of texts: `.{method}()` applies to each one", 0.82)
    return out


def dict_fields(ctx: FixContext) -> list[Candidate]:
    """`user.address.city` on dicts: `user["address"]["city"]` (the nested record too), or only the failing read."""
    m = _DICT_ATTR.search(ctx.message)
    if ctx.tree is None or ctx.line is None or not m or hasattr(dict, m[1]):
        return []
    parents = {id(c): p for p in ast.walk(ctx.tree) for c in ast.iter_child_nodes(p)}
    out: list[Candidate] = []
    for attr in (a for a in nodes_on(ctx, ctx.line, (ast.Attribute,)) if a.attr == m[1] and isinstance(a.ctx, ast.Load)):
        top, text = attr, f"{ast.unparse(attr.value)}[{attr.attr!r}]"
        out += node_candidate(ctx, attr, text, f"the record is a dict: `.{attr.attr}` → `[{attr.attr!r}]`", 0.84)
        while isinstance(parent := parents.get(id(top)), ast.Attribute) and not isinstance(
                parents.get(id(parent)), ast.Call) and isinstance(parent.ctx, ast.Load):
            top, text = parent, f"{text}[{parent.attr!r}]"
        if top is not attr:
            out += node_candidate(ctx, top, text, "the record and the records nested in it are dicts: fields are "
                                  "read with `[...]`", 0.86)
    return out


PROPOSERS: dict[str, list[Proposer]] = {
    "type_error": [indexed_views],
    "attribute_error": [per_item_methods, dict_fields],
}
