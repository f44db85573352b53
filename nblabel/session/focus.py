"""An annotator's session over chosen items: "relabel these"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._payload import Buffers
from ..queue import Queue
from . import protocol
from .annotator import AnnotatorSession
from .context import ProjectContext


class FocusSession(AnnotatorSession):
    """An annotator's session over chosen items, answered before or not ("relabel these").

    The window holds exactly ``positions``, in that order; an item answered before shows its
    answer, which a key replaces and Enter keeps. Progress counts the items answered since
    the session opened.
    """

    def __init__(
        self,
        context: ProjectContext,
        annotator: str,
        item_view: Callable[[Any, Any, Buffers], dict[str, Any]],
        window: int,
        positions: list[int],
    ) -> None:
        super().__init__(context, annotator, item_view, window)
        self.positions = positions
        self.cursor = Queue.of(context.n_items, positions).cursor()
        self._chosen = set(positions)
        self._touched: dict[int, None] = {}  # chosen items answered here, in answer order

    def apply(
        self, pos: int, event: str, value: Any, flag: Any, comment: Any, meta: Any = None
    ) -> None:
        """Take one stored event into account; an answer to a chosen item counts as done."""
        if pos not in self._chosen:  # another item of this annotator's: only the answer changes
            self._set_answer(
                pos, None if event == "retract"
                else protocol.answer(event, value, flag, comment, meta)
            )
            return
        super().apply(pos, event, value, flag, comment, meta)
        if event == "retract":
            self._touched.pop(pos, None)
        else:
            self._touched[pos] = None

    def _top_up(self) -> list[int]:
        taken = set(self.sent)
        wanted = max(0, self.window - len(self.sent))
        new = self.cursor.take(wanted, lambda pos: pos not in taken and pos not in self._touched)
        self.sent.extend(new)
        return new

    def _rerank(self) -> list[int]:
        return []  # the chosen order stands

    def _settled(self, pos: int) -> bool:
        return pos in self._touched

    def _history(self) -> list[int]:
        return [pos for pos in self._touched if pos in self.answers]

    def _exhausted(self) -> bool:
        return self.cursor.exhausted

    def progress(self) -> dict[str, Any]:
        """Return the annotator's counts, with the chosen items as the total."""
        progress = super().progress()
        progress["done"] = len(self._touched)
        progress["total"] = len(self.positions)
        return progress
