import asyncio
import math
import time


# ruleid: mutable-default-arg
def add_tag(tag, tags=[]):
    tags.append(tag)
    return tags


# ruleid: mutable-default-arg
def merge_opts(extra, base={}):
    base.update(extra)
    return base


# ok: mutable-default-arg
def add_tag_safe(tag, tags=None):
    tags = [] if tags is None else tags
    tags.append(tag)
    return tags


def lookups(row, cache):
    # ruleid: eq-none-comparison
    if row is None:
        return 0
    # ruleid: ne-none-comparison
    if cache is not None:
        return 1
    # ok: eq-none-comparison
    if row is None:
        return 2
    # ruleid: is-literal-comparison
    if (row == "header"):
        return 3
    # ruleid: is-not-literal-comparison
    if (row != 1000):
        return 4
    # ok: is-literal-comparison
    if row is True:
        return 5
    return 6


def load_config(path):
    # ruleid: swallowed-exception
    try:
        return open(path).read()
    except:
        pass
    # ruleid: swallowed-exception
    try:
        return path.upper()
    except Exception:
        pass
    # ok: swallowed-exception
    try:
        return int(path)
    except ValueError:
        pass


def same(a, b):
    # ruleid: self-comparison
    if a.size == a.size:
        return True
    # ok: self-comparison
    return a.size == b.size


def read_first_line(path):
    # ruleid: open-without-close
    fh = open(path)
    return fh.readline()


def read_all(path):
    # ok: open-without-close
    fh = open(path)
    data = fh.read()
    fh.close()
    with open(path) as other:
        data += other.read()
    return data


def safe_div(a, b):
    # ruleid: return-in-finally
    try:
        return a / b
    finally:
        return 0


def safe_div_ok(a, b):
    # ok: return-in-finally
    try:
        return a / b
    finally:
        print("done")


def check_total(total):
    # ruleid: assert-on-tuple
    assert total > 0, "total must be positive"
    # ok: assert-on-tuple
    assert total > 0, "total must be positive"


async def poll(client):
    while not client.ready():
        # ruleid: missing-await-asyncio-sleep
        await asyncio.sleep(0.5)
        # ok: missing-await-asyncio-sleep
        await asyncio.sleep(0.5)
        # ruleid: blocking-sleep-in-async
        time.sleep(1)
    # ok: missing-await-asyncio-sleep
    await asyncio.wait_for(asyncio.sleep(1), 2)


def make_handlers(names):
    handlers = []
    table = {}
    for name in names:
        # ruleid: late-binding-closure-in-loop
        handlers.append(lambda event: print(name, event))
        # ruleid: late-binding-closure-in-loop
        table[name] = lambda: name.upper()
        # ok: late-binding-closure-in-loop
        handlers.append(lambda event, name=name: print(name, event))
    return handlers, table


def prune(items, scores):
    # ruleid: modify-collection-while-iterating
    for item in items:
        if item < 0:
            items.remove(item)
    # ruleid: modify-collection-while-iterating
    for key in scores:
        if scores[key] == 0:
            del scores[key]
    # ok: modify-collection-while-iterating
    for item in list(items):
        if item < 0:
            items.remove(item)


def deltas(values):
    out = []
    for i in range(len(values)):
        # ruleid: range-len-index-past-end
        out.append(values[i + 1] - values[i])
    for i in range(len(values)):
        if i + 1 < len(values):
            # ok: range-len-index-past-end
            out.append(values[i + 1] - values[i])
    return out


class Shape:
    def area(self):
        # ruleid: raise-notimplemented
        raise NotImplementedError

    def perimeter(self):
        # ok: raise-notimplemented
        raise NotImplementedError


def ranked(scores):
    # ruleid: assign-sort-result
    ordered = sorted(scores)
    # ok: assign-sort-result
    best = sorted(scores)
    return ordered, best


def is_missing(value):
    # ruleid: nan-equality
    if value == float("nan"):
        return True
    # ruleid: nan-equality
    if value == math.nan:
        return True
    # ok: nan-equality
    return math.isnan(value)
