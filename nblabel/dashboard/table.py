"""The table of chosen items: a DataFrame for code, plain strings for the browser."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..tasks import Spans
from .protocol import DashboardProject

#: Characters of an item's text shown in the table.
TEXT_WIDTH = 80
#: Rows the browser shows at most (the caption says how many there are in all).
SHOWN_ROWS = 100


def item_table(
    project: DashboardProject, items: pd.Index, predictions: pd.DataFrame | None
) -> pd.DataFrame:
    """Return the chosen items' ``text`` (truncated), ``label`` and the model's view of them.

    Parameters
    ----------
    project : DashboardProject
        Whose items they are.
    items : pandas.Index
        Items of the project's DataFrame.
    predictions : pandas.DataFrame or None
        The model's predictions (``LearnerState.predictions()``), if there is a model.

    Returns
    -------
    pandas.DataFrame
        Indexed by item: ``text`` (if the task shows a text column), ``label``, and with a model
        ``suggestion`` and ``confidence``.
    """
    text = getattr(project.task, "text", None)
    table = pd.DataFrame(index=items)
    if text is not None:
        table["text"] = project.df.loc[items, text].map(_truncate)
    table["label"] = project.labels().reindex(items)
    if predictions is not None:
        table["suggestion"] = predictions["suggestion"].reindex(items)
        table["confidence"] = predictions["confidence"].reindex(items).round(3)
    if isinstance(project.task, Spans):  # spans as their text and label, not offsets
        whole = project.df.loc[items, text]
        for column in ("label", "suggestion"):
            if column in table:
                table[column] = [_spans_text(spans, doc)
                                 for spans, doc in zip(table[column], whole, strict=True)]
    return table


def table_wire(table: pd.DataFrame, caption: str) -> dict[str, Any]:
    """Return ``table`` as the browser shows it: a caption, column names and rows of strings.

    The first :data:`SHOWN_ROWS` rows are sent; each row starts with the item id.
    """
    shown = table.head(SHOWN_ROWS)
    rows = [
        [_cell(item), *(_cell(value) for value in values)]
        for item, values in zip(shown.index, shown.itertuples(index=False), strict=True)
    ]
    return {"caption": caption, "columns": ["item", *map(str, table.columns)], "rows": rows,
            "total": len(table)}


def _cell(value: Any) -> str:
    if isinstance(value, (list, tuple)):  # a multi-label answer
        return ", ".join(map(str, value))
    if value is None or pd.isna(value):
        return ""
    return str(value)


def _spans_text(spans: Any, text: Any) -> Any:
    """Return spans as ``"Ana (PER); Lima (LOC)"``, each span's text as it is in ``text``."""
    if not isinstance(spans, list) or not isinstance(text, str):
        return spans
    return "; ".join(f"{text[s['start']:s['end']]} ({s['label']})" for s in spans)


def _truncate(value: Any) -> Any:
    if not isinstance(value, str) or len(value) <= TEXT_WIDTH:
        return value
    return value[: TEXT_WIDTH - 1] + "…"
