"""The ranking view: the prompt and the options, in the order drawn for the annotator."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pandas as pd

from .._payload import Buffers, display_text
from ..session import RejectedAnswer, protocol
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

    def _on_message(self, widget: Any, content: Any, buffers: list[bytes]) -> None:
        """Reject an answer whose details contradict it or this view; pass the rest on."""
        try:
            self._check_details(content)
        except RejectedAnswer as error:
            req, pos = content.get("req"), content.get("pos")
            self.deliver(protocol.reject(req, pos, str(error)), [])
            return
        super()._on_message(widget, content, buffers)

    def _check_details(self, content: Any) -> None:
        """Raise :class:`RejectedAnswer` if an answer reports an order this view did not show.

        The order an answer reports (``meta["shown"]``) must be the order this kernel drew for
        the item and annotator, or a stale or faulty view would corrupt position-bias data.
        Everything else in the message is the session's to judge.
        """
        if not isinstance(content, dict) or content.get("kind") != "answer":
            return
        meta = content.get("meta")
        shown = meta.get("shown") if isinstance(meta, dict) else None
        if not isinstance(shown, (list, tuple)):  # none, or malformed: the session says so
            return
        session = self._session
        item = session.item_at(session.check_pos(content.get("pos")))
        order = session.task.order_for(item, session.annotator)
        malformed = sorted(map(str, shown)) != sorted(order)  # the session explains those
        if not malformed and list(shown) != list(order):
            raise RejectedAnswer(
                f"the answer says the options were shown as {shown}, but this item is shown "
                f"to {session.annotator!r} as {order}; reload the view and answer again."
            )
