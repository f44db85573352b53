"""Replaying span labeling against known spans (see :func:`nblabel.learn.simulate`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..._payload import display_text
from ..replay import Replay, ReplaySetup, known_answers
from ..strategies import order_by_score
from .fit import check_model, fit, predict, span_scores
from .learner import default_model
from .strategies import RandomSpans, SpanStrategy, check_scores, get_span_strategy


def span_setup(df: pd.DataFrame, task: Any, model: Any, oracle: Any) -> ReplaySetup:
    """Return the replay of a span task: known spans, strategies, runs."""
    task.check_frame(df)
    model = default_model(task) if model is None else model
    check_model(model)
    texts = [display_text(text) or "" for text in df[task.text]]
    answers = []
    for (item, value), (_, row) in zip(known_answers(df, oracle).items(), df.iterrows(),
                                       strict=True):
        try:
            spans = task.validate_for(value, row)
        except ValueError as error:
            raise ValueError(f"oracle column {oracle!r} at item {item!r}: {error}") from None
        answers.append(tuple((s["start"], s["end"], s["label"]) for s in spans))

    def replay(
        train: np.ndarray, test: np.ndarray, strategy: SpanStrategy, rng: np.random.Generator
    ) -> Replay:
        strategy.check(model)
        return SpanReplay(model, task, texts, answers, train, test, strategy, rng)

    return ReplaySetup(None, get_span_strategy, ("random", "uncertainty"), replay)


class SpanReplay(Replay):
    """One strategy's span labeling run within one repeat."""

    def __init__(
        self, model: Any, task: Any, texts: list[str], answers: list[Any], train: np.ndarray,
        test: np.ndarray, strategy: SpanStrategy, rng: np.random.Generator,
    ) -> None:
        super().__init__(train, test, rng)
        self.model, self.task, self.texts, self.answers = model, task, texts, answers
        self.strategy = strategy

    def fit(self, labeled: np.ndarray) -> Any:
        """Return the model fitted on the labeled documents (None until one has a span)."""
        answers = [self.answers[i] for i in labeled]
        if not any(answers):
            return None
        return fit(self.model, [self.texts[i] for i in labeled], answers)

    def evaluate(self, model: Any, labeled: np.ndarray) -> tuple[float, float]:
        """Return the share of test documents all right and the micro span F1."""
        truth = [self.answers[i] for i in self.test]
        if model is None:
            return span_scores(truth, [[] for _ in truth])
        return span_scores(truth, predict(model, self.task, [self.texts[i] for i in self.test]))

    def choose(self, model: Any, labeled: np.ndarray, take: int) -> np.ndarray:
        """Return the strategy's first ``take`` pool documents (random without a model)."""
        pool = self.pool(labeled)
        if model is None or isinstance(self.strategy, RandomSpans):
            return self.rng.permutation(pool)[:take]
        texts = [self.texts[i] for i in pool]
        scores = check_scores(
            np.asarray(self.strategy.score(model, texts, predict(model, self.task, texts)),
                       dtype=float),
            len(pool), self.strategy,
        )
        return pool[order_by_score(scores, self.rng)[:take]]
