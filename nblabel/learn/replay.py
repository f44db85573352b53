"""One strategy's labeling run against known answers: the loop every task's replay shares.

:func:`nblabel.learn.simulate` makes one :class:`Replay` per strategy and repeat. A replay fits
a model on the items "labeled" so far, scores it on the held-out test set, and "labels" the next
items its strategy picks, until the budget is spent. Each task kind implements the three steps
(:meth:`Replay.fit`, :meth:`Replay.evaluate`, :meth:`Replay.choose`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np


class Replay:
    """A labeling run: fit, evaluate and choose, repeated until the budget is spent.

    Parameters
    ----------
    train, test : numpy.ndarray
        Row positions of the pool and of the held-out test set.
    rng : numpy.random.Generator
        The run's randomness (random picks, tie-breaks).
    """

    def __init__(self, train: np.ndarray, test: np.ndarray, rng: np.random.Generator) -> None:
        self.train, self.test, self.rng = train, test, rng

    def fit(self, labeled: np.ndarray) -> Any:
        """Return a model fitted on the rows ``labeled`` (None when they cannot be fitted)."""
        raise NotImplementedError

    def evaluate(self, model: Any, labeled: np.ndarray) -> tuple[float, float]:
        """Return the model's ``(accuracy, f1)`` on the test rows."""
        raise NotImplementedError

    def choose(self, model: Any, labeled: np.ndarray, take: int) -> np.ndarray:
        """Return the next ``take`` pool rows to label."""
        raise NotImplementedError

    def pool(self, labeled: np.ndarray) -> np.ndarray:
        """Return the pool rows not labeled yet."""
        return np.setdiff1d(self.train, labeled)

    def curve(
        self, start: np.ndarray, budget: int, batch_size: int, step: Callable[[], None]
    ) -> Iterator[tuple[int, float, float, float]]:
        """Yield ``(n_labels, accuracy, f1, seconds)`` after each retrain, until ``budget``."""
        labeled = np.asarray(start, dtype=np.intp)
        while True:
            began = time.perf_counter()
            model = self.fit(labeled)
            accuracy, f1 = self.evaluate(model, labeled)
            n_labels = len(labeled)
            done = n_labels >= budget
            if not done:
                take = min(batch_size, budget - n_labels)
                labeled = np.concatenate([labeled, self.choose(model, labeled, take)])
            yield n_labels, accuracy, f1, time.perf_counter() - began
            step()
            if done:
                return


@dataclass(frozen=True)
class ReplaySetup:
    """What :func:`nblabel.learn.simulate` needs of a task kind to replay its labeling.

    Attributes
    ----------
    stratify : numpy.ndarray or None
        Labels to stratify the test split by (None: a plain random split).
    strategy : callable
        ``strategy(spec) -> Strategy``: the kind's strategies by name, object or function.
    defaults : tuple of str
        The strategies compared when none are given.
    replay : callable
        ``replay(train, test, strategy, rng) -> Replay`` for one run.
    """

    stratify: np.ndarray | None
    strategy: Callable[[Any], Any]
    defaults: tuple[str, ...]
    replay: Callable[[np.ndarray, np.ndarray, Any, np.random.Generator], Replay]


def known_answers(df: Any, oracle: Any) -> Any:
    """Return the column ``oracle`` of ``df`` (the known answers), checked to be complete."""
    if not isinstance(oracle, str) or oracle not in df.columns:
        raise ValueError(
            f"oracle= must name the column of known answers; {oracle!r} is not one of "
            f"{[str(c) for c in df.columns]}."
        )
    answers = df[oracle]
    missing = answers.map(lambda v: v is None or (isinstance(v, float) and v != v))
    if missing.any():
        raise ValueError(
            f"oracle column {oracle!r} has {int(missing.sum())} missing answers; every "
            "row needs its known answer (drop the others first)."
        )
    return answers
