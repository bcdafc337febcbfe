# SPDX-License-Identifier: GPL-2.0
"""TAP for the Python case files: @case registers and runs a test, expect()
checks, report() prints the plan and the results and exits."""
import sys
import traceback

_results = []


def case(fn):
    try:
        fn()
        _results.append((True, fn.__name__.replace("_", " "), ""))
    except Exception as e:  # a failed check or a protocol surprise
        tb = traceback.extract_tb(e.__traceback__)
        line = next((f.lineno for f in tb if f.name == fn.__name__), tb[-1].lineno)
        _results.append((False, fn.__name__.replace("_", " "),
                         "%s: %s (line %d)" % (type(e).__name__, e, line)))
    return fn


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def report():
    print("1..%d" % len(_results))
    for i, (good, name, why) in enumerate(_results, 1):
        print("%s %d - %s" % ("ok" if good else "not ok", i, name))
        if why:
            print("# " + why)
    sys.exit(0 if all(g for g, _, _ in _results) else 1)
