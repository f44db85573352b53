"""The ledger: what a project knows in memory, and the one path by which events reach it.

Every event takes the same path, in this order: *record* (build the event), *store* (committed,
possibly in one transaction with other writers of the same store: group commit), then, under the
ledger's lock, *mirror* (the in-memory log and the current answers, in id order, with events
other kernels and threads wrote in between), *subscribers* (per event: the open sessions, the
model, the write-back column; per batch: the project's listeners). An answer is therefore
on disk before anything in memory or on screen shows it, and every reader sees events in the
order of their ids, whichever kernel wrote them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import pandas as pd

from .._items import encode_item
from ..store import NewEvent, Store, StoredEvent, StoreError, now_us
from .answers import CurrentAnswers
from .leases import Leases
from .mirror import EventLog
from .prelabels import PreLabels
from .routes import Routes

log = logging.getLogger("nblabel")

#: A per-event subscriber: ``(row position, stored event)``; the position is -1 for an item
#: that is not in the bound DataFrame.
EventSubscriber = Callable[[int, StoredEvent], Any]


class Ledger:
    """A project's event log in memory: mirror, current answers, leases and subscribers.

    Parameters
    ----------
    store : Store
        Where events are kept.
    project_id : int
        The project's id in the store.
    index : pandas.Index
        The bound DataFrame's index (items are its values; positions are its row numbers).
    guideline : str
        The guideline version recorded with every event written here.
    overlap : int, optional
        Annotators per item (see :class:`~nblabel.ledger.leases.Leases`).
    lease_us : int
        How long a reservation lasts, in microseconds.
    """

    def __init__(
        self,
        store: Store,
        project_id: int,
        index: pd.Index,
        guideline: str,
        *,
        overlap: int | None,
        lease_us: int,
    ) -> None:
        self.store = store
        self.project_id = project_id
        self.index = index
        self.guideline = guideline
        #: The lock every change of the mirror, and every reader that needs a stable view, holds.
        self.lock = threading.RLock()
        self.log = EventLog(index)
        self.answers = CurrentAnswers()
        self.prelabels = PreLabels()
        self.routes = Routes(self.answers)
        self.leases = Leases(store, project_id, index, self.answers, overlap, lease_us)
        self._on_event: list[EventSubscriber] = []
        self._on_batch: list[Callable[[], Any]] = []

    # -- subscriptions ----------------------------------------------------------------------
    def subscribe(self, callback: EventSubscriber) -> None:
        """Call ``callback(pos, event)`` for every event that reaches the mirror, in id order."""
        with self.lock:
            self._on_event.append(callback)

    def unsubscribe(self, callback: EventSubscriber) -> None:
        """Stop calling a per-event ``callback``."""
        with self.lock:
            self._on_event.remove(callback)

    def subscribe_batch(self, callback: Callable[[], Any]) -> None:
        """Call ``callback()`` after each batch of new events; its errors are logged, not raised."""
        with self.lock:
            self._on_batch.append(callback)

    def unsubscribe_batch(self, callback: Callable[[], Any]) -> None:
        """Stop calling a batch ``callback``; ValueError if it was not subscribed."""
        with self.lock:
            self._on_batch.remove(callback)

    def announce(self) -> None:
        """Call the batch subscribers now (new events arrived, or what they show changed)."""
        for callback in list(self._on_batch):
            try:
                callback()
            except Exception:  # a broken listener must never cost an answer
                log.exception("nblabel: a project listener failed")

    # -- the path of an event ---------------------------------------------------------------
    def record(
        self,
        pos: int,
        annotator: str,
        event: str,
        value: Any = None,
        *,
        flag: str | None = None,
        comment: str | None = None,
        source: str = "human",
        duration_ms: int | None = None,
        meta: dict[str, Any] | None = None,
        based_on: int | None = None,
    ) -> int:
        """Store one event for the item at ``pos``, mirror it, tell subscribers; return its id.

        Arguments are already checked by the caller (the task and :mod:`nblabel._checks`).
        ``based_on``: the newest event of ``annotator`` on the item the writer knew (see
        :meth:`nblabel.store.Store.append`); None writes unconditionally. Raises
        :class:`~nblabel.store.StoreError` (:class:`~nblabel.store.StaleAnswer` for a stale
        ``based_on``) when the store refuses it; then nothing changed in memory.
        """
        item = encode_item(self.index[pos])
        new = NewEvent(
            item=item,
            annotator=annotator,
            event=event,
            value=value,
            flag=flag,
            comment=comment,
            source=source,
            guideline=self.guideline,
            duration_ms=duration_ms,
            meta=meta or None,
            created_us=now_us(),
        )
        # Stored outside the lock, so that answers of other views and projects of this kernel
        # share a commit with this one (group commit, see nblabel.store.commits).
        leases = self.leases
        [event_id] = self.store.append(
            self.project_id, [new], overlap=leases.overlap, lease_us=leases.lease_us,
            based_on=None if based_on is None else [based_on],
        )
        with self.lock:
            if event_id <= self.log.last_id:
                pass  # another writer of this ledger read it back with its own, in id order
            elif event_id == self.log.last_id + 1:
                # Nothing was written in between: mirror the event without reading it back.
                self._ingest([StoredEvent(id=event_id, **new._asdict())], known={item: pos})
            else:
                try:
                    self._ingest(self._read_after(), known={item: pos})
                except StoreError:
                    # Stored, but others' events could not be read just now: the event reaches
                    # the mirror with the next pull, in id order.
                    log.exception("nblabel stored event %s but could not read the store", event_id)
        return event_id

    def append(
        self,
        events: list[NewEvent],
        *,
        if_last: int | None = None,
        known: dict[str, int] | None = None,
    ) -> list[int]:
        """Store ``events`` in one transaction (all or none), mirror them; return their ids.

        ``if_last``: the newest event id the caller checked ``events`` against; the store
        refuses the batch (:class:`~nblabel.store.LogChanged`) if others wrote since.
        ``known``: encoded item ids whose row position the caller knows (as for
        :meth:`EventLog.extend`).
        """
        with self.lock:
            leases = self.leases
            ids = self.store.append(
                self.project_id, events, overlap=leases.overlap, lease_us=leases.lease_us,
                if_last=if_last,
            )
            first = self.log.last_id + 1
            timed = all(event.created_us is not None for event in events)
            if timed and ids == list(range(first, first + len(ids))):
                # Nothing was written in between: mirror the batch without reading it back.
                rows = [
                    StoredEvent(
                        event_id, event.item, event.annotator, event.event, event.value,
                        event.flag, event.comment, event.source, event.guideline,
                        event.created_us, event.duration_ms, event.meta or None,
                    )
                    for event_id, event in zip(ids, events, strict=True)
                ]
                self._ingest(rows, known)
            else:
                self.pull()
        return ids

    def pull(self) -> int:
        """Mirror the events written since the last read (e.g. other kernels'); return the count."""
        with self.lock:
            rows = self._read_after()
            self._ingest(rows, None)
            return len(rows)

    def _read_after(self) -> list[StoredEvent]:
        return self.store.read(self.project_id, after=self.log.last_id)

    def _ingest(self, rows: list[StoredEvent], known: dict[str, int] | None) -> None:
        for pos, row in self.log.extend(rows, known):
            if pos >= 0:
                self.answers.apply(pos, row)
                self.prelabels.apply(pos, row)
                self.routes.apply(pos, row)
            for callback in list(self._on_event):
                callback(pos, row)
        if rows:
            self.announce()

    # -- reading ----------------------------------------------------------------------------
    @property
    def last_id(self) -> int:
        """Id of the newest event mirrored (0 when none)."""
        return self.log.last_id

    def __len__(self) -> int:
        return len(self.log)

    def frame(self) -> pd.DataFrame:
        """Return the tidy event table of the events mirrored so far (``Project.annotations``)."""
        return self.log.frame()

    def current(self, annotator: str | None = None, *, keys: bool = False) -> pd.DataFrame:
        """Return each annotator's current answer per item, with its row ``position``."""
        return self.log.current(annotator, keys=keys)
