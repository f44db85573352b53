"""The ranking view: the prompt and the options, in the order drawn for the annotator."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pandas as pd

from .._payload import Buffers, display_text
from ..tasks.rank import Rank
from . import STATIC, LabelerWidget, register


@register("rank")
class RankWidget(LabelerWidget):
    """Keyboard-first ranking view: A/B with ties for two options, a reorderable list for more."""

    _esm = STATIC / "rank.js"
    _css = STATIC / "rank.css"

    @classmethod
    def item_view_for(cls, annotator: str) -> Callable[[Rank, pd.Series, Buffers], dict[str, Any]]:
        """Return the item view for ``annotator``: options in the order drawn for them."""
        return functools.partial(cls.item_view, annotator=annotator)

    @staticmethod
    def item_view(
        task: Rank, row: pd.Series, buffers: Buffers, annotator: str = ""
    ) -> dict[str, Any]:
        """Return the prompt and ``[option, text]`` pairs in the order shown to ``annotator``.

        The browser shows the options in this order and records it with the answer
        (``meta["shown"]``); see :meth:`nblabel.tasks.Rank.order_for`.
        """
        order = task.order_for(row.name, annotator)
        view: dict[str, Any] = {"options": [[key, display_text(row[key])] for key in order]}
        if task.prompt is not None:
            view["prompt"] = display_text(row[task.prompt])
        return view
