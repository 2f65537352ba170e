"""Gate 4 of the parser: the whitelist that maps a Python syntax tree onto SymPy.

:class:`Builder` walks the tree that :class:`~derive.parsing.lexer.Source`
built and calls SymPy constructors for numbers, names, ``+ - * / ** @``, unary
signs, ``.T`` and calls of whitelisted functions, bounding the cost of exact
arithmetic (:mod:`derive.parsing.costs`) before it is done.  Anything else is
refused with the piece and its position.

Examples
--------
>>> from derive.parsing.builder import Builder
>>> from derive.parsing.names import FUNCTIONS
>>> b = Builder("2*x + 0.25", {}, FUNCTIONS, None)
>>> b.finish(b.build(b.syntax_tree().body), None)
2*x + 1/4
"""

from __future__ import annotations

import ast
import builtins
import difflib
import math
import operator
import re
from fractions import Fraction

import sympy as sp
from sympy.matrices.exceptions import ShapeError as _SympyShapeError

from derive.errors import DeriveError, ParseError, ShapeError
from derive.parsing.costs import (
    LAZY,
    MAX_ARGUMENT_MAGNITUDE,
    MAX_DIGITS,
    MAX_MATRIX_POWER,
    MAX_RADICAND_DIGITS,
    gamma_digits,
    int_digits,
    lgamma_digits,
    magnitude,
    numeric_size,
    radicand_size,
    rational_size,
)
from derive.parsing.lexer import UNSPELLED, Source
from derive.parsing.names import ARITY, CONSTANTS, FUNCTIONS, RESERVED

_DECIMAL = re.compile(r"(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")


class MatrixShapeError(ParseError, ShapeError):
    """Matrix operands in the text whose shapes do not fit together."""


class Builder(Source):
    """Checks one text and maps its syntax tree onto SymPy."""

    def __init__(self, text, table, functions, allowed):
        super().__init__(text)
        self.table = table
        self.functions = functions
        self.allowed = allowed
        self.cache = {}

    # ---- gate 4: the whitelist

    def finish(self, result, node):
        if isinstance(result, sp.Basic) and result.has(sp.zoo, sp.nan):
            self.node_fail(node, "the expression is undefined (division by zero or an "
                                 "indeterminate form such as oo - oo)")
        if isinstance(result, sp.Basic) and result.has(sp.I):
            self.node_fail(node, f"the expression is complex-valued ({str(result)[:60]}); "
                                 "derive works over the reals")
        return result

    def build(self, node):
        kind = type(node)
        if kind is ast.BinOp:
            return self._binop(node)
        if kind is ast.UnaryOp:
            return self._unary(node)
        if kind is ast.Name:
            return self._name(node)
        if kind is ast.Constant:
            return self._constant(node)
        if kind is ast.Call:
            return self._call(node)
        if kind is ast.Attribute:
            return self._attribute(node)
        self._refuse(node)

    def _refuse(self, node):
        unsafe = {
            ast.Lambda: "a lambda", ast.NamedExpr: "an assignment expression",
            ast.Subscript: "a subscript (indexing)", ast.Starred: "a starred argument",
            ast.JoinedStr: "an f-string", ast.FormattedValue: "an f-string field",
            ast.ListComp: "a comprehension", ast.SetComp: "a comprehension",
            ast.DictComp: "a comprehension", ast.GeneratorExp: "a generator expression",
            ast.Dict: "a dict", ast.Set: "a set", ast.Await: "'await'",
            ast.Yield: "'yield'", ast.YieldFrom: "'yield from'", ast.IfExp: "'if'/'else'",
            ast.Slice: "a slice",
        }
        plain = {ast.Compare: "a comparison", ast.BoolOp: "'and'/'or'",
                 ast.Tuple: "a tuple (a comma outside a function call)",
                 ast.List: "a list (use parse_matrix for matrices)"}
        kind = type(node)
        if kind in plain:
            self.node_fail(node, f"{plain[kind]} is not an expression")
        what = unsafe.get(kind, f"Python syntax '{kind.__name__}'")
        self.node_fail(node, f"{what} is not allowed in an expression", unsafe=True)

    def _constant(self, node):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            unsafe = isinstance(value, (str, bytes))
            self.node_fail(node, f"the literal {self._piece(node)!r} is not a number",
                           unsafe=unsafe)
        if isinstance(value, int):
            return sp.Integer(value)
        return self._decimal(node)

    def _decimal(self, node):
        lit = self.span(node)
        m = _DECIMAL.fullmatch(lit)
        if m is None:
            self.node_fail(node, f"cannot read the number {lit!r}")
        whole, frac, exp = m.group(1), m.group(2) or "", m.group(3) or "0"
        as_float = float(lit)
        mantissa = int(whole + frac or "0")
        if math.isinf(as_float):
            self.node_fail(node, f"the number {lit} overflows double precision (largest "
                                 "about 1.8e308); compiled code would make it inf",
                           unsafe=True)
        if as_float == 0.0 and mantissa != 0:
            self.node_fail(node, f"the number {lit} underflows double precision "
                                 "(smallest about 5e-324); compiled code would make it 0",
                           unsafe=True)
        if mantissa == 0:
            return sp.S.Zero
        power = int(exp) - len(frac)
        if power >= 0:
            return sp.Integer(mantissa * 10 ** power)
        return sp.Rational(mantissa, 10 ** -power)

    def _name(self, node):
        name = UNSPELLED.get(node.id, node.id)
        if name in self.table:
            return self.table[name]
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in RESERVED:
            self.node_fail(node, RESERVED[name])
        if self.allowed is not None and name not in self.allowed:
            declared = ", ".join(sorted(self.allowed)) or "(none)"
            self.node_fail(node, f"undefined symbol {name!r}; declared: {declared}")
        sym = self.cache.get(name)
        if sym is None:
            sym = self.cache[name] = sp.Symbol(name, real=True)
        return sym

    def _unary(self, node):
        operand = self.build(node.operand)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        self.node_fail(node, "'not' and '~' are not supported")

    def _attribute(self, node):
        if node.attr != "T":
            self.node_fail(node, f"attribute access '.{node.attr}' is not allowed; the only "
                                 "attribute is '.T' (transpose)", unsafe=True)
        if isinstance(node.value, ast.Constant):
            self.node_fail(node, "'.T' needs a matrix, not a number")
        value = self.build(node.value)
        if not _is_matrix(value):
            self.node_fail(node, f"'.T' needs a matrix but {self._piece(node.value)!r} is a "
                                 "scalar; declare it with symbols=[MatrixSymbol(name, n, 1)]")
        return value.T

    # binary operators: left-nested chains are flattened iteratively, so a long
    # sum costs no recursion.
    def _binop(self, node):
        op = type(node.op)
        if op is ast.Pow:
            return self._power(node, self.build(node.left), self.build(node.right))
        if op in (ast.Add, ast.Sub):
            group = (ast.Add, ast.Sub)
        elif op in (ast.Mult, ast.Div, ast.MatMult):
            group = (ast.Mult, ast.Div, ast.MatMult)
        else:
            self.node_fail(node, f"the operator {type(node.op).__name__} is not supported")
        spine, cur = [], node
        while isinstance(cur, ast.BinOp) and type(cur.op) in group:
            spine.append(cur)
            cur = cur.left
        first = self.build(cur)
        items = [(type(b.op), self.build(b.right), b) for b in reversed(spine)]
        if group[0] is ast.Add:
            return self._sum(first, items)
        return self._product(first, items)

    def _sum(self, first, items):
        terms = [first] + [t if op is ast.Add else -t for op, t, _ in items]
        if not any(_is_matrix(t) for t in terms):
            return sp.Add(*terms)
        acc = first
        for op, t, b in items:
            acc = self._apply(b, operator.add if op is ast.Add else operator.sub, acc, t)
        return acc

    def _product(self, first, items):
        if not any(op is ast.MatMult for op, _, _ in items) \
                and not _is_matrix(first) and not any(_is_matrix(t) for _, t, _ in items):
            factors = [first]
            for op, t, b in items:
                if op is ast.Div:
                    if t == 0:
                        self.node_fail(b, "division by zero")
                    t = self._power(b, t, sp.S.NegativeOne)
                factors.append(t)
            digits = sum(numeric_size(f) for f in factors)
            if digits > MAX_DIGITS:
                self.node_fail(items[-1][2], f"this product would have about {digits:.0f} "
                                             f"digits (limit {MAX_DIGITS})", unsafe=True)
            if sum(radicand_size(f) for f in factors) > MAX_RADICAND_DIGITS:
                self.node_fail(items[-1][2], "the numbers under roots in this product have "
                                             f"more than {MAX_RADICAND_DIGITS} digits",
                               unsafe=True)
            return self._call_sympy(items[-1][2], sp.Mul, factors, "multiply")
        acc = first
        ops = {ast.Mult: operator.mul, ast.MatMult: operator.matmul, ast.Div: operator.truediv}
        for op, t, b in items:
            if op is ast.Div and _is_matrix(t):
                self.node_fail(b, "cannot divide by a matrix; multiply by inv(...) instead")
            if op is ast.MatMult and not (_is_matrix(acc) or _is_matrix(t)):
                self.node_fail(b, "'@' is the matrix product but both sides are scalars; "
                                  "use '*' (or declare matrices with symbols=[MatrixSymbol"
                                  "(name, n, m)])")
            acc = self._apply(b, ops[op], acc, t)
        return acc

    def _power(self, node, base, exp):
        if _is_matrix(exp):
            self.node_fail(node, "a matrix cannot be an exponent")
        for part in (base, exp):
            self._check_argument(node, part, "**")
        if isinstance(exp, sp.Rational):
            size = numeric_size(base)
            if size:
                digits = Fraction(abs(exp.p), exp.q) * Fraction(size)
                if digits > MAX_DIGITS:
                    shown = f"{float(digits):.0f}" if digits < 10 ** 15 else \
                        f"10^{math.log10(size) + int_digits(exp.p) - int_digits(exp.q):.0f}"
                    self.node_fail(node, f"{self._piece(node)} would have about {shown} "
                                         f"digits (limit {MAX_DIGITS})", unsafe=True)
            if not exp.is_Integer and radicand_size(base) + (
                    rational_size(base) if isinstance(base, sp.Rational) else 0) \
                    > MAX_RADICAND_DIGITS:
                self.node_fail(node, f"a root of a number with more than "
                                     f"{MAX_RADICAND_DIGITS} digits (SymPy would factor it)",
                               unsafe=True)
        if isinstance(base, sp.MatrixBase):
            self._check_explicit_matrix_power(node, base, exp)
        if _is_matrix(base):
            return self._apply(node, operator.pow, base, exp)
        if base == 0 and exp.is_negative:
            self.node_fail(node, "division by zero")
        return self._call_sympy(node, sp.Pow, [base, exp], "raise to a power")

    def _check_explicit_matrix_power(self, node, base, exp):
        """Powers of explicit matrices are computed entry by entry: keep them small."""
        if not exp.is_Integer:
            self.node_fail(node, "an explicit matrix can only be raised to an integer power "
                                 "here; use derive.linalg for roots and functions of "
                                 "matrices", unsafe=True)
        if abs(exp) > MAX_MATRIX_POWER:
            self.node_fail(node, f"power {exp} of an explicit matrix (limit "
                                 f"{MAX_MATRIX_POWER}): entries would be computed exactly",
                           unsafe=True)
        if exp < 0 and max(base.shape) > 4:
            self.node_fail(node, f"inverse of an explicit {base.rows}x{base.cols} matrix: "
                                 "use derive.linalg, which runs it under a time budget",
                           unsafe=True)

    def _check_argument(self, node, arg, name):
        """Refuse symbol-free non-rational arguments too large to evaluate safely."""
        if isinstance(arg, sp.Rational) or not isinstance(arg, sp.Expr) \
                or _is_matrix(arg) or arg.free_symbols:
            return
        mag = magnitude(arg)
        if mag > MAX_ARGUMENT_MAGNITUDE:
            self.node_fail(node, f"a symbol-free argument of {name} may reach about "
                                 f"10^{min(mag, 1e300):.3g} (limit 10^{MAX_ARGUMENT_MAGNITUDE}); "
                                 "SymPy would evaluate it to full precision", unsafe=True)

    def _call(self, node):
        func_node = node.func
        if isinstance(func_node, ast.Attribute) and func_node.attr != "T":
            self._attribute(func_node)
        if not isinstance(func_node, ast.Name):
            self.node_fail(node, "only named functions can be called, e.g. sin(x)",
                           unsafe=True)
        name = UNSPELLED.get(func_node.id, func_node.id)
        if node.keywords:
            self.node_fail(node, f"keyword arguments in a call of {name!r} are not allowed",
                           unsafe=True)
        func = self.functions.get(name)
        if func is None:
            if name in self.table or name in CONSTANTS:
                self.node_fail(func_node, f"{name!r} is a symbol, not a function; for a "
                                          f"product write {name}*(...)")
            if hasattr(builtins, name):
                self.node_fail(func_node, f"the Python builtin {name!r} is not allowed",
                               unsafe=True)
            close = difflib.get_close_matches(name, list(self.functions), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else \
                "; see derive.parsing.FUNCTIONS"
            self.node_fail(func_node, f"unknown function {name!r}{hint}")
        for a in node.args:
            if isinstance(a, ast.Starred):
                self.node_fail(a, "a starred argument is not allowed", unsafe=True)
        low, high = ARITY.get(name, (1, 1)) if name in FUNCTIONS and \
            self.functions.get(name) is FUNCTIONS[name] else (0, None)
        n = len(node.args)
        if n < low or (high is not None and n > high):
            want = str(low) if low == high else f"{low} or {high}" if high else f"{low}+"
            self.node_fail(node, f"{name}() takes {want} argument{'s' * (want != '1')}, "
                                 f"got {n}")
        args = [self.build(a) for a in node.args]
        if name in FUNCTIONS and func is FUNCTIONS[name]:
            if func is sp.sqrt:
                return self._power(node, args[0], sp.S.Half)
            if func is sp.cbrt:
                return self._power(node, args[0], sp.Rational(1, 3))
            for a in args:
                self._check_argument(node, a, f"{name}()")
            if func in (sp.gamma, sp.loggamma, sp.beta):
                self._check_exact_gamma(node, func, args)
            kwargs = {}
            if func in LAZY and any(_large_rational(a, LAZY[func]) for a in args):
                kwargs["evaluate"] = False
            if func in (sp.factorial, sp.binomial):
                self._check_combinatorial(node, func, args)
                # SymPy expands binomial(e, 99) into a product and evaluates
                # binomial(n, 1/10**300) through gamma: only integers evaluate.
                if func is sp.binomial and not all(a.is_Integer for a in args) \
                        and not any(a.free_symbols for a in args):
                    kwargs["evaluate"] = False
        else:
            kwargs = {}
        return self._call_sympy(node, func, args, f"apply {name}() to", kwargs)

    def _check_exact_gamma(self, node, func, args):
        """Refuse gamma-like values SymPy would compute exactly with too many digits.

        SymPy evaluates ``gamma`` and ``loggamma`` of integers and half-integers,
        and ``beta`` of integers, as exact numbers (``gamma(99999)`` has 456,570
        digits); any later rebuild of a lazily kept ``gamma(99999)`` computes it,
        and Python cannot even print it (its 4,300-digit limit).
        """
        if not all(isinstance(a, sp.Rational) for a in args):
            return
        if func is sp.beta:
            if not all(a.is_Integer for a in args):
                return
            parts = [args[0], args[1], args[0] + args[1]]
        elif args[0].q in (1, 2):
            parts = [args[0]]
        else:
            return
        digits = sum(gamma_digits(a) for a in parts)
        if digits > MAX_DIGITS:
            shown = f"{digits:,.0f}" if digits < 1e15 else "more than 10^15"
            self.node_fail(node, f"{self._piece(node)} would be computed through an exact "
                                 f"number of about {shown} digits (limit {MAX_DIGITS}); keep the argument a symbol "
                                 "and give it a value only numerically", unsafe=True)

    def _check_combinatorial(self, node, func, args):
        if any(a.is_infinite for a in args):
            self.node_fail(node, f"{self._piece(node)}: factorial and binomial of an "
                                 "infinity are not defined")
        if not all(isinstance(a, sp.Rational) for a in args):
            return
        if func is sp.factorial:
            n = args[0]
            if n.is_Integer and n >= 0 and lgamma_digits(float(min(n, 10 ** 301))) > MAX_DIGITS:
                self.node_fail(node, f"{self._piece(node)} would be computed exactly with "
                                     f"more than {MAX_DIGITS} digits; keep n a symbol (factorial(n)) "
                                     "and give it a value only numerically", unsafe=True)
            return
        n, k = args
        if not k.is_Integer or k < 0:
            return
        if n.is_Integer and n >= 0:
            k = min(k, max(n - k, sp.S.Zero))
        digits = float(min(k, 10 ** 301)) * (rational_size(n) + int_digits(k.p) + 1.0)
        if digits > MAX_DIGITS:
            self.node_fail(node, f"{self._piece(node)} would be computed exactly with more "
                                 f"than {MAX_DIGITS} digits; keep the arguments symbols and "
                                 "it symbolic", unsafe=True)

    def _apply(self, node, op, left, right):
        return self._call_sympy(node, op, [left, right], "combine")

    def _call_sympy(self, node, func, args, what, kwargs=None):
        try:
            return func(*args, **(kwargs or {}))
        except DeriveError:
            raise
        except _SympyShapeError as exc:
            self.node_fail(node, f"shapes do not fit in {self._piece(node)!r}: {exc}",
                           cls=MatrixShapeError)
        except (RecursionError, MemoryError, OverflowError) as exc:
            self.node_fail(node, f"cannot {what} {self._piece(node)!r}: too large "
                                 f"({type(exc).__name__})", unsafe=True)
        except (TypeError, ValueError, AttributeError, NotImplementedError,
                ArithmeticError) as exc:
            self.node_fail(node, f"cannot {what} {self._piece(node)!r}: {exc}")

    # ---- matrices

    def matrix(self, node):
        if not isinstance(node, (ast.List, ast.Tuple)) or not node.elts:
            self.node_fail(node, "a matrix is written as a non-empty list of rows, "
                                 "e.g. [[1, 2], [3, 4]] or [x, y] for a column")
        rows_are_lists = [isinstance(e, (ast.List, ast.Tuple)) for e in node.elts]
        if any(rows_are_lists) and not all(rows_are_lists):
            bad = node.elts[rows_are_lists.index(not rows_are_lists[0])]
            self.node_fail(bad, "mixing rows and single entries in a matrix")
        rows = [r.elts for r in node.elts] if rows_are_lists[0] else [[e] for e in node.elts]
        width = len(rows[0])
        for i, row in enumerate(rows):
            if len(row) != width or not row:
                self.node_fail(node.elts[i], f"ragged matrix: row {i} has {len(row)} "
                                             f"entries but row 0 has {width}")
        entries = []
        for row in rows:
            out = []
            for e in row:
                if isinstance(e, (ast.List, ast.Tuple)):
                    self.node_fail(e, "a matrix entry cannot be a list (nested too deeply)")
                value = self.finish(self.build(e), e)
                if _is_matrix(value):
                    self.node_fail(e, "a matrix entry must be a scalar")
                out.append(value)
            entries.append(out)
        return sp.ImmutableMatrix(entries)


def _is_matrix(e):
    return bool(getattr(e, "is_Matrix", False))


def _large_rational(e, limit):
    return isinstance(e, sp.Rational) and (abs(e.p) > limit or e.q > limit)


