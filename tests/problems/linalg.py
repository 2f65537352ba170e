"""Reference eigenproblems for derive.linalg.eigen.

Each entry: ``id``, ``input`` (what a user passes), ``expected`` (eigenvalue ->
(algebraic, geometric) multiplicity, exact values where a textbook gives them,
else ``None`` and the values come from ``numpy.linalg.eigvals`` in the test),
``method`` (the route eigen is expected to take) and ``source`` of the truth.
"""

import sympy

a, b = sympy.symbols("a b", real=True)
s33 = sympy.sqrt(33)

EIGEN_PROBLEMS = [
    dict(id="textbook-2x2", input=[[1, 2], [3, 4]],
         expected={(5 - s33) / 2: (1, 1), (5 + s33) / 2: (1, 1)}, method="exact",
         source="characteristic polynomial λ² - 5λ - 2 (any first course); numpy.linalg.eigvals"),
    dict(id="symmetric-2x2", input=[[2, 1], [1, 2]],
         expected={1: (1, 1), 3: (1, 1)}, method="exact",
         source="Strang, Introduction to Linear Algebra, 6.1 (eigenvalues 1 and 3)"),
    dict(id="rotation-quarter-turn", input=[[0, -1], [1, 0]],
         expected={-sympy.I: (1, 1), sympy.I: (1, 1)}, method="exact",
         source="rotation by π/2 has eigenvalues ±i (Strang 6.1)"),
    dict(id="repeated-diagonalizable", input=[[3, 0, 0], [0, 3, 0], [0, 0, 5]],
         expected={3: (2, 2), 5: (1, 1)}, method="exact", source="diagonal matrix"),
    dict(id="jordan-block-2", input=[[1, 1], [0, 1]],
         expected={1: (2, 1)}, method="exact",
         source="shear: Jordan block, one eigenvector (Strang 6.6)"),
    dict(id="defective-3x3", input=[[2, 1, 0], [0, 2, 0], [0, 0, 3]],
         expected={2: (2, 1), 3: (1, 1)}, method="exact",
         source="block diagonal: Jordan block J_2(2) and 3"),
    dict(id="second-difference-5", input=[[2 if i == j else -1 if abs(i - j) == 1 else 0
                                           for j in range(5)] for i in range(5)],
         expected={2 - 2 * sympy.cos(k * sympy.pi / 6): (1, 1) for k in range(1, 6)},
         method="toeplitz",
         source="Strang, Computational Science and Engineering, 1.5: λ_k = 2 - 2cos(kπ/(n+1))"),
    dict(id="toeplitz-nonsymmetric-6", input=[[1 if i == j else 2 if j == i + 1 else
                                               3 if i == j + 1 else 0 for j in range(6)]
                                              for i in range(6)],
         expected={1 + 2 * sympy.sqrt(6) * sympy.cos(k * sympy.pi / 7): (1, 1)
                   for k in range(1, 7)}, method="toeplitz",
         source="tridiagonal Toeplitz: a + 2√(bc)cos(kπ/(n+1)) (Noschese, Pasquini, Reichel 2013)"),
    dict(id="quintic-companion", input=[[0, 0, 0, 0, 1], [1, 0, 0, 0, 1], [0, 1, 0, 0, 0],
                                        [0, 0, 1, 0, 0], [0, 0, 0, 1, 0]],
         expected=None, method="rootof",
         source="companion matrix of x⁵ - x - 1 (irreducible, Galois group S5); numpy.roots"),
    dict(id="hilbert-3", input=[[sympy.Rational(1, i + j + 1) for j in range(3)]
                                for i in range(3)],
         expected=None, method="exact",
         source="Hilbert matrix H_3: scipy.linalg.hilbert, numpy.linalg.eigvalsh"),
    dict(id="float-input", input=[[4.0, 1.0], [2.0, 3.0]],
         expected={2: (1, 1), 5: (1, 1)}, method="numeric",
         source="λ² - 7λ + 10 = (λ - 2)(λ - 5)"),
    dict(id="symbolic-2x2", input=[[a, b], [b, a]],
         expected={a - b: (1, 1), a + b: (1, 1)}, method="exact",
         source="[[a, b], [b, a]] has eigenvectors (1, ±1)"),
]
