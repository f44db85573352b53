"""Query strategies for spans: which documents a span model most wants labeled next.

A span strategy scores documents from the fitted model and its predictions (higher = ask
first): by the model's own uncertainty (:class:`SpanUncertainty`), by one of
:class:`~nblabel.learn.CRFSpanModel`'s measures, at random, or by a function of the predicted
spans ``f(predictions) -> scores``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .model import MEASURES

Predictions = Sequence[Sequence[dict[str, Any]]]


class SpanStrategy:
    """Base class: :meth:`score` gives one number per document (higher = ask first)."""

    name: str = ""

    def score(self, model: Any, texts: list[str], predictions: Predictions) -> np.ndarray:
        """Return one score per text."""
        raise NotImplementedError

    def check(self, model: Any) -> None:
        """Raise if ``model`` cannot be scored by this strategy."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class RandomSpans(SpanStrategy):
    """Random sampling: every document scores 0, so the order is the random tie-break."""

    name = "random"

    def score(self, model: Any, texts: list[str], predictions: Predictions) -> np.ndarray:
        """Return zeros."""
        return np.zeros(len(texts))


class SpanUncertainty(SpanStrategy):
    """Uncertainty sampling: ask first about the documents the model is least sure of.

    Parameters
    ----------
    measure : {None, "token", "entropy", "sequence"}
        None: the model's ``uncertainty(texts)``. A measure name asks a model that takes
        ``uncertainty(texts, measure=...)`` (as :class:`~nblabel.learn.CRFSpanModel` does) for
        that measure.

    Examples
    --------
    >>> SpanUncertainty("sequence")
    SpanUncertainty('sequence')
    """

    def __init__(self, measure: str | None = None) -> None:
        if measure is not None and measure not in MEASURES:
            raise ValueError(f"measure={measure!r} is not one of {list(MEASURES)}.")
        self.measure = measure
        self.name = measure or "uncertainty"

    def check(self, model: Any) -> None:
        """Raise ``ValueError`` if a measure is asked of a model that takes none."""
        if self.measure is None:
            return
        try:
            takes = "measure" in inspect.signature(model.uncertainty).parameters
        except (TypeError, ValueError):
            takes = False
        if not takes:
            raise ValueError(
                f"strategy {self.measure!r} asks the model for uncertainty(texts, measure=...), "
                f"which {type(model).__name__} does not take; use strategy='uncertainty'."
            )

    def score(self, model: Any, texts: list[str], predictions: Predictions) -> np.ndarray:
        """Return the model's uncertainty of each text."""
        if self.measure is None:
            return np.asarray(model.uncertainty(texts), dtype=float)
        return np.asarray(model.uncertainty(texts, measure=self.measure), dtype=float)

    def __repr__(self) -> str:
        return "SpanUncertainty()" if self.measure is None else f"SpanUncertainty({self.measure!r})"


class FunctionSpanStrategy(SpanStrategy):
    """A user function ``f(predictions) -> scores`` over each document's predicted spans."""

    def __init__(self, function: Callable[[Predictions], Any]) -> None:
        self.function = function
        self.name = getattr(function, "__name__", type(function).__name__)

    def score(self, model: Any, texts: list[str], predictions: Predictions) -> np.ndarray:
        """Return ``function(predictions)`` as floats."""
        return np.asarray(self.function(predictions), dtype=float)

    def __repr__(self) -> str:
        return f"FunctionSpanStrategy({self.name})"


SPAN_STRATEGIES = ("uncertainty", *MEASURES, "random")


def get_span_strategy(strategy: str | SpanStrategy | Callable[..., Any]) -> SpanStrategy:
    """Return the span strategy named or given by ``strategy``.

    Parameters
    ----------
    strategy : str, SpanStrategy or callable
        ``"uncertainty"`` (the model's own measure), ``"token"``, ``"entropy"``,
        ``"sequence"`` (:class:`~nblabel.learn.CRFSpanModel`'s measures), ``"random"``, a
        :class:`SpanStrategy`, or ``f(predictions) -> scores`` where ``predictions[i]`` lists
        document ``i``'s predicted spans with their ``confidence``.

    Examples
    --------
    >>> get_span_strategy("entropy")
    SpanUncertainty('entropy')
    >>> least_sure = lambda predictions: [
    ...     1 - min((s["confidence"] for s in spans), default=1.0) for spans in predictions]
    >>> get_span_strategy(least_sure).name
    '<lambda>'
    """
    if isinstance(strategy, SpanStrategy):
        return strategy
    if isinstance(strategy, str):
        if strategy == "random":
            return RandomSpans()
        if strategy == "uncertainty":
            return SpanUncertainty()
        if strategy in MEASURES:
            return SpanUncertainty(strategy)
        raise ValueError(
            f"strategy={strategy!r} is not a span strategy; use one of {list(SPAN_STRATEGIES)}, "
            "a SpanStrategy or a function f(predictions) -> scores."
        )
    if callable(strategy):
        return FunctionSpanStrategy(strategy)
    raise TypeError(
        f"strategy must be a name (one of {list(SPAN_STRATEGIES)}), a SpanStrategy or a "
        f"function f(predictions) -> scores; got {type(strategy).__name__}."
    )


def check_scores(scores: np.ndarray, n: int, strategy: SpanStrategy) -> np.ndarray:
    """Return ``scores`` if they are ``n`` finite numbers, else raise saying what is wrong."""
    if scores.shape != (n,) or not np.isfinite(scores).all():
        raise ValueError(
            f"strategy {strategy.name!r} must return {n} finite numbers (one per document), "
            f"got an array of shape {scores.shape}."
        )
    return scores
