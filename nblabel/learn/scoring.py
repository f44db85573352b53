"""Scoring the unlabeled pool after a retrain, chunk by chunk, in bounded memory.

The model predicts ``CHUNK`` rows at a time (65,536) into the per-row probabilities the learner
keeps; a row-wise strategy (every built-in one) scores each chunk's unlabeled rows as they come,
so the memory used beyond the per-row arrays (probabilities, scores) does not grow with the pool.
A committee's members predict the same chunks. A progress bar (or callback) follows the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._progress import ProgressBar, ProgressCallback
from .features import Features
from .fit import CHUNK, predict_proba
from .strategies import Strategy, check_proba, score_pool


def score_rows(
    model: Any,
    members: Sequence[Any] | None,
    features: Features,
    classes: tuple[Any, ...],
    labeled: np.ndarray,
    strategy: Strategy,
    progress: bool | ProgressCallback = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``model``'s probabilities for every row and the strategy's score of each row.

    Parameters
    ----------
    model : fitted estimator
        The model whose probabilities the learner keeps.
    members : sequence of fitted estimators, optional
        A committee's members, for a committee strategy (their stacked probabilities are
        scored).
    features : Features
        The rows the models read.
    classes : tuple
        The columns of the probabilities.
    labeled : numpy.ndarray
        Boolean, one per row: rows already labeled are predicted but not scored.
    strategy : Strategy
        The query strategy.
    progress : bool or callable
        Report the rows done (see :class:`nblabel._progress.ProgressBar`).

    Returns
    -------
    proba : numpy.ndarray
        ``(n_rows, n_classes)`` probabilities of ``model``.
    scores : numpy.ndarray
        One score per row, NaN on labeled rows.
    """
    n_rows = len(features)
    proba = np.zeros((n_rows, len(classes)))
    scores = np.full(n_rows, np.nan)
    with ProgressBar(progress, n_rows, "scoring the pool", "row") as step:
        for start in range(0, n_rows, CHUNK):
            stop = min(start + CHUNK, n_rows)
            chunk = predict_proba(model, features, np.arange(start, stop), classes)
            proba[start:stop] = chunk
            free = ~labeled[start:stop]
            if strategy.rowwise and free.any():
                rows = start + np.flatnonzero(free)
                scores[rows] = _score(strategy, chunk[free], members, features, rows, classes)
            step(stop - start)
    pool = np.flatnonzero(~labeled)
    if not strategy.rowwise and len(pool):
        scores[pool] = _score(strategy, proba[pool], members, features, pool, classes)
    return proba, scores


def _score(
    strategy: Strategy,
    proba: np.ndarray,
    members: Sequence[Any] | None,
    features: Features,
    rows: np.ndarray,
    classes: tuple[Any, ...],
) -> np.ndarray:
    """Score ``rows`` whose probabilities under the model are ``proba``."""
    if strategy.committee:
        if members is None:
            raise ValueError(f"the strategy {strategy!r} needs a committee of fitted models.")
        proba = np.stack([predict_proba(member, features, rows, classes) for member in members])
    return score_pool(check_proba(proba, committee=strategy.committee), strategy)
