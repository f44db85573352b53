"""The classification view: an item's text, fields or image, and its labels with their keys."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .._payload import Buffers, display_text, image_ref
from ..tasks import Classify
from . import STATIC, LabelerWidget, register


@register("classify")
class ClassifyWidget(LabelerWidget):
    """Keyboard-first classification view (single- and multi-label)."""

    _esm = STATIC / "classify.js"
    _css = STATIC / "classify.css"

    @staticmethod
    def item_view(task: Classify, row: pd.Series, buffers: Buffers) -> dict[str, Any]:
        """Return the item's text, labelled fields and image reference, as the task shows them."""
        view: dict[str, Any] = {}
        if task.text is not None:
            view["text"] = display_text(row[task.text])
        if task.fields:
            view["fields"] = [[name, display_text(row[col])] for name, col in task.fields.items()]
        if task.image is not None:
            view["image"] = image_ref(row[task.image], buffers)
        return view
