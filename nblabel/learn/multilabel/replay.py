"""Replaying multi-label labeling against known label sets (see :func:`nblabel.learn.simulate`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..features import check_estimator, resolve_features, task_features
from ..replay import Replay, ReplaySetup, known_answers
from ..strategies import Random, Strategy, order_by_score, score_pool
from .fit import MultiLabelModel, fit, indicator, scores, wrap
from .strategies import bind, get_multilabel_strategy


def multilabel_setup(
    df: pd.DataFrame, task: Any, estimator: Any, features: Any, oracle: Any
) -> ReplaySetup:
    """Return the replay of a multi-label task: known label sets, strategies, runs."""
    check_estimator(estimator)
    features = task_features(task, features)
    answers = known_answers(df, oracle)
    sets = []
    for item, value in answers.items():
        try:
            sets.append(tuple(task.validate(value)))
        except ValueError as error:
            raise ValueError(f"oracle column {oracle!r} at item {item!r}: {error}") from None
    labels = tuple(task.labels)
    matrix = indicator(sets, labels)
    resolved = resolve_features(df, features)
    template = wrap(estimator, resolved)

    def replay(
        train: np.ndarray, test: np.ndarray, strategy: Strategy, rng: np.random.Generator
    ) -> Replay:
        return MultiLabelReplay(template, resolved, matrix, train, test, strategy, rng)

    return ReplaySetup(None, get_multilabel_strategy, ("random", "cardinality"), replay)


class MultiLabelReplay(Replay):
    """One strategy's multi-label labeling run within one repeat."""

    def __init__(
        self, template: Any, features: Any, matrix: np.ndarray, train: np.ndarray,
        test: np.ndarray, strategy: Strategy, rng: np.random.Generator,
    ) -> None:
        super().__init__(train, test, rng)
        self.template, self.features, self.matrix = template, features, matrix
        self.strategy = strategy

    def fit(self, labeled: np.ndarray) -> MultiLabelModel:
        """Return the model fitted on the labeled rows' label sets."""
        return fit(self.template, self.features, labeled, self.matrix[labeled])

    def evaluate(self, model: MultiLabelModel, labeled: np.ndarray) -> tuple[float, float]:
        """Return subset accuracy and macro-F1 over labels on the test rows."""
        return scores(self.matrix[self.test], model.predict_proba(self.features, self.test))

    def choose(self, model: MultiLabelModel, labeled: np.ndarray, take: int) -> np.ndarray:
        """Return the strategy's first ``take`` pool rows (random without a fitted label)."""
        pool = self.pool(labeled)
        if model.model is None or isinstance(self.strategy, Random):
            return self.rng.permutation(pool)[:take]
        proba = model.predict_proba(self.features, pool)
        strategy = bind(self.strategy, self.matrix[labeled])
        return pool[order_by_score(score_pool(proba, strategy), self.rng)[:take]]
