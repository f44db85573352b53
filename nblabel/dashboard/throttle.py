"""Throttled redraws: a burst of changes becomes at most one redraw per interval, the last one kept.

A :class:`Throttle` is poked from any thread (the kernel's, after stored answers; a learner's
worker, after a retrain). Pokes only set a flag and hand a callback to a
:class:`~nblabel._kernel.Scheduler`; the redraw itself always runs where the scheduler runs
callbacks — in a kernel, the kernel's own event loop on the main thread, so widgets are only ever
changed from one thread. The first poke after a quiet spell redraws at once (leading edge); pokes
within ``min_interval`` of the last redraw set one timer for the end of the interval (trailing
edge), which redraws the latest state once, however many pokes came in between. The interval runs
from the end of a redraw and is at least as long as that redraw took, so slow redraws (a large
project) never keep the kernel more than half busy.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from .._kernel import Scheduler

log = logging.getLogger("nblabel")


class Throttle:
    """Call ``redraw`` after pokes, at most once per ``min_interval`` seconds, last state last.

    Parameters
    ----------
    redraw : callable
        Called with no arguments on the scheduler's thread.
    min_interval : float
        Least time between the end of a redraw and the start of the next, in seconds; a redraw
        that took longer than this waits as long as it took, so redraws never keep the kernel
        more than half busy. With 0, pokes arriving while a redraw is queued or running still
        coalesce into one.
    scheduler : Scheduler
        Where callbacks run and what the clock says.
    """

    def __init__(self, redraw: Callable[[], None], min_interval: float, scheduler: Scheduler):
        self.redraw = redraw
        self.min_interval = float(min_interval)
        self.scheduler = scheduler
        self.redraws = 0
        self._lock = threading.Lock()
        self._queued = False
        self._timer: Any = None
        self._last: float | None = None
        self._cost = 0.0
        self._closed = False

    def poke(self) -> None:
        """Ask for a redraw (from any thread); cheap, and never queues more than one callback."""
        with self._lock:
            if self._queued or self._closed:
                return
            self._queued = True
        self.scheduler.soon(self._run)

    def draw(self) -> None:
        """Redraw now, on the caller's thread; the interval starts again from here."""
        self._draw()

    def close(self) -> None:
        """Stop redrawing: pending and later pokes are dropped."""
        with self._lock:
            self._closed = True

    def _run(self) -> None:
        with self._lock:
            self._queued = False
            if self._closed or self._timer is not None:
                return  # the trailing timer will draw the latest state
            now = self.scheduler.now()
            gap = max(self.min_interval, self._cost)
            wait = 0.0 if self._last is None else self._last + gap - now
        if wait <= 0:
            self._draw()
        else:
            self._timer = self.scheduler.later(wait, self._fire)

    def _fire(self) -> None:
        self._timer = None
        if not self._closed:
            self._draw()

    def _draw(self) -> None:
        self.redraws += 1
        start = self.scheduler.now()
        try:
            self.redraw()
        except Exception:  # a failing chart must not stop later redraws
            log.exception("nblabel: the dashboard could not redraw")
        self._last = self.scheduler.now()
        self._cost = self._last - start
