"""The order in which items are offered to annotators.

A :class:`Queue` fixes a presentation order over the DataFrame's rows (as it stands, or shuffled
with a seed); each annotator walks it with a :class:`QueueCursor` that only moves forward and
passes over items the caller rejects (already answered, already on screen). Finding the next
item therefore costs amortised O(1), even on a million-row frame.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

ORDERS = ("index", "shuffle")


class Queue:
    """A presentation order over ``n_items`` rows.

    Parameters
    ----------
    n_items : int
        Number of rows in the DataFrame.
    order : {"index", "shuffle"}, default "index"
        ``"index"`` offers rows as the DataFrame lists them; ``"shuffle"`` in a random order
        that ``seed`` makes reproducible (the same for every annotator, so their answers
        overlap early, which is what agreement needs).
    seed : int, optional
        Seed of the shuffle.

    Examples
    --------
    >>> Queue(5, order="shuffle", seed=0).positions.tolist()
    [2, 3, 4, 0, 1]
    """

    def __init__(self, n_items: int, order: str = "index", seed: int | None = None) -> None:
        if order not in ORDERS:
            raise ValueError(f"order={order!r} is not supported; use one of {list(ORDERS)}.")
        if seed is not None and not isinstance(seed, (int, np.integer)):
            raise TypeError(f"seed must be an int or None, got {seed!r}.")
        self.n_items = int(n_items)
        self.order = order
        self.seed = seed
        self._positions: np.ndarray | None = None

    @classmethod
    def of(cls, n_items: int, positions: list[int]) -> Queue:
        """Return a queue that offers exactly ``positions``, in that order."""
        queue = cls(n_items)
        queue._positions = np.asarray(positions, dtype=np.int64)
        return queue

    @property
    def positions(self) -> np.ndarray:
        """Row positions in presentation order (computed on first use)."""
        if self._positions is None:
            if self.order == "shuffle":
                self._positions = np.random.default_rng(self.seed).permutation(self.n_items)
            else:
                self._positions = np.arange(self.n_items)
        return self._positions

    def cursor(self) -> QueueCursor:
        """Return a new cursor at the start of the order."""
        return QueueCursor(self)


class QueueCursor:
    """A forward-only walk over a :class:`Queue`."""

    def __init__(self, queue: Queue) -> None:
        self._queue = queue
        self._next = 0

    def take(self, count: int, accept: Callable[[int], bool]) -> list[int]:
        """Return up to ``count`` next positions for which ``accept(position)`` is true."""
        positions = self._queue.positions
        taken: list[int] = []
        while len(taken) < count and self._next < len(positions):
            position = int(positions[self._next])
            self._next += 1
            if accept(position):
                taken.append(position)
        return taken

    @property
    def exhausted(self) -> bool:
        """True once every position has been passed."""
        return self._next >= len(self._queue.positions)

    def restart(self) -> None:
        """Walk the order again from the start (to find items that became free since)."""
        self._next = 0
