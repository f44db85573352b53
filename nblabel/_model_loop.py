"""The model in a project's loop: answers train it, and it orders the queue and suggests labels.

:meth:`nblabel.Project.learn` binds an :class:`~nblabel.learn.ActiveLearner` to a project through
a :class:`ModelLoop`. Every stored answer updates the learner's label for its item (a cheap,
non-blocking call; the retrain runs in the learner's worker thread). Sessions read the latest
model state when they fill an annotator's window: unlabeled items come in the strategy's order,
each with the model's suggestion, and a window filled by an older model version is re-ranked on
the next answer. Each session walks the order on from where its last refill stopped
(:meth:`ModelLoop.take`), so a refill costs the same on a pool of a hundred items or a million.
Widgets show the model's status line (cold start, trained, failed with the exception's message).

With a qualification round (``Gold(qualify=...)``), the model learns only from the answers that
count: those of annotators who passed it (:meth:`nblabel.Project.qualified`). Whether an
annotator counts is looked up once and checked again only when their answers to gold items
change; when it flips, every item they answered is relabeled for the model.
"""

from __future__ import annotations

import json
import logging
import weakref
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .learn import ActiveLearner, LearnerState
from .queue import Queue, QueueCursor

if TYPE_CHECKING:
    from .project import CurrentAnswer, Project

log = logging.getLogger("nblabel")


def training_label(answers: dict[str, CurrentAnswer], counts: Callable[[str], bool]) -> Any:
    """Return the label an item is trained with, from its current answers (None: unlabeled).

    An adjudicated answer settles the item (the latest if several); otherwise the most common
    label among the answers that count, ties going to the most recent of the tied answers.
    Model suggestions and skips never count.

    Parameters
    ----------
    answers : dict
        The item's current answer per annotator, as ``(event_id, event, value, flag, comment,
        source)`` tuples.
    counts : callable
        ``counts(annotator)``: whether that annotator's own answers (``source="human"``) count,
        e.g. whether they passed the qualification round. Known answers imported with
        ``source="gold"`` always count.

    Returns
    -------
    object
        The training label, or None when no answer that counts gives one.
    """
    decided = [a for a in answers.values() if a[5] == "adjudicated" and a[1] == "label"]
    if decided:
        return max(decided, key=lambda answer: answer[0])[2]
    counted = [
        answer
        for annotator, answer in answers.items()
        if answer[1] == "label"
        and (answer[5] == "gold" or (answer[5] == "human" and counts(annotator)))
    ]
    if not counted:
        return None
    votes = Counter(_key(answer[2]) for answer in counted)
    top = max(votes.values())
    latest = max((a for a in counted if votes[_key(a[2])] == top), key=lambda answer: answer[0])
    return latest[2]


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


class ModelLoop:
    """Connects an :class:`~nblabel.learn.ActiveLearner` to a project and its open widgets."""

    def __init__(self, project: Project, learner: ActiveLearner) -> None:
        self.project = project
        self.learner = learner
        gold = project.gold
        self._qualifying = gold is not None and gold.spec.qualify > 0
        # Whether each annotator's answers count, as last checked (see _answer_counts).
        self._counts: dict[str, bool] = {}
        # Current answers to gold items as last seen, to tell whose gold answers change.
        self._gold_answers: dict[int, dict[str, CurrentAnswer]] = {
            pos: dict(answers)
            for pos, answers in project._by_item.items()
            if self._qualifying and pos in gold
        }
        labels = {
            project.df.index[pos]: label
            for pos, answers in project._by_item.items()
            if pos >= 0 and (label := training_label(answers, self._answer_counts)) is not None
        }
        learner.set_labels(labels)
        # Each session's walk over the model's order (see take), dropped with the session.
        self._walks: weakref.WeakKeyDictionary[Any, OrderWalk] = weakref.WeakKeyDictionary()
        learner.add_listener(self._on_state)
        if not learner.training and learner.state.status == "cold" and labels:
            learner.request()  # labels from earlier sessions: train at once if they suffice

    # -- answers in ---------------------------------------------------------------------------
    def answered(self, pos: int) -> None:
        """Tell the learner the item's current training label (after any event on it).

        An event on a gold item may change whether its annotator passed the qualification
        round; if it does, all their items are relabeled.
        """
        if self._qualifying and pos in self.project.gold:
            before = self._gold_answers.get(pos, {})
            after = dict(self.project._by_item.get(pos, {}))
            self._gold_answers[pos] = after
            for annotator in before.keys() | after.keys():
                if before.get(annotator) != after.get(annotator):
                    self._requalify(annotator)
        self._relabel(pos)

    def _relabel(self, pos: int) -> None:
        """Give the learner ``pos``'s training label from its current answers."""
        label = training_label(self.project._by_item.get(pos, {}), self._answer_counts)
        self.learner.set_label(self.project.df.index[pos], label)

    def _answer_counts(self, annotator: str) -> bool:
        """Whether ``annotator``'s answers count (:meth:`nblabel.Project.qualified`), cached."""
        counts = self._counts.get(annotator)
        if counts is None:
            counts = self._counts[annotator] = self.project.qualified(annotator) is True
        return counts

    def _requalify(self, annotator: str) -> None:
        """Check ``annotator`` again; relabel their items if whether they count changed."""
        if annotator not in self._counts:
            return  # no training label depended on them yet
        counts = self.project.qualified(annotator) is True
        if counts == self._counts[annotator]:
            return
        self._counts[annotator] = counts
        for pos, answers in self.project._by_item.items():
            if annotator in answers:
                self._relabel(pos)

    # -- order, suggestions and status out ----------------------------------------------------
    @property
    def state(self) -> LearnerState:
        """The learner's latest snapshot."""
        return self.learner.state

    def order(self) -> np.ndarray:
        """Row positions in the order the model wants them labeled (unlabeled at its last fit)."""
        return self.learner.state.order

    def take(
        self, walker: object, epoch: Any, count: int, accept: Callable[[int], bool]
    ) -> list[int]:
        """Return the next ``count`` positions of the model's order that ``accept`` takes.

        Each ``walker`` (an annotator's session) walks the order forward from where its last
        take stopped, so a take costs the positions it passes, not the size of the pool. The
        walk starts again from the top when the order changes (a retrain, a new cold-start
        order) or when ``epoch`` does: a session passes the model version it last re-ranked
        its window by, so items the re-rank dropped from the window are offered again.

        Parameters
        ----------
        walker : object
            Whose walk this is (held weakly).
        epoch : object
            Restart the walk when it differs from the last take's.
        count : int
            Positions wanted.
        accept : callable
            ``accept(pos)``: whether ``pos`` can be taken now. Positions it refuses are passed
            for the rest of the walk.

        Returns
        -------
        list of int
            Up to ``count`` positions, in the model's order (fewer once the walk is at the end).
        """
        walk = self._walks.get(walker)
        order = self.order()
        if walk is None or walk.order is not order or walk.epoch != epoch:
            walk = self._walks[walker] = OrderWalk(order, epoch)
        return walk.take(count, accept)

    def suggestion(self, pos: int) -> dict[str, Any] | None:
        """Return the model's ``{"value", "confidence", "source": "model"}`` for ``pos``."""
        state = self.learner.state
        if state.proba is None:
            return None
        row = state.proba[pos]
        best = int(row.argmax())
        return {"value": state.classes[best], "confidence": float(row[best]), "source": "model"}

    def status(self) -> dict[str, Any]:
        """Return what widgets show: ``status``, ``message``, ``version``, ``error``."""
        return describe(self.learner.state)

    def _on_state(self, state: LearnerState) -> None:
        """Refresh every view's status line (runs in the learner's thread after each retrain)."""
        status = describe(state)
        for session in self.project._all_sessions():
            for listener in list(session.listeners):
                show = getattr(listener, "show_model", None)
                if show is not None:
                    try:
                        show(status)
                    except Exception:  # a closed comm must not stop the learner
                        log.exception("nblabel could not show the model's status")

    def close(self) -> None:
        """Stop the learner (waits for a running retrain to end)."""
        self.learner.remove_listener(self._on_state)
        self.learner.close()


class OrderWalk(QueueCursor):
    """A forward-only walk over one model order (see :meth:`ModelLoop.take`).

    Parameters
    ----------
    order : numpy.ndarray
        Row positions, best first (a :class:`~nblabel.learn.LearnerState`'s ``order``).
    epoch : object
        What the walk was started for (compared by :meth:`ModelLoop.take`).
    """

    def __init__(self, order: np.ndarray, epoch: Any) -> None:
        super().__init__(Queue.of(len(order), order))
        self.order = order
        self.epoch = epoch


def describe(state: LearnerState) -> dict[str, Any]:
    """Return the widget's model status for ``state``."""
    return {
        "status": state.status,
        "message": state.message,
        "version": state.version,
        "error": state.error,
    }
