"""Benchmark derive.integrals on the cited catalogue tests/problems/integrals.py.

For every reference integral, measured in the same run with the same budget:

* ``derive.integrals.integrate(f, ..., seconds=B)``: solved exactly (closed form,
  numerically equal to the cited value), numerically (mpmath.quad value equal
  to the cited value to 1e-9), wrong (a value that disagrees), or failed
  (unevaluated);
* the baseline, plain ``sympy.integrate`` under ``derive.guard.run`` with the
  same budget B: exact (Integral-free and equal to the cited value), wrong
  (Integral-free but different: SymPy answered wrongly), unevaluated, or out
  of budget.

Prints the fractions, the ratio derive/SymPy of solved integrals, and the
longest single call of each (a derive call must stay within B plus process
start-up).

Run: ``python benchmarks/bench_integrals.py [--seconds 10] [--only ID ...]``.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import sympy as sp  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from derive.errors import DerivationTimeout  # noqa: E402
from derive.guard import run  # noqa: E402
from derive.integrals import integrate  # noqa: E402
from tests.problems.integrals import INTEGRALS, read  # noqa: E402


def agrees(value, expected, at):
    try:
        a = complex(sp.N(sp.sympify(value).xreplace(at), 20))
        b = complex(sp.N(expected.xreplace(at), 20))
    except (TypeError, ValueError):
        return False
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def plain_sympy(f, limits):
    return sp.integrate(f, *limits)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="budget per integral")
    parser.add_argument("--only", nargs="*", default=None, help="catalogue ids to run")
    args = parser.parse_args(argv)
    entries = [e for e in INTEGRALS if not args.only or e["id"] in args.only]
    if not entries:
        parser.error(f"no catalogue entry has the id {', '.join(args.only)}")
    ours = {"exact": 0, "numeric": 0, "wrong": 0, "failed": 0}
    base = {"exact": 0, "wrong": 0, "unevaluated": 0, "out of budget": 0, "error": 0}
    longest_ours = longest_base = (0.0, "")
    print(f"{'id':28s} {'derive':>9s} {'s':>6s}   {'sympy':>14s} {'s':>6s}")
    for entry in entries:
        f, limits, expected, at = read(entry)
        t0 = time.monotonic()
        r = integrate(f, *limits, seconds=args.seconds)
        t_ours = time.monotonic() - t0
        if r.status == "unevaluated":
            kind = "failed"
        elif agrees(r.value, expected, at):
            kind = r.status
        else:
            kind = "wrong"
        ours[kind] += 1
        longest_ours = max(longest_ours, (t_ours, entry["id"]))

        t0 = time.monotonic()
        try:
            value = run(plain_sympy, args=(f, limits), seconds=args.seconds,
                        what="plain sympy.integrate")
            if value.has(sp.Integral):
                outcome = "unevaluated"
            else:
                outcome = "exact" if agrees(value, expected, at) else "wrong"
        except DerivationTimeout:
            outcome = "out of budget"
        except Exception:  # SymPy raising on a hard integral counts as an error
            outcome = "error"
        t_base = time.monotonic() - t0
        base[outcome] += 1
        longest_base = max(longest_base, (t_base, entry["id"]))
        print(f"{entry['id']:28s} {kind:>9s} {t_ours:6.2f}   {outcome:>14s} {t_base:6.2f}",
              flush=True)

    n = len(entries)
    print(f"\n{n} integrals, budget {args.seconds:g} s each (same for both)")
    print("derive.integrals.integrate: " + ", ".join(
        f"{k} {v} ({v / n:.0%})" for k, v in ours.items()))
    print("plain sympy.integrate:      " + ", ".join(
        f"{k} {v} ({v / n:.0%})" for k, v in base.items()))
    solved_ours, solved_base = ours["exact"] + ours["numeric"], base["exact"]
    ratio = solved_ours / solved_base if solved_base else float("inf")
    print(f"solved (correct value): derive {solved_ours}/{n}, sympy {solved_base}/{n}, "
          f"ratio {ratio:.2f}")
    print(f"longest single call: derive {longest_ours[0]:.2f} s ({longest_ours[1]}), "
          f"sympy {longest_base[0]:.2f} s ({longest_base[1]})")


if __name__ == "__main__":
    main()
