"""RecursionError repairs beyond a missing base case (templates.base_cases): a recursive call that passes its
input unchanged (also through mutual recursion) or keeps its midpoint, a partition that still holds the pivot, a
method calling itself on the same object, an equality base case a bigger step jumps over, and a walk over a
cyclic graph without a visited set or its check. Special methods that re-enter themselves: dunder_recursion."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import Candidate, FixContext
from graphs.auto_fix.dunder_recursion import instance_attributes
from graphs.auto_fix.edits import apply_edits, body_start, call_with, indent_of, insert_lines, node_edit
from graphs.auto_fix.propose_types import Proposer

_FuncDef = ast.FunctionDef | ast.AsyncFunctionDef


def _self_calls(func: _FuncDef) -> list[ast.Call]:
    """Calls of `func` by its own name (or `self.name`) inside its body."""
    out = []
    for node in ast.walk(func):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id == func.name or isinstance(f, ast.Attribute) \
                    and f.attr == func.name and isinstance(f.value, ast.Name) and f.value.id in ("self", "cls"):
                out.append(node)
    return out


def _cycle_calls(tree: ast.Module, func: _FuncDef) -> list[ast.Call]:
    """Calls in `func` of functions that lead back to `func` (itself, or mutual recursion through others)."""
    funcs = {f.name: f for f in ast.walk(tree) if isinstance(f, _FuncDef)}
    calls = {name: {c.func.id for c in ast.walk(f) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
                    and c.func.id in funcs} for name, f in funcs.items()}

    def reaches(start: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            name = todo.pop()
            if name == func.name:
                return True
            if name not in seen:
                seen.add(name)
                todo += calls.get(name, ())
        return False

    return [c for c in ast.walk(func) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
            and c.func.id in funcs and reaches(c.func.id)] + [c for c in _self_calls(func)
                                                              if not isinstance(c.func, ast.Name)]


def _params(func: _FuncDef) -> list[str]:
    names = [a.arg for a in func.args.args]
    return names[1:] if names and names[0] in ("self", "cls") else names


def _shrunk(func: _FuncDef, p: str) -> list[tuple[str, float, str]]:
    """Smaller versions of parameter `p`: locals computed from it, `p // k` where `p % k` is used, `p - 1`,
    `p // 2`, and `p[1:]`/`p[:-1]` for sliced parameters."""
    out: list[tuple[str, float, str]] = []
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            pairs = list(zip(target.elts, node.value.elts, strict=True)) if isinstance(target, ast.Tuple) and \
                isinstance(node.value, ast.Tuple) and len(target.elts) == len(node.value.elts) else \
                [(t, node.value) for t in target.elts] if isinstance(target, ast.Tuple) else [(target, node.value)]
            for name, value in pairs:
                if isinstance(name, ast.Name) and name.id != p and p in {
                        n.id for n in ast.walk(value) if isinstance(n, ast.Name)}:
                    # A slice of the input or arithmetic on it is the input made smaller; an item of it is not.
                    same_kind = isinstance(value, ast.BinOp) or isinstance(value, ast.Subscript) and isinstance(
                        value.slice, ast.Slice) or isinstance(value, ast.Call) and ast.unparse(value.func) == "divmod"
                    out.append((name.id, 0.9 if same_kind else 0.72, f"`{name.id}`, computed from `{p}`"))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Name) \
                and node.left.id == p:
            out.append((f"{p} // {ast.unparse(node.right)}", 0.88, f"`{p}` without the part `% "
                        f"{ast.unparse(node.right)}` took"))
    for loop in (n for n in ast.walk(func) if isinstance(n, ast.For | ast.comprehension)):
        it = loop.iter
        base = it.func.value if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) else \
            it.args[0] if isinstance(it, ast.Call) and it.args else it
        if isinstance(base, ast.Name) and base.id == p and isinstance(loop.target, ast.Name):
            t = loop.target.id
            keys = isinstance(it, ast.Name) or isinstance(it, ast.Call) and ast.unparse(it.func) in (
                "sorted", f"{p}.keys", "reversed")
            if keys:
                out.append((f"{p}[{t}]", 0.87, f"`{p}[{t}]`, the value for the current key"))
            out.append((t, 0.86, f"the loop's current item `{t}`"))
        elif isinstance(loop.target, ast.Name) and p in {n.id for n in ast.walk(it) if isinstance(n, ast.Name)}:
            # `for entry in groups.get(group, ())`: the recursion follows an entry found under `p`, not `p` again;
            # an entry recognised by a prefix (`entry.startswith("@")`) names the next key without it.
            t = loop.target.id
            prefixes = [c.args[0].value for c in ast.walk(loop) if isinstance(c, ast.Call)
                        and isinstance(c.func, ast.Attribute) and c.func.attr == "startswith"
                        and ast.unparse(c.func.value) == t and c.args and isinstance(c.args[0], ast.Constant)
                        and isinstance(c.args[0].value, str)]
            out += [(f"{t}[{len(x)}:]", 0.87, f"the entry `{t}` without its {x!r} marker") for x in prefixes[:1]]
            out.append((t, 0.85, f"the entry `{t}` found under `{p}`"))
    sliced = any(isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id == p
                 or isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "len"
                 and n.args and isinstance(n.args[0], ast.Name) and n.args[0].id == p for n in ast.walk(func))
    if sliced:
        out += [(f"{p}[1:]", 0.8, f"`{p}` without its first item"), (f"{p}[:-1]", 0.7, f"`{p}` without its last item")]
    else:
        out += [(f"{p} - 1", 0.8, f"`{p} - 1`"), (f"{p} // 2", 0.7, f"half of `{p}`")]
    return sorted(out, key=lambda o: -o[1])


def shrinking_calls(ctx: FixContext) -> list[Candidate]:
    """A recursive call passes its parameters unchanged (`digit_sum(n)` for `digit_sum(n // 10)`): pass a
    smaller input."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, _FuncDef)):
        params = _params(func)
        for call in _cycle_calls(ctx.tree, func):
            if not call.args or not all(isinstance(a, ast.Name) and a.id in params or isinstance(a, ast.Constant)
                                        for a in call.args):
                continue
            for arg in call.args:
                if not (isinstance(arg, ast.Name) and arg.id in params):
                    continue
                for text, prior, why in _shrunk(func, arg.id):
                    code = apply_edits(ctx.code, [node_edit(ctx.lines, arg, text)])
                    if code:
                        out.append(Candidate(code, "template", f"line {call.lineno}: the recursive call passed "
                                             f"`{arg.id}` unchanged, so it never got closer to the base case; it "
                                             f"now passes {why}", prior))
    return out


def narrowed_partitions(ctx: FixContext) -> list[Candidate]:
    """A recursive function splits its input into a head and `rest = xs[1:]` but one partition still iterates
    over all of `xs` (head included), so the recursion never shrinks: iterate over `rest`."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, _FuncDef) and _self_calls(f)):
        for p in _params(func):
            smaller = [name for name, prior, _ in _shrunk(func, p) if prior >= 0.9 and name.isidentifier()]
            if not smaller:
                continue
            for comp in (n for n in ast.walk(func) if isinstance(n, ast.comprehension)
                         and isinstance(n.iter, ast.Name) and n.iter.id == p):
                code = apply_edits(ctx.code, [node_edit(ctx.lines, comp.iter, smaller[0])])
                if code:
                    out.append(Candidate(code, "template", f"line {comp.iter.lineno}: the partition iterated over all "
                                         f"of `{p}` (the element it splits on included); it now iterates over "
                                         f"`{smaller[0]}`", 0.9))
    return out


def _class_of(tree: ast.Module, func: _FuncDef) -> ast.ClassDef | None:
    return next((c for c in ast.walk(tree) if isinstance(c, ast.ClassDef) and func in c.body), None)


def linked_receivers(ctx: FixContext) -> list[Candidate]:
    """`self.path()` inside `path`: the method calls itself on the same object; walk the link instead
    (`self.parent.path()`), trying the attributes the method reads first."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, _FuncDef)):
        cls = _class_of(ctx.tree, func)
        if cls is None:
            continue
        read = [n.attr for n in ast.walk(func) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
                and n.value.id == "self" and n.attr != func.name]
        attrs = sorted(instance_attributes(cls), key=lambda a: (a not in read, a))
        for call in _self_calls(func):
            if not (isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
                    and call.func.value.id == "self"):
                continue
            for i, attr in enumerate(attrs[:4]):
                code = apply_edits(ctx.code, [node_edit(ctx.lines, call.func.value, f"self.{attr}")])
                if code:
                    out.append(Candidate(code, "template", f"line {call.lineno}: `{func.name}` called itself on the "
                                         f"same object; it now follows `self.{attr}`", 0.88 * 0.96 ** i))
    return out


def excluded_midpoints(ctx: FixContext) -> list[Candidate]:
    """`find(xs, t, mid, hi)`: a range that keeps its midpoint never shrinks to nothing; pass `mid + 1` (or
    `mid - 1` for the upper bound)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, _FuncDef)):
        params = _params(func)
        for call in _self_calls(func):
            for i, arg in enumerate(call.args[:len(params)]):
                if not (isinstance(arg, ast.Name) and arg.id not in params):
                    continue
                upper = i + 1 == len(params) or params[i].lower() in ("hi", "high", "end", "stop", "right", "upper")
                for step, prior in (("- 1", 0.86), ("+ 1", 0.84)) if upper else (("+ 1", 0.86), ("- 1", 0.84)):
                    code = apply_edits(ctx.code, [node_edit(ctx.lines, arg, f"{arg.id} {step}")])
                    if code:
                        out.append(Candidate(code, "template", f"line {call.lineno}: the recursive call kept "
                                             f"`{arg.id}` in the range it passes as `{params[i]}`; it now passes "
                                             f"`{arg.id} {step}`", prior))
    return out


def skipped_base_cases(ctx: FixContext) -> list[Candidate]:
    """`if n == 0: return ...` while the recursion steps by more than one (`f(n - 2)`) or overshoots: the base
    case becomes `n <= 0` (`>=` for a growing parameter)."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, _FuncDef) and _self_calls(f)):
        params = set(_params(func))
        steps = {n.left.id: type(n.op) for c in _self_calls(func) for a in c.args for n in ast.walk(a)
                 if isinstance(n, ast.BinOp) and isinstance(n.left, ast.Name) and n.left.id in params
                 and isinstance(n.op, ast.Sub | ast.Add)}
        for node in ast.walk(func):
            if not (isinstance(node, ast.If) and isinstance(node.test, ast.Compare) and len(node.test.ops) == 1
                    and isinstance(node.test.ops[0], ast.Eq) and isinstance(node.test.left, ast.Name)
                    and node.test.left.id in steps):
                continue
            op = "<=" if steps[node.test.left.id] is ast.Sub else ">="
            text = f"{node.test.left.id} {op} {ast.unparse(node.test.comparators[0])}"
            code = apply_edits(ctx.code, [node_edit(ctx.lines, node.test, text)])
            if code:
                out.append(Candidate(code, "template", f"line {node.lineno}: the base case `{ast.unparse(node.test)}`"
                                     f" can be stepped over; it is now `{text}`", 0.9))
    return out


def _empty_results(func: _FuncDef) -> list[str]:
    """What a revisit should return: the function's literal returns, else an empty value of its result type."""
    values: list[str] = []
    for node in ast.walk(func):
        if isinstance(node, ast.Return) and node.value is not None:
            v = node.value
            text = ast.unparse(v) if isinstance(v, ast.Constant | ast.List | ast.Set | ast.Dict | ast.Tuple) else (
                "[]" if isinstance(v, ast.ListComp) or isinstance(v, ast.Call) and ast.unparse(v.func) in (
                    "sorted", "list") else "set()" if isinstance(v, ast.SetComp) or isinstance(v, ast.Call) and
                ast.unparse(v.func) == "set" else "0" if isinstance(v, ast.BinOp) or isinstance(v, ast.Call) and
                ast.unparse(v.func) in ("len", "sum") else None)
            if text and text not in values:
                values.append(text)
    return [*values[:2], "None"] if "None" not in values else values[:3]


def _in_loop(func: _FuncDef, call: ast.Call) -> bool:
    """`call` runs once per item: inside a loop body or a comprehension's element."""
    for n in ast.walk(func):
        parts = n.body if isinstance(n, ast.For | ast.While) else [n.elt] if isinstance(
            n, ast.ListComp | ast.SetComp | ast.GeneratorExp) else [n.key, n.value] if isinstance(n, ast.DictComp) else []
        if any(call is m for part in parts for m in ast.walk(part)):
            return True
    return False


def visited_sets(ctx: FixContext) -> list[Candidate]:
    """A recursive walk called once per neighbour in a loop never stops on a cycle: carry a visited set and
    return early on a node seen before."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, ast.FunctionDef)):
        args = func.args
        if args.vararg or args.kwarg or args.kwonlyargs:
            continue
        looped = [c for c in _self_calls(func) if _in_loop(func, c)]
        params = _params(func)
        varying = [p for c in looped for i, a in enumerate(c.args[:len(params)])
                   if not (isinstance(a, ast.Name) and a.id == params[i]) for p in [params[i]]]
        if not varying:
            continue
        node, seen = varying[0], "_seen"
        first = body_start(func)
        pad = indent_of(ctx.lines[first.lineno - 1])
        for key, key_why in ((node, ""), (f"id({node})", " (by identity: the nodes are not hashable)")):
            for value in _empty_results(func):
                edits = [node_edit(ctx.lines, c, call_with(c, f"{seen}={seen}")) for c in _self_calls(func)]
                last = args.args[-1] if args.args else None
                if last is None:
                    continue
                tail = f"{ast.unparse(last)}={ast.unparse(args.defaults[-1])}" if args.defaults else ast.unparse(last)
                edits.append(node_edit(ctx.lines, last if not args.defaults else args.defaults[-1],
                                       f"{ast.unparse(args.defaults[-1])}, {seen}=None" if args.defaults
                                       else f"{tail}, {seen}=None"))
                code = apply_edits(ctx.code, edits)
                if not code:
                    continue
                code = insert_lines(code, first.lineno, [
                    f"{pad}if {seen} is None:", f"{pad}    {seen} = set()", f"{pad}if {key} in {seen}:",
                    f"{pad}    return {value}", f"{pad}{seen}.add({key})"])
                out.append(Candidate(code, "template", f"`{func.name}` recursed around a cycle; it now carries a "
                                     f"visited set{key_why} and returns `{value}` for a node it has seen",
                                     0.85 if key == node else 0.75))
    return out


def visited_checks(ctx: FixContext) -> list[Candidate]:
    """The walk records visited nodes (`seen.add(node)`) but never checks them: return early on a node it has
    seen before."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, _FuncDef) and _cycle_calls(ctx.tree, f)):
        params = set(_params(func))
        tested = {ast.unparse(c.comparators[0]) for c in ast.walk(func) if isinstance(c, ast.Compare)
                  and isinstance(c.ops[0], ast.In | ast.NotIn)}
        for stmt in (s for s in func.body if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)):
            call = stmt.value
            if not (isinstance(call.func, ast.Attribute) and call.func.attr in ("add", "append") and len(call.args) == 1
                    and isinstance(call.args[0], ast.Name) and call.args[0].id in params):
                continue
            holder, node = ast.unparse(call.func.value), call.args[0].id
            if holder in tested:
                continue
            returned = {ast.unparse(r.value) for r in ast.walk(func) if isinstance(r, ast.Return) and r.value}
            values = ([holder] if holder in returned else []) + [v for v in _empty_results(func) if v != holder]
            pad = indent_of(ctx.lines[stmt.lineno - 1])
            for i, value in enumerate(values[:3]):
                code = insert_lines(ctx.code, stmt.lineno, [f"{pad}if {node} in {holder}:", f"{pad}    return {value}"])
                out.append(Candidate(code, "template", f"line {stmt.lineno}: `{func.name}` recorded `{node}` in "
                                     f"`{holder}` but never checked it, so a cycle recursed forever; it now returns "
                                     f"`{value}` for a node already seen", 0.92 * 0.95 ** i))
    return out


def marked_visits(ctx: FixContext) -> list[Candidate]:
    """A depth-first walk checks `name in visiting` (and discards it afterwards) but never adds it: mark the node
    before walking its children, so a cycle is detected instead of recursing forever."""
    if ctx.tree is None:
        return []
    out: list[Candidate] = []
    for func in (f for f in ast.walk(ctx.tree) if isinstance(f, _FuncDef) and _cycle_calls(ctx.tree, f)):
        params = set(_params(func))
        checked = {(ast.unparse(c.comparators[0]), c.left.id) for c in ast.walk(func) if isinstance(c, ast.Compare)
                   and isinstance(c.ops[0], ast.In) and isinstance(c.left, ast.Name) and c.left.id in params}
        added = {ast.unparse(c.func.value) for c in ast.walk(func) if isinstance(c, ast.Call)
                 and isinstance(c.func, ast.Attribute) and c.func.attr in ("add", "append")}
        loop = next((s for s in func.body if isinstance(s, ast.For | ast.While)), None)
        for holder, node in sorted(checked):
            if holder in added:
                continue
            check = next((s for s in func.body if any(isinstance(c, ast.Compare) and isinstance(c.ops[0], ast.In)
                                                      and ast.unparse(c.comparators[0]) == holder
                                                      for c in ast.walk(s))), None)
            spots = [(loop.lineno, 0.9)] if loop is not None else []
            if check is not None and check is not loop and (check.end_lineno or check.lineno) + 1 != (
                    loop.lineno if loop is not None else -1):
                spots.append(((check.end_lineno or check.lineno) + 1, 0.88))
            # A check that raises reports a cycle: only the current path counts (a node reached twice through
            # different branches is no cycle), so the path gets its own copy. A check that returns skips nodes
            # already visited anywhere: mark them in the shared set.
            raises = check is not None and any(isinstance(n, ast.Raise) for n in ast.walk(check))
            for at, prior in spots[:2]:
                pad = indent_of(ctx.lines[at - 1]) if at <= len(ctx.lines) else "    "
                for text, how in ((f"{holder}.add({node})", "marked"), (f"{holder} = {holder} | {{{node}}}",
                                                                        "added to this path's copy of")):
                    code = insert_lines(ctx.code, at, [f"{pad}{text}"])
                    first = (how == "marked") != raises
                    out.append(Candidate(code, "template", f"line {at}: `{node}` is {how} `{holder}` before its "
                                         f"children are walked; the cycle check could never fire",
                                         prior if first else prior * 0.98))
    return out


PROPOSERS: dict[str, list[Proposer]] = {
    "recursion_error": [shrinking_calls, narrowed_partitions, skipped_base_cases,
                        visited_sets, visited_checks, linked_receivers, excluded_midpoints, marked_visits],
}
