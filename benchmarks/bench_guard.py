"""Overhead of derive.guard.run per call, against the same work done in-process.

Run: ``python benchmarks/bench_guard.py``. Prints milliseconds per call and the
ratio guarded / in-process, measured in the same run (medians).
"""

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import operator  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import sympy  # noqa: E402

from derive.guard import run  # noqa: E402


def median_seconds(func, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    x, y = sympy.symbols("x y")
    work = {
        "operator.add(1, 2)": (operator.add, (1, 2)),
        "simplify(sin²x + cos²x + y)": (sympy.simplify, (sympy.sin(x)**2 + sympy.cos(x)**2 + y,)),
        "factor(x**8 - y**8)": (sympy.factor, (x**8 - y**8,)),
    }
    print(f"{'work':32s} {'method':>10s} {'in-process ms':>14s} {'guarded ms':>11s} {'ratio':>7s}")
    for method in ("fork", "forkserver"):
        run(operator.add, (1, 2), start_method=method)  # start the server once
        for name, (func, args) in work.items():
            def plain():
                sympy.core.cache.clear_cache()
                func(*args)

            def guarded():
                sympy.core.cache.clear_cache()
                run(func, args, start_method=method)

            base = median_seconds(plain, 15)
            cost = median_seconds(guarded, 15)
            print(f"{name:32s} {method:>10s} {base * 1e3:14.2f} {cost * 1e3:11.2f} "
                  f"{cost / base:7.1f}")


if __name__ == "__main__":
    main()
