"""How small a gradient bug derive.check catches, and how often it cries wolf.

Measures, in one run:

1. **Plain callables** (``check_gradient``): the 10-D Rosenbrock function with
   ``scipy.optimize.rosen_der`` whose component ``j`` is multiplied by
   ``1 + eps``; the smallest ``eps`` refuted in every trial (4 components x 5
   random points). Repeated for a non-analytic variant (``|x|**3`` terms: the
   complex step is rejected and central differences decide).
2. **Derivations** (``check``): the symbolic 10-D Rosenbrock gradient with
   ``result[j] * (1 + eps)``; the smallest ``eps`` refuted in every trial. Then
   one entry of the 80-D gradient and Hessian off by ``1e-15`` (found through
   random projections, since the oracle samples only 12 entries per point).
3. **False alarms**: every correct derivation of the reference catalogues
   (``tests/problems/check.py`` with 5 seeds; ``tests/problems/calculus.py``,
   both derive.calculus's result and the hand-typed expected one, 3 seeds),
   plus ill-conditioned plain callables at 50 random points each; any status
   but ``verified`` counts.

Baseline, measured in the same run: forward differences
(``scipy.optimize.approx_fprime``, default step) with the usual rule "refuted
when the relative difference exceeds 1e-6".

Run: ``python benchmarks/bench_check_sensitivity.py``
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402
from scipy.optimize import approx_fprime, rosen, rosen_der  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from derive.checking import check, check_gradient  # noqa: E402
from derive.derivation import Derivation  # noqa: E402
from tests.problems.check import CATALOGUE, R10, derivation, rosen_grad  # noqa: E402
from tests.problems.check import rosen as rosen_sym  # noqa: E402

COMPONENTS = (0, 3, 7, 9)
POINTS = [np.random.default_rng(s).uniform(-2, 2, 10) for s in range(5)]


def baseline_refutes(f, g, x):
    fd = approx_fprime(x, f)
    return np.max(np.abs(g(x) - fd) / np.maximum(np.abs(fd), 1.0)) > 1e-6


def smallest_caught(refutes, exponents):
    """Smallest 10**-k caught in every trial (stops at the first miss)."""
    best = None
    for k in exponents:
        if all(refutes(10.0 ** -k, j, x) for j in COMPONENTS for x in POINTS):
            best = 10.0 ** -k
        else:
            break
    return best


def bugged(g, eps, j):
    def out(x):
        v = np.array(g(x), dtype=float)
        v[j] *= 1 + eps
        return v
    return out


def nonanalytic(x):
    return rosen(x) + np.sum(np.abs(x) ** 3)


def nonanalytic_der(x):
    return rosen_der(x) + 3 * x * np.abs(x)


def part1():
    rows = []
    for name, f, g in (("rosen (analytic)", rosen, rosen_der),
                       ("rosen + |x|^3 (not analytic)", nonanalytic, nonanalytic_der)):
        t = time.perf_counter()
        ours = smallest_caught(lambda e, j, x: check_gradient(f, bugged(g, e, j), x).refuted,
                               range(2, 17))
        t_ours = time.perf_counter() - t
        t = time.perf_counter()
        base = smallest_caught(lambda e, j, x: baseline_refutes(f, bugged(g, e, j), x),
                               range(2, 17))
        t_base = time.perf_counter() - t
        rows.append((name, ours, base, t_ours, t_base))
    return rows


def part2():
    source, grad = rosen_sym(R10), rosen_grad(R10)

    def refutes(eps_k, j):
        res = sp.Matrix(grad)
        res[j, 0] = res[j, 0] * (1 + sp.Rational(1, 10**eps_k))
        d = Derivation("gradient", source, sp.ImmutableMatrix(res), R10)
        return check(d, points=1, seed=j).refuted

    best = None
    t = time.perf_counter()
    for k in (4, 8, 12, 16, 20, 22, 24):
        if all(refutes(k, j) for j in COMPONENTS):
            best = k
        else:
            break
    return best, time.perf_counter() - t


def part2_large(n=80, eps_k=15):
    """A 1e-15 error in one entry of the 80-D gradient and Hessian (random projections)."""
    from derive import calculus
    xs = sp.symbols(f"x0:{n}", real=True)
    f = rosen_sym(xs)
    out = []
    for op, index in (("gradient", (37, 0)), ("hessian", (40, 41))):
        d = getattr(calculus, op)(f, xs)
        res = sp.Matrix(d.result)
        res[index] = res[index] * (1 + sp.Rational(1, 10**eps_k))
        t = time.perf_counter()
        r = check(Derivation(op, d.source, sp.ImmutableMatrix(res), d.wrt, options=d.options))
        out.append((op, r.refuted, r.counterexample.entry if r.counterexample else "",
                    time.perf_counter() - t))
    return out


def ill_conditioned():
    yield "exp(10x)", lambda x: np.exp(10 * x[0]), lambda x: np.array([10 * np.exp(10 * x[0])]), \
        lambda r: np.array([r.uniform(-3, 3)])
    yield "log near 0", lambda x: np.log(x[0]), lambda x: np.array([1 / x[0]]), \
        lambda r: np.array([10.0 ** r.uniform(-12, -1)])
    yield "rosen near optimum", rosen, rosen_der, lambda r: 1 + 1e-7 * r.standard_normal(10)
    yield "tanh far out", np.tanh, lambda x: 1 - np.tanh(x) ** 2, \
        lambda r: np.array([r.uniform(5, 30)])
    yield "logsumexp", lambda x: np.logaddexp.reduce(x), \
        lambda x: np.exp(x - np.logaddexp.reduce(x)), lambda r: r.uniform(-50, 50, 5)


def part3():
    runs, alarms, base_alarms, base_runs = 0, [], 0, 0
    entries = list(CATALOGUE)
    try:
        from tests.problems import calculus as lead_catalogue  # noqa: F401
        extra = lead_catalogue.PROBLEMS
    except ImportError:
        extra = []
    for entry in entries:
        for seed in range(5):
            r = check(derivation(entry), at=entry.get("at"), seed=seed, points=3)
            runs += 1
            if not r.verified:
                alarms.append((entry["id"], seed, r.status))
    lead_runs, lead_alarms = _lead_catalogue(extra)
    runs += lead_runs
    alarms += lead_alarms
    for name, f, g, draw in ill_conditioned():
        rng = np.random.default_rng(0)
        for _ in range(50):
            x = draw(rng)
            runs += 1
            if not check_gradient(f, lambda v: g(v), x).verified:
                alarms.append((name, "callable", "not verified"))
            base_runs += 1
            with np.errstate(all="ignore"):
                base_alarms += bool(baseline_refutes(f, g, x))
    return runs, alarms, base_runs, base_alarms, len(extra)


def calculus_derivations(entry):
    """derive.calculus's derivation for a tests/problems/calculus.py entry, and the
    same derivation with the catalogue's hand-typed ``expected`` as its result."""
    from derive import calculus
    op, text, wrt = entry["op"], entry["input"], entry["wrt"]
    if op == "derivative":
        d = calculus.derivative(text, wrt[0])
    elif op == "derivative2":
        d = calculus.derivative(text, wrt[0], 2)
    elif op in ("gradient", "hessian", "jacobian"):
        d = getattr(calculus, op)(text, wrt)
    else:
        return []
    expected = entry["expected"]
    if isinstance(expected, sp.MatrixBase):
        expected = sp.ImmutableMatrix(expected)
    return [d, Derivation(d.op, d.source, expected, d.wrt, options=d.options)]


def _lead_catalogue(extra):
    """Check derive.calculus (and the hand-typed answers) on the lead's catalogue."""
    runs, alarms = 0, []
    for entry in extra:
        for k, d in enumerate(calculus_derivations(entry)):
            for seed in range(3):
                runs += 1
                r = check(d, seed=seed, points=3)
                if not r.verified:
                    alarms.append((entry["id"], ("derived", "expected")[k], seed, r.status))
    return runs, alarms


def fmt(v):
    return "none" if v is None else f"{v:.0e}"


def main():
    print("1. plain callables, 10-D Rosenbrock, bug result[j]*(1+eps), 4 components x 5 points")
    print(f"   {'function':32s} {'derive.check':>12s} {'FD baseline':>12s} {'ratio':>8s}")
    for name, ours, base, t_o, t_b in part1():
        ratio = (base / ours) if ours and base else float("nan")
        print(f"   {name:32s} {fmt(ours):>12s} {fmt(base):>12s} {ratio:8.0e}   "
              f"(time {t_o:.2f}s vs {t_b:.2f}s)")
    k, t = part2()
    print("2. derivations, symbolic 10-D Rosenbrock gradient, result[j]*(1+eps), 4 components")
    print(f"   smallest eps caught every time: {'none' if k is None else f'1e-{k}'} "
          f"(mpmath oracle; {t:.1f}s)")
    print("   80-D Rosenbrock, one entry times 1 + 1e-15:")
    for op, caught, entry, t in part2_large():
        print(f"     {op:9s} {'caught at ' + entry if caught else 'MISSED'} ({t:.1f}s)")
    runs, alarms, base_runs, base_alarms, n_extra = part3()
    print("3. false alarms on correct derivatives")
    print(f"   derive.check: {len(alarms)} of {runs} checks "
          f"({len(CATALOGUE)} catalogue entries x 5 seeds, {n_extra} calculus-catalogue entries "
          f"x (derived + expected) x 3 seeds, "
          f"5 ill-conditioned callables x 50 points)")
    for a in alarms:
        print("     ", a)
    print(f"   FD baseline on the ill-conditioned callables: {base_alarms} of {base_runs}")


if __name__ == "__main__":
    main()
