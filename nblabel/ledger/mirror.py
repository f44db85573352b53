"""The in-memory mirror of a project's event log.

Events are appended column by column as they are read from the store (in id order), so reading
``Project.annotations`` never re-scans the store. The tidy DataFrame is built once per change
and cached; the index dtype of the bound DataFrame is restored on the ``item`` column.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._items import decode_item, positions_of
from ..store import ANSWER_EVENTS, EVENT_COLUMNS, StoredEvent

#: Columns of ``Project.annotations``, in order.
ANNOTATION_COLUMNS = (
    "event_id",
    "item",
    "annotator",
    "value",
    "event",
    "flag",
    "comment",
    "source",
    "guideline",
    "created_at",
    "duration_ms",
    "meta",
)
_EVENT_AT = {name: i for i, name in enumerate(EVENT_COLUMNS)}


class EventLog:
    """Columnar copy of the events of one project, aligned to a DataFrame index."""

    def __init__(self, index: pd.Index) -> None:
        self._index = index
        self._columns: dict[str, list[Any]] = {name: [] for name in EVENT_COLUMNS}
        self._positions: list[int] = []
        self._frame: pd.DataFrame | None = None

    @property
    def last_id(self) -> int:
        """Id of the newest event held (0 when empty)."""
        ids = self._columns["id"]
        return ids[-1] if ids else 0

    def __len__(self) -> int:
        return len(self._positions)

    def extend(
        self, rows: Sequence[tuple[Any, ...]], known: dict[str, int] | None = None
    ) -> list[tuple[int, tuple[Any, ...]]]:
        """Append store rows (in id order); return ``(row position, row)`` for each.

        ``known`` maps encoded item ids whose row position the caller already knows (an answer
        just written), which spares building the index's hash table for the usual case.
        """
        if not rows:
            return []
        known = known or {}
        encoded = [row[_EVENT_AT["item"]] for row in rows]
        unknown = [text for text in encoded if text not in known]
        found = dict(zip(unknown, positions_of(self._index, unknown).tolist(), strict=True))
        positions = [known[text] if text in known else found[text] for text in encoded]
        for name, at in _EVENT_AT.items():
            self._columns[name].extend(row[at] for row in rows)
        self._positions.extend(positions)
        self._frame = None
        return list(zip(positions, rows, strict=True))

    def latest_ids(self, annotator: str) -> dict[int, int]:
        """Return, per row position, the id of ``annotator``'s newest event on that item.

        Retracts count: an answer's writer must have seen every event it replaces.
        """
        latest: dict[int, int] = {}
        columns = self._columns
        for event_id, name, event, pos in zip(
            columns["id"], columns["annotator"], columns["event"], self._positions, strict=True
        ):
            if name == annotator and pos >= 0 and event in ANSWER_EVENTS:
                latest[pos] = event_id
        return latest

    def meta_of(self, event_id: int) -> Any:
        """Return the details (``meta``) stored with event ``event_id`` (None: none, unknown)."""
        return self._field_of(event_id, "meta")

    def created_us_of(self, event_id: int) -> int | None:
        """Return when event ``event_id`` was stored, in µs since the epoch (None if unknown)."""
        return self._field_of(event_id, "created_us")

    def _field_of(self, event_id: int, name: str) -> Any:
        """Return one field of event ``event_id`` (None if unknown).

        Events are held in increasing id order, so a binary search finds it.
        """
        ids = self._columns["id"]
        at = bisect.bisect_left(ids, event_id)
        if at == len(ids) or ids[at] != event_id:
            return None
        return self._columns[name][at]

    def select(self, keep: Sequence[bool] | np.ndarray) -> EventLog:
        """Return a new log holding the events where ``keep`` is true (one flag per event)."""
        flags = np.asarray(keep, dtype=bool)
        if len(flags) != len(self):
            raise ValueError(f"keep has {len(flags)} flags for {len(self)} events.")
        chosen = np.flatnonzero(flags).tolist()
        subset = EventLog(self._index)
        for name, values in self._columns.items():
            subset._columns[name] = [values[at] for at in chosen]
        subset._positions = [self._positions[at] for at in chosen]
        return subset

    def events(self) -> list[tuple[int, StoredEvent]]:
        """Return ``(row position, event)`` for every event held, oldest first."""
        rows = zip(*(self._columns[name] for name in EVENT_COLUMNS), strict=True)
        return list(zip(self._positions, map(StoredEvent._make, rows), strict=True))

    def frame(self) -> pd.DataFrame:
        """Return the tidy event table (one row per event, oldest first)."""
        if self._frame is None:
            self._frame = self._build_frame()
        return self._frame

    def current(self, annotator: str | None = None, *, keys: bool = False) -> pd.DataFrame:
        """Return each annotator's current answer per item: their latest label or skip event.

        A ``retract`` removes the answer; the row for an item then disappears. Rows carry the
        columns of :meth:`frame` plus ``position`` (row position in the bound DataFrame, -1
        for an item not in it) and, with ``keys``, ``key`` (the item id as stored).
        """
        events = self.frame().assign(position=np.asarray(self._positions, dtype=np.intp))
        events = events.assign(key=self._columns["item"])
        events = events[events["event"].isin(ANSWER_EVENTS)]  # suggestions, routes: not answers
        if annotator is not None:
            events = events[events["annotator"] == annotator]
        latest = events.drop_duplicates(["key", "annotator"], keep="last")
        latest = latest[latest["event"] != "retract"]
        return latest if keys else latest.drop(columns="key")

    def _build_frame(self) -> pd.DataFrame:
        cols = self._columns
        positions = np.asarray(self._positions, dtype=np.intp)
        n = len(positions)
        return pd.DataFrame(
            {
                "event_id": np.asarray(cols["id"], dtype=np.int64),
                "item": self._items(positions, cols["item"]),
                "annotator": pd.Series(cols["annotator"], dtype=object),
                "value": pd.Series(cols["value"], dtype=object),
                "event": pd.Series(cols["event"], dtype=object),
                "flag": pd.Series(cols["flag"], dtype=object),
                "comment": pd.Series(cols["comment"], dtype=object),
                "source": pd.Series(cols["source"], dtype=object),
                "guideline": pd.Series(cols["guideline"], dtype=object),
                "created_at": pd.to_datetime(
                    np.asarray(cols["created_us"], dtype=np.int64), unit="us", utc=True
                ),
                "duration_ms": pd.array(cols["duration_ms"], dtype="Int64"),
                "meta": pd.Series(cols["meta"], dtype=object),
            },
            index=pd.RangeIndex(n),
            columns=list(ANNOTATION_COLUMNS),
        )

    def _items(self, positions: np.ndarray, encoded: list[str]) -> pd.Index | pd.Series:
        if len(positions) == 0:
            return self._index[:0]
        if (positions >= 0).all():
            return self._index.take(positions)
        return pd.Series([decode_item(text) for text in encoded], dtype=object)
