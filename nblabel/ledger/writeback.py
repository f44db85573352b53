"""Write-back: keep a column of the bound DataFrame filled with each item's latest label."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..store import StoredEvent
from .answers import CurrentAnswers


class WriteBack:
    """A ledger subscriber that sets ``df[column]`` to each item's latest current label.

    The column is created (or overwritten) empty when the write-back starts; the ledger then
    fills it as events are mirrored, so ``df`` always shows the labels without a call.
    """

    def __init__(self, df: pd.DataFrame, column: str, answers: CurrentAnswers) -> None:
        self.df = df
        self.column = column
        self.answers = answers
        df[column] = pd.Series(np.full(len(df), None, dtype=object), index=df.index)

    @staticmethod
    def check_column(column: Any, shown: Sequence[str]) -> None:
        """Raise unless ``column`` can hold the labels: a name, not a column the task shows."""
        if not isinstance(column, str) or not column:
            raise TypeError(f"into must be a column name (str), got {column!r}.")
        if column in shown:
            raise ValueError(
                f"into={column!r} is a column the task shows; choose another column name "
                "for the labels, e.g. into='label'."
            )

    def __call__(self, pos: int, _row: StoredEvent) -> None:
        """Update the item at ``pos`` after an event on it."""
        if pos < 0:
            return
        labels = [answer for answer in self.answers.of(pos).values() if answer.is_label]
        latest = max(labels, key=lambda answer: answer.event_id).value if labels else None
        self.df.iat[pos, self.df.columns.get_loc(self.column)] = latest
