"""What every exchange format shares: an import's result, and a project's answers to export.

A reader (:func:`~nblabel.io.read_label_studio`, :func:`~nblabel.io.read_prodigy`,
:func:`~nblabel.io.read_conll`) returns an :class:`Imported`: the items as a DataFrame, the task,
the answers and the suggestions. The answers are a tidy frame with the columns
:meth:`nblabel.Project.add_many` takes (:data:`ANSWER_COLUMNS`): ``item``, ``annotator``,
``value``, ``event`` (``label`` or ``skip``), ``source``, ``flag``, ``comment``, ``created_at``
(UTC, NaT when the format has no time), ``duration_ms``, ``meta`` and ``key`` (the answer's id
in the system it comes from, None when it has none; the project constructors use these ids as
import keys when every answer has one), oldest first. The suggestions
(:data:`SUGGESTION_COLUMNS`) become pre-labelers' ``suggest`` events. Every value was checked by
the task against its item (``task.validate_for``) before it is returned, so a bad export fails
here, naming the record, before any project or store exists.

A writer takes a project, or anything that offers what :class:`ExchangeProject` declares (its
``df``, ``task`` and ``annotations``, e.g. a :class:`~nblabel.io.Snapshot`): each annotator's
current answer per item is written (:func:`current_answers`), never the events it replaced.
"""

from __future__ import annotations

import json
import math
import os
import pathlib
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple, Protocol

import numpy as np
import pandas as pd

from .._items import decode_item, encode_item
from ..tasks import Task

#: Columns of an import's answers, in order.
ANSWER_COLUMNS = (
    "item", "annotator", "value", "event", "source", "flag", "comment", "created_at",
    "duration_ms", "meta", "key",
)
#: The events an answer may be: an answer, or a skip (handled, with no answer).
ANSWER_EVENTS = ("label", "skip")
#: Columns of an import's suggestions: what becomes a pre-labeler's ``suggest`` events
#: (``name`` and ``version`` of the pre-labeler, the suggested ``value``, its ``confidence``).
SUGGESTION_COLUMNS = ("item", "name", "version", "value", "confidence")


class ExchangeProject(Protocol):
    """What an export reads of a project; an :class:`nblabel.Project` offers all of it."""

    df: pd.DataFrame
    task: Any

    @property
    def annotations(self) -> pd.DataFrame:
        """The tidy event table."""



class Imported(NamedTuple):
    """What a reader returns: the items, the task, the answers and the suggestions.

    ``nl.Project(imported.df, imported.task)`` makes a project of it, its ``add_many`` stores
    the answers and its ``prelabel`` the suggestions (:data:`SUGGESTION_COLUMNS`, empty for
    formats without any); ``Project.from_label_studio`` and its siblings do all of it.
    """

    df: pd.DataFrame
    task: Task
    answers: pd.DataFrame
    suggestions: pd.DataFrame


def answers_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Return answer rows (dicts with some of :data:`ANSWER_COLUMNS`) as the answers frame.

    Missing columns are empty; rows are put in time order (stably: rows without a time keep
    their place after the timed ones), so the latest answer of an annotator is their current one.
    """
    frame = pd.DataFrame(list(rows), columns=list(ANSWER_COLUMNS))
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, format="ISO8601")
    frame["duration_ms"] = pd.array(frame["duration_ms"], dtype="Int64")
    for column in ("annotator", "value", "event", "source", "flag", "comment", "meta", "key"):
        frame[column] = frame[column].astype(object)
    frame["event"] = frame["event"].fillna("label")
    frame["source"] = frame["source"].fillna("human")
    ordered = frame.sort_values("created_at", kind="stable", na_position="last")
    return ordered.reset_index(drop=True)


def suggestions_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Return suggestion rows as a frame of :data:`SUGGESTION_COLUMNS`, the last per pre-labeler."""
    frame = pd.DataFrame(list(rows), columns=list(SUGGESTION_COLUMNS), dtype=object)
    frame = frame.drop_duplicates(["item", "name", "version"], keep="last")
    return frame.reset_index(drop=True)


def current_answers(project: ExchangeProject) -> pd.DataFrame:
    """Return each annotator's current answer per item, from the project's event table.

    The current answer is the annotator's latest ``label`` or ``skip`` not followed by a
    ``retract``; other events (a pre-labeler's ``suggest``, a ``route``) are not answers. Rows
    keep the event table's columns, in event order.
    """
    events = project.annotations
    events = events[events["event"].isin((*ANSWER_EVENTS, "retract"))]
    events = events.sort_values("event_id", kind="stable")
    latest = events.drop_duplicates(["item", "annotator"], keep="last")
    return latest[latest["event"].isin(ANSWER_EVENTS)].reset_index(drop=True)


def suggestions(project: ExchangeProject) -> pd.DataFrame:
    """Return each pre-labeler's latest suggestion per item (``suggest`` events), in order."""
    events = project.annotations
    events = events[events["event"] == "suggest"].sort_values("event_id", kind="stable")
    return events.drop_duplicates(["item", "annotator"], keep="last").reset_index(drop=True)


def item_json(item: Any) -> Any:
    """Return an item id as JSON data: ints and strings as they are, a timestamp as ``{"ts"}``."""
    return json.loads(encode_item(item))


def item_from_json(value: Any) -> Any:
    """Return the item id written by :func:`item_json`."""
    return decode_item(json.dumps(value))


def index_of(items: list[Any]) -> pd.Index:
    """Return item ids as a DataFrame index (ints stay ints, timestamps timestamps)."""
    return pd.Index(items)


def plain(value: Any) -> Any:
    """Return a DataFrame cell as JSON data: numpy scalars as Python ones, missing as None."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def missing(value: Any) -> bool:
    """Whether a cell is empty: None, NaN, NaT or pandas' NA (lists and dicts never are)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def read_json(source: Any, what: str) -> Any:
    """Return the JSON data of ``source``: a path to a JSON file, or the data itself."""
    if isinstance(source, str | os.PathLike):
        path = pathlib.Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"no {what} file at {str(path)!r}.")
        with path.open(encoding="utf-8") as file:
            try:
                return json.load(file)
            except json.JSONDecodeError as error:
                raise ValueError(f"{str(path)!r} is not JSON ({error}).") from None
    return source


def write_json(path: str | os.PathLike[str], lines: list[str]) -> None:
    """Write records already encoded as JSON text as one UTF-8 JSON list, one record a line."""
    with pathlib.Path(path).open("w", encoding="utf-8", newline="\n") as file:
        file.write("[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n")


def read_lines(source: Any, what: str) -> list[Any]:
    """Return the records of ``source``: a path to a JSON Lines file, or the records themselves."""
    if not isinstance(source, str | os.PathLike):
        if isinstance(source, Mapping) or not isinstance(source, Iterable):
            raise TypeError(
                f"give the {what} as a path to a .jsonl file or a list of dicts, got "
                f"{type(source).__name__}."
            )
        return list(source)
    path = pathlib.Path(source)
    if not path.is_file():
        raise FileNotFoundError(f"no {what} file at {str(path)!r}.")
    records = []
    with path.open(encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise ValueError(f"line {number} of {str(path)!r} is not JSON ({error}).") from None
    return records


def write_lines(path: str | os.PathLike[str], lines: list[str]) -> None:
    """Write records already encoded as JSON text as UTF-8 JSON Lines, one record a line."""
    with pathlib.Path(path).open("w", encoding="utf-8", newline="\n") as file:
        for line in lines:
            file.write(line + "\n")
