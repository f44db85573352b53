"""What the store takes and gives back: named records of events, answer slots and guidelines.

Every record is a ``NamedTuple``: fields by name for readers, index access and unpacking keep
working, and building one costs no more than a tuple.
"""

from __future__ import annotations

import json
import time
from typing import Any, NamedTuple

from .._checks import OneOf, check

#: The events that make an annotator's answers: an answer, a skip, or the undoing of one.
ANSWER_EVENTS = ("label", "skip", "retract")
#: Every kind of event: answers, a pre-labeler's suggestion, and a route (items sent to chosen
#: annotators first).
EVENT_KINDS = (*ANSWER_EVENTS, "suggest", "route")
#: Where an answer comes from.
SOURCES = ("human", "model", "gold", "adjudicated")


def now_us() -> int:
    """Return the current UTC time in integer microseconds since the epoch."""
    return time.time_ns() // 1000


class StoredEvent(NamedTuple):
    """One event of the log, as :meth:`~nblabel.store.Store.read` returns it.

    ``value`` and ``meta`` are decoded from JSON; ``id`` increases in commit order.
    """

    id: int
    item: str
    annotator: str
    event: str
    value: Any
    flag: str | None
    comment: str | None
    source: str
    guideline: str | None
    created_us: int
    duration_ms: int | None
    meta: dict[str, Any] | None


#: Columns of the events table, in the order of :class:`StoredEvent`'s fields.
EVENT_COLUMNS: tuple[str, ...] = StoredEvent._fields


class NewEvent(NamedTuple):
    """An event to write with :meth:`~nblabel.store.Store.append` (the store gives its ``id``).

    ``item`` is the encoded item id, ``event`` one of :data:`EVENT_KINDS` and ``source`` one of
    :data:`SOURCES` (required: the store guesses no default). ``value`` and ``meta`` must be
    JSON-serialisable; an empty ``meta`` is stored as None. ``created_us`` defaults to the time
    of writing.

    Examples
    --------
    >>> NewEvent("7", "ana", "label", "pos", source="human").source
    'human'
    """

    item: str
    annotator: str
    event: str
    value: Any = None
    flag: str | None = None
    comment: str | None = None
    source: str | None = None
    guideline: str | None = None
    duration_ms: int | None = None
    meta: dict[str, Any] | None = None
    created_us: int | None = None


class Claim(NamedTuple):
    """One of an item's ``overlap`` answer slots, held by ``annotator``.

    A lease until ``expires_us`` while the item is on their screen; ``done`` once they answered,
    after which the slot is theirs for good.
    """

    item: str
    slot: int
    annotator: str
    expires_us: int
    done: bool


class GuidelineVersion(NamedTuple):
    """The text of one guideline version (its content hash) and when the store first saw it."""

    version: str
    text: str
    created_us: int
    name: str | None


_KIND = OneOf(EVENT_KINDS)
_JSON = json.JSONEncoder(ensure_ascii=False)  # json.dumps(..., ensure_ascii=False), built once
_SOURCE = OneOf(SOURCES)


def check_new_event(event: Any) -> NewEvent:
    """Return ``event`` if it can be stored; raise saying what is wrong otherwise."""
    if not isinstance(event, NewEvent):
        raise TypeError(
            "an event is a NewEvent(item=..., annotator=..., event=..., source=..., ...) from "
            f"nblabel.store, got {event!r}."
        )
    _KIND("event", event.event)
    _SOURCE("source", event.source)  # stored as given: no default to guess
    if not isinstance(event.item, str) or not event.item:
        raise ValueError(f"an event's item must be a non-empty string, got {event.item!r}.")
    check("annotator", event.annotator)  # the same rule on every engine and every entry point
    check("comment", event.comment)
    check("flag", event.flag)
    return event


def event_row(project_id: int, event: NewEvent) -> dict[str, Any]:
    """Return the events-table row of ``event``: JSON-encoded, with its time set."""
    row = event._asdict()
    row["project_id"] = project_id
    value, meta = row["value"], row["meta"]
    row["value"] = None if value is None else _JSON.encode(value)
    row["meta"] = None if not meta else _JSON.encode(meta)
    if row["created_us"] is None:
        row["created_us"] = now_us()
    return row


def stored_events(rows: Any) -> list[StoredEvent]:
    """Return the events of table ``rows`` (in :data:`EVENT_COLUMNS` order), JSON decoded."""
    loads = json.loads
    return [
        StoredEvent(
            id_, item, annotator, event, None if value is None else loads(value), flag,
            comment, source, guideline, created_us, duration_ms,
            None if meta is None else loads(meta),
        )
        for (
            id_, item, annotator, event, value, flag, comment, source, guideline, created_us,
            duration_ms, meta,
        ) in rows
    ]
