"""False alarms and detections: derive.check_gradient vs torch.autograd.gradcheck vs
jax.test_util.check_grads, on the same 200 correct and 200 seeded-wrong gradients,
in float64 and float32.

Each case is a scalar function (elementwise functions, small networks, losses) with a
hand-written backward. A correct case uses the right backward; a wrong case carries one
seeded bug of a kind people make (sign, missing chain-rule factor, factor 2, a
transposed or shifted term, a 1% slip in one entry). Every backward is given to each
checker the same way: to derive directly, to torch as a ``torch.autograd.Function``
and to JAX as a ``jax.custom_vjp``, so all three judge the same claim.

An alarm is derive's ``refuted``, gradcheck returning False, check_grads raising.
derive's ``inconclusive`` is no alarm (and no detection).

Run: ``python benchmarks/bench_gradcheck.py`` (``--cases N`` for fewer).
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from jax.test_util import check_grads  # noqa: E402

from derive.checking import check_gradient  # noqa: E402

torch.set_num_threads(1)


# -- the cases: (name, shapes, f(xp, *args), backward(xp, *args, bug)) --------------
# xp is the array module (torch or jax.numpy); both spell these functions alike.

def _sig(xp, z):
    return 1 / (1 + xp.exp(-z))


ELEMENTWISE = {
    "sin": (lambda xp, x: xp.sin(x), lambda xp, x: xp.cos(x)),
    "tanh": (lambda xp, x: xp.tanh(x), lambda xp, x: 1 - xp.tanh(x) ** 2),
    "exp-half": (lambda xp, x: xp.exp(x / 2), lambda xp, x: xp.exp(x / 2) / 2),
    "softplus": (lambda xp, x: xp.logaddexp(x, 0 * x), lambda xp, x: _sig(xp, x)),
    "sigmoid": (lambda xp, x: _sig(xp, x), lambda xp, x: _sig(xp, x) * (1 - _sig(xp, x))),
    "log1p-sq": (lambda xp, x: xp.log1p(x**2), lambda xp, x: 2 * x / (1 + x**2)),
    "cube": (lambda xp, x: x**3 / 3, lambda xp, x: x**2),
    "sqrt1p": (lambda xp, x: xp.sqrt(1 + x**2), lambda xp, x: x / xp.sqrt(1 + x**2)),
}


def elementwise_case(name):
    g, dg = ELEMENTWISE[name]

    def f(xp, x, w):
        return xp.sum(w * g(xp, x))

    def back(xp, x, w, bug):
        gx, gw = w * dg(xp, x), g(xp, x)
        if bug == "sign":
            gx = -gx
        elif bug == "missing-factor":
            gx = dg(xp, x)
        elif bug == "double":
            gw = 2 * gw
        elif bug == "shift":
            gx = xp.concatenate([gx[1:], gx[:1]])
        elif bug == "slip":
            gx = gx * (1 + 0.01 * (xp.arange(gx.shape[0]) == 0))
        return [gx, gw]
    return f, back, [(5,), (5,)]


def network_case(width):
    def f(xp, W1, W2, x):
        return xp.sum(xp.tanh(W2 @ xp.tanh(W1 @ x)) ** 2)

    def back(xp, W1, W2, x, bug):
        h = xp.tanh(W1 @ x)
        o = xp.tanh(W2 @ h)
        go = 2 * o * (1 - o**2) if bug != "missing-factor" else 2 * o
        gh = W2.T @ go if bug != "sign" else -(W2.T @ go)
        gpre = gh * (1 - h**2)
        gW1 = gpre[:, None] * x[None, :]
        if bug == "shift":
            gW1 = xp.concatenate([gW1[1:], gW1[:1]])
        gW2 = go[:, None] * h[None, :] if bug != "double" else 2 * go[:, None] * h[None, :]
        gx = W1.T @ gpre
        if bug == "slip":
            gx = gx * (1 + 0.01 * (xp.arange(gx.shape[0]) == 0))
        return [gW1, gW2, gx]
    return f, back, [(width, 3), (2, width), (3,)]


def loss_case(kind):
    def f(xp, w, X, y):
        z = X @ w
        if kind == "logistic":
            return xp.sum(xp.logaddexp(z, 0 * z) - y * z)
        if kind == "mse":
            return xp.sum((z - y) ** 2) / 2
        zz = z - xp.max(z)                       # softmax cross-entropy on z
        return xp.log(xp.sum(xp.exp(zz))) + xp.max(z) - xp.sum(y * z)

    def back(xp, w, X, y, bug):
        z = X @ w
        if kind == "logistic":
            r = _sig(xp, z) - y if bug != "missing-factor" else _sig(xp, z)
            gy = -z
        elif kind == "mse":
            r = z - y if bug != "missing-factor" else z
            gy = -(z - y)
        else:
            p = xp.exp(z - xp.max(z))
            p = p / xp.sum(p)
            r = p - y if bug != "missing-factor" else p
            gy = -z
        gw = X.T @ r if bug != "sign" else -(X.T @ r)
        gX = r[:, None] * w[None, :]
        if bug == "double":
            gX = 2 * gX
        if bug == "shift":
            gw = xp.concatenate([gw[1:], gw[:1]])
        if bug == "slip":
            gy = gy * (1 + 0.01 * (xp.arange(gy.shape[0]) == 0))
        return [gw, gX, gy]
    return f, back, [(3,), (6, 3), (6,)]


BUGS = ["sign", "missing-factor", "double", "shift", "slip"]
FAMILIES = ([("elementwise", n, lambda n=n: elementwise_case(n)) for n in ELEMENTWISE]
            + [("network", f"width {k}", lambda k=k: network_case(k)) for k in (3, 4)]
            + [("loss", k, lambda k=k: loss_case(k)) for k in ("logistic", "mse", "softmax-ce")])


def make_cases(n):
    """``n`` correct and ``n`` wrong cases: (family, name, f, back, point, bug)."""
    rng = np.random.default_rng(20261130)
    cases = []
    for i in range(2 * n):
        family, name, build = FAMILIES[i % len(FAMILIES)]
        f, back, shapes = build()
        point = [rng.normal(size=s) for s in shapes]
        if family == "loss" and name == "softmax-ce":
            point[2] = np.eye(shapes[2][0])[rng.integers(shapes[2][0])]
        bug = None if i < n else BUGS[i % len(BUGS)]
        cases.append((family, name, f, back, point, bug))
    return cases


# -- the three checkers ------------------------------------------------------------

def derive_alarm(f, back, point, bug, dtype):
    tensors = [torch.tensor(p, dtype=dtype) for p in point]
    report = check_gradient(lambda *a: f(torch, *a), lambda *a: back(torch, *a, bug), tensors)
    return report.status == "refuted", report.status


def torch_alarm(f, back, point, bug, dtype):
    class Fn(torch.autograd.Function):
        @staticmethod
        def forward(ctx, *inputs):
            ctx.save_for_backward(*inputs)
            return f(torch, *inputs)

        @staticmethod
        def backward(ctx, g):
            return tuple(g * p for p in back(torch, *ctx.saved_tensors, bug))

    tensors = tuple(torch.tensor(p, dtype=dtype, requires_grad=True) for p in point)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ok = torch.autograd.gradcheck(Fn.apply, tensors, raise_exception=False)
        except Exception:
            ok = False
    return not ok, "passed" if ok else "failed"


def jax_alarm(f, back, point, bug, dtype):
    @jax.custom_vjp
    def fn(*inputs):
        return f(jnp, *inputs)

    def fwd(*inputs):
        return f(jnp, *inputs), inputs

    def bwd(inputs, g):
        return tuple(g * p for p in back(jnp, *inputs, bug))

    fn.defvjp(fwd, bwd)
    with jax.enable_x64(dtype == np.float64):
        args = tuple(jnp.asarray(p, dtype=dtype) for p in point)
        try:
            check_grads(fn, args, order=1, modes=("rev",))
            return False, "passed"
        except AssertionError:
            return True, "failed"


def run(n):
    cases = make_cases(n)
    rows = []
    for dtype_name, tdt, ndt in (("float64", torch.float64, np.float64),
                                 ("float32", torch.float32, np.float32)):
        for checker, fn, dt in (("derive.check_gradient", derive_alarm, tdt),
                                ("torch.autograd.gradcheck", torch_alarm, tdt),
                                ("jax.test_util.check_grads", jax_alarm, ndt)):
            t0 = time.process_time()
            false_alarms = detections = inconclusive = 0
            missed = []
            for family, name, f, back, point, bug in cases:
                alarm, status = fn(f, back, point, bug, dt)
                if bug is None:
                    false_alarms += alarm
                else:
                    detections += alarm
                    if not alarm:
                        missed.append(f"{family}/{name}/{bug}:{status}")
                inconclusive += status == "inconclusive"
            rows.append((dtype_name, checker, false_alarms, detections, inconclusive,
                         time.process_time() - t0, missed[:4]))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200,
                        help="correct cases (as many wrong ones); default 200")
    args = parser.parse_args(argv)
    n = args.cases
    rows = run(n)
    print(f"{n} correct and {n} seeded-wrong gradients per dtype; alarm = refuted / False / raised")
    print(f"{'dtype':8} {'checker':27} {'false alarms':>14} {'detected':>14} "
          f"{'inconclusive':>12} {'CPU s':>7}")
    for dtype, checker, fa, det, inc, cpu, missed in rows:
        print(f"{dtype:8} {checker:27} {fa:>4} ({100 * fa / n:5.1f}%) {det:>4} ({100 * det / n:5.1f}%) "
              f"{inc:>12} {cpu:7.1f}")
        if missed:
            print(f"{'':37} missed e.g. {', '.join(missed)}")


if __name__ == "__main__":
    main()
