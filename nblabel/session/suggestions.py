"""Which suggestion a session offers for an item, and on which items it hides it.

Suggestions (a pre-label column, a pre-labeler's stored suggestions, the model's) are offered
pre-selected, so Enter accepts them. A session may show them all, only one pre-labeler's (or
the model's), or none; and it may hide them on a share of items, drawn per item and annotator,
so that what annotators answer without a suggestion measures its influence.
"""

from __future__ import annotations

import hashlib
from typing import Any

from .._items import encode_item
from .context import ProjectContext


class SuggestionPolicy:
    """What one annotator's session offers as suggestions.

    Attributes
    ----------
    show : bool or str
        False: none. True: the first there is (see :meth:`ProjectContext.suggest`). A name:
        that pre-labeler's only (``"model"``: the model's).
    hide_share : float
        Share of items shown without their suggestion (0: none).
    """

    def __init__(self, context: ProjectContext, annotator: str) -> None:
        self.context = context
        self.annotator = annotator
        self.show: bool | str = True
        self.hide_share = 0.0

    def offered(self, pos: int) -> dict[str, Any] | None:
        """Return the suggestion to show with ``pos`` (None: none, or hidden here)."""
        return None if self.hidden(pos) else self.available(pos)

    def available(self, pos: int) -> dict[str, Any] | None:
        """Return the suggestion there is for ``pos`` under this policy, hidden or not."""
        if not self.show:
            return None
        return self.context.suggest(pos, self.show if isinstance(self.show, str) else None)

    def hidden(self, pos: int) -> bool:
        """Whether ``pos`` is one of the items shown to this annotator without a suggestion."""
        if not self.hide_share:
            return False
        key = f"{encode_item(self.context.df.index[pos])}\x00{self.annotator}".encode()
        draw = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big") / 2**64
        return draw < self.hide_share

    def answer_details(self, pos: int) -> dict[str, Any]:
        """Return what an answer to ``pos`` records about a hidden suggestion (empty: none).

        ``hidden_suggestion`` and ``suggested_by``: what annotators answer without seeing a
        suggestion is the baseline its influence is measured against.
        """
        suggestion = self.available(pos) if self.hidden(pos) else None
        if suggestion is None:
            return {}
        return {
            "hidden_suggestion": suggestion["value"],
            "suggested_by": suggestion.get("by") or suggestion["source"],
        }
