"""One realistic call per tool, shared by the end-to-end tests (in-memory, stdio, HTTP, no network)."""

BUGGY = '''def average(values):
    total = 0
    for v in values:
        total += v
    return total / len(values) + 1
'''
TESTS = '''from solution import average

def test_average():
    assert average([2, 4, 6]) == 4

def test_single():
    assert average([5]) == 5
'''

CALLS = {
    "ping": {},
    "list_capabilities": {},
    "get_system_status": {},
    "orchestrate_task": {
        "description": "Add a password reset flow to our web app: email a one-time link, let the user set a new "
                       "password, and expire the link after 30 minutes.",
        "requirements": ["reset links expire after 30 minutes", "rate limit reset requests"],
        "constraints": ["no downtime during deployment"],
    },
    "generate_architecture": {
        "project_description": "An online bookstore for a small team of 3 developers: catalogue browsing, "
                               "search, cart and checkout with card payments, about 2,000 orders a day.",
        "tech_stack": ["Python", "Django", "PostgreSQL"],
        "requirements": ["99.9% availability", "PCI compliance for payments"],
    },
    "auto_fix_code": {
        "code": BUGGY,
        "error_message": "AssertionError: assert 5.0 == 4",
        "tests": TESTS,
    },
}
