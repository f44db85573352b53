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
from .bulk_columns import (
    ContentText,
    Refusal,
    checked_column,
    column,
    first_refusals,
    gaps,
    missing,
    positions,
    times,
)

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
        self.fields: dict[str, list[Any]] = {}  # each column's checked cells
        self.early: dict[int, Refusal] = {}  # rows refused for a field checked before the value
        self.late: dict[int, Refusal] = {}  # … or after it
        self.empty: dict[str, list[bool]] = {}  # which cells of a column are empty
        self.retracts = False  # whether the frame holds retracts
        self.cells: dict[str, list[Any]] = {}  # the cells checked row by row
        self.encoded: dict[int, str] = {}  # row position -> encoded item id
        self.content = ContentText()
        self.row: Any = None  # the label of the row being checked
        shown = state.task.columns()
        self.item_columns = {col: state.df[col].to_numpy(dtype=object) for col in shown}

    def plan(self) -> ImportPlan:
        frame, plan = self.frame, ImportPlan()
        cells = self.cells = {
            name: column(frame, name) for name in ("item", "annotator", "value", "meta")
        }
        keys = column(frame, self.key)
        where = positions(self.state.df.index, cells["item"]).tolist()
        created, bad_times = times(
            frame["created_at"] if "created_at" in frame else None, len(frame)
        )
        self._read_columns(where)
        for at, label in enumerate(frame.index):
            self.row = label
            try:
                if at in bad_times:
                    raise RowRefused("created_at", bad_times[at])
                event, import_key = self._event(at, where[at], created[at], keys[at])
            except RowRefused as refused:
                who = self.default_annotator if self.empty["annotator"][at] else (
                    cells["annotator"][at])
                plan.refused.append((label, cells["item"][at], who, refused.field, str(refused)))
                continue
            if import_key in self.state.stored_keys:
                plan.present += 1
                continue
            self._advance(event, where[at])
            plan.events.append(event)
            plan.known[event.item] = where[at]
        return plan

    def _read_columns(self, where: list[int]) -> None:
        """Check the fields that do not depend on the rows before, a column at a time."""
        frame = self.frame
        found = sorted(set(where) - {-1})
        ids = self.state.df.index.take(found).tolist() if found else []
        self.encoded = {pos: encode_item(item) for pos, item in zip(found, ids, strict=True)}
        annotators, early_a = checked_column(
            frame, "annotator", check, self.default_annotator,
            required="no annotator: fill the column or pass annotator=",
        )
        events, early_e = checked_column(frame, "event", _EVENT, "label")
        sources, early_s = checked_column(frame, "source", _SOURCE, self.default_source)
        flags, late_f = checked_column(frame, "flag", check, None)
        comments, late_c = checked_column(frame, "comment", check, None, cache=False)
        guidelines, late_g = checked_column(frame, "guideline", _GUIDELINE, None)
        durations, late_d = checked_column(frame, "duration_ms", _duration, None)
        self.fields = {
            "annotator": annotators, "event": events, "source": sources, "flag": flags,
            "comment": comments, "guideline": guidelines, "duration_ms": durations,
        }
        # a row reports its first bad field: these before its value and meta, those after
        self.early = first_refusals(early_a, early_e, early_s)
        self.late = first_refusals(late_f, late_c, late_g, late_d)
        self.empty = {name: gaps(frame, name) for name in ("annotator", "value", "meta")}
        self.retracts = "retract" in events

    # -- one row -----------------------------------------------------------------------------
    def _event(
        self, at: int, pos: int, created_us: int | None, source_id: Any
    ) -> tuple[NewEvent, str]:
        if pos < 0:
            raise RowRefused("item", (
                f"item {self.cells['item'][at]!r} is not in the DataFrame's index (e.g. "
                f"{self.state.df.index[:3].tolist()})"))
        item = self.encoded[pos]
        fields = self.fields
        if at in self.early:
            raise RowRefused(self.early[at].field, self.early[at].reason)
        who, event, source = fields["annotator"][at], fields["event"][at], fields["source"][at]
        value = self._value(event, at, pos)
        meta, own = self._meta(event, at, value)
        if at in self.late:
            raise RowRefused(self.late[at].field, self.late[at].reason)
        flag, comment = fields["flag"][at], fields["comment"][at]
        guideline, duration_ms = fields["guideline"][at], fields["duration_ms"][at]
        try:
            content = self.content.text(
                item, who, event, value, source, created_us, comment, duration_ms, flag,
                guideline, meta,
            )
        except (TypeError, ValueError) as error:  # e.g. an object the task let through
            raise RowRefused("value", f"the answer cannot be stored as JSON ({error})") from None
        import_key = self._key(source_id, own.pop(IMPORT_KEY, None), content)
        if import_key not in self.state.stored_keys:  # a stored answer is already counted
            self._check_state(event, source, who, pos, item)
        new = NewEvent(
            item, who, event, value, flag, comment, source, guideline, duration_ms,
            {**(meta or {}), **own, IMPORT_KEY: import_key, IMPORTED_US: self.imported_us},
            self.imported_us if created_us is None else created_us,
        )
        return new, import_key

    def _value(self, event: str, at: int, pos: int) -> Any:
        value, empty = self.cells["value"][at], self.empty["value"][at]
        if event != "label":
            if not empty:
                raise RowRefused("value", f"a {event} carries no value, got {value!r}")
            return None
        if empty:
            raise RowRefused("value", "a label needs a value (this one is missing)")
        row = {col: values[pos] for col, values in self.item_columns.items()}
        try:
            return self.state.task.validate_for(value, row)
        except (TypeError, ValueError) as error:
            raise RowRefused("value", str(error)) from None

    def _meta(self, event: str, at: int, value: Any) -> tuple[Any, dict[str, Any]]:
        meta, empty = self.cells["meta"][at], self.empty["meta"][at]
        if empty and event == "label":
            try:
                return self.state.task.validate_meta_for(None, value), {}
            except (TypeError, ValueError) as error:
                raise RowRefused("meta", str(error)) from None
        if empty:
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
            if missing(source_id) or isinstance(source_id, bool) or not isinstance(
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
        if self.retracts:  # only a retract asks whether the rows before answered
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


def _duration(name: str, value: Any) -> int | None:
    number = _DURATION(name, value)
    return None if number is None else int(round(number))


def _checked(name: str, rule: Callable[[str, Any], Any], value: Any) -> Any:
    try:
        return rule(name, value)
    except ValueError as error:  # ArgumentTypeError is a ValueError too
        raise RowRefused(name, str(error).rstrip(".")) from None
