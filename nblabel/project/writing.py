"""How answers are written from code: add, skip, retract, and moving orphaned answers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .._checks import annotator_or_default as _annotator
from .._checks import check, check_kwargs
from .._guidelines import cite
from .._items import row_position
from ..ledger.orphans import rekey_events
from ..store import SOURCES
from .base import ProjectBase


class Writing(ProjectBase):
    """Writing answers from code (see :class:`nblabel.Project`)."""

    @check_kwargs
    def add(
        self,
        item: Any,
        value: Any,
        annotator: str | None = None,
        *,
        flag: bool | str | None = None,
        comment: str | None = None,
        source: str = "human",
        meta: dict[str, Any] | None = None,
        passage: str | None = None,
    ) -> int:
        """Record an answer from code, with the same validation as the widget; return its id.

        ``value`` is checked by ``task.validate_for``; ``annotator`` defaults to
        ``JUPYTERHUB_USER`` or the login; ``source`` is ``"human"``, ``"model"``, ``"gold"`` or
        ``"adjudicated"``; ``meta`` holds what a view records (for a ranking
        ``{"shown": [...], "ratings": {...}}``), checked by ``task.validate_meta``.
        ``passage`` cites a passage of the task's guideline by its heading, in a reviewer's
        decision only (``source="adjudicated"``): a copy of it, with the guideline's version,
        is stored with the decision and shown in the annotators' feedback
        (:meth:`feedback`), so it stays what was cited when the guideline changes.

        Examples
        --------
        >>> proj.add(0, "billing", "lead", source="adjudicated",
        ...          comment="a double charge", passage="Billing")  # doctest: +SKIP
        """
        pos = row_position(self.df.index, item)
        value = self.task.validate_for(value, self.df.iloc[pos])
        if source not in SOURCES:
            raise ValueError(f"source={source!r} is not one of {list(SOURCES)}.")
        details = self.task.validate_meta_for(meta, value)
        if passage is not None:
            details = {**(details or {}), "passage": self._cited(passage, source).as_meta()}
        return self._record(
            pos, _annotator(annotator), "label", value, flag=check("flag", flag),
            comment=check("comment", comment), source=source, meta=details,
        )

    def _cited(self, heading: Any, source: str) -> Any:
        """Return the guideline passage a decision cites by ``heading``, or raise saying why."""
        if source != "adjudicated":
            raise ValueError(
                f"passage= is cited by a reviewer's decision, not by a {source!r} answer: pass "
                "source='adjudicated' to record a decision, or leave passage out."
            )
        heading = check("passage", heading)
        return cite(self.task.guidelines, heading)

    def skip(self, item: Any, annotator: str | None = None, *, comment: str | None = None) -> int:
        """Record that ``annotator`` skipped ``item`` (it counts as handled, with no label)."""
        pos = row_position(self.df.index, item)
        return self._record(pos, _annotator(annotator), "skip", comment=check("comment", comment))

    def retract(self, item: Any, annotator: str | None = None) -> int:
        """Undo ``annotator``'s current answer for ``item`` (a ``retract`` event, no deletion)."""
        pos = row_position(self.df.index, item)
        annotator = _annotator(annotator)
        if annotator not in self._ledger.answers.of(pos):
            raise ValueError(f"{annotator!r} has no answer for item {item!r} to retract.")
        return self._record(pos, annotator, "retract")

    def rekey(self, mapping: Mapping[Any, Any] | Callable[[Any], Any]) -> int:
        """Move answers stored under ids not in ``df`` to the rows they belong to; return how many.

        ``mapping`` is ``{old_id: new_id}`` or a function of the old id (e.g. ``str`` after
        the index turned into strings). Each move is recorded as events (a copy on the new
        item, a retract on the old), all in one transaction. See :mod:`nblabel.ledger.orphans`.
        """
        with self._ledger.lock:
            self.refresh()
            moves = rekey_events(self._ledger.current(keys=True), self.df, mapping,
                                 self.task.validate_for)
            if moves:
                self._ledger.append(moves)
                self._sessions.flush()
        return len(moves) // 2

