"""The kernel's event loop: where widget, view and mirror changes run, and how a worker hands over.

nblabel changes widgets, views and a project's in-memory mirror of the log under the ledger's
lock, and schedules its own changes on the kernel's event loop (a tornado ``IOLoop`` on the main
thread). The browser's messages may arrive on a kernel subshell's thread; the session handles
them under the same lock. Work that may take long (a
model's retrain) runs in a worker thread; it never touches a widget itself. It hands its result
over with :meth:`Scheduler.soon`, which queues a callback on the loop and returns at once; the
callback then makes the change on the loop's thread.

:func:`default_scheduler` returns the kernel's loop when there is one (a :class:`LoopScheduler`)
and, outside a kernel (a script, a test), a :class:`ThreadScheduler` that runs callbacks at once
on the caller's thread and delayed ones on timer threads, one callback at a time.

Examples
--------
>>> scheduler = default_scheduler()
>>> scheduler.soon(lambda: print("on the loop"))
on the loop
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Protocol


class Scheduler(Protocol):
    """Where and when callbacks that change widgets, views or the mirror run."""

    def now(self) -> float:
        """Seconds on a monotonic clock."""

    def soon(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` as soon as possible; callable from any thread."""

    def later(self, delay: float, callback: Callable[[], None]) -> Any:
        """Run ``callback`` after ``delay`` seconds; only called from a ``soon`` callback."""


class LoopScheduler:
    """Runs callbacks on a tornado IOLoop (the kernel's), whatever thread asks.

    Parameters
    ----------
    loop : tornado.ioloop.IOLoop
        The loop callbacks run on, e.g. ``get_ipython().kernel.io_loop``.
    """

    def __init__(self, loop: Any) -> None:
        self.loop = loop

    def now(self) -> float:
        """Seconds on a monotonic clock."""
        return time.monotonic()

    def soon(self, callback: Callable[[], None]) -> None:
        """Queue ``callback`` on the loop; callable from any thread."""
        self.loop.add_callback(callback)  # thread-safe in tornado

    def later(self, delay: float, callback: Callable[[], None]) -> Any:
        """Run ``callback`` on the loop after ``delay`` seconds; return the loop's handle."""
        return self.loop.call_later(delay, callback)


class ThreadScheduler:
    """Outside a kernel (a script, a test): run at once, delays on timer threads, one at a time."""

    def __init__(self) -> None:
        self._lock = threading.RLock()

    def now(self) -> float:
        """Seconds on a monotonic clock."""
        return time.monotonic()

    def soon(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` now, on the caller's thread, once no other callback runs."""
        with self._lock:
            callback()

    def later(self, delay: float, callback: Callable[[], None]) -> Any:
        """Run ``callback`` on a timer thread after ``delay`` seconds; return the timer."""

        def run() -> None:
            with self._lock:
                callback()

        timer = threading.Timer(delay, run)
        timer.daemon = True
        timer.start()
        return timer


def default_scheduler() -> Scheduler:
    """Return the kernel's loop scheduler when running in a Jupyter kernel, else a thread one."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return ThreadScheduler()
    kernel = getattr(get_ipython(), "kernel", None)
    loop = getattr(kernel, "io_loop", None)
    return ThreadScheduler() if loop is None else LoopScheduler(loop)
