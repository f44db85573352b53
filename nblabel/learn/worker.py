"""The background half of every learner: labels by row, one worker thread, immutable states.

:class:`BackgroundLearner` keeps each item's current label, requests a retrain every
``retrain_every`` changes, runs retrains one at a time in a worker thread (a request made while
one runs is coalesced into exactly one more), publishes an immutable state after each attempt
and keeps the learning curve. What a retrain does depends on the task: single-label
classification (:class:`~nblabel.learn.ActiveLearner`), multi-label classification
(:class:`~nblabel.learn.MultiLabelLearner`), spans (:class:`~nblabel.learn.SpanLearner`) and
pairwise preferences (:class:`~nblabel.learn.PairLearner`) each implement the four hooks below.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._checks import Integer, check
from .state import HISTORY_COLUMNS, LearnerState, failed_state

logger = logging.getLogger("nblabel")

Listener = Callable[[LearnerState], Any]


def object_array(values: Iterable[Any]) -> np.ndarray:
    """Return a 1-D object array of ``values``, even when they are tuples of equal length."""
    values = list(values)
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


class BackgroundLearner:
    """Labels by row, retrained in one background thread; subclasses say what a retrain does.

    Subclasses call :meth:`_start` at the end of ``__init__`` and implement
    :meth:`_check_label` (a label as stored, hashable, or None), :meth:`_can_fit` (whether the
    labels allow a first fit), :meth:`_cold_state` (the state without a model) and
    :meth:`_train` (fit, score and rank; returns the new state). ``history_columns`` lists the
    state attributes the learning curve records.
    """

    history_columns: tuple[str, ...] = HISTORY_COLUMNS

    def _start(self, df: pd.DataFrame, retrain_every: int, seed: int | None) -> None:
        """Set up the labels, the worker's bookkeeping and the cold state."""
        self.retrain_every = check("retrain_every", retrain_every)
        self.seed = check("seed", seed)
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

    # -- what subclasses implement ---------------------------------------------------------------
    def _check_label(self, label: Any) -> Any:
        """Return ``label`` as stored (hashable), None for "no label", or raise."""
        raise NotImplementedError

    def _can_fit(self, labels: Iterable[Any]) -> bool:
        """Whether these labels allow a fit."""
        raise NotImplementedError

    def _cold_state(self, labels: dict[int, Any], previous: LearnerState | None) -> LearnerState:
        """Return the state without a model (``previous``: the state before, if any)."""
        raise NotImplementedError

    def _train(
        self, positions: np.ndarray, y: np.ndarray, previous: LearnerState, attempt: int
    ) -> LearnerState:
        """Fit on the labels ``y`` of rows ``positions``; return the new state."""
        raise NotImplementedError

    # -- labels --------------------------------------------------------------------------------
    def set_label(self, item: Any, label: Any) -> None:
        """Record ``item``'s current label (None removes it, e.g. after a retract).

        Never waits for a retrain. Every ``retrain_every`` changes (and as soon as the cold
        start can end) a retrain is requested.

        Parameters
        ----------
        item : index value
            The item's id in the DataFrame.
        label : object or None
            Its answer (a label; a list of labels for multi-label; a list of spans; a
            ranking); None or NaN when it has none (any more).
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
            labels = pd.Series(object_array(labels.values()), index=list(labels), dtype=object)
        if not isinstance(labels, pd.Series):
            raise TypeError(
                f"labels must be a pandas Series indexed by item (e.g. proj.labels()) or a "
                f"{{item: label}} dict, got {type(labels).__name__}."
            )
        new: dict[int, Any] = {}
        for item, label in labels.items():
            checked = self._check_label(label)
            if checked is not None:
                new[self._position(item)] = checked
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

        Columns: ``version``, ``n_labels``, ``accuracy`` and ``f1`` (cross-validated on the
        labels of that version; what they measure depends on the task, see the learner's
        class), ``folds``, ``note`` (why the scores are NaN, if they are), ``fit_seconds`` and
        ``trained_at`` (UTC).
        """
        with self._cond:
            rows = list(self._history)
        return pd.DataFrame(rows, columns=list(self.history_columns))

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
                    self._history.append(
                        {name: getattr(state, name) for name in self.history_columns}
                    )
                listeners = list(self._listeners)
            for callback in listeners:
                try:
                    callback(state)
                except Exception:  # a listener's bug must not stop the learner
                    logger.exception("a learner's listener raised; the learner goes on")

    def _attempt(
        self, labels: dict[int, Any], previous: LearnerState, attempt: int
    ) -> LearnerState:
        if not self._can_fit(labels.values()):
            return self._cold_state(labels, previous)
        positions = np.fromiter(sorted(labels), dtype=np.intp, count=len(labels))
        y = object_array(labels[pos] for pos in positions)
        try:
            return self._train(positions, y, previous, attempt)
        except Exception as error:  # the user's model may raise anything
            kept = previous if previous.has_model else self._cold_state(labels, previous)
            return failed_state(kept, len(labels), f"{type(error).__name__}: {error}")

    def _rng(self, attempt: int) -> np.random.Generator:
        """Return the randomness of one retrain (tie-breaks, committees, folds)."""
        return np.random.default_rng(None if self.seed is None else [self.seed, attempt])

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
