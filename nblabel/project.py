"""Project: a thin facade that checks options, composes the parts and delegates to them.

The :class:`~nblabel.ledger.Ledger` is every event's path (record, store, mirror, subscribers);
:class:`~nblabel.session.Sessions` are the views open on this kernel; the model loop lives in
:mod:`nblabel.learn`; reports take data (:mod:`nblabel.settle`, :mod:`nblabel.pilot`,
:mod:`nblabel.agreement`, :mod:`nblabel.rank`). Nothing below imports this module: the parts
see each other through narrow interfaces and the subscriptions registered here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import settle
from ._checks import annotator_or_default as _annotator
from ._checks import check, check_kwargs, default_annotator
from ._items import check_frame, row_position, row_positions
from .agreement.data import LABELS_ATTR
from .agreement.report import summary
from .gold import Gold, GoldSet, gold_accuracy
from .ledger import Ledger
from .ledger.orphans import rekey_events, warn_orphans
from .ledger.progress import progress_table
from .ledger.writeback import WriteBack
from .pilot import PilotReport, history_table, pilot_report
from .queue import Queue
from .session import DEFAULT_WINDOW, REASONS, ProjectContext, Sessions, needs_review
from .store import SOURCES, Store
from .tasks import Classify, Task

if TYPE_CHECKING:  # the model, charts and widgets load on first use: `import nblabel` stays fast
    from .dashboard import Dashboard
    from .learn import ActiveLearner
    from .learn.loop import ModelLoop
    from .widgets import LabelerWidget

__all__ = ["Project", "default_annotator", "label"]

DEFAULT_NAME = "default"


class Project:
    """A DataFrame bound to a task and an annotation store.

    Parameters
    ----------
    df : pandas.DataFrame
        The items, one per row, identified by the index (unique). Kept by reference.
    task : Task
        What is asked, e.g. ``nl.Classify(["pos", "neg"], text="review")``.
    store : str, pathlib.Path or Store, optional
        A SQLite file (default ``"nblabel.db"`` in the working directory), ``":memory:"``, a
        SQLAlchemy URL (``"postgresql+psycopg://…"``) or a :class:`~nblabel.store.Store`.
    name : str, optional
        The project's name in the store (default ``"default"``); opening it again resumes it.
    order, seed : {"index", "shuffle"}, int
        The order items are offered in; ``"shuffle"`` is reproducible with ``seed``.
    into : str, optional
        A column of ``df`` kept filled with each item's latest label.
    overlap, lease_seconds : int, float
        Annotators per item (default: everyone may answer every item), safe across kernels
        sharing the store: an item on screen stays reserved for ``lease_seconds`` (600).
    gold : str or Gold, optional
        Items with known answers mixed into every stream: a column of ``df`` or a
        :class:`nblabel.Gold` (rate, teaching, qualification round).

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
        task.check_frame(df)
        name = check("name", DEFAULT_NAME if name is None else name)
        if into is not None:
            WriteBack.check_column(into, task.columns())
        self.overlap = check("overlap", overlap)
        lease_us = int(check("lease_seconds", lease_seconds) * 1_000_000)
        self.gold = None if gold is None else GoldSet.of(gold, df, task)
        self.df, self.task, self.name, self.into = df, task, name, into
        self.queue = Queue(len(df), order=order, seed=seed)
        self.store = store if isinstance(store, Store) else Store(store)
        self._project_id = self.store.open_project(name, task)
        self._ledger = Ledger(self.store, self._project_id, df.index, task.guideline_version,
                              overlap=self.overlap, lease_us=lease_us)
        self._sessions = Sessions(self._ledger.lock)
        self._loop: ModelLoop | None = None
        self._context = ProjectContext(
            df, task, self.queue, self._ledger, self.gold,
            qualification=self._qualification, refresh=self.refresh,
        )
        self._ledger.subscribe(self._sessions.apply)
        if into is not None:
            self._ledger.subscribe(WriteBack(df, into, self._ledger.answers))
        self._ledger.pull()
        warn_orphans(self._ledger.current(), df.index)

    # -- reading --------------------------------------------------------------------------------
    @property
    def n_items(self) -> int:
        """Number of items (rows of the bound DataFrame)."""
        return len(self.df)

    @property
    def annotations(self) -> pd.DataFrame:
        """The tidy event table: one row per event, oldest first.

        Columns: ``event_id``, ``item`` (the index value), ``annotator``, ``value``, ``event``
        (``label``, ``skip``, ``retract``), ``flag``, ``comment``, ``source``, ``guideline``,
        ``created_at`` (UTC), ``duration_ms`` and ``meta``. For a single-label task,
        ``attrs["labels"]`` holds the labels in order, so ordinal statistics in
        :mod:`nblabel.agreement` follow the task's order, not the alphabet.
        """
        self.refresh()
        frame = self._ledger.frame().copy()
        if isinstance(self.task, Classify) and not self.task.multi:
            frame.attrs[LABELS_ATTR] = list(self.task.labels)
        return frame

    def labels(self, annotator: str | None = None, how: str = "latest") -> pd.Series:
        """Return one label per item, aligned to ``df.index`` (NaN where unlabeled).

        ``how``: the most recent current answer (of ``annotator`` if given), or a consensus,
        ``"majority"`` or ``"dawid_skene"`` (:mod:`nblabel.consensus`), where an adjudicated
        answer settles its item (see :mod:`nblabel.settle`).
        """
        if how not in settle.HOW:
            raise ValueError(f"how={how!r} is not supported; use one of {list(settle.HOW)}.")
        name = self.into or "label"
        if how != "latest":
            if annotator is not None:
                raise ValueError(f"how={how!r} combines annotators; do not pass annotator=.")
            votes = self._counted()
            return settle.consensus_labels(votes, self._ledger.answers, self.df.index, how, name)
        self.refresh()
        if annotator is not None:
            annotator = _annotator(annotator)
            if annotator not in (known := self._annotators()):
                raise ValueError(
                    f"no answers by {annotator!r} in this project; annotators so far: "
                    f"{sorted(known)}. Check the spelling, or leave annotator= out for everyone's."
                )
        current = self._ledger.current(annotator)
        if annotator is None:
            current = settle.counted(current, self._counts)
        return settle.latest_labels(current, self.df.index, name)

    def qualified(self, annotator: str | None = None) -> bool | None:
        """Whether ``annotator``'s answers count: True, False, or None while qualifying.

        With ``Gold(qualify=k)``, an annotator counts once at least ``threshold`` of the first
        ``k`` gold items they answered are right; otherwise everyone counts.
        """
        annotator = _annotator(annotator)
        if self.gold is None or not self.gold.spec.qualify:
            return True
        return self._qualification(annotator)["passed"]

    def gold_accuracy(self, over_time: bool = False) -> pd.DataFrame:
        """Return each annotator's accuracy on gold items (:func:`nblabel.gold.gold_accuracy`)."""
        self.refresh()
        return gold_accuracy(self.gold, self._ledger.current(), over_time=over_time)

    def guideline_history(self) -> pd.DataFrame:
        """Return every guideline version answers were given under (see ``history_table``)."""
        return history_table(self.annotations, self.store.guidelines(self._project_id))

    @check_kwargs
    def pilot_report(
        self, *, ci: float = 0.95, n: int = 1000, seed: int | None = 0, top: int = 10
    ) -> PilotReport:
        """Compare agreement across guideline versions (see :func:`nblabel.pilot.pilot_report`)."""
        return pilot_report(self._counted(), self.guideline_history(), self.task, self.df,
                            ci=ci, n=n, seed=seed, top=top)

    @check_kwargs
    def agreement(self, *, ci: float = 0.95, n: int = 1000, seed: int | None = 0) -> pd.DataFrame:
        """Return agreement overall and per label, with intervals (``agreement.summary``)."""
        if not isinstance(self.task, Classify):
            raise TypeError(
                f"agreement() summarises label agreement; for {self.task.kind!r} answers use "
                "the functions of nblabel.agreement (e.g. span_agreement, kendall_w)."
            )
        return summary(self._counted(), list(self.task.labels), ci=ci, n=n, seed=seed)

    def progress(self) -> pd.DataFrame:
        """Return counts per annotator (see :func:`nblabel.ledger.progress.progress_table`)."""
        self.refresh()
        events = self._ledger.frame()
        return progress_table(events, self._ledger.current(), self._annotators(), self.n_items)

    def preferences(self, *, training: bool = False, how: str = "each") -> pd.DataFrame:
        """Return a ranking project's pairwise preferences, or its training pairs.

        See :func:`nblabel.rank.preferences` and, with ``training=True`` (``how="each"`` or
        ``"majority"``), :func:`nblabel.rank.training_pairs`.
        """
        from .rank.training import project_preferences

        events = self._counted()
        return project_preferences(events, self.task, self.df, training=training, how=how)

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
        """Record an answer from code, with the same validation as the widget; return its id.

        ``value`` is checked by ``task.validate_for``; ``annotator`` defaults to
        ``JUPYTERHUB_USER`` or the login; ``source`` is ``"human"``, ``"model"``, ``"gold"`` or
        ``"adjudicated"``; ``meta`` holds what a view records (for a ranking
        ``{"shown": [...], "ratings": {...}}``), checked by ``task.validate_meta``.
        """
        pos = row_position(self.df.index, item)
        value = self.task.validate_for(value, self.df.iloc[pos])
        if source not in SOURCES:
            raise ValueError(f"source={source!r} is not one of {list(SOURCES)}.")
        return self._record(
            pos, _annotator(annotator), "label", value, flag=check("flag", flag),
            comment=check("comment", comment), source=source,
            meta=self.task.validate_meta_for(meta, value),
        )

    def skip(self, item: Any, annotator: str | None = None, *, comment: str | None = None) -> int:
        """Record that ``annotator`` skipped ``item`` (it counts as handled, with no label)."""
        pos = row_position(self.df.index, item)
        return self._record(pos, _annotator(annotator), "skip", comment=check("comment", comment))

    def retract(self, item: Any, annotator: str | None = None) -> int:
        """Undo ``annotator``'s current answer for ``item`` (a ``retract`` event, no deletion)."""
        pos = row_position(self.df.index, item)
        annotator = _annotator(annotator)
        if annotator not in self._ledger.answers.of(pos):
            raise ValueError(f"{annotator!r} has no answer for item {item!r} to retract.")
        return self._record(pos, annotator, "retract")

    def rekey(self, mapping: Mapping[Any, Any] | Callable[[Any], Any]) -> int:
        """Move answers stored under ids not in ``df`` to the rows they belong to; return how many.

        ``mapping`` is ``{old_id: new_id}`` or a function of the old id (e.g. ``str`` after
        the index turned into strings). Each move is recorded as events (a copy on the new
        item, a retract on the old), all in one transaction. See :mod:`nblabel.ledger.orphans`.
        """
        with self._ledger.lock:
            self.refresh()
            moves = rekey_events(self._ledger.current(keys=True), self.df, mapping,
                                 self.task.validate_for)
            if moves:
                self._ledger.append(moves)
                self._sessions.flush()
        return len(moves) // 2

    def refresh(self) -> int:
        """Pull events written since the last read (e.g. by other kernels); return how many."""
        with self._ledger.lock:
            count = self._ledger.pull()
            if count:
                self._sessions.flush()
            return count

    def add_listener(self, callback: Callable[[], Any]) -> Callable[[], Any]:
        """Call ``callback()`` after new events reach this project; return ``callback``.

        It runs on the kernel's thread after events are stored or pulled, and when :meth:`learn`
        adds a model; its exceptions are logged, never raised.
        """
        if not callable(callback):
            raise TypeError(f"callback must be callable, got {type(callback).__name__}.")
        self._ledger.subscribe_batch(callback)
        return callback

    def remove_listener(self, callback: Callable[[], Any]) -> None:
        """Stop calling ``callback`` (added with :meth:`add_listener`)."""
        try:
            self._ledger.unsubscribe_batch(callback)
        except ValueError:
            raise ValueError("that callback is not a listener of this project.") from None

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

        A clone of ``estimator`` (anything with ``fit`` and ``predict_proba``) retrains in a
        background thread every ``retrain_every`` answers; the upcoming items then follow the
        ``strategy``'s order with the model's suggestion pre-selected. ``features`` defaults to
        the task's text column. The parameters are those of :class:`nblabel.learn.ActiveLearner`,
        which is returned and kept as :attr:`learner`; calling ``learn`` again replaces it.
        """
        from .learn.loop import ModelLoop, learner_for

        learner = learner_for(
            self.task, self.df, estimator, features, strategy=strategy,
            retrain_every=retrain_every, batch_size=batch_size, seed=seed, cv=cv,
        )
        if self._loop is not None:  # outside the lock: its worker may be handing a status over
            self._loop.close()
        qualifying = self.gold is not None and self.gold.spec.qualify > 0
        with self._ledger.lock:
            self.refresh()
            self._loop = self._context.model = ModelLoop(
                learner, self._ledger, counts=self._counts, on_status=self._sessions.show_model,
                requalifying=self.gold.positions if qualifying else frozenset(),
            )
            self._sessions.flush()
            self._sessions.show_model(self._loop.status())
        self._ledger.announce()  # e.g. a dashboard shows the new model's panel at once
        return learner

    @property
    def learner(self) -> ActiveLearner | None:
        """The model in the loop (see :meth:`learn`), or None."""
        return None if self._loop is None else self._loop.learner

    def dashboard(self, **options: Any) -> Dashboard:
        """Return a live dashboard (options of :func:`nblabel.dashboard.dashboard`)."""
        from .dashboard.widget import dashboard

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

        ``annotator`` defaults to ``JUPYTERHUB_USER`` or the login. ``items`` (index values)
        relabels exactly those items, in order, instead of the queue. ``window`` is how many
        upcoming items the browser holds; ``show_suggestions=False`` hides pre-labels and the
        model's suggestions, to avoid anchoring.
        """
        from .widgets import view_class

        annotator = _annotator(annotator)
        window = check("window", window)
        show_suggestions = check("show_suggestions", show_suggestions)
        positions = None if items is None else row_positions(self.df.index, items)
        widget_class = view_class(self.task)
        with self._ledger.lock:
            session = self._sessions.labeling(
                self._context, annotator, widget_class.item_view_for(annotator), window,
                show_suggestions, positions,
            )
        return widget_class(session, self)

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

        Each item shows everyone's answer; the reviewer picks one (Shift + its number) or
        answers anew. Decisions (``source="adjudicated"``) settle their items. ``which``:
        ``"disagreement"``, ``"low_confidence"`` (top answer below ``threshold`` of the votes)
        and/or ``"flagged"`` (see :func:`nblabel.session.needs_review`); or exactly ``items``.
        """
        from .widgets import view_class

        reviewer = _annotator(reviewer, "reviewer")
        reasons = (which,) if isinstance(which, str) else tuple(which)
        if not reasons or any(reason not in REASONS for reason in reasons):
            raise ValueError(f"which={which!r}: choose from {list(REASONS)}.")
        threshold, window = check("threshold", threshold), check("window", window)
        widget_class = view_class(self.task)
        with self._ledger.lock:
            self.refresh()
            positions = (
                needs_review(self._ledger.answers, self.queue.positions, reasons, threshold)
                if items is None
                else row_positions(self.df.index, items)
            )
            session = self._sessions.reviewing(
                self._context, reviewer, widget_class.item_view_for(reviewer), window, positions
            )
        return widget_class(session, self)

    def close(self) -> None:
        """Stop the model, give back the items reserved on this kernel, release the store."""
        if self._loop is not None:
            self._loop.close()
        for annotator in self._sessions.annotators():
            self._ledger.leases.release(annotator)
        self.store.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        events = self._ledger.frame()
        return (f"<nblabel.Project {self.name!r}: {self.task!r}, {self.n_items} items, "
                f"{len(events)} events from {events['annotator'].nunique()} annotators, "
                f"store={self.store.url!r}>")

    # -- what the parts are given ------------------------------------------------------------------
    def _record(self, pos: int, annotator: str, event: str, value: Any = None, **details: Any
                ) -> int:
        """Record an event made outside the views, then bring the open views up to date."""
        with self._ledger.lock:
            event_id = self._ledger.record(pos, annotator, event, value, **details)
            self._sessions.flush()
        return event_id

    def _qualification(self, annotator: str) -> dict[str, Any]:  # their qualification round
        return self.gold.qualification_of(annotator, self._ledger.current(annotator))

    def _counts(self, annotator: str) -> bool:  # passed the qualification round, if any
        return self.gold is None or self.gold.counts(annotator, self._ledger.current(annotator))

    def _counted(self) -> pd.DataFrame:
        """Return the annotators' own answers that count (no model, gold or adjudicated)."""
        events = self.annotations
        return settle.counted(events[events["source"] == "human"], self._counts)

    def _annotators(self) -> set[str]:  # everyone who answered or has a view open here
        return set(self._ledger.frame()["annotator"]) | self._sessions.annotators()



def label(
    df: pd.DataFrame, task: Task, annotator: str | None = None, **options: Any
) -> LabelerWidget:
    """Bind ``df`` to ``task`` and return the labeling widget: the one-line way to start.

    ``options`` go to :class:`Project` (``store``, ``name``, ``order``, ``seed``, ``into``,
    ``overlap``, ``lease_seconds``, ``gold``) or to :meth:`Project.label` (``window``,
    ``show_suggestions``). The project is the widget's ``project`` attribute.
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
