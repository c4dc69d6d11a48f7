"""Shared mutable state and misplaced statements: each candidate is executed to check the behaviour it promises;
correct code stays silent (or, for speculative moves, only gets low-prior candidates)."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.state_fixes import (
    MAX_CANDIDATES,
    PROPOSERS,
    aliased_constructions,
    class_level_state,
    shallow_copies,
    shared_state_fixes,
    statement_moves,
    stored_arguments,
)
from graphs.auto_fix.state_moves import ranked_moves


def _ctx(code: str, error_class: str = "wrong_output", suspicious: list[int] | None = None,
         hints: str = "") -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class=error_class, suspicious=suspicious or [],
                      hints=hints)


def _scope(code: str) -> dict:
    scope: dict = {}
    exec(compile(code, "candidate", "exec"), scope)  # noqa: S102 - our own test snippets
    return scope


def _best(cands, phrase: str):
    found = [c for c in cands if phrase in c.explanation]
    assert found, [c.explanation for c in cands]
    return found[0]


# 1. class-level mutable attributes

def test_class_level_list_becomes_per_instance_and_a_constant_tuple_stays():
    code = ("class Playlist:\n    GENRES = ('rock', 'jazz')\n    songs = []\n\n    def add(self, title):\n"
            "        self.songs.append(title)\n        return len(self.songs)\n")
    fixes = class_level_state(_ctx(code))
    assert len(fixes) == 1 and "GENRES = ('rock', 'jazz')" in fixes[0].code
    cls = _scope(fixes[0].code)["Playlist"]
    a, b = cls(), cls()
    a.add("x")
    assert b.add("y") == 1 and cls.GENRES == ("rock", "jazz")


def test_class_level_dict_goes_into_existing_init_after_super_call():
    code = ("class Base:\n    def __init__(self):\n        self.ready = True\n\n\nclass Inventory(Base):\n"
            "    stock: dict[str, int] = {}\n\n    def __init__(self, owner):\n        super().__init__()\n"
            "        self.owner = owner\n\n    def put(self, sku, n):\n        self.stock[sku] = self.stock.get(sku, 0) + n\n")
    fixes = class_level_state(_ctx(code))
    assert len(fixes) == 1
    cls = _scope(fixes[0].code)["Inventory"]
    a, b = cls("ann"), cls("bob")
    a.put("pen", 2)
    assert b.stock == {} and a.stock == {"pen": 2} and a.ready


def test_missing_init_is_created_and_forwards_to_the_base():
    code = ("class Named:\n    def __init__(self, name):\n        self.name = name\n\n\nclass Team(Named):\n"
            "    members = set()\n\n    def join(self, who):\n        self.members.add(who)\n")
    fixes = class_level_state(_ctx(code))
    cls = _scope(fixes[0].code)["Team"]
    red, blue = cls("red"), cls("blue")
    red.join("ann")
    assert blue.members == set() and red.name == "red"


def test_read_only_class_list_and_dataclasses_are_left_alone():
    read_only = ("class Report:\n    COLUMNS = ['id', 'name']\n\n    def header(self):\n"
                 "        return ','.join(self.COLUMNS)\n")
    reset_in_init = ("class Log:\n    lines = []\n\n    def __init__(self):\n        self.lines = []\n\n"
                     "    def write(self, s):\n        self.lines.append(s)\n")
    assert class_level_state(_ctx(read_only)) == []
    assert class_level_state(_ctx(reset_in_init)) == []


# 2. aliasing constructions

def test_repeated_rows_become_a_comprehension():
    code = "def board(w, h):\n    cells = [[None] * w] * h\n    cells[0][1] = 'X'\n    return cells\n"
    fix = aliased_constructions(_ctx(code))[0]
    assert fix.prior >= 0.8
    assert _scope(fix.code)["board"](3, 2) == [[None, "X", None], [None, None, None]]


def test_list_of_one_empty_dict_repeated_becomes_fresh_dicts():
    code = "def buckets(n):\n    out = n * [{}]\n    out[0]['a'] = 1\n    return out\n"
    fix = aliased_constructions(_ctx(code))[0]
    assert _scope(fix.code)["buckets"](3) == [{"a": 1}, {}, {}]


def test_fromkeys_with_a_list_becomes_a_dict_comprehension():
    code = ("def index(words):\n    by_letter = dict.fromkeys('abc', [])\n    for w in words:\n"
            "        by_letter[w[0]].append(w)\n    return by_letter\n")
    fix = aliased_constructions(_ctx(code))[0]
    assert _scope(fix.code)["index"](["apple", "cat"]) == {"a": ["apple"], "b": [], "c": ["cat"]}


def test_correct_comprehension_and_immutable_repeats_are_left_alone():
    code = ("def grid(n, m):\n    rows = [[0] * n for _ in range(m)]\n    flat = [0] * n\n"
            "    names = dict.fromkeys('ab', 0)\n    return rows, flat, names\n")
    assert aliased_constructions(_ctx(code)) == []


def test_shallow_copy_with_changed_rows_becomes_deepcopy():
    code = ("def step(grid):\n    nxt = list(grid)\n    for r, row in enumerate(grid):\n        for c, v in enumerate(row):\n"
            "            nxt[r][c] = v + 1\n    return nxt\n")
    fix = shallow_copies(_ctx(code))[0]
    grid = [[1, 2], [3, 4]]
    assert _scope(fix.code)["step"](grid) == [[2, 3], [4, 5]] and grid == [[1, 2], [3, 4]]


def test_snapshot_of_a_board_that_keeps_changing_is_deep_copied():
    code = ("def replay(board, moves):\n    history = []\n    for r, c in moves:\n        board[r][c] = 1\n"
            "        history.append(board)\n    return history\n")
    fix = shallow_copies(_ctx(code))[0]
    assert _scope(fix.code)["replay"]([[0, 0]], [(0, 0), (0, 1)]) == [[[1, 0]], [[1, 1]]]


def test_flat_copy_changed_only_at_top_level_is_left_alone():
    code = "def with_extra(xs):\n    out = list(xs)\n    out.append(0)\n    return out\n"
    assert shallow_copies(_ctx(code)) == []


def test_stored_argument_that_is_mutated_is_copied():
    code = ("class Queue:\n    def __init__(self, jobs):\n        self.jobs = jobs\n\n    def push(self, job):\n"
            "        self.jobs.append(job)\n")
    fix = stored_arguments(_ctx(code))[0]
    jobs = ["a"]
    _scope(fix.code)["Queue"](jobs).push("b")
    assert jobs == ["a"]
    assert stored_arguments(_ctx(code.replace("self.jobs.append(job)", "return self.jobs[0]"))) == []


# 3. statement moves

def test_accumulator_meant_per_row_moves_into_the_loop():
    code = ("def row_totals(table):\n    totals = []\n    subtotal = 0\n    for row in table:\n        for cell in row:\n"
            "            subtotal += cell\n        totals.append(subtotal)\n    return totals\n")
    fixes = ranked_moves(_ctx(code, suspicious=[6, 7]))
    fix = _best(fixes, "`subtotal = 0` moved into")
    assert fix is fixes[0] and 0.5 <= fix.prior <= 0.6
    assert _scope(fix.code)["row_totals"]([[1, 2], [3]]) == [3, 3]


def test_accumulator_spanning_iterations_gets_the_move_only_as_a_low_prior():
    code = "def total_weight(parcels):\n    weight = 0\n    for p in parcels:\n        weight += p\n    return weight\n"
    moves = ranked_moves(_ctx(code, suspicious=[4]))
    assert moves and all(c.prior < 0.3 for c in moves)


def test_reset_inside_the_loop_moves_before_it():
    code = ("def count_vowels(words):\n    for w in words:\n        n = 0\n        for ch in w:\n"
            "            if ch in 'aeiou':\n                n += 1\n    return n\n")
    fix = _best(ranked_moves(_ctx(code, suspicious=[3, 6])), "moved before the loop")
    assert fix.prior >= 0.5 and _scope(fix.code)["count_vowels"](["tea", "io"]) == 4


def test_return_inside_the_loop_is_dedented():
    code = ("def positives(xs):\n    found = []\n    for x in xs:\n        if x > 0:\n            found.append(x)\n"
            "        return found\n")
    fix = _best(ranked_moves(_ctx(code, suspicious=[6])), "moved after the loop")
    assert _scope(fix.code)["positives"]([-1, 2, 3]) == [2, 3]


def test_unconditional_break_moves_into_the_if():
    code = ("def first_negative(xs):\n    hit = None\n    for x in xs:\n        if x < 0:\n            hit = x\n"
            "        break\n    return hit\n")
    fix = _best(ranked_moves(_ctx(code)), "`break` moved into")
    assert _scope(fix.code)["first_negative"]([3, -2, -5]) == -2


def test_statement_after_the_loop_reading_the_loop_variable_moves_inside():
    code = ("def labels(items):\n    out = []\n    for item in items:\n        label = item.upper()\n"
            "    out.append(label)\n    return out\n")
    fix = _best(ranked_moves(_ctx(code, suspicious=[5])), "moved into the loop above")
    assert _scope(fix.code)["labels"](["a", "b"]) == ["A", "B"]


def test_use_before_update_is_swapped():
    code = ("def running_max_gap(xs):\n    prev = xs[0]\n    best = 0\n    for x in xs[1:]:\n        prev = x\n"
            "        best = max(best, x - prev)\n    return best\n")
    fix = _best(ranked_moves(_ctx(code, suspicious=[5, 6])), "swapped")
    assert 0.35 <= fix.prior <= 0.6 and _scope(fix.code)["running_max_gap"]([1, 4, 5, 9]) == 4


def test_swap_that_would_read_an_unbound_name_is_not_proposed():
    code = "def area(w, h):\n    size = w * h\n    result = size + 0\n    return result\n"
    assert not [c for c in ranked_moves(_ctx(code)) if "swapped" in c.explanation]


def test_method_result_reset_between_calls():
    code = ("class Linter:\n    def __init__(self):\n        self.problems = []\n\n    def run(self, lines):\n"
            "        \"\"\"Problems found in these lines (a fresh list per call).\"\"\"\n        for i, ln in enumerate(lines):\n"
            "            if ln != ln.strip():\n                self.problems.append(i)\n        return self.problems\n")
    fix = _best(ranked_moves(_ctx(code)), "resets `self.problems`")
    assert fix.prior >= 0.45
    linter = _scope(fix.code)["Linter"]()
    linter.run([" a"])
    assert linter.run(["b", "c "]) == [1]


# budget and registration

def test_module_gives_at_most_six_candidates_ranked_by_suspicion():
    code = "".join(f"def f{i}(xs):\n    t = 0\n    for x in xs:\n        t = 0\n        t += x\n    return t\n\n"
                   for i in range(10))
    ctx = _ctx(code, suspicious=[18])
    moves = statement_moves(ctx)
    assert len(shared_state_fixes(ctx)) + len(moves) <= MAX_CANDIDATES == len(moves)
    assert "line 18" in moves[0].explanation  # the function holding the suspicious line leads


def test_registration_puts_structural_fixes_everywhere_and_moves_on_output_classes():
    assert shared_state_fixes in PROPOSERS["*"]
    assert statement_moves in PROPOSERS["wrong_output"] and "syntax_error" not in PROPOSERS
    assert shared_state_fixes(FixContext(code="def f(:\n", tree=None, error_class="syntax_error")) == []
