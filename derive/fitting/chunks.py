"""What a Dask worker runs on one chunk of the data: sums over its rows.

Every pass of :class:`~derive.fitting.distributed.DaskSample` maps one of the
functions here over the chunks and tree-sums the rows they return: the first
pass (count, column sums, finiteness, support), sums of compiled expressions,
the log-likelihood, score and Hessian at a point, and ``sum_i s_i s_i^T``.

Each function returns sums, so a chunk may be taken in slices and the slices'
rows added: :func:`in_slices` runs a function on ``SLICE_ROWS`` rows at a time.
A slice's temporaries (one float per row, a few of them) stay in a core's cache,
and below the size at which glibc's allocator maps fresh pages for each of them
(128 KiB once ``MALLOC_TRIM_THRESHOLD_`` is set, as Dask's nanny does): a
32 MiB chunk taken whole spends more time in page faults than in arithmetic.

For a generalized linear model whose covariates are observed variables as they
are (``eta = b0 + b1*x1 + ...``), the chunk's own columns are the design matrix:
:func:`point_block` multiplies by them directly, with no copy of the data.

Examples
--------
>>> import numpy as np
>>> from derive.fitting.chunks import first_pass_block, in_slices
>>> block = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 4.0]])
>>> in_slices(block, first_pass_block, 0.0, np.inf, False, None, rows=2)
array([[3. , 4.5, 5. , 0. , 0. ]])
"""

from __future__ import annotations

import threading

import numpy as np

from derive.fitting.scan import outside_support

__all__ = ["SLICE_ROWS", "WINDOW_ROWS", "first_pass_block", "in_file", "in_slices",
           "outer_block", "point_block", "sums_block"]

#: Rows of a chunk a per-chunk function sees at once (16 KiB a float column; fastest
#: under Dask's allocator settings among 1024-8192, measured on a 16-column chunk).
SLICE_ROWS = 2048

#: Rows of a ``.npy`` file mapped at once by :func:`in_file` (8 MiB of 16 columns).
WINDOW_ROWS = 1 << 16

_SCRATCH = threading.local()


def in_slices(block, fn, *args, rows=SLICE_ROWS):
    """``fn(block, *args)`` as the sum of ``fn`` over slices of ``rows`` rows.

    >>> in_slices(np.arange(5.0)[:, None], lambda b: b.sum(axis=0)[None], rows=2)
    array([[10.]])
    """
    total = fn(block[:rows], *args)
    for start in range(rows, block.shape[0], rows):
        total = total + fn(block[start:start + rows], *args)
    return total


def in_file(path, start, stop, k, fn, *args):
    """:func:`in_slices` of ``fn`` over rows ``start:stop`` of the ``.npy`` file ``path``
    (``k`` columns), mapped into memory ``WINDOW_ROWS`` rows at a time.

    A mapped file's pages count as the worker's memory while they are mapped:
    a whole chunk mapped at once would push a worker with a small memory
    limit into Dask's pause, though the pages are only the page cache's.
    """
    with open(path, "rb") as f:
        read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                       (2, 0): np.lib.format.read_array_header_2_0}.get(
                           np.lib.format.read_magic(f))
        shape, fortran, dtype = read_header(f) if read_header else ((), True, None)
        offset = f.tell()
    if fortran and len(shape) != 1:  # rows not contiguous (or a newer format): map it all
        whole = np.load(path, mmap_mode="r")
        block = np.asarray(whole[start:stop], dtype=float).reshape(-1, k)
        return in_slices(block, fn, *args)
    row_bytes = dtype.itemsize * k
    total = None
    for lo in range(start, max(stop, start + 1), WINDOW_ROWS):
        hi = min(stop, lo + WINDOW_ROWS)
        window = np.memmap(path, dtype=dtype, mode="r", offset=offset + lo * row_bytes,
                           shape=(hi - lo, k)) if hi > lo else np.empty((0, k), dtype)
        row = in_slices(np.asarray(window, dtype=float), fn, *args)
        del window  # unmapped here, before the next window is mapped
        total = row if total is None else total + row
    return total


def first_pass_block(block, lo, hi, integer, values):
    """Count, column sums, non-finite count and rows whose first column lies outside
    the support (:func:`~derive.fitting.scan.outside_support`)."""
    with np.errstate(over="ignore", invalid="ignore"):
        sums = block.sum(axis=0)
        bad = ~np.isfinite(block).all(axis=1)
        outside = outside_support(block[:, 0], lo, hi, integer, values)
    return np.concatenate([[block.shape[0]], sums, [bad.sum(), outside.sum()]])[None, :]


def sums_block(block, fn, known, extra):
    """The sum over the rows of each expression of the compiled ``fn``."""
    with np.errstate(over="ignore", invalid="ignore"):
        out = fn(*block.T, *known, *extra)
    return np.array([float(np.sum(np.broadcast_to(v, (block.shape[0],)))) for v in out])[None]


def point_block(block, theta, kernels, known, rank_one):
    """``[sum l, score..., Hessian...]`` at ``theta``.

    ``rank_one`` is ``(kernel, q, used, design)`` of a generalized linear model
    (see ``DaskSample._glm_kernels``) or None; then ``kernels`` are the
    per-observation ``(logpdf, score, Hessian, ...)`` kernels.
    """
    cols = list(block.T)
    m = block.shape[0]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if rank_one is None:
            lp, g1, h1, _ = kernels
            parts = [fn(*theta, *cols, *known) for fn in (lp, g1, h1)]
            return np.concatenate([[np.sum(np.broadcast_to(v, (m,))) for v in vals]
                                   for vals in parts])[None]
        kernel, q, used, design = rank_one
        if design is not None:
            return _design_point(block, theta, kernel, used, known, design)
        Q = np.stack([np.broadcast_to(v, (m,)) for v in q(*cols, *known)])
        vals = (kernel(*theta, *cols, *known) if used is None
                else kernel(theta @ Q, *[cols[j] for j in used], *known))
        lp, s, w = (np.broadcast_to(v, (m,)) for v in vals)
        return np.concatenate([[lp.sum()], Q @ s, ((Q * w) @ Q.T).ravel()])[None]


def _design_point(block, theta, kernel, used, known, design):
    """:func:`point_block` of a GLM whose design matrix is the block's own columns.

    ``design[a]`` is the column of covariate ``a``, or None for the constant 1.
    With ``E = [block, 1]``: ``eta = E c``, the score is ``E^T s`` and the
    Hessian ``E^T (w E)``, read off at the covariates' columns.
    """
    m, ncol = block.shape
    columns = [j for j in design if j is not None]
    c = np.zeros(ncol)
    np.add.at(c, columns, [t for t, j in zip(theta, design) if j is not None])
    eta = block @ c + sum(t for t, j in zip(theta, design) if j is None)
    lp, s, w = (np.broadcast_to(v, (m,)) for v in
                kernel(eta, *[block[:, j] for j in used], *known))
    weighted = np.multiply(block, w[:, None], out=_scratch((m, ncol)))
    extended = np.empty((ncol + 1, ncol + 1))
    extended[:ncol, :ncol] = block.T @ weighted
    extended[ncol, :ncol] = extended[:ncol, ncol] = w @ block
    extended[ncol, ncol] = w.sum()
    score = np.append(s @ block, s.sum())
    at = [ncol if j is None else j for j in design]
    return np.concatenate([[lp.sum()], score[at], extended[np.ix_(at, at)].ravel()])[None]


def outer_block(block, theta, score, known):
    """``S S^T`` (flattened), ``S`` the per-observation scores at ``theta``."""
    m = block.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):
        S = np.stack([np.broadcast_to(v, (m,)) for v in score(*theta, *block.T, *known)])
    return (S @ S.T).ravel()[None]


def _scratch(shape):
    """A float64 work array of ``shape``, reused by this thread (its contents are used
    before the next call)."""
    size = shape[0] * shape[1]
    buf = getattr(_SCRATCH, "buf", None)
    if buf is None or buf.size < size:
        buf = _SCRATCH.buf = np.empty(size)
    return buf[:size].reshape(shape)
