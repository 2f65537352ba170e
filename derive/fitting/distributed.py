"""Likelihoods on data that outgrow memory: Dask arrays, data frames and files.

:func:`open_data` turns what a user has — a ``dask.array`` (one column per
variable), a ``dask.dataframe``, a mapping of 1-D Dask arrays, or a path or glob
of ``.npy``, ``.csv`` or ``.parquet`` files — into one lazy ``(n, k)`` Dask array
with one column per observed variable, chunked by file (``.npy`` files also
within a file). A file is read only inside a task, and a file that cannot be
read is a :class:`~derive.errors.ParseError` naming it.

:class:`DaskSample` is a :class:`~derive.fitting.sample.Sample` on such data:

* the first pass (count, sums, finiteness, support) and every batch of
  sufficient statistics are Dask reductions (tree-summed), computed together;
* the log-likelihood, score and Hessian at a point are one pass: the compiled
  per-observation kernels (rank-one matrix products for a GLM) run on each
  chunk, and the per-chunk sums ``[l, s, H]`` are tree-summed;
* the meat of the sandwich covariance, ``sum_i s_i s_i^T``, is one more such
  pass (per chunk ``S S^T``).

A worker lost mid-fit costs a retry of its tasks, not the answer: every pass is
a pure function of the chunks, summed in a fixed tree.

:func:`client_for` picks the cluster: ``client=``, a scheduler address, the
``DASK_SCHEDULER_ADDRESS`` variable, a client already running, or else a
``LocalCluster`` started on this machine (and reused).

Dask and distributed are the optional extra ``derive[dask]`` (with pyarrow for
Parquet); nothing here is imported by ``import derive``.
"""

from __future__ import annotations

import atexit
import functools
import glob
import hashlib
import logging
import os
import pickle
import time

import numpy as np

from derive.errors import ParseError, ShapeError
from derive.fitting.chunks import (
    first_pass_block,
    in_file,
    in_slices,
    outer_block,
    point_block,
    sums_block,
)
from derive.fitting.files import read_csv
from derive.fitting.kernels import (
    design_columns,
    link_kernels,
    numeric_function,
    observation_kernels,
    rank_one_kernels,
)
from derive.fitting.sample import Sample

__all__ = ["DaskSample", "client_for", "close_clients", "is_lazy_data", "open_data"]

#: Bytes of a ``.npy`` file per task (within a file). A pass maps a task's rows a
#: window at a time (:func:`~derive.fitting.chunks.in_file`), so its memory does not
#: grow with this; larger tasks mean fewer round trips to the scheduler per pass.
NPY_CHUNK_BYTES = 128 * 2**20
#: Rows of the first chunk kept in memory for starting points (medians, moments) and for
#: the finite-difference check of the derived score and Hessian.
START_ROWS = 100_000

_LOCAL = {}


def is_lazy_data(data):
    """Whether ``data`` is a Dask collection, or text naming files (a path or a glob)."""
    if isinstance(data, (str, os.PathLike)):
        return True
    if isinstance(data, dict):
        return any(type(v).__module__.startswith("dask") for v in data.values())
    return type(data).__module__.startswith("dask")


def client_for(client=None, scheduler=None):
    """The ``distributed.Client`` to compute on.

    ``client`` if given; else a client of ``scheduler`` (an address such as
    ``tcp://10.0.0.5:8786``) or of ``$DASK_SCHEDULER_ADDRESS``; else the client
    already running in this process; else one on a ``LocalCluster`` of this
    machine (two single-threaded workers), started once and reused.
    """
    from distributed import (  # deferred: optional heavy dependency
        Client,
        LocalCluster,
        get_client,
    )
    if client is not None:
        return client
    address = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS")
    if address:
        if address not in _LOCAL:
            try:
                _LOCAL[address] = Client(address, timeout=10)
            except OSError as err:
                raise ParseError(f"scheduler: cannot connect to {address!r} ({err}); check "
                                 "the address or unset DASK_SCHEDULER_ADDRESS") from err
        return _LOCAL[address]
    try:
        return get_client()
    except ValueError:
        pass
    if "client" not in _LOCAL:
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        _LOCAL["client"] = Client(cluster)
        _LOCAL["cluster"] = cluster
    return _LOCAL["client"]


@atexit.register
def close_clients(address=None):
    """Close the clients this module opened, and stop the LocalCluster it started; or,
    given a scheduler ``address``, only the client it opened on that address."""
    if address is not None:
        client = _LOCAL.pop(address, None)
        if client is not None:
            client.close()
        return
    cluster = _LOCAL.pop("cluster", None)
    for client in list(_LOCAL.values()):
        client.close()
    _LOCAL.clear()
    if cluster is not None:
        cluster.close()


def _files(pattern):
    paths = sorted(glob.glob(os.fspath(pattern)))
    if not paths:
        raise ParseError(f"data: no file matches {os.fspath(pattern)!r}")
    kinds = {os.path.splitext(p)[1].lower() for p in paths}
    if len(kinds) != 1 or not kinds <= {".npy", ".csv", ".parquet"}:
        raise ParseError(f"data: {os.fspath(pattern)!r} matches files of kinds "
                         f"{sorted(kinds)}; give .npy, .csv or .parquet files of one kind")
    return paths, kinds.pop()


def _read_csv_block(path, names):
    cols = read_csv(path, names)
    return np.column_stack([cols[n] for n in names])


def _read_parquet_block(path, names):
    import pyarrow.parquet as pq  # deferred: optional heavy dependency
    try:
        table = pq.read_table(path, columns=list(names))
    except (OSError, ValueError, KeyError) as err:  # pyarrow's errors subclass these
        raise ParseError(f"--data: {path}: cannot read the columns {list(names)} as Parquet "
                         f"({str(err).splitlines()[0]})") from None
    try:
        return np.column_stack([table.column(n).to_numpy().astype(float) for n in names])
    except (TypeError, ValueError) as err:
        raise ParseError(f"--data: {path}: a column is not numeric ({err})") from None


def _npy_shape(path, k):
    try:
        arr = np.load(path, mmap_mode="r")
    except (OSError, ValueError) as err:
        raise ParseError(f"--data: {path}: not a NumPy .npy file ({err})") from None
    if arr.ndim == 1 and k == 1 or arr.ndim == 2 and arr.shape[1] == k:
        return arr.shape[0]
    raise ShapeError(f"--data: {path}: shape {arr.shape}; expected (n,) or (n, {k}) with one "
                     "column per variable in order")


def _head(block, rows):
    """The first ``rows`` rows of a block, copied (not a view of a mapped file)."""
    return np.array(block[:rows])


def _npy_chunks(paths, k, chunk_bytes=NPY_CHUNK_BYTES):
    """``(path, start, stop)`` of each chunk of the ``.npy`` files ``paths``."""
    step = max(1, chunk_bytes // (8 * k))
    chunks = []
    for path in paths:
        rows = _npy_shape(path, k)
        chunks.extend((path, start, min(rows, start + step)) for start in range(0, rows, step))
    return chunks


def _npy_array(chunks, k):
    """The lazy ``(n, k)`` array of the ``.npy`` file chunks ``(path, start, stop)``."""
    import dask  # deferred: optional heavy dependency
    import dask.array as da  # deferred: optional heavy dependency
    return da.concatenate([da.from_delayed(dask.delayed(_read_npy_block)(path, start, stop, k),
                                           shape=(stop - start, k), dtype=float)
                           for path, start, stop in chunks])


def _read_npy_block(path, start, stop, k):
    arr = np.load(path, mmap_mode="r")
    return np.asarray(arr[start:stop], dtype=float).reshape(-1, k)


def open_data(data, names, *, chunk_bytes=NPY_CHUNK_BYTES):
    """See :func:`_open_data`; the columns form one chunk (one block per row range)."""
    return _open_data(data, names, chunk_bytes).rechunk({1: -1})


def _open_data(data, names, chunk_bytes=NPY_CHUNK_BYTES):
    """A lazy ``(n, len(names))`` Dask array of the observed variables ``names``.

    Parameters
    ----------
    data : dask array, dask data frame, mapping name -> 1-D dask array, or str
        A path or a glob of ``.npy`` (one column per variable, in order, or 1-D
        for one variable), ``.csv`` (a header naming the columns) or
        ``.parquet`` files.
    names : sequence of str
    chunk_bytes : int
        Bytes of a ``.npy`` file per chunk (a whole chunk is one block in memory
        for whatever consumes the array; derive's own passes map it in windows).

    Returns
    -------
    dask.array.Array
    """
    import dask  # deferred: optional heavy dependency
    import dask.array as da  # deferred: optional heavy dependency
    k = len(names)
    if isinstance(data, (str, os.PathLike)):
        paths, kind = _files(data)
        if kind == ".npy":
            return _npy_array(_npy_chunks(paths, k, chunk_bytes), k)
        reader = _read_csv_block if kind == ".csv" else _read_parquet_block
        blocks = [da.from_delayed(dask.delayed(reader)(path, tuple(names)),
                                  shape=(np.nan, k), dtype=float) for path in paths]
        return da.concatenate(blocks, axis=0, allow_unknown_chunksizes=True)
    if isinstance(data, dict):
        missing = [n for n in names if n not in data]
        if missing:
            raise ParseError(f"data: no column {missing} (have {list(data)})")
        return da.stack([da.asarray(data[n]).astype(float).reshape(-1) for n in names], axis=1)
    if hasattr(data, "columns"):  # a dask data frame
        missing = [n for n in names if n not in data.columns]
        if missing:
            raise ParseError(f"data: no column {missing} (have {list(data.columns)})")
        return data[list(names)].to_dask_array(lengths=True).astype(float)
    arr = data.astype(float)
    if arr.ndim == 1 and k == 1:
        return arr[:, None]
    if arr.ndim != 2 or arr.shape[1] != k:
        raise ShapeError(f"data: expected shape (n, {k}) for variables {list(names)}, got "
                         f"{arr.shape}")
    return arr


class _Shipped:
    """Compiled kernels pickled once, here, and unpickled once per worker process.

    Dask tokenizes every argument of a graph, and the client pickles it, at every
    pass; cloudpickle looks up the module of each NumPy ufunc a kernel names by
    scanning every imported module. Bytes tokenize and travel at no cost.
    """

    def __init__(self, obj):
        import cloudpickle  # deferred: optional heavy dependency (comes with distributed)
        self.blob = cloudpickle.dumps(obj)
        self.token = hashlib.sha1(self.blob).hexdigest()

    def __dask_tokenize__(self):
        return self.token

    def __reduce__(self):
        return _landed, (self.blob,)


_SHIPPED = {}


def _shipped(obj):
    """The :class:`_Shipped` of ``obj`` (kernels are cached objects: one per kernel)."""
    if id(obj) not in _SHIPPED:
        if len(_SHIPPED) >= 256:   # a bound, for a session that fits many models
            _SHIPPED.clear()
        _SHIPPED[id(obj)] = (obj, _Shipped(obj))   # obj kept alive: its id stays its own
    return _SHIPPED[id(obj)][1]


@functools.lru_cache(maxsize=64)
def _landed(blob):
    """On a worker: the kernels of ``blob``, unpickled once per process."""
    return pickle.loads(blob)  # bytes this module pickled


class DaskSample(Sample):
    """A likelihood bound to lazy data (see the module docstring).

    Parameters
    ----------
    model, known, params, **kwargs
        As for :class:`~derive.fitting.sample.Sample`.
    data
        Anything :func:`open_data` accepts.
    client : distributed.Client, optional
    scheduler : str, optional
        A scheduler address (see :func:`client_for`).
    """

    lazy = True

    def __init__(self, model, data, *, known=None, params=None, client=None, scheduler=None,
                 **kwargs):
        self._client = client_for(client, scheduler)
        self._data = data
        super().__init__(model, data, known=known, params=params, **kwargs)

    def _load(self, L, data):
        names = [v.name for v in L.variables]
        files = _files(data) if isinstance(data, (str, os.PathLike)) else None
        if files is not None and files[1] == ".npy":  # passes map them a window at a time
            self._file_chunks = _npy_chunks(files[0], len(names))
            self._matrix = _npy_array(self._file_chunks, len(names))
        else:
            self._file_chunks = None
            self._matrix = open_data(data, names)
        return {}

    #: passes over the data so far (one per compute of a reduction)
    passes = 0
    #: wall seconds spent in those passes (the cluster's work, with the graph's shipping)
    pass_seconds = 0.0

    def _compute(self, *things):
        self.passes += 1
        start = time.perf_counter()
        try:
            return self._client.compute(list(things), sync=True)
        finally:
            self.pass_seconds += time.perf_counter() - start

    def _blockwise(self, fn, width, *args):
        """Tree-sum of ``fn(chunk, *args)`` (each a ``(1, width)`` row) over the chunks;
        compiled kernels among ``args`` travel as :class:`_Shipped` bytes."""
        import dask  # deferred: optional heavy dependency
        import dask.array as da  # deferred: optional heavy dependency
        args = [_shipped(a) if callable(a) or isinstance(a, tuple) else a for a in args]
        if self._file_chunks is not None:
            k = len(self.likelihood.variables)
            rows = da.concatenate([
                da.from_delayed(dask.delayed(in_file, pure=True)(path, start, stop, k, fn,
                                                                 *args),
                                shape=(1, width), dtype=float)
                for path, start, stop in self._file_chunks])
        else:
            rows = self._matrix.map_blocks(in_slices, fn, *args, chunks=(1, width),
                                           dtype=float, meta=np.empty((0, 0)))
        return da.sum(rows, axis=0)

    def _first_pass(self):
        L = self.likelihood
        support = self._support()
        lo, hi, integer, values = ((-np.inf, np.inf, False, None) if support is None
                                   else support[1:])
        k = len(L.variables)
        (row,) = self._compute(self._blockwise(first_pass_block, k + 3, lo, hi, integer,
                                               values))
        self.n = int(row[0])
        if self.n == 0:
            raise ShapeError("data: no observations")
        if row[k + 1]:
            raise ParseError(f"data: {int(row[k + 1])} observations have non-finite values "
                             "(nan or inf)")
        if row[k + 2]:
            raise ParseError(f"data: {int(row[k + 2])} observations of "
                             f"{L.variables[0].name} lie outside the support "
                             f"{support[0]} of the density")
        for j, v in enumerate(L.variables):
            if not np.isfinite(row[1 + j]):
                raise ParseError(f"data: the sum of {v.name} is not finite in float64; "
                                 "rescale the data")
            for t, g in L.stat_functions.items():
                if g == v:
                    self._stats[t] = float(row[1 + j])

    @property
    def arrays(self):
        """Variable -> lazy column."""
        return {v: self._matrix[:, j] for j, v in enumerate(self.likelihood.variables)}

    @arrays.setter
    def arrays(self, value):  # Sample.__init__ assigns the in-memory arrays
        pass

    @property
    def start_arrays(self):
        if not hasattr(self, "_start"):
            head = self._matrix.blocks[0].map_blocks(_head, START_ROWS, dtype=float,
                                                      chunks=((np.nan,), self._matrix.chunks[1]))
            first = self._compute(head)[0]
            self._start = {v: first[:, j] for j, v in enumerate(self.likelihood.variables)}
        return self._start

    def map_sum(self, exprs, values=None):
        L = self.likelihood
        extra = list(values or {})
        fn = numeric_function(list(exprs), list(L.variables) + list(L.constants) + extra)
        (row,) = self._compute(self._blockwise(sums_block, len(exprs), fn,
                                               list(self.known.values()),
                                               list((values or {}).values())))
        return [float(v) for v in row]

    def statistics(self, ts):
        todo = [t for t in ts if t not in self._stats]
        if todo:
            L = self.likelihood
            for t, v in zip(todo, self.map_sum([L.stat_functions[t] for t in todo])):
                if not np.isfinite(v):
                    raise ParseError(f"data: the statistic {t} = {L.statistics[t]} is not "
                                     "finite in float64 on these data; rescale the data")
                self._stats[t] = v
        return {t: self._stats[t] for t in ts}

    def statistic(self, t):
        return self.statistics([t])[t]

    def far_from_zero(self, v):
        L = self.likelihood
        stat = {g: t for t, g in L.stat_functions.items()}
        s1, s2 = (self.statistic(stat[e]) if e in stat else self.map_sum([e])[0]
                  for e in (v, v**2))
        return (s1 / self.n) ** 2 > 0.5 * s2 / self.n

    def _at(self, theta):
        """``(log-likelihood, score, Hessian)`` at ``theta``: one pass over the chunks."""
        theta = np.asarray(theta, float)
        key = theta.tobytes()
        if getattr(self, "_last", (None,))[0] != key:
            L = self.likelihood
            k = len(L.params)
            rank_one = self._glm_kernels
            point = self._blockwise(point_block, 1 + k + k * k, theta,
                                    None if rank_one else observation_kernels(L),
                                    list(self.known.values()), rank_one)
            if getattr(self, "_fixed", None) is not None:
                (row,) = self._compute(point)
            else:  # the parameter-free sum rides on the first point's pass
                row, fixed = self._compute(point, self._fixed_graph())
                self._fixed = float(fixed[0])
            self._last = (key, (float(row[0]) + self._fixed, row[1:1 + k],
                                row[1 + k:].reshape(k, k)))
        return self._last[1]

    def _fixed_graph(self):
        """The reduction ``sum_i`` of the log-density's parameter-free terms."""
        return self._blockwise(sums_block, 1, observation_kernels(self.likelihood)[3],
                               list(self.known.values()), [])

    @functools.cached_property
    def _glm_kernels(self):
        """``(kernel, q, used, design)`` of a rank-one model (a GLM), else None: with a
        linear predictor, ``kernel(eta, *columns used, *constants)`` with
        ``eta = theta Q`` and ``used`` the columns' indexes; else
        ``kernel(*theta, *columns, *constants)`` and ``used`` None
        (:func:`~derive.fitting.kernels.link_kernels`,
        :func:`~derive.fitting.kernels.rank_one_kernels`). ``design``: the data's
        columns that are the covariates (:func:`~derive.fitting.kernels.design_columns`)
        or None."""
        L = self.likelihood
        glm = link_kernels(L)
        if glm is not None:
            kernel, q, used = glm
            return (kernel, q, tuple(list(L.variables).index(v) for v in used),
                    design_columns(L))
        kernels = rank_one_kernels(L)
        return None if kernels is None else (*kernels, None, None)

    def _fixed_sum(self):
        if getattr(self, "_fixed", None) is None:
            (row,) = self._compute(self._fixed_graph())
            self._fixed = float(row[0])
        return self._fixed

    def loglik(self, theta):
        return self._at(theta)[0]

    def score(self, theta):
        return self._at(theta)[1].copy()

    def hessian(self, theta):
        return self._at(theta)[2].copy()

    def hessian_from_statistics(self, theta):
        return Sample.hessian_from_statistics(self, theta)

    def score_outer(self, theta):
        """``sum_i s_i s_i^T`` at ``theta``: per chunk ``S S^T`` of the compiled
        per-observation scores, tree-summed (one pass)."""
        k = len(self.likelihood.params)
        (row,) = self._compute(self._blockwise(
            outer_block, k * k, np.asarray(theta, float),
            observation_kernels(self.likelihood)[1], list(self.known.values())))
        return row.reshape(k, k)
