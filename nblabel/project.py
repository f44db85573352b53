"""Project: one DataFrame, one task, one store and the queue that connects them.

Every widget is a view of a project. The project writes each answer to the store in its own
transaction, then pulls new events (its own and other kernels') into an in-memory mirror in id
order, so the mirror is always the store's log and reads never re-scan the store.
"""

from __future__ import annotations

import getpass
import logging
import os
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._agreement_data import LABELS_ATTR
from ._items import check_frame, encode_item
from ._log import EventLog
from ._session import DEFAULT_WINDOW, AnnotatorSession, FocusSession
from ._checks import check_kwargs
from .gold import Gold, GoldSet, gold_accuracy
from .pilot import PilotReport, history_table, pilot_report
from .queue import Queue
from .store import EVENT_COLUMNS, SOURCES, Store, StoreError, now_us
from .tasks import Classify, Task

if TYPE_CHECKING:
    from ._model_loop import ModelLoop
    from .dashboard import Dashboard
    from .learn import ActiveLearner
    from .widgets import LabelerWidget

log = logging.getLogger("nblabel")

DEFAULT_NAME = "default"
_LABELS_HOW = ("latest", "majority", "dawid_skene")
_META_AT = EVENT_COLUMNS.index("meta")
_SOURCE_AT = EVENT_COLUMNS.index("source")
CurrentAnswer = tuple[int, str, Any, Any, Any, str]


def default_annotator() -> str:
    """Return the annotator name to use when none is given: ``JUPYTERHUB_USER``, else the login."""
    name = os.environ.get("JUPYTERHUB_USER")
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "anonymous"


class Project:
    """A DataFrame bound to a task and an annotation store.

    Parameters
    ----------
    df : pandas.DataFrame
        The items, one per row. Its index identifies them (unique; ints, strings or timestamps).
        The project keeps a reference, not a copy.
    task : Task
        What is asked, e.g. ``nl.Classify(["pos", "neg"], text="review")``.
    store : str, pathlib.Path or Store, optional
        Where answers are kept: a SQLite file (default ``"nblabel.db"`` in the working
        directory), ``":memory:"``, a SQLAlchemy URL (``"postgresql+psycopg://…"``) or a
        :class:`~nblabel.store.Store`.
    name : str, optional
        The project's name in the store (default ``"default"``). Opening the same name again
        resumes it.
    order : {"index", "shuffle"}, default "index"
        The order items are offered in; ``"shuffle"`` is reproducible with ``seed``.
    seed : int, optional
        Seed of the shuffle.
    into : str, optional
        Name of a column of ``df`` to keep filled with each item's latest label (created or
        overwritten; must not be a column the task shows).
    overlap : int, optional
        Each item is answered by this many distinct annotators, then leaves everyone's queue.
        Safe across kernels and machines sharing the store: an item on someone's screen is
        reserved for them for ``lease_seconds``, and an answer that would exceed ``overlap``
        is refused. Default: every annotator may answer every item.
    lease_seconds : float, default 600
        How long an item shown to an annotator stays reserved for them (renewed while their
        widget is open); after that an unanswered item can go to someone else.
    gold : str or Gold, optional
        Items with known answers, mixed into every annotator's stream: a column of ``df``
        (missing where unknown) or a :class:`nblabel.Gold` with the rate, teaching mode and
        qualification round. See :meth:`gold_accuracy` and :meth:`qualified`.

    Examples
    --------
    >>> import pandas as pd, nblabel as nl
    >>> df = pd.DataFrame({"review": ["great", "awful"]})
    >>> proj = nl.Project(df, nl.Classify(["pos", "neg"], text="review"), store=":memory:")
    >>> proj.add(0, "pos", annotator="ana")
    1
    >>> proj.labels().tolist()
    ['pos', nan]
    """

    @check_kwargs
    def __init__(
        self,
        df: pd.DataFrame,
        task: Task,
        store: str | os.PathLike[str] | Store | None = None,
        name: str | None = None,
        *,
        order: str = "index",
        seed: int | None = None,
        into: str | None = None,
        overlap: int | None = None,
        lease_seconds: float = 600,
        gold: str | Gold | None = None,
    ) -> None:
        check_frame(df)
        if not isinstance(task, Task):
            raise TypeError(
                f"task must be a task such as nl.Classify([...], text='column'), got {task!r}."
            )
        missing = [col for col in task.columns() if col not in df.columns]
        if missing:
            raise ValueError(
                f"the task shows columns {missing} that df does not have; "
                f"its columns are {[str(c) for c in df.columns]}."
            )
        name = DEFAULT_NAME if name is None else name
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"name must be a non-empty string, got {name!r}.")
        if into is not None:
            if not isinstance(into, str) or not into:
                raise TypeError(f"into must be a column name (str), got {into!r}.")
            if into in task.columns():
                raise ValueError(
                    f"into={into!r} is a column the task shows; choose another column name "
                    "for the labels, e.g. into='label'."
                )
        if overlap is not None and (
            isinstance(overlap, bool) or not isinstance(overlap, int) or overlap < 1
        ):
            raise ValueError(
                f"overlap must be a positive number of annotators per item, got {overlap!r}."
            )
        if (
            isinstance(lease_seconds, bool)
            or not isinstance(lease_seconds, (int, float))
            or lease_seconds <= 0
        ):
            raise ValueError(f"lease_seconds must be a positive number, got {lease_seconds!r}.")
        self.overlap = overlap
        self._lease_us = int(lease_seconds * 1_000_000)
        if gold is not None and not isinstance(gold, (str, Gold)):
            raise TypeError(f"gold must be a column name or nl.Gold(...), got {gold!r}.")
        if isinstance(gold, str):
            gold = Gold(gold)
        self.gold = None if gold is None else GoldSet(gold, df, task)
        self.df = df
        self.task = task
        self.name = name
        self.queue = Queue(len(df), order=order, seed=seed)
        self.into = into
        self.store = store if isinstance(store, Store) else Store(store)
        self._project_id = self.store.open_project(name, task)
        self._log = EventLog(df.index)
        # Current answer per item and annotator: (event_id, event, value, flag, comment, source).
        self._by_item: dict[int, dict[str, CurrentAnswer]] = {}
        self._sessions: dict[str, AnnotatorSession] = {}
        self._reviews: dict[str, AnnotatorSession] = {}
        self._focused: list[AnnotatorSession] = []
        self._listeners: list[Callable[[], Any]] = []
        self._loop: ModelLoop | None = None
        self._lock = threading.RLock()
        if into is not None:
            df[into] = pd.Series(np.full(len(df), None, dtype=object), index=df.index)
        self._pull()

    # -- reading --------------------------------------------------------------------------------
    @property
    def n_items(self) -> int:
        """Number of items (rows of the bound DataFrame)."""
        return len(self.df)

    @property
    def annotations(self) -> pd.DataFrame:
        """The tidy event table: one row per event, oldest first.

        Columns: ``event_id``, ``item`` (the DataFrame's index value, with its dtype),
        ``annotator``, ``value``, ``event`` (``label``, ``skip`` or ``retract``), ``flag``
        (``"unsure"`` or None), ``comment``, ``source``, ``guideline`` (version hash),
        ``created_at`` (UTC), ``duration_ms`` (time the item was on screen) and ``meta``
        (details some views record, e.g. accepted suggestions; None otherwise).

        For a single-label :class:`~nblabel.Classify` task, ``attrs["labels"]`` holds the task's
        labels in order. :mod:`nblabel.agreement` and :mod:`nblabel.consensus` use that order
        when ``labels=`` is not given, so ordinal statistics (``cohen_kappa(...,
        weights="linear")``, ``krippendorff_alpha(..., level="ordinal")``) follow the task's
        order rather than the alphabet. pandas keeps ``attrs`` through filtering and most other
        operations; pass ``labels=`` to choose another order.

        Examples
        --------
        >>> nl.agreement.cohen_kappa(proj.annotations, weights="linear")  # doctest: +SKIP
        """
        self.refresh()
        frame = self._log.frame().copy()
        if isinstance(self.task, Classify) and not self.task.multi:
            frame.attrs[LABELS_ATTR] = list(self.task.labels)
        return frame

    def labels(self, annotator: str | None = None, how: str = "latest") -> pd.Series:
        """Return one label per item, aligned to ``df.index`` (NaN where unlabeled).

        Parameters
        ----------
        annotator : str, optional
            Only this annotator's answers (default: everyone's; ``how="latest"`` only).
        how : {"latest", "majority", "dawid_skene"}, default "latest"
            ``"latest"``: the most recent current answer of any annotator. ``"majority"``: the
            most frequent current answer (NaN on ties), see
            :func:`nblabel.consensus.majority_vote`. ``"dawid_skene"``: the most likely label
            given each annotator's estimated confusion matrix, see
            :func:`nblabel.consensus.dawid_skene`.

        Examples
        --------
        >>> proj.labels(annotator="ana")  # doctest: +SKIP
        >>> proj.labels(how="majority")  # doctest: +SKIP
        """
        if how not in _LABELS_HOW:
            raise ValueError(f"how={how!r} is not supported; use one of {list(_LABELS_HOW)}.")
        if how != "latest":
            if annotator is not None:
                raise ValueError(f"how={how!r} combines annotators; do not pass annotator=.")
            return self._consensus(how)
        self.refresh()
        if annotator is not None:
            annotator = self._annotator(annotator)
            known = self._annotators(self._log.frame())
            if annotator not in known:
                raise ValueError(
                    f"no answers by {annotator!r} in this project; annotators so far: "
                    f"{sorted(known)}. Check the spelling, or leave annotator= out for everyone's."
                )
        current = self._log.current(annotator)
        if annotator is None and self.gold is not None and self.gold.spec.qualify:
            counted = {a for a in current["annotator"].unique() if self.qualified(a)}
            current = current[current["annotator"].isin(counted)]
        current = current[(current["event"] == "label") & (current["position"] >= 0)]
        latest = current.sort_values("event_id").drop_duplicates("position", keep="last")
        values = np.full(self.n_items, np.nan, dtype=object)
        values[latest["position"].to_numpy()] = latest["value"].to_numpy()
        return pd.Series(values, index=self.df.index, name=self.into or "label", dtype=object)

    def qualified(self, annotator: str | None = None) -> bool | None:
        """Whether ``annotator``'s answers count: True, False, or None while qualifying.

        Without a qualification round (``Gold(qualify=0)`` or no gold) everyone counts.
        Otherwise an annotator counts once at least ``threshold`` of the first ``qualify``
        gold items they answered are right.
        """
        annotator = self._annotator(annotator)
        if self.gold is None or not self.gold.spec.qualify:
            return True
        return self._qualification(annotator)["passed"]

    def gold_accuracy(self, over_time: bool = False) -> pd.DataFrame:
        """Return each annotator's accuracy on gold items (:func:`nblabel.gold.gold_accuracy`)."""
        return gold_accuracy(self, over_time=over_time)

    def _qualification(self, annotator: str) -> dict[str, Any]:
        graded = self.gold.graded(self._log.current(annotator))
        return self.gold.qualification(graded, annotator)

    def _current(self) -> pd.DataFrame:
        """Everyone's current answers (with row positions), fresh from the store."""
        self.refresh()
        return self._log.current()

    def _annotators(self, events: pd.DataFrame) -> set[str]:
        """Everyone who answered (in ``events``, the event log) or has a widget open here."""
        return set(events["annotator"]) | set(self._sessions)

    def _counted(self) -> pd.DataFrame:
        """Return the answers people gave, without those of annotators not (yet) qualified.

        Model suggestions, imported gold answers and adjudications are left out: agreement
        and consensus are about the annotators.
        """
        events = self.annotations
        events = events[events["source"] == "human"]
        if self.gold is not None and self.gold.spec.qualify:
            keep = [a for a in events["annotator"].unique() if self.qualified(a)]
            events = events[events["annotator"].isin(keep)]
        return events.reset_index(drop=True)

    def guideline_history(self) -> pd.DataFrame:
        """Return every guideline version answers were given under, oldest first.

        Columns: ``version`` (content hash, as in ``annotations["guideline"]``), ``name``
        (from :class:`nblabel.Guideline`), ``first_seen``, ``answers``, ``annotators``,
        ``items`` and the ``text``.
        """
        return history_table(self)

    @check_kwargs
    def pilot_report(
        self, *, ci: float = 0.95, n: int = 1000, seed: int | None = 0, top: int = 10
    ) -> PilotReport:
        """Compare agreement across guideline versions (see :func:`nblabel.pilot.pilot_report`)."""
        return pilot_report(self, ci=ci, n=n, seed=seed, top=top)

    def _consensus(self, how: str) -> pd.Series:
        """Return the consensus label per item; an adjudicated answer settles its item."""
        from . import consensus

        votes = self._counted()  # reduced to current answers by nblabel.consensus
        labels = pd.Series(np.nan, index=self.df.index, name=self.into or "label", dtype=object)
        if (votes["event"] == "label").any():
            if how == "majority":
                table = consensus.majority_vote(votes)
            else:
                table = consensus.dawid_skene(votes, seed=0).labels
            values = table["value"].reindex(self.df.index)
            labels[values.notna()] = values[values.notna()]
        for pos, answers in self._by_item.items():
            decided = [a for a in answers.values() if a[5] == "adjudicated" and a[1] == "label"]
            if decided:
                labels.iloc[pos] = max(decided, key=lambda answer: answer[0])[2]
        return labels

    @check_kwargs
    def agreement(self, *, ci: float = 0.95, n: int = 1000, seed: int | None = 0) -> pd.DataFrame:
        """Return how far annotators agree: overall and per label, with bootstrap intervals.

        See :func:`nblabel.agreement.summary` for the statistics (Krippendorff's alpha and
        percent agreement overall; specific agreement and one-vs-rest kappa per label, every
        label of the task listed). Uses each annotator's current answers.

        Parameters
        ----------
        ci : float, default 0.95
            Confidence level of the intervals.
        n : int, default 1000
            Bootstrap resamples.
        seed : int, optional
            Seed of the resampling (default 0, so the table is reproducible).

        Examples
        --------
        >>> proj.agreement()  # doctest: +SKIP
        """
        from . import agreement

        if not isinstance(self.task, Classify):
            raise TypeError(
                f"agreement() summarises label agreement; for {self.task.kind!r} answers use "
                "the functions of nblabel.agreement (e.g. span_agreement, kendall_w)."
            )
        return agreement.summary(self._counted(), list(self.task.labels), ci=ci, n=n, seed=seed)

    def progress(self) -> pd.DataFrame:
        """Return counts per annotator.

        Columns: ``labeled``, ``skipped``, ``done``, ``total``, ``remaining``, ``percent``,
        ``flagged``, ``median_seconds`` (median time on an answered item) and ``last_active``.
        """
        self.refresh()
        events = self._log.frame()
        current = self._log.current()
        annotators = sorted(self._annotators(events))
        table = pd.DataFrame(index=pd.Index(annotators, name="annotator", dtype=object))
        by_annotator = current.groupby("annotator")
        table["labeled"] = by_annotator["event"].apply(lambda s: int((s == "label").sum()))
        table["skipped"] = by_annotator["event"].apply(lambda s: int((s == "skip").sum()))
        table["flagged"] = by_annotator["flag"].count()
        table = table.fillna(0).astype("int64")
        table["done"] = table["labeled"] + table["skipped"]
        table["total"] = self.n_items
        table["remaining"] = table["total"] - table["done"]
        table["percent"] = (100.0 * table["done"] / max(self.n_items, 1)).round(1)
        answered = events[events["event"] != "retract"].groupby("annotator")
        table["median_seconds"] = answered["duration_ms"].median().astype(float) / 1000.0
        table["last_active"] = events.groupby("annotator")["created_at"].max()
        return table[
            [
                "labeled",
                "skipped",
                "done",
                "total",
                "remaining",
                "percent",
                "flagged",
                "median_seconds",
                "last_active",
            ]
        ]

    # -- writing --------------------------------------------------------------------------------
    @check_kwargs
    def add(
        self,
        item: Any,
        value: Any,
        annotator: str | None = None,
        *,
        flag: bool | str | None = None,
        comment: str | None = None,
        source: str = "human",
        meta: dict[str, Any] | None = None,
    ) -> int:
        """Record an answer from code, with the same validation as the widget.

        Parameters
        ----------
        item : index value
            The item's id (its ``df.index`` value).
        value : object
            The answer, checked and normalised for this item by ``task.validate_for``.
        annotator : str, optional
            Who answered (default: ``JUPYTERHUB_USER`` or the login name).
        flag : bool or "unsure", optional
            Mark the answer as unsure.
        comment : str, optional
            Free text kept with the answer.
        source : {"human", "model", "gold", "adjudicated"}, default "human"
            Where the answer comes from.
        meta : dict, optional
            The details a view records with an answer, checked by ``task.validate_meta``: for
            a ranking e.g. ``{"shown": [...], "ratings": {...}}``, so imported judgements keep
            the order they were shown in (position bias) and their ratings.

        Returns
        -------
        int
            The stored event's id.
        """
        pos = self._position(item)
        value = self.task.validate_for(value, self.df.iloc[pos])
        return self._record_and_notify(
            pos,
            self._annotator(annotator),
            "label",
            value,
            flag=_check_flag(flag),
            comment=_check_comment(comment),
            source=_check_source(source),
            meta=self.task.validate_meta_for(meta, value),
        )

    def skip(self, item: Any, annotator: str | None = None, *, comment: str | None = None) -> int:
        """Record that ``annotator`` skipped ``item`` (it counts as handled, with no label)."""
        pos = self._position(item)
        return self._record_and_notify(
            pos, self._annotator(annotator), "skip", None, comment=_check_comment(comment)
        )

    def retract(self, item: Any, annotator: str | None = None) -> int:
        """Undo ``annotator``'s current answer for ``item`` (a ``retract`` event, no deletion)."""
        pos = self._position(item)
        annotator = self._annotator(annotator)
        if annotator not in self._by_item.get(pos, {}):
            raise ValueError(f"{annotator!r} has no answer for item {item!r} to retract.")
        return self._record_and_notify(pos, annotator, "retract", None)

    def refresh(self) -> int:
        """Pull events written since the last read (e.g. by other kernels); return how many."""
        with self._lock:
            count = self._pull()
            if count:
                self._notify_views()
            return count

    def add_listener(self, callback: Callable[[], Any]) -> Callable[[], Any]:
        """Call ``callback()`` after new events reach this project; return ``callback``.

        It runs in the kernel's thread right after events were stored through this project
        (widget answers, :meth:`add`, :meth:`skip`, :meth:`retract`, adjudications) or pulled
        from other kernels by :meth:`refresh`, and when :meth:`learn` puts a model in the
        loop. Keep it short (e.g. schedule a redraw); an exception in it is logged and never
        costs an answer.

        Examples
        --------
        >>> proj.add_listener(lambda: print(len(proj.annotations)))  # doctest: +SKIP
        """
        if not callable(callback):
            raise TypeError(f"callback must be callable, got {type(callback).__name__}.")
        with self._lock:
            self._listeners.append(callback)
        return callback

    def remove_listener(self, callback: Callable[[], Any]) -> None:
        """Stop calling ``callback`` (added with :meth:`add_listener`)."""
        with self._lock:
            if callback not in self._listeners:
                raise ValueError("that callback is not a listener of this project.")
            self._listeners.remove(callback)

    # -- the model -----------------------------------------------------------------------------
    @check_kwargs
    def learn(
        self,
        estimator: Any,
        features: Any = None,
        *,
        strategy: Any = "margin",
        retrain_every: int = 10,
        batch_size: int = 1,
        seed: int | None = None,
        cv: int = 5,
    ) -> ActiveLearner:
        """Put a model in the loop: it learns from the answers and picks what to label next.

        A clone of ``estimator`` retrains in a background thread every ``retrain_every``
        answers (labeling never waits for it; requests made while it runs coalesce into one).
        After each retrain, every annotator's upcoming items follow the ``strategy``'s order
        and show the model's suggestion with its confidence, pre-selected so Enter accepts it
        (``label(show_suggestions=False)`` hides it). Until every label has an example, items
        come in random order and the widgets say so. A failing ``fit`` is shown in the widgets
        with its message; labeling goes on. Calling ``learn`` again replaces the model.

        The label an item is trained with is the adjudicated answer if there is one, otherwise
        the most common answer of the annotators (ties: the latest).

        Parameters
        ----------
        estimator : scikit-learn classifier or pipeline
            Anything with ``fit`` and ``predict_proba``; it is cloned, never changed.
        features : str, list of str, array-like or sparse matrix, optional
            What the model reads (see :func:`nblabel.learn.resolve_features`): a text column
            gets a TF-IDF vectoriser in front of the estimator. Default: the task's ``text``.
        strategy : {"margin", "least_confident", "entropy", "random", "committee", "diverse"}
            How unlabeled items are ranked, or a Strategy object or callable
            ``f(proba) -> scores`` (higher first), see :func:`nblabel.learn.get_strategy`.
        retrain_every : int, default 10
            Answers between retrains.
        batch_size : int, default 1
            Items a batch strategy picks together.
        seed : int, optional
            Seed of the cold-start order, tie-breaks and cross-validation folds.
        cv : int, default 5
            Folds of the cross-validation scored after each retrain (0: none).

        Returns
        -------
        nblabel.learn.ActiveLearner
            Also kept as :attr:`learner`: its ``state`` (predictions, status message) and
            ``history`` (the learning curve: labels, cross-validated accuracy and F1, version).

        Examples
        --------
        >>> from sklearn.linear_model import LogisticRegression
        >>> proj.learn(LogisticRegression(max_iter=1000))  # doctest: +SKIP
        >>> proj.label("ana")  # doctest: +SKIP
        """
        from ._model_loop import ModelLoop
        from .learn import ActiveLearner

        if not isinstance(self.task, Classify) or self.task.multi:
            raise TypeError(
                "learn() needs a single-label classification task (nl.Classify without "
                f"multi=True); this project's task is {self.task!r}."
            )
        if features is None:
            if self.task.text is None:
                raise ValueError(
                    "the task shows no text column, so say what the model reads: "
                    "features='column', a list of columns, or an array aligned to df.index."
                )
            features = self.task.text
        learner = ActiveLearner(
            estimator,
            self.df,
            features,
            classes=self.task.labels,
            strategy=strategy,
            retrain_every=retrain_every,
            batch_size=batch_size,
            seed=seed,
            cv=cv,
        )
        with self._lock:
            if self._loop is not None:
                self._loop.close()
            self.refresh()
            self._loop = ModelLoop(self, learner)
            self._notify_views()
        self._loop._on_state(learner.state)
        self._tell_listeners()  # e.g. a dashboard shows the new model's panel at once
        return learner

    @property
    def learner(self) -> ActiveLearner | None:
        """The model in the loop (see :meth:`learn`), or None."""
        return None if self._loop is None else self._loop.learner

    def dashboard(self, **options: Any) -> Dashboard:
        """Return a live dashboard: labels, progress, agreement and the model, as they change.

        Charts follow the answers (redrawn at most once per ``min_interval``) and, after
        :meth:`learn`, the model: pool uncertainty, learning curve, calibration and the
        model-vs-label confusion matrix, whose cells and bars select items to relabel or
        review. Options are those of :func:`nblabel.dashboard.dashboard`.

        Examples
        --------
        >>> proj.dashboard(min_interval=2)  # doctest: +SKIP
        """
        from .dashboard import dashboard

        return dashboard(self, **options)

    # -- views -------------------------------------------------------------------------------------
    @check_kwargs
    def label(
        self,
        annotator: str | None = None,
        *,
        items: Sequence[Any] | pd.Index | pd.Series | None = None,
        window: int = DEFAULT_WINDOW,
        show_suggestions: bool = True,
    ) -> LabelerWidget:
        """Return the labeling widget for ``annotator``.

        Parameters
        ----------
        annotator : str, optional
            Who labels (default: ``JUPYTERHUB_USER`` or the login name).
        items : list, Index or Series of index values, optional
            Label exactly these items, in this order, answered before or not ("relabel
            these", e.g. from :func:`nblabel.analysis.label_issues` or a dashboard selection):
            an earlier answer shows and a key replaces it. Default: the project's queue.
        window : int, default 20
            How many upcoming items the browser holds, so keypresses never wait for the kernel.
        show_suggestions : bool, default True
            Show suggested answers (the task's pre-labels, or the model's once it learns),
            pre-selected so Enter accepts them. False hides them, to avoid anchoring.
        """
        from .widgets import view_class

        annotator = self._annotator(annotator)
        if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= 10_000:
            raise ValueError(f"window must be an int between 1 and 10000, got {window!r}.")
        if not isinstance(show_suggestions, bool):
            raise TypeError(f"show_suggestions must be True or False, got {show_suggestions!r}.")
        widget_class = view_class(self.task)
        if items is not None:
            positions = self._positions(items)
            with self._lock:
                item_view = widget_class.item_view_for(annotator)
                session = FocusSession(self, annotator, item_view, window, positions)
                session.show_suggestions = show_suggestions
                self._focused.append(session)
            return widget_class(self, session)
        with self._lock:
            session = self._sessions.get(annotator)
            if session is None:
                item_view = widget_class.item_view_for(annotator)
                session = AnnotatorSession(self, annotator, item_view, window)
                self._sessions[annotator] = session
            session.window = max(session.window, window)
            session.show_suggestions = show_suggestions
        return widget_class(self, session)

    @check_kwargs
    def review(
        self,
        reviewer: str | None = None,
        *,
        which: str | Sequence[str] = "disagreement",
        threshold: float = 0.75,
        items: Sequence[Any] | pd.Index | pd.Series | None = None,
        window: int = DEFAULT_WINDOW,
    ) -> LabelerWidget:
        """Return the adjudication view: the items that need a decision, one by one.

        Each item shows every annotator's (and the model's) answer; the reviewer picks one
        (Shift + its number) or answers anew with the task's keys, and may comment. Decisions
        are stored with ``source="adjudicated"`` and win in :meth:`labels` with
        ``how="majority"`` or ``"dawid_skene"``.

        Parameters
        ----------
        reviewer : str, optional
            Who decides (default: ``JUPYTERHUB_USER`` or the login name).
        which : str or list of str, default "disagreement"
            Items to review: ``"disagreement"`` (human answers differ), ``"low_confidence"``
            (the most common answer has less than ``threshold`` of the votes), ``"flagged"``
            (someone marked their answer unsure); several reasons combine.
        threshold : float, default 0.75
            Majority share below which an item counts as low confidence.
        items : list, Index or Series of index values, optional
            Review exactly these items instead (e.g. the rows of
            :func:`nblabel.analysis.label_issues`); ``which`` and ``threshold`` are not used.
        window : int, default 20
            Items the browser holds ahead.

        Examples
        --------
        >>> proj.review("lead", which=["disagreement", "flagged"])  # doctest: +SKIP
        """
        from .review import REASONS, ReviewSession, needs_review
        from .widgets import view_class

        reviewer = self._annotator(reviewer)
        reasons = (which,) if isinstance(which, str) else tuple(which)
        unknown = [reason for reason in reasons if reason not in REASONS]
        if unknown or not reasons:
            raise ValueError(f"which={which!r}: choose from {list(REASONS)}.")
        if not _is_share(threshold):
            raise ValueError(f"threshold must be a share between 0 and 1, got {threshold!r}.")
        if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= 10_000:
            raise ValueError(f"window must be an int between 1 and 10000, got {window!r}.")
        widget_class = view_class(self.task)
        with self._lock:
            self.refresh()
            positions = (
                needs_review(self, reasons, float(threshold))
                if items is None
                else self._positions(items)
            )
            session = ReviewSession(
                self, reviewer, widget_class.item_view_for(reviewer), window, positions
            )
            self._reviews[reviewer] = session
        return widget_class(self, session)

    def close(self) -> None:
        """Give back the items reserved on this kernel's screens, then release the store.

        With an ``overlap``, the items shown to this kernel's annotators but not answered go
        back to the others at once instead of when their leases expire.
        """
        if self._loop is not None:
            self._loop.close()
        if self.overlap is not None:
            for annotator in {session.annotator for session in self._all_sessions()}:
                self.store.release(self._project_id, annotator)
        self.store.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        annotators = len(set(self._log.frame()["annotator"]))
        return (
            f"<nblabel.Project {self.name!r}: {self.task!r}, {self.n_items} items, "
            f"{len(self._log)} events from {annotators} annotators, store={self.store.url!r}>"
        )

    # -- internals ---------------------------------------------------------------------------------
    def _record(
        self,
        pos: int,
        annotator: str,
        event: str,
        value: Any,
        *,
        flag: str | None = None,
        comment: str | None = None,
        source: str = "human",
        duration_ms: int | None = None,
        meta: dict[str, Any] | None = None,
    ) -> int:
        row = {
            "item": encode_item(self.df.index[pos]),
            "annotator": annotator,
            "event": event,
            "value": value,
            "flag": flag,
            "comment": comment,
            "source": source,
            "guideline": self.task.guideline_version,
            "duration_ms": duration_ms,
            "meta": meta or None,
            "created_us": now_us(),
        }
        with self._lock:
            [event_id] = self.store.append(
                self._project_id, [row], overlap=self.overlap, lease_us=self._lease_us
            )
            if event_id == self._log.last_id + 1:
                # Nothing was written in between: mirror the row without reading it back.
                stored = tuple(event_id if name == "id" else row[name] for name in EVENT_COLUMNS)
                self._ingest([stored], known={row["item"]: pos})
            else:
                try:
                    self._pull(known={row["item"]: pos})
                except StoreError:
                    # Stored, but others' events could not be read just now: the row reaches
                    # the mirror with the next refresh, in id order.
                    log.exception("nblabel stored event %s but could not read the store", event_id)
        return event_id

    def _suggestion(self, pos: int) -> dict[str, Any] | None:
        """Return the answer to suggest for ``pos``: the task's pre-label, else the model's."""
        suggestion = self.task.suggestion(self.df.iloc[pos])
        if suggestion is not None:
            return {**suggestion, "source": "column"}
        return None if self._loop is None else self._loop.suggestion(pos)

    def _available(self, pos: int, annotator: str) -> bool:
        """Whether ``annotator`` may still be given ``pos`` as far as this kernel knows."""
        if self.overlap is None:
            return True
        # Only annotators' labels fill one of the k places: a skip gives its place back, and
        # a reviewer's or a model's answer takes none.
        holders = {
            name
            for name, answer in self._by_item.get(pos, {}).items()
            if answer[1] == "label" and answer[5] == "human"
        }
        return annotator in holders or len(holders) < self.overlap

    def _claim(self, positions: list[int], annotator: str) -> list[int]:
        """Reserve items for ``annotator`` (with ``overlap``); return the positions held."""
        if self.overlap is None or not positions:
            return positions
        keys = {encode_item(self.df.index[pos]): pos for pos in positions}
        held = self.store.claim(
            self._project_id, list(keys), annotator, self.overlap, self._lease_us
        )
        return [keys[key] for key in held]

    def _renew(self, positions: list[int], annotator: str) -> None:
        """Extend ``annotator``'s reservations of ``positions`` (with ``overlap``)."""
        if self.overlap is not None and positions:
            keys = [encode_item(self.df.index[pos]) for pos in positions]
            self.store.renew(self._project_id, keys, annotator, self._lease_us)

    def _record_and_notify(self, *args: Any, **kwargs: Any) -> int:
        """Record an event made outside the widgets, then tell the open views about it."""
        with self._lock:
            event_id = self._record(*args, **kwargs)
            self._notify_views()
        return event_id

    def _notify_views(self) -> None:
        for session in self._all_sessions():
            session.flush()

    def _all_sessions(self) -> list[AnnotatorSession]:
        """Every annotator's, reviewer's and chosen-items session opened on this kernel."""
        return [*self._sessions.values(), *self._reviews.values(), *self._focused]

    def _pull(self, known: dict[str, int] | None = None) -> int:
        with self._lock:
            rows = self.store.read(self._project_id, after=self._log.last_id)
            self._ingest(rows, known)
            return len(rows)

    def _ingest(self, rows: list[tuple[Any, ...]], known: dict[str, int] | None) -> None:
        """Append stored rows (id order) to the mirror and apply them to sessions and write-back.

        Then the listeners (see :meth:`add_listener`) hear of it.
        """
        for pos, row in self._log.extend(rows, known):
            if pos >= 0:
                self._apply(pos, row)
        if rows:
            self._tell_listeners()

    def _tell_listeners(self) -> None:
        for callback in list(self._listeners):
            try:
                callback()
            except Exception:  # a broken listener must never cost an answer
                log.exception("nblabel: a project listener failed")

    def _apply(self, pos: int, row: tuple[Any, ...]) -> None:
        event_id, _item, annotator, event, value, flag, comment = row[:7]
        source = row[_SOURCE_AT]
        answers = self._by_item.setdefault(pos, {})
        if event == "retract":
            answers.pop(annotator, None)
        else:
            answers[annotator] = (event_id, event, value, flag, comment, source)
        adjudicated = source == "adjudicated"
        for session in self._all_sessions():
            if session.annotator == annotator and (session.source == "adjudicated") == adjudicated:
                session.apply(pos, event, value, flag, comment, row[_META_AT])
        if self._loop is not None:
            self._loop.answered(pos)
        if self.into is not None:
            labeled = [(a[0], a[2]) for a in answers.values() if a[1] == "label"]
            latest = max(labeled)[1] if labeled else None
            self.df.iat[pos, self.df.columns.get_loc(self.into)] = latest

    def _positions(self, items: Any) -> list[int]:
        """Return the row positions of ``items`` (index values, in order), checked."""
        if isinstance(items, pd.Series):
            items = items.tolist()  # e.g. the ``item`` column of label_issues()
        if isinstance(items, (str, bytes)) or not isinstance(
            items, (Sequence, pd.Index, np.ndarray)
        ):
            raise TypeError(
                "items must be a list, Index or Series of index values (e.g. df.index[:10]), "
                f"got {type(items).__name__}."
            )
        positions = [self._position(item) for item in items]
        if not positions:
            raise ValueError("items is empty: pass at least one index value to label.")
        if len(set(positions)) != len(positions):
            raise ValueError("items lists an item more than once; pass each item once.")
        return positions

    def _position(self, item: Any) -> int:
        try:
            pos = self.df.index.get_loc(item)
        except (KeyError, TypeError):
            pos = None
        if not isinstance(pos, (int, np.integer)):
            sample = self.df.index[:3].tolist()
            raise ValueError(
                f"item {item!r} is not in the DataFrame's index; items are index values, "
                f"e.g. {sample}."
            )
        return int(pos)

    @staticmethod
    def _annotator(annotator: str | None) -> str:
        if annotator is None:
            return default_annotator()
        if not isinstance(annotator, str) or not annotator.strip() or len(annotator) > 200:
            raise ValueError(
                f"annotator must be a non-empty name of at most 200 characters, got {annotator!r}."
            )
        return annotator

    def preferences(self, *, training: bool = False, how: str = "each") -> pd.DataFrame:
        """Return the rankings as pairwise preferences, or as training pairs (``Rank`` tasks).

        Parameters
        ----------
        training : bool, default False
            False: one row per annotator and pair of options (``item``, ``annotator``,
            ``chosen``, ``rejected``, ``tie``, …), see :func:`nblabel.rank.preferences`.
            True: the ``prompt`` / ``chosen`` / ``rejected`` texts preference-training
            libraries read, ties left out, see :func:`nblabel.rank.training_pairs`.
        how : {"each", "majority"}, default "each"
            With ``training=True``: a row per annotator's preference, or per pair most
            annotators decided the same way.

        Examples
        --------
        >>> proj.preferences()  # doctest: +SKIP
        >>> pairs = proj.preferences(training=True)  # doctest: +SKIP
        >>> pairs.to_json("dpo.jsonl", orient="records", lines=True)  # doctest: +SKIP
        """
        from . import rank

        return rank.for_project(self, training=training, how=how)


def label(
    df: pd.DataFrame, task: Task, annotator: str | None = None, **options: Any
) -> LabelerWidget:
    """Bind ``df`` to ``task`` and return the labeling widget: the one-line way to start.

    ``options`` go to :class:`Project` (``store``, ``name``, ``order``, ``seed``, ``into``,
    ``overlap``, ``lease_seconds``, ``gold``) or to :meth:`Project.label` (``window``,
    ``show_suggestions``). The project is the widget's ``project`` attribute.

    Examples
    --------
    >>> import nblabel as nl
    >>> widget = nl.label(df, nl.Classify(["pos", "neg"], text="review"))  # doctest: +SKIP
    >>> widget  # doctest: +SKIP
    """
    project_options = {"store", "name", "order", "seed", "into", "overlap", "lease_seconds", "gold"}
    view_options = {"window", "show_suggestions"}
    unknown = sorted(set(options) - project_options - view_options)
    if unknown:
        raise TypeError(
            f"label() got unexpected keyword arguments {unknown}; valid ones are "
            f"{sorted(project_options | view_options)}."
        )
    project = Project(df, task, **{k: v for k, v in options.items() if k in project_options})
    return project.label(annotator, **{k: v for k, v in options.items() if k in view_options})


def _is_share(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and 0 < value <= 1


def _check_flag(flag: Any) -> str | None:
    if flag in (None, False):
        return None
    if flag is True or flag == "unsure":
        return "unsure"
    raise ValueError(f"flag must be True, False, None or 'unsure', got {flag!r}.")


def _check_comment(comment: Any) -> str | None:
    if comment is None or isinstance(comment, str):
        return comment or None
    raise TypeError(f"comment must be text (str) or None, got {type(comment).__name__}.")


def _check_source(source: Any) -> str:
    if source not in SOURCES:
        raise ValueError(f"source={source!r} is not one of {list(SOURCES)}.")
    return source
