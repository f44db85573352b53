"""What the model loop knows after a retrain: an immutable snapshot, its making and messages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

#: The states of the loop: no model yet, a model, or the last retrain failed.
STATUSES = ("cold", "ready", "failed")

HISTORY_COLUMNS = (
    "version", "n_labels", "accuracy", "f1", "folds", "note", "fit_seconds", "trained_at",
)


def frozen(array: np.ndarray | None) -> np.ndarray | None:
    """Return ``array`` marked read-only (None stays None)."""
    if array is not None:
        array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class LearnerState:
    """An immutable snapshot of the model loop, taken after a retrain (or a failed one).

    Arrays are read-only and aligned to the rows of the learner's DataFrame (``items``).

    Attributes
    ----------
    status : {"cold", "ready", "failed"}
        ``"cold"``: no model yet (too few classes labeled), items come in random order.
        ``"ready"``: a model scored the pool. ``"failed"``: the last retrain raised; the previous
        model's predictions (if any) are kept.
    message : str
        One human-readable sentence about the state, for display.
    version : int
        Model version: 0 before the first model, then +1 per successful retrain.
    n_labels : int
        Labels the current model was trained on (cold: labels seen at the last attempt).
    classes : tuple
        The columns of ``proba`` (the task's labels when the learner was given them).
    items : pandas.Index
        The DataFrame's index: row ``i`` of every array is item ``items[i]``.
    labels : numpy.ndarray
        The label of each row the model was trained on (None where unlabeled).
    proba : numpy.ndarray or None
        ``predict_proba`` of the model for every row, ``(n_items, n_classes)``; None if cold.
    scores : numpy.ndarray or None
        The strategy's score per row (higher = ask first); NaN on labeled rows; None if cold.
    order : numpy.ndarray
        Positions of the rows unlabeled at the time, in the order to label them.
    heldout_rows : numpy.ndarray or None
        Positions of the rows the model was trained on, in the order of ``heldout_proba``;
        None if cold.
    heldout_proba : numpy.ndarray or None
        Out-of-fold probabilities of those rows from cross-validation,
        ``(len(heldout_rows), n_classes)`` (NaN when cross-validation was impossible); None if
        cold. Kept for the labeled rows only, so a large pool costs no memory here; the
        :attr:`heldout` property spreads them over every row.
    accuracy, f1 : float
        Cross-validated accuracy and macro-F1 of this model version (NaN with ``note``).
    folds : int
        Folds of that cross-validation (0 when there was none).
    note : str or None
        Why the cross-validated scores are NaN, when they are.
    error : str or None
        ``"ExceptionType: message"`` of the failed retrain (status ``"failed"``).
    fit_seconds : float
        Time the last successful retrain took (fit, scoring, cross-validation).
    trained_at : pandas.Timestamp or None
        When the model was trained (UTC).
    """

    status: str
    message: str
    version: int
    n_labels: int
    classes: tuple[Any, ...]
    items: pd.Index
    labels: np.ndarray
    proba: np.ndarray | None
    scores: np.ndarray | None
    order: np.ndarray
    heldout_rows: np.ndarray | None = None
    heldout_proba: np.ndarray | None = None
    accuracy: float = float("nan")
    f1: float = float("nan")
    folds: int = 0
    note: str | None = None
    error: str | None = None
    fit_seconds: float = float("nan")
    trained_at: pd.Timestamp | None = None

    @property
    def heldout(self) -> np.ndarray | None:
        """Out-of-fold probabilities for every row, ``(n_items, n_classes)``; None if cold.

        NaN on rows the model was not trained on. Built on each access from ``heldout_rows``
        and ``heldout_proba``.
        """
        if self.heldout_proba is None:
            return None
        dense = np.full((len(self.items), self.heldout_proba.shape[1]), np.nan)
        dense[self.heldout_rows] = self.heldout_proba
        dense.flags.writeable = False
        return dense

    def known_heldout(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the rows with an out-of-fold prediction and their probabilities."""
        if self.heldout_proba is None:
            return np.empty(0, dtype=np.intp), np.empty((0, len(self.classes)))
        known = ~np.isnan(self.heldout_proba).any(axis=1)
        return self.heldout_rows[known], self.heldout_proba[known]

    @property
    def has_model(self) -> bool:
        """Whether a model's predictions are available (ready, or failed after a success)."""
        return self.proba is not None

    def suggestion(self, item: Any) -> tuple[Any, float] | None:
        """Return the model's ``(label, confidence)`` for ``item``, or None without a model.

        Examples
        --------
        >>> learner.state.suggestion("T0001")  # doctest: +SKIP
        ('bug', 0.83)
        """
        if self.proba is None:
            return None
        row = self.proba[self._position(item)]
        best = int(row.argmax())
        return self.classes[best], float(row[best])

    def offer(self, pos: int) -> dict[str, Any] | None:
        """Return what a view suggests for row ``pos``: ``{"value", "confidence", "source"}``.

        The value is an answer the task accepts; ``version`` is the model's; None without a
        model.
        """
        if self.proba is None:
            return None
        row = self.proba[pos]
        best = int(row.argmax())
        return {"value": self.classes[best], "confidence": float(row[best]), "source": "model",
                "version": self.version}

    def _position(self, item: Any) -> int:
        try:
            return int(self.items.get_loc(item))
        except KeyError:
            raise ValueError(f"item {item!r} is not in the learner's DataFrame.") from None

    def predictions(self) -> pd.DataFrame:
        """Return one row per item: what the model says and how sure it is.

        Returns
        -------
        pandas.DataFrame
            Indexed by item, columns: ``label`` (the label it was trained with, None if
            unlabeled), ``suggestion`` (the most likely class), ``confidence`` (its probability),
            ``uncertainty`` (``1 - confidence``), ``score`` (the strategy's score; NaN on
            labeled rows), ``heldout`` (the out-of-fold prediction for labeled rows, None
            elsewhere) and ``heldout_confidence``. Suggestions are None when cold.

        Examples
        --------
        >>> frame = learner.state.predictions()  # doctest: +SKIP
        >>> nl.charts.uncertainty_histogram(frame[frame["label"].isna()])  # doctest: +SKIP
        """
        n_items = len(self.items)
        classes = np.asarray(self.classes, dtype=object)
        frame = pd.DataFrame({"label": self.labels}, index=self.items)
        if self.proba is None:
            frame["suggestion"] = np.full(n_items, None, dtype=object)
            frame["confidence"] = np.nan
        else:
            best = self.proba.argmax(axis=1)
            frame["suggestion"] = classes[best]
            frame["confidence"] = self.proba[np.arange(n_items), best]
        frame["uncertainty"] = 1.0 - frame["confidence"]
        frame["score"] = np.nan if self.scores is None else self.scores
        heldout = np.full(n_items, None, dtype=object)
        heldout_confidence = np.full(n_items, np.nan)
        rows, proba = self.known_heldout()
        best = proba.argmax(axis=1)
        heldout[rows] = classes[best]
        heldout_confidence[rows] = proba[np.arange(len(best)), best]
        frame["heldout"] = heldout
        frame["heldout_confidence"] = heldout_confidence
        return frame

    def __repr__(self) -> str:
        return f"<LearnerState {self.status} v{self.version}: {self.message}>"


def sorted_labels(labels: Iterable[Any]) -> tuple[Any, ...]:
    """Return ``labels`` sorted (by their ``repr`` when their types cannot be compared)."""
    labels = list(labels)
    try:
        return tuple(sorted(labels))
    except TypeError:  # labels of mixed types
        return tuple(sorted(labels, key=repr))


def label_array(n_items: int, positions: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return one label per row: ``y`` at ``positions``, None elsewhere."""
    labels = np.full(n_items, None, dtype=object)
    labels[positions] = y
    return labels


def cold_state(
    items: pd.Index,
    labels: dict[int, Any],
    classes: tuple[Any, ...] | None,
    need: int,
    cold_order: np.ndarray,
    version: int,
    message: str | None = None,
    state: type[LearnerState] = LearnerState,
) -> LearnerState:
    """Return the state without a model: unlabeled rows in ``cold_order``, and what is missing.

    Parameters
    ----------
    items : pandas.Index
        The DataFrame's index.
    labels : dict
        The label of each labeled row, by position.
    classes : tuple, optional
        All labels, when the learner was given them.
    need : int
        Distinct labeled classes needed before the first fit.
    cold_order : numpy.ndarray
        The random order of all rows.
    version : int
        The latest model version (0 before the first model).
    message : str, optional
        What is missing, in words (default: the classes still without an example).
    state : type, default LearnerState
        The class of the state (each task's learner has its own).
    """
    labeled = np.zeros(len(items), dtype=bool)
    labeled[list(labels)] = True
    seen = set(labels.values())
    missing = [c for c in classes if c not in seen] if classes else []
    every = classes is not None and need == len(classes)
    positions = np.fromiter(sorted(labels), dtype=np.intp, count=len(labels))
    y = np.empty(len(positions), dtype=object)
    y[:] = [labels[pos] for pos in positions]
    return state(
        status="cold",
        message=message or cold_message(len(labels), missing, need, every),
        version=version,
        n_labels=len(labels),
        classes=classes or sorted_labels(seen),
        items=items,
        labels=frozen(label_array(len(items), positions, y)),
        proba=None,
        scores=None,
        order=frozen(cold_order[~labeled[cold_order]]),
    )


def failed_state(kept: LearnerState, n_labels: int, error: str) -> LearnerState:
    """Return the state after a retrain on ``n_labels`` labels failed with ``error``.

    ``kept`` is what stays shown: the last state with a model, or the cold state when there was
    never one.
    """
    return replace(
        kept,
        status="failed",
        message=failed_message(n_labels, error, kept.version),
        error=error,
    )


def quote(labels: list[Any]) -> str:
    """Return labels as ``'a', 'b'`` for messages."""
    return ", ".join(repr(label) for label in labels)


def cold_message(n_labels: int, missing: list[Any], need: int, every: bool) -> str:
    """Explain why there is no model yet (``need`` distinct labels, or ``every`` label)."""
    if n_labels == 0:
        start = "Cold start: no labels yet."
    else:
        start = f"Cold start: {n_labels} label{'s' if n_labels != 1 else ''} so far"
        start += f", no example yet of {quote(missing)}." if missing else "."
    wait = "every label has an example" if every else f"{need} different labels have examples"
    return f"{start} Items come in random order until {wait}; then a model suggests labels."


def ready_message(
    version: int, n_labels: int, seconds: float, accuracy: float, f1: float,
    note: str | None, missing: list[Any],
) -> str:
    """Describe a freshly trained model."""
    text = f"Model v{version} trained on {n_labels} labels in {seconds:.1f} s"
    if np.isnan(accuracy):
        text += f" (no cross-validated score: {note})."
    else:
        text += f"; cross-validated accuracy {accuracy:.2f}, macro-F1 {f1:.2f}."
    if missing:
        text += f" No example yet of {quote(missing)}: the model cannot suggest it."
    return text


def failed_message(n_labels: int, error: str, version: int) -> str:
    """Describe a failed retrain, and what is shown meanwhile."""
    kept = (
        f"Suggestions still come from model v{version}"
        if version else "Items stay in random order"
    )
    return (
        f"Retraining on {n_labels} labels failed with {error}. {kept}; labeling goes on and "
        "the next retrain tries again."
    )
