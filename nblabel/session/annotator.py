"""One annotator's labeling session: the kernel half of the item-window protocol.

The browser holds a *window*: the annotator's recent history and the next few items (see
:mod:`nblabel.session.protocol`). This module keeps the kernel's side of it: which items the
browser holds, what this annotator has answered, and the messages that keep the two in step. It
knows nothing of widgets; views attach as listeners and receive ``(content, buffers)`` messages,
and every view of the same annotator sees the same session.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from typing import Any

from .._checks import check, is_int
from .._items import encode_item
from .._payload import Buffers
from ..store import StaleAnswer, StoreError
from ..tasks import Task
from . import protocol
from .context import ProjectContext
from .feedback import FeedbackView
from .gold_stream import GoldStream
from .protocol import Listener, RejectedAnswer
from .suggestions import SuggestionPolicy

log = logging.getLogger(__name__)

#: Default number of upcoming items the browser holds.
DEFAULT_WINDOW = 20
#: How many answered items a snapshot sends back for ←/back navigation.
HISTORY_IN_SNAPSHOT = 30
#: Upcoming items kept when a newer model re-ranks the window: the one on screen and the next.
KEPT_ON_RERANK = 2


class AnnotatorSession:
    """The kernel's state of one annotator's labeling, shared by all their views."""

    #: The ``source`` recorded with this session's answers; its history holds only those.
    source = "human"

    def __init__(
        self,
        context: ProjectContext,
        annotator: str,
        item_view: Callable[[Any, Any, Buffers], dict[str, Any]],
        window: int = DEFAULT_WINDOW,
    ) -> None:
        self.context = context
        self.item_view = item_view
        self.annotator = annotator
        self.window = window
        self.answers: dict[int, dict[str, Any]] = {}
        self.counts: Counter[str] = Counter()
        self.sent: list[int] = []
        self.cursor = context.queue.cursor()
        self.gold_cursor = context.queue.cursor()
        self.listeners: list[Listener] = []
        self.suggestions = SuggestionPolicy(context, annotator)  # what views offer, and hide
        self._changed: set[int] = set()
        self.gold_stream = GoldStream(context, annotator, counted=self.source == "human")
        #: What their views show of answers overruled or gold missed (none for a reviewer).
        self.feedback = FeedbackView(context, annotator) if self.source == "human" else None
        self._ranked_by: int | None = None  # model version that ordered the window
        current = context.ledger.current(annotator).sort_values("event_id")
        mine = current["source"] == "adjudicated"
        current = current[mine if self.source == "adjudicated" else ~mine]
        columns = ["position", "event", "value", "flag", "comment", "meta"]
        for pos, event, value, flag, comment, meta in current[columns].itertuples(index=False):
            if pos >= 0:
                self._set_answer(int(pos), protocol.answer(event, value, flag, comment, meta))
        self._changed.clear()
        #: Per row position, the newest event of this annotator on the item (any source).
        self.seen: dict[int, int] = context.ledger.log.latest_ids(annotator)
        self._written: dict[int, int] = {}  # per position, the newest event written here

    @property
    def task(self) -> Task:
        """The project's task."""
        return self.context.task

    def item_at(self, pos: int) -> Any:
        """Return the id (index value) of the item at row position ``pos``."""
        return self.context.df.index[pos]

    def model_status(self) -> dict[str, Any]:
        """Return what views show of the model in the loop (empty without one)."""
        model = self.context.model
        return {} if model is None else model.status()

    # -- listeners ----------------------------------------------------------------------------
    def attach(self, listener: Listener) -> None:
        """Add a view; it gets a snapshot when its browser side says hello."""
        self.listeners.append(listener)
        listener.show_progress(self.progress())

    def detach(self, listener: Listener) -> None:
        """Remove a view (closed widget)."""
        if listener in self.listeners:
            self.listeners.remove(listener)

    def show_model(self, status: dict[str, Any]) -> None:
        """Show the model's status in every view that shows one."""
        for listener in list(self.listeners):
            try:
                listener.show_model(status)
            except Exception:  # a closed comm must not stop the others
                log.exception("nblabel could not show the model's status")

    # -- messages from the browser ---------------------------------------------------------
    def handle(self, message: Any, reply: Listener) -> None:
        """Act on one message from a view's browser side.

        Under the ledger's lock, like every other change of the views: a kernel may hand a
        widget's messages to another thread than its event loop (a subshell), and the lock keeps
        them from interleaving with a poll, another view's answer or code writing events.
        """
        with self.context.ledger.lock:
            self._dispatch(message, reply)

    def _dispatch(self, message: Any, reply: Listener) -> None:
        kind = message.get("kind") if isinstance(message, dict) else None
        if kind == "hello":
            content, buffers = self.snapshot()
            reply.deliver(protocol.addressed(content, message.get("to")), buffers)
        elif kind == "answer":
            self._handle_answer(message)
        elif kind == "retract":
            self._handle_retract(message)
        elif kind == "poll":
            self.context.refresh()
            self.context.ledger.leases.renew(self.sent, self.annotator)
            self.flush()
        else:
            log.warning("ignoring unknown message from the browser: %r", message)

    def _handle_answer(self, message: dict[str, Any]) -> None:
        self._write(message, self._record_answer)

    def _handle_retract(self, message: dict[str, Any]) -> None:
        self._write(message, self._record_retract)

    def _write(self, message: dict[str, Any], record: Callable[[dict[str, Any], int], int]) -> None:
        """Check the item, ``record`` the event, then acknowledge it or say why it was refused."""
        req, pos = message.get("req"), message.get("pos")
        try:
            pos = self.check_item(message, self.check_pos(pos))
            event_id = record(message, pos)
        except StaleAnswer:
            self._refuse_stale(req, pos)
            return
        except (RejectedAnswer, StoreError) as error:
            self._broadcast(protocol.reject(req, pos, str(error)), [])
            return
        self._written[pos] = event_id
        self._acknowledge(req, pos, event_id)

    def _record_answer(self, message: dict[str, Any], pos: int) -> int:
        """Validate an answer or a skip and record it; returns its event id."""
        event = message.get("event")
        if event not in ("label", "skip"):
            raise RejectedAnswer(f"unknown answer type {event!r}")
        task = self.context.task
        try:
            value = None
            if event == "label":
                value = task.validate_for(message.get("value"), self.context.df.iloc[pos])
            comment = check("comment", message.get("comment"))
            meta = (
                task.validate_meta_for(message.get("meta"), value)
                if event == "label"
                else task.validate_meta(message.get("meta"))
            )
        except (TypeError, ValueError) as error:
            raise RejectedAnswer(str(error)) from error
        return self.context.ledger.record(
            pos,
            self.annotator,
            event,
            value,
            flag="unsure" if message.get("flag") else None,
            comment=comment,
            duration_ms=protocol.duration_ms(message.get("duration_ms")),
            meta=self._answer_meta(message, pos, meta),
            source=self.source,
            based_on=self._based_on(message, pos),
        )

    def _record_retract(self, message: dict[str, Any], pos: int) -> int:
        """Record the undoing of this annotator's answer to the item; returns its event id."""
        if pos not in self.answers:
            raise RejectedAnswer("there is no answer to undo for this item")
        return self.context.ledger.record(
            pos, self.annotator, "retract", based_on=self._based_on(message, pos)
        )

    def _based_on(self, message: dict[str, Any], pos: int) -> int | None:
        """Return the newest event the answer replaces knowingly (None: the view did not say).

        The view says which event of this annotator it last saw on the item (``based_on``);
        events this session wrote itself count as seen, so quick successive answers to one
        item from the same view are not refused.
        """
        based_on = message.get("based_on")
        if not is_int(based_on) or based_on < 0:
            return None
        return max(int(based_on), self._written.get(pos, 0))

    def _refuse_stale(self, req: Any, pos: int) -> None:
        """Refuse an answer based on an old state of its item, then show the current one."""
        reason = (
            "not saved: this item was answered meanwhile in another view or notebook of "
            f"{self.annotator!r}, which this answer would have replaced unseen; the current "
            "answer is shown now — answer again to change it"
        )
        self._broadcast(protocol.reject(req, pos, reason, stale=True), [])
        try:
            self.context.refresh()  # the newer answer reaches every view as an update
        except StoreError:
            log.exception("nblabel could not read the store after a stale answer; will retry")

    def _answer_meta(
        self, message: dict[str, Any], pos: int, meta: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        """Return the details to store with an answer (sessions may add their own).

        An answer to an item whose suggestion was hidden records it (see
        :meth:`SuggestionPolicy.answer_details`). Only a reviewer's decision cites a guideline
        passage: an annotator's answer citing one is refused.
        """
        if message.get("passage") is not None:
            raise RejectedAnswer("only a reviewer's decision cites a guideline passage")
        hidden = self.suggestions.answer_details(pos)
        return {**(meta or {}), **hidden} if hidden else meta

    def _acknowledge(self, req: Any, pos: int, event_id: int) -> None:
        """Tell the views the answer is stored, with more items if the store gives them.

        From here on the answer is on disk: a failure to refill the window (a busy or
        unreachable store) must not turn into "not saved", or the annotator would answer again.
        The next poll refills instead.
        """
        self._changed.discard(pos)
        buffers = Buffers()
        try:
            dropped = self._rerank()
            appended = self._refill(buffers)
        except Exception:
            log.exception("nblabel stored an answer but could not refill the window; will retry")
            buffers, dropped, appended = Buffers(), [], []
        content = protocol.ack(
            req, pos, event_id, self.answers.get(pos), appended, self._exhausted(), dropped
        )
        self._broadcast(content, buffers.items)
        try:
            self.flush()
        except Exception:
            log.exception("nblabel could not update the views after an answer; will retry")

    def check_pos(self, pos: Any) -> int:
        """Return ``pos`` if it is the row position of an item, else raise RejectedAnswer."""
        if not is_int(pos) or not 0 <= pos < self.context.n_items:
            raise RejectedAnswer(f"unknown item position {pos!r}")
        return int(pos)

    def check_item(self, message: dict[str, Any], pos: int) -> int:
        """Return ``pos`` unless the message names (``item``) another item than the one there.

        A view sends the item's id with answers an earlier view kept when its kernel was lost:
        the DataFrame of this kernel may hold another item at that position.
        """
        item = message.get("item")
        if item is not None and item != encode_item(self.context.df.index[pos]):
            raise RejectedAnswer(
                f"this answer was given to item {item} in an earlier view, and another item is "
                "at its place in this DataFrame"
            )
        return pos

    # -- events from the project -----------------------------------------------------------
    def saw(self, pos: int, event_id: int) -> None:
        """Note event ``event_id`` of this annotator on ``pos`` (any source; in id order)."""
        self.seen[pos] = event_id

    def apply(
        self, pos: int, event: str, value: Any, flag: Any, comment: Any, meta: Any = None
    ) -> None:
        """Take one stored event of this annotator into account (in id order)."""
        self.gold_stream.changed(pos)
        if event == "retract":
            self._set_answer(pos, None)
            if pos not in self.sent:
                self.sent.insert(0, pos)
        else:
            self._set_answer(pos, protocol.answer(event, value, flag, comment, meta))
            if pos in self.sent:
                self.sent.remove(pos)

    def flush(self) -> None:
        """Tell the views about answers that changed outside them, and refill their window."""
        changed, self._changed = sorted(self._changed), set()
        for pos in changed:
            self._broadcast(protocol.update(pos, self.answers.get(pos), self.seen.get(pos, 0)), [])
        buffers = Buffers()
        dropped = self._rerank()
        appended = self._refill(buffers)
        if appended or dropped:
            content = protocol.append(appended, self._exhausted(), dropped)
            self._broadcast(content, buffers.items)
        progress = self.progress()
        for listener in list(self.listeners):
            listener.show_progress(progress)

    # -- the window ---------------------------------------------------------------------------
    def snapshot(self) -> tuple[dict[str, Any], list[bytes]]:
        """Return the whole window: recent history and upcoming items."""
        buffers = Buffers()
        self.sent = [pos for pos in self.sent if not self._settled(pos)]
        self._rerank()
        self._top_up()
        recent = self._history()[-HISTORY_IN_SNAPSHOT:]
        content = protocol.snapshot(
            [self._item(pos, buffers) for pos in recent],
            [self._item(pos, buffers) for pos in self.sent],
            self._exhausted(),
        )
        return content, buffers.items

    def progress(self) -> dict[str, Any]:
        """Return this annotator's counts: done, total, labeled, skipped, flagged, by label.

        With a qualification round, an annotator's (not a reviewer's) progress also has
        ``qualification``: their current round (see :meth:`GoldSet.qualification_of`).
        """
        progress = {
            "done": len(self.answers),
            "total": self.context.n_items,
            "labeled": self.counts["label"],
            "skipped": self.counts["skip"],
            "flagged": self.counts["flag"],
            "by_label": {k[6:]: v for k, v in self.counts.items() if k.startswith("label:") and v},
        }
        qualification = self.gold_stream.current_round()
        if qualification is not None:
            progress["qualification"] = qualification
        return progress

    def _refill(self, buffers: Buffers) -> list[dict[str, Any]]:
        return [self._item(pos, buffers) for pos in self._top_up()]

    def _top_up(self) -> list[int]:
        """Add positions to the window until it holds ``window`` items; return the new ones.

        With gold items, they come first for a qualification round, then every
        ``gold.period``-th item of the stream. With an ``overlap``, regular candidates are
        reserved in the store (others' reservations and answers may make some unavailable),
        and once the order is used up it is walked once more for items whose reservations
        expired elsewhere.
        """
        context, gold = self.context, self.context.gold
        leases = context.ledger.leases
        taken = set(self.sent)
        new: list[int] = []
        restarted = False

        routes = context.ledger.routes

        def candidate(pos: int) -> bool:
            return (
                pos not in self.answers
                and pos not in taken
                and (gold is None or pos not in gold)
                and not routes.held_back(pos, self.annotator)
                and leases.available(pos, self.annotator)
            )

        def gold_candidate(pos: int) -> bool:
            return pos in gold and pos not in self.answers and pos not in taken

        while len(self.sent) + len(new) < self.window:
            wanted = self.window - len(self.sent) - len(new)
            if gold is not None:
                index = len(self.answers) + len(taken)
                if gold.due(index, self.gold_stream.seen(self.answers, taken)):
                    found = self.gold_cursor.take(1, gold_candidate)
                    new.extend(found)
                    taken.update(found)
                    if found:
                        continue
                wanted = min(wanted, gold.regular_run(index, self.window))
            found = self._take(wanted, candidate)
            held = leases.claim(found, self.annotator)
            new.extend(held)
            taken.update(found)
            if len(found) < wanted and self.cursor.exhausted:
                if leases.overlap is None or restarted:
                    break
                self.cursor.restart()
                restarted = True
        self.sent.extend(new)
        return new

    def _take(self, wanted: int, candidate: Callable[[int], bool]) -> list[int]:
        """Take up to ``wanted`` candidates: routed to this annotator, the model's, the queue's."""
        routed = self.context.ledger.routes.first_for(self.annotator)
        found = [pos for pos in routed if candidate(pos)][:wanted]
        model = self.context.model
        if model is not None and len(found) < wanted:
            # Walked on from the last take; restarted by a retrain or a re-rank of the window.
            chosen = set(found)
            found += model.take(self, self._ranked_by, wanted - len(found),
                                lambda pos: pos not in chosen and candidate(pos))
        if len(found) < wanted:
            chosen = set(found)
            found += self.cursor.take(
                wanted - len(found), lambda pos: pos not in chosen and candidate(pos)
            )
        return found

    def _rerank(self) -> list[int]:
        """Drop upcoming items chosen before a newer model or a new round; return them.

        After a retrain the first :data:`KEPT_ON_RERANK` upcoming items stay (one is on screen)
        and the rest are picked again in the newest model's order; when a qualification round
        opens (a new guideline, gold accuracy falling) only the item on screen stays, so its
        gold items come next. Gold items always stay.
        """
        keep = 1 if self.gold_stream.new_round() else None
        model = self.context.model
        if model is not None and model.version != self._ranked_by:
            self._ranked_by = model.version
            keep = KEPT_ON_RERANK if keep is None else keep
        if keep is None:
            return []
        gold = self.context.gold
        dropped = [pos for pos in self.sent[keep:] if gold is None or pos not in gold]
        if dropped:
            gone = set(dropped)
            self.sent = [pos for pos in self.sent if pos not in gone]
        return dropped

    def _settled(self, pos: int) -> bool:
        """Whether ``pos`` no longer belongs among the upcoming items."""
        return pos in self.answers

    def _history(self) -> list[int]:
        """Positions answered in this session's history, oldest first."""
        return list(self.answers)

    def _exhausted(self) -> bool:
        return self.cursor.exhausted and not self.gold_stream.qualifying(self.answers, self.sent)

    def _item(self, pos: int, buffers: Buffers) -> dict[str, Any]:
        """Return the item at ``pos`` for the window, or a note of why it cannot be shown."""
        return protocol.window_item(
            lambda: self._payload(pos, buffers), pos, encode_item(self.context.df.index[pos]),
            self.answers.get(pos), self.seen.get(pos, 0),
        )

    def _payload(self, pos: int, buffers: Buffers) -> dict[str, Any]:
        context = self.context
        payload = {
            "pos": pos,
            "id": encode_item(context.df.index[pos]),
            "view": self.item_view(context.task, context.df.iloc[pos], buffers),
            "answer": self.answers.get(pos),
            "based_on": self.seen.get(pos, 0),
        }
        teaching = context.gold.teaching(pos) if context.gold is not None else None
        if teaching is not None:
            payload["teach"] = teaching
        suggestion = self.suggestions.offered(pos)
        if suggestion is not None:
            payload["suggestion"] = suggestion
        return payload

    def _set_answer(self, pos: int, answer: dict[str, Any] | None) -> None:
        old = self.answers.pop(pos, None) if answer is None else self.answers.get(pos)
        if old is not None:
            self.counts.subtract(_count_keys(old, self.context.task))
        if answer is not None:
            self.answers[pos] = answer
            self.counts.update(_count_keys(answer, self.context.task))
        self._changed.add(pos)

    def _broadcast(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        for listener in list(self.listeners):
            listener.deliver(content, buffers)


def _count_keys(answer: dict[str, Any], task: Any) -> list[str]:
    keys = [answer["event"]]
    if answer.get("flag"):
        keys.append("flag")
    if answer["event"] == "label":
        keys.extend(f"label:{v}" for v in task.tally(answer["value"]))
    return keys
