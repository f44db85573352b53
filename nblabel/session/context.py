"""What a session needs of its project, as one narrow interface the project fills in.

Sessions never see the project itself: the :class:`~nblabel.Project` facade builds a
:class:`ProjectContext` with its data, its ledger and a few services (suggestions, the
qualification round, a refresh), and sets :attr:`ProjectContext.model` when a model joins the
loop. The model is seen through :class:`ModelOrder`, so sessions do not depend on
:mod:`nblabel.learn`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from ..gold import GoldSet
from ..ledger import Ledger
from ..ledger.prelabels import as_suggestion
from ..queue import Queue
from ..tasks import Task


class ModelOrder(Protocol):
    """The model in the loop, as sessions use it: its order of items and its status."""

    @property
    def version(self) -> int | None:
        """The version of the model that made the current order (None before any)."""

    def take(
        self, walker: object, epoch: Any, count: int, accept: Callable[[int], bool]
    ) -> list[int]:
        """Return the next ``count`` positions of the model's order that ``accept`` takes."""

    def status(self) -> dict[str, Any]:
        """Return what views show of the model: ``status``, ``message``, ``version``, ``error``."""

    def suggestion(self, pos: int) -> dict[str, Any] | None:
        """Return the model's suggested answer for ``pos`` (None before a fit)."""


@dataclass
class ProjectContext:
    """A project's data and services, as its sessions see them.

    Attributes
    ----------
    df : pandas.DataFrame
        The items.
    task : Task
        What is asked.
    queue : Queue
        The project's order of items.
    ledger : Ledger
        The events in memory, the path to record one, and the overlap leases.
    gold : GoldSet or None
        Items with known answers.
    qualification : callable
        ``qualification(annotator)``: their qualification round (done, needed, correct,
        passed).
    refresh : callable
        Pull events other kernels wrote and update every open view; returns how many.
    model : ModelOrder or None
        The model in the loop, once there is one.
    """

    df: pd.DataFrame
    task: Task
    queue: Queue
    ledger: Ledger
    gold: GoldSet | None
    qualification: Callable[[str], dict[str, Any]]
    refresh: Callable[[], int]
    model: ModelOrder | None = None

    @property
    def n_items(self) -> int:
        """Number of items."""
        return len(self.df)

    def suggest(self, pos: int, source: str | None = None) -> dict[str, Any] | None:
        """Return the answer to suggest for ``pos``, or None when there is none.

        ``{"value", "confidence", "source"}`` (and ``by``, ``version`` for a pre-labeler's).
        By default the first there is of: the task's pre-label column, the newest stored
        pre-label (:meth:`nblabel.Project.prelabel`), the model's; ``source`` names one
        pre-labeler, or ``"model"``, to show only theirs.
        """
        if source is None:
            suggestion = self.task.suggestion(self.df.iloc[pos])
            if suggestion is not None:
                return {**suggestion, "source": "column"}
        if source != "model":
            stored = self.ledger.prelabels.latest(pos, source)
            if stored is not None or source is not None:
                return None if stored is None else as_suggestion(stored)
        return None if self.model is None else self.model.suggestion(pos)
