"""``derive mle``: maximum likelihood from the command line.

Examples (shell)::

    derive mle "lam*exp(-lam*x)" --params lam
    derive mle "Uniform(0, theta)" --params theta
    derive mle "exp(-(x-mu)^2/(2*sigma^2))/sqrt(2*pi*sigma^2)" --params mu sigma --data x.csv
    derive mle "x^(k-1)*exp(-x/theta)/(gamma(k)*theta^k)" --params k theta --data x.csv

Without data it prints the closed-form estimates (formulas in n and the
sufficient statistics), the second-order check and the Fisher information.
With ``--data FILE.csv`` (a header row naming the variables, or one unnamed
column) it estimates the parameters (closed form, else Newton), checks the score and
Hessian against finite differences on the data, and prints the summary table
of ``Fit.summary()`` (standard errors, z, p-values, Wald intervals,
log-likelihood, AIC, AICc, BIC, and how it was obtained and checked). Exit
codes: 0 ok, 1 no estimate (no closed form without data, or Newton failed), 2 bad
input.
"""

from __future__ import annotations

from derive.cli import EXIT_OK
from derive.cli import EXIT_REFUTED as EXIT_FAILED
from derive.cli.reading import expression
from derive.errors import DeriveError, NoClosedFormError
from derive.estimation import likelihood, mle
from derive.fitting import fit
from derive.fitting.files import read_csv


def _on_dask(path):
    """A glob, or a .npy/.parquet file: read chunk by chunk on Dask, not into memory."""
    return any(c in path for c in "*?[") or path.lower().endswith((".npy", ".parquet"))


def run(args) -> int:
    """Run ``derive mle``; returns the exit code."""
    L = likelihood(expression(args, args.density, what="DENSITY"), args.params, var=args.var,
                   constraint=expression(args, args.constraint, what="--constraint"))
    # the data and constants are read first: a bad file fails before any derivation
    lazy = args.data is not None and _on_dask(args.data)
    data = args.data if lazy or args.data is None else read_csv(
        args.data, [v.name for v in L.variables])
    known = dict(args.known)
    print(f"log-likelihood: {L.loglik}")
    for t, s in L.statistics.items():
        print(f"  {t} = {s}")
    try:
        est = mle(L)
    except NoClosedFormError as err:
        est = None
        print(f"closed form: none ({str(err).split('. ')[0]})")
    else:
        print("closed form (" + f"{est.seconds:.2f} s):")
        print("  " + str(est).replace("\n", "\n  "))
    try:
        print(f"Fisher information per observation: {L.fisher_information.tolist()}")
    except NoClosedFormError as err:
        try:
            info = L.fisher_information_integrated(seconds=2)  # Cauchy: ~0.6 s per entry
        except DeriveError as integrated:
            print(str(err).split(";")[0])
            print(f"  and {integrated}")
        else:
            print(f"Fisher information per observation (E[score score^T], integrated): "
                  f"{info.tolist()}")
    if args.data is None:
        return EXIT_OK if est is not None else EXIT_FAILED
    f = fit(L, data=data, known=known, closed_form=est,
            method="auto" if est is not None else "newton",
            scheduler=getattr(args, "scheduler", None))
    # the check runs first, so that the summary says how it came out
    try:
        reports = f.check()
    except NoClosedFormError:  # not differentiable: the summary says so
        reports = None
    print(f.summary(args.level))
    refuted = reports is not None and any(reports[w].status == "refuted"
                                          for w in ("score", "hessian"))
    return EXIT_FAILED if refuted else EXIT_OK
