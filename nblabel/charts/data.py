"""The data charts carry: checked input columns, label order, JSON-safe tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

#: Width of every chart, in pixels.
WIDTH = 320


def columns(frame: Any, needed: list[str], caller: str, source: str) -> pd.DataFrame:
    """Return the ``needed`` columns of ``frame``, or say which are missing and what to pass."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{caller}() needs a DataFrame ({source}), got {type(frame).__name__}.")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{caller}() needs columns {missing}, which the frame lacks (it has "
            f"{list(frame.columns)[:12]}); pass {source}."
        )
    return frame[needed]


def numeric(frame: Any, column: str, caller: str, *, keep_missing: bool = False) -> np.ndarray:
    """Return ``column`` as floats; values that are not numbers are NaN, or left out.

    ``keep_missing`` keeps one value per row of ``frame`` (NaN where there is no number).
    """
    table = columns(frame, [column], caller, "learner.state.predictions()")
    values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
    return values if keep_missing else values[~np.isnan(values)]


def label_order(present: pd.Series, labels: Sequence[Any] | None) -> list[Any]:
    """Return ``labels`` (if given) followed by the other labels present, sorted as text."""
    seen = sorted({v for v in present.dropna().tolist()}, key=str)
    if labels is None:
        return seen
    if isinstance(labels, str):
        raise TypeError(f"labels must be a list of labels, got the string {labels!r}.")
    order = list(labels)
    return order + [v for v in seen if v not in order]


def safe(table: pd.DataFrame) -> pd.DataFrame:
    """Return ``table`` with text columns that have gaps as string dtype.

    altair turns the None of an object column into NaN, which is not valid JSON (and a chart
    widget refuses it); a string column keeps the gap as null.
    """
    gaps = [c for c in table.columns if table[c].dtype == object and table[c].isna().any()]
    if not gaps:
        return table
    return table.assign(**{c: table[c].astype("string") for c in gaps})


def empty(dtypes: dict[str, Any]) -> pd.DataFrame:
    """Return a frame without rows, with the given column dtypes."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in dtypes.items()})
