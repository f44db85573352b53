"""Group commit: writes that arrive together share one transaction and one flush to disk.

A durable commit costs a flush of the log to disk (an fsync), and appends to one project commit
one at a time so that ids become visible in order (see
:func:`~nblabel.store.engines.lock_events`). One commit per answer therefore caps a store at one
answer per flush, however many annotators write. :class:`GroupCommit` lifts the cap for the
writers of one :class:`~nblabel.store.Store` (the views and projects of one kernel): a writer
hands its write over and waits; the first writer to find nobody committing leads. The leader
takes every write waiting, its own included, and has them written in one transaction (each in a
savepoint of its own, so a write the store refuses is rolled back alone and its writer gets its
own error). It commits once, then wakes the group: each writer returns its ids or raises its
error. Writers that arrived meanwhile wait for the commit to end, and one of them leads the next
group.

Nothing is returned before the commit that holds it has returned, so an acknowledged write is on
disk; a group is one transaction, so a crash loses either all of it (nothing of it was
acknowledged) or none.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from .errors import StoreError


class Write:
    """One writer's part of a group: what to write (``job``), then its ids or its own error.

    The function that writes a group sets ``ids`` for each write it stored and ``error`` for
    each it refused; :class:`GroupCommit` sets ``done`` once the group's transaction ended.
    """

    __slots__ = ("done", "error", "ids", "job")

    def __init__(self, job: Any) -> None:
        self.job = job
        self.ids: list[int] | None = None
        self.error: BaseException | None = None
        self.done = False

    def result(self) -> list[int]:
        """Return the ids written, or raise the error that refused this write."""
        if self.error is not None:
            raise self.error
        if self.ids is None:  # the group function must account for every write
            raise StoreError("the store neither wrote nor refused this write; nothing was saved.")
        return self.ids


class GroupCommit:
    """Write the jobs of concurrent writers in shared transactions, leader and followers.

    Parameters
    ----------
    write_group : callable
        ``write_group(writes)`` writes a list of :class:`Write` in one transaction and commits
        it: it sets ``ids`` on each write stored and ``error`` on each refused (rolled back
        alone). If it raises, the group's transaction did not commit: every write it did not
        refuse gets that error.
    """

    def __init__(self, write_group: Callable[[list[Write]], None]) -> None:
        self._write_group = write_group
        self._changed = threading.Condition(threading.Lock())
        self._waiting: list[Write] = []
        self._leading = False

    @property
    def waiting(self) -> int:
        """How many writes wait for the next group (not counting the group being written)."""
        with self._changed:
            return len(self._waiting)

    def submit(self, job: Any) -> list[int]:
        """Write ``job`` with whatever else is waiting; return its ids once committed.

        Raises the error that refused this job (another job's error never reaches this
        writer), or the error that made the whole group's commit fail.
        """
        write = Write(job)
        with self._changed:
            self._waiting.append(write)
            while self._leading and not write.done:
                self._changed.wait()
            if write.done:
                return write.result()
            self._leading = True
            group, self._waiting = self._waiting, []
        try:
            self._write_group(group)
        except BaseException as error:
            shared = error if isinstance(error, Exception) else _interrupted(error)
            for member in group:
                if member.error is None:
                    member.ids, member.error = None, shared
            if not isinstance(error, Exception):  # KeyboardInterrupt reaches its own thread only
                raise
        finally:
            with self._changed:
                for member in group:
                    member.done = True
                self._leading = False
                self._changed.notify_all()
        return write.result()


def _interrupted(error: BaseException) -> StoreError:
    return StoreError(
        f"the transaction holding this write was interrupted ({type(error).__name__}) in "
        "another thread of this kernel; it may not have been saved. Read the store to check, "
        "and write it again if it is missing."
    )
