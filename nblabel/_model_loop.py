"""The model in a project's loop: answers train it, and it orders the queue and suggests labels.

:meth:`nblabel.Project.learn` binds an :class:`~nblabel.learn.ActiveLearner` to a project through
a :class:`ModelLoop`. Every stored answer updates the learner's label for its item (a cheap,
non-blocking call; the retrain runs in the learner's worker thread). Sessions read the latest
model state when they fill an annotator's window: unlabeled items come in the strategy's order,
each with the model's suggestion, and a window filled by an older model version is re-ranked on
the next answer. Widgets show the model's status line (cold start, trained, failed with the
exception's message).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np

from .learn import ActiveLearner, LearnerState

if TYPE_CHECKING:
    from .project import Project

log = logging.getLogger("nblabel")


def training_label(answers: dict[str, tuple[Any, ...]]) -> Any:
    """Return the label an item is trained with, from its current answers (None: unlabeled).

    An adjudicated answer settles the item (the latest if several); otherwise the most common
    label among people's answers, ties going to the most recent of the tied answers. Model
    suggestions and skips never count.
    """
    decided = [a for a in answers.values() if a[5] == "adjudicated" and a[1] == "label"]
    if decided:
        return max(decided, key=lambda answer: answer[0])[2]
    human = [a for a in answers.values() if a[5] in ("human", "gold") and a[1] == "label"]
    if not human:
        return None
    votes = Counter(_key(answer[2]) for answer in human)
    top = max(votes.values())
    latest = max((a for a in human if votes[_key(a[2])] == top), key=lambda answer: answer[0])
    return latest[2]


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


class ModelLoop:
    """Connects an :class:`~nblabel.learn.ActiveLearner` to a project and its open widgets."""

    def __init__(self, project: Project, learner: ActiveLearner) -> None:
        self.project = project
        self.learner = learner
        labels = {
            project.df.index[pos]: label
            for pos, answers in project._by_item.items()
            if pos >= 0 and (label := training_label(answers)) is not None
        }
        learner.set_labels(labels)
        learner.add_listener(self._on_state)
        if not learner.training and learner.state.status == "cold" and labels:
            learner.request()  # labels from earlier sessions: train at once if they suffice

    # -- answers in ---------------------------------------------------------------------------
    def answered(self, pos: int) -> None:
        """Tell the learner the item's current training label (after any event on it)."""
        label = training_label(self.project._by_item.get(pos, {}))
        self.learner.set_label(self.project.df.index[pos], label)

    # -- order, suggestions and status out ----------------------------------------------------
    @property
    def state(self) -> LearnerState:
        """The learner's latest snapshot."""
        return self.learner.state

    def order(self) -> np.ndarray:
        """Row positions in the order the model wants them labeled (unlabeled at its last fit)."""
        return self.learner.state.order

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


def describe(state: LearnerState) -> dict[str, Any]:
    """Return the widget's model status for ``state``."""
    return {
        "status": state.status,
        "message": state.message,
        "version": state.version,
        "error": state.error,
    }
