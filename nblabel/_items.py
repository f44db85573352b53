"""Item ids: checking a DataFrame's index and encoding its values for the store.

An item is identified by its DataFrame index value. The store keeps that value as canonical JSON
text, so ints, strings and timestamps survive a round trip through SQLite or PostgreSQL and come
back with their type (the project maps them back onto the live index to restore its dtype).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

_SUPPORTED_INFERRED = {"integer", "string", "datetime64", "datetime", "floating", "boolean"}


_SURROGATE = re.compile("[\ud800-\udfff]")

def _may_hold_surrogates(index: pd.Index) -> bool:
    """Whether string ids may hold a lone surrogate: one pass in C over them all.

    Strings held by pyarrow are valid UTF-8, so they cannot.
    """
    dtype = index.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return False
    return _SURROGATE.search("\n".join(index)) is not None


def check_frame(df: Any, what: str = "df") -> None:
    """Raise a clear error unless ``df`` is a non-empty DataFrame whose index can identify items."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(
            f"{what} must be a pandas DataFrame, got {type(df).__name__}; "
            "wrap your data with pd.DataFrame(...)."
        )
    if len(df) == 0:
        raise ValueError(f"{what} has no rows: there is nothing to label.")
    index = df.index
    if isinstance(index, pd.MultiIndex):
        names = [str(n) for n in index.names]
        raise ValueError(
            f"{what} has a MultiIndex (levels {names}); each item needs one id. "
            "Call df.reset_index() to turn the levels into columns (or set a single-level index)."
        )
    if index.hasnans:
        raise ValueError(
            f"{what}'s index contains missing values (NaN/None); every row needs an id. "
            "Call df.reset_index(drop=True) or fill the index."
        )
    if not index.is_unique:
        dupes = index[index.duplicated()].unique()[:5].tolist()
        raise ValueError(
            f"{what}'s index has duplicated values (e.g. {dupes}); each item needs a unique id. "
            "Call df.reset_index(drop=True) to number the rows, or drop the duplicates with "
            "df[~df.index.duplicated()]."
        )
    inferred = index.inferred_type
    if inferred not in _SUPPORTED_INFERRED:
        raise ValueError(
            f"{what}'s index holds values of type {inferred!r}, which cannot serve as item ids; "
            "use ints, strings or timestamps, e.g. df.reset_index(drop=True)."
        )
    if inferred == "string" and _may_hold_surrogates(index):
        bad = [value for value in index if isinstance(value, str) and _SURROGATE.search(value)]
        if bad:
            examples = ", ".join(ascii(value) for value in bad[:3])
            raise ValueError(
                f"{what}'s index holds {len(bad)} id(s) with a lone UTF-16 surrogate, which no "
                f"store can keep (e.g. {examples}); clean them, e.g. "
                "df.index = df.index.str.encode('utf-8', 'replace').str.decode('utf-8')."
            )
    repeated = df.columns[df.columns.duplicated()].unique().tolist()
    if repeated:
        raise ValueError(
            f"{what} has several columns named {repeated}; a task reads columns by name, so "
            "rename or drop the copies, e.g. df.loc[:, ~df.columns.duplicated()]."
        )


def encode_item(value: Any) -> str:
    """Return the canonical JSON text that stores the item id ``value``.

    ``encode_item(decode_item(text)) == text`` for every text this function produces.
    """
    if isinstance(value, (bool, np.bool_)):
        return json.dumps(bool(value))
    if isinstance(value, (int, np.integer)):
        return json.dumps(int(value))
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"item id {value!r} is not a finite number.")
        return json.dumps(number)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (pd.Timestamp, dt.datetime, np.datetime64)):
        return json.dumps({"ts": pd.Timestamp(value).isoformat()})
    raise TypeError(
        f"item id {value!r} of type {type(value).__name__} is not supported; "
        "use ints, strings or timestamps as the DataFrame index."
    )


def decode_item(text: str) -> Any:
    """Return the Python value of an item id stored by :func:`encode_item`."""
    value = json.loads(text)
    if isinstance(value, dict):
        return pd.Timestamp(value["ts"])
    return value


def positions_of(index: pd.Index, encoded: Sequence[str]) -> np.ndarray:
    """Return the row position of each encoded item id in ``index`` (-1 where absent)."""
    if len(encoded) == 0:
        return np.empty(0, dtype=np.intp)
    unique, inverse = np.unique(np.asarray(encoded, dtype=object), return_inverse=True)
    values = [decode_item(text) for text in unique]
    try:
        found = index.get_indexer(pd.Index(values, dtype=object))
    except (TypeError, ValueError):
        found = np.array([_position_or_missing(index, v) for v in values], dtype=np.intp)
    return np.asarray(found, dtype=np.intp)[inverse]


def _position_or_missing(index: pd.Index, value: Any) -> int:
    try:
        position = index.get_loc(value)
    except (KeyError, TypeError):
        return -1
    return position if isinstance(position, int) else -1


def row_position(index: pd.Index, item: Any) -> int:
    """Return the row position of item id ``item`` in ``index``, or raise a ValueError saying so."""
    try:
        pos = index.get_loc(item)
    except (KeyError, TypeError):
        pos = None
    if not isinstance(pos, int | np.integer):
        raise ValueError(
            f"item {item!r} is not in the DataFrame's index; items are index values, "
            f"e.g. {index[:3].tolist()}."
        )
    return int(pos)


def row_positions(index: pd.Index, items: Any) -> list[int]:
    """Return the row positions of ``items`` (index values, in order, each once), checked."""
    if isinstance(items, pd.Series):
        items = items.tolist()  # e.g. the ``item`` column of label_issues()
    if isinstance(items, str | bytes) or not isinstance(items, Sequence | pd.Index | np.ndarray):
        raise TypeError(
            "items must be a list, Index or Series of index values (e.g. df.index[:10]), "
            f"got {type(items).__name__}."
        )
    positions = [row_position(index, item) for item in items]
    if not positions:
        raise ValueError("items is empty: pass at least one index value to label.")
    if len(set(positions)) != len(positions):
        raise ValueError("items lists an item more than once; pass each item once.")
    return positions
