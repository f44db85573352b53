"""Overlap leases: with ``overlap=k``, who may still be given an item, and its reservations.

An item shown to an annotator is reserved for them in the store for a lease time (renewed while
their view is open), so kernels sharing the store never hand one item to more than ``k``
annotators. The store enforces it when an answer is written; this module asks it for
reservations and tells, from the current answers this kernel knows, whom an item may go to.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .._items import encode_item
from ..store import Store
from .answers import CurrentAnswers


class Leases:
    """The reservations of one project's items (a no-op without ``overlap``)."""

    def __init__(
        self,
        store: Store,
        project_id: int,
        index: pd.Index,
        answers: CurrentAnswers,
        overlap: int | None,
        lease_us: int,
    ) -> None:
        self.store = store
        self.project_id = project_id
        self.index = index
        self.answers = answers
        self.overlap = overlap
        self.lease_us = lease_us

    def available(self, pos: int, annotator: str) -> bool:
        """Whether ``annotator`` may still be given ``pos``, as far as this kernel knows."""
        if self.overlap is None:
            return True
        holders = self.answers.holders(pos)
        return annotator in holders or len(holders) < self.overlap

    def claim(self, positions: Sequence[int], annotator: str) -> list[int]:
        """Reserve items for ``annotator``; return the positions held (all without overlap)."""
        if self.overlap is None or not positions:
            return list(positions)
        keys = {encode_item(self.index[pos]): pos for pos in positions}
        held = self.store.claim(self.project_id, list(keys), annotator, self.overlap, self.lease_us)
        return [keys[key] for key in held]

    def renew(self, positions: Sequence[int], annotator: str) -> None:
        """Extend ``annotator``'s reservations of ``positions``."""
        if self.overlap is not None and positions:
            keys = [encode_item(self.index[pos]) for pos in positions]
            self.store.renew(self.project_id, keys, annotator, self.lease_us)

    def release(self, annotator: str) -> None:
        """Give back every item reserved for ``annotator`` and not answered."""
        if self.overlap is not None:
            self.store.release(self.project_id, annotator)
