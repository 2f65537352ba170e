"""The one table of numeric tolerances used by the tests.

Each entry names what it is for; change a tolerance here, never inline in a test.
"""

TOLERANCES = {
    # compiled float64 value against mpmath at 50 digits
    "compiled_vs_mpmath_rel": 1e-10,
    # SciPy reference functions (rosen_der, rosen_hess) against compiled code
    "scipy_reference_rel": 1e-12,
}
