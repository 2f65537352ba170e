"""Fuzz every public entry point and CLI sub-command at the edges (issue 10 §5).

A grammar of expressions (huge integers inside special functions, nesting at the
parser's cap, divergent and oscillating integrands, extreme numeric arguments),
distributions (huge finite supports, heavy tails), matrices, options and data
files (malformed, empty, non-UTF-8, BOM, duplicate headers) drives the API and
``derive.cli.main(argv)`` in-process, plus a few real subprocess runs. Each call
must

* use at most :data:`CPU_LIMIT` seconds of CPU (this process and its reaped
  guard children; a CPU timer stops a runaway call at :data:`CPU_STOP`),
* raise nothing but a ``DeriveError`` (CLI: exit 0, 1 or 2, and exit 2 prints
  exactly one line on stderr),
* never label as exact or verified a value that is not finite.

Every call that takes a time budget gets :data:`BUDGET` (a quarter second): the
property is that budgets hold, and a small one tests that as well as a large one
at a fraction of the CPU. Expressions that need a Hessian (``hess``,
``minimize``, ``stationary``) nest to :data:`HESSIAN_DEPTH` and past the cap
(the Hessian of ``sin`` nested 100 deep prints 2.5 MB: the named edge below
runs it once). ``EXAMPLES`` hypothesis examples per property (derandomized, so
CI replays the same inputs; ``DERIVE_FUZZ_EXAMPLES`` runs more) plus the fixed
edge list keep the module near 27 s of CPU (12 + 12 examples took 22 s
before the budgets shrank).

Findings of this test are pinned as ``@example``s and named edges.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys

import pytest
import sympy as sp
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import derive
from derive.cli import main
from derive.errors import DeriveError
from tests.cpu_time import cpu_seconds

#: hypothesis examples per property (derandomized)
EXAMPLES = int(os.environ.get("DERIVE_FUZZ_EXAMPLES", "50"))
#: time budget (seconds=, --seconds) of every fuzzed call that takes one
BUDGET = 0.25
#: CPU seconds a call may use: its budget, the work no budget covers (parsing,
#: differentiating and printing inputs at the size caps; hess of sin nested 100
#: deep, a named edge, takes ~8 s, fuzzed calls stay under ~3 s) and a margin
CPU_LIMIT = 15.0
#: a call still running after this much CPU is stopped and reported
CPU_STOP = 30.0
#: nesting depths of expressions whose Hessian is derived (below the cap, and past it)
HESSIAN_DEPTH = (30, 101)

#: Found by this test, open in modules it does not own, left out of the grammar:
#: verify's numeric route evaluates exp(exp(...)) 30 deep with mpmath, whose exp of a
#: 1.4-million-digit argument computes log(2) to millions of bits, with no budget
#: (derive.checking.verify / oracle: a magnitude cap before exp would answer it).

NOT_FINITE = (sp.nan, sp.zoo, sp.oo, -sp.oo)
_LONGEST = {"cpu": 0.0, "call": None}


# ---------------------------------------------------------------- measuring a call

class _Runaway(Exception):
    pass


def _stop(signum, frame):
    raise _Runaway(f"still running after {CPU_STOP} s of CPU")


@contextlib.contextmanager
def _measured(label):
    old = signal.signal(signal.SIGPROF, _stop)
    signal.setitimer(signal.ITIMER_PROF, CPU_STOP)
    start = cpu_seconds()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old)
        used = cpu_seconds() - start
        if used > _LONGEST["cpu"]:
            _LONGEST.update(cpu=used, call=label)
        assert used <= CPU_LIMIT, f"{label} used {used:.1f} s of CPU (limit {CPU_LIMIT})"


def _run_cli(argv):
    out, err = io.StringIO(), io.StringIO()
    with _measured(argv), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as stop:  # pragma: no cover - main returns its code
            code = stop.code
    stdout, stderr = out.getvalue(), err.getvalue()
    assert code in (0, 1, 2), (argv, code, stderr[-500:])
    if code == 2:
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert len(lines) == 1, (argv, stderr[-1000:])
    assert "Traceback" not in stderr, (argv, stderr[-2000:])
    for line in stdout.splitlines():
        if "exact" in line or "verified" in line:
            assert not any(bad in line for bad in (" nan", "zoo", "AccumBounds")), (argv, line)
    return code, stdout, stderr


def _finite(value):
    if isinstance(value, sp.MatrixBase):
        return all(_finite(v) for v in value)
    if isinstance(value, sp.Basic):
        return not value.has(*NOT_FINITE, sp.AccumBounds, sp.Integral, sp.Lambda)
    return True


def _run_api(label, func, *args, **kwargs):
    with _measured(label):
        try:
            result = func(*args, **kwargs)
        except DeriveError:
            return None
        except _Runaway:
            raise
    status = getattr(result, "status", None)
    check = getattr(getattr(result, "check", None), "status", None)
    if status == "exact" or check == "verified":
        assert _finite(getattr(result, "value", None)), (label, result)
    return result


# ---------------------------------------------------------------- the grammar

HUGE = ["10**10", "10**9", "99999", "2**64", "10**50"]
SPECIAL = ["gamma", "loggamma", "factorial", "exp", "log", "sqrt", "erf", "zeta"]
NUMBERS = ["0", "1", "-1", "1/3", "1e300", "-1e300", "1e-300", "0.5", "pi", "oo", "-oo"]


def nested(depth, inner="x", func="sin"):
    return f"{func}(" * depth + inner + ")" * depth


atoms = st.sampled_from(["x", "y", "x*y", "1", "2", "1/3"] + NUMBERS[4:9])
huge_special = st.builds(lambda f, n, v: f"{v}*{f}({n})", st.sampled_from(SPECIAL),
                         st.sampled_from(HUGE), st.sampled_from(["x", "x**2", "1"]))
deep = st.builds(nested, st.sampled_from([99, 100, 101]), st.just("x"),
                 st.sampled_from(["sin", "exp", "tanh"]))
deep_hessian = st.builds(nested, st.sampled_from(HESSIAN_DEPTH), st.just("x"),
                         st.sampled_from(["sin", "exp", "tanh"]))
deep_bounded = st.builds(nested, st.sampled_from(HESSIAN_DEPTH), st.just("x"),
                         st.sampled_from(["sin", "exp", "tanh"]))


def _combine(children):
    unary = st.builds(lambda f, a: f"{f}({a})",
                      st.sampled_from(["sin", "cos", "exp", "log", "tanh", "sqrt", "abs",
                                       "gamma"]), children)
    binary = st.builds(lambda a, op, b: f"({a}){op}({b})", children,
                       st.sampled_from(["+", "-", "*", "/", "**"]), children)
    return unary | binary


small = st.recursive(atoms, _combine, max_leaves=6)
#: for calls that differentiate once (gradients, verify's numbers)
expressions = small | huge_special | deep
#: for calls that derive a Hessian
hessian_exprs = small | huge_special | deep_hessian

integrals = st.sampled_from([
    ("sin(x)", "0", "oo"), ("1/x", "-1", "1"), ("tan(x)", "0", "2"), ("exp(-x**2)", "-oo", "oo"),
    ("x**2", "0", "1"), ("1/x**2", "0", "1"), ("exp(x)", "0", "oo"), ("gamma(10**10)*x", "0", "1"),
    ("cos(x)", "-oo", "oo"), ("log(x)", "0", "1"),
])

distributions = st.sampled_from([
    "Cauchy(0, 1)", "Die(10**9)", "Die(6)", "Normal(0, 1)", "Exponential(1)",
    "Binomial(10**9, 1/3)", "DiscreteUniform([1,2,3,4])", "Poisson(2)", "Pareto(1, 1/2)",
    "Categorical([1/2, 1/4, 1/4])", "Uniform(0, 1)", "StudentT(1)",
])
rv_exprs = st.sampled_from(["X", "X**2", "1/X", "exp(X)", "log(X)", "abs(X)"])

matrices = st.sampled_from([
    "[[1, 2], [3, 4]]", "[[0, 1], [-1, 0]]", "[[1e300, 1], [1, 1e-300]]", "[[a, b], [b, a]]",
    "[[1, 2], [2, 4]]", "[[10**50, 1], [1, 2]]", "[[nan, 1], [1, 1]]", "[[1, 2, 3]]",
])

DATA_FILES = [
    b"x\n1\n2\n3\n", b"", b"x\n", b"\xef\xbb\xbfx\n1\n2\n", b"x,x\n1,2\n3,4\n",
    b"\xff\xfe\x00x\n", b"x\n1.8e308\n1.7e308\n", b"x\nnan\n1\n", b"x\n1\nabc\n",
]


# ---------------------------------------------------------------- properties

_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                     suppress_health_check=list(HealthCheck), database=None)

SECONDS = ["--seconds", str(BUDGET)]

commands = st.one_of(
    st.builds(lambda e: ["grad", e, "--wrt", "x"], expressions),
    st.builds(lambda e: ["hess", e, "--wrt", "x", "y"], hessian_exprs),
    st.builds(lambda e, c: ["grad", e, "--wrt", "x"] + c, huge_special | deep,
              st.sampled_from([[], ["--at", "x=1"], ["--check"]])),
    st.builds(lambda i, d: ["integrate", i[0], "x", i[1], i[2]] + SECONDS + d,
              integrals, st.sampled_from([[], ["--digits", "30"]])),
    st.builds(lambda e, d, v: ["expect", e, "--dist", d] + SECONDS + v,
              rv_exprs, distributions, st.sampled_from([[], ["--variance"]])),
    st.builds(lambda e, x0: ["minimize", e, "--wrt", "x"] + SECONDS + x0, hessian_exprs,
              st.sampled_from([[], ["--x0", "1"], ["--x0", "1e300"],
                               ["--x0", "1", "--restarts", "100"]])),
    st.builds(lambda a, b, p: ["verify", a, b, "--points", p], small | huge_special,
              small | huge_special, st.sampled_from(["1", "2"])),
    st.builds(lambda e: ["stationary", e, "--wrt", "x"] + SECONDS, hessian_exprs),
    st.builds(lambda m: ["eig", m] + SECONDS, matrices),
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="CPU timer and rusage")
@_SETTINGS
@given(argv=commands)
def test_cli_edges(argv):
    _run_cli(argv)


api_calls = st.one_of(
    st.builds(lambda e: ("gradient", derive.gradient, (e, "x y"), {}), expressions),
    st.builds(lambda e: ("hessian", derive.hessian, (e, "x"), {}), hessian_exprs),
    st.builds(lambda i: ("integrate", derive.integrate, (i[0], ("x", i[1], i[2])),
                         {"seconds": BUDGET}), integrals),
    st.builds(lambda e, d: ("expectation", derive.expectation, (e, d), {"seconds": BUDGET}),
              rv_exprs, distributions),
    st.builds(lambda d: ("entropy", derive.entropy, (d,), {"seconds": BUDGET}), distributions),
    st.builds(lambda e: ("minimize", derive.minimize, (e, ["x"]), {"seconds": BUDGET}),
              hessian_exprs),
    st.builds(lambda a, b: ("verify", derive.verify, (a, b), {"seconds": BUDGET, "points": 2}),
              small | huge_special, small | huge_special | deep_bounded),
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="CPU timer and rusage")
@_SETTINGS
@given(call=api_calls)
# found by this test: compile_mpmath's Dummy arguments made lambdify rebuild the
# expression around assumption-free Dummies, exponential in the nesting (hours at 50)
@example(call=("verify", derive.verify, (nested(50, func="tanh"), "x"),
               {"seconds": BUDGET, "points": 2}))
# found by this test: a constant gradient sent minimize to a numeric search of its budget
@example(call=("minimize", derive.minimize, ("x*log(2**64)", ["x"]), {"seconds": BUDGET}))
# found by this test: stationary_points' numeric fallback had 10 s whatever seconds said
@example(call=("stationary_points", derive.stationary_points, (nested(30, func="tanh"), "x"),
               {"seconds": BUDGET}))
def test_api_edges(call):
    label, func, args, kwargs = call
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _run_api((label,) + args, func, *args, **kwargs)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """Every malformed data file, written once for the module."""
    root = tmp_path_factory.mktemp("data")
    for i, content in enumerate(DATA_FILES):
        (root / f"x{i}.csv").write_bytes(content)
    return root


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="CPU timer and rusage")
@pytest.mark.parametrize("index", range(len(DATA_FILES)),
                         ids=[repr(c)[2:22] for c in DATA_FILES])
def test_mle_data_files(data_dir, index):
    _run_cli(["mle", "exp(-x/theta)/theta", "--params", "theta", "--var", "x",
              "--data", str(data_dir / f"x{index}.csv")])


# ---------------------------------------------------------------- the fixed edge list

EDGES = [
    ["grad", "gamma(10**10)", "--wrt", "x"],
    ["grad", "loggamma(10**10)*x", "--wrt", "x"],
    ["hess", nested(100), "--wrt", "x"],
    ["expect", "X", "--dist", "Die(10**9)"] + SECONDS,
    ["expect", "X", "--dist", "Cauchy(0, 1)"] + SECONDS,
    ["integrate", "sin(x)", "x", "0", "oo"] + SECONDS,
    ["minimize", "x**2 - 3*x", "--wrt", "x"],
    ["minimize", nested(100), "--wrt", "x"] + SECONDS,
    # the code printers once rewrote binomial as gamma quotients and computed 10**9! exactly
    ["grad", "binomial(10**9, x)", "--wrt", "x", "--check"],
    # mpmath reduced exp(10**1400000) modulo log 2 to millions of bits: hours
    ["verify", "x", "exp(" * 30 + "x" + ")" * 30, "--points", "1"],
]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="CPU timer and rusage")
@pytest.mark.parametrize("argv", EDGES, ids=lambda a: " ".join(a)[:40])
def test_named_edges(argv):
    _run_cli(argv)


def test_subprocess_runs_exit_cleanly():
    """A few real runs of the console entry point: exit codes and one-line errors."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root)
    for argv, codes in ((["grad", "gamma(10**10)", "--wrt", "x"], {0, 2}),
                        (["grad", "x +* y", "--wrt", "x"], {2}),
                        (["expect", "X", "--dist", "Cauchy(0, 1)"], {0, 1})):
        out = subprocess.run([sys.executable, "-m", "derive", *argv], capture_output=True,
                             text=True, env=env, timeout=600)
        assert out.returncode in codes, (argv, out.returncode, out.stderr[-1000:])
        if out.returncode == 2:
            assert len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_report_longest(capsys):
    """Not a check: prints the longest call met so far in this module (for the report)."""
    with capsys.disabled():
        print(f"\nlongest call: {_LONGEST['cpu']:.2f} s CPU: {_LONGEST['call']}")
