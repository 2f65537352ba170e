r"""Hand derivations as textbooks print them, and the same with one seeded mistake.

:data:`DERIVATIONS`: ``id -> dict(lines=[LaTeX lines], positive=[names declared
positive], source=...)``; every line follows from the one before (a ``=``
continuation, a derivative, an integral, a definition, an equation solved).
:data:`MISTAKES`: ``(derivation id, line index (0-based), wrong line, kind)``:
the derivation with that one line replaced by a typical slip; ``kind`` names
the mistake as :mod:`derive.checking.mistakes` should (the lines after it stay
as in the correct derivation, so they no longer follow, or are rewritten to
follow from the wrong line where the variant says so).

Sources: Stewart, *Calculus* 8th ed. (2015); Bishop, *Pattern Recognition and
Machine Learning* (2006); Goodfellow et al., *Deep Learning* (2016); Casella &
Berger, *Statistical Inference* 2nd ed. (2002); Graham, Knuth, Patashnik,
*Concrete Mathematics* 2nd ed. (1994); section or example numbers as given.
"""

D = dict

DERIVATIONS = {
    # --- differentiation (Stewart ch. 3) ----------------------------------------------
    "power-rule": D(lines=[r"\frac{d}{dx} x^5", r"= 5x^4"], source="Stewart 3.1"),
    "product-rule": D(lines=[r"\frac{d}{dx} x^2 \sin x", r"= 2x \sin x + x^2 \cos x"],
                      source="Stewart 3.2 ex. 1"),
    "quotient-rule": D(lines=[r"\frac{d}{dx} \frac{x}{1 + x^2}",
                              r"= \frac{(1 + x^2) - 2x^2}{(1 + x^2)^2}",
                              r"= \frac{1 - x^2}{(1 + x^2)^2}"], source="Stewart 3.2 ex. 5"),
    "chain-sin": D(lines=[r"\frac{d}{dx} \sin(x^2)", r"= \cos(x^2) \cdot 2x"],
                   source="Stewart 3.4 ex. 2"),
    "chain-exp": D(lines=[r"\frac{d}{dx} e^{3x^2}", r"= 6x e^{3x^2}"], source="Stewart 3.4"),
    "chain-power": D(lines=[r"\frac{d}{dx} (x^3 - 1)^{100}", r"= 100 (x^3 - 1)^{99} \cdot 3x^2",
                            r"= 300 x^2 (x^3 - 1)^{99}"], source="Stewart 3.4 ex. 3"),
    "chain-sqrt": D(lines=[r"\frac{d}{dx} \sqrt{x^2 + 1}", r"= \frac{2x}{2\sqrt{x^2 + 1}}",
                           r"= \frac{x}{\sqrt{x^2 + 1}}"], source="Stewart 3.4"),
    "log-derivative": D(lines=[r"\frac{d}{dx} \ln(x^2 + 1)", r"= \frac{2x}{x^2 + 1}"],
                        source="Stewart 3.6 ex. 2"),
    "exp-product": D(lines=[r"\frac{d}{dx} x e^{-x}", r"= e^{-x} - x e^{-x}",
                            r"= (1 - x) e^{-x}"], source="Stewart 3.3"),
    "tan-derivative": D(lines=[r"\frac{d}{dx} \tan x", r"= \frac{d}{dx} \frac{\sin x}{\cos x}",
                               r"= \frac{\cos^2 x + \sin^2 x}{\cos^2 x}",
                               r"= \frac{1}{\cos^2 x}"], source="Stewart 3.3"),
    "reciprocal": D(lines=[r"\frac{d}{dx} \frac{1}{x^3}", r"= -3 x^{-4}"], source="Stewart 3.1"),
    "arctan-chain": D(lines=[r"\frac{d}{dx} \arctan(2x)", r"= \frac{2}{1 + 4x^2}"],
                      source="Stewart 3.5"),
    "second-derivative": D(lines=[r"\frac{d^2}{dx^2} x^4", r"= 12 x^2"], source="Stewart 3.7"),
    "partial-product": D(lines=[r"\frac{\partial}{\partial x} x^2 y^3", r"= 2 x y^3"],
                         source="Stewart 14.3 ex. 1"),
    "partial-exp": D(lines=[r"\frac{\partial}{\partial y} e^{xy}", r"= x e^{xy}"],
                     source="Stewart 14.3"),
    "mixed-partial": D(lines=[r"\frac{\partial^2}{\partial x \partial y} x^3 y^2",
                              r"= 6 x^2 y"], source="Stewart 14.3"),
    # --- deep learning (Goodfellow et al. 6; Bishop 4-5) ----------------------------------
    "sigmoid-derivative": D(lines=[r"\frac{d}{dx} \frac{1}{1 + e^{-x}}",
                                   r"= \frac{e^{-x}}{(1 + e^{-x})^2}",
                                   r"= \sigma(x)(1 - \sigma(x))"], source="DL 3.10; Bishop 4.88"),
    "tanh-derivative": D(lines=[r"\frac{d}{dx} \tanh x", r"= 1 - \tanh^2 x"],
                         source="DL 6.3.2"),
    "softplus-derivative": D(lines=[r"\frac{d}{dx} \log(1 + e^{x})",
                                    r"= \frac{e^{x}}{1 + e^{x}}", r"= \sigma(x)"],
                             source="DL 3.10 (3.31)"),
    "mse-gradient": D(lines=[r"\frac{\partial}{\partial w} \frac{1}{2}(y - wx - b)^2",
                             r"= -(y - wx - b) x"], source="Bishop 3.13"),
    "logistic-loss-gradient": D(lines=[
        r"\frac{\partial}{\partial w} \left(-y \log \sigma(wx) - (1 - y)\log(1 - \sigma(wx))\right)",
        r"= (\sigma(wx) - y) x"], source="Bishop 4.91"),
    "backprop-two-layer": D(lines=[
        r"\frac{\partial}{\partial v} \frac{1}{2}(y - v \tanh(w x))^2",
        r"= -(y - v \tanh(wx)) \tanh(wx)"], source="DL 6.5 (scalar network)"),
    "backprop-first-layer": D(lines=[
        r"\frac{\partial}{\partial w} \frac{1}{2}(y - v \tanh(w x))^2",
        r"= -(y - v\tanh(wx)) v (1 - \tanh^2(wx)) x"], source="DL 6.5 (scalar network)"),
    "ridge-solution": D(lines=[
        r"\frac{d}{dw} \left((y - wx)^2 + \lambda w^2\right)",
        r"= -2x(y - wx) + 2\lambda w = 0",
        r"\Rightarrow w = \frac{xy}{x^2 + \lambda}"], positive=["lambda"], source="ESL 3.44 (scalar)"),
    "log-sum-exp-derivative": D(lines=[r"\frac{\partial}{\partial a} \log(e^a + e^b)",
                                       r"= \frac{e^a}{e^a + e^b}"], source="DL 4.1"),
    "softmax-cross-entropy": D(lines=[
        r"\frac{\partial}{\partial a} \left(-\log\frac{e^a}{e^a + e^b}\right)",
        r"= \frac{e^a}{e^a + e^b} - 1"], source="Bishop 4.109 (two classes)"),
    # --- statistics (Casella & Berger 7; Bishop 2) -----------------------------------------
    "gaussian-mle-mean": D(lines=[
        r"\ell = -\frac{n}{2}\log(2\pi\sigma^2) - \frac{1}{2\sigma^2}\sum_{i=1}^{n}(x_i - \mu)^2",
        r"\frac{\partial \ell}{\partial \mu} = \frac{1}{\sigma^2}\sum_{i=1}^{n}(x_i - \mu) = 0",
        r"\Rightarrow \hat{\mu} = \frac{1}{n}\sum_{i=1}^{n} x_i"],
        positive=["sigma"], source="CB 7.2.11; Bishop 2.121"),
    "gaussian-mle-variance": D(lines=[
        r"\ell = -\frac{n}{2}\log(2\pi v) - \frac{1}{2 v}\sum_{i=1}^{n}(x_i - \mu)^2",
        r"\frac{\partial \ell}{\partial v} = -\frac{n}{2v} + \frac{1}{2v^2}\sum_{i=1}^{n}(x_i - \mu)^2 = 0",
        r"\Rightarrow \hat{v} = \frac{1}{n}\sum_{i=1}^{n}(x_i - \mu)^2"],
        positive=["v"], source="CB 7.2.11; Bishop 2.122"),
    "bernoulli-mle": D(lines=[
        r"\ell = \sum_{i=1}^{n} \left(x_i \log p + (1 - x_i)\log(1 - p)\right)",
        r"\frac{\partial \ell}{\partial p} = \sum_{i=1}^{n}\left(\frac{x_i}{p} - \frac{1 - x_i}{1 - p}\right) = 0",
        r"\Rightarrow \hat{p} = \frac{1}{n}\sum_{i=1}^{n} x_i"], source="CB 7.2.7"),
    "poisson-mle": D(lines=[
        r"\ell = \sum_{i=1}^{n}\left(x_i \log\lambda - \lambda\right)",
        r"\frac{\partial \ell}{\partial \lambda} = \sum_{i=1}^{n}\left(\frac{x_i}{\lambda} - 1\right) = 0",
        r"\Rightarrow \hat{\lambda} = \frac{1}{n}\sum_{i=1}^{n} x_i"],
        positive=["lambda"], source="CB 7.2 (Poisson)"),
    "exponential-mle": D(lines=[
        r"\ell = n \log\lambda - \lambda \sum_{i=1}^{n} x_i",
        r"\frac{\partial \ell}{\partial \lambda} = \frac{n}{\lambda} - \sum_{i=1}^{n} x_i = 0",
        r"\Rightarrow \hat{\lambda} = \frac{n}{\sum_{i=1}^{n} x_i}"],
        positive=["lambda"], source="CB 7.2 (exponential)"),
    "gaussian-score-one": D(lines=[
        r"\frac{\partial}{\partial \mu} \left(-\frac{(x - \mu)^2}{2\sigma^2}\right)",
        r"= \frac{x - \mu}{\sigma^2}"], positive=["sigma"], source="Bishop 2.3.4"),
    "log-gaussian-density": D(lines=[
        r"\log\left(\frac{1}{\sqrt{2\pi}\sigma} e^{-\frac{(x-\mu)^2}{2\sigma^2}}\right)",
        r"= -\log\sigma - \frac{1}{2}\log(2\pi) - \frac{(x-\mu)^2}{2\sigma^2}"],
        positive=["sigma"], source="Bishop 1.54"),
    "bernoulli-log-likelihood": D(lines=[r"\log\left(p^{y}(1-p)^{1-y}\right)",
                                         r"= y\log p + (1-y)\log(1-p)"],
                                  positive=["p", "y"], source="Bishop 2.5"),
    # --- integrals (Stewart ch. 5, 7) ------------------------------------------------------
    "integral-power": D(lines=[r"\int_0^2 x^3 \, dx", r"= \frac{2^4}{4}", r"= 4"],
                        source="Stewart 5.3"),
    "integral-exp": D(lines=[r"\int_0^1 e^{2x} \, dx", r"= \frac{e^{2} - 1}{2}"],
                      source="Stewart 5.5"),
    "integral-by-parts": D(lines=[r"\int x e^{x} \, dx", r"= x e^{x} - e^{x} + C"],
                           source="Stewart 7.1 ex. 1"),
    "integral-sin": D(lines=[r"\int_0^{\pi} \sin x \, dx", r"= 2"], source="Stewart 5.3"),
    "integral-log": D(lines=[r"\int \ln x \, dx", r"= x \ln x - x + C"],
                      positive=["x"], source="Stewart 7.1 ex. 2"),
    "integral-substitution": D(lines=[r"\int 2x \cos(x^2) \, dx", r"= \sin(x^2) + C"],
                               source="Stewart 5.5 ex. 1"),
    "gaussian-integral-half": D(lines=[r"\int_0^{\infty} x e^{-x^2} dx", r"= \frac{1}{2}"],
                                source="Stewart 7.8"),
    "exponential-mean": D(lines=[r"\int_0^{\infty} x \lambda e^{-\lambda x} \, dx",
                                 r"= \frac{1}{\lambda}"], positive=["lambda"], source="CB 3.3"),
    # --- algebra, limits, sums (Stewart App. A, 2; GKP 2) -----------------------------------
    "square-expansion": D(lines=[r"(a + b)^2", r"= a^2 + 2ab + b^2"], source="Stewart App. A"),
    "difference-of-squares": D(lines=[r"(a - b)(a + b)", r"= a^2 - b^2"],
                               source="Stewart App. A"),
    "log-product": D(lines=[r"\log(ab)", r"= \log a + \log b"], positive=["a", "b"],
                     source="Stewart 1.5"),
    "log-quotient-power": D(lines=[r"\log\frac{a^3}{b}", r"= 3\log a - \log b"],
                            positive=["a", "b"], source="Stewart 1.5"),
    "sqrt-square": D(lines=[r"\sqrt{x^2}", r"= x"], positive=["x"], source="Stewart App. A"),
    "fraction-sum": D(lines=[r"\frac{1}{x} + \frac{1}{y}", r"= \frac{x + y}{xy}"],
                      source="Stewart App. A"),
    "limit-sinc": D(lines=[r"\lim_{x \to 0} \frac{\sin 3x}{x}", r"= 3"], source="Stewart 3.3"),
    "limit-difference-quotient": D(lines=[r"\lim_{h \to 0} \frac{(x + h)^2 - x^2}{h}",
                                          r"= 2x"], source="Stewart 2.7"),
    "sum-arithmetic": D(lines=[r"\sum_{k=1}^{n} k", r"= \frac{n(n+1)}{2}"],
                        source="GKP 2.1"),
    "sum-squares": D(lines=[r"\sum_{k=1}^{n} k^2", r"= \frac{n(n+1)(2n+1)}{6}"],
                     source="GKP 2.5"),
    "sum-geometric": D(lines=[r"\sum_{k=0}^{n} 2^k", r"= 2^{n+1} - 1"], source="GKP 2.3"),
}

# (derivation, line index replaced, wrong line, the mistake's name)
MISTAKES = [
    ("power-rule", 1, r"= 5x^5", "exponent off by one"),
    ("power-rule", 1, r"= -5x^4", "sign"),
    ("product-rule", 1, r"= 2x \sin x - x^2 \cos x", "sign"),
    ("product-rule", 1, r"= x \sin x + x^2 \cos x", "factor 2"),
    ("quotient-rule", 1, r"= \frac{(1 + x^2) + 2x^2}{(1 + x^2)^2}", "sign"),
    ("quotient-rule", 1, r"= \frac{(1 + x^2)^2}{(1 + x^2) - 2x^2}", "inverted fraction"),
    ("quotient-rule", 2, r"= \frac{1 + x^2}{(1 + x^2)^2}", "sign"),
    ("chain-sin", 1, r"= \cos(x^2)", "missing inner derivative"),
    ("chain-sin", 1, r"= -\cos(x^2) \cdot 2x", "sign"),
    ("chain-exp", 1, r"= e^{3x^2}", "missing inner derivative"),
    ("chain-exp", 1, r"= 3x e^{3x^2}", "factor 2"),
    ("chain-power", 1, r"= 100 (x^3 - 1)^{99}", "missing inner derivative"),
    ("chain-power", 1, r"= 100 (x^3 - 1)^{100} \cdot 3x^2", "exponent off by one"),
    ("chain-power", 2, r"= 300 x^3 (x^3 - 1)^{99}", "exponent off by one"),
    ("chain-sqrt", 1, r"= \frac{1}{2\sqrt{x^2 + 1}}", "missing inner derivative"),
    ("chain-sqrt", 2, r"= \frac{\sqrt{x^2 + 1}}{x}", "inverted fraction"),
    ("log-derivative", 1, r"= \frac{1}{x^2 + 1}", "missing inner derivative"),
    ("log-derivative", 1, r"= \frac{x^2 + 1}{2x}", "inverted fraction"),
    ("exp-product", 1, r"= e^{-x} + x e^{-x}", "sign"),
    ("exp-product", 2, r"= (1 + x) e^{-x}", "sign"),
    ("tan-derivative", 2, r"= \frac{\cos^2 x - \sin^2 x}{\cos^2 x}", "sign"),
    ("reciprocal", 1, r"= -3 x^{-3}", "exponent off by one"),
    ("reciprocal", 1, r"= 3 x^{-4}", "sign"),
    ("arctan-chain", 1, r"= \frac{1}{1 + 4x^2}", "missing inner derivative"),
    ("second-derivative", 1, r"= 12 x^3", "exponent off by one"),
    ("second-derivative", 1, r"= 6 x^2", "factor 2"),
    ("partial-product", 1, r"= x y^3", "factor 2"),
    ("partial-exp", 1, r"= e^{xy}", "missing inner derivative"),
    ("mixed-partial", 1, r"= 6 x y", "exponent off by one"),
    ("sigmoid-derivative", 1, r"= -\frac{e^{-x}}{(1 + e^{-x})^2}", "sign"),
    ("sigmoid-derivative", 1, r"= \frac{e^{-x}}{1 + e^{-x}}", "exponent off by one"),
    ("tanh-derivative", 1, r"= 1 + \tanh^2 x", "sign"),
    ("softplus-derivative", 1, r"= \frac{1 + e^{x}}{e^{x}}", "inverted fraction"),
    ("mse-gradient", 1, r"= (y - wx - b) x", "sign"),
    ("mse-gradient", 1, r"= -2(y - wx - b) x", "factor 2"),
    ("logistic-loss-gradient", 1, r"= (y - \sigma(wx)) x", "sign"),
    ("backprop-two-layer", 1, r"= (y - v \tanh(wx)) \tanh(wx)", "sign"),
    ("backprop-first-layer", 1, r"= -(y - v\tanh(wx)) v (1 - \tanh^2(wx))",
     "missing inner derivative"),
    ("backprop-first-layer", 1, r"= -(y - v\tanh(wx)) v (1 + \tanh^2(wx)) x", "sign"),
    ("ridge-solution", 1, r"= -2x(y - wx) + \lambda w = 0", "factor 2"),
    ("ridge-solution", 2, r"\Rightarrow w = \frac{xy}{x^2 - \lambda}", "sign"),
    ("log-sum-exp-derivative", 1, r"= \frac{e^a + e^b}{e^a}", "inverted fraction"),
    ("softmax-cross-entropy", 1, r"= 1 - \frac{e^a}{e^a + e^b}", "sign"),
    ("gaussian-mle-mean", 1, r"\frac{\partial \ell}{\partial \mu} = -\frac{1}{\sigma^2}\sum_{i=1}^{n}(x_i - \mu) = 0", "sign"),
    ("gaussian-mle-mean", 2, r"\Rightarrow \hat{\mu} = \frac{1}{n-1}\sum_{i=1}^{n} x_i", "solution"),
    ("gaussian-mle-variance", 1, r"\frac{\partial \ell}{\partial v} = -\frac{n}{2v} + \frac{1}{v^2}\sum_{i=1}^{n}(x_i - \mu)^2 = 0", "factor 2"),
    ("gaussian-mle-variance", 2, r"\Rightarrow \hat{v} = \frac{1}{n-1}\sum_{i=1}^{n}(x_i - \mu)^2", "solution"),
    ("bernoulli-mle", 1, r"\frac{\partial \ell}{\partial p} = \sum_{i=1}^{n}\left(\frac{x_i}{p} + \frac{1 - x_i}{1 - p}\right) = 0", "sign"),
    ("poisson-mle", 1, r"\frac{\partial \ell}{\partial \lambda} = \sum_{i=1}^{n}\left(\frac{\lambda}{x_i} - 1\right) = 0", "inverted fraction"),
    ("exponential-mle", 1, r"\frac{\partial \ell}{\partial \lambda} = \frac{n}{\lambda^2} - \sum_{i=1}^{n} x_i = 0", "exponent off by one"),
    ("gaussian-score-one", 1, r"= \frac{x - \mu}{2\sigma^2}", "factor 2"),
    ("gaussian-score-one", 1, r"= \frac{\mu - x}{\sigma^2}", "sign"),
    ("log-gaussian-density", 1, r"= \log\sigma - \frac{1}{2}\log(2\pi) - \frac{(x-\mu)^2}{2\sigma^2}", "sign"),
    ("integral-power", 1, r"= \frac{2^3}{3}", "exponent off by one"),
    ("integral-power", 2, r"= 8", "factor 2"),
    ("integral-exp", 1, r"= e^{2} - 1", "factor 2"),
    ("integral-exp", 1, r"= \frac{e^{2}}{2}", "integration constant or limit"),
    ("integral-by-parts", 1, r"= x e^{x} + e^{x} + C", "sign"),
    ("integral-sin", 1, r"= 0", "integration constant or limit"),
    ("integral-log", 1, r"= x \ln x + x + C", "sign"),
    ("integral-substitution", 1, r"= 2\sin(x^2) + C", "factor 2"),
    ("gaussian-integral-half", 1, r"= 1", "factor 2"),
    ("exponential-mean", 1, r"= \lambda", "inverted fraction"),
    ("square-expansion", 1, r"= a^2 + b^2", "(a+b)^2 as a^2+b^2"),
    ("square-expansion", 1, r"= a^2 + ab + b^2", "factor 2"),
    ("difference-of-squares", 1, r"= a^2 + b^2", "sign"),
    ("log-product", 1, r"= \log a \cdot \log b", "other"),
    ("log-quotient-power", 1, r"= 3\log a + \log b", "sign"),
    ("fraction-sum", 1, r"= \frac{xy}{x + y}", "inverted fraction"),
    ("limit-sinc", 1, r"= 1", "other"),
    ("limit-difference-quotient", 1, r"= x", "factor 2"),
    ("sum-arithmetic", 1, r"= n(n+1)", "factor 2"),
    ("sum-squares", 1, r"= \frac{n(n+1)(2n+1)}{3}", "factor 2"),
    ("sum-geometric", 1, r"= 2^{n} - 1", "exponent off by one"),
]

# log of a sum split: a classic, as its own derivation and variant
DERIVATIONS["log-of-sum"] = D(lines=[r"\log(1 + e^{x})", r"= \log(1 + e^{x})"],
                              source="DL 3.31 (softplus)")
MISTAKES.append(("log-of-sum", 1, r"= \log 1 + \log e^{x}", "log of a sum split"))
DERIVATIONS["sqrt-of-square-real"] = D(lines=[r"\sqrt{(x - 1)^2}", r"= |x - 1|"],
                                       source="Stewart App. A")
MISTAKES.append(("sqrt-of-square-real", 1, r"= x - 1", "other"))


def variant(mistake):
    """The lines of a derivation with the mistake's line replaced."""
    name, index, line, _ = mistake
    lines = list(DERIVATIONS[name]["lines"])
    lines[index] = line
    return lines
