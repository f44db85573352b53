"""One multi-label round: fit any scikit-learn classifier on label sets, score, cross-validate.

Label sets become a 0/1 matrix, one column per label of the task. An estimator that learns
several binary outputs at once (its scikit-learn tags say ``multi_output`` or ``multi_label``:
random forests, k-nearest neighbours, MLPs, ``OneVsRestClassifier``, ``ClassifierChain``…) is
fitted on the matrix as it is; any other classifier is wrapped in ``OneVsRestClassifier`` (one
binary model per label). Labels that every labeled item has, or none has, are not fitted: their
probability is the smoothed share of labeled items that have them, ``(k + 1/2) / (n + 1)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import KFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils import get_tags

from ..features import Features

#: Probability from which a label is suggested.
THRESHOLD = 0.5


def is_native(estimator: Any) -> bool:
    """Whether ``estimator`` learns a 0/1 label matrix itself (no one-vs-rest wrapper needed)."""
    tags = get_tags(estimator)
    multi_label = tags.classifier_tags is not None and tags.classifier_tags.multi_label
    return bool(tags.target_tags.multi_output or multi_label)


def wrap(estimator: Any, features: Features) -> Any:
    """Return the template to fit: ``estimator`` (one-vs-rest if needed) read from ``features``."""
    base = clone(estimator) if is_native(estimator) else OneVsRestClassifier(clone(estimator))
    return features.wrap(base)


def indicator(y: Sequence[tuple[str, ...]], labels: Sequence[str]) -> np.ndarray:
    """Return the 0/1 matrix of label sets ``y``, one column per label."""
    column = {label: k for k, label in enumerate(labels)}
    matrix = np.zeros((len(y), len(labels)), dtype=np.int64)
    for row, chosen in enumerate(y):
        matrix[row, [column[label] for label in chosen]] = 1
    return matrix


def label_sets(proba: np.ndarray, labels: Sequence[str]) -> list[list[str]]:
    """Return the labels each row's probabilities suggest (sorted, as answers are)."""
    names = np.asarray(labels, dtype=object)
    return [sorted(names[row >= THRESHOLD]) for row in proba]


def set_confidence(proba: np.ndarray) -> np.ndarray:
    """Return the chance that each row's suggested set is exactly right (labels independent)."""
    return np.prod(np.maximum(proba, 1.0 - proba), axis=1)


@dataclass(frozen=True)
class MultiLabelModel:
    """A fitted multi-label model: the estimator on the varying labels, shares for the others."""

    model: Any
    varying: np.ndarray
    shares: np.ndarray

    def predict_proba(self, features: Features, positions: np.ndarray | None) -> np.ndarray:
        """Return one probability per label for the rows at ``positions`` (all if None)."""
        rows = np.arange(len(features)) if positions is None else positions
        out = np.tile(self.shares, (len(rows), 1))
        if self.model is not None and len(rows):
            raw = self.model.predict_proba(features.rows(rows))
            out[:, self.varying] = _positive(raw, int(self.varying.sum()))
        return out


def fit(
    template: Any, features: Features, positions: np.ndarray, matrix: np.ndarray
) -> MultiLabelModel:
    """Fit a clone of ``template`` on the labels that vary among the rows at ``positions``."""
    n = len(matrix)
    counts = matrix.sum(axis=0)
    varying = (counts > 0) & (counts < n)
    shares = (counts + 0.5) / (n + 1.0)
    if not varying.any():
        return MultiLabelModel(None, varying, shares)
    target = matrix[:, varying]
    model = clone(template)
    model.fit(features.rows(positions), target[:, 0] if target.shape[1] == 1 else target)
    return MultiLabelModel(model, varying, shares)


def _positive(raw: Any, n_outputs: int) -> np.ndarray:
    """Return the probability of "applies" per output from any ``predict_proba`` layout."""
    if isinstance(raw, list):  # one (n, 2) array per output: forests, neighbours, MultiOutput
        return np.column_stack([np.asarray(part)[:, -1] for part in raw])
    raw = np.asarray(raw, dtype=float)
    if n_outputs == 1:  # fitted on one binary column: (n, 2), classes [0, 1]
        return raw[:, -1:]
    return raw


@dataclass(frozen=True)
class MultiLabelScores:
    """Out-of-fold probabilities of the labeled items, and the scores they give.

    ``accuracy`` is subset accuracy (the whole set right), ``f1`` the macro-F1 over the labels
    that some labeled item has; NaN with ``note`` when cross-validation was impossible.
    """

    proba: np.ndarray
    accuracy: float
    f1: float
    folds: int
    note: str | None


def cross_validate(
    template: Any,
    features: Features,
    positions: np.ndarray,
    matrix: np.ndarray,
    cv: int,
    seed: int | None,
) -> MultiLabelScores:
    """Cross-validate on the labeled items with shuffled folds (at most one per two items)."""
    proba = np.full(matrix.shape, np.nan)
    if cv < 2:
        return MultiLabelScores(proba, np.nan, np.nan, 0, "cross-validation is off (cv=0)")
    folds = min(cv, len(matrix) // 2)
    if folds < 2:
        return MultiLabelScores(
            proba, np.nan, np.nan, 0, "cross-validation needs at least four labeled items"
        )
    splitter = KFold(n_splits=folds, shuffle=True, random_state=seed)
    try:
        for train, test in splitter.split(matrix):
            fitted = fit(template, features, positions[train], matrix[train])
            proba[test] = fitted.predict_proba(features, positions[test])
    except Exception as error:  # the user's estimator may raise anything
        proba[:] = np.nan
        return MultiLabelScores(
            proba, np.nan, np.nan, 0, f"cross-validation failed: {type(error).__name__}: {error}"
        )
    accuracy, f1 = scores(matrix, proba)
    return MultiLabelScores(proba, accuracy, f1, folds, None)


def scores(truth: np.ndarray, proba: np.ndarray) -> tuple[float, float]:
    """Return subset accuracy and macro-F1 (labels some true set has) of thresholded ``proba``."""
    predicted = proba >= THRESHOLD
    truth = truth.astype(bool)
    accuracy = float((predicted == truth).all(axis=1).mean())
    used = truth.any(axis=0)
    if not used.any():
        return accuracy, float("nan")
    hits = (predicted & truth).sum(axis=0)[used]
    wrong = (predicted ^ truth).sum(axis=0)[used]
    return accuracy, float(np.mean(2 * hits / (2 * hits + wrong)))
