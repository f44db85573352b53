"""The wire protocol between a view's browser half and its session, as typed message builders.

The browser holds a *window*: the annotator's recent history and the next few items, so it can
paint the next item on a keypress without waiting for the kernel. Messages keep the two halves
in step; each is built by one function here, so its fields are written in one place.

Browser → kernel messages (``kind``):
    ``hello``   ``{to}``: a view (re)started: reply with a ``snapshot`` addressed ``to`` it.
    ``answer``  ``{req, pos, event: "label"|"skip", value, flag, comment, duration_ms, meta,
                based_on}`` (``meta``: details the task's view records, checked by
                ``task.validate_meta``; ``based_on``: the newest event of the annotator on the
                item the view knew, from the item's payload, an ``ack`` or an ``update``;
                ``item``, only on an answer an earlier view kept when its kernel was lost: the
                item's id, refused if another item is at ``pos``).
    ``retract`` ``{req, pos, based_on, item?}``: undo this annotator's answer for the item.
    ``poll``    pick up answers written by other kernels.
Kernel → browser messages:
    ``snapshot`` ``{to, history, upcoming, exhausted}``: the whole window, for one view.
    ``ack``      ``{req, pos, answer, event_id, append, exhausted}``: stored; more items.
    ``reject``   ``{req, pos, reason, stale?}``: not stored; the item comes back with the
                 reason (``stale``: answered meanwhile elsewhere; an ``update`` follows).
    ``update``   ``{pos, answer, based_on}``: the answer changed elsewhere (code, another view
                 or kernel).
An item in a window is ``{pos, id, view, answer, based_on, suggestion?, teach?, problem?}``.
    ``append``   ``{items, exhausted, drop}``: more items for the window.
``ack`` and ``append`` may carry ``drop``: upcoming items to take out of the window (a newer
model re-ranked them); the browser keeps any it already shows or answered.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any, Protocol, TypedDict

from .._checks import is_number
from .._payload import unsendable

log = logging.getLogger("nblabel")


class Listener(Protocol):
    """A view of a session: receives protocol messages, progress and the model's status."""

    def deliver(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        """Send a message to the browser."""

    def show_progress(self, progress: dict[str, Any]) -> None:
        """Show the annotator's progress."""

    def show_model(self, status: dict[str, Any]) -> None:
        """Show the status of the model in the loop."""

    def show_feedback(self, feedback: dict[str, Any]) -> None:
        """Show the annotator's feedback (see :class:`nblabel.session.feedback.FeedbackView`)."""


class RejectedAnswer(ValueError):
    """An answer from the browser that cannot be stored; the message is shown to the annotator."""


def duration_ms(value: Any) -> int | None:
    """Return the time on screen an answer reports, in whole ms (None if absent or invalid)."""
    if not is_number(value) or not math.isfinite(value) or value < 0:
        return None
    return int(value)


class Answer(TypedDict, total=False):
    """An answer as the browser shows it: ``{event, value, flag, comment}`` and maybe ``meta``."""

    event: str
    value: Any
    flag: str | None
    comment: str | None
    meta: dict[str, Any]


def answer(event: str, value: Any, flag: Any, comment: Any, meta: Any = None) -> Answer:
    """Return an answer for the browser; ``meta`` (details a view recorded) only when given."""
    shown: Answer = {"event": event, "value": value, "flag": flag, "comment": comment}
    if meta:
        shown["meta"] = meta
    return shown


def snapshot(
    history: list[dict[str, Any]], upcoming: list[dict[str, Any]], exhausted: bool
) -> dict[str, Any]:
    """Build the whole window for one view (the reply adds ``to``, the view that said hello)."""
    return {"kind": "snapshot", "history": history, "upcoming": upcoming, "exhausted": exhausted}


def window_item(
    build: Callable[[], dict[str, Any]], pos: int, item_id: str, current: Answer | None,
    based_on: int,
) -> dict[str, Any]:
    """Return the item ``build`` makes for a window, or a note of why it cannot be shown.

    One bad row must not stop a view: an item whose view fails to build (a user's function,
    an unreadable image) or holds text no message can carry (a lone surrogate) is sent as
    :func:`unshowable`; the browser shows the problem and the item can be skipped while the
    rest are labeled.
    """
    try:
        payload = build()
    except Exception as error:  # the data's or a user's function's fault, not the view's
        log.exception("nblabel could not build the view of item at position %s", pos)
        problem = f"{type(error).__name__}: {error}"
    else:
        found = unsendable(payload)
        if found is None:
            return payload
        problem = (
            f"it holds text that cannot be sent to a browser ({found.removeprefix('view.')}: "
            "a lone UTF-16 surrogate); clean the column, e.g. df[col] = "
            "df[col].str.encode('utf-8', 'replace').str.decode('utf-8')"
        )
    return unshowable(
        pos,
        item_id if unsendable(item_id) is None else ascii(item_id),
        current if unsendable(current) is None else None,
        based_on,
        f"This item cannot be shown: {problem}. Skip it (s) to go on.",
    )


def unshowable(
    pos: int, item_id: str, current: Answer | None, based_on: int, problem: str
) -> dict[str, Any]:
    """Build a window item that cannot be shown: the browser shows ``problem``; skip works."""
    return {
        "pos": pos, "id": item_id, "view": None, "answer": current, "based_on": based_on,
        "problem": problem,
    }


def addressed(message: dict[str, Any], to: Any) -> dict[str, Any]:
    """Return ``message`` addressed to the view ``to``."""
    return {**message, "to": to}


def ack(
    req: Any,
    pos: int,
    event_id: int,
    stored: Answer | None,
    appended: list[dict[str, Any]],
    exhausted: bool,
    dropped: list[int],
) -> dict[str, Any]:
    """Build the reply to answer ``req``: stored as event ``event_id``; here are more items."""
    message = {
        "kind": "ack",
        "req": req,
        "pos": pos,
        "event_id": event_id,
        "answer": stored,
        "append": appended,
        "exhausted": exhausted,
    }
    if dropped:
        message["drop"] = dropped
    return message


def reject(req: Any, pos: Any, reason: str, *, stale: bool = False) -> dict[str, Any]:
    """Build the reply to answer ``req``: not stored, for ``reason`` (shown to the annotator).

    ``stale``: the answer was based on an older state of the item than the store's; an
    ``update`` with the current answer follows.
    """
    message = {"kind": "reject", "req": req, "pos": pos, "reason": reason}
    if stale:
        message["stale"] = True
    return message


def update(pos: int, current: Answer | None, based_on: int) -> dict[str, Any]:
    """Build the news that the answer to ``pos`` changed elsewhere (None: it has none now).

    ``based_on`` is the newest event of the annotator on the item: the view sends it back
    with its next answer to that item.
    """
    return {"kind": "update", "pos": pos, "answer": current, "based_on": based_on}


def append(items: list[dict[str, Any]], exhausted: bool, dropped: list[int]) -> dict[str, Any]:
    """Build a message with more items for the window, and upcoming items to drop."""
    message = {"kind": "append", "items": items, "exhausted": exhausted}
    if dropped:
        message["drop"] = dropped
    return message
