"""An import frame read column by column, and the text an answer's import key is made from.

Cells are checked once per distinct value; item positions and times are read for a column.

:mod:`nblabel.ledger.bulk_rows` follows the rows in order; what does not depend on the rows
before a row (the field rules, where an item is, what a time is) is read here for a whole
column at once.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

#: Encodes as ``json.dumps(..., sort_keys=True, ensure_ascii=False)`` does, built once.
_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Refusal:
    """Why a cell is refused: its ``field`` and the ``reason`` (a checked column's entry)."""

    field: str
    reason: str


def checked_column(
    frame: pd.DataFrame,
    name: str,
    rule: Callable[[str, Any], Any],
    default: Any,
    *,
    cache: bool = True,
    required: str | None = None,
) -> tuple[list[Any], dict[int, Refusal]]:
    """Return each cell of column ``name`` checked by ``rule``, and the refused cells.

    Empty cells take ``default`` (or stay None; with ``required``, an empty cell without a
    default is refused with that reason). Each distinct value is checked once when ``cache``:
    a column holds few distinct annotators, sources or flags. A refused cell is None in the
    list and its :class:`Refusal` is in the dict, under its row number.
    """
    if default is not None:
        empty = _apply(rule, name, default)
    elif required is not None:
        empty = Refusal(name, required)
    else:
        empty = None  # every optional field's rule takes an empty cell as None
    if name not in frame.columns:
        cells = [empty] * len(frame)
    else:
        values = frame[name]
        known: dict[tuple[type, Any], Any] = {}
        cells = []
        for value, gap in zip(values.tolist(), values.isna().tolist(), strict=True):
            if gap and missing(value):
                cells.append(empty)
            elif not cache:
                cells.append(_apply(rule, name, value))
            else:
                try:
                    cells.append(known[type(value), value])
                except KeyError:
                    known[type(value), value] = result = _apply(rule, name, value)
                    cells.append(result)
                except TypeError:  # unhashable
                    cells.append(_apply(rule, name, value))
    refused = {at: cell for at, cell in enumerate(cells) if isinstance(cell, Refusal)}
    for at in refused:
        cells[at] = None
    return cells, refused


def first_refusals(*refused: dict[int, Refusal]) -> dict[int, Refusal]:
    """Return each row's first refusal, taking the columns' refusals in the order given."""
    first: dict[int, Refusal] = {}
    for found in refused:
        for at, refusal in found.items():
            first.setdefault(at, refusal)
    return first


def gaps(frame: pd.DataFrame, name: str) -> list[bool]:
    """Return, per row, whether the cell of column ``name`` is empty (True without the column)."""
    if name not in frame.columns:
        return [True] * len(frame)
    values = frame[name]
    return [
        gap and missing(value)
        for value, gap in zip(values.tolist(), values.isna().tolist(), strict=True)
    ]


def _apply(rule: Callable[[str, Any], Any], name: str, value: Any) -> Any:
    try:
        return rule(name, value)
    except ValueError as error:  # ArgumentTypeError is a ValueError too
        return Refusal(name, str(error).rstrip("."))


def column(frame: pd.DataFrame, name: str | None) -> list[Any]:
    """Return the cells of column ``name`` as a list (all None when there is no such column)."""
    if name is None or name not in frame.columns:
        return [None] * len(frame)
    return frame[name].tolist()


def positions(index: pd.Index, items: list[Any]) -> np.ndarray:
    """Return each item's row position in ``index`` (-1 where it is not there)."""
    try:
        return np.asarray(index.get_indexer(pd.Index(items, dtype=object)), dtype=np.intp)
    except (TypeError, ValueError):
        found = []
        for item in items:
            try:
                pos = index.get_loc(item)
            except (KeyError, TypeError, ValueError):
                pos = -1
            found.append(pos if isinstance(pos, int | np.integer) else -1)
        return np.asarray(found, dtype=np.intp)


def times(values: pd.Series | None, n: int) -> tuple[list[int | None], dict[int, str]]:
    """Return each time in UTC microseconds (None where missing), and the rows that are not times.

    A time without a zone is taken as UTC; numbers are refused (their unit is unknown).
    """
    if values is None:
        return [None] * n, {}
    if pd.api.types.is_datetime64_any_dtype(values):
        moments = values.dt.tz_localize("UTC") if values.dt.tz is None else values
        micros = moments.dt.as_unit("us").astype("int64").tolist()
        empty = moments.isna().tolist()
        return [None if gap else us for us, gap in zip(micros, empty, strict=True)], {}
    created: list[int | None] = [None] * n
    bad: dict[int, str] = {}
    for at, value in enumerate(values.tolist()):
        if missing(value):
            continue
        if isinstance(value, bool | int | float | np.number):
            bad[at] = f"created_at must be a time (datetime or ISO text), got the number {value!r}"
            continue
        try:
            moment = pd.Timestamp(value)
        except (TypeError, ValueError) as error:
            bad[at] = f"created_at {value!r} is not a time ({error})"
            continue
        if moment is pd.NaT:
            bad[at] = f"created_at {value!r} is not a time"
            continue
        if moment.tzinfo is None:
            moment = moment.tz_localize("UTC")
        created[at] = int(moment.value // 1000)
    return created, bad


def missing(value: Any) -> bool:
    """Whether a cell is empty: None, NaN, NaT or pandas' NA (lists and dicts never are)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


class ContentText:
    """The JSON text an answer's content key is hashed from, made of cached pieces.

    ``text(...)`` equals ``json.dumps([item, annotator, event, value, source, created_us,
    details, meta], sort_keys=True, ensure_ascii=False)`` with ``details`` the dict of
    ``comment``, ``duration_ms``, ``flag`` and ``guideline``: the import keys of earlier
    imports stay the same. A column's few distinct texts are encoded once.
    """

    def __init__(self) -> None:
        self._pieces: dict[tuple[type, Any], str] = {}

    def text(
        self, item: str, annotator: str, event: str, value: Any, source: str,
        created_us: int | None, comment: str | None, duration_ms: int | None,
        flag: str | None, guideline: str | None, meta: Any,
    ) -> str:
        """Return the content text (``TypeError`` or ``ValueError`` if it is not JSON)."""
        piece = self._piece
        return (
            f"[{piece(item)}, {piece(annotator)}, {piece(event)}, {piece(value)}, "
            f"{piece(source)}, {piece(created_us)}, {{\"comment\": {piece(comment)}, "
            f"\"duration_ms\": {piece(duration_ms)}, \"flag\": {piece(flag)}, "
            f"\"guideline\": {piece(guideline)}}}, {piece(meta)}]"
        )

    def _piece(self, value: Any) -> str:
        if value is None:
            return "null"
        kind = type(value)
        if kind is int:
            return int.__repr__(value)
        if kind is not str:
            return _JSON.encode(value)
        try:
            return self._pieces[kind, value]
        except KeyError:
            self._pieces[kind, value] = text = _JSON.encode(value)
            return text
