"""Query strategies for multi-label classification, over per-label probabilities.

A multi-label model gives, for each item, one probability per label that the label applies
(``proba[i, k]``, independent columns that need not sum to 1). A strategy turns them into one
score per item, higher = ask first. The uncertainty of one label is ``1 - |2 p - 1|``: 1 at
``p = 0.5``, 0 at ``p = 0`` or ``1``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..strategies import FunctionStrategy, Random, Strategy


def label_uncertainty(proba: np.ndarray) -> np.ndarray:
    """Return each label's uncertainty, ``1 - |2 p - 1|`` (same shape as ``proba``)."""
    return 1.0 - np.abs(2.0 * proba - 1.0)


class MeanUncertainty(Strategy):
    """Ask first about items whose labels are, on average, least certain.

    Examples
    --------
    >>> MeanUncertainty().score(np.array([[0.5, 0.9], [0.9, 0.9]])).round(2).tolist()
    [0.6, 0.2]
    """

    name = "mean_uncertainty"

    def score(self, proba: np.ndarray) -> np.ndarray:
        """Return the mean over labels of each label's uncertainty."""
        return label_uncertainty(proba).mean(axis=1)


class MaxUncertainty(Strategy):
    """Ask first about items with the single least certain label.

    Examples
    --------
    >>> MaxUncertainty().score(np.array([[0.5, 0.99], [0.8, 0.9]])).round(2).tolist()
    [1.0, 0.4]
    """

    name = "max_uncertainty"

    def score(self, proba: np.ndarray) -> np.ndarray:
        """Return the largest uncertainty among each item's labels."""
        return label_uncertainty(proba).max(axis=1)


class LabelCardinality(Strategy):
    """Ask first where the expected number of labels strays from the labeled items' average.

    The score is ``|Σ_k p_k - c|``, where ``c`` is the mean number of labels per labeled item
    (label cardinality inconsistency, after Li & Guo, 2013, "Active learning with multi-label
    SVM classification"): an item the model gives far more or far fewer labels than usual is
    one it has not understood.

    Parameters
    ----------
    expected : float, optional
        The cardinality ``c`` to compare with; by default the learner sets it from the labels
        (see :meth:`bound`).

    Examples
    --------
    >>> LabelCardinality(1.0).score(np.array([[0.9, 0.1], [0.9, 0.8]])).round(2).tolist()
    [0.0, 0.7]
    """

    name = "cardinality"

    def __init__(self, expected: float | None = None) -> None:
        self.expected = expected

    def bound(self, indicator: np.ndarray) -> LabelCardinality:
        """Return the strategy with ``expected`` set from the labeled items' label matrix."""
        if self.expected is not None:
            return self
        return LabelCardinality(float(indicator.sum(axis=1).mean()) if len(indicator) else 0.0)

    def score(self, proba: np.ndarray) -> np.ndarray:
        """Return how far each item's expected number of labels is from ``expected``."""
        expected = 0.0 if self.expected is None else self.expected
        return np.abs(proba.sum(axis=1) - expected)

    def __repr__(self) -> str:
        return f"LabelCardinality({self.expected!r})" if self.expected is not None else (
            "LabelCardinality()"
        )


MULTILABEL_STRATEGIES: dict[str, type[Strategy]] = {
    cls.name: cls for cls in (Random, MeanUncertainty, MaxUncertainty, LabelCardinality)
}


def get_multilabel_strategy(strategy: str | Strategy | Callable[[np.ndarray], Any]) -> Strategy:
    """Return the multi-label strategy named or given by ``strategy``.

    Parameters
    ----------
    strategy : str, Strategy or callable
        ``"mean_uncertainty"``, ``"max_uncertainty"``, ``"cardinality"`` or ``"random"``, a
        :class:`~nblabel.learn.Strategy`, or a function ``f(proba) -> scores`` over the
        per-label probabilities ``(n_items, n_labels)`` (higher = ask first).

    Examples
    --------
    >>> get_multilabel_strategy("max_uncertainty")
    MaxUncertainty()
    """
    if isinstance(strategy, Strategy):
        if strategy.committee:
            raise ValueError(
                f"{strategy!r} scores a committee of single-label models; multi-label "
                f"strategies are {list(MULTILABEL_STRATEGIES)} or a function f(proba) -> scores."
            )
        return strategy
    if isinstance(strategy, str):
        if strategy not in MULTILABEL_STRATEGIES:
            raise ValueError(
                f"strategy={strategy!r} is not a multi-label strategy; use one of "
                f"{list(MULTILABEL_STRATEGIES)}, a Strategy object or a function "
                "f(proba) -> scores over per-label probabilities."
            )
        return MULTILABEL_STRATEGIES[strategy]()
    if callable(strategy):
        return FunctionStrategy(strategy)
    raise TypeError(
        f"strategy must be a name (one of {list(MULTILABEL_STRATEGIES)}), a Strategy or a "
        f"function f(proba) -> scores; got {type(strategy).__name__}."
    )


def bind(strategy: Strategy, indicator: np.ndarray) -> Strategy:
    """Return ``strategy`` ready to score, given the labeled items' label matrix."""
    return strategy.bound(indicator) if isinstance(strategy, LabelCardinality) else strategy
