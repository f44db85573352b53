"""Checking an import row by row: from a tidy frame of earlier answers to events, or reasons.

:func:`plan_import` turns each row of a frame (``item``, ``annotator``, ``value`` and the
optional columns of :data:`OPTIONAL_COLUMNS`) into a :class:`~nblabel.store.NewEvent` checked as
an answer from the widget or :meth:`nblabel.Project.add` is (the task's ``validate_for`` and
``validate_meta_for``, one rule per field from :mod:`nblabel._checks`), or into the reason it is
refused. It follows the rows in order against the project's state, so a ``retract`` needs an
answer to undo and, with ``overlap``, a full item refuses a new annotator. Nothing is written
here; :mod:`nblabel.ledger.bulk` writes the plan in one transaction.

Every imported event carries a stable key in its ``meta`` (:data:`IMPORT_KEY`): the source
system's id when a ``key`` column is given, else a hash of the row's content and its rank among
identical rows of the frame. A row whose key is already in the store is an answer imported
before, and is left out, so importing the same export twice adds nothing.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._checks import Number, OneOf, Text, check
from .._items import encode_item
from ..store import ANSWER_EVENTS, SOURCES, NewEvent, now_us
from ..tasks import Task
from .answers import CurrentAnswers

#: Where an imported event keeps its stable key (in ``meta``).
IMPORT_KEY = "import_key"
#: Where an imported event keeps the time it was imported (UTC microseconds, in ``meta``).
IMPORTED_US = "imported_us"
#: Details nblabel itself adds to events (imports, moved answers); kept as they are.
OWN_META = (IMPORT_KEY, IMPORTED_US, "rekeyed_from", "rekeyed_event", "rekeyed_to")
#: The events an import may hold: answers (a pre-labeler's suggestions and routes are not).
IMPORT_EVENTS = ANSWER_EVENTS
#: Columns an import frame may have besides ``item``, ``annotator`` and ``value``.
OPTIONAL_COLUMNS = (
    "event", "flag", "comment", "source", "guideline", "created_at", "duration_ms", "meta",
)
#: A column of ``Project.annotations`` that an import reads past (ids of another store).
IGNORED_COLUMNS = ("event_id",)
#: Columns of the table of refused rows.
REFUSED_COLUMNS = ("row", "item", "annotator", "field", "reason")

_EVENT = OneOf(IMPORT_EVENTS)
_SOURCE = OneOf(SOURCES)
_GUIDELINE = Text(64, none=True, line=True, what="a guideline version")
_DURATION = Number(0, none=True, what="a time on screen in milliseconds (>= 0)")
_KEY = Text(500, blank=False, line=True, what="key")


class RowRefused(ValueError):
    """One row cannot be imported: ``field`` says which of its values, the message why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field


@dataclass
class ImportPlan:
    """What an import would write, and what it refuses.

    Attributes
    ----------
    events : list of NewEvent
        The events to write, in the frame's order.
    known : dict
        Encoded item id -> row position, for the items of ``events``.
    present : int
        Rows whose answer is already in the store (imported before): left out.
    refused : list of tuple
        One :data:`REFUSED_COLUMNS` tuple per refused row.
    """

    events: list[NewEvent] = field(default_factory=list)
    known: dict[str, int] = field(default_factory=dict)
    present: int = 0
    refused: list[tuple[Any, Any, Any, str, str]] = field(default_factory=list)


@dataclass
class ProjectState:
    """What an import is checked against: the project's answers, keys and overlap slots.

    Attributes
    ----------
    task : Task
        What an answer must be.
    df : pandas.DataFrame
        The items (the task reads its columns for item-dependent checks).
    answers : CurrentAnswers
        Every annotator's current answer per row position.
    stored_keys : set of str
        The import keys already in the store.
    overlap : int, optional
        Annotators per item; None for no limit.
    slots : callable
        ``slots(encoded_item)`` -> the annotators holding one of the item's places now.
    """

    task: Task
    df: pd.DataFrame
    answers: CurrentAnswers
    stored_keys: set[str]
    overlap: int | None
    slots: Callable[[str], set[str]]


def check_frame_columns(frame: Any, annotator: str | None, key: str | None) -> None:
    """Raise unless ``frame`` is a DataFrame with the columns an import needs, and no others."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"add_many takes a pandas DataFrame of answers (columns item, annotator, value, …), "
            f"got {type(frame).__name__}."
        )
    columns = [str(name) for name in frame.columns]
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    if repeated:
        raise ValueError(f"the frame has several columns named {repeated}; keep one of each.")
    if key is not None and key not in frame.columns:
        raise ValueError(f"key={key!r} is not a column of the frame; columns: {columns}.")
    accepted = {"item", "annotator", "value", *OPTIONAL_COLUMNS, *IGNORED_COLUMNS, key}
    unknown = [name for name in frame.columns if name not in accepted]
    if unknown:
        raise ValueError(
            f"the frame has columns add_many does not know: {unknown}. It reads item, "
            f"annotator, value and {list(OPTIONAL_COLUMNS)} (key= names a column of source "
            "ids); drop or rename the others, e.g. frame.drop(columns=[...])."
        )
    if "item" not in frame.columns:
        raise ValueError("the frame needs an 'item' column: the index value of each answer's row.")
    labels = "event" not in frame.columns or (
        frame["event"].isna() | (frame["event"] == "label")
    ).any()
    if "value" not in frame.columns and labels:
        raise ValueError("the frame needs a 'value' column: each answer (a label, spans, …).")
    if "annotator" not in frame.columns and annotator is None:
        raise ValueError(
            "say who answered: give the frame an 'annotator' column, or pass annotator='name' "
            "for rows without one."
        )


def plan_import(
    frame: pd.DataFrame,
    state: ProjectState,
    *,
    annotator: str | None,
    source: str,
    key: str | None,
) -> ImportPlan:
    """Check every row of ``frame`` against ``state``; return the events and the refusals.

    ``annotator`` and ``source`` fill rows without one; ``key`` names a column of source ids.
    """
    planner = _Planner(frame, state, annotator, source, key)
    return planner.plan()


class _Planner:
    """One import's pass over its rows, in order, with the state the rows build up."""

    def __init__(
        self, frame: pd.DataFrame, state: ProjectState, annotator: str | None, source: str,
        key: str | None,
    ) -> None:
        self.frame, self.state, self.key = frame, state, key
        self.default_annotator, self.default_source = annotator, source
        self.imported_us = now_us()
        self.has_answer: dict[tuple[int, str], bool] = {}
        self.holders: dict[str, set[str]] = {}
        self.seen_keys: dict[str, Any] = {}
        self.content_count: Counter[str] = Counter()
        self.checked: dict[str, dict[tuple[type, Any], tuple[Any] | RowRefused]] = {}
        self.encoded: dict[int, str] = {}
        self.row: Any = None  # the label of the row being checked
        shown = state.task.columns()
        self.item_columns = {col: state.df[col].to_numpy(dtype=object) for col in shown}

    def plan(self) -> ImportPlan:
        frame, plan = self.frame, ImportPlan()
        n = len(frame)
        columns = {name: _column(frame, name) for name in (
            "item", "annotator", "value", *OPTIONAL_COLUMNS)}
        keys = _column(frame, self.key)
        positions = _positions(self.state.df.index, columns["item"]).tolist()
        created, bad_times = _times(frame["created_at"] if "created_at" in frame else None, n)
        for at, label in enumerate(frame.index):
            row = {name: values[at] for name, values in columns.items()}
            self.row = label
            try:
                if at in bad_times:
                    raise RowRefused("created_at", bad_times[at])
                event, import_key = self._event(row, positions[at], created[at], keys[at])
            except RowRefused as refused:
                who = self.default_annotator if _missing(row["annotator"]) else row["annotator"]
                plan.refused.append((label, row["item"], who, refused.field, str(refused)))
                continue
            if import_key in self.state.stored_keys:
                plan.present += 1
                continue
            self._advance(event, positions[at])
            plan.events.append(event)
            plan.known[event.item] = positions[at]
        return plan

    # -- one row -----------------------------------------------------------------------------
    def _event(
        self, row: dict[str, Any], pos: int, created_us: int | None, source_id: Any
    ) -> tuple[NewEvent, str]:
        if pos < 0:
            raise RowRefused("item", (
                f"item {row['item']!r} is not in the DataFrame's index (e.g. "
                f"{self.state.df.index[:3].tolist()})"))
        item = self._encoded(pos)
        if _missing(row["annotator"]) and self.default_annotator is None:
            raise RowRefused("annotator", "no annotator: fill the column or pass annotator=")
        who = self._field("annotator", check, row["annotator"], self.default_annotator)
        event = self._field("event", _EVENT, row["event"], "label")
        source = self._field("source", _SOURCE, row["source"], self.default_source)
        value = self._value(event, row["value"], pos)
        meta, own = self._meta(event, row["meta"], value)
        details = {
            "flag": self._field("flag", check, row["flag"], None),
            "comment": self._field("comment", check, row["comment"], None, cache=False),
            "guideline": self._field("guideline", _GUIDELINE, row["guideline"], None),
            "duration_ms": self._field("duration_ms", _duration, row["duration_ms"], None),
        }
        try:
            content = json.dumps(
                [item, who, event, value, source, created_us, details, meta],
                sort_keys=True, ensure_ascii=False,
            )
        except (TypeError, ValueError) as error:  # e.g. an object the task let through
            raise RowRefused("value", f"the answer cannot be stored as JSON ({error})") from None
        import_key = self._key(source_id, own.pop(IMPORT_KEY, None), content)
        if import_key not in self.state.stored_keys:  # a stored answer is already counted
            self._check_state(event, source, who, pos, item)
        new = NewEvent(
            item=item, annotator=who, event=event, value=value, source=source,
            meta={**(meta or {}), **own, IMPORT_KEY: import_key, IMPORTED_US: self.imported_us},
            created_us=self.imported_us if created_us is None else created_us, **details,
        )
        return new, import_key

    def _encoded(self, pos: int) -> str:
        if pos not in self.encoded:
            self.encoded[pos] = encode_item(self.state.df.index[pos])
        return self.encoded[pos]

    def _field(
        self, name: str, rule: Callable[[str, Any], Any], value: Any, default: Any,
        cache: bool = True,
    ) -> Any:
        """Return a cell checked by ``rule`` (``default`` where it is empty), or refuse the row.

        Results are kept per value: a column holds few distinct annotators, sources or flags.
        """
        if _missing(value):
            if default is None:  # every optional field's rule takes an empty cell as None
                return None
            value = default
        known = self.checked.setdefault(name, {})
        try:
            result = known[type(value), value] if cache else None
        except (KeyError, TypeError):  # not seen yet, or unhashable
            result = None
        if result is None:
            try:
                result = (rule(name, value),)
            except ValueError as error:  # ArgumentTypeError is a ValueError too
                result = RowRefused(name, str(error).rstrip("."))
            if cache:
                try:
                    known[type(value), value] = result
                except TypeError:
                    pass
        if isinstance(result, RowRefused):
            raise result
        return result[0]

    def _value(self, event: str, value: Any, pos: int) -> Any:
        if event != "label":
            if not _missing(value):
                raise RowRefused("value", f"a {event} carries no value, got {value!r}")
            return None
        if _missing(value):
            raise RowRefused("value", "a label needs a value (this one is missing)")
        row = {col: values[pos] for col, values in self.item_columns.items()}
        try:
            return self.state.task.validate_for(value, row)
        except (TypeError, ValueError) as error:
            raise RowRefused("value", str(error)) from None

    def _meta(self, event: str, meta: Any, value: Any) -> tuple[Any, dict[str, Any]]:
        if _missing(meta) and event == "label":
            try:
                return self.state.task.validate_meta_for(None, value), {}
            except (TypeError, ValueError) as error:
                raise RowRefused("meta", str(error)) from None
        if _missing(meta):
            meta = {}
        if not isinstance(meta, Mapping):
            raise RowRefused("meta", f"meta must be a dict of details or empty, got {meta!r}")
        own = {name: meta[name] for name in OWN_META if name in meta}
        own.pop(IMPORTED_US, None)  # the time of an import into another store
        rest = {name: detail for name, detail in meta.items() if name not in OWN_META}
        try:
            json.dumps(own)
            if event == "label":
                checked = self.state.task.validate_meta_for(rest or None, value)
            elif rest:
                raise ValueError(f"a {event} carries no details, got {rest!r}")
            else:
                checked = None
        except (TypeError, ValueError) as error:
            raise RowRefused("meta", str(error)) from None
        return checked, own

    def _key(self, source_id: Any, earlier: Any, content: str) -> str:
        if self.key is not None:
            if _missing(source_id) or isinstance(source_id, bool) or not isinstance(
                source_id, str | int | np.integer
            ):
                raise RowRefused("key", f"{self.key} must be a str or int id, got {source_id!r}")
            key = _checked("key", _KEY, str(source_id))
        elif earlier is not None:
            key = _checked("key", _KEY, earlier)
        else:
            self.content_count[content] += 1
            text = f"{content}#{self.content_count[content]}"
            return "h:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
        if key in self.seen_keys:
            raise RowRefused("key", f"key {key!r} is also the key of row {self.seen_keys[key]!r}")
        self.seen_keys[key] = self.row
        return key

    # -- the state the rows build up -----------------------------------------------------------
    def _check_state(self, event: str, source: str, who: str, pos: int, item: str) -> None:
        if event == "retract" and not self._answered(pos, who):
            raise RowRefused("event", f"{who!r} has no answer to item {item} to retract")
        overlap = self.state.overlap
        if overlap is None or source != "human" or event != "label":
            return
        holders = self._holders(item)
        if who not in holders and len(holders) >= overlap:
            raise RowRefused("item", (
                f"item {item} already has its {overlap} answers (or annotators holding it): "
                f"{sorted(holders)}"))

    def _advance(self, event: NewEvent, pos: int) -> None:
        self.has_answer[pos, event.annotator] = event.event != "retract"
        if self.state.overlap is not None and event.source == "human":
            if event.event == "label":
                self._holders(event.item).add(event.annotator)
            elif event.event == "skip":
                self._holders(event.item).discard(event.annotator)

    def _answered(self, pos: int, who: str) -> bool:
        if (pos, who) not in self.has_answer:
            self.has_answer[pos, who] = who in self.state.answers.of(pos)
        return self.has_answer[pos, who]

    def _holders(self, item: str) -> set[str]:
        if item not in self.holders:
            self.holders[item] = set(self.state.slots(item))
        return self.holders[item]


def _column(frame: pd.DataFrame, name: str | None) -> list[Any]:
    if name is None or name not in frame.columns:
        return [None] * len(frame)
    return frame[name].tolist()


def _positions(index: pd.Index, items: list[Any]) -> np.ndarray:
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


def _times(values: pd.Series | None, n: int) -> tuple[list[int | None], dict[int, str]]:
    """Return each time in UTC microseconds (None where missing), and the rows that are not times.

    A time without a zone is taken as UTC; numbers are refused (their unit is unknown).
    """
    if values is None:
        return [None] * n, {}
    if pd.api.types.is_datetime64_any_dtype(values):
        moments = values.dt.tz_localize("UTC") if values.dt.tz is None else values
        micros = moments.dt.as_unit("us").astype("int64").tolist()
        missing = moments.isna().tolist()
        return [None if gap else us for us, gap in zip(micros, missing, strict=True)], {}
    created: list[int | None] = [None] * n
    bad: dict[int, str] = {}
    for at, value in enumerate(values.tolist()):
        if _missing(value):
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


def _duration(name: str, value: Any) -> int | None:
    number = _DURATION(name, value)
    return None if number is None else int(round(number))


def _checked(name: str, rule: Callable[[str, Any], Any], value: Any) -> Any:
    try:
        return rule(name, value)
    except ValueError as error:  # ArgumentTypeError is a ValueError too
        raise RowRefused(name, str(error).rstrip(".")) from None


def _missing(value: Any) -> bool:
    """Whether a cell is empty: None, NaN, NaT or pandas' NA (lists and dicts never are)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)
