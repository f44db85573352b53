"""Single-label classification in the loop: a classifier retrained in the background."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import Integer, check, check_kwargs, is_int
from .._items import check_frame
from .._progress import ProgressCallback, check_progress
from .features import check_estimator, resolve_features
from .fit import class_counts, cross_validate, fit, fit_committee, rank_scored
from .scoring import score_rows
from .state import (
    LearnerState,
    cold_state,
    frozen,
    label_array,
    ready_message,
    sorted_labels,
)
from .strategies import Committee, Strategy, get_strategy
from .worker import BackgroundLearner


class ActiveLearner(BackgroundLearner):
    """A model that retrains in a background thread as labels arrive, and ranks what to ask next.

    The estimator is never fitted or changed: every retrain fits a clone (wrapped for the
    features, see :func:`resolve_features`) in one background worker thread. Recording a label
    (:meth:`set_label`) only stores it and, every ``retrain_every`` changes, requests a retrain.
    A retrain requested while one runs is coalesced: exactly one more runs afterwards, with the
    newest labels. After each retrain the learner holds an immutable :class:`LearnerState`:
    probabilities for every item, the suggestion and its confidence, the pool order from the
    strategy, cross-validated scores, and a learning curve (:attr:`history`).

    **Cold start.** Until the labels cover ``min_classes`` different classes (default: every
    class of ``classes`` when given, else two), there is no model: the state is ``"cold"``, the
    pool comes in a random order (fixed by ``seed``) and the message says what is missing. The
    first label that lifts that condition requests a retrain at once.

    **Failures.** If ``fit`` (or scoring) raises, the state is ``"failed"`` with the exception's
    type and message; the previous model's predictions and order are kept and the next request
    retries. Cross-validation failing alone only leaves the scores NaN (see ``note``).

    Parameters
    ----------
    estimator : scikit-learn classifier or pipeline
        Anything with ``fit`` and ``predict_proba``, e.g. ``LogisticRegression(max_iter=1000)``.
    df : pandas.DataFrame
        The items; features are read once, when the learner is made.
    features : str, list of str, array-like or sparse matrix
        What the model reads, see :func:`resolve_features` (a text column gets a TF-IDF
        vectoriser in front of the estimator).
    classes : sequence, optional
        All labels (e.g. the task's labels): the columns of ``proba``, in this order. Labels
        outside them are rejected. Default: the labels seen so far, sorted.
    strategy : str, Strategy or callable, default "margin"
        How the pool is ranked, see :func:`get_strategy`. Margin sampling is the default: on
        scikit-learn's digits it beats random sampling clearly where entropy sampling does not
        (see ``tests/test_learn_simulate.py``); with two classes the uncertainty strategies
        rank alike.
    retrain_every : int, default 10
        Request a retrain after this many label changes (new labels, changed or removed ones).
    batch_size : int, default 1
        Items a batch strategy (:class:`Diverse`) chooses together at the front of the order.
    seed : int, optional
        Seed of the cold-start order, tie-breaks, bootstrap committees and CV folds.
    cv : int, default 5
        Folds of the stratified cross-validation after each retrain (fewer when the smallest
        class has fewer labels; 0 turns it off). It fits the estimator ``cv`` more times.
    min_classes : int, optional
        Distinct labeled classes needed before the first fit (at least 2).
    progress : bool or callable, default False
        Follow the scoring of the pool after each retrain, which goes 65,536 rows at a time
        (in memory that does not grow with the pool beyond the per-row probabilities and
        scores): True shows a tqdm bar (else a line on stderr); a function ``f(done, total)``
        is called, in the learner's thread, after each chunk.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> import nblabel as nl
    >>> df = nl.datasets.load_support_tickets()
    >>> learner = ActiveLearner(LogisticRegression(max_iter=1000), df, "text",
    ...                         classes=nl.datasets.SUPPORT_TICKET_INTENTS, seed=0)
    >>> for item in df.index[:40]:
    ...     learner.set_label(item, df.at[item, "intent"])
    >>> learner.wait(60)
    True
    >>> learner.state.status, learner.state.n_labels
    ('ready', 40)
    """

    @check_kwargs
    def __init__(
        self,
        estimator: Any,
        df: pd.DataFrame,
        features: Any,
        *,
        classes: Sequence[Any] | None = None,
        strategy: str | Strategy | Callable[[np.ndarray], Any] = "margin",
        retrain_every: int = 10,
        batch_size: int = 1,
        seed: int | None = None,
        cv: int = 5,
        min_classes: int | None = None,
        progress: bool | ProgressCallback = False,
    ) -> None:
        check_estimator(estimator)
        check_frame(df)
        self.estimator = estimator
        self.df = df
        self.features = resolve_features(df, features)
        self.strategy = get_strategy(strategy)
        self.classes = _check_classes(classes)
        self.batch_size = check("batch_size", batch_size)
        self.cv = check_cv(cv)
        self.min_classes = self._check_min_classes(min_classes)
        self.progress = check_progress(progress)
        self._template = self.features.wrap(estimator)
        self._start(df, retrain_every, seed)

    def __repr__(self) -> str:
        return (
            f"<nblabel.ActiveLearner {type(self.estimator).__name__} on {self.features.kind} "
            f"features, strategy={self.strategy.name!r}: {self.state.message}>"
        )

    def _train(
        self, positions: np.ndarray, y: np.ndarray, previous: LearnerState, attempt: int
    ) -> LearnerState:
        started = time.perf_counter()
        rng = self._rng(attempt)
        seen = class_counts(y)
        classes = self.classes or sorted_labels(seen)
        model = fit(self._template, self.features, positions, y)
        labeled = np.zeros(len(self._items), dtype=bool)
        labeled[positions] = True
        members = None
        if isinstance(self.strategy, Committee) and not labeled.all():
            members = fit_committee(
                self.strategy, self._template, self.features, positions, y, rng
            )
        proba, scores = score_rows(
            model, members, self.features, classes, labeled, self.strategy, self.progress
        )
        pool = np.flatnonzero(~labeled)
        order = rank_scored(
            self.strategy, scores[pool], pool, self.batch_size, rng, model, self.features,
            positions,
        )
        scored = cross_validate(
            self._template, self.features, positions, y, classes, self.cv, self.seed
        )
        seconds = time.perf_counter() - started
        version = previous.version + 1
        missing = [c for c in classes if c not in seen]
        return LearnerState(
            status="ready",
            message=ready_message(
                version, len(y), seconds, scored.accuracy, scored.f1, scored.note, missing
            ),
            version=version,
            n_labels=len(y),
            classes=tuple(classes),
            items=self._items,
            labels=frozen(label_array(len(self._items), positions, y)),
            proba=frozen(proba),
            scores=frozen(scores),
            order=frozen(order),
            heldout_rows=frozen(np.array(positions, dtype=np.intp)),
            heldout_proba=frozen(np.asarray(scored.proba, dtype=float)),
            accuracy=scored.accuracy,
            f1=scored.f1,
            folds=scored.folds,
            note=scored.note,
            fit_seconds=seconds,
            trained_at=pd.Timestamp.now(tz="UTC"),
        )

    def _cold_state(self, labels: dict[int, Any], previous: LearnerState | None) -> LearnerState:
        version = 0 if previous is None else previous.version
        return cold_state(
            self._items, labels, self.classes, self.min_classes, self._cold_order, version
        )

    def _can_fit(self, labels: Iterable[Any]) -> bool:
        return len(set(labels)) >= self.min_classes

    def _check_min_classes(self, min_classes: int | None) -> int:
        if min_classes is None:
            return len(self.classes) if self.classes else 2
        min_classes = Integer(
            low=2, what="an int of at least 2 (a classifier needs two classes)"
        )("min_classes", min_classes)
        if self.classes and min_classes > len(self.classes):
            raise ValueError(
                f"min_classes={min_classes} is more than the {len(self.classes)} classes given."
            )
        return min_classes

    def _check_label(self, label: Any) -> Any:
        if isinstance(label, (list, tuple, set, frozenset, dict, np.ndarray)):
            raise TypeError(
                f"ActiveLearner learns one label per item; got {label!r}. For multi-label "
                "answers use MultiLabelLearner, for spans SpanLearner, for rankings PairLearner "
                "(proj.learn picks the one for the task)."
            )
        if label is None or pd.isna(label):
            return None
        if self.classes is not None and label not in self.classes:
            raise ValueError(f"{label!r} is not one of the classes {list(self.classes)}.")
        return label


def _check_classes(classes: Sequence[Any] | None) -> tuple[Any, ...] | None:
    if classes is None:
        return None
    if isinstance(classes, str) or not isinstance(classes, Iterable):
        raise TypeError(f"classes= must be a list of labels, got {classes!r}.")
    classes = tuple(classes)
    if len(classes) < 2 or len(set(classes)) != len(classes):
        raise ValueError(f"classes= needs two or more distinct labels, got {list(classes)}.")
    return classes


def check_cv(cv: Any) -> int:
    """Return ``cv`` checked: 0 (no cross-validation) or a number of folds of at least 2."""
    if is_int(cv) and cv == 0:
        return 0
    return Integer(low=2, what="0 (off) or a number of folds >= 2")("cv", cv)
