"""What the dashboard reads of a project, as a protocol (an :class:`nblabel.Project` offers it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd

if TYPE_CHECKING:
    import anywidget

    from ..learn.worker import BackgroundLearner


class DashboardProject(Protocol):
    """What the dashboard uses of a project; an :class:`nblabel.Project` offers all of it."""

    df: pd.DataFrame
    task: Any
    name: str

    @property
    def annotations(self) -> pd.DataFrame:
        """The tidy event table."""

    @property
    def learner(self) -> BackgroundLearner | None:
        """The model in the loop, if any."""

    def labels(self) -> pd.Series:
        """Return each item's current label."""

    def agreement(self, *, n: int) -> pd.DataFrame:
        """Return the agreement summary, with ``n`` bootstrap resamples."""

    def add_listener(self, callback: Callable[[], Any]) -> Callable[[], Any]:
        """Call ``callback()`` after answers are stored."""

    def remove_listener(self, callback: Callable[[], Any]) -> None:
        """Stop calling ``callback``."""

    def label(self, annotator: str | None = None, *, items: list[Any]) -> anywidget.AnyWidget:
        """Return a labeling widget over ``items``."""

    def review(self, annotator: str | None = None, *, items: list[Any]) -> anywidget.AnyWidget:
        """Return the adjudication view over ``items``."""
