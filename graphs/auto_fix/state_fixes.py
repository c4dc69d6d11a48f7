"""Mutable state shared by accident: class attributes, aliased rows, shallow copies and stored arguments.

- `class Cart: items = []` then `self.items.append(...)`: every instance shares one list; initialise it per
  instance in `__init__` (created when missing, forwarding to the base class).
- `[[0] * n] * m`, `[[]] * n`, `[{}] * n` repeat one inner object: build a fresh one per row with a comprehension.
- `dict.fromkeys(keys, [])` shares one list between every key: `{key: [] for key in keys}`.
- `snap = list(grid)` (or `out.append(grid)`) then the rows are changed: a shallow copy still shares the rows, so
  take `copy.deepcopy`; a plain alias of an argument that is then mutated changes the caller's object.
- `self.items = items` keeps the caller's list, which the methods then mutate: store a copy.

These shapes are wrong wherever the state is then mutated in place, so they are registered for every error class.
The speculative statement moves (stale state, misplaced statements) live in `state_moves`; both share the
per-request budget of `MAX_CANDIDATES`.
"""

from __future__ import annotations

import ast

from graphs.auto_fix import state_moves
from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.edits import Edit, apply_edits, indent_of, node_edit
from graphs.auto_fix.propose_types import Proposer
from graphs.auto_fix.state_moves import is_mutable, mutated_targets, root, self_attr

MAX_CANDIDATES = 6
_RECORD_BASES = frozenset({"NamedTuple", "TypedDict", "Enum", "IntEnum", "StrEnum", "BaseModel", "Protocol"})
_SHALLOW = frozenset({"list", "dict", "set"})
_Func = ast.FunctionDef | ast.AsyncFunctionDef


def _methods(cls: ast.ClassDef) -> list[_Func]:
    return [n for n in cls.body if isinstance(n, _Func) and n.args.args]


def mutated_attrs(cls: ast.ClassDef) -> set[str]:
    """Attributes the methods change in place through their first parameter (`self.x.append`, `self.x[k] = v`)."""
    out = set()
    for m in _methods(cls):
        me = m.args.args[0].arg
        out |= {a for t, _ in mutated_targets(m) if (a := self_attr(t, me))}
    return out


def _assigned_in(func: ast.AST, attr: str) -> bool:
    return any(isinstance(n, ast.Assign | ast.AnnAssign) and any(
        self_attr(t) == attr for t in (n.targets if isinstance(n, ast.Assign) else [n.target]))
        for n in ast.walk(func))


def _body_start(func: _Func) -> ast.stmt | None:
    """First statement after a docstring and a leading `super().__init__(...)` (None when there is none)."""
    body = list(func.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if body and isinstance(body[0], ast.Expr) and "super()" in ast.unparse(body[0]):
        body = body[1:]
    return body[0] if body else None


def _shared_fields(cls: ast.ClassDef) -> list[tuple[ast.stmt, str, str | None]]:
    """(statement, name, annotation) of class-level mutable attributes that instances mutate through self."""
    if any("dataclass" in ast.unparse(d) for d in cls.decorator_list) or any(
            ast.unparse(b).rsplit(".", 1)[-1] in _RECORD_BASES for b in cls.bases):
        return []
    mutated, init = mutated_attrs(cls), next((m for m in _methods(cls) if m.name == "__init__"), None)
    out = []
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name, ann, value = stmt.targets[0].id, None, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            name, ann, value = stmt.target.id, ast.unparse(stmt.annotation), stmt.value
        else:
            continue
        if is_mutable(value) and name in mutated and not (init and _assigned_in(init, name)):
            out.append((stmt, name, ann))
    return out


def class_level_state(ctx: FixContext) -> list[Candidate]:
    """Class-level mutable attributes mutated through `self` → initialised per instance in `__init__`."""
    if ctx.tree is None:
        return []
    out = []
    for cls in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.ClassDef)):
        fields = _shared_fields(cls)
        if not fields:
            continue
        keep = ctx.code.splitlines(keepends=True)
        edits: list[Edit] = []
        inits = []
        for stmt, name, ann in fields:
            value = ast.get_source_segment(ctx.code, stmt.value) or ast.unparse(stmt.value)
            inits.append(f"self.{name}{': ' + ann if ann else ''} = {value}")
            # `Cls.name` read elsewhere keeps the class attribute; instances still get their own.
            if f"{cls.name}.{name}" not in ctx.code and stmt.lineno == stmt.end_lineno:
                edits.append(Edit(stmt.lineno, 0, stmt.lineno, len(keep[stmt.lineno - 1]), ""))
        init = next((m for m in _methods(cls) if m.name == "__init__"), None)
        if init is not None:
            first = _body_start(init)
            if first is None:
                last = init.body[-1]
                pad = indent_of(keep[last.lineno - 1])
                at = (last.end_lineno or last.lineno) + 1
            else:
                pad, at = indent_of(keep[first.lineno - 1]), first.lineno
            text = "".join(f"{pad}{row}\n" for row in inits)
        else:
            anchor = next((n for n in cls.body if isinstance(n, _Func | ast.ClassDef)), None)
            if anchor is None:
                continue
            at = anchor.decorator_list[0].lineno if anchor.decorator_list else anchor.lineno
            pad = indent_of(keep[at - 1])
            head, call = ("self, *args, **kwargs", ["super().__init__(*args, **kwargs)"]) if cls.bases else (
                "self", [])
            text = "".join(f"{pad}{row}\n" for row in [f"def __init__({head}):"] + [
                f"    {r}" for r in call + inits]) + "\n"
        if at > len(keep):
            keep[-1] = keep[-1] if keep[-1].endswith("\n") else keep[-1] + "\n"
            code = apply_edits("".join(keep), edits)
            code = code + text if code is not None else None
        else:
            code = apply_edits(ctx.code, [*edits, Edit(at, 0, at, 0, text)])
        if code:
            names = ", ".join(f"`{n}`" for _, n, _ in fields)
            out.append(Candidate(code, "template", f"class `{cls.name}`: {names} initialised per instance in "
                                 "`__init__` (a class-level container is shared by every instance)", 0.88))
    return out


def _repeat_parts(node: ast.BinOp) -> tuple[ast.expr, ast.expr] | None:
    """(element, count) of `[elt] * count` / `count * [elt]` whose element is a mutable container."""
    for seq, count in ((node.left, node.right), (node.right, node.left)):
        if isinstance(seq, ast.List) and len(seq.elts) == 1 and is_mutable(seq.elts[0]):
            return seq.elts[0], count
    return None


def _fresh_name(nodes: tuple[ast.AST, ...], base: str) -> str:
    used = {n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name)}
    name = base
    while name in used:
        name = f"{name}_"
    return name


def aliased_constructions(ctx: FixContext) -> list[Candidate]:
    """`[[0] * n] * m` / `[[]] * n` → a comprehension; `dict.fromkeys(keys, [])` → a dict comprehension."""
    if ctx.tree is None:
        return []
    out = []
    for node in ast.walk(ctx.tree):
        new, why = None, ""
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and (parts := _repeat_parts(node)):
            elt, count = (ast.get_source_segment(ctx.code, p) or ast.unparse(p) for p in parts)
            var = _fresh_name(parts, "_")
            new = f"[{elt} for {var} in range({count})]"
            why = f"`{ast.unparse(node)}` repeats one inner object (changing one row changed all)"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "fromkeys" \
                and ast.unparse(node.func.value) == "dict" and len(node.args) == 2 and is_mutable(node.args[1]):
            keys, value = (ast.get_source_segment(ctx.code, a) or ast.unparse(a) for a in node.args)
            var = _fresh_name(tuple(node.args), "key")
            new = f"{{{var}: {value} for {var} in {keys}}}"
            why = f"`dict.fromkeys(..., {value})` gives every key the same object"
        if new:
            code = apply_edits(ctx.code, [node_edit(ctx.lines, node, new)])
            if code:
                out.append(Candidate(code, "template", f"line {node.lineno}: `{new}`: {why}", 0.88))
    return out


def with_copy_import(code: str) -> str:
    """`code` with `import copy` added after the docstring and `__future__` imports (unless already imported)."""
    tree = ast.parse(code)
    if any(isinstance(n, ast.Import) and any(a.name == "copy" and not a.asname for a in n.names)
           for n in tree.body):
        return code
    after = 0
    for stmt in tree.body:
        if (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and stmt is tree.body[0]) or (
                isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"):
            after = stmt.end_lineno or stmt.lineno
        else:
            break
    rows = code.splitlines(keepends=True)
    rows.insert(after, "import copy\n")
    return "".join(rows)


def _copy_source(value: ast.expr) -> tuple[ast.expr, bool] | None:
    """(copied object, shallow) for `list(x)`/`x[:]`/`x.copy()`/`copy.copy(x)`, (x, False) for a plain name/attr."""
    if isinstance(value, ast.Name | ast.Attribute) and not isinstance(value.ctx, ast.Store):
        return value, False
    if isinstance(value, ast.Call) and len(value.args) == 1 and not value.keywords and (
            ast.unparse(value.func) in _SHALLOW | {"copy.copy"}):
        return value.args[0], True
    if isinstance(value, ast.Call) and not value.args and isinstance(value.func, ast.Attribute) \
            and value.func.attr == "copy":
        return value.func.value, True
    if isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Slice) and not any(
            (value.slice.lower, value.slice.upper, value.slice.step)):
        return value.value, True
    return None


def _loop_aliases(func: ast.AST, name: str) -> set[str]:
    """Names bound to elements of `name` (`for row in name:`), whose changes reach inside `name`."""
    return {t.id for n in ast.walk(func) if isinstance(n, ast.For) and isinstance(n.iter, ast.Name)
            and n.iter.id == name for t in ast.walk(n.target) if isinstance(t, ast.Name)}


def _changes(func: ast.AST, text: str) -> tuple[bool, bool]:
    """(changed in place, changed inside its elements) for the object spelled `text` in `func`."""
    direct = nested = False
    loops = _loop_aliases(func, text)
    for target, inner in mutated_targets(func):
        src = ast.unparse(target)
        direct |= src == text
        nested |= (src == text and inner) or src in loops
    return direct, nested


def _params(func: _Func) -> set[str]:
    a = func.args
    return {x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs]}


def shallow_copies(ctx: FixContext) -> list[Candidate]:
    """A copy that still shares what is then changed: `snap = list(grid)` + `snap[i][j] = v`, or
    `history.append(board)` + `board[i][j] = v`, or `out = items` + `out.append(x)` → `copy.deepcopy`."""
    if ctx.tree is None:
        return []
    out = []
    for func in (n for n in ast.walk(ctx.tree) if isinstance(n, _Func)):
        params = _params(func)
        for node in ast.walk(func):
            site, stored = None, None
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                site, stored = node.value, node.targets[0].id
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr in ("append", "insert") and node.args:
                site = node.args[-1]
            found = _copy_source(site) if site is not None else None
            if found is None:
                continue
            source, shallow = found
            src = ast.unparse(source)
            base = root(source)
            if not (isinstance(base, ast.Name) and base.id in params) and self_attr(base) is None:
                continue  # only the caller's or the instance's data can be shared by accident
            if stored is not None:  # the copy is changed inside its rows, or a plain alias is changed at all
                direct, nested = _changes(func, stored)
                hit = nested if shallow else (direct or nested)
            else:  # a stored snapshot whose source keeps changing
                direct, nested = _changes(func, src)
                hit = nested if shallow else (direct or nested) and not isinstance(source, ast.Call)
            if not hit:
                continue
            code = apply_edits(ctx.code, [node_edit(ctx.lines, site, f"copy.deepcopy({src})")])
            if code:
                out.append(Candidate(with_copy_import(code), "template", f"line {node.lineno}: `copy.deepcopy("
                                     f"{src})`: the {'shallow copy' if shallow else 'alias'} still shared the data "
                                     "that is changed afterwards", 0.84 if shallow else 0.78))
    return out


def _copy_call(func: _Func, arg: str, attr: str, cls: ast.ClassDef) -> str:
    """`list`/`dict`/`set` by the parameter's annotation, its default, or how the attribute is used; else
    `copy.copy`."""
    a = func.args
    ann = next((ast.unparse(x.annotation) for x in a.args + a.kwonlyargs if x.arg == arg and x.annotation), "")
    for kind in ("list", "dict", "set"):
        if ann.lower().startswith(kind) or ann.startswith(kind.capitalize()):
            return kind
    defaults = dict(zip([x.arg for x in a.args[len(a.args) - len(a.defaults):]], a.defaults, strict=True))
    kinds = {ast.List: "list", ast.Dict: "dict", ast.Set: "set"}
    if type(defaults.get(arg)) in kinds:
        return kinds[type(defaults[arg])]
    used = {n.func.attr for n in ast.walk(cls) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and self_attr(n.func.value) == attr}
    keyed = any(isinstance(n, ast.Subscript) and self_attr(n.value) == attr and not (
        isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, int)) for n in ast.walk(cls))
    if used & {"append", "extend", "insert", "sort", "reverse"}:
        return "list"
    if used & {"setdefault", "popitem", "items", "keys", "values", "get"} or keyed:
        return "dict"
    return "set" if used & {"add", "discard"} else "copy.copy"


def stored_arguments(ctx: FixContext) -> list[Candidate]:
    """`self.items = items` (an argument) and a method then mutates `self.items`: store a copy instead."""
    if ctx.tree is None:
        return []
    out = []
    for cls in (n for n in ast.walk(ctx.tree) if isinstance(n, ast.ClassDef)):
        mutated = mutated_attrs(cls)
        for func in _methods(cls):
            params = _params(func) - {func.args.args[0].arg}
            for node in ast.walk(func):
                if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, ast.Name)
                        and node.value.id in params and (attr := self_attr(node.targets[0])) in mutated):
                    continue
                kind = _copy_call(func, node.value.id, attr, cls)
                code = apply_edits(ctx.code, [node_edit(ctx.lines, node.value, f"{kind}({node.value.id})")])
                if code:
                    code = with_copy_import(code) if kind == "copy.copy" else code
                    out.append(Candidate(code, "template", f"line {node.lineno}: `self.{attr} = {kind}("
                                         f"{node.value.id})`: the instance mutated the caller's object", 0.8))
    return out


def shared_state_fixes(ctx: FixContext) -> list[Candidate]:
    """Every structural shared-state fix, best first, at most `MAX_CANDIDATES`."""
    found = [c for p in (class_level_state, aliased_constructions, shallow_copies, stored_arguments)
             for c in p(ctx)]
    return sorted(found, key=lambda c: -c.prior)[:MAX_CANDIDATES]


def statement_moves(ctx: FixContext) -> list[Candidate]:
    """Speculative statement moves, within what the structural fixes left of the per-request budget."""
    room = MAX_CANDIDATES - len(shared_state_fixes(ctx))
    return state_moves.ranked_moves(ctx)[:max(room, 0)]


_MOVE_CLASSES = ("wrong_output", "assertion_error", "unknown", "index_error", "key_error", "type_error")
PROPOSERS: dict[str, list[Proposer]] = {"*": [shared_state_fixes], **{c: [statement_moves] for c in _MOVE_CLASSES}}
