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

import weakref
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._kernel import default_scheduler
from ..ledger import CurrentAnswer, Ledger, decision, value_key
from ..queue import Queue, QueueCursor
from ..tasks import Classify, Rank, Spans
from .features import classification_inputs, task_features
from .learner import ActiveLearner
from .multilabel import MultiLabelLearner
from .ranking import PairLearner
from .spans import SpanLearner
from .state import LearnerState
from .worker import BackgroundLearner


def learner_for(
    task: Any, df: pd.DataFrame, estimator: Any, features: Any = None, **options: Any
) -> BackgroundLearner:
    """Return the learner of a project's task, given the options ``learn`` was called with.

    Single-label classification: an :class:`ActiveLearner` of the task's labels, reading
    ``features`` (default: the task's text column). Multi-label: a
    :class:`~nblabel.learn.MultiLabelLearner`. Spans: a :class:`~nblabel.learn.SpanLearner`
    (``estimator`` is a span model; None for a CRF on the task's tokens). Rankings: a
    :class:`~nblabel.learn.PairLearner` (no estimator; ``players`` names the contenders).
    Options left None take the learner's defaults; an option a learner does not take is a
    ``TypeError`` naming the ones it does.
    """
    options = {name: value for name, value in options.items() if value is not None}
    if isinstance(task, Classify) and task.multi:
        features = task_features(task, features)
        return MultiLabelLearner(estimator, df, features, labels=task.labels, **options)
    if isinstance(task, Spans):
        if features is not None:
            raise ValueError("features= is for classifiers; a span model reads the task's text.")
        return SpanLearner(estimator, df, task, **options)
    if isinstance(task, Rank):
        if estimator is not None or features is not None:
            raise ValueError(
                "a ranking project learns Bradley–Terry strengths from the answers: pass no "
                "estimator or features, and players={option: column naming its contender}."
            )
        if "players" not in options:
            raise TypeError(
                "learn() on a ranking task needs players={option: column}: the column naming "
                "each option's contender (e.g. the model that wrote it), so the fit can choose "
                "which match-up to show next."
            )
        return PairLearner(df, task, **options)
    classes, features = classification_inputs(task, features, "learn()")
    return ActiveLearner(estimator, df, features, classes=classes, **options)


def training_label(answers: Mapping[str, CurrentAnswer], counts: Callable[[str], bool]) -> Any:
    """Return the label an item is trained with, from its current answers (None: unlabeled).

    An adjudicated answer settles the item (the latest if several); otherwise the most common
    label among the answers that count, ties going to the most recent of the tied answers.
    Model suggestions and skips never count.

    Parameters
    ----------
    answers : mapping of str to CurrentAnswer
        The item's current answer per annotator.
    counts : callable
        ``counts(annotator)``: whether that annotator's own answers (``source="human"``) count,
        e.g. whether they passed the qualification round. Known answers imported with
        ``source="gold"`` always count.

    Returns
    -------
    object
        The training label, or None when no answer that counts gives one.
    """
    decided = decision(answers)
    if decided is not None:
        return decided.value
    counted = [
        answer
        for annotator, answer in answers.items()
        if answer.is_label
        and (answer.source == "gold" or (answer.source == "human" and counts(annotator)))
    ]
    if not counted:
        return None
    votes = Counter(value_key(answer.value) for answer in counted)
    top = max(votes.values())
    latest = max(
        (answer for answer in counted if votes[value_key(answer.value)] == top),
        key=lambda answer: answer.event_id,
    )
    return latest.value


class ModelLoop:
    """Connects an :class:`~nblabel.learn.ActiveLearner` to a project's answers and views.

    Parameters
    ----------
    learner : BackgroundLearner
        The model and its background retraining (an :class:`ActiveLearner` or the learner of
        another task kind).
    ledger : Ledger
        The project's events: the loop follows them (a subscriber until :meth:`close`) and
        reads the current answers, never changing them.
    counts : callable
        ``counts(annotator)``: whether that annotator's answers count now (see
        :meth:`nblabel.Project.qualified`).
    requalifying : frozenset of int
        Row positions of the gold items of a qualification round (empty without one): an
        event on one of them may change whether its annotator counts.
    on_status : callable
        ``on_status(status)`` after each retrain. The retrain ends in the learner's thread,
        which hands the status over to the kernel's loop (:mod:`nblabel._kernel`), where
        ``on_status`` runs and may update views.
    """

    def __init__(
        self,
        learner: BackgroundLearner,
        ledger: Ledger,
        *,
        counts: Callable[[str], bool],
        requalifying: frozenset[int],
        on_status: Callable[[dict[str, Any]], None],
    ) -> None:
        self.learner = learner
        self.ledger = ledger
        self.answers = answers = ledger.answers
        self.index = index = ledger.index
        self._qualified = counts
        self._requalifying = requalifying
        self._on_status = on_status
        self._scheduler = default_scheduler()
        # Whether each annotator's answers count, as last checked (see _answer_counts).
        self._counts: dict[str, bool] = {}
        # Current answers to gold items as last seen, to tell whose gold answers change.
        self._gold_answers: dict[int, dict[str, CurrentAnswer]] = {
            pos: dict(item_answers)
            for pos, item_answers in answers.items()
            if pos in requalifying
        }
        labels = {
            index[pos]: label
            for pos, item_answers in answers.items()
            if (label := training_label(item_answers, self._answer_counts)) is not None
        }
        learner.set_labels(labels)
        # Each session's walk over the model's order (see take), dropped with the session.
        self._walks: weakref.WeakKeyDictionary[Any, OrderWalk] = weakref.WeakKeyDictionary()
        learner.add_listener(self._on_state)
        ledger.subscribe(self.on_event)
        if not learner.training and learner.state.status == "cold" and labels:
            learner.request()  # labels from earlier sessions: train at once if they suffice

    # -- answers in ---------------------------------------------------------------------------
    def on_event(self, pos: int, _row: object) -> None:
        """Follow one stored event (a ledger subscriber); items not in the DataFrame are left."""
        if pos >= 0:
            self.answered(pos)

    def answered(self, pos: int) -> None:
        """Tell the learner the item's current training label (after any event on it).

        An event on a gold item may change whether its annotator passed the qualification
        round; if it does, all their items are relabeled.
        """
        if pos in self._requalifying:
            before = self._gold_answers.get(pos, {})
            after = dict(self.answers.of(pos))
            self._gold_answers[pos] = after
            for annotator in before.keys() | after.keys():
                if before.get(annotator) != after.get(annotator):
                    self._requalify(annotator)
        self._relabel(pos)

    def _relabel(self, pos: int) -> None:
        """Give the learner ``pos``'s training label from its current answers."""
        label = training_label(self.answers.of(pos), self._answer_counts)
        self.learner.set_label(self.index[pos], label)

    def _answer_counts(self, annotator: str) -> bool:
        """Whether ``annotator``'s answers count (:meth:`nblabel.Project.qualified`), cached."""
        counts = self._counts.get(annotator)
        if counts is None:
            counts = self._counts[annotator] = self._qualified(annotator)
        return counts

    def _requalify(self, annotator: str) -> None:
        """Check ``annotator`` again; relabel their items if whether they count changed."""
        if annotator not in self._counts:
            return  # no training label depended on them yet
        counts = self._qualified(annotator)
        if counts == self._counts[annotator]:
            return
        self._counts[annotator] = counts
        for pos, item_answers in self.answers.items():
            if annotator in item_answers:
                self._relabel(pos)

    # -- order, suggestions and status out ----------------------------------------------------
    @property
    def state(self) -> LearnerState:
        """The learner's latest snapshot."""
        return self.learner.state

    @property
    def version(self) -> int | None:
        """The version of the model behind the current order and suggestions."""
        return self.learner.state.version

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
        return self.learner.state.offer(pos)

    def status(self) -> dict[str, Any]:
        """Return what widgets show: ``status``, ``message``, ``version``, ``error``."""
        return describe(self.learner.state)

    def _on_state(self, state: LearnerState) -> None:
        """Hand the new status over to the kernel's loop (runs in the learner's thread)."""
        status = describe(state)
        self._scheduler.soon(lambda: self._on_status(status))

    def close(self) -> None:
        """Stop following the events and stop the learner (waits for a running retrain)."""
        self.ledger.unsubscribe(self.on_event)
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
