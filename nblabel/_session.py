"""One annotator's labeling session: the kernel half of the item-window protocol.

The browser holds a *window*: the annotator's recent history and the next few items, so it can
paint the next item on a keypress without waiting for the kernel. This module keeps the kernel's
side of it: which items the browser holds, what this annotator has answered, and the messages
that keep the two in step. It knows nothing of widgets; views attach as listeners and receive
``(content, buffers)`` messages, and every view of the same annotator sees the same session.

Browser → kernel messages (``kind``):
    ``hello``   ``{to}``: a view (re)started: reply with a ``snapshot`` addressed ``to`` it.
    ``answer``  ``{req, pos, event: "label"|"skip", value, flag, comment, duration_ms, meta}``
                (``meta``: details the task's view records, checked by ``task.validate_meta``).
    ``retract`` ``{req, pos}``: undo this annotator's answer for the item.
    ``poll``    pick up answers written by other kernels.
Kernel → browser messages:
    ``snapshot`` ``{to, history, upcoming, exhausted}``: the whole window, for one view.
    ``ack``      ``{req, pos, answer, event_id, append, exhausted}``: stored; more items.
    ``reject``   ``{req, pos, reason}``: not stored; the item comes back with the reason.
    ``update``   ``{pos, answer}``: the answer changed elsewhere (code, another view or kernel).
    ``append``   ``{items, exhausted, drop}``: more items for the window.
``ack`` and ``append`` may carry ``drop``: upcoming items to take out of the window (a newer
model re-ranked them); the browser keeps any it already shows or answered.
An ``answer`` the kernel sends is ``{event, value, flag, comment}``, plus ``meta`` when the view
recorded details with it.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from ._items import encode_item
from ._payload import Buffers
from .store import StoreError

if TYPE_CHECKING:
    from .project import Project

log = logging.getLogger(__name__)

#: Default number of upcoming items the browser holds.
DEFAULT_WINDOW = 20
#: How many answered items a snapshot sends back for ←/back navigation.
HISTORY_IN_SNAPSHOT = 30
#: Upcoming items kept when a newer model re-ranks the window: the one on screen and the next.
KEPT_ON_RERANK = 2
MAX_COMMENT_CHARS = 10_000


class Listener(Protocol):
    """A view of a session: receives protocol messages and progress."""

    def deliver(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        """Send a message to the browser."""

    def show_progress(self, progress: dict[str, Any]) -> None:
        """Show the annotator's progress."""


class RejectedAnswer(ValueError):
    """An answer from the browser that cannot be stored; the message is shown to the annotator."""


class AnnotatorSession:
    """The kernel's state of one annotator's labeling, shared by all their views."""

    #: The ``source`` recorded with this session's answers; its history holds only those.
    source = "human"
    #: Whether items carry a suggested answer (pre-label or model), when there is one.
    show_suggestions = True

    def __init__(
        self,
        project: Project,
        annotator: str,
        item_view: Callable[[Any, Any, Buffers], dict[str, Any]],
        window: int = DEFAULT_WINDOW,
    ) -> None:
        self.project = project
        self.item_view = item_view
        self.annotator = annotator
        self.window = window
        self.answers: dict[int, dict[str, Any]] = {}
        self.counts: Counter[str] = Counter()
        self.sent: list[int] = []
        self.cursor = project.queue.cursor()
        self.gold_cursor = project.queue.cursor()
        self.listeners: list[Listener] = []
        self._changed: set[int] = set()
        self._qualification: dict[str, Any] | None = None
        self._ranked_by: int | None = None  # model version that ordered the window
        current = project._log.current(annotator).sort_values("event_id")
        mine = current["source"] == "adjudicated"
        current = current[mine if self.source == "adjudicated" else ~mine]
        columns = ["position", "event", "value", "flag", "comment", "meta"]
        for pos, event, value, flag, comment, meta in current[columns].itertuples(index=False):
            if pos >= 0:
                self._set_answer(int(pos), _answer(event, value, flag, comment, meta))
        self._changed.clear()

    # -- listeners ----------------------------------------------------------------------------
    def attach(self, listener: Listener) -> None:
        """Add a view; it gets a snapshot when its browser side says hello."""
        self.listeners.append(listener)
        listener.show_progress(self.progress())

    def detach(self, listener: Listener) -> None:
        """Remove a view (closed widget)."""
        if listener in self.listeners:
            self.listeners.remove(listener)

    # -- messages from the browser ---------------------------------------------------------
    def handle(self, message: Any, reply: Listener) -> None:
        """Act on one message from a view's browser side."""
        kind = message.get("kind") if isinstance(message, dict) else None
        if kind == "hello":
            content, buffers = self.snapshot()
            reply.deliver({**content, "to": message.get("to")}, buffers)
        elif kind == "answer":
            self._handle_answer(message)
        elif kind == "retract":
            self._handle_retract(message)
        elif kind == "poll":
            self.project.refresh()
            self.project._renew(self.sent, self.annotator)
            self.flush()
        else:
            log.warning("ignoring unknown message from the browser: %r", message)

    def _handle_answer(self, message: dict[str, Any]) -> None:
        req, pos = message.get("req"), message.get("pos")
        try:
            pos = self._check_pos(pos)
            event = message.get("event")
            if event not in ("label", "skip"):
                raise RejectedAnswer(f"unknown answer type {event!r}")
            value = None
            if event == "label":
                try:
                    row = self.project.df.iloc[pos]
                    value = self.project.task.validate_for(message.get("value"), row)
                except ValueError as error:
                    raise RejectedAnswer(str(error)) from error
            comment = _check_comment(message.get("comment"))
            try:
                task = self.project.task
                meta = (
                    task.validate_meta_for(message.get("meta"), value)
                    if event == "label"
                    else task.validate_meta(message.get("meta"))
                )
            except ValueError as error:
                raise RejectedAnswer(str(error)) from error
            meta = self._answer_meta(message, pos, meta)
            event_id = self.project._record(
                pos,
                self.annotator,
                event,
                value,
                flag="unsure" if message.get("flag") else None,
                comment=comment,
                duration_ms=_check_duration(message.get("duration_ms")),
                meta=meta,
                source=self.source,
            )
        except (RejectedAnswer, StoreError) as error:
            self._broadcast({"kind": "reject", "req": req, "pos": pos, "reason": str(error)}, [])
            return
        self._acknowledge(req, pos, event_id)

    def _handle_retract(self, message: dict[str, Any]) -> None:
        req, pos = message.get("req"), message.get("pos")
        try:
            pos = self._check_pos(pos)
            if pos not in self.answers:
                raise RejectedAnswer("there is no answer to undo for this item")
            event_id = self.project._record(pos, self.annotator, "retract", None)
        except (RejectedAnswer, StoreError) as error:
            self._broadcast({"kind": "reject", "req": req, "pos": pos, "reason": str(error)}, [])
            return
        self._acknowledge(req, pos, event_id)

    def _answer_meta(
        self, message: dict[str, Any], pos: int, meta: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        """Return the details to store with an answer (sessions may add their own)."""
        return meta

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
        content = {
            "kind": "ack",
            "req": req,
            "pos": pos,
            "event_id": event_id,
            "answer": self.answers.get(pos),
            "append": appended,
            "exhausted": self._exhausted(),
        }
        if dropped:
            content["drop"] = dropped
        self._broadcast(content, buffers.items)
        try:
            self.flush()
        except Exception:
            log.exception("nblabel could not update the views after an answer; will retry")

    def _check_pos(self, pos: Any) -> int:
        if isinstance(pos, bool) or not isinstance(pos, int) or not 0 <= pos < self.project.n_items:
            raise RejectedAnswer(f"unknown item position {pos!r}")
        return pos

    # -- events from the project -----------------------------------------------------------
    def apply(
        self, pos: int, event: str, value: Any, flag: Any, comment: Any, meta: Any = None
    ) -> None:
        """Take one stored event of this annotator into account (called by the project)."""
        if self.project.gold is not None and pos in self.project.gold:
            self._qualification = None
        if event == "retract":
            self._set_answer(pos, None)
            if pos not in self.sent:
                self.sent.insert(0, pos)
        else:
            self._set_answer(pos, _answer(event, value, flag, comment, meta))
            if pos in self.sent:
                self.sent.remove(pos)

    def flush(self) -> None:
        """Tell the views about answers that changed outside them, and refill their window."""
        changed, self._changed = sorted(self._changed), set()
        for pos in changed:
            self._broadcast({"kind": "update", "pos": pos, "answer": self.answers.get(pos)}, [])
        buffers = Buffers()
        dropped = self._rerank()
        appended = self._refill(buffers)
        if appended or dropped:
            content = {"kind": "append", "items": appended, "exhausted": self._exhausted()}
            if dropped:
                content["drop"] = dropped
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
        content = {
            "kind": "snapshot",
            "history": [self._payload(pos, buffers) for pos in recent],
            "upcoming": [self._payload(pos, buffers) for pos in self.sent],
            "exhausted": self._exhausted(),
        }
        return content, buffers.items

    def progress(self) -> dict[str, Any]:
        """Return this annotator's counts: done, total, labeled, skipped, flagged, by label.

        With a qualification round, also ``qualification``: done, needed, correct, passed.
        """
        progress = {
            "done": len(self.answers),
            "total": self.project.n_items,
            "labeled": self.counts["label"],
            "skipped": self.counts["skip"],
            "flagged": self.counts["flag"],
            "by_label": {k[6:]: v for k, v in self.counts.items() if k.startswith("label:") and v},
        }
        if self.project.gold is not None and self.project.gold.spec.qualify:
            if self._qualification is None:  # recomputed only after a gold answer changed
                self._qualification = self.project._qualification(self.annotator)
            progress["qualification"] = self._qualification
        return progress

    def _refill(self, buffers: Buffers) -> list[dict[str, Any]]:
        return [self._payload(pos, buffers) for pos in self._top_up()]

    def _top_up(self) -> list[int]:
        """Add positions to the window until it holds ``window`` items; return the new ones.

        With gold items, they come first for a qualification round, then every
        ``gold.period``-th item of the stream. With an ``overlap``, regular candidates are
        reserved in the store (others' reservations and answers may make some unavailable),
        and once the order is used up it is walked once more for items whose reservations
        expired elsewhere.
        """
        project, gold = self.project, self.project.gold
        taken = set(self.sent)
        new: list[int] = []
        restarted = False

        def candidate(pos: int) -> bool:
            return (
                pos not in self.answers
                and pos not in taken
                and (gold is None or pos not in gold)
                and project._available(pos, self.annotator)
            )

        def gold_candidate(pos: int) -> bool:
            return pos in gold and pos not in self.answers and pos not in taken

        while len(self.sent) + len(new) < self.window:
            wanted = self.window - len(self.sent) - len(new)
            if gold is not None:
                index = len(self.answers) + len(taken)
                if self._gold_due(index, taken):
                    found = self.gold_cursor.take(1, gold_candidate)
                    new.extend(found)
                    taken.update(found)
                    if found:
                        continue
                wanted = min(wanted, self._regular_run(index))
            found = self._take(wanted, candidate)
            held = project._claim(found, self.annotator)
            new.extend(held)
            taken.update(found)
            if len(found) < wanted and self.cursor.exhausted:
                if project.overlap is None or restarted:
                    break
                self.cursor.restart()
                restarted = True
        self.sent.extend(new)
        return new

    def _take(self, wanted: int, candidate: Callable[[int], bool]) -> list[int]:
        """Take up to ``wanted`` candidates: first in the model's order, then the queue's."""
        found: list[int] = []
        loop = self.project._loop
        if loop is not None:
            # Walked on from the last take; restarted by a retrain or a re-rank of the window.
            found = loop.take(self, self._ranked_by, wanted, candidate)
        if len(found) < wanted:
            chosen = set(found)
            found += self.cursor.take(
                wanted - len(found), lambda pos: pos not in chosen and candidate(pos)
            )
        return found

    def _rerank(self) -> list[int]:
        """Drop the upcoming items an older model chose; return them (the window refills).

        The first :data:`KEPT_ON_RERANK` upcoming items stay (one is on screen) and so do gold
        items; the rest are picked again in the newest model's order.
        """
        loop = self.project._loop
        if loop is None:
            return []
        version = loop.state.version
        if version == self._ranked_by:
            return []
        self._ranked_by = version
        gold = self.project.gold
        dropped = [pos for pos in self.sent[KEPT_ON_RERANK:] if gold is None or pos not in gold]
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
        return self.cursor.exhausted and not self._qualifying()

    def _gold_seen(self, taken: set[int]) -> int:
        """How many gold items this annotator answered or holds in the window."""
        gold = self.project.gold
        return sum(1 for pos in gold.positions if pos in self.answers or pos in taken)

    def _qualifying(self) -> bool:
        gold = self.project.gold
        return gold is not None and self._gold_seen(set(self.sent)) < gold.spec.qualify

    def _gold_due(self, index: int, taken: set[int]) -> bool:
        """Whether the item at stream position ``index`` should be a gold item."""
        spec = self.project.gold.spec
        if self._gold_seen(taken) < spec.qualify:
            return True
        return spec.period is not None and (index - spec.qualify + 1) % spec.period == 0

    def _regular_run(self, index: int) -> int:
        """How many regular items may follow stream position ``index`` before a gold one."""
        spec = self.project.gold.spec
        if spec.period is None:
            return self.window
        return max(1, spec.period - 1 - (index - spec.qualify) % spec.period)

    def _payload(self, pos: int, buffers: Buffers) -> dict[str, Any]:
        project = self.project
        item = project.df.index[pos]
        payload = {
            "pos": pos,
            "id": encode_item(item),
            "view": self.item_view(project.task, project.df.iloc[pos], buffers),
            "answer": self.answers.get(pos),
        }
        teaching = project.gold.teaching(pos) if project.gold is not None else None
        if teaching is not None:
            payload["teach"] = teaching
        suggestion = project._suggestion(pos) if self.show_suggestions else None
        if suggestion is not None:
            payload["suggestion"] = suggestion
        return payload

    def _set_answer(self, pos: int, answer: dict[str, Any] | None) -> None:
        old = self.answers.pop(pos, None) if answer is None else self.answers.get(pos)
        if old is not None:
            self.counts.subtract(_count_keys(old, self.project.task))
        if answer is not None:
            self.answers[pos] = answer
            self.counts.update(_count_keys(answer, self.project.task))
        self._changed.add(pos)

    def _broadcast(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        for listener in list(self.listeners):
            listener.deliver(content, buffers)


def _answer(event: str, value: Any, flag: Any, comment: Any, meta: Any = None) -> dict[str, Any]:
    answer = {"event": event, "value": value, "flag": flag, "comment": comment}
    if meta:  # the details a view recorded (``meta``) go back to the views that show them
        answer["meta"] = meta
    return answer


def _count_keys(answer: dict[str, Any], task: Any) -> list[str]:
    keys = [answer["event"]]
    if answer.get("flag"):
        keys.append("flag")
    if answer["event"] == "label":
        keys.extend(f"label:{v}" for v in task.tally(answer["value"]))
    return keys


def _check_comment(comment: Any) -> str | None:
    if comment in (None, ""):
        return None
    if not isinstance(comment, str):
        raise RejectedAnswer(f"a comment must be text, got {type(comment).__name__}")
    if len(comment) > MAX_COMMENT_CHARS:
        raise RejectedAnswer(f"comment too long ({len(comment)} > {MAX_COMMENT_CHARS} characters)")
    return comment


def _check_duration(duration: Any) -> int | None:
    if isinstance(duration, bool) or not isinstance(duration, (int, float)) or duration < 0:
        return None
    return int(duration)


class FocusSession(AnnotatorSession):
    """An annotator's session over chosen items, answered before or not ("relabel these").

    The window holds exactly ``positions``, in that order; an item answered before shows its
    answer, which a key replaces and Enter keeps. Progress counts the items answered since
    the session opened.
    """

    def __init__(
        self,
        project: Project,
        annotator: str,
        item_view: Callable[[Any, Any, Buffers], dict[str, Any]],
        window: int,
        positions: list[int],
    ) -> None:
        from .queue import Queue

        super().__init__(project, annotator, item_view, window)
        self.positions = positions
        self.cursor = Queue.of(project.n_items, positions).cursor()
        self._chosen = set(positions)
        self._touched: dict[int, None] = {}  # chosen items answered here, in answer order

    def apply(
        self, pos: int, event: str, value: Any, flag: Any, comment: Any, meta: Any = None
    ) -> None:
        """Take one stored event into account; an answer to a chosen item counts as done."""
        if pos not in self._chosen:  # another item of this annotator's: only the answer changes
            self._set_answer(
                pos, None if event == "retract" else _answer(event, value, flag, comment, meta)
            )
            return
        super().apply(pos, event, value, flag, comment, meta)
        if event == "retract":
            self._touched.pop(pos, None)
        else:
            self._touched[pos] = None

    def _top_up(self) -> list[int]:
        taken = set(self.sent)
        wanted = max(0, self.window - len(self.sent))
        new = self.cursor.take(wanted, lambda pos: pos not in taken and pos not in self._touched)
        self.sent.extend(new)
        return new

    def _rerank(self) -> list[int]:
        return []  # the chosen order stands

    def _settled(self, pos: int) -> bool:
        return pos in self._touched

    def _history(self) -> list[int]:
        return [pos for pos in self._touched if pos in self.answers]

    def _exhausted(self) -> bool:
        return self.cursor.exhausted

    def progress(self) -> dict[str, Any]:
        """Return the annotator's counts, with the chosen items as the total."""
        progress = super().progress()
        progress["done"] = len(self._touched)
        progress["total"] = len(self.positions)
        return progress
