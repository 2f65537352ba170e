"""The package is layers that import only downward, and its import graph has no circle.

The layers, bottom to top (the README's "How the pieces fit" draws the same):

0. foundations: errors, shared types, the conveniences table, SymPy functions,
   parsing text, budgets;
1. derivations in SymPy: scalar calculus, matrix calculus, linear algebra;
2. code generation (the only caller of ``lambdify`` and the printers);
3. checking (oracle, finite differences, Taylor test, verify);
4. results that carry numeric evidence of their own (quadrature, summation):
   integrals, statistics, likelihood models and estimators;
5. numerics that run compiled code: optimizers, fitting on data;
6. reporting;
7. the public facade (``derive/__init__.py``, :mod:`derive.facade`) and the
   command line.

Every import counts, at module level or inside a function, so a circle cannot
hide behind a deferred import. A module may import its own layer or a lower
one; a new module must be placed in ``LAYERS`` before it can land.
"""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "derive"

LAYERS = [
    {"derive.errors", "derive.conveniences", "derive.functions", "derive.derivation",
     "derive.guard", "derive.parsing", "derive.traversal"},
    {"derive.fastdiff", "derive.calculus", "derive.matrix_calculus", "derive.linalg"},
    {"derive.codegen"},
    {"derive.checking"},
    {"derive.integrals", "derive.stats", "derive.estimation"},
    {"derive.optimize", "derive.fitting"},
    {"derive.report"},
    {"derive", "derive.facade", "derive.cli", "derive.demo", "derive.__main__"},
]


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _layer(module: str) -> int:
    """The layer of ``module``: that of its longest listed prefix."""
    best = None
    for level, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and (
                    best is None or len(name) > len(best[1])):
                best = (level, name)
    if best is None:
        raise KeyError(module)
    return best[0]


def _imports(module: str):
    """(line, imported derive module) for every import in ``module``."""
    path = MODULES[module]
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[:len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module
            targets = [f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in MODULES else prefix
                       for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != module:
                yield node.lineno, target


GRAPH = {m: sorted({t for _, t in _imports(m)}) for m in MODULES}


def test_every_module_has_a_layer():
    unplaced = [m for m in MODULES if not any(
        m == n or m.startswith(n + ".") for names in LAYERS for n in names)]
    assert not unplaced, f"place these modules in LAYERS: {unplaced}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_only_downward(module):
    upward = [f"line {line}: {target} (layer {_layer(target)})"
              for line, target in _imports(module) if _layer(target) > _layer(module)]
    assert not upward, f"{module} (layer {_layer(module)}) imports upward: {upward}"


def _strongly_connected(graph):
    """Tarjan's algorithm, iteratively: the components with more than one module."""
    index, low, stack, on_stack, out, counter = {}, {}, [], set(), [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def test_import_graph_has_no_circle():
    assert _strongly_connected(GRAPH) == []


def test_the_circle_finder_finds_circles():
    assert _strongly_connected({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [
        ["a", "b", "c"]]
