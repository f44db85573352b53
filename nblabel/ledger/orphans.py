"""Orphaned answers: stored answers whose item is not in the DataFrame a project was opened with.

A store keeps item ids as they were (ints, strings, timestamps). Reopened with a DataFrame whose
index changed — turned into strings, renumbered, a row dropped — those answers match no row:
:func:`warn_orphans` says so on open, with counts and examples, and nothing counts them as
progress. :func:`rekey_events` moves them to the rows they now belong to, as new events (a copy
on the new item, a retract on the old one), since nothing in the log is ever changed in place.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from .._items import encode_item
from ..store import NewEvent, now_us


class OrphanedAnswersWarning(UserWarning):
    """Some stored answers name items that are not in the DataFrame the project was opened with."""


def warn_orphans(current: pd.DataFrame, index: pd.Index) -> None:
    """Warn (:class:`OrphanedAnswersWarning`) of current answers whose item is not in ``index``.

    ``current`` is ``EventLog.current()``: rows with ``position`` -1 are orphans. The warning
    points at the caller of ``nl.Project(...)``.
    """
    message = orphan_message(current, index)
    if message is not None:
        warnings.warn(message, OrphanedAnswersWarning, stacklevel=4)


def orphan_message(current: pd.DataFrame, index: pd.Index) -> str | None:
    """Return what to tell about the current answers whose item is not in ``index`` (or None)."""
    orphans = current[current["position"] < 0]
    if orphans.empty:
        return None
    items = list(dict.fromkeys(orphans["item"]))
    message = (
        f"{len(orphans)} stored answers ({len(items)} items) name items that are not in this "
        f"DataFrame's index, e.g. {items[:5]}; they are not counted in labels() or progress(). "
    )
    for convert in (str, int):
        if _all_found(items, convert, index):
            return message + (
                f"The index seems to have changed type: proj.rekey({convert.__name__}) moves "
                "them to the matching rows."
            )
    return message + (
        "If those rows were renumbered, proj.rekey({old_id: new_id, ...}) moves them; if they "
        "were dropped, their answers stay in the store and can be read from proj.annotations."
    )


def _all_found(items: list[Any], convert: Callable[[Any], Any], index: pd.Index) -> bool:
    try:
        return all(convert(item) in index for item in items)
    except (TypeError, ValueError):
        return False


def rekey_events(
    current: pd.DataFrame,
    df: pd.DataFrame,
    mapping: Mapping[Any, Any] | Callable[[Any], Any],
    validate: Callable[[Any, pd.Series], Any],
) -> list[NewEvent]:
    """Return the events that move orphaned answers to the items ``mapping`` names.

    Parameters
    ----------
    current : pandas.DataFrame
        ``EventLog.current(keys=True)``: every annotator's current answers.
    df : pandas.DataFrame
        The items the answers move to.
    mapping : dict or callable
        Old item id (as stored) → new item id (a ``df.index`` value); orphans it does not
        name stay where they are.
    validate : callable
        ``validate(value, row)``: the task's check of an answer for its new item.

    Raises
    ------
    ValueError
        If a new id is not in ``df``, two old ids map to one new id, the annotator already
        answered the new item, or an answer does not fit its new item. Nothing is written.
    """
    if not isinstance(mapping, Mapping) and not callable(mapping):
        raise TypeError(f"mapping must be a dict or a function of the old id, got {mapping!r}.")
    orphans = current[current["position"] < 0]
    moves: list[NewEvent] = []
    targets: dict[tuple[str, str], Any] = {}
    taken = set(zip(current["key"], current["annotator"], strict=True))
    for row in orphans.itertuples(index=False):
        new_id = _new_id(mapping, row.item)
        if new_id is None:
            continue
        if new_id not in df.index:
            raise ValueError(
                f"rekey maps item {row.item!r} to {new_id!r}, which is not in the DataFrame's "
                f"index (e.g. {df.index[:3].tolist()})."
            )
        new_key = encode_item(new_id)
        earlier = targets.setdefault((new_key, row.annotator), row.item)
        if earlier != row.item:
            raise ValueError(
                f"rekey maps both {earlier!r} and {row.item!r} to {new_id!r} for "
                f"{row.annotator!r}; each answer needs an item of its own."
            )
        if (new_key, row.annotator) in taken:
            raise ValueError(
                f"{row.annotator!r} already answered item {new_id!r}; moving their answer to "
                f"{row.item!r} there would hide one of the two. Retract one first."
            )
        value = row.value
        if row.event == "label":
            try:
                value = validate(value, df.loc[new_id])
            except ValueError as error:
                raise ValueError(
                    f"the answer of {row.annotator!r} to {row.item!r} does not fit item "
                    f"{new_id!r}: {error}"
                ) from error
        moves.extend(_move(row, new_key, value))
    return moves


def _new_id(mapping: Mapping[Any, Any] | Callable[[Any], Any], old: Any) -> Any:
    if isinstance(mapping, Mapping):
        return mapping.get(old)
    try:
        return mapping(old)
    except (TypeError, ValueError) as error:
        raise ValueError(f"rekey's function failed on item {old!r}: {error}") from error


def _move(row: Any, new_key: str, value: Any) -> tuple[NewEvent, NewEvent]:
    """Return the copy on the new item and the retract on the old one, details kept."""
    meta = dict(row.meta) if isinstance(row.meta, dict) else {}
    created = now_us()
    duration = None if pd.isna(row.duration_ms) else int(row.duration_ms)
    copy = NewEvent(
        item=new_key, annotator=row.annotator, event=row.event, value=value, flag=row.flag,
        comment=row.comment, source=row.source, guideline=row.guideline, duration_ms=duration,
        meta={**meta, "rekeyed_from": json.loads(row.key), "rekeyed_event": int(row.event_id)},
        created_us=created,
    )
    retract = NewEvent(
        item=row.key, annotator=row.annotator, event="retract", source=row.source,
        guideline=row.guideline, meta={"rekeyed_to": json.loads(new_key)}, created_us=created,
    )
    return copy, retract
