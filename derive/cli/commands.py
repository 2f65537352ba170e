"""The sub-commands of ``derive`` as data: name, help, arguments, handler.

:func:`derive.cli.build_parser` builds the argument parser from
:data:`COMMANDS`; :func:`derive.cli.main` imports the chosen command's handler
module by name only when that command runs. So this module holds no logic and
imports nothing heavy: ``derive --help`` and ``derive --version`` never load
SymPy or NumPy. A new sub-command is one more :class:`Command` here and a
handler module in this package (imports at its top, a ``run(args)``-style
function returning the exit code).

Examples
--------
>>> [c.name for c in COMMANDS][:3]
['grad', 'hess', 'verify']
>>> next(c for c in COMMANDS if c.name == "grad").handler
'derive.cli.differentiate:run'
"""

from __future__ import annotations

from collections import namedtuple
from types import MappingProxyType

from derive.cli.options import (
    assignment,
    bounded_float,
    bounded_int,
    finite_float,
    identifier,
    shape,
)


class Argument(namedtuple("Argument", "flags options")):
    """One ``add_argument`` call: the flags (or the positional name) and its options.

    (Named tuples rather than dataclasses: ``dataclasses`` imports ``inspect``,
    a fifth of what ``derive --help`` would otherwise load.)
    """

    __slots__ = ()


def arg(*flags: str, **options) -> Argument:
    """Shorthand for :class:`Argument`."""
    return Argument(flags, options)


_NOTHING = MappingProxyType({})


class Command(namedtuple("Command", "name help description handler arguments defaults variants",
                         defaults=(_NOTHING, _NOTHING))):
    """A sub-command: what ``--help`` says, what it reads, and who runs it.

    ``handler`` is ``"module:function"``; the function takes the parsed
    arguments and returns the exit code. ``variants`` maps an option to the
    handler that runs instead when that option is given (``grad --shape`` is
    matrix calculus, which a scalar gradient need not load). ``defaults`` are
    extra values set on the parsed arguments (one handler can serve several
    commands).
    """

    __slots__ = ()


#: time budgets: more than 0 s, at most an hour
SECONDS = bounded_float(0, 3600, low_open=True)


def from_latex(inputs: str, example: str = "\\frac{1}{2} x^2 y") -> Argument:
    """``--from-latex``: the command's expression inputs are LaTeX (every command
    that takes an expression has it; :mod:`derive.cli.reading` reads them)."""
    return arg("--from-latex", action="store_true",
               help=f"{inputs} LaTeX (read by derive.parse_latex), e.g. '{example}'")


def _derivative(name: str, what: str) -> Command:
    return Command(
        name, f"the {what} of an expression",
        f"Print the {what} of EXPR, optionally evaluated, compiled to NumPy, and checked.",
        "derive.cli.differentiate:run",
        (arg("expr", metavar="EXPR", help='the expression, e.g. "x**2*y + exp(x)"'),
         arg("--wrt", nargs="+", required=True, metavar="VAR",
             help="variables to differentiate with respect to"),
         arg("--at", nargs="+", default=(), metavar="NAME=VALUE",
             help="evaluate the compiled result at this point"),
         arg("--shape", nargs="+", default=(), metavar="NAME=ROWS,COLS", type=shape,
             help="declare matrix symbols, e.g. X=n,m w=d,1 (matrix calculus)"),
         arg("--check", action="store_true",
             help="check the compiled result numerically (exit 1 if refuted)"),
         arg("--code", nargs="?", const="numpy", default=None, choices=("numpy", "jax", "torch"),
             metavar="numpy|jax|torch",
             help="print the generated code for that framework (default NumPy)"),
         arg("--latex", action="store_true", help="print the result as LaTeX"),
         from_latex("EXPR is")),
        {"operation": what.lower()}, {"shape": "derive.cli.matrix_derivative:run"})


def _matrix_command(name: str, help_text: str, description: str, handler: str,
                    *extra: Argument) -> Command:
    return Command(
        name, help_text, description, handler,
        (arg("matrix", help='the matrix as text, e.g. "[[1, 2], [3, 4]]"'),
         arg("--seconds", type=SECONDS, default=None,
             help="time budget of the exact work (default 10 s)"),
         arg("--latex", action="store_true", help="print LaTeX instead of text"),
         from_latex("MATRIX is", "\\begin{bmatrix} 2 & 1 \\\\ 1 & 2 \\end{bmatrix}"),
         *extra),
        {"operation": name})


_MLE_DESCRIPTION = (
    "Maximum likelihood for DENSITY, the density of one observation. Without data it "
    "prints the closed-form estimates (formulas in n and the sufficient statistics), the "
    "second-order check and the Fisher information. With --data FILE.csv (a header row "
    "naming the variables, or one unnamed column) it estimates the parameters (closed "
    "form, else Newton), checks the score and Hessian against finite differences on the "
    "data, and prints the summary table (estimates, standard errors, z, p-values, Wald "
    "intervals, log-likelihood, AIC, AICc, BIC, how it was checked). A glob or a .npy or "
    ".parquet path (\"parts/*.csv\") is read chunk by chunk on Dask (derive[dask]): on "
    "--scheduler, or $DASK_SCHEDULER_ADDRESS, else a LocalCluster. Exit 0 ok, 1 no "
    "estimate (no closed form without data, or Newton failed) or a refuted check, 2 bad "
    "input.")

#: every sub-command, in the order ``derive --help`` lists them
COMMANDS: tuple[Command, ...] = (
    _derivative("grad", "gradient"),
    _derivative("hess", "Hessian"),
    Command(
        "verify", "check a hand derivation: is CLAIMED equal to TRUE?",
        "Check that CLAIMED equals TRUE: symbolically under a time budget, then with "
        "mpmath at 30 and 45 digits at random points. Exit 0 verified, 1 refuted or "
        "inconclusive, 2 bad input.",
        "derive.cli.verify:run",
        (arg("claimed", help='the claimed expression, e.g. "sech(x)**2"'),
         arg("truth", help='the true expression, e.g. "1 - tanh(x)**2"'),
         arg("--wrt", nargs="+", metavar="VAR", default=None,
             help="the variables of the derivation (listed first in reports)"),
         arg("--seed", type=bounded_int(0, 2**32 - 1), default=0,
             help="seed of the random points (0 to 2**32-1)"),
         arg("--points", type=bounded_int(1, 1000), default=6,
             help="how many random points (1 to 1000, default 6)"),
         from_latex("CLAIMED and TRUE are", "\\frac{1}{\\cosh^2 x}"),
         arg("--positive", nargs="+", metavar="VAR", type=identifier, default=(),
             help="variables declared positive"))),
    Command(
        "check-steps", "check a hand derivation line by line (LaTeX, Markdown or .tex)",
        "Read a derivation from FILE ('-' for stdin): plain LaTeX lines, Markdown with "
        "$$...$$ blocks, or a .tex document with align blocks. Each step is checked "
        "against the line before it; the report names the first wrong step and the kind "
        "of mistake. Exit 0 every step verified, 1 a step refuted or inconclusive, 2 bad "
        "input.",
        "derive.cli.check_steps:run",
        (arg("file", metavar="FILE", help="the derivation, or '-' for stdin"),
         arg("--positive", nargs="+", metavar="VAR", type=identifier, default=(),
             help="variables declared positive"),
         arg("--seed", type=bounded_int(0, 2**32 - 1), default=0,
             help="seed of the random points (0 to 2**32-1)"),
         arg("--seconds", type=SECONDS, default=2.0,
             help="time budget of each symbolic step (default 2 s)"))),
    Command(
        "integrate", "integrate an expression (exact, else numeric with an error bar)",
        "Integrate EXPR with respect to VAR, from LOWER to UPPER when given (use oo for "
        "infinity, -oo for minus infinity). Exact answers are verified numerically; a "
        "definite integral without a closed form is computed by mpmath.quad with an error "
        "estimate.",
        "derive.cli.integrate:run",
        (arg("expr", metavar="EXPR", help='the integrand, e.g. "x**2*exp(-x)"'),
         arg("var", metavar="VAR", help="the integration variable"),
         arg("lower", metavar="LOWER", nargs="?", help="lower limit (definite integral)"),
         arg("upper", metavar="UPPER", nargs="?", help="upper limit"),
         arg("--digits", type=bounded_int(1, 50), default=15,
             help="digits of a numeric value (1 to 50, default 15)"),
         arg("--seconds", type=SECONDS, default=None, help="total time budget (default 10 s)"),
         arg("--positive", nargs="+", default=(), metavar="NAME", type=identifier,
             help="parameters to treat as positive, e.g. --positive a b"),
         arg("--latex", action="store_true", help="print the result as LaTeX"),
         from_latex("EXPR, LOWER and UPPER are", "x^2 e^{-x}"))),
    Command(
        "expect", "expectation of an expression in random variables",
        'E[EXPR] where the random variables have the given distributions, e.g. derive '
        'expect "X**2" --dist "Normal(mu, sigma)"; the closed form is checked by quadrature '
        "or summation at random parameter values.",
        "derive.cli.expect:run",
        (arg("expr", metavar="EXPR", help='in the random variables, e.g. "X**2"'),
         arg("--dist", action="append", required=True, metavar="[NAME=]FAMILY(ARGS)",
             help='a distribution, e.g. "Normal(mu, sigma)" (named X) or '
                  '"Y=Exponential(1)"; repeat for several independent variables'),
         arg("--variance", action="store_true", help="the variance instead of the mean"),
         arg("--seconds", type=SECONDS, default=10.0, help="time budget (default 10 s)"),
         arg("--latex", action="store_true", help="print the result as LaTeX"),
         from_latex("EXPR is (the distributions stay text)", "e^{t X}"))),
    Command(
        "mle", "maximum likelihood: closed form, or Newton on data", _MLE_DESCRIPTION,
        "derive.cli.mle:run",
        (arg("density", metavar="DENSITY", help="p(x; params) for one observation"),
         arg("--params", nargs="+", required=True, help="parameters to estimate"),
         arg("--var", nargs="+", default=["x"], help="observed variable(s) (default x)"),
         arg("--data", metavar="FILE.csv", help="observations, one column per variable; a "
             "glob or .npy/.parquet files: read on Dask"),
         arg("--scheduler", metavar="ADDRESS",
             help="Dask scheduler for --data files, e.g. tcp://10.0.0.5:8786"),
         arg("--known", nargs="+", metavar="NAME=VALUE", type=assignment, default=(),
             help="values of known constants (e.g. k=2.5)"),
         arg("--constraint", help="equality on the parameters, e.g. 'p1 + p2 - 1'"),
         arg("--level", type=bounded_float(0, 1, low_open=True, high_open=True),
             default=0.95, help="Wald interval level, between 0 and 1 (default 0.95)"),
         from_latex("DENSITY and --constraint are", "\\lambda e^{-\\lambda x}"))),
    Command(
        "minimize", "minimize a formula with exact derivatives",
        "Minimize EXPR: closed form without --x0, iterative from --x0 (newton, gd, armijo, "
        "momentum, nesterov or any scipy.optimize method).",
        "derive.cli.optimize:run_minimize",
        (arg("expr", help='the objective, e.g. "(1 - x)**2 + 100*(y - x**2)**2"'),
         arg("--wrt", nargs="+", metavar="VAR", help="variables, in the order of --x0"),
         arg("--x0", nargs="+", type=finite_float, metavar="NUM", help="start point"),
         arg("--method", default=None, help="newton (default with --x0), gd, armijo, "
             "momentum, nesterov, or a scipy.optimize.minimize method name"),
         arg("--constraint", action="append", metavar="REL",
             help='a constraint such as "x + y = 1" or "x >= 0" (repeatable)'),
         arg("--tol", type=bounded_float(0, 1e6, low_open=True), default=None,
             help="gradient tolerance (a positive number)"),
         arg("--maxiter", type=bounded_int(1, 100_000), default=None,
             help="iteration limit (1 to 100000)"),
         arg("--restarts", type=bounded_int(0, 100), default=0,
             help="re-run from perturbed best points to escape local minima (0 to 100)"),
         arg("--seed", type=bounded_int(0, 2**32 - 1), default=0,
             help="seed of the restarts (0 to 2**32-1)"),
         arg("--seconds", type=SECONDS, default=None,
             help="CPU-time budget of the whole call, shared by the closed-form solve, "
                  "its numeric fallback and the restarts (default 10 s, 20 s with "
                  "--constraint, no limit with --x0 alone)"),
         from_latex("EXPR and every --constraint are", "x^2 + y^2"))),
    Command(
        "stationary", "stationary points of a formula, classified",
        "Solve grad f = 0 exactly and classify each point by the Hessian's eigenvalues "
        "(minimum, maximum, saddle, degenerate).",
        "derive.cli.optimize:run_stationary",
        (arg("expr", help='the function, e.g. "x**3 - 3*x + y**2"'),
         arg("--wrt", nargs="+", metavar="VAR", help="variables (default: all)"),
         arg("--seconds", type=SECONDS, default=10.0,
             help="CPU-time budget of the whole call, shared by the solve and its "
                  "numeric fallback (default 10 s)"),
         from_latex("EXPR is", "x^3 - 3x + y^2"))),
    _matrix_command(
        "eig", "eigenvalues, multiplicities and eigenvectors, each pair verified",
        "Eigen-decomposition: exact (radicals, CRootOf, compact tridiagonal Toeplitz form) "
        "under a time budget, else mpmath at --digits; every pair A v = λ v verified and "
        "the output says how. Exit 0 verified, 1 a pair failed its check, 2 bad input.",
        "derive.cli.eig:run_eig",
        arg("--digits", type=bounded_int(5, 1000), default=30,
            help="digits of numeric eigenvalues and checks (5 to 1000, default 30)")),
    _matrix_command("det", "the determinant", "Print the determinant of MATRIX.",
                    "derive.cli.eig:run_other"),
    _matrix_command("inv", "the inverse", "Print the inverse of MATRIX.",
                    "derive.cli.eig:run_other"),
    _matrix_command("definiteness", "positive/negative (semi)definite or indefinite",
                    "Print whether MATRIX is positive/negative (semi)definite or "
                    "indefinite.", "derive.cli.eig:run_other"),
    Command("demo", "derive, compile, check and optimize a logistic regression on "
            "built-in data", "Derive, compile, check and optimize a logistic regression "
            "on built-in data (no input needed).", "derive.cli.demo:run", ()),
)
