"""A team's quality loop: feedback to annotators, slice audits, planning a pilot, time to settle."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from .. import audit
from .._checks import annotator_or_default as _annotator
from .._checks import check, check_kwargs, default_annotator
from .._items import encode_item, row_positions
from ..agreement.planning import plan_pilot
from ..feedback import feedback_table
from ..qualification import rounds_table
from ..slices import slice_audit, slice_groups
from ..store import NewEvent
from .base import ProjectBase

#: The agreement a pilot is planned for, by kind of task (labels: Krippendorff's alpha).
_PLANNED = {"spans": "span_agreement", "rank": "kendall_w"}


class Quality(ProjectBase):
    """The team-quality verbs of a project (see :class:`nblabel.Project`)."""

    def feedback(self, annotator: str | None = None) -> pd.DataFrame:
        """Return ``annotator``'s answers a reviewer overruled or that missed a gold item.

        With the reviewer's comment (or the gold explanation) and the guideline passage the
        decision cites (a :class:`nblabel.Passage`, as it was cited; None without), newest
        first; see :func:`nblabel.feedback.feedback_table`.
        """
        annotator = _annotator(annotator)
        self.refresh()
        return feedback_table(annotator, self._ledger.current(annotator), self._ledger.answers,
                              self._ledger.frame(), self.gold)

    @check_kwargs
    def slice_audit(
        self,
        by: str | pd.Series | Callable[[pd.DataFrame], Any],
        *,
        bins: int = 4,
        ci: float = 0.95,
        n: int = 200,
        seed: int | None = 0,
    ) -> pd.DataFrame:
        """Return agreement, gold accuracy, label shares, model error and pace per slice.

        Agreement is the task's: α and percent agreement for labels, span F1 for spans,
        Kendall's W for rankings. ``by`` is a column of ``df`` (a numeric one is cut into
        ``bins`` quantile buckets), a Series aligned to it, or a function of ``df``; see
        :func:`nblabel.slices.slice_audit` and draw it with ``nl.charts.slices``.
        """
        groups = slice_groups(self.df, by, bins)
        events = self._counted()
        graded = None if self.gold is None else self.gold.graded(self._ledger.current())
        return slice_audit(events, groups, self.task.tally_labels(), graded=graded,
                           model_errors=self._errors(), kind=self.task.kind,
                           tally=self.task.tally, ci=ci, n=n, seed=seed)

    @check_kwargs
    def plan_pilot(
        self,
        *,
        width: float = 0.2,
        items: Sequence[int] = (25, 50, 100, 200, 400),
        annotators: Sequence[int] | None = None,
        metric: str | None = None,
        n: int = 200,
        seed: int | None = 0,
    ) -> pd.DataFrame:
        """Return the interval width a round of each size would give (``agreement.plan_pilot``).

        ``metric`` defaults to the task's agreement: ``"krippendorff_alpha"`` for labels,
        ``"span_agreement"`` (span F1) for spans, ``"kendall_w"`` for rankings.
        """
        if metric is None:
            metric = _PLANNED.get(self.task.kind, "krippendorff_alpha")
        return plan_pilot(self._counted(), metric=metric, annotators=annotators, items=items,
                          width=width, n=n, seed=seed)

    def qualification_history(self, annotator: str | None = None) -> pd.DataFrame:
        """Return ``annotator``'s qualification rounds: why and when each started, and how it went.

        See :mod:`nblabel.qualification`; empty without a qualification round.
        """
        annotator = _annotator(annotator)
        if self.gold is None or not self.gold.spec.qualify:
            return rounds_table([])
        self.refresh()
        rounds = self.gold.rounds(annotator, self._ledger.current(annotator), self._ledger.frame())
        return rounds_table([r for r in rounds if r.started_at is not None])  # none: no answers

    def route(
        self, items: Sequence[Any] | pd.Index | pd.Series, to: Sequence[str], *,
        reason: str | None = None,
    ) -> int:
        """Send ``items`` to the annotators ``to`` first (experts); return how many were routed.

        Those annotators get the items before their other ones; everyone else is kept off
        them until each of ``to`` answered or skipped them. Safe across kernels (routes are
        events). ``to=[]`` ends the items' routes. See :mod:`nblabel.ledger.routes`.
        """
        if isinstance(to, str) or not isinstance(to, Sequence):
            raise TypeError(f"to must be a list of annotator names, got {to!r}.")
        targets = sorted({_annotator(name) for name in to})
        positions = row_positions(self.df.index, items)
        router, meta = default_annotator(), {"reason": check("comment", reason)}
        events = [NewEvent(item=encode_item(self.df.index[pos]), annotator=router, event="route",
                           value=targets, source="human", guideline=self.task.guideline_version,
                           meta=meta if reason else None) for pos in positions]
        self._write_events(events)
        return len(events)

    def routes(self) -> pd.DataFrame:
        """Return the current routes: ``item``, ``to``, ``pending``, ``routed_by``, ``reason``."""
        self.refresh()
        routes = self._ledger.routes
        rows = [(self.df.index[pos], list(row.value), routes.pending(pos), row.annotator,
                 (row.meta or {}).get("reason")) for pos, row in routes.events()]
        return pd.DataFrame(rows, columns=["item", "to", "pending", "routed_by", "reason"])

    def time_to_settle(self) -> pd.DataFrame:
        """Return how long each disputed item waited for a decision (``audit.time_to_settle``)."""
        return audit.time_to_settle(self.annotations)

    def _errors(self) -> pd.Series | None:
        """Per labeled item, whether the model's out-of-fold prediction missed (None: no model)."""
        if self._loop is None or not self._loop.learner.state.has_model:
            return None
        frame = self._loop.learner.state.predictions()
        known = frame["label"].notna() & frame["heldout"].notna()
        return (frame.loc[known, "heldout"] != frame.loc[known, "label"]).rename("error")
