"""The background learner: a model that retrains in a worker thread while people label."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import Integer, check, check_kwargs, is_int
from .._items import check_frame
from .features import check_estimator, resolve_features
from .fit import class_counts, committee_proba, cross_validate, fit, order_pool, predict_proba
from .state import (
    HISTORY_COLUMNS,
    LearnerState,
    cold_state,
    failed_state,
    frozen,
    label_array,
    ready_message,
    sorted_labels,
)
from .strategies import Committee, Strategy, get_strategy

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
        self.retrain_every = check("retrain_every", retrain_every)
        self.batch_size = check("batch_size", batch_size)
        self.seed = check("seed", seed)
        self.cv = _check_cv(cv)
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
        n = Integer(low=0, none=True)("n", n)
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
            kept = previous if previous.has_model else self._cold_state(labels, previous)
            return failed_state(kept, len(labels), f"{type(error).__name__}: {error}")

    def _train(
        self, positions: np.ndarray, y: np.ndarray, previous: LearnerState, attempt: int
    ) -> LearnerState:
        started = time.perf_counter()
        rng = np.random.default_rng(None if self.seed is None else [self.seed, attempt])
        seen = class_counts(y)
        classes = self.classes or sorted_labels(seen)
        model = fit(self._template, self.features, positions, y)
        proba = predict_proba(model, self.features, None, classes)
        labeled = np.zeros(len(self._items), dtype=bool)
        labeled[positions] = True
        pool = np.flatnonzero(~labeled)
        if isinstance(self.strategy, Committee) and len(pool):
            pool_proba = committee_proba(
                self.strategy, self._template, self.features, positions, y, pool, classes, rng
            )
        else:
            pool_proba = proba[pool]
        order, pool_scores = order_pool(
            self.strategy, pool_proba, pool, self.batch_size, rng, model, self.features,
            positions,
        )
        scores = np.full(len(self._items), np.nan)
        scores[pool] = pool_scores
        scored = cross_validate(
            self._template, self.features, positions, y, classes, self.cv, self.seed
        )
        heldout = np.full((len(self._items), len(classes)), np.nan)
        heldout[positions] = scored.proba
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
            heldout=frozen(heldout),
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

    # -- helpers -------------------------------------------------------------------------------
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


def _check_cv(cv: Any) -> int:
    if is_int(cv) and cv == 0:
        return 0
    return Integer(low=2, what="0 (off) or a number of folds >= 2")("cv", cv)
