"""Integer codes for a column of items, annotators or labels, in one vectorised pass.

:func:`factorize` gives what ``pandas.factorize`` gives (codes in order of first appearance);
:func:`factorize_sorted` numbers the distinct values in sorted order. Integer columns whose values
span a range not much wider than the column (item numbers, label codes) are coded by counting
into that range instead of hashing, several times faster on a million rows; other columns go
through ``pandas.factorize``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

#: A range of integers is coded by counting when it is at most this many times the column's
#: length (plus :data:`_SLACK`); beyond, counting would touch more cells than hashing.
_SPAN_FACTOR = 2
_SLACK = 1 << 10


def factorize(column: pd.Series) -> tuple[np.ndarray, np.ndarray | pd.Index]:
    """Return ``pandas.factorize(column)``: int64 codes and the distinct values, first seen first.

    The column must have no missing values.
    """
    dense = _dense_offsets(column)
    if dense is None:
        if _arrow_strings(column):
            return _dictionary_encode(column)
        codes, uniques = pd.factorize(column)
        return codes.astype(np.int64, copy=False), uniques
    offsets, low, x = dense
    n, span = len(offsets), _span(offsets)
    first = np.full(span, n, dtype=np.int64)
    np.minimum.at(first, offsets, np.arange(n, dtype=np.int64))
    present = np.flatnonzero(first < n)
    order = present[np.argsort(first[present])]
    rank = np.empty(span, dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[offsets], _values(order, low, x.dtype)


def factorize_any(column: pd.Series) -> tuple[np.ndarray, np.ndarray | pd.Index]:
    """Return int64 codes and the distinct values, in whichever order is cheapest to make.

    Sorted for a narrow integer range, first seen otherwise: for statistics that sum over the
    values and do not list them. The column must have no missing values.
    """
    dense = _dense_offsets(column)
    if dense is None:
        return factorize(column)
    codes, uniques, _ = _factorize_sorted(column, dense)
    return codes, uniques


def factorize_sorted(column: pd.Series) -> tuple[np.ndarray, np.ndarray | pd.Index, bool]:
    """Return int64 codes into the sorted distinct values, the values, and whether sorted naturally.

    Values of types that do not compare are sorted by type name and ``repr`` (not naturally).
    The column must have no missing values.
    """
    return _factorize_sorted(column, _dense_offsets(column))


def _factorize_sorted(
    column: pd.Series, dense: tuple[np.ndarray, int, np.ndarray] | None
) -> tuple[np.ndarray, np.ndarray | pd.Index, bool]:
    if dense is not None:
        offsets, low, x = dense
        present = np.bincount(offsets, minlength=_span(offsets)) > 0
        if present.all():  # every value of the range is used: the offsets are the codes
            return offsets, _values(np.arange(len(present)), low, x.dtype), True
        rank = np.cumsum(present, dtype=np.int64) - 1
        return rank[offsets], _values(np.flatnonzero(present), low, x.dtype), True
    return sort_codes(*factorize(column))


def sort_codes(
    codes: np.ndarray, uniques: np.ndarray | pd.Index
) -> tuple[np.ndarray, np.ndarray | pd.Index, bool]:
    """Renumber ``codes`` into ``uniques`` sorted, as :func:`factorize_sorted` returns them."""
    order, natural = sort_order(list(uniques))
    if (order == np.arange(len(order))).all():
        return codes.astype(np.int64, copy=False), uniques, natural
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[codes], uniques.take(order), natural


def sort_order(uniques: list[Any]) -> tuple[np.ndarray, bool]:
    """Return the order that sorts ``uniques``, and whether the sort is a natural one."""
    try:
        return np.asarray(sorted(range(len(uniques)), key=uniques.__getitem__), np.int64), True
    except TypeError:
        keyed = sorted(range(len(uniques)), key=lambda i: sort_key(uniques[i]))
        return np.asarray(keyed, dtype=np.int64), False


def sort_key(v: Any) -> tuple[str, str]:
    """Key that sorts values of any types: by type name, then representation."""
    return (type(v).__name__, repr(v))


def _dense_offsets(column: pd.Series) -> tuple[np.ndarray, int, np.ndarray] | None:
    """Return ``(column - min, min, values)`` for a plain integer column of a narrow range."""
    if column.dtype.kind not in "iu" or not isinstance(column.dtype, np.dtype) or len(column) == 0:
        return None
    x = column.to_numpy()
    low, high = int(x.min()), int(x.max())
    if high - low >= _SPAN_FACTOR * len(x) + _SLACK:
        return None
    if low == 0 and x.dtype == np.int64:  # already offsets: share them, read-only
        offsets = x.view()
        offsets.flags.writeable = False
        return offsets, low, x
    if x.dtype.kind == "u":  # low is the minimum: no wrap-around, and the range is narrow
        return (x - x.dtype.type(low)).astype(np.int64), low, x
    return x.astype(np.int64) - low, low, x


def _arrow_strings(column: pd.Series) -> bool:
    """Whether ``column`` holds strings in a pyarrow array."""
    dtype = column.dtype
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def _dictionary_encode(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Factorize strings held by pyarrow with pyarrow's hashing (faster than pandas' path)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    strings = pa.array(column.array)
    if isinstance(strings, pa.ChunkedArray):
        strings = strings.combine_chunks()
    encoded = pc.dictionary_encode(strings)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, pd.Index(pd.array(encoded.dictionary, dtype=column.dtype))


def _span(offsets: np.ndarray) -> int:
    return int(offsets.max()) + 1


def _values(offsets: np.ndarray, low: int, dtype: np.dtype) -> np.ndarray:
    """Return the values ``low + offsets`` in the column's dtype."""
    if dtype.kind == "u":
        return offsets.astype(dtype) + dtype.type(low)
    return (offsets + low).astype(dtype)
