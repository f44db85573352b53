"""One round of the model loop, synchronously: fit, score the pool, cross-validate, rank.

Both the background learner (:mod:`nblabel.learn.learner`) and the simulation run these
functions; they never modify their inputs and always fit clones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

from .features import Features, embed
from .strategies import (
    Committee,
    Diverse,
    Strategy,
    check_proba,
    order_scores,
    score_pool,
)

#: Rows scored per ``predict_proba`` call, so scoring a large pool holds bounded memory.
CHUNK = 65_536


def class_counts(y: np.ndarray) -> dict[Any, int]:
    """Return how many labels each class has, in first-seen order."""
    values, first, counts = np.unique(y, return_index=True, return_counts=True)
    return {values[i]: int(counts[i]) for i in np.argsort(first)}


def fit(template: Any, features: Features, positions: np.ndarray, y: np.ndarray) -> Any:
    """Return a fitted clone of ``template`` (already wrapped for ``features``)."""
    model = clone(template)
    model.fit(features.rows(positions), y)
    return model


def predict_proba(
    model: Any, features: Features, positions: np.ndarray | None, classes: tuple[Any, ...]
) -> np.ndarray:
    """Return ``model``'s probabilities for ``positions`` (all rows if None), one column per class.

    Columns follow ``classes``; a class the model never saw gets probability 0.
    """
    n_rows = len(features) if positions is None else len(positions)
    out = np.zeros((n_rows, len(classes)))
    columns = _columns(model, classes)
    for start in range(0, n_rows, CHUNK):
        stop = min(start + CHUNK, n_rows)
        rows = (
            np.arange(start, stop) if positions is None else positions[start:stop]
        )
        out[start:stop, columns] = model.predict_proba(features.rows(rows))
    return out


def _columns(model: Any, classes: tuple[Any, ...]) -> np.ndarray:
    lookup = {c: i for i, c in enumerate(classes)}
    try:
        return np.array([lookup[c] for c in model.classes_], dtype=np.intp)
    except KeyError as error:
        raise ValueError(
            f"the model predicts class {error.args[0]!r}, which is not one of {list(classes)}."
        ) from None


def committee_proba(
    strategy: Committee,
    template: Any,
    features: Features,
    labeled: np.ndarray,
    y: np.ndarray,
    pool: np.ndarray,
    classes: tuple[Any, ...],
    rng: np.random.Generator,
) -> np.ndarray:
    """Fit the committee on the labeled items; return its stacked pool probabilities."""
    members = fit_committee(strategy, template, features, labeled, y, rng)
    return np.stack([predict_proba(member, features, pool, classes) for member in members])


def fit_committee(
    strategy: Committee,
    template: Any,
    features: Features,
    labeled: np.ndarray,
    y: np.ndarray,
    rng: np.random.Generator,
) -> list[Any]:
    """Return the committee's members fitted on the labeled items.

    Bootstrap members resample each class with replacement to its own size (so every member
    sees every class); given estimators are wrapped like ``template`` and fitted on all labels.
    """
    if strategy.estimators is not None:
        members = [(features.wrap(e), labeled, y) for e in strategy.estimators]
    else:
        by_class = [np.flatnonzero(y == c) for c in class_counts(y)]
        members = []
        for _ in range(strategy.members):
            sample = np.concatenate([rng.choice(rows, size=len(rows)) for rows in by_class])
            members.append((template, labeled[sample], y[sample]))
    return [fit(t, features, p, labels) for t, p, labels in members]


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-fold predictions on the labeled items and the scores they give.

    ``proba`` has one row per labeled item (NaN rows when cross-validation was impossible);
    ``accuracy`` and ``f1`` (macro) are computed on the pooled out-of-fold predictions; ``note``
    says why they are NaN, when they are.
    """

    proba: np.ndarray
    accuracy: float
    f1: float
    folds: int
    note: str | None


def cross_validate(
    template: Any,
    features: Features,
    labeled: np.ndarray,
    y: np.ndarray,
    classes: tuple[Any, ...],
    cv: int,
    seed: int | None,
) -> CrossValidation:
    """Cross-validate ``template`` on the labeled items with stratified folds.

    The number of folds is ``cv``, lowered to the size of the smallest class (each fold's
    training part must see every class); below two folds the scores are NaN with a reason.
    """
    proba = np.full((len(labeled), len(classes)), np.nan)
    if cv < 2:
        return CrossValidation(proba, np.nan, np.nan, 0, "cross-validation is off (cv=0)")
    counts = class_counts(y)
    folds = min(cv, min(counts.values()))
    if len(counts) < 2 or folds < 2:
        rare = min(counts, key=counts.get)
        note = (
            "cross-validation needs two labels of every class; "
            f"{rare!r} has {counts[rare]}" if len(counts) >= 2 else
            "cross-validation needs two classes"
        )
        return CrossValidation(proba, np.nan, np.nan, 0, note)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    try:
        for train, test in splitter.split(np.zeros(len(y)), y):
            model = fit(template, features, labeled[train], y[train])
            proba[test] = predict_proba(model, features, labeled[test], classes)
    except Exception as error:  # the user's estimator may raise anything
        proba[:] = np.nan
        return CrossValidation(
            proba, np.nan, np.nan, 0,
            f"cross-validation failed: {type(error).__name__}: {error}",
        )
    predicted = np.asarray(classes, dtype=object)[proba.argmax(axis=1)]
    accuracy = float(accuracy_score(y, predicted))
    f1 = float(f1_score(y, predicted, average="macro", labels=list(counts)))
    return CrossValidation(proba, accuracy, f1, folds, None)


def order_pool(
    strategy: Strategy,
    proba: np.ndarray,
    pool: np.ndarray,
    batch_size: int,
    rng: np.random.Generator,
    model: Any,
    features: Features,
    labeled: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Score and rank the pool with ``strategy``.

    ``proba`` is the pool's ``predict_proba`` output (stacked over members for a committee).
    Returns the pool's positions best first, and the score of each pool row (in ``pool`` order).
    """
    if len(pool) == 0:
        return pool, np.zeros(0)
    scores = score_pool(check_proba(proba, committee=strategy.committee), strategy)
    return rank_scored(strategy, scores, pool, batch_size, rng, model, features, labeled), scores


def rank_scored(
    strategy: Strategy,
    scores: np.ndarray,
    pool: np.ndarray,
    batch_size: int,
    rng: np.random.Generator,
    model: Any,
    features: Features,
    labeled: np.ndarray,
) -> np.ndarray:
    """Return the pool's positions best first, given the strategy's score of each pool row."""
    if len(pool) == 0:
        return pool
    embedding = labeled_rows = None
    if isinstance(strategy, Diverse) and batch_size > 1:
        def embedding(rows: np.ndarray) -> Any:
            return embed(model, features.rows(pool[rows]))

        labeled_rows = embed(model, features.rows(labeled)) if len(labeled) else None
    order = order_scores(
        scores, strategy, batch_size=batch_size, rng=rng, embedding=embedding,
        labeled=labeled_rows,
    )
    return pool[order]
