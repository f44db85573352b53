"""The span view: an item's text with its spans, token boundaries and suggested spans."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from .._payload import Buffers, display_text
from ..tasks.spans import Spans
from . import STATIC, LabelerWidget, register

_SURROGATE = re.compile("[\ud800-\udfff]")


@register("spans")
class SpansWidget(LabelerWidget):
    """Keyboard-first span labeling view (named entities and the like)."""

    _esm = STATIC / "spans.js"
    _css = STATIC / "spans.css"

    @staticmethod
    def item_view(task: Spans, row: pd.Series, buffers: Buffers) -> dict[str, Any]:
        """Return the item's text, its tokens and suggestions, all offsets in code points.

        ``{"text": str | None, "tokens": [start, end, ...], "suggestions": [[start, end,
        label], ...], "errors": [str, ...]}``; ``tokens`` and ``suggestions`` are present only
        when the task has them. A tokenizer or suggester that fails on this item is reported in
        ``errors`` (the item can still be labelled, or skipped) rather than breaking the window.
        """
        text = display_text(row[task.text])
        view: dict[str, Any] = {"text": text, "errors": []}
        if text is None:
            return view
        surrogate = _SURROGATE.search(text)
        if surrogate:
            # A browser would read two such code points as one character: offsets could not
            # agree, so this text cannot be labelled until it is cleaned.
            view["text"] = None
            view["errors"].append(
                f"the text holds a lone UTF-16 surrogate (U+{ord(surrogate.group()):04X} at "
                f"offset {surrogate.start()}), which browsers cannot show faithfully; clean "
                "it, e.g. text.encode('utf-16', 'surrogatepass').decode('utf-16', 'replace')."
            )
            return view
        if task.tokens is not None:
            try:
                view["tokens"] = [offset for token in task.tokenize(text) for offset in token]
            except Exception as error:  # a user's tokenizer: report, label without snapping
                view["errors"].append(f"tokens: {type(error).__name__}: {error}")
        if task.suggest is not None:
            try:
                suggested = task.suggestions(row)
            except Exception as error:  # a user's tagger or column: report, label without
                view["errors"].append(f"suggestions: {type(error).__name__}: {error}")
            else:
                view["suggestions"] = [[s["start"], s["end"], s["label"]] for s in suggested]
        return view
