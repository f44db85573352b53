"""Active learning: a model that retrains in the background while people label.

:class:`ActiveLearner` keeps a scikit-learn estimator up to date with the labels given so far. It
fits clones of the estimator in one background thread, so recording a label never waits for a
fit; it scores every item, ranks the unlabeled ones with a query strategy and keeps a learning
curve. :func:`simulate` replays labeling against a known answer column to compare strategies
before anyone labels. Strategies (:func:`rank_pool` and the classes below) are small objects over
``predict_proba`` output; any function ``f(proba) -> scores`` works as one too.

Examples
--------
>>> from sklearn.linear_model import LogisticRegression
>>> learner = ActiveLearner(LogisticRegression(), df, "text")  # doctest: +SKIP
>>> learner.set_label(0, "pos")  # doctest: +SKIP
>>> learner.state.message  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _learn_fit as _fit
from ._items import check_frame
from ._learn_features import Features, check_estimator, resolve_features, text_vectorizer
from ._learn_simulate import curve_area, simulate
from ._learn_state import (
    HISTORY_COLUMNS,
    LearnerState,
    cold_message,
    failed_message,
    frozen,
    ready_message,
)
from ._learn_strategies import (
    Committee,
    Diverse,
    Entropy,
    LeastConfident,
    Margin,
    Random,
    Strategy,
    get_strategy,
    rank_pool,
)
from ._checks import check_kwargs

__all__ = [
    "ActiveLearner",
    "Committee",
    "Diverse",
    "Entropy",
    "Features",
    "LearnerState",
    "LeastConfident",
    "Margin",
    "Random",
    "Strategy",
    "curve_area",
    "get_strategy",
    "rank_pool",
    "resolve_features",
    "simulate",
    "text_vectorizer",
]

logger = logging.getLogger("nblabel")

Listener = Callable[[LearnerState], Any]


class ActiveLearner:
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
    ) -> None:
        check_estimator(estimator)
        check_frame(df)
        self.estimator = estimator
        self.df = df
        self.features = resolve_features(df, features)
        self.strategy = get_strategy(strategy)
        self.classes = _check_classes(classes)
        self.retrain_every = _positive_int(retrain_every, "retrain_every")
        self.batch_size = _positive_int(batch_size, "batch_size")
        self.seed = _check_seed(seed)
        if isinstance(cv, bool) or not isinstance(cv, int) or cv < 0 or cv == 1:
            raise ValueError(f"cv= must be 0 (off) or a number of folds >= 2, got {cv!r}.")
        self.cv = cv
        self.min_classes = self._check_min_classes(min_classes)
        self._template = self.features.wrap(estimator)
        self._items = df.index
        self._cold_order = np.random.default_rng(self.seed).permutation(len(df))
        self._labels: dict[int, Any] = {}
        self._changes = 0
        self._attempts = 0
        self._cond = threading.Condition()
        self._pending = False
        self._running = False
        self._closed = False
        self._thread: threading.Thread | None = None
        self._listeners: list[Listener] = []
        self._history: list[dict[str, Any]] = []
        self._state = self._cold_state({}, previous=None)

    # -- labels --------------------------------------------------------------------------------
    def set_label(self, item: Any, label: Any) -> None:
        """Record ``item``'s current label (None removes it, e.g. after a retract).

        Never waits for a retrain. Every ``retrain_every`` changes (and as soon as the cold
        start can end) a retrain is requested.

        Parameters
        ----------
        item : index value
            The item's id in the DataFrame.
        label : label or None
            Its label; None or NaN when it has none (any more).
        """
        pos = self._position(item)
        label = self._check_label(label)
        with self._cond:
            if self._labels.get(pos) == label:
                return
            if label is None:
                del self._labels[pos]
            else:
                self._labels[pos] = label
            self._after_changes(1)

    def set_labels(self, labels: pd.Series | Mapping[Any, Any]) -> None:
        """Replace all labels at once (e.g. with ``proj.labels()``).

        Parameters
        ----------
        labels : pandas.Series or mapping
            Labels by item: a Series indexed by item (NaN/None = unlabeled), e.g. aligned to
            ``df.index``, or a ``{item: label}`` dict. Items not in it become unlabeled.
        """
        if isinstance(labels, Mapping):
            labels = pd.Series(dict(labels), dtype=object)
        if not isinstance(labels, pd.Series):
            raise TypeError(
                f"labels must be a pandas Series indexed by item (e.g. proj.labels()) or a "
                f"{{item: label}} dict, got {type(labels).__name__}."
            )
        known = labels[labels.notna()]
        new: dict[int, Any] = {}
        for item, label in known.items():
            new[self._position(item)] = self._check_label(label)
        with self._cond:
            old = self._labels
            changes = sum(1 for pos in old.keys() | new.keys() if old.get(pos) != new.get(pos))
            self._labels = new
            if changes:
                self._after_changes(changes)

    @property
    def n_labels(self) -> int:
        """Number of items labeled now (the model may have been trained on fewer)."""
        with self._cond:
            return len(self._labels)

    # -- retraining ----------------------------------------------------------------------------
    def request(self) -> None:
        """Ask for a retrain now; returns at once.

        If a retrain is running, one more runs after it (several requests meanwhile make one).
        """
        with self._cond:
            if self._closed:
                raise RuntimeError("this learner is closed; make a new one to keep training.")
            self._changes = 0
            self._pending = True
            if not self._running:
                self._running = True
                self._thread = threading.Thread(
                    target=self._work, name="nblabel-learner", daemon=True
                )
                self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no retrain is running or pending; return False if ``timeout`` ran out.

        Parameters
        ----------
        timeout : float, optional
            Seconds to wait at most (default: as long as it takes).
        """
        with self._cond:
            return self._cond.wait_for(lambda: not self._running, timeout)

    @property
    def training(self) -> bool:
        """Whether a retrain is running or pending."""
        with self._cond:
            return self._running

    def close(self, timeout: float | None = None) -> None:
        """Stop retraining: no new requests are taken; waits for a running retrain to end."""
        with self._cond:
            self._closed = True
            self._pending = False
        self.wait(timeout)

    # -- results -------------------------------------------------------------------------------
    @property
    def state(self) -> LearnerState:
        """The latest snapshot (see :class:`LearnerState`); it never changes once taken."""
        with self._cond:
            return self._state

    @property
    def history(self) -> pd.DataFrame:
        """The learning curve: one row per successful retrain, oldest first.

        Columns: ``version``, ``n_labels``, ``accuracy`` and ``f1`` (macro; pooled out-of-fold
        predictions of a stratified cross-validation on the labels of that version), ``folds``,
        ``note`` (why the scores are NaN, if they are), ``fit_seconds`` and ``trained_at`` (UTC).
        """
        with self._cond:
            rows = list(self._history)
        return pd.DataFrame(rows, columns=list(HISTORY_COLUMNS))

    def next_items(self, n: int | None = None) -> pd.Index:
        """Return the unlabeled items in the order to label them (the first ``n``).

        Uses the latest state's order, without the items labeled since.

        Examples
        --------
        >>> learner.next_items(5)  # doctest: +SKIP
        """
        if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 0):
            raise ValueError(f"n must be a non-negative int or None, got {n!r}.")
        with self._cond:
            order = self._state.order
            labeled = np.fromiter(self._labels, dtype=np.intp, count=len(self._labels))
        if len(labeled):
            mask = np.zeros(len(self._items), dtype=bool)
            mask[labeled] = True
            order = order[~mask[order]]
        return self._items.take(order if n is None else order[:n])

    def add_listener(self, callback: Listener) -> Listener:
        """Call ``callback(state)`` after every retrain attempt (success, cold or failure).

        It runs in the worker thread: keep it short and thread-safe (e.g. set a widget trait).
        An exception in a callback is logged and does not stop the learner. Returns
        ``callback``, so it can be used as a decorator.
        """
        if not callable(callback):
            raise TypeError(f"callback must be callable, got {type(callback).__name__}.")
        with self._cond:
            self._listeners.append(callback)
        return callback

    def remove_listener(self, callback: Listener) -> None:
        """Stop calling ``callback``."""
        with self._cond:
            if callback not in self._listeners:
                raise ValueError("that callback is not a listener of this learner.")
            self._listeners.remove(callback)

    def __repr__(self) -> str:
        return (
            f"<nblabel.ActiveLearner {type(self.estimator).__name__} on {self.features.kind} "
            f"features, strategy={self.strategy.name!r}: {self.state.message}>"
        )

    # -- the worker ----------------------------------------------------------------------------
    def _after_changes(self, count: int) -> None:
        """Count label changes (lock held) and request a retrain when due."""
        self._changes += count
        due = self._changes >= self.retrain_every
        warming = self._state.status == "cold" and self._can_fit(self._labels.values())
        if (due or warming) and not self._closed:
            self.request()

    def _work(self) -> None:
        try:
            self._loop()
        except BaseException:
            with self._cond:  # only a bug gets here; never leave waiters hanging
                self._running = False
                self._cond.notify_all()
            raise

    def _loop(self) -> None:
        while True:
            with self._cond:
                if not self._pending:
                    self._running = False  # in the same critical section as the check
                    self._cond.notify_all()
                    return
                self._pending = False
                snapshot = dict(self._labels)
                previous = self._state
                self._attempts += 1
                attempt = self._attempts
            state = self._attempt(snapshot, previous, attempt)
            with self._cond:
                self._state = state
                if state.status == "ready":
                    self._history.append({name: getattr(state, name) for name in HISTORY_COLUMNS})
                listeners = list(self._listeners)
            for callback in listeners:
                try:
                    callback(state)
                except Exception:  # a listener's bug must not stop the learner
                    logger.exception("an ActiveLearner listener raised; the learner goes on")

    def _attempt(
        self, labels: dict[int, Any], previous: LearnerState, attempt: int
    ) -> LearnerState:
        if not self._can_fit(labels.values()):
            return self._cold_state(labels, previous)
        positions = np.fromiter(sorted(labels), dtype=np.intp, count=len(labels))
        y = np.array([labels[pos] for pos in positions], dtype=object)
        try:
            return self._train(positions, y, previous, attempt)
        except Exception as error:  # the user's estimator may raise anything
            return self._failed_state(previous, labels, f"{type(error).__name__}: {error}")

    def _train(
        self, positions: np.ndarray, y: np.ndarray, previous: LearnerState, attempt: int
    ) -> LearnerState:
        started = time.perf_counter()
        rng = np.random.default_rng(None if self.seed is None else [self.seed, attempt])
        seen = _fit.class_counts(y)
        classes = self.classes or _sorted_labels(seen)
        model = _fit.fit(self._template, self.features, positions, y)
        proba = _fit.predict_proba(model, self.features, None, classes)
        labeled = np.zeros(len(self._items), dtype=bool)
        labeled[positions] = True
        pool = np.flatnonzero(~labeled)
        if isinstance(self.strategy, Committee) and len(pool):
            pool_proba = _fit.committee_proba(
                self.strategy, self._template, self.features, positions, y, pool, classes, rng
            )
        else:
            pool_proba = proba[pool]
        order, pool_scores = _fit.order_pool(
            self.strategy, pool_proba, pool, self.batch_size, rng, model, self.features,
            positions,
        )
        scores = np.full(len(self._items), np.nan)
        scores[pool] = pool_scores
        check = _fit.cross_validate(
            self._template, self.features, positions, y, classes, self.cv, self.seed
        )
        heldout = np.full((len(self._items), len(classes)), np.nan)
        heldout[positions] = check.proba
        seconds = time.perf_counter() - started
        version = previous.version + 1
        missing = [c for c in classes if c not in seen]
        return LearnerState(
            status="ready",
            message=ready_message(
                version, len(y), seconds, check.accuracy, check.f1, check.note, missing
            ),
            version=version,
            n_labels=len(y),
            classes=tuple(classes),
            items=self._items,
            labels=frozen(self._label_array(positions, y)),
            proba=frozen(proba),
            scores=frozen(scores),
            order=frozen(order),
            heldout=frozen(heldout),
            accuracy=check.accuracy,
            f1=check.f1,
            folds=check.folds,
            note=check.note,
            fit_seconds=seconds,
            trained_at=pd.Timestamp.now(tz="UTC"),
        )

    def _cold_state(self, labels: dict[int, Any], previous: LearnerState | None) -> LearnerState:
        labeled = np.zeros(len(self._items), dtype=bool)
        labeled[list(labels)] = True
        seen = set(labels.values())
        missing = [c for c in self.classes if c not in seen] if self.classes else []
        every = self.classes is not None and self.min_classes == len(self.classes)
        positions = np.fromiter(sorted(labels), dtype=np.intp, count=len(labels))
        y = np.array([labels[pos] for pos in positions], dtype=object)
        return LearnerState(
            status="cold",
            message=cold_message(len(labels), missing, self.min_classes, every),
            version=0 if previous is None else previous.version,
            n_labels=len(labels),
            classes=self.classes or _sorted_labels(seen),
            items=self._items,
            labels=frozen(self._label_array(positions, y)),
            proba=None,
            scores=None,
            order=frozen(self._cold_order[~labeled[self._cold_order]]),
        )

    def _failed_state(
        self, previous: LearnerState, labels: dict[int, Any], error: str
    ) -> LearnerState:
        if not previous.has_model:
            previous = self._cold_state(labels, previous)
        kept = {
            name: getattr(previous, name)
            for name in ("version", "n_labels", "classes", "labels", "proba", "scores", "order",
                         "heldout", "accuracy", "f1", "folds", "note", "fit_seconds", "trained_at")
        }
        return LearnerState(
            status="failed",
            message=failed_message(len(labels), error, previous.version),
            items=self._items,
            error=error,
            **kept,
        )

    # -- helpers -------------------------------------------------------------------------------
    def _label_array(self, positions: np.ndarray, y: np.ndarray) -> np.ndarray:
        labels = np.full(len(self._items), None, dtype=object)
        labels[positions] = y
        return labels

    def _can_fit(self, labels: Iterable[Any]) -> bool:
        return len(set(labels)) >= self.min_classes

    def _check_min_classes(self, min_classes: int | None) -> int:
        if min_classes is None:
            return len(self.classes) if self.classes else 2
        if isinstance(min_classes, bool) or not isinstance(min_classes, int) or min_classes < 2:
            raise ValueError(
                f"min_classes= must be an int of at least 2 (a classifier needs two classes), "
                f"got {min_classes!r}."
            )
        if self.classes and min_classes > len(self.classes):
            raise ValueError(
                f"min_classes={min_classes} is more than the {len(self.classes)} classes given."
            )
        return min_classes

    def _position(self, item: Any) -> int:
        try:
            pos = self._items.get_loc(item)
        except (KeyError, TypeError):
            pos = None
        if not isinstance(pos, (int, np.integer)):
            raise ValueError(
                f"item {item!r} is not in the learner's DataFrame index (e.g. "
                f"{self._items[:3].tolist()})."
            )
        return int(pos)

    def _check_label(self, label: Any) -> Any:
        if isinstance(label, (list, tuple, set, frozenset, dict, np.ndarray)):
            raise TypeError(
                f"the model loop learns one label per item; got {label!r}. Multi-label, span "
                "and ranking answers are not supported."
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


def _sorted_labels(labels: Iterable[Any]) -> tuple[Any, ...]:
    labels = list(labels)
    try:
        return tuple(sorted(labels))
    except TypeError:  # labels of mixed types
        return tuple(sorted(labels, key=repr))


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name}= must be a positive int, got {value!r}.")
    return value


def _check_seed(seed: Any) -> int | None:
    if seed is None or (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)
                        and seed >= 0):
        return None if seed is None else int(seed)
    raise ValueError(f"seed= must be a non-negative int or None, got {seed!r}.")
