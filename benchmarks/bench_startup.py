"""Start-up time of the ``derive`` command against ``python -c "import sympy"``.

Runs each command as a fresh process, interleaved (one of each per round, so a
change in machine load hits every command alike), and keeps the best of the
rounds. Prints the absolute times and two ratios:

* ``derive --help`` / ``import sympy`` (the help must not load SymPy at all;
  target: under 0.15 s absolute),
* ``derive grad "x**2*y" --wrt x y`` / ``import sympy`` (a command pays for
  SymPy once and little else; target: at most 1.3).

``python -c pass`` is printed too: the interpreter's own start-up, which every
line pays. Usage::

    python benchmarks/bench_startup.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

PY = sys.executable
COMMANDS = {
    "python -c pass": [PY, "-c", "pass"],
    "python -c 'import sympy'": [PY, "-c", "import sympy"],
    "derive --help": [PY, "-m", "derive", "--help"],
    "derive --version": [PY, "-m", "derive", "--version"],
    'derive grad "x**2*y" --wrt x y': [PY, "-m", "derive", "grad", "x**2*y", "--wrt", "x", "y"],
}
BASELINE = "python -c 'import sympy'"


def _time(argv, env) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="runs of each command")
    args = parser.parse_args(argv)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    # as a user's installation runs: bytecode cached after the first run
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for argv_ in COMMANDS.values():  # warm the file cache and the bytecode
        _time(argv_, env)
    best = {name: float("inf") for name in COMMANDS}
    for _ in range(args.rounds):
        for name, argv_ in COMMANDS.items():
            best[name] = min(best[name], _time(argv_, env))
    base = best[BASELINE]
    print(f"best of {args.rounds} interleaved runs each ({PY})")
    print(f"{'command':<34} {'seconds':>8} {'/ import sympy':>15}")
    for name, seconds in best.items():
        print(f"{name:<34} {seconds:8.3f} {seconds / base:15.2f}")
    print(f"\n--help: {best['derive --help']:.3f} s (target < 0.15 s), "
          f"{best['derive --help'] / base:.2f}x import sympy")
    grad = best['derive grad "x**2*y" --wrt x y']
    print(f"grad:   {grad:.3f} s, {grad / base:.2f}x import sympy (target <= 1.3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
