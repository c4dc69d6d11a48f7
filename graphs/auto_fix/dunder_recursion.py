"""RecursionError repairs for special methods that re-enter their own protocol through `self`: `len(self)` in
`__len__`, `f"{self}"` in `__str__`, `self == other` in `__eq__`, `setattr(self, ...)` in `__setattr__`, and
`__getattr__` reading an attribute that is misspelt or not set yet."""

from __future__ import annotations

import ast
import difflib

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import apply_edits, body_start, indent_of, insert_lines, node_edit
from graphs.auto_fix.propose_types import Proposer

_FuncDef = ast.FunctionDef | ast.AsyncFunctionDef


def instance_attributes(cls: ast.ClassDef) -> list[str]:
    """Attributes the class assigns on `self`, in order of appearance."""
    out: list[str] = []
    for node in ast.walk(cls):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and isinstance(node.value, ast.Name) \
                and node.value.id == "self" and node.attr not in out:
            out.append(node.attr)
    return out


_PROTOCOL = {"__len__": "len", "__iter__": "iter", "__str__": "str", "__repr__": "repr", "__hash__": "hash",
             "__bool__": "bool", "__reversed__": "reversed", "__abs__": "abs"}


def _reentries(method: ast.FunctionDef) -> list[ast.Name]:
    """`self` where the method re-enters its own protocol: `len(self)` in `__len__`, `self[k]` in `__getitem__`,
    `x in self` in `__contains__`, `for x in self` in `__iter__`."""
    out = []
    builtin = _PROTOCOL.get(method.name)
    for node in ast.walk(method):
        if method.name in ("__str__", "__repr__", "__format__") and isinstance(node, ast.FormattedValue) \
                and isinstance(node.value, ast.Name) and node.value.id == "self":
            out.append(node.value)
        if builtin and isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == builtin \
                and len(node.args) == 1 and isinstance(node.args[0], ast.Name) and node.args[0].id == "self":
            out.append(node.args[0])
        if method.name in ("__getitem__", "__setitem__", "__delitem__") and isinstance(node, ast.Subscript) \
                and isinstance(node.value, ast.Name) and node.value.id == "self":
            out.append(node.value)
        if method.name == "__contains__" and isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.In | ast.NotIn) \
                and isinstance(node.comparators[0], ast.Name) and node.comparators[0].id == "self":
            out.append(node.comparators[0])
        if method.name == "__iter__" and isinstance(node, ast.For | ast.comprehension) \
                and isinstance(node.iter, ast.Name) and node.iter.id == "self":
            out.append(node.iter)
    return out


def _comparisons(method: ast.FunctionDef) -> list[ast.Compare]:
    """`self == other` (or `<`, `!=` ...) inside `__eq__`/`__lt__`/...: the operator calls the method again."""
    other = method.args.args[1].arg if len(method.args.args) > 1 else "other"
    return [n for n in ast.walk(method) if isinstance(n, ast.Compare) and len(n.ops) == 1
            and isinstance(n.left, ast.Name) and n.left.id == "self" and isinstance(n.comparators[0], ast.Name)
            and n.comparators[0].id == other]


def _setattr_edits(ctx: FixContext, method: ast.FunctionDef) -> list[tuple[str, str]]:
    """(new code, what) for `setattr(self, k, v)` / `self.x = v` inside `__setattr__` → `super().__setattr__`."""
    edits = []
    for node in ast.walk(method):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr" \
                and len(node.args) == 3 and isinstance(node.args[0], ast.Name) and node.args[0].id == "self":
            edits.append(node_edit(ctx.lines, node, f"super().__setattr__({ast.unparse(node.args[1])}, "
                                                    f"{ast.unparse(node.args[2])})"))
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Attribute) \
                and isinstance(node.targets[0].value, ast.Name) and node.targets[0].value.id == "self":
            edits.append(node_edit(ctx.lines, node, f"super().__setattr__({node.targets[0].attr!r}, "
                                                    f"{ast.unparse(node.value)})"))
    code = apply_edits(ctx.code, edits) if edits else None
    return [(code, "stores through `super().__setattr__` instead of re-entering `__setattr__`")] if code else []


def _getattr_guards(ctx: FixContext, method: ast.FunctionDef, cls: ast.ClassDef) -> list[tuple[str, str]]:
    """`__getattr__` reading `self.data` recurses when `data` is not set yet (copy, pickle, a failed
    `__init__`): refuse that name (and dunders) up front."""
    name = method.args.args[1].arg if len(method.args.args) > 1 else None
    methods = {f.name for f in cls.body if isinstance(f, _FuncDef)}
    read = sorted({n.attr for n in ast.walk(method) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
                   and n.value.id == "self" and n.attr not in methods})
    if not name or not read:
        return []
    first = body_start(method)
    pad = indent_of(ctx.lines[first.lineno - 1])
    names = ", ".join(repr(r) for r in read)
    code = insert_lines(ctx.code, first.lineno, [f"{pad}if {name} in ({names},) or {name}.startswith('__'):",
                                                 f"{pad}    raise AttributeError({name})"])
    return [(code, f"refuses {names} and dunder names up front, so reading them before they are set raises "
                   f"AttributeError instead of recursing")]


def _misspelt_attributes(ctx: FixContext, method: ast.FunctionDef, cls: ast.ClassDef,
                         attrs: list[str]) -> list[tuple[str | None, str]]:
    """`self.values` read in `__getattr__` while `__init__` sets `self._values`: the missing name calls
    `__getattr__` again; read the attribute that exists."""
    methods = {f.name for f in cls.body if isinstance(f, _FuncDef)}
    out: list[tuple[str | None, str]] = []
    for node in ast.walk(method):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self" \
                and isinstance(node.ctx, ast.Load) and node.attr not in attrs and node.attr not in methods:
            for near in difflib.get_close_matches(node.attr, attrs, n=2, cutoff=0.6):
                out.append((apply_edits(ctx.code, [node_edit(ctx.lines, node, f"self.{near}")]),
                            f"reads `self.{near}`: `self.{node.attr}` does not exist, so reading it re-entered "
                            f"`{method.name}`"))
    return out


def special_method_recursion(ctx: FixContext) -> list[Candidate]:
    """A special method that re-enters itself through `self`: delegate to an instance attribute, compare
    attributes, store through `super()`, or guard `__getattr__`."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for cls in (c for c in ast.walk(ctx.tree) if isinstance(c, ast.ClassDef)):
        attrs = instance_attributes(cls)
        for method in (m for m in cls.body if isinstance(m, ast.FunctionDef) and m.name.startswith("__")):
            found: list[tuple[str | None, str]] = []
            for node in _reentries(method):
                if method.name in ("__str__", "__repr__", "__format__") and len(attrs) > 1:
                    # Inside an f-string `{self}` becomes `{self.x}, {self.y}`: every field, comma-separated.
                    fields = "}, {".join(f"self.{a}" for a in attrs)
                    found.append((apply_edits(ctx.code, [node_edit(ctx.lines, node, fields)]),
                                  f"shows its fields where it re-entered `{method.name}` through `self`"))
                found += [(apply_edits(ctx.code, [node_edit(ctx.lines, node, f"self.{a}")]),
                           f"uses `self.{a}` where it re-entered `{method.name}` through `self`") for a in attrs]
            for cmp in _comparisons(method):
                other = ast.unparse(cmp.comparators[0])
                op = ast.unparse(cmp).split(" ", 2)[1] if " " in ast.unparse(cmp) else "=="
                if attrs:
                    both = f"({', '.join(f'self.{a}' for a in attrs)},) {op} ({', '.join(f'{other}.{a}' for a in attrs)},)"
                    found.append((apply_edits(ctx.code, [node_edit(ctx.lines, cmp, both)]),
                                  f"compares the attributes instead of calling `{method.name}` again"))
                found.append((apply_edits(ctx.code, [node_edit(ctx.lines, cmp, f"vars(self) {op} vars({other})")]),
                              f"compares the instances' fields instead of calling `{method.name}` again"))
            if method.name == "__setattr__":
                found += _setattr_edits(ctx, method)
            if method.name in ("__getattr__", "__getattribute__", "__setattr__"):
                found += _misspelt_attributes(ctx, method, cls, attrs)
            if method.name == "__getattr__":
                found += _getattr_guards(ctx, method, cls)
            out += [Candidate(code, "template", f"`{cls.name}.{method.name}` {why}", 0.93 * 0.97 ** i)
                    for i, (code, why) in enumerate(found) if code]
    return out


def property_self_reads(ctx: FixContext) -> list[Candidate]:
    """`total` (a property) reading `self.total` calls itself: read the neighbouring property or attribute with
    the closest name (`self.subtotal`)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for cls in (c for c in ast.walk(ctx.tree) if isinstance(c, ast.ClassDef)):
        members = [f.name for f in cls.body if isinstance(f, _FuncDef)] + instance_attributes(cls) + [
            t.target.id for t in cls.body if isinstance(t, ast.AnnAssign) and isinstance(t.target, ast.Name)]
        for prop in (f for f in cls.body if isinstance(f, _FuncDef) and any(
                ast.unparse(d) == "property" for d in f.decorator_list)):
            others = [m for m in members if m != prop.name and not m.startswith("__")]
            for read in (n for n in ast.walk(prop) if isinstance(n, ast.Attribute) and n.attr == prop.name
                         and isinstance(n.value, ast.Name) and n.value.id == "self"):
                near = difflib.get_close_matches(prop.name, others, n=3, cutoff=0.3) or others[:3]
                for i, other in enumerate(near):
                    code = apply_edits(ctx.code, [node_edit(ctx.lines, read, f"self.{other}")])
                    if code:
                        out.append(Candidate(code, "template", f"line {read.lineno}: the property `{prop.name}` read "
                                             f"itself; it reads `self.{other}`", 0.9 * 0.96 ** i))
    return out


PROPOSERS: dict[str, list[Proposer]] = {"recursion_error": [special_method_recursion, property_self_reads]}
