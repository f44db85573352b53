"""A team's quality loop: feedback to annotators, slice audits, planning a pilot, time to settle."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from .. import audit
from .._checks import annotator_or_default as _annotator
from .._checks import check_kwargs
from ..agreement.planning import plan_pilot
from ..feedback import feedback_table
from ..qualification import rounds_table
from ..slices import slice_audit, slice_groups
from .base import ProjectBase


class Quality(ProjectBase):
    """The team-quality verbs of a project (see :class:`nblabel.Project`)."""

    def feedback(self, annotator: str | None = None) -> pd.DataFrame:
        """Return ``annotator``'s answers a reviewer overruled or that missed a gold item.

        With the reviewer's comment (or the gold explanation), newest first; see
        :func:`nblabel.feedback.feedback_table`.
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

        ``by`` is a column of ``df`` (a numeric one is cut into ``bins`` quantile buckets),
        a Series aligned to it, or a function of ``df``; see :func:`nblabel.slices.slice_audit`
        and draw it with ``nl.charts.slices``.
        """
        groups = slice_groups(self.df, by, bins)
        events = self._counted()
        graded = None if self.gold is None else self.gold.graded(self._ledger.current())
        labels = list(self.task.labels) if self.task.kind == "classify" else None
        return slice_audit(events, groups, labels, graded=graded, model_errors=self._errors(),
                           ci=ci, n=n, seed=seed)

    @check_kwargs
    def plan_pilot(
        self,
        *,
        width: float = 0.2,
        items: Sequence[int] = (25, 50, 100, 200, 400),
        annotators: Sequence[int] | None = None,
        metric: str = "krippendorff_alpha",
        n: int = 200,
        seed: int | None = 0,
    ) -> pd.DataFrame:
        """Return the interval width a round of each size would give (``agreement.plan_pilot``)."""
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
