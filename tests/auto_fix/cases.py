"""Our own small buggy programs: code, the failure, the tests given to the tool, and held-out asserts that the
tool never sees (so a fix that merely overfits the given tests is caught)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BugCase:
    id: str
    code: str
    tests: str = ""
    error: str = ""
    context: str = ""
    heldout: str = ""


CASES: list[BugCase] = [
    BugCase(
        id="off_by_one_range",
        code='''def moving_sum(values, width):
    """Sums of each window of `width` consecutive values."""
    sums = []
    for start in range(len(values) - width + 2):
        sums.append(sum(values[start:start + width]))
    return sums
''',
        tests='''def test_windows():
    assert moving_sum([1, 2, 3, 4], 2) == [3, 5, 7]

def test_full_width():
    assert moving_sum([5, 5], 2) == [10]
''',
        heldout='''def test_heldout():
    assert moving_sum([1, 1, 1, 1, 1], 3) == [3, 3, 3]
    assert moving_sum([], 1) == []
''',
    ),
    BugCase(
        id="none_attribute_lookup",
        code='''class Account:
    def __init__(self, owner, email):
        self.owner = owner
        self.email = email


def find_account(accounts, owner):
    for account in accounts:
        if account.owner == owner:
            return account
    return None


def contact_address(accounts, owner):
    account = find_account(accounts, owner)
    return account.email.lower()
''',
        tests='''def test_known():
    assert contact_address([Account("ann", "Ann@X.org")], "ann") == "ann@x.org"

def test_unknown_owner_gives_none():
    assert contact_address([Account("ann", "a@x.org")], "bob") is None
''',
        error="""Traceback (most recent call last):
  File "/srv/app/main.py", line 3, in <module>
    print(contact_address(accounts, "bob"))
  File "/srv/app/accounts.py", line 16, in contact_address
    return account.email.lower()
AttributeError: 'NoneType' object has no attribute 'email'
""",
        heldout='''def test_heldout():
    accounts = [Account("ann", "A@B.c"), Account("cy", "CY@D.e")]
    assert contact_address(accounts, "cy") == "cy@d.e"
    assert contact_address([], "cy") is None
''',
    ),
    BugCase(
        id="missing_import",
        code='''def distance(p, q):
    dx = p[0] - q[0]
    dy = p[1] - q[1]
    return sqrt(dx * dx + dy * dy)
''',
        tests='''def test_345():
    assert distance((0, 0), (3, 4)) == 5.0
''',
        error="""Traceback (most recent call last):
  File "geo.py", line 4, in distance
    return sqrt(dx * dx + dy * dy)
NameError: name 'sqrt' is not defined
""",
        heldout='''def test_heldout():
    assert distance((1, 1), (1, 1)) == 0.0
    assert abs(distance((0, 0), (1, 1)) - 2 ** 0.5) < 1e-9
''',
    ),
    BugCase(
        id="wrong_comparison",
        code='''def can_vote(age, citizen):
    return citizen and age > 18
''',
        tests='''def test_eighteen():
    assert can_vote(18, True) is True

def test_minor():
    assert can_vote(17, True) is False
''',
        heldout='''def test_heldout():
    assert can_vote(40, True) is True
    assert can_vote(40, False) is False
''',
    ),
    BugCase(
        id="infinite_loop",
        code='''def first_at_least(values, threshold):
    """Index of the first value >= threshold, or -1."""
    i = 0
    while i < len(values):
        if values[i] >= threshold:
            return i
    return -1
''',
        tests='''def test_found_later():
    assert first_at_least([1, 5, 9], 4) == 1

def test_missing():
    assert first_at_least([1, 2], 7) == -1
''',
        error="first_at_least([1, 5, 9], 4) never returns: it hangs in an infinite loop",
        heldout='''def test_heldout():
    assert first_at_least([8], 3) == 0
    assert first_at_least([], 3) == -1
    assert first_at_least([0, 0, 0, 3], 3) == 3
''',
    ),
    BugCase(
        id="missing_base_case",
        code='''def count_down_sum(n):
    """Sum of n + (n-1) + ... + 1."""
    return n + count_down_sum(n - 1)
''',
        tests='''def test_values():
    assert count_down_sum(3) == 6
    assert count_down_sum(1) == 1
''',
        heldout='''def test_heldout():
    assert count_down_sum(10) == 55
    assert count_down_sum(0) == 0
''',
    ),
    BugCase(
        id="key_error_counter",
        code='''def tally(words):
    counts = {}
    for word in words:
        counts[word.lower()] += 1
    return counts
''',
        tests='''def test_tally():
    assert tally(["a", "B", "b"]) == {"a": 1, "b": 2}
''',
        heldout='''def test_heldout():
    assert tally([]) == {}
    assert tally(["X", "x", "x", "y"]) == {"x": 3, "y": 1}
''',
    ),
    BugCase(
        id="typo_name",
        code='''def gross_price(net_prices, tax_rate):
    subtotal = sum(net_prices)
    return round(subtotal * (1 + tax_rat), 2)
''',
        tests='''def test_gross():
    assert gross_price([10, 20], 0.1) == 33.0
''',
        heldout='''def test_heldout():
    assert gross_price([], 0.5) == 0
    assert gross_price([100], 0.25) == 125.0
''',
    ),
    BugCase(
        id="syntax_missing_colon",
        code='''def clamp(value, low, high)
    if value < low:
        return low
    if value > high:
        return high
    return value
''',
        tests='''def test_clamp():
    assert clamp(5, 0, 3) == 3
    assert clamp(-1, 0, 3) == 0
''',
        heldout='''def test_heldout():
    assert clamp(2, 0, 3) == 2
''',
    ),
    BugCase(
        id="zero_division_empty",
        code='''def mean_score(scores):
    if scores is None:
        return 0
    return sum(scores) / len(scores)
''',
        tests='''def test_mean():
    assert mean_score([2, 4]) == 3

def test_empty():
    assert mean_score([]) == 0
''',
        heldout='''def test_heldout():
    assert mean_score(None) == 0
    assert mean_score([1]) == 1
''',
    ),
    BugCase(
        id="mutating_while_iterating",
        code='''def drop_blank(lines):
    for line in lines:
        if not line.strip():
            lines.remove(line)
    return lines
''',
        tests='''def test_consecutive_blanks():
    assert drop_blank(["a", "", "", "b"]) == ["a", "b"]
''',
        heldout='''def test_heldout():
    assert drop_blank(["", " ", "x", "\\t", ""]) == ["x"]
    assert drop_blank([]) == []
''',
    ),
    BugCase(
        id="list_push_attribute",
        code='''def evens(numbers):
    out = []
    for n in numbers:
        if n % 2 == 0:
            out.push(n)
    return out
''',
        tests='''def test_evens():
    assert evens([1, 2, 3, 4]) == [2, 4]
''',
        heldout='''def test_heldout():
    assert evens([]) == []
    assert evens([0, 7]) == [0]
''',
    ),
    BugCase(
        id="str_plus_int",
        code='''def receipt_line(item, qty):
    return item + " x" + qty
''',
        tests='''def test_line():
    assert receipt_line("tea", 2) == "tea x2"
''',
        heldout='''def test_heldout():
    assert receipt_line("cake", 10) == "cake x10"
''',
    ),
    BugCase(
        id="doctest_only_boundary",
        code='''def grade(score):
    """Letter grade for a 0-100 score.

    >>> grade(90)
    'A'
    >>> grade(89)
    'B'
    >>> grade(75)
    'B'
    """
    if score > 90:
        return "A"
    return "B"
''',
        heldout='''def test_heldout():
    assert grade(100) == "A"
    assert grade(0) == "B"
''',
    ),
]

# Static-only input: a security finding, no error and no tests.
SECURITY_CASE = BugCase(
    id="unsafe_yaml_no_tests",
    code='''import yaml


def load_config(path):
    with open(path) as fh:
        return yaml.load(fh)
''',
)
