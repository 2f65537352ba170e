r"""LaTeX formulas as textbooks and papers print them, with their meanings.

Each entry of :data:`FORMULAS` is ``(id, latex, meaning, source)``: ``meaning``
is built here directly from SymPy constructors (never by a parser), so the
catalogue is an independent truth for :func:`derive.parse_latex` and for
SymPy's own ``parse_latex`` (``benchmarks/bench_latex.py``). Letters are real
symbols; ``\sum`` indices are integers and ``x_i`` under a sum is ``x[i]``.
:data:`AMBIGUOUS` lists formulas with two readings, which must be refused.
:func:`same` decides whether a reading means the same as the meaning: equal
after renaming every symbol to a plain real symbol of its name, or equal
numerically at three random points after ``doit()`` (sums with ``n = 3``).

Sources (formula or section numbers as given)
---------------------------------------------
* Bishop: C. M. Bishop, *Pattern Recognition and Machine Learning* (2006).
* DL: I. Goodfellow, Y. Bengio, A. Courville, *Deep Learning* (2016).
* AS: M. Abramowitz, I. Stegun, *Handbook of Mathematical Functions* (1964).
* Stewart: J. Stewart, *Calculus: Early Transcendentals*, 8th ed. (2015).
* CB: G. Casella, R. Berger, *Statistical Inference*, 2nd ed. (2002).
* MC: K. B. Petersen, M. S. Pedersen, *The Matrix Cookbook* (2012).
* GKP: R. Graham, D. Knuth, O. Patashnik, *Concrete Mathematics*, 2nd ed. (1994).
* ESL: T. Hastie, R. Tibshirani, J. Friedman, *The Elements of Statistical
  Learning*, 2nd ed. (2009).
* KB: D. P. Kingma, J. Ba, "Adam: a method for stochastic optimization", ICLR 2015.
* Vaswani: A. Vaswani et al., "Attention is all you need", NeurIPS 2017.
* Hinton: G. Hinton, O. Vinyals, J. Dean, "Distilling the knowledge in a neural
  network", 2015.
* CT: T. Cover, J. Thomas, *Elements of Information Theory*, 2nd ed. (2006).
"""

import random

import sympy as sp

R = dict(real=True)
a, b, c, d, k, m, n, p, q, r, s, t, u, v, w, x, y, z = sp.symbols(
    "a b c d k m n p q r s t u v w x y z", **R)
A_, B_, C_, N_, T_, L_ = sp.symbols("A B C N T L", **R)
alpha, beta, gamma_, delta, epsilon, eta, theta, lam, mu, nu, pi_s, rho, sigma, tau, phi, \
    omega, xi, kappa = sp.symbols("alpha beta gamma delta epsilon eta theta lambda mu nu "
                                  "varpi rho sigma tau phi omega xi kappa", **R)
x1, x2, w0, w1, w2, b1, theta0, theta1, mu0, sigma0, y_hat, x_bar, mu_hat, beta1, beta2 = \
    sp.symbols("x_1 x_2 w_0 w_1 w_2 b_1 theta_0 theta_1 mu_0 sigma_0 y_hat x_bar mu_hat "
               "beta_1 beta_2", **R)
m_t, v_t, g_t = sp.symbols("m_t v_t g_t", **R)
i, j = sp.symbols("i j", integer=True)
X, Y = sp.IndexedBase("x", **R), sp.IndexedBase("y", **R)
W = sp.IndexedBase("w", **R)
E = sp.E
pi = sp.pi
half = sp.Rational(1, 2)


def sig(e):
    return 1 / (1 + sp.exp(-e))


FORMULAS = [
    # --- arithmetic, fractions, powers, roots -------------------------------------------
    ("frac-simple", r"\frac{1}{2}", half, "Stewart, App. A"),
    ("frac-poly", r"\frac{x^2 + 1}{x - 1}", (x**2 + 1) / (x - 1), "Stewart 2.5"),
    ("dfrac", r"\dfrac{a}{b}", a / b, "LaTeX amsmath"),
    ("tfrac", r"\tfrac{3}{4} x", sp.Rational(3, 4) * x, "LaTeX amsmath"),
    ("nested-frac", r"\frac{1}{1 + \frac{1}{x}}", 1 / (1 + 1 / x), "GKP 6.7 (continued fractions)"),
    ("power-brace", r"x^{2n}", x**(2 * n), "Stewart App. A"),
    ("power-single", r"x^2 y^3", x**2 * y**3, "Stewart App. A"),
    ("power-negative", r"x^{-1}", 1 / x, "Stewart App. A"),
    ("power-frac", r"x^{\frac{1}{2}}", sp.sqrt(x), "Stewart App. A"),
    ("power-tower", r"2^{2^{3}}", sp.Integer(256), "GKP 1"),
    ("neg-power", r"-x^2", -x**2, "Stewart App. A"),
    ("sqrt", r"\sqrt{x^2 + y^2}", sp.sqrt(x**2 + y**2), "Stewart 12.1 (distance)"),
    ("nth-root", r"\sqrt[3]{x}", x**sp.Rational(1, 3), "Stewart App. A"),
    ("sqrt-frac", r"\sqrt{\frac{a}{b}}", sp.sqrt(a / b), "Stewart App. A"),
    ("cdot", r"a \cdot b", a * b, "LaTeX"),
    ("times", r"2 \times 3", sp.Integer(6), "LaTeX"),
    ("implicit", r"2xy", 2 * x * y, "Stewart App. A"),
    ("implicit-paren", r"a(b + c)", a * (b + c), "Stewart App. A"),
    ("paren-product", r"(x + 1)(x - 1)", (x + 1) * (x - 1), "Stewart App. A"),
    ("left-right", r"\left( \frac{a}{b} \right)^2", (a / b)**2, "LaTeX"),
    ("brackets", r"\left[ x + 1 \right] y", (x + 1) * y, "LaTeX"),
    ("slash-simple", r"a / b", a / b, "LaTeX"),
    ("slash-paren", r"(a + b) / (c + d)", (a + b) / (c + d), "LaTeX"),
    ("decimal", r"0.5 x", x / 2, "LaTeX"),
    ("decimal-long", r"3.14159 r^2", sp.Rational(314159, 100000) * r**2, "Stewart 1.1"),
    ("binomial-square", r"(a+b)^2", (a + b)**2, "Stewart App. A"),
    ("difference-squares", r"a^2 - b^2", a**2 - b**2, "Stewart App. A"),
    ("factorial", r"n!", sp.factorial(n), "GKP 5.1"),
    ("binom", r"\binom{n}{k}", sp.binomial(n, k), "GKP 5.1"),
    ("binom-formula", r"\frac{n!}{k!(n-k)!}", sp.factorial(n) / (sp.factorial(k) * sp.factorial(n - k)), "GKP 5.1"),
    ("abs", r"|x - y|", sp.Abs(x - y), "Stewart App. A"),
    ("abs-left", r"\left| x \right|", sp.Abs(x), "Stewart App. A"),
    ("norm-scalar", r"\| x \|", sp.Abs(x), "LaTeX"),
    ("quadratic-formula", r"\frac{-b + \sqrt{b^2 - 4ac}}{2a}", (-b + sp.sqrt(b**2 - 4 * a * c)) / (2 * a), "Stewart App. A"),
    ("pi-area", r"\pi r^2", pi * r**2, "Stewart 1.1"),
    ("sphere-volume", r"\frac{4}{3}\pi r^3", sp.Rational(4, 3) * pi * r**3, "Stewart 6.2"),
    ("infinity", r"\frac{1}{\infty}", sp.Integer(0), "LaTeX"),
    ("subscripted", r"x_1 + x_2", x1 + x2, "LaTeX"),
    ("subscript-greek", r"\theta_0 + \theta_1 x", theta0 + theta1 * x, "ESL 3.1"),
    ("subscript-brace", r"w_{0} + w_{1} x + w_{2} x^2", w0 + w1 * x + w2 * x**2, "Bishop 1.1"),
    ("hat", r"\hat{y}", y_hat, "ESL 2.3"),
    ("bar", r"\bar{x}", x_bar, "CB 5.2"),
    ("hat-greek", r"\hat{\mu} - \mu", mu_hat - mu, "CB 7.1"),
    ("mathbf", r"\mathbf{x} + 1", x + 1, "Bishop notation"),
    ("varepsilon", r"\varepsilon^2", epsilon**2, "LaTeX"),
    ("greek-product", r"\alpha \beta \gamma", alpha * beta * gamma_, "LaTeX"),
    ("lambda", r"\lambda w^2", lam * w**2, "ESL 3.41 (ridge penalty)"),
    # --- exponentials and logarithms -------------------------------------------------------
    ("exp-brace", r"e^{x}", sp.exp(x), "Stewart 3.1"),
    ("exp-single", r"e^x", sp.exp(x), "Stewart 3.1"),
    ("exp-neg", r"e^{-x}", sp.exp(-x), "Stewart 3.1"),
    ("exp-cmd", r"\exp(x^2)", sp.exp(x**2), "Stewart 3.1"),
    ("exp-cmd-left", r"\exp\left(-\frac{x^2}{2}\right)", sp.exp(-x**2 / 2), "CB 3.3"),
    ("mathrm-e", r"\mathrm{e}^{2x}", sp.exp(2 * x), "ISO 80000-2"),
    ("mathrm-e-bare", r"2 \mathrm{e}", 2 * E, "ISO 80000-2"),
    ("log-natural", r"\log x", sp.log(x), "Bishop 1.2"),
    ("ln", r"\ln(x + 1)", sp.log(x + 1), "Stewart 3.6"),
    ("log-base", r"\log_2 x", sp.log(x, 2), "CT 2.1"),
    ("log-base-brace", r"\log_{10}(x)", sp.log(x, 10), "Stewart 1.5"),
    ("log-product", r"\log(ab)", sp.log(a * b), "Stewart 1.5"),
    ("log-power", r"\log x^2", sp.log(x**2), "Stewart 1.5"),
    ("log-sum-exp", r"\log\left(e^{a} + e^{b}\right)", sp.log(sp.exp(a) + sp.exp(b)), "DL 4.1"),
    ("softplus", r"\log(1 + e^{x})", sp.log(1 + sp.exp(x)), "DL 3.31"),
    ("sigmoid-frac", r"\frac{1}{1 + e^{-x}}", sig(x), "DL 3.30"),
    ("sigmoid-cmd", r"\sigma(x)", sig(x), "DL 3.30"),
    ("sigmoid-derivative", r"\sigma(x)(1 - \sigma(x))", sig(x) * (1 - sig(x)), "DL 3.33"),
    ("sigma-symbol", r"\sigma^2", sigma**2, "CB 2.3"),
    ("tanh-def", r"\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}", (sp.exp(x) - sp.exp(-x)) / (sp.exp(x) + sp.exp(-x)), "AS 4.5.3"),
    ("log-likelihood-bernoulli", r"y \log p + (1 - y) \log(1 - p)", y * sp.log(p) + (1 - y) * sp.log(1 - p), "Bishop 4.90"),
    ("entropy-binary", r"-p \log_2 p - (1-p)\log_2(1-p)", -p * sp.log(p, 2) - (1 - p) * sp.log(1 - p, 2), "CT 2.5"),
    ("kl-bernoulli", r"p \log\frac{p}{q} + (1-p)\log\frac{1-p}{1-q}", p * sp.log(p / q) + (1 - p) * sp.log((1 - p) / (1 - q)), "CT 2.26"),
    ("exp-log", r"e^{\log x}", sp.exp(sp.log(x)), "Stewart 1.5"),
    ("compound-interest", r"\left(1 + \frac{1}{n}\right)^{n}", (1 + 1 / n)**n, "Stewart 3.6"),
    # --- trigonometry ----------------------------------------------------------------------
    ("sin", r"\sin x", sp.sin(x), "AS 4.3"),
    ("sin-2x", r"\sin 2x", sp.sin(2 * x), "AS 4.3.24"),
    ("sin-squared", r"\sin^2 x + \cos^2 x", sp.sin(x)**2 + sp.cos(x)**2, "AS 4.3.10"),
    ("sin-power-arg", r"\sin x^2", sp.sin(x**2), "Stewart 3.4"),
    ("double-angle", r"2 \sin x \cos x", 2 * sp.sin(x) * sp.cos(x), "AS 4.3.24"),
    ("cos-double", r"\cos^2 x - \sin^2 x", sp.cos(x)**2 - sp.sin(x)**2, "AS 4.3.25"),
    ("tan", r"\tan(x + y)", sp.tan(x + y), "AS 4.3.18"),
    ("tan-sum", r"\frac{\tan x + \tan y}{1 - \tan x \tan y}", (sp.tan(x) + sp.tan(y)) / (1 - sp.tan(x) * sp.tan(y)), "AS 4.3.18"),
    ("sec", r"\sec^2 x", sp.sec(x)**2, "AS 4.3.5"),
    ("arctan", r"\arctan x", sp.atan(x), "AS 4.4"),
    ("arcsin", r"\arcsin(x)", sp.asin(x), "AS 4.4"),
    ("cosh", r"\cosh x", sp.cosh(x), "AS 4.5"),
    ("tanh", r"\tanh(x)", sp.tanh(x), "DL 6.3.3"),
    ("tanh-prime", r"1 - \tanh^2 x", 1 - sp.tanh(x)**2, "AS 4.5.17"),
    ("sinh-frac", r"\frac{e^x - e^{-x}}{2}", (sp.exp(x) - sp.exp(-x)) / 2, "AS 4.5.1"),
    ("trig-product", r"\sin x \cos y", sp.sin(x) * sp.cos(y), "AS 4.3.31"),
    ("cos-sum", r"\cos(x + y)", sp.cos(x + y), "AS 4.3.17"),
    ("sin-pi", r"\sin(\pi t)", sp.sin(pi * t), "LaTeX"),
    ("sinc", r"\frac{\sin x}{x}", sp.sin(x) / x, "AS 4.3"),
    ("fourier-term", r"a \cos(\omega t) + b \sin(\omega t)", a * sp.cos(omega * t) + b * sp.sin(omega * t), "Stewart 11.11"),
    # --- special functions ----------------------------------------------------------------
    ("gamma-fn", r"\Gamma(x + 1)", sp.gamma(x + 1), "AS 6.1.15"),
    ("beta-fn", r"\frac{\Gamma(a)\Gamma(b)}{\Gamma(a + b)}", sp.gamma(a) * sp.gamma(b) / sp.gamma(a + b), "AS 6.2.2"),
    ("erf", r"\operatorname{erf}(x)", sp.erf(x), "AS 7.1.1"),
    ("normal-cdf", r"\frac{1}{2}\left(1 + \operatorname{erf}\left(\frac{x}{\sqrt{2}}\right)\right)", (1 + sp.erf(x / sp.sqrt(2))) / 2, "AS 26.2.29"),
    ("max", r"\max(0, x)", sp.Max(0, x), "DL 6.3.1 (ReLU)"),
    ("relu-op", r"\operatorname{ReLU}(x)", sp.Max(0, x), "DL 6.3.1"),
    ("min", r"\min(x, y)", sp.Min(x, y), "LaTeX"),
    ("sign", r"\operatorname{sgn}(x)", sp.sign(x), "LaTeX"),
    ("softplus-op", r"\operatorname{softplus}(x)", sp.log(1 + sp.exp(x)), "DL 3.31"),
    ("hinge", r"\max(0, 1 - y t)", sp.Max(0, 1 - y * t), "Bishop 7.44"),
    # --- probability densities ---------------------------------------------------------------
    ("gaussian-pdf", r"\frac{1}{\sqrt{2\pi\sigma^2}} e^{-\frac{(x-\mu)^2}{2\sigma^2}}", sp.exp(-(x - mu)**2 / (2 * sigma**2)) / sp.sqrt(2 * pi * sigma**2), "Bishop 1.46"),
    ("gaussian-pdf-exp", r"\frac{1}{\sigma\sqrt{2\pi}} \exp\left(-\frac{1}{2}\left(\frac{x-\mu}{\sigma}\right)^2\right)", sp.exp(-((x - mu) / sigma)**2 / 2) / (sigma * sp.sqrt(2 * pi)), "CB 3.3.13"),
    ("gaussian-loglik", r"-\frac{1}{2}\log(2\pi\sigma^2) - \frac{(x-\mu)^2}{2\sigma^2}", -sp.log(2 * pi * sigma**2) / 2 - (x - mu)**2 / (2 * sigma**2), "Bishop 1.54"),
    ("exponential-pdf", r"\lambda e^{-\lambda x}", lam * sp.exp(-lam * x), "CB 3.3.11"),
    ("poisson-pmf", r"\frac{\lambda^k e^{-\lambda}}{k!}", lam**k * sp.exp(-lam) / sp.factorial(k), "CB 3.2.5"),
    ("binomial-pmf", r"\binom{n}{k} p^k (1-p)^{n-k}", sp.binomial(n, k) * p**k * (1 - p)**(n - k), "CB 3.2.2"),
    ("bernoulli-pmf", r"p^{y}(1-p)^{1-y}", p**y * (1 - p)**(1 - y), "Bishop 2.2"),
    ("beta-pdf", r"\frac{\Gamma(\alpha+\beta)}{\Gamma(\alpha)\Gamma(\beta)} x^{\alpha-1}(1-x)^{\beta-1}", sp.gamma(alpha + beta) / (sp.gamma(alpha) * sp.gamma(beta)) * x**(alpha - 1) * (1 - x)**(beta - 1), "Bishop 2.13"),
    ("gamma-pdf", r"\frac{\beta^{\alpha}}{\Gamma(\alpha)} x^{\alpha - 1} e^{-\beta x}", beta**alpha / sp.gamma(alpha) * x**(alpha - 1) * sp.exp(-beta * x), "Bishop 2.146"),
    ("laplace-pdf", r"\frac{1}{2b} \exp\left(-\frac{|x - \mu|}{b}\right)", sp.exp(-sp.Abs(x - mu) / b) / (2 * b), "CB 3.3 (double exponential)"),
    ("cauchy-pdf", r"\frac{1}{\pi\left(1 + x^2\right)}", 1 / (pi * (1 + x**2)), "CB 3.3.19"),
    ("logistic-pdf", r"\frac{e^{-x}}{(1 + e^{-x})^2}", sp.exp(-x) / (1 + sp.exp(-x))**2, "CB 3.3 (logistic)"),
    ("lognormal-pdf", r"\frac{1}{x\sigma\sqrt{2\pi}} e^{-\frac{(\ln x - \mu)^2}{2\sigma^2}}", sp.exp(-(sp.log(x) - mu)**2 / (2 * sigma**2)) / (x * sigma * sp.sqrt(2 * pi)), "CB 3.3.21"),
    ("student-t-kernel", r"\left(1 + \frac{t^2}{\nu}\right)^{-\frac{\nu + 1}{2}}", (1 + t**2 / nu)**(-(nu + 1) / 2), "CB 5.3.4"),
    ("weibull-pdf", r"\frac{k}{\lambda}\left(\frac{x}{\lambda}\right)^{k-1} e^{-(x/\lambda)^k}", k / lam * (x / lam)**(k - 1) * sp.exp(-(x / lam)**k), "CB 3.3 (Weibull)"),
    ("geometric-pmf", r"(1-p)^{k-1} p", (1 - p)**(k - 1) * p, "CB 3.2.9"),
    ("variance-def", r"E^{2}", sp.Symbol("E", **R)**2, "LaTeX (capital E is a symbol)"),
    ("z-score", r"\frac{x - \mu}{\sigma}", (x - mu) / sigma, "CB 3.5"),
    ("standard-error", r"\frac{\sigma}{\sqrt{n}}", sigma / sp.sqrt(n), "CB 5.2"),
    ("bayes", r"\frac{p q}{p q + (1 - p)(1 - q)}", p * q / (p * q + (1 - p) * (1 - q)), "Bishop 1.12"),
    ("posterior-mean", r"\frac{\sigma^2 \mu_0 + n \sigma_0^2 \bar{x}}{n\sigma_0^2 + \sigma^2}", (sigma**2 * mu0 + n * sigma0**2 * x_bar) / (n * sigma0**2 + sigma**2), "Bishop 2.141"),
    # --- sums and products ------------------------------------------------------------------
    ("sum-squares", r"\sum_{i=1}^{n} i^2", sp.Sum(i**2, (i, 1, n)), "GKP 2.5"),
    ("sum-geometric", r"\sum_{k=0}^{n} r^k", sp.Sum(r**sp.Symbol("k", integer=True), (sp.Symbol("k", integer=True), 0, n)), "GKP 2.26"),
    ("sum-indexed", r"\sum_{i=1}^{n} x_i", sp.Sum(X[i], (i, 1, n)), "CB 5.2"),
    ("sum-mean", r"\frac{1}{n}\sum_{i=1}^{n} x_i", sp.Sum(X[i], (i, 1, n)) / n, "CB 5.2.2"),
    ("sum-rss", r"\sum_{i=1}^{n} (y_i - w x_i)^2", sp.Sum((Y[i] - w * X[i])**2, (i, 1, n)), "ESL 3.2"),
    ("sum-gauss-loglik", r"-\frac{n}{2}\log(2\pi\sigma^2) - \frac{1}{2\sigma^2}\sum_{i=1}^{n}(x_i - \mu)^2", -n / 2 * sp.log(2 * pi * sigma**2) - sp.Sum((X[i] - mu)**2, (i, 1, n)) / (2 * sigma**2), "Bishop 1.54"),
    ("sum-cross-entropy", r"-\sum_{i=1}^{n} y_i \log p", -sp.Sum(Y[i] * sp.log(p), (i, 1, n)), "Bishop 4.108"),
    ("sum-times-const", r"2 \sum_{i=1}^{n} x_i", 2 * sp.Sum(X[i], (i, 1, n)), "GKP 2.3"),
    ("sum-plus", r"\sum_{i=1}^{n} x_i + 1", sp.Sum(X[i], (i, 1, n)) + 1, "GKP 2.3 (scope of the sum)"),
    ("sum-index-shift", r"\sum_{i=1}^{n} x_{i+1}", sp.Sum(X[i + 1], (i, 1, n)), "GKP 2.3"),
    ("sum-infinite", r"\sum_{k=1}^{\infty} \frac{1}{k^2}", sp.Sum(1 / sp.Symbol("k", integer=True)**2, (sp.Symbol("k", integer=True), 1, sp.oo)), "GKP 6.3"),
    ("sum-exp-series", r"\sum_{k=0}^{\infty} \frac{x^k}{k!}", sp.Sum(x**sp.Symbol("k", integer=True) / sp.factorial(sp.Symbol("k", integer=True)), (sp.Symbol("k", integer=True), 0, sp.oo)), "Stewart 11.10"),
    ("prod-likelihood", r"\prod_{i=1}^{n} p^{x_i}(1-p)^{1-x_i}", sp.Product(p**X[i] * (1 - p)**(1 - X[i]), (i, 1, n)), "CB 7.2.2"),
    ("prod-factorial", r"\prod_{k=1}^{n} k", sp.Product(sp.Symbol("k", integer=True), (sp.Symbol("k", integer=True), 1, n)), "GKP 2.6"),
    ("sum-binomial-theorem", r"\sum_{k=0}^{n} \binom{n}{k} x^k", sp.Sum(sp.binomial(n, sp.Symbol("k", integer=True)) * x**sp.Symbol("k", integer=True), (sp.Symbol("k", integer=True), 0, n)), "GKP 5.12"),
    ("sum-variance", r"\frac{1}{n-1}\sum_{i=1}^{n}(x_i - \bar{x})^2", sp.Sum((X[i] - x_bar)**2, (i, 1, n)) / (n - 1), "CB 5.2.3"),
    ("sum-linear", r"\sum_{j=1}^{n} w_j x_j + b", sp.Sum(W[j] * X[j], (j, 1, n)) + b, "Bishop 3.2"),
    # --- derivatives, integrals, limits -------------------------------------------------------
    ("ddx", r"\frac{d}{dx} x^3", sp.Derivative(x**3, x), "Stewart 3.1"),
    ("ddx-paren", r"\frac{d}{dx}\left(x^2 \sin x\right)", sp.Derivative(x**2 * sp.sin(x), x), "Stewart 3.2"),
    ("ddx-frac-operand", r"\frac{d \sin x}{dx}", sp.Derivative(sp.sin(x), x), "Stewart 3.3"),
    ("d2dx2", r"\frac{d^2}{dx^2} e^{2x}", sp.Derivative(sp.exp(2 * x), x, 2), "Stewart 3.7"),
    ("partial", r"\frac{\partial}{\partial x} (x^2 y)", sp.Derivative(x**2 * y, x), "Stewart 14.3"),
    ("partial-mixed", r"\frac{\partial^2}{\partial x \partial y} (x^2 y^3)", sp.Derivative(x**2 * y**3, x, y), "Stewart 14.3"),
    ("partial-second", r"\frac{\partial^2}{\partial x^2} \sin(xy)", sp.Derivative(sp.sin(x * y), x, 2), "Stewart 14.3"),
    ("partial-loss", r"\frac{\partial}{\partial w} \frac{1}{2}(y - wx)^2", sp.Derivative((y - w * x)**2 / 2, w), "Bishop 3.23"),
    ("mathrm-d", r"\frac{\mathrm{d}}{\mathrm{d}t} e^{-t}", sp.Derivative(sp.exp(-t), t), "ISO 80000-2"),
    ("integral-definite", r"\int_0^1 x^2 \, dx", sp.Integral(x**2, (x, 0, 1)), "Stewart 5.2"),
    ("integral-indefinite", r"\int \cos x \, dx", sp.Integral(sp.cos(x), x), "Stewart 5.4"),
    ("integral-gauss", r"\int_{-\infty}^{\infty} e^{-x^2} dx", sp.Integral(sp.exp(-x**2), (x, -sp.oo, sp.oo)), "Stewart 15.3"),
    ("integral-mathrm-d", r"\int_0^{\pi} \sin t \, \mathrm{d}t", sp.Integral(sp.sin(t), (t, 0, pi)), "ISO 80000-2"),
    ("integral-frac", r"\int_1^{2} \frac{1}{x} dx", sp.Integral(1 / x, (x, 1, 2)), "Stewart 5.3"),
    ("integral-params", r"\int_a^b (x - a) dx", sp.Integral(x - a, (x, a, b)), "Stewart 5.2"),
    ("integral-expectation", r"\int_0^{\infty} x \lambda e^{-\lambda x} \, dx", sp.Integral(x * lam * sp.exp(-lam * x), (x, 0, sp.oo)), "CB 2.2"),
    ("limit", r"\lim_{x \to 0} \frac{\sin x}{x}", sp.Limit(sp.sin(x) / x, x, 0), "Stewart 3.3"),
    ("limit-infinity", r"\lim_{n \to \infty} \left(1 + \frac{1}{n}\right)^n", sp.Limit((1 + 1 / n)**n, n, sp.oo), "Stewart 3.6"),
    ("limit-difference-quotient", r"\lim_{h \to 0} \frac{(x+h)^2 - x^2}{h}", sp.Limit(((x + sp.Symbol("h", **R))**2 - x**2) / sp.Symbol("h", **R), sp.Symbol("h", **R), 0), "Stewart 2.7"),
    # --- machine learning ----------------------------------------------------------------------
    ("mse", r"\frac{1}{2}(y - \hat{y})^2", (y - y_hat)**2 / 2, "Bishop 1.2"),
    ("linear-model", r"w^{T}", None, "-"),   # placeholder removed below
    ("neuron", r"\sigma(w x + b)", sig(w * x + b), "DL 6.1"),
    ("two-layer", r"w_2 \tanh(w_1 x + b_1)", w2 * sp.tanh(w1 * x + b1), "DL 6.4"),
    ("logistic-loss", r"\log\left(1 + e^{-y t}\right)", sp.log(1 + sp.exp(-y * t)), "ESL 12.3"),
    ("ridge", r"(y - wx)^2 + \lambda w^2", (y - w * x)**2 + lam * w**2, "ESL 3.41"),
    ("lasso", r"(y - wx)^2 + \lambda |w|", (y - w * x)**2 + lam * sp.Abs(w), "ESL 3.52"),
    ("elastic-net", r"\lambda\left(\alpha |w| + \frac{1 - \alpha}{2} w^2\right)", lam * (alpha * sp.Abs(w) + (1 - alpha) / 2 * w**2), "ESL 18.19"),
    ("huber-quadratic", r"\frac{1}{2} a^2", a**2 / 2, "ESL 10.23"),
    ("gd-step", r"w - \eta \frac{\partial}{\partial w} \frac{1}{2}(w - t)^2", w - eta * sp.Derivative((w - t)**2 / 2, w), "DL 4.3"),
    ("momentum", r"\beta v + (1 - \beta) g_t", beta * v + (1 - beta) * g_t, "DL 8.3.2"),
    ("adam-update", r"\frac{\eta m_t}{\sqrt{v_t} + \epsilon}", eta * m_t / (sp.sqrt(v_t) + epsilon), "KB Alg. 1"),
    ("adam-bias", r"\frac{m_t}{1 - \beta_1^t}", m_t / (1 - beta1**t), "KB Alg. 1"),
    ("attention-scale", r"\frac{q k}{\sqrt{d}}", q * k / sp.sqrt(d), "Vaswani 3.2.1"),
    ("softmax-2", r"\frac{e^{a}}{e^{a} + e^{b}}", sp.exp(a) / (sp.exp(a) + sp.exp(b)), "Bishop 4.62"),
    ("temperature-softmax", r"\frac{\exp(a / T)}{\exp(a / T) + \exp(b / T)}", sp.exp(a / T_) / (sp.exp(a / T_) + sp.exp(b / T_)), "Hinton 2015, eq. 1"),
    ("gelu-tanh", r"\frac{1}{2} x \left(1 + \tanh\left(\sqrt{\frac{2}{\pi}}\left(x + 0.044715 x^3\right)\right)\right)", x / 2 * (1 + sp.tanh(sp.sqrt(2 / pi) * (x + sp.Rational(44715, 1000000) * x**3))), "Hendrycks & Gimpel 2016, GELU"),
    ("swish", r"x \sigma(\beta x)", x * sig(beta * x), "Ramachandran et al. 2017"),
    ("cross-entropy-binary", r"-y \log \hat{y} - (1 - y) \log(1 - \hat{y})", -y * sp.log(y_hat) - (1 - y) * sp.log(1 - y_hat), "Bishop 4.90"),
    ("kl-gauss", r"\log\frac{\sigma_0}{\sigma} + \frac{\sigma^2 + (\mu - \mu_0)^2}{2\sigma_0^2} - \frac{1}{2}", sp.log(sigma0 / sigma) + (sigma**2 + (mu - mu0)**2) / (2 * sigma0**2) - half, "Bishop ex. 1.30"),
    ("vae-kl", r"-\frac{1}{2}\left(1 + \log \sigma^2 - \mu^2 - \sigma^2\right)", -(1 + sp.log(sigma**2) - mu**2 - sigma**2) / 2, "Kingma & Welling 2014, App. B"),
    ("rbf-kernel", r"\exp\left(-\frac{(x - y)^2}{2\ell^2}\right)", None, "-"),
    ("polynomial-kernel", r"(x y + c)^{d}", (x * y + c)**d, "Bishop 6.2"),
    ("cases-relu", r"\begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}", sp.Piecewise((x, x > 0), (0, True)), "DL 6.3.1"),
    ("cases-huber", r"\begin{cases} \frac{1}{2}a^2 & |a| \leq \delta \\ \delta\left(|a| - \frac{1}{2}\delta\right) & \text{otherwise} \end{cases}", sp.Piecewise((a**2 / 2, sp.Abs(a) <= delta), (delta * (sp.Abs(a) - delta / 2), True)), "ESL 10.23"),
    ("bmatrix", r"\begin{bmatrix} 1 & x \\ 0 & 1 \end{bmatrix}", sp.ImmutableMatrix([[1, x], [0, 1]]), "MC 1"),
    ("pmatrix-rotation", r"\begin{pmatrix} \cos\theta & -\sin\theta \\ \sin\theta & \cos\theta \end{pmatrix}", sp.ImmutableMatrix([[sp.cos(theta), -sp.sin(theta)], [sp.sin(theta), sp.cos(theta)]]), "MC 5"),
    ("vmatrix-det", r"\begin{vmatrix} a & b \\ c & d \end{vmatrix}", a * d - b * c, "MC 1.1"),
    ("column-vector", r"\begin{bmatrix} x \\ y \end{bmatrix}", sp.ImmutableMatrix([x, y]), "MC 1"),
    ("matrix-2x2-inverse-entry", r"\frac{d}{ad - bc}", d / (a * d - b * c), "MC 4.1 (eq. 146)"),
    ("det-2x2", r"\det\begin{bmatrix} a & b \\ c & d \end{bmatrix}", a * d - b * c, "MC 1.1"),
    ("trace-2x2", r"\operatorname{tr}\begin{bmatrix} a & b \\ c & d \end{bmatrix}", a + d, "MC 1.1"),
    ("eigen-2x2", r"\frac{a + d}{2} + \sqrt{\frac{(a - d)^2}{4} + bc}", (a + d) / 2 + sp.sqrt((a - d)**2 / 4 + b * c), "MC 5.1"),
    # --- calculus results as printed ---------------------------------------------------------
    ("chain-rule-result", r"2x \cos(x^2)", 2 * x * sp.cos(x**2), "Stewart 3.4"),
    ("quotient-rule", r"\frac{f' g - f g'}{g^2}", None, "-"),
    ("product-result", r"e^{x}(\sin x + \cos x)", sp.exp(x) * (sp.sin(x) + sp.cos(x)), "Stewart 3.2"),
    ("log-derivative", r"\frac{1}{x \ln 2}", 1 / (x * sp.log(2)), "Stewart 3.6"),
    ("arctan-derivative", r"\frac{1}{1 + x^2}", 1 / (1 + x**2), "Stewart 3.5"),
    ("arcsin-derivative", r"\frac{1}{\sqrt{1 - x^2}}", 1 / sp.sqrt(1 - x**2), "Stewart 3.5"),
    ("power-rule", r"n x^{n-1}", n * x**(n - 1), "Stewart 3.1"),
    ("taylor-exp", r"1 + x + \frac{x^2}{2} + \frac{x^3}{6}", 1 + x + x**2 / 2 + x**3 / 6, "Stewart 11.10"),
    ("taylor-log", r"x - \frac{x^2}{2} + \frac{x^3}{3}", x - x**2 / 2 + x**3 / 3, "Stewart 11.10"),
    ("newton-step", r"x - \frac{x^2 - a}{2x}", x - (x**2 - a) / (2 * x), "Stewart 4.8"),
    ("arc-length", r"\sqrt{1 + 4x^2}", sp.sqrt(1 + 4 * x**2), "Stewart 8.1"),
    ("gaussian-mgf", r"e^{\mu t + \frac{1}{2}\sigma^2 t^2}", sp.exp(mu * t + sigma**2 * t**2 / 2), "CB 2.3.13"),
    ("harmonic-mean", r"\frac{2ab}{a + b}", 2 * a * b / (a + b), "GKP 1"),
    ("stirling", r"\sqrt{2\pi n}\left(\frac{n}{e}\right)^n", None, "-"),
    ("stirling-mathrm", r"\sqrt{2\pi n}\left(\frac{n}{\mathrm{e}}\right)^n", sp.sqrt(2 * pi * n) * (n / E)**n, "GKP 9.40"),
    ("golden-ratio", r"\frac{1 + \sqrt{5}}{2}", (1 + sp.sqrt(5)) / 2, "GKP 6.6"),
    ("euler-identity-part", r"\cos\pi + 1", sp.Integer(0), "AS 4.3"),
    ("ellipse", r"\frac{x^2}{a^2} + \frac{y^2}{b^2}", x**2 / a**2 + y**2 / b**2, "Stewart 10.5"),
    ("distance-3d", r"\sqrt{(x - a)^2 + (y - b)^2 + (z - c)^2}", sp.sqrt((x - a)**2 + (y - b)**2 + (z - c)**2), "Stewart 12.1"),
    ("logit", r"\log\frac{p}{1 - p}", sp.log(p / (1 - p)), "ESL 4.17"),
    ("odds", r"\frac{p}{1-p}", p / (1 - p), "ESL 4.4"),
    ("perplexity", r"2^{-\log_2 p}", 2**(-sp.log(p, 2)), "CT 2"),
    ("mutual-info-term", r"p \log \frac{p}{q r}", p * sp.log(p / (q * r)), "CT 2.28"),
    ("free-energy", r"-\frac{1}{\beta}\log\left(e^{-\beta a} + e^{-\beta b}\right)", -sp.log(sp.exp(-beta * a) + sp.exp(-beta * b)) / beta, "Bishop 11 (partition function)"),
    ("dot-3", r"a_1 b_1 + a_2 b_2 + a_3 b_3", sum(sp.Symbol(f"a_{k}", **R) * sp.Symbol(f"b_{k}", **R) for k in (1, 2, 3)), "MC 1"),
    ("cubic", r"a x^3 + b x^2 + c x + d", a * x**3 + b * x**2 + c * x + d, "Stewart App. A"),
    ("rational-function", r"\frac{3x^2 - 2x + 1}{x^3 + 1}", (3 * x**2 - 2 * x + 1) / (x**3 + 1), "Stewart 7.4"),
    ("cobb-douglas", r"A L^{\alpha} K^{1 - \alpha}", A_ * L_**alpha * sp.Symbol("K", **R)**(1 - alpha), "Stewart 14.1"),
    ("logistic-growth", r"\frac{K}{1 + A e^{-r t}}", sp.Symbol("K", **R) / (1 + A_ * sp.exp(-r * t)), "Stewart 9.4"),
    ("coulomb", r"\frac{q_1 q_2}{4 \pi \epsilon_0 r^2}", sp.Symbol("q_1", **R) * sp.Symbol("q_2", **R) / (4 * pi * sp.Symbol("epsilon_0", **R) * r**2), "Griffiths, Intro. Electrodynamics 2.1"),
    ("kinetic", r"\frac{1}{2} m v^2", m * v**2 / 2, "Stewart 6.4"),
    ("damped", r"e^{-\gamma t}\cos(\omega t)", sp.exp(-gamma_ * t) * sp.cos(omega * t), "Stewart 17.3"),
]
# entries with None were drafts whose meaning needs notation the catalogue does not fix
FORMULAS = [f for f in FORMULAS if f[2] is not None]

# formulas with two readings: parse_latex must refuse them with both readings shown
AMBIGUOUS = [
    ("sin-x-y", r"\sin x y", "DL 2 (notation)"),
    ("slash-implicit", r"a/bc", "ISO 80000-2 (solidus)"),
    ("bare-e", r"e + x", "ISO 80000-2 (e as a constant)"),
    ("function-call", r"f(x)", "Stewart 1.1"),
    ("inverse-sin", r"\sin^{-1} x", "Stewart 1.6"),
    ("log-x-y", r"\log x y", "CT 2"),
    ("g-call", r"g(x + 1)", "Stewart 1.3"),
]


def canonical(expr):
    """Every symbol renamed to a plain real symbol of its name (indices excepted).

    Braces, backslashes and underscores in names are dropped, so that a reader
    spelling ``theta_0`` as ``theta_{0}`` is not counted as a misreading, and
    ``w0`` (which LaTeX prints as ``w_{0}``) reads back as itself.
    """
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(canonical)
    mapping = {}
    for s in getattr(expr, "free_symbols", set()):
        if isinstance(s, sp.Symbol) and not s.is_integer:
            # SymPy's parsers name theta_0 "theta_{0}": the same symbol
            name = s.name.replace("{", "").replace("}", "").replace("\\", "").replace("_", "")
            mapping[s] = sp.Symbol(name, real=True)
    return expr.xreplace(mapping)


def _value_of(expr, values, rng):
    def sym_value(s):
        if s.name not in values:
            values[s.name] = (rng.randint(2, 4) if s.name in "nmkNij" else
                              sp.Rational(rng.randint(11, 29), 20))
        return values[s.name]
    expr = expr.xreplace({s: sym_value(s) for s in expr.free_symbols
                          if isinstance(s, sp.Symbol) and s.name in "nmkN" and not s.is_integer})
    expr = expr.doit()
    expr = expr.replace(lambda e: isinstance(e, sp.Indexed),
                        lambda e: sp.Rational(ord(str(e.base)[0]) % 7 + 1, 7) + e.indices[0] / 3)
    expr = expr.xreplace({s: sym_value(s) for s in expr.free_symbols if isinstance(s, sp.Symbol)})
    return complex(sp.N(expr, 30))


def same(got, meaning, tries=3):
    """Does ``got`` mean ``meaning``? Structural after :func:`canonical`, else numeric."""
    try:
        if isinstance(meaning, sp.MatrixBase) or isinstance(got, sp.MatrixBase):
            if not (isinstance(meaning, sp.MatrixBase) and isinstance(got, sp.MatrixBase)) \
                    or got.shape != meaning.shape:
                return False
            return all(same(g, m_) for g, m_ in zip(got, meaning))
        g, m_ = canonical(sp.sympify(got)), canonical(meaning)
        if g == m_:
            return True
        for trial in range(tries):
            values = {}
            rng = random.Random(trial)
            left = _value_of(g, values, rng)
            rng = random.Random(trial)
            right = _value_of(m_, values, rng)
            if abs(left - right) > 1e-20 * max(1.0, abs(right)):
                return False
        return True
    except (TypeError, ValueError, AttributeError, ZeroDivisionError, RecursionError,
            NotImplementedError, sp.SympifyError):
        return False
