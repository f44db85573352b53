"""What an annotator's labeling view shows of their feedback, kept up to date item by item.

:func:`nblabel.feedback.feedback_on` says how one answer went wrong (overruled by a reviewer,
or a gold item missed). :class:`FeedbackView` applies it only to the items whose events changed
since the last look (the registry touches them as events arrive), so an ordinary answer costs
one dictionary look-up, and a decision made in any view or kernel reaches the annotator's views
as soon as it is mirrored. Missed gold items are shown only when the project teaches with its
gold (``Gold(teach=True)``): otherwise the view would tell annotators which items are gold. What
the view gets is plain text: each answer worded by the task (:meth:`nblabel.tasks.Task.describe`),
never HTML.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .._items import encode_item
from .._payload import display_text, unsendable
from ..feedback import Miss, feedback_on
from .context import ProjectContext

#: Feedback entries a view receives, newest first (the count says how many there are in all).
SHOWN = 50
#: Characters of the item's text shown beside its feedback.
SNIPPET = 120


class FeedbackView:
    """One annotator's feedback, as their labeling views show it."""

    def __init__(self, context: ProjectContext, annotator: str) -> None:
        self.context = context
        self.annotator = annotator
        self._entries: dict[int, list[dict[str, Any]]] = {}
        self._touched: set[int] | None = None  # None: every item, on the first look
        self._shown: dict[str, Any] = {"count": 0, "items": []}

    def touch(self, pos: int) -> None:
        """Note that an event reached the item at ``pos`` (look at it again on the next update)."""
        if self._touched is not None:
            self._touched.add(pos)

    def summary(self) -> dict[str, Any]:
        """Return what the views show: ``{"count", "items"}`` (see :meth:`update`)."""
        self.update()
        return self._shown

    def update(self) -> dict[str, Any] | None:
        """Look again at the items touched; return the new summary if it changed, else None.

        The summary is ``{"count": n, "items": [...]}``: the newest :data:`SHOWN` entries, each
        ``{"key", "pos", "id", "kind", "answer", "correct", "by", "comment", "passage", "at",
        "snippet"}`` with the answers worded by the task, ``passage`` the guideline passage the
        decision cites (``{"heading", "text"}``, None without) and ``at`` the decision's ISO
        time (None for gold).
        """
        answers = self.context.ledger.answers
        meta_of = self.context.ledger.log.meta_of
        first = self._touched is None
        if self._touched is None:
            touched = {pos for pos, item in answers.items() if self.annotator in item}
        else:
            touched = self._touched
        self._touched = set()
        changed = first
        # Gold items stay unnamed in an annotator's own view unless the project teaches with
        # them (Gold(teach=True)); the lead's proj.feedback() lists every miss.
        gold = self.context.gold
        if gold is not None and not gold.spec.teach:
            gold = None
        for pos in touched:
            entries = [self._entry(pos, miss)
                       for miss in feedback_on(pos, self.annotator, answers, gold, meta_of)]
            if entries != self._entries.get(pos, []):
                changed = True
                if entries:
                    self._entries[pos] = entries
                else:
                    self._entries.pop(pos, None)
        if not changed:
            return None
        every = [entry for entries in self._entries.values() for entry in entries]
        every.sort(key=lambda entry: entry["order"], reverse=True)
        self._shown = {
            "count": len(every),
            "items": [{k: v for k, v in entry.items() if k != "order"} for entry in every[:SHOWN]],
        }
        return self._shown

    def _entry(self, pos: int, miss: Miss) -> dict[str, Any]:
        context = self.context
        row = context.df.iloc[pos]
        mine = context.ledger.answers.of(pos)[self.annotator]
        created = None if miss.event_id is None else context.ledger.log.created_us_of(miss.event_id)
        at = None if created is None else _iso(created)
        item_id = encode_item(context.df.index[pos])
        return {
            "key": f"{item_id}|{miss.kind}|{miss.event_id or mine.event_id}",
            "pos": pos,
            "id": _sendable(item_id),
            "kind": miss.kind,
            "answer": _sendable(context.task.describe(mine.value, row)),
            "correct": _sendable(context.task.describe(miss.correct, row)),
            "by": _sendable(miss.by),
            "comment": None if miss.comment is None else _sendable(miss.comment),
            "passage": None if miss.passage is None else {
                "heading": _sendable(miss.passage.heading), "text": _sendable(miss.passage.text),
            },
            "at": at,
            "snippet": _snippet(context.task.columns(), row),
            # Newest first: by the decision, or for gold by the annotator's answer.
            "order": miss.event_id if miss.event_id is not None else mine.event_id,
        }


def _iso(created_us: int) -> str:
    """Return a time in µs since the epoch as ISO 8601 UTC, to the second."""
    moment = dt.datetime.fromtimestamp(created_us / 1e6, dt.timezone.utc)
    return moment.isoformat(timespec="seconds")


def _snippet(columns: list[str], row: Any) -> str | None:
    """Return the start of the first text the task shows for the item (None if none)."""
    for column in columns:
        text = display_text(row[column])
        if isinstance(row[column], str) and text:
            cut = text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"
            return _sendable(cut)
    return None


def _sendable(text: str) -> str:
    """Return ``text``, with any lone surrogate (which no message can carry) replaced."""
    if unsendable(text) is None:
        return text
    return text.encode("utf-8", "replace").decode("utf-8")
