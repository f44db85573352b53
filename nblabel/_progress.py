"""Progress of long runs (simulations, pre-labeling): a tqdm bar, a line on stderr, or a callback.

``progress=True`` shows a tqdm bar when tqdm is installed (in a notebook, its widget), else a
line on stderr updated at most twice a second; ``False`` shows nothing; a function
``f(done, total)`` is called after every step.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

#: A user's progress function: ``f(done, total)``.
ProgressCallback = Callable[[int, int], Any]


def check_progress(progress: Any) -> bool | ProgressCallback:
    """Return ``progress`` if it is True, False or a function ``f(done, total)``, else raise."""
    if not (isinstance(progress, bool) or callable(progress)):
        raise TypeError(
            f"progress must be True, False or a function f(done, total), got {progress!r}."
        )
    return progress


class ProgressBar:
    """Report the progress of ``total`` steps of ``unit`` (named ``what``); a context manager.

    Entering returns ``step(count=1)``, to call after each step.
    """

    def __init__(
        self, progress: bool | ProgressCallback, total: int, what: str, unit: str
    ) -> None:
        self.progress, self.total, self.done = check_progress(progress), total, 0
        self.what, self.unit = what, unit
        self.bar: Any = None
        self.last = 0.0

    def __enter__(self) -> Callable[[int], None]:
        if self.progress is True:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                self.bar = None
            else:
                self.bar = tqdm(total=self.total, desc=self.what, unit=self.unit)
        return self.step

    def step(self, count: int = 1) -> None:
        """Count ``count`` more steps done."""
        self.done += count
        if callable(self.progress):
            self.progress(self.done, self.total)
        elif self.bar is not None:
            self.bar.update(count)
        elif self.progress:
            now = time.monotonic()
            if now - self.last >= 0.5 or self.done == self.total:
                self.last = now
                end = "\n" if self.done == self.total else ""
                sys.stderr.write(f"\r{self.what}: {self.done}/{self.total} {self.unit}s{end}")
                sys.stderr.flush()

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()
