"""Benchmark derive.verify_steps on the catalogue of hand derivations and seeded mistakes.

On ``tests/problems/derivations.py``:

* every correct derivation: a *false alarm* is any step reported refuted;
  *inconclusive* steps are counted separately;
* every variant with one seeded mistake: *located* when the first wrong step
  reported is on the line of the mistake; *named* when the mistake's kind is
  the one seeded (for the variants whose kind is one of the recognizable
  kinds; ``other`` and ``solution`` variants only count for locating).

Prints the shares and the CPU time per derivation. There is no baseline tool
that checks derivations step by step (SymPy's ``simplify`` checks one
equality and proves or shrugs), so the shares stand alone.

Run: ``python benchmarks/bench_steps.py [--only ID ...]``.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sympy as sp  # noqa: E402

from derive.checking.steps import verify_steps  # noqa: E402
from tests.problems.derivations import DERIVATIONS, MISTAKES, variant  # noqa: E402

UNNAMED = {"other", "solution"}


def _symbols(entry):
    return [sp.Symbol(n, positive=True) for n in entry.get("positive", [])]


def run_correct(only=None):
    out = []
    for name, entry in DERIVATIONS.items():
        if only and name not in only:
            continue
        start = time.process_time()
        report = verify_steps(entry["lines"], symbols=_symbols(entry), points=3, seconds=2.0)
        refuted = [s.number for s in report.steps if s.status == "refuted"]
        unsure = [s.number for s in report.steps if s.status == "inconclusive"]
        out.append((name, refuted, unsure, time.process_time() - start))
    return out


def run_mistakes(only=None):
    out = []
    for mistake in MISTAKES:
        name, index, line, kind = mistake
        if only and name not in only:
            continue
        entry = DERIVATIONS[name]
        report = verify_steps(variant(mistake), symbols=_symbols(entry), points=3, seconds=2.0)
        first = next((s for s in report.steps if s.status == "refuted"), None)
        located = first is not None and first.line == index + 1
        named = located and first.mistake == kind
        out.append((name, index, kind, located, named, first.mistake if first else None))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", default=None)
    args = parser.parse_args()
    correct = run_correct(args.only)
    mistakes = run_mistakes(args.only)
    alarms = [c for c in correct if c[1]]
    unsure = [c for c in correct if c[2]]
    print(f"correct derivations: {len(correct)}; false alarms {len(alarms)} "
          f"({len(alarms) / max(len(correct), 1):.0%}); with an inconclusive step "
          f"{len(unsure)}; CPU {sum(c[3] for c in correct) / max(len(correct), 1):.2f} s each")
    for c in alarms:
        print(f"  false alarm: {c[0]} steps {c[1]}")
    for c in unsure:
        print(f"  inconclusive: {c[0]} steps {c[2]}")
    located = sum(m[3] for m in mistakes)
    nameable = [m for m in mistakes if m[2] not in UNNAMED]
    named = sum(m[4] for m in nameable)
    print(f"seeded mistakes: {len(mistakes)}; first wrong step located {located} "
          f"({located / max(len(mistakes), 1):.0%}); mistake named {named} of {len(nameable)} "
          f"nameable ({named / max(len(nameable), 1):.0%})")
    for m in mistakes:
        if not m[3] or (m[2] not in UNNAMED and not m[4]):
            print(f"  {m[0]} line {m[1] + 1}: seeded {m[2]!r}, located {m[3]}, named {m[5]!r}")


if __name__ == "__main__":
    main()
