"""From clicks back to items: the point selections of the clickable charts.

:func:`~nblabel.charts.uncertainty_histogram` carries a point selection named
:data:`BIN_SELECTION` and :func:`~nblabel.charts.confusion` one named :data:`CELL_SELECTION`;
:func:`bin_items` and :func:`cell_items` turn their values back into item ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .data import columns, numeric

#: Name of the point selection of :func:`uncertainty_histogram` (fields ``bin_start``, ``bin_end``).
BIN_SELECTION = "select_bin"
#: Name of the point selection of :func:`confusion` (fields ``label``, ``predicted``).
CELL_SELECTION = "select_cell"


def bin_items(frame: pd.DataFrame, selection: Any, column: str = "uncertainty") -> pd.Index:
    """Return the items in the histogram bars a user clicked.

    Parameters
    ----------
    frame : pandas.DataFrame
        The frame the histogram was built from (indexed by item).
    selection : PointSelection, list of dict or dict
        ``jchart.selections.select_bin`` (or its ``value``): dicts with ``bin_start`` and
        ``bin_end``.
    column : str, default "uncertainty"
        The binned column.

    Returns
    -------
    pandas.Index
        The items whose value lies in a clicked bin (``bin_start <= v < bin_end``; the last
        bin also takes ``v == bin_end``), in ``frame`` order.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"uncertainty": [0.1, 0.15, 0.9]}, index=["a", "b", "c"])
    >>> bin_items(frame, [{"bin_start": 0.1, "bin_end": 0.2}]).tolist()
    ['a', 'b']
    """
    values = numeric(frame, column, "bin_items", keep_missing=True)
    top = np.nanmax(values) if np.isfinite(values).any() else np.nan
    keep = np.zeros(len(values), dtype=bool)
    for point in selected_points(selection, ("bin_start", "bin_end")):
        start, end = float(point["bin_start"]), float(point["bin_end"])
        keep |= (values >= start) & ((values < end) | ((values == end) & (end >= top)))
    return frame.index[keep]


def cell_items(
    frame: pd.DataFrame, selection: Any, *, label: str = "label", predicted: str = "heldout"
) -> pd.Index:
    """Return the items in the confusion-matrix cells a user clicked.

    Parameters
    ----------
    frame : pandas.DataFrame
        The frame the confusion matrix was built from (indexed by item).
    selection : PointSelection, list of dict or dict
        ``jchart.selections.select_cell`` (or its ``value``): dicts with ``label`` and
        ``predicted``.
    label, predicted : str
        The frame's column names, as given to :func:`confusion`.

    Returns
    -------
    pandas.Index
        The items whose given label and prediction match a clicked cell, in ``frame`` order.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"label": ["a", "a", "b"], "heldout": ["a", "b", "b"]},
    ...                      index=[10, 11, 12])
    >>> cell_items(frame, [{"label": "a", "predicted": "b"}]).tolist()
    [11]
    """
    table = columns(frame, [label, predicted], "cell_items", "predictions")
    given = table[label].to_numpy(dtype=object)
    guessed = table[predicted].to_numpy(dtype=object)
    keep = np.zeros(len(table), dtype=bool)
    for point in selected_points(selection, ("label", "predicted")):
        keep |= (given == point["label"]) & (guessed == point["predicted"])
    return frame.index[keep]

def selected_points(selection: Any, fields: tuple[str, ...]) -> list[Mapping[str, Any]]:
    """Return the clicked points of ``selection``, each checked to carry ``fields``."""
    value = getattr(selection, "value", selection)
    if value is None:
        return []
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise TypeError(
            f"selection must be a chart selection (e.g. jchart.selections.{BIN_SELECTION}) or a "
            f"list of dicts with {list(fields)}, got {type(value).__name__}."
        )
    for point in value:
        if not isinstance(point, Mapping) or any(f not in point for f in fields):
            raise ValueError(
                f"each selected point must be a dict with {list(fields)}, got {point!r}."
            )
    return list(value)
