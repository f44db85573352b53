"""Gold items in an annotator's stream: first for an open qualification round, then mixed in.

A session asks :class:`GoldStream` whether the next item of the stream should be a gold one:
while the annotator's current qualification round is open (see :mod:`nblabel.qualification`)
gold items come first, until the round's quota is answered or held in the window; after that,
every ``period``-th item is gold. The current round is cached and recomputed only after what
may change it (an answer to a gold item, or any answer when a new guideline version can start a
round).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from .context import ProjectContext


class GoldStream:
    """The gold schedule of one annotator's session (a no-op without gold items)."""

    def __init__(self, context: ProjectContext, annotator: str, counted: bool) -> None:
        self.context = context
        self.annotator = annotator
        self.counted = counted  # whether this session's answers are subject to qualification
        self._round: dict[str, Any] | None = None
        self._last_number: int | None = None  # the round last seen by new_round()

    def changed(self, pos: int) -> None:
        """Note an event of this annotator on ``pos``: the current round may have changed."""
        gold = self.context.gold
        if gold is not None and (pos in gold or gold.spec.requalify_on_guideline):
            self._round = None

    def current_round(self) -> dict[str, Any] | None:
        """Return the annotator's current qualification round (None without rounds)."""
        gold = self.context.gold
        if gold is None or not gold.spec.qualify or not self.counted:
            return None
        if self._round is None:
            self._round = self.context.qualification(self.annotator)
        return self._round

    def new_round(self) -> bool:
        """Whether a qualification round opened since the last call (never on the first).

        The session then drops the regular items its window holds, so the round's gold items
        come next rather than after them.
        """
        current = self.current_round()
        number = None if current is None else current.get("round", 1)
        opened = (
            number is not None and self._last_number is not None
            and number > self._last_number and current["passed"] is None
        )
        self._last_number = number
        return opened

    def seen(self, answered: Collection[int], taken: Collection[int]) -> int:
        """Gold items of the open round answered or held in the window (its quota if none)."""
        gold, current = self.context.gold, self.current_round()
        if current is None or current["passed"] is not None:
            return gold.spec.qualify
        return current["done"] + sum(1 for pos in taken if pos in gold and pos not in answered)

    def qualifying(self, answered: Collection[int], taken: Collection[int]) -> bool:
        """Whether the open round still wants gold items (so the stream is not exhausted)."""
        gold = self.context.gold
        return gold is not None and self.seen(answered, taken) < gold.spec.qualify
