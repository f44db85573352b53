"""The sessions open on this kernel, and how stored events and model news reach them.

One project may have many views open: an annotator's (one session per annotator, shared by all
their views), chosen-items sessions, and reviewers'. :class:`Sessions` keeps them, routes each
stored event to the sessions of its annotator (a reviewer's decisions to their review session,
their own answers to their labeling session), and updates every view when others' events or a
new model arrive. The project subscribes :meth:`Sessions.apply` to its ledger.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from .._payload import Buffers
from ..store import ANSWER_EVENTS, StoredEvent
from .annotator import AnnotatorSession
from .context import ProjectContext
from .focus import FocusSession
from .review import ReviewSession

ItemView = Callable[[Any, Any, Buffers], dict[str, Any]]

log = logging.getLogger("nblabel")


class Sessions:
    """The registry of open sessions of one project on this kernel."""

    def __init__(self, lock: threading.RLock) -> None:
        #: The lock held while views change (the project's ledger's).
        self.lock = lock
        self.by_annotator: dict[str, AnnotatorSession] = {}
        self.reviews: dict[str, AnnotatorSession] = {}
        self.focused: list[AnnotatorSession] = []

    def labeling(
        self,
        context: ProjectContext,
        annotator: str,
        item_view: ItemView,
        window: int,
        show_suggestions: bool | str,
        positions: list[int] | None = None,
        hide_suggestions: float = 0.0,
    ) -> AnnotatorSession:
        """Return the session to label in: ``annotator``'s own, or one over chosen ``positions``.

        An annotator has one session on this kernel, shared by all their views (its window
        grows to the largest asked for); each set of chosen items gets a session of its own.
        """
        if positions is not None:
            session: AnnotatorSession = FocusSession(
                context, annotator, item_view, window, positions
            )
            self.focused.append(session)
        else:
            session = self.by_annotator.get(annotator) or AnnotatorSession(
                context, annotator, item_view, window
            )
            self.by_annotator[annotator] = session
            session.window = max(session.window, window)
        session.suggestions.show = show_suggestions
        session.suggestions.hide_share = hide_suggestions
        return session

    def reviewing(
        self,
        context: ProjectContext,
        reviewer: str,
        item_view: ItemView,
        window: int,
        positions: list[int],
        blind: bool = False,
    ) -> ReviewSession:
        """Return a new adjudication session of ``reviewer`` over ``positions``."""
        session = ReviewSession(context, reviewer, item_view, window, positions)
        session.blind = blind
        self.reviews[reviewer] = session
        return session

    def all(self) -> list[AnnotatorSession]:
        """Every annotator's, reviewer's and chosen-items session, in that order."""
        return [*self.by_annotator.values(), *self.reviews.values(), *self.focused]

    def annotators(self) -> set[str]:
        """Everyone with a session open here."""
        return {session.annotator for session in self.all()}

    def apply(self, pos: int, row: StoredEvent) -> None:
        """Give a stored event to the sessions it concerns (a ledger subscriber)."""
        if pos < 0 or row.event not in ANSWER_EVENTS:
            return
        adjudicated = row.source == "adjudicated"
        for session in self.all():
            own = session.annotator == row.annotator
            if session.feedback is not None and (own or adjudicated):
                session.feedback.touch(pos)  # their answer or a decision: feedback may change
            if own:
                session.saw(pos, row.id)
                if (session.source == "adjudicated") == adjudicated:
                    session.apply(pos, row.event, row.value, row.flag, row.comment, row.meta)

    def show_feedback(self) -> None:
        """Show every annotator's views their feedback where it changed (after each batch).

        Only the items touched since the last batch are looked at again, so an ordinary
        answer costs nothing here; a decision reaches the views of the annotators it
        overruled at once, whichever view or kernel made it.
        """
        for session in self.all():
            if session.feedback is None or not session.listeners:
                continue
            shown = session.feedback.update()
            if shown is None:
                continue
            for listener in list(session.listeners):
                try:
                    listener.show_feedback(shown)
                except Exception:  # a closed comm must not stop the others
                    log.exception("nblabel could not show feedback")

    def flush(self) -> None:
        """Update every view: answers changed elsewhere, refilled windows, progress."""
        for session in self.all():
            session.flush()

    def show_model(self, status: dict[str, Any]) -> None:
        """Show the model's status line in every view (on the kernel's loop)."""
        with self.lock:
            for session in self.all():
                session.show_model(status)
