"""What a project opens: labeling and review widgets, the dashboard, the model in the loop."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from .._checks import annotator_or_default as _annotator
from .._checks import check, check_kwargs
from .._items import row_positions
from .._progress import ProgressCallback
from ..session import DEFAULT_WINDOW, REASONS, needs_review
from .base import ProjectBase

if TYPE_CHECKING:  # the model, charts and widgets load on first use: `import nblabel` stays fast
    from ..dashboard import Dashboard
    from ..learn.worker import BackgroundLearner
    from ..widgets import LabelerWidget


class Views(ProjectBase):
    """The views and the model of a project (see :class:`nblabel.Project`)."""

    @check_kwargs
    def learn(
        self,
        estimator: Any = None,
        features: Any = None,
        *,
        strategy: Any = None,
        retrain_every: int = 10,
        batch_size: int | None = None,
        seed: int | None = None,
        cv: int = 5,
        players: dict[str, str] | None = None,
        progress: bool | ProgressCallback | None = None,
    ) -> BackgroundLearner:
        """Put a model in the loop: it learns from the answers and picks what to label next.

        The model retrains in a background thread every ``retrain_every`` answers; upcoming
        items then follow the ``strategy``'s order, with the model's suggestion pre-selected.
        Per task (see :func:`nblabel.learn.loop.learner_for`):

        * single-label ``Classify``: ``estimator`` is a scikit-learn classifier with
          ``predict_proba`` reading ``features`` (default: the text column);
          :class:`~nblabel.learn.ActiveLearner` (strategy default ``"margin"``);
        * ``Classify(..., multi=True)``: any scikit-learn classifier (one-vs-rest where it has
          no multi-label mode); suggestions are label sets;
          :class:`~nblabel.learn.MultiLabelLearner` (default ``"cardinality"``);
        * ``Spans``: ``estimator`` is a span model (:class:`~nblabel.learn.SpanModel`; None: a
          CRF on the task's tokens); :class:`~nblabel.learn.SpanLearner` (``"uncertainty"``);
        * ``Rank``: no estimator; ``players={option: column}`` names each option's contender;
          :class:`~nblabel.learn.PairLearner` picks the match-up whose Bradley–Terry
          comparison is least certain (``"information"``).

        ``batch_size`` is for single-label diverse batches; ``progress`` (True, or a function
        ``f(done, total)``) follows a single-label model scoring the pool after each retrain,
        chunk by chunk. The learner is returned and kept as :attr:`learner`; calling ``learn``
        again replaces it.
        """
        from ..learn.loop import ModelLoop, learner_for

        learner = learner_for(
            self.task, self.df, estimator, features, strategy=strategy,
            retrain_every=retrain_every, batch_size=batch_size, seed=seed, cv=cv, players=players,
            progress=progress,
        )
        if self._loop is not None:  # outside the lock: its worker may be handing a status over
            self._loop.close()
        qualifying = self.gold is not None and self.gold.spec.qualify > 0
        with self._ledger.lock:
            self.refresh()
            self._loop = self._context.model = ModelLoop(
                learner, self._ledger, counts=self._counts, on_status=self._sessions.show_model,
                requalifying=self._requalifying() if qualifying else frozenset(),
            )
            self._sessions.flush()
            self._sessions.show_model(self._loop.status())
        self._ledger.announce()  # e.g. a dashboard shows the new model's panel at once
        return learner

    @property
    def learner(self) -> BackgroundLearner | None:
        """The model in the loop (see :meth:`learn`), or None."""
        return None if self._loop is None else self._loop.learner

    def dashboard(self, **options: Any) -> Dashboard:
        """Return a live dashboard (options of :func:`nblabel.dashboard.dashboard`)."""
        from ..dashboard.widget import dashboard

        return dashboard(self, **options)

    @check_kwargs
    def label(
        self,
        annotator: str | None = None,
        *,
        items: Sequence[Any] | pd.Index | pd.Series | None = None,
        window: int = DEFAULT_WINDOW,
        show_suggestions: bool | str = True,
        hide_suggestions: float = 0.0,
    ) -> LabelerWidget:
        """Return the labeling widget for ``annotator``.

        ``annotator`` defaults to ``JUPYTERHUB_USER`` or the login. ``items`` (index values)
        relabels exactly those items, in order, instead of the queue. ``window`` is how many
        upcoming items the browser holds. ``show_suggestions``: False hides pre-labels and the
        model's suggestions (to avoid anchoring); a pre-labeler's name (or ``"model"``) shows
        only theirs. ``hide_suggestions=0.2`` shows a fifth of the items, drawn per item and
        annotator, without their suggestion, to measure its influence
        (:meth:`suggestion_report`).
        """
        from ..widgets import view_class

        annotator = _annotator(annotator)
        window = check("window", window)
        if not isinstance(show_suggestions, str):
            show_suggestions = check("show_suggestions", show_suggestions)
        hide_suggestions = check("hide_suggestions", hide_suggestions)
        positions = None if items is None else row_positions(self.df.index, items)
        widget_class = view_class(self.task)
        with self._ledger.lock:
            session = self._sessions.labeling(
                self._context, annotator, widget_class.item_view_for(annotator), window,
                show_suggestions, positions, hide_suggestions,
            )
        return widget_class(session, self)

    @check_kwargs
    def review(
        self,
        reviewer: str | None = None,
        *,
        which: str | Sequence[str] = "disagreement",
        threshold: float = 0.75,
        items: Sequence[Any] | pd.Index | pd.Series | None = None,
        window: int = DEFAULT_WINDOW,
        blind: bool = False,
    ) -> LabelerWidget:
        """Return the adjudication view: the items that need a decision, one by one.

        Each item shows everyone's answer; the reviewer picks one (Shift + its number) or
        answers anew. Decisions (``source="adjudicated"``) settle their items. ``which``:
        ``"disagreement"``, ``"low_confidence"`` (top answer below ``threshold`` of the votes)
        and/or ``"flagged"`` (see :func:`nblabel.session.needs_review`); or exactly ``items``.
        ``blind=True`` shows the answers without who gave them.
        """
        from ..widgets import view_class

        reviewer = _annotator(reviewer, "reviewer")
        reasons = (which,) if isinstance(which, str) else tuple(which)
        if not reasons or any(reason not in REASONS for reason in reasons):
            raise ValueError(f"which={which!r}: choose from {list(REASONS)}.")
        threshold, window = check("threshold", threshold), check("window", window)
        blind = check("blind", blind)
        widget_class = view_class(self.task)
        with self._ledger.lock:
            self.refresh()
            positions = (
                needs_review(self._ledger.answers, self.queue.positions, reasons, threshold)
                if items is None
                else row_positions(self.df.index, items)
            )
            session = self._sessions.reviewing(
                self._context, reviewer, widget_class.item_view_for(reviewer), window, positions,
                blind,
            )
        return widget_class(session, self)

