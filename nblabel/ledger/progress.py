"""Progress per annotator, from the event log and the current answers."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..store import ANSWER_EVENTS

#: Columns of :func:`progress_table`, in order.
PROGRESS_COLUMNS = (
    "labeled",
    "skipped",
    "done",
    "total",
    "remaining",
    "percent",
    "flagged",
    "median_seconds",
    "last_active",
)


def progress_table(
    events: pd.DataFrame, current: pd.DataFrame, annotators: Iterable[str], n_items: int
) -> pd.DataFrame:
    """Return counts per annotator (see :meth:`nblabel.Project.progress`).

    Parameters
    ----------
    events : pandas.DataFrame
        The event log (``EventLog.frame``).
    current : pandas.DataFrame
        The current answers (``EventLog.current``); those to items not in the data (position
        -1) do not count.
    annotators : iterable of str
        Everyone to list (those who answered, and those with a view open).
    n_items : int
        Number of items.
    """
    current = current[current["position"] >= 0]  # answers to items no longer in the data
    events = events[events["event"].isin(ANSWER_EVENTS)]  # suggestions and routes are not answers
    table = pd.DataFrame(index=pd.Index(sorted(annotators), name="annotator", dtype=object))
    by_annotator = current.groupby("annotator")
    table["labeled"] = by_annotator["event"].apply(lambda s: int((s == "label").sum()))
    table["skipped"] = by_annotator["event"].apply(lambda s: int((s == "skip").sum()))
    table["flagged"] = by_annotator["flag"].count()
    table = table.fillna(0).astype("int64")
    table["done"] = table["labeled"] + table["skipped"]
    table["total"] = n_items
    table["remaining"] = table["total"] - table["done"]
    table["percent"] = (100.0 * table["done"] / max(n_items, 1)).round(1)
    answered = events[events["event"] != "retract"].groupby("annotator")
    table["median_seconds"] = answered["duration_ms"].median().astype(float) / 1000.0
    table["last_active"] = events.groupby("annotator")["created_at"].max()
    return table[list(PROGRESS_COLUMNS)]
