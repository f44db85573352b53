"""What a project reports: labels, progress, agreement, gold, guideline pilots, preferences.

Each method checks its options and hands the project's data to a module function that takes
data (:mod:`nblabel.settle`, :mod:`nblabel.ledger.progress`, :mod:`nblabel.agreement`,
:mod:`nblabel.gold`, :mod:`nblabel.pilot`, :mod:`nblabel.rank`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import settle
from .._checks import annotator_or_default as _annotator
from .._checks import check_kwargs
from ..agreement.report import summary
from ..agreement.span_report import span_summary
from ..gold import gold_accuracy
from ..ledger.progress import progress_table
from ..pilot import PilotReport, history_table, pilot_report
from ..tasks import Classify, Spans
from .base import ProjectBase


class Reports(ProjectBase):
    """A project's reports (see :class:`nblabel.Project`)."""

    def labels(
        self, annotator: str | None = None, how: str = "latest", *, as_of: Any = None
    ) -> pd.Series:
        """Return one label per item, aligned to ``df.index`` (NaN where unlabeled).

        ``how``: the most recent current answer (of ``annotator`` if given), or a consensus,
        ``"majority"`` or ``"dawid_skene"`` (:mod:`nblabel.consensus`), where an adjudicated
        answer settles its item (see :mod:`nblabel.settle`); label sets and span answers are
        settled element by element with ``"majority"`` (each label, or span, more than half of
        an item's annotators gave; :func:`nblabel.consensus.span_vote`). ``as_of``: the labels
        as they were at an event id or a time (see :meth:`snapshot`).
        """
        if how not in settle.HOW:
            raise ValueError(f"how={how!r} is not supported; use one of {list(settle.HOW)}.")
        name = self.into or "label"
        if as_of is not None:
            return self._snapshot(as_of).labels(annotator, how).rename(name)
        if how != "latest":
            if annotator is not None:
                raise ValueError(f"how={how!r} combines annotators; do not pass annotator=.")
            votes = self._counted()
            return settle.consensus_labels(
                votes, self._ledger.answers, self.df.index, how, name,
                spans=isinstance(self.task, Spans),
            )
        self.refresh()
        if annotator is not None:
            annotator = _annotator(annotator)
            if annotator not in (known := self._annotators()):
                raise ValueError(
                    f"no answers by {annotator!r} in this project; annotators so far: "
                    f"{sorted(known)}. Check the spelling, or leave annotator= out for everyone's."
                )
        current = self._ledger.current(annotator)
        if annotator is None:
            current = settle.counted(current, self._counts)
        return settle.latest_labels(current, self.df.index, name)

    def qualified(self, annotator: str | None = None) -> bool | None:
        """Whether ``annotator``'s answers count: True, False, or None while qualifying.

        With ``Gold(qualify=k)``, an annotator counts once at least ``threshold`` of the first
        ``k`` gold items they answered are right; otherwise everyone counts.
        """
        annotator = _annotator(annotator)
        if self.gold is None or not self.gold.spec.qualify:
            return True
        return self._qualification(annotator)["passed"]

    def gold_accuracy(self, over_time: bool = False) -> pd.DataFrame:
        """Return each annotator's accuracy on gold items (:func:`nblabel.gold.gold_accuracy`)."""
        self.refresh()
        return gold_accuracy(self.gold, self._ledger.current(), over_time=over_time)

    def guideline_history(self) -> pd.DataFrame:
        """Return every guideline version answers were given under (see ``history_table``)."""
        return history_table(self.annotations, self.store.guidelines(self._project_id))

    @check_kwargs
    def pilot_report(
        self, *, ci: float = 0.95, n: int = 1000, seed: int | None = 0, top: int = 10
    ) -> PilotReport:
        """Compare agreement across guideline versions (see :func:`nblabel.pilot.pilot_report`)."""
        return pilot_report(self._counted(), self.guideline_history(), self.task, self.df,
                            ci=ci, n=n, seed=seed, top=top)

    @check_kwargs
    def agreement(self, *, ci: float = 0.95, n: int = 1000, seed: int | None = 0) -> pd.DataFrame:
        """Return agreement overall and per label, with intervals.

        Classification: ``agreement.summary`` (label sets: MASI α, per-label agreement);
        spans: ``agreement.span_summary`` (span F1 overall and per label).
        """
        if isinstance(self.task, Spans):
            return span_summary(self._counted(), list(self.task.labels), ci=ci, n=n, seed=seed)
        if not isinstance(self.task, Classify):
            raise TypeError(
                f"agreement() summarises label and span agreement; for {self.task.kind!r} "
                "answers use the functions of nblabel.agreement (e.g. kendall_w)."
            )
        return summary(self._counted(), list(self.task.labels), ci=ci, n=n, seed=seed)

    def progress(self) -> pd.DataFrame:
        """Return counts per annotator (see :func:`nblabel.ledger.progress.progress_table`)."""
        self.refresh()
        events = self._ledger.frame()
        return progress_table(events, self._ledger.current(), self._annotators(), self.n_items)

    def preferences(self, *, training: bool = False, how: str = "each") -> pd.DataFrame:
        """Return a ranking project's pairwise preferences, or its training pairs.

        See :func:`nblabel.rank.preferences` and, with ``training=True`` (``how="each"`` or
        ``"majority"``), :func:`nblabel.rank.training_pairs`.
        """
        from ..rank.training import project_preferences

        events = self._counted()
        return project_preferences(events, self.task, self.df, training=training, how=how)

