"""Benchmark derive.parse_latex against SymPy's two LaTeX parsers on the cited catalogue.

For every formula of ``tests/problems/latex.py`` (textbook LaTeX with its meaning
built directly in SymPy), measured in the same run:

* ``derive.parse_latex``; the baseline ``sympy.parsing.latex.parse_latex`` with the
  ANTLR backend (needs ``antlr4-python3-runtime==4.11``) and with the Lark
  backend (needs ``lark``): read correctly (same meaning, see
  ``tests/problems/latex.py::same``), misread (an expression with another
  meaning: a silent error), or refused (an exception).
* For the formulas with two readings (``AMBIGUOUS``): refused (right) or read
  one way without a word (silently guessed).
* The time per formula, as a ratio to SymPy's ANTLR parser in the same run.

Both baseline packages are benchmark-only dependencies, not derive's.

Run: ``python benchmarks/bench_latex.py``.
"""

import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from derive.parsing.latex import parse_latex  # noqa: E402
from tests.problems.latex import AMBIGUOUS, FORMULAS, same  # noqa: E402


def _sympy_reader(backend):
    try:
        from sympy.parsing.latex import parse_latex as sympy_parse_latex
        sympy_parse_latex(r"\frac{1}{2}", backend=backend)
    except Exception as err:  # noqa: BLE001 - a missing optional backend
        print(f"SymPy {backend} backend unavailable: {type(err).__name__}: {err}")
        return None
    return lambda text: sympy_parse_latex(text, backend=backend)


def _score(reader):
    counts = {"correct": 0, "misread": 0, "refused": 0}
    misread = []
    start = time.process_time()
    for id_, tex, meaning, _ in FORMULAS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                got = reader(tex)
        except Exception:  # noqa: BLE001 - any refusal counts as refused
            counts["refused"] += 1
            continue
        if same(got, meaning):
            counts["correct"] += 1
        else:
            counts["misread"] += 1
            misread.append(id_)
    elapsed = time.process_time() - start
    guessed = 0
    for _, tex, _ in AMBIGUOUS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                reader(tex)
            guessed += 1
        except Exception:  # noqa: BLE001
            pass
    return counts, misread, guessed, elapsed


def main():
    readers = {"derive.parse_latex": parse_latex}
    for backend in ("antlr", "lark"):
        r = _sympy_reader(backend)
        if r is not None:
            readers[f"sympy parse_latex ({backend})"] = r
    n, amb = len(FORMULAS), len(AMBIGUOUS)
    print(f"{n} catalogue formulas, {amb} ambiguous formulas\n")
    print(f"{'reader':32s} {'correct':>8s} {'misread':>8s} {'refused':>8s} "
          f"{'guessed':>8s} {'CPU s':>7s}")
    results = {}
    for name, reader in readers.items():
        counts, misread, guessed, elapsed = _score(reader)
        results[name] = (counts, misread, guessed, elapsed)
        print(f"{name:32s} {counts['correct']:5d}/{n} {counts['misread']:8d} "
              f"{counts['refused']:8d} {guessed:5d}/{amb} {elapsed:7.2f}")
    base = results.get("sympy parse_latex (antlr)")
    if base:
        print(f"\nCPU time derive / SymPy-ANTLR: "
              f"{results['derive.parse_latex'][3] / base[3]:.2f}")
    for name, (_, misread, _, _) in results.items():
        if misread:
            print(f"\n{name} misread silently: {', '.join(misread)}")


if __name__ == "__main__":
    main()
