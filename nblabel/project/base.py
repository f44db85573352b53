"""The project's composition: the parts it is made of, and what they are given.

:class:`ProjectBase` builds the parts (the :class:`~nblabel.ledger.Ledger`, every event's path;
the :class:`~nblabel.session.Sessions` open on this kernel; the gold set and the queue) and
registers their subscriptions. The verbs users call live in the sibling modules, each a thin
layer that delegates (:mod:`.reports`, :mod:`.writing`, :mod:`.views`); :class:`nblabel.Project`
puts them together.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import settle
from .._checks import check, check_kwargs
from .._items import check_frame
from ..agreement.data import LABELS_ATTR
from ..gold import Gold, GoldSet
from ..ledger import Ledger
from ..ledger.orphans import warn_orphans
from ..ledger.writeback import WriteBack
from ..queue import Queue
from ..session import ProjectContext, Sessions
from ..store import ANSWER_EVENTS, Store
from ..tasks import Classify, Task

if TYPE_CHECKING:
    from ..io.snapshot import Snapshot
    from ..learn.loop import ModelLoop

DEFAULT_NAME = "default"


class ProjectBase:
    """The parts of a project and their wiring (see :class:`nblabel.Project`)."""

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
        try:
            self._project_id = self.store.open_project(name, task)
        except BaseException:  # a store opened here for a project that cannot open is closed
            if not isinstance(store, Store):
                self.store.close()
            raise
        self._ledger = Ledger(self.store, self._project_id, df.index, task.guideline_version,
                              overlap=self.overlap, lease_us=lease_us)
        self._sessions = Sessions(self._ledger.lock)
        self._loop: ModelLoop | None = None
        self._context = ProjectContext(
            df, task, self.queue, self._ledger, self.gold,
            qualification=self._qualification, refresh=self.refresh,
        )
        self._ledger.subscribe(self._sessions.apply)
        self._ledger.subscribe_batch(self._sessions.show_feedback)
        if into is not None:
            self._ledger.subscribe(WriteBack(df, into, self._ledger.answers))
        self._ledger.pull()
        warn_orphans(self._ledger.current(), df.index)

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

    def close(self) -> None:
        """Stop the model, give back the items reserved on this kernel, release the store."""
        if self._loop is not None:
            self._loop.close()
        for annotator in self._sessions.annotators():
            self._ledger.leases.release(annotator)
        self.store.close()

    def __enter__(self) -> ProjectBase:
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

    def _snapshot(self, as_of: Any) -> Snapshot:
        """Return the answers as of ``as_of`` (checked by the ``as_of`` rule), fixed."""
        from ..io.snapshot import Snapshot, events_as_of

        as_of = check("as_of", as_of)
        items = self.df.drop(columns=[self.into]) if self.into is not None else self.df
        with self._ledger.lock:
            self.refresh()
            log = events_as_of(self._ledger.log, as_of)
            return Snapshot(
                name=self.name, task=self.task, df=items.copy(), log=log, as_of=as_of,
                gold=self.gold, guidelines=self.store.guidelines(self._project_id),
                store=self.store.url,
            )

    def _qualification(self, annotator: str) -> dict[str, Any]:  # their qualification round
        return self.gold.qualification_of(annotator, self._ledger.current(annotator),
                                          self._ledger.frame())

    def _write_events(self, events: list[Any]) -> None:
        """Store events in one transaction, then bring the open views up to date."""
        with self._ledger.lock:
            self._ledger.append(events)
            self._sessions.flush()

    def _requalifying(self) -> frozenset[int]:
        """Return the items whose answers may change who counts (for the model's labels).

        The gold items; every item when a new guideline version can start a round.
        """
        if self.gold.spec.requalify_on_guideline:
            return frozenset(range(self.n_items))
        return self.gold.positions

    def _counts(self, annotator: str) -> bool:  # passed the qualification round, if any
        return self.gold is None or self.gold.counts(
            annotator, self._ledger.current(annotator), self._ledger.frame()
        )

    def _counted(self) -> pd.DataFrame:
        """Return the annotators' own answers that count (no model, gold or adjudicated)."""
        events = self.annotations
        return settle.counted(events[events["source"] == "human"], self._counts)

    def _annotators(self) -> set[str]:  # everyone who answered or has a view open here
        events = self._ledger.frame()
        answered = events.loc[events["event"].isin(ANSWER_EVENTS), "annotator"]
        return set(answered) | self._sessions.annotators()


