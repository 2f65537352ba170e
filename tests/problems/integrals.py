"""Reference integrals of probability and machine-learning interest, with known values.

Each entry: ``id``; ``integrand`` (text, as a user types it); ``limits`` (tuples
``(var, a, b)``, innermost first, text allowed); ``expected`` (the closed form
from the source, as text read by ``derive.parse``; parameters take the values
in ``at`` before comparing); ``positive`` (names to declare positive);
``at`` (parameter values used for the numeric comparison); ``source``.

Sources
-------
* GR: I. S. Gradshteyn and I. M. Ryzhik, *Table of Integrals, Series, and
  Products*, 7th ed. (2007), formula numbers as given.
* JKB: N. L. Johnson, S. Kotz, N. Balakrishnan, *Continuous Univariate
  Distributions*, vols. 1-2, 2nd ed. (1994-95): moments of the named families.
* CT: T. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed.
  (2006), Table 17.1 (differential entropies).
* DLMF: NIST Digital Library of Mathematical Functions, equation numbers as given.

Every expected value is also compared with ``mpmath.quad`` in
``tests/test_integrals_catalogue.py`` so a typo here cannot hide.
"""

import sympy as sp

from derive.parsing import parse

INTEGRALS = [
    # --- Gaussian integrals and moments -------------------------------------------------
    dict(id="gauss-full", integrand="exp(-x**2)", limits=[("x", "-oo", "oo")],
         expected="sqrt(pi)", source="GR 3.321.3 (q=1, doubled); DLMF 7.4.1"),
    dict(id="gauss-half", integrand="exp(-x**2)", limits=[("x", 0, "oo")],
         expected="sqrt(pi)/2", source="GR 3.321.3"),
    dict(id="gauss-scaled", integrand="exp(-a*x**2)", limits=[("x", "-oo", "oo")],
         expected="sqrt(pi/a)", positive=["a"], at={"a": 1.7}, source="GR 3.321.3"),
    dict(id="normal-pdf-mass", integrand="exp(-(x - mu)**2/(2*s**2))/(s*sqrt(2*pi))",
         limits=[("x", "-oo", "oo")], expected="1", positive=["s"], at={"mu": 0.3, "s": 1.4},
         source="JKB vol. 1, 13.1 (normal density)"),
    dict(id="normal-mean", integrand="x*exp(-(x - mu)**2/2)/sqrt(2*pi)",
         limits=[("x", "-oo", "oo")], expected="mu", at={"mu": 0.7},
         source="JKB vol. 1, 13.2 (normal moments)"),
    dict(id="normal-second-moment", integrand="x**2*exp(-x**2/(2*s**2))/(s*sqrt(2*pi))",
         limits=[("x", "-oo", "oo")], expected="s**2", positive=["s"], at={"s": 1.3},
         source="JKB vol. 1, 13.2"),
    dict(id="normal-fourth-moment", integrand="x**4*exp(-x**2/2)/sqrt(2*pi)",
         limits=[("x", "-oo", "oo")], expected="3", source="JKB vol. 1, 13.2 (mu_4 = 3 sigma^4)"),
    dict(id="normal-sixth-moment", integrand="x**6*exp(-x**2/2)/sqrt(2*pi)",
         limits=[("x", "-oo", "oo")], expected="15", source="JKB vol. 1, 13.2 (mu_6 = 15 sigma^6)"),
    dict(id="gauss-x2n", integrand="x**4*exp(-p*x**2)", limits=[("x", 0, "oo")],
         expected="3*sqrt(pi)/(8*p**(5/2))", positive=["p"], at={"p": 0.8},
         source="GR 3.461.2 (n=2)"),
    dict(id="gauss-odd-moment", integrand="x**3*exp(-x**2)", limits=[("x", 0, "oo")],
         expected="1/2", source="GR 3.461.3 (n=1)"),
    dict(id="gauss-linear-exponent", integrand="exp(-x**2 + q*x)", limits=[("x", "-oo", "oo")],
         expected="sqrt(pi)*exp(q**2/4)", at={"q": 0.9}, source="GR 3.323.2 (p=1)"),
    dict(id="gauss-cosine", integrand="exp(-x**2)*cos(b*x)", limits=[("x", 0, "oo")],
         expected="sqrt(pi)*exp(-b**2/4)/2", at={"b": 1.5}, source="GR 3.896.4 (beta=1)"),
    dict(id="normal-mgf", integrand="exp(t*x)*exp(-x**2/2)/sqrt(2*pi)",
         limits=[("x", "-oo", "oo")], expected="exp(t**2/2)", at={"t": 0.6},
         source="JKB vol. 1, 13.2 (moment generating function)"),
    dict(id="half-normal-mean", integrand="x*sqrt(2/pi)*exp(-x**2/2)", limits=[("x", 0, "oo")],
         expected="sqrt(2/pi)", source="JKB vol. 1, 13.7 (half-normal / folded normal)"),
    dict(id="relu-gaussian-mean", integrand="relu(x)*exp(-x**2/2)/sqrt(2*pi)",
         limits=[("x", "-oo", "oo")], expected="1/sqrt(2*pi)",
         source="E[max(0, Z)] = phi(0) (JKB vol. 1, 13.10.1, truncated normal mean)"),
    dict(id="relu-gaussian-second", integrand="relu(x)**2*exp(-x**2/2)/sqrt(2*pi)",
         limits=[("x", "-oo", "oo")], expected="1/2",
         source="E[max(0, Z)^2] = E[Z^2]/2 by symmetry (JKB vol. 1, 13.2)"),
    dict(id="gaussian-cdf-times-pdf", integrand="(1 + erf(x/sqrt(2)))/2*exp(-x**2/2)/sqrt(2*pi)",
         limits=[("x", "-oo", "oo")], expected="1/2",
         source="E[Phi(Z)] = 1/2 (Owen 1980, Commun. Statist. B9, table of normal integrals, 10,010.1)"),
    dict(id="gelu-like", integrand="x*(1 + erf(x/sqrt(2)))/2*exp(-x**2/2)/sqrt(2*pi)",
         limits=[("x", "-oo", "oo")], expected="1/(2*sqrt(pi))",
         source="E[Z Phi(Z)] = 1/(2 sqrt(pi)) (Owen 1980, 10,011.1)"),
    dict(id="normal-entropy", integrand="-exp(-x**2/2)/sqrt(2*pi)*(-x**2/2 - log(sqrt(2*pi)))",
         limits=[("x", "-oo", "oo")], expected="log(2*pi*exp(1))/2",
         source="CT Table 17.1 (normal, sigma = 1)"),
    dict(id="normal-kl", integrand=("exp(-x**2/2)/sqrt(2*pi)*(log(2) + (x - 1)**2/8 - x**2/2)"),
         limits=[("x", "-oo", "oo")], expected="log(2) + 2/8 - 1/2",
         source="KL(N(0,1) || N(1,2^2)) = log(s2/s1) + (s1^2 + (m1-m2)^2)/(2 s2^2) - 1/2 "
                "(Kullback 1959)"),
    # --- exponential / gamma family ------------------------------------------------------
    dict(id="exp-mass", integrand="l*exp(-l*x)", limits=[("x", 0, "oo")], expected="1",
         positive=["l"], at={"l": 2.5}, source="JKB vol. 1, 19.1"),
    dict(id="exp-mean", integrand="x*l*exp(-l*x)", limits=[("x", 0, "oo")], expected="1/l",
         positive=["l"], at={"l": 2.5}, source="JKB vol. 1, 19.2"),
    dict(id="exp-second", integrand="x**2*exp(-x)", limits=[("x", 0, "oo")], expected="2",
         source="GR 3.351.3 (n=2, mu=1)"),
    dict(id="gamma-moment-n", integrand="x**5*exp(-m*x)", limits=[("x", 0, "oo")],
         expected="120/m**6", positive=["m"], at={"m": 1.3}, source="GR 3.351.3 (n=5)"),
    dict(id="gamma-function", integrand="x**(a - 1)*exp(-x)", limits=[("x", 0, "oo")],
         expected="gamma(a)", positive=["a"], at={"a": 2.7}, source="GR 8.310.1; DLMF 5.2.1"),
    dict(id="gamma-half", integrand="exp(-x)/sqrt(x)", limits=[("x", 0, "oo")],
         expected="sqrt(pi)", source="DLMF 5.4.6 (Gamma(1/2))"),
    dict(id="stretched-exp", integrand="x**2*exp(-x**3)", limits=[("x", 0, "oo")],
         expected="1/3", source="GR 3.326.2 (m=2, n=3, beta=1)"),
    dict(id="weibull-mean", integrand="x*k*x**(k - 1)*exp(-x**k)", limits=[("x", 0, "oo")],
         expected="gamma(1 + 1/k)", positive=["k"], at={"k": 1.5},
         source="JKB vol. 1, 21.3 (Weibull moments)"),
    dict(id="exp-entropy", integrand="-exp(-x)*(-x)", limits=[("x", 0, "oo")], expected="1",
         source="CT Table 17.1 (exponential, lambda = 1: 1 - log lambda)"),
    dict(id="log-exp", integrand="exp(-m*x)*log(x)", limits=[("x", 0, "oo")],
         expected="(digamma(1) - log(m))/m", positive=["m"], at={"m": 2.0},
         source="GR 4.331.1"),
    dict(id="exp-frullani", integrand="(exp(-x) - exp(-2*x))/x", limits=[("x", 0, "oo")],
         expected="log(2)", source="GR 3.434.2 (Frullani)"),
    dict(id="gamma-entropy-part", integrand="x*exp(-x)*log(x)", limits=[("x", 0, "oo")],
         expected="1 + digamma(1)", source="GR 4.352.1 (nu=2, mu=1): Gamma'(2)"),
    # --- beta / uniform family -----------------------------------------------------------
    dict(id="x-squared-unit", integrand="x**2", limits=[("x", 0, 1)], expected="1/3",
         source="elementary (power rule)"),
    dict(id="beta-integral", integrand="x**2*(1 - x)**3", limits=[("x", 0, 1)],
         expected="1/60", source="GR 3.191.3: B(3, 4) = 2!3!/6!"),
    dict(id="beta-half", integrand="1/sqrt(x*(1 - x))", limits=[("x", 0, 1)], expected="pi",
         source="GR 3.191.3: B(1/2, 1/2) (arcsine density normalizer)"),
    dict(id="beta-general", integrand="x**(a - 1)*(1 - x)**(b - 1)", limits=[("x", 0, 1)],
         expected="gamma(a)*gamma(b)/gamma(a + b)", positive=["a", "b"],
         at={"a": 2.5, "b": 1.5}, source="GR 3.191.3; DLMF 5.12.1"),
    dict(id="beta-mean", integrand="x*6*x*(1 - x)", limits=[("x", 0, 1)], expected="1/2",
         source="JKB vol. 2, 25.3 (Beta(2,2) mean)"),
    dict(id="uniform-variance", integrand="(x - 1/2)**2", limits=[("x", 0, 1)],
         expected="1/12", source="JKB vol. 2, 26.1"),
    dict(id="log-unit", integrand="log(x)", limits=[("x", 0, 1)], expected="-1",
         source="GR 4.221.1 (n=1)"),
    dict(id="log-over-1-minus-x", integrand="log(x)/(1 - x)", limits=[("x", 0, 1)],
         expected="-pi**2/6", source="GR 4.231.2"),
    dict(id="log-over-1-plus-x", integrand="log(x)/(1 + x)", limits=[("x", 0, 1)],
         expected="-pi**2/12", source="GR 4.231.1"),
    dict(id="x-log-x", integrand="x*log(x)", limits=[("x", 0, 1)], expected="-1/4",
         source="GR 4.241.1 style: int x^n log x = -1/(n+1)^2"),
    dict(id="binary-entropy-mean", integrand="-x*log(x) - (1 - x)*log(1 - x)",
         limits=[("x", 0, 1)], expected="1/2", source="2 * int_0^1 -x log x dx = 1/2 (GR 4.241)"),
    dict(id="x-power-x", integrand="x**(-x)", limits=[("x", 0, 1)],
         expected="1.2912859970626635404",
         source="sophomore's dream, sum n^-n (Bernoulli 1697; OEIS A073009)"),
    dict(id="x-to-x", integrand="x**x", limits=[("x", 0, 1)], expected="0.78343051071213440706",
         source="sophomore's dream, -sum (-n)^-n (OEIS A083648)"),
    # --- logistic / softplus / sigmoid (ML) ----------------------------------------------
    dict(id="sigmoid-derivative-mass", integrand="sigmoid(x)*(1 - sigmoid(x))",
         limits=[("x", "-oo", "oo")], expected="1",
         source="logistic density s(x)(1-s(x)) integrates to 1 (JKB vol. 2, 23.1)"),
    dict(id="logistic-variance", integrand="x**2*exp(-x)/(1 + exp(-x))**2",
         limits=[("x", "-oo", "oo")], expected="pi**2/3", source="JKB vol. 2, 23.3"),
    dict(id="logistic-entropy", integrand="-exp(-x)/(1 + exp(-x))**2*(-x - 2*log(1 + exp(-x)))",
         limits=[("x", "-oo", "oo")], expected="2", source="entropy of the standard logistic "
         "= 2 (Lazo & Rathie 1978, IEEE Trans. Inf. Theory 24, Table I)"),
    dict(id="softplus-tail", integrand="log(1 + exp(-x))", limits=[("x", 0, "oo")],
         expected="pi**2/12", source="series log(1+e^-x) = sum (-1)^(k+1) e^(-kx)/k, termwise: eta(2) = pi^2/12 (DLMF 25.2.3 with 25.6.1)"),
    dict(id="bose-einstein", integrand="x/(exp(x) - 1)", limits=[("x", 0, "oo")],
         expected="pi**2/6", source="GR 3.411.1 (nu=2)"),
    dict(id="fermi-dirac", integrand="x/(exp(x) + 1)", limits=[("x", 0, "oo")],
         expected="pi**2/12", source="GR 3.411.3 (nu=2)"),
    dict(id="sech-squared", integrand="1/cosh(x)**2", limits=[("x", "-oo", "oo")],
         expected="2", source="elementary: tanh' = sech^2"),
    dict(id="sech", integrand="1/cosh(x)", limits=[("x", "-oo", "oo")], expected="pi",
         source="elementary: antiderivative 2*atan(tanh(x/2)) (Gudermannian, DLMF 4.23.39)"),
    # --- Laplace, Cauchy, Student t and others --------------------------------------------
    dict(id="laplace-mass", integrand="exp(-Abs(x))/2", limits=[("x", "-oo", "oo")],
         expected="1", source="JKB vol. 2, 24.1"),
    dict(id="laplace-variance", integrand="x**2*exp(-Abs(x))/2", limits=[("x", "-oo", "oo")],
         expected="2", source="JKB vol. 2, 24.3 (2 b^2)"),
    dict(id="laplace-entropy", integrand="exp(-Abs(x))/2*(Abs(x) + log(2))",
         limits=[("x", "-oo", "oo")], expected="1 + log(2)",
         source="CT Table 17.1 (Laplace, 1 + ln 2b)"),
    dict(id="cauchy-mass", integrand="1/(pi*(1 + x**2))", limits=[("x", "-oo", "oo")],
         expected="1", source="GR 3.241.2 style; JKB vol. 1, 16.1"),
    dict(id="lorentz-power", integrand="1/(1 + x**4)", limits=[("x", 0, "oo")],
         expected="pi/(2*sqrt(2))", source="GR 3.241.2 (mu=1, nu=4)"),
    dict(id="student-t3-mass", integrand="6*sqrt(3)/(pi*(3 + x**2)**2)",
         limits=[("x", "-oo", "oo")], expected="1", source="JKB vol. 2, 28.2 (nu = 3)"),
    dict(id="rayleigh-mean", integrand="x**2/s**2*exp(-x**2/(2*s**2))", limits=[("x", 0, "oo")],
         expected="s*sqrt(pi/2)", positive=["s"], at={"s": 1.2},
         source="JKB vol. 1, 18.10 (Rayleigh mean)"),
    dict(id="maxwell-mass", integrand="sqrt(2/pi)*x**2*exp(-x**2/2)", limits=[("x", 0, "oo")],
         expected="1", source="JKB vol. 1, 18.9 (Maxwell-Boltzmann)"),
    dict(id="lognormal-mean", integrand="exp(-log(x)**2/2)/(sqrt(2*pi))",
         limits=[("x", 0, "oo")], expected="exp(1/2)",
         source="JKB vol. 1, 14.3 (E[X] = exp(mu + sigma^2/2))"),
    dict(id="sinc", integrand="sin(x)/x", limits=[("x", 0, "oo")], expected="pi/2",
         source="GR 3.721.1 (Dirichlet)"),
    dict(id="sinc-squared", integrand="sin(x)**2/x**2", limits=[("x", 0, "oo")],
         expected="pi/2", source="GR 3.821.9 (a=1)"),
    dict(id="exp-sin", integrand="exp(-x)*sin(x)", limits=[("x", 0, "oo")], expected="1/2",
         source="GR 3.893.1 (p=1, b=1)"),
    dict(id="char-function-exp", integrand="exp(-x)*cos(w*x)", limits=[("x", 0, "oo")],
         expected="1/(1 + w**2)", at={"w": 0.8}, source="GR 3.893.2 (p=1)"),
    # --- several variables ---------------------------------------------------------------
    dict(id="bivariate-gauss", integrand="exp(-x**2 - y**2)",
         limits=[("x", "-oo", "oo"), ("y", "-oo", "oo")], expected="pi",
         source="GR 3.321.3 squared (Poisson's trick)"),
    dict(id="triangle-area", integrand="1", limits=[("y", 0, "x"), ("x", 0, 1)],
         expected="1/2", source="elementary"),
    dict(id="product-moment", integrand="x*y", limits=[("x", 0, 1), ("y", 0, 1)],
         expected="1/4", source="E[UV] = E[U]E[V] for independent uniforms"),
    # --- hard for SymPy (a closed form exists but is often not found in a few seconds) ---
    dict(id="quartic-exp-cos", integrand="exp(-x**4)*cos(x)", limits=[("x", 0, 1)],
         expected="0.73635193089097543",
         source="no elementary closed form; value by mpmath.quad at 40 digits"),
]


def read(entry):
    """An entry as SymPy: (integrand, limits, expected value, parameter values ``at``)."""
    syms = {n: sp.Symbol(n, positive=True) for n in entry.get("positive", [])}
    f = parse(entry["integrand"], symbols=syms)
    limits = [(parse(v, symbols=syms),) + tuple(parse(str(b), symbols=syms) for b in (a, c))
              for v, a, c in entry["limits"]]
    expected = parse(entry["expected"], symbols=syms)
    at = {s: sp.Float(entry["at"][s.name], 30)
          for s in (f.free_symbols | expected.free_symbols) if s.name in entry.get("at", {})}
    return f, limits, expected, at


# --- beyond a closed form: the answer is a status or a checked numeric function --------
# ``expect``: "diverges", "does not exist", "numeric function" (parameters, no closed
# form; ``at`` gives one parameter point and ``value`` the integral there) or
# "numeric antiderivative" (``at`` gives x and ``value`` = int_0^x f).
BEYOND_CLOSED_FORM = [
    dict(id="sin-half-line", integrand="sin(x)", limits=[("x", 0, "oo")],
         expect="does not exist", source="int_0^X sin = 1 - cos X has no limit"),
    dict(id="cos-half-line", integrand="cos(x)", limits=[("x", 0, "oo")],
         expect="does not exist", source="int_0^X cos = sin X has no limit"),
    dict(id="reciprocal-through-zero", integrand="1/x", limits=[("x", -1, 1)],
         expect="diverges", source="simple pole at 0 inside the range"),
    dict(id="tan-through-pole", integrand="tan(x)", limits=[("x", 0, 2)],
         expect="diverges", source="simple pole of tan at pi/2 inside [0, 2]"),
    dict(id="harmonic-tail", integrand="1/x", limits=[("x", 1, "oo")],
         expect="diverges", source="int_1^X dx/x = log X"),
    dict(id="inverse-square-through-zero", integrand="1/x**2", limits=[("x", -1, 1)],
         expect="diverges", source="double pole at 0"),
    dict(id="log-sin-quartic", integrand="log(1 + a*sin(x)**2 + x**4)", limits=[("x", 0, 1)],
         expect="numeric function", at={"a": 0.5},
         value="0.25580499489771379536", source="no closed form; mpmath.quad at 40 digits"),
    dict(id="gauss-log-param", integrand="exp(-a*x**2)*log(1 + b*x)", limits=[("x", 0, 1)],
         expect="numeric function", at={"a": 2.0, "b": 1.5},
         value="0.24183833037917145619", source="no closed form; mpmath.quad at 40 digits"),
    dict(id="sophomores-dream-antiderivative", integrand="x**x", limits=[("x",)],
         expect="numeric antiderivative", at={"x": 1.0},
         value="0.78343051071213440706", source="sum (-1)^(n+1) n^-n (Bernoulli 1697)"),
    dict(id="exp-sin-antiderivative", integrand="exp(sin(x))", limits=[("x",)],
         expect="numeric antiderivative", at={"x": 1.5},
         value="2.9120952472487624026", source="no elementary antiderivative; mpmath.quad"),
]
