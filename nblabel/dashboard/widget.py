"""The live dashboard: a project's charts, redrawn as answers arrive and as the model retrains.

``dashboard(proj)`` returns a widget with the label distribution, progress and throughput per
annotator, agreement (overall, per label, and between each pair of annotators once two of them
answered the same items) and, with a model in the loop (:meth:`nblabel.Project.learn`), its status
line, the pool's uncertainty, the learning curve, calibration and the model-vs-label confusion
matrix. Charts are altair charts rendered by ``alt.JupyterChart`` with Vega bundled offline (no
network).

Redraws are throttled: the first change after a quiet spell redraws at once, changes within
``min_interval`` seconds of a redraw wait for one more redraw at the end of the interval, so a
burst of answers never queues stale redraws and the last state always shows. Redraws run on the
kernel's event loop, whichever thread reported the change, and only the charts whose inputs
changed are sent again.

Clicking a confusion-matrix cell or a histogram bar lists the items behind it; "Relabel these"
opens a labeling widget over exactly those items, "Review these" the adjudication view.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import ipywidgets as widgets
import numpy as np
import pandas as pd

from .._checks import FIELDS, Integer, Number, Offers, check, check_kwargs
from .._html import element
from .._kernel import Scheduler, default_scheduler
from ..agreement.data import AgreementWarning, read_answers
from ..charts.labeling import agreement as agreement_chart
from ..charts.labeling import label_distribution, pairwise_heatmap, progress, throughput
from ..charts.model import calibration, confusion, learning_curve, uncertainty_histogram
from ..charts.selections import BIN_SELECTION, CELL_SELECTION, bin_items, cell_items
from ..tasks import Classify
from .slots import Slot, note_html
from .throttle import Throttle

if TYPE_CHECKING:
    from ..learn.learner import ActiveLearner

__all__ = ["Dashboard", "dashboard"]

LABELING = ("labels", "progress", "throughput")
AGREEMENT = ("agreement", "pairs")
MODEL = ("uncertainty", "confusion", "learning_curve", "calibration")
_TEXT_WIDTH = 80
_NO_OVERLAP = (
    "Agreement needs two annotators on the same items: no item has answers from two "
    "annotators yet ({n} annotator{s} so far)."
)


class DashboardProject(Protocol):
    """What the dashboard uses of a project; an :class:`nblabel.Project` offers all of it."""

    df: pd.DataFrame
    task: Any
    name: str

    @property
    def annotations(self) -> pd.DataFrame:
        """The tidy event table."""

    @property
    def learner(self) -> ActiveLearner | None:
        """The model in the loop, if any."""

    def labels(self) -> pd.Series:
        """Return each item's current label."""

    def agreement(self, *, n: int) -> pd.DataFrame:
        """Return the agreement summary, with ``n`` bootstrap resamples."""

    def add_listener(self, callback: Callable[[], Any]) -> Callable[[], Any]:
        """Call ``callback()`` after answers are stored."""

    def remove_listener(self, callback: Callable[[], Any]) -> None:
        """Stop calling ``callback``."""

    def label(self, annotator: str | None = None, *, items: list[Any]) -> widgets.Widget:
        """Return a labeling widget over ``items``."""

    def review(self, annotator: str | None = None, *, items: list[Any]) -> widgets.Widget:
        """Return the adjudication view over ``items``."""


_PROJECT = Offers(DashboardProject, "an nl.Project")
_MIN_INTERVAL = Number(0, 3600, what="seconds between 0 and 3600")
_BINS = Integer(1, 200)


@check_kwargs
def dashboard(
    project: DashboardProject,
    *,
    annotator: str | None = None,
    min_interval: float = 1.0,
    bins: int = 20,
    every: str = "5min",
    agreement_resamples: int = 200,
) -> Dashboard:
    """Return a live dashboard of ``project``: charts that follow the answers and the model.

    Parameters
    ----------
    project : nblabel.Project
        The project to show. Its answers (from any widget, :meth:`~nblabel.Project.add`, or
        other kernels via :meth:`~nblabel.Project.refresh`) and its model (once
        :meth:`~nblabel.Project.learn` was called) update the charts.
    annotator : str, optional
        Who labels or reviews the items chosen on the dashboard ("Relabel these" / "Review
        these"); default: ``JUPYTERHUB_USER`` or the login name.
    min_interval : float, default 1.0
        Least time between two redraws, in seconds (0 redraws on every change).
    bins : int, default 20
        Bars of the pool uncertainty histogram.
    every : str, default "5min"
        Window of the throughput chart, a pandas frequency (``"1min"``, ``"1h"``).
    agreement_resamples : int, default 200
        Bootstrap resamples behind the agreement intervals (more: steadier intervals, slower
        redraws).

    Returns
    -------
    Dashboard
        An ipywidgets box; display it as the last expression of a cell.

    Examples
    --------
    >>> dash = nl.dashboard.dashboard(proj, min_interval=2)  # doctest: +SKIP
    >>> dash  # doctest: +SKIP
    """
    return Dashboard(
        project,
        annotator=annotator,
        min_interval=min_interval,
        bins=bins,
        every=every,
        agreement_resamples=agreement_resamples,
    )


class Dashboard(widgets.VBox):
    """The dashboard widget (see :func:`dashboard`, which builds it).

    Attributes
    ----------
    project : nblabel.Project
        The project shown.
    slots : dict of str to Slot
        Each chart's place, by name: ``labels``, ``progress``, ``throughput``, ``agreement``,
        ``pairs``, ``uncertainty``, ``confusion``, ``learning_curve``, ``calibration``; its
        ``widget`` is the ``alt.JupyterChart`` (None until first drawn).
    selected : pandas.Index
        The items chosen last by a click on a chart (or :meth:`select`).
    opened : ipywidgets.Widget or None
        The labeling or review widget opened by :meth:`relabel` / :meth:`review`.
    """

    def __init__(
        self,
        project: DashboardProject,
        *,
        annotator: str | None = None,
        min_interval: float = 1.0,
        bins: int = 20,
        every: str = "5min",
        agreement_resamples: int = 200,
        scheduler: Scheduler | None = None,
    ) -> None:
        _PROJECT("project", project)
        if annotator is not None:
            annotator = check("annotator", annotator)
        min_interval = _MIN_INTERVAL("min_interval", min_interval)
        bins = _BINS("bins", bins)
        agreement_resamples = FIELDS["n"]("agreement_resamples", agreement_resamples)
        throughput(project.annotations.head(0), every=every)  # checks `every`
        super().__init__()
        self.add_class("nbl-dashboard")
        self.project = project
        self.annotator = annotator
        self.bins = bins
        self.every = every
        self.agreement_resamples = agreement_resamples
        self.selected = pd.Index([])
        self.opened: widgets.Widget | None = None
        self.slots = {
            name: Slot(name, self._on_select if name in ("uncertainty", "confusion") else None)
            for name in LABELING + AGREEMENT + MODEL
        }
        self._events_key: tuple[int, int] | None = None
        self._learner: ActiveLearner | None = None
        self._state: Any = None
        self._frames: dict[str, Any] = {}
        self.status = widgets.HTML()
        self.caption = widgets.HTML(note_html(
            "Click a cell of the confusion matrix or a bar of the uncertainty histogram to "
            "list its items here."
        ))
        self.table = widgets.Output()
        self.relabel_button = widgets.Button(
            description="Relabel these", disabled=True, icon="pencil",
            tooltip="Open a labeling widget over the items listed (Tab here, then Enter)",
        )
        self.review_button = widgets.Button(
            description="Review these", disabled=True, icon="check",
            tooltip="Open the adjudication view over the items listed (Tab here, then Enter)",
        )
        self.relabel_button.on_click(lambda _: self.relabel())
        self.review_button.on_click(lambda _: self.review())
        self.below = widgets.VBox()
        self.children = self._layout()
        self.throttle = Throttle(self._redraw, min_interval, scheduler or default_scheduler())
        project.add_listener(self.throttle.poke)
        self.throttle.draw()

    # -- drawing ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Redraw now (the charts whose inputs changed), without waiting for the throttle."""
        self.throttle.draw()

    @property
    def draws(self) -> dict[str, int]:
        """How many times each chart was sent to the browser (charts left alone don't count)."""
        return {name: slot.draws for name, slot in self.slots.items()}

    def _redraw(self) -> None:
        events = self.project.annotations
        key = (len(events), int(events["event_id"].iloc[-1]) if len(events) else 0)
        if key != self._events_key:
            self._draw_labeling(events)
            self._draw_agreement(events)
            self._events_key = key
        learner = self._follow_learner()
        state = None if learner is None else learner.state
        if state is not self._state or "model" not in self._frames:
            self._draw_model(learner, state)
            self._state = state

    def _draw_labeling(self, events: pd.DataFrame) -> None:
        task = self.project.task
        if isinstance(task, Classify):
            self.slots["labels"].update(label_distribution(events, list(task.labels)))
        else:
            self.slots["labels"].update(None, f"Label counts are drawn for classification tasks "
                                              f"(this one is {task.kind!r}).")
        self.slots["progress"].update(progress(events))
        self.slots["throughput"].update(throughput(events, every=self.every))

    def _draw_agreement(self, events: pd.DataFrame) -> None:
        task = self.project.task
        if not isinstance(task, Classify):
            self.slots["agreement"].update(None, "Agreement is drawn for classification tasks; "
                                                 "see nl.agreement for the others.")
            self.slots["pairs"].update(None)
            return
        human = events[events["source"] == "human"]
        answers = read_answers(human) if len(human) else None
        overlap = 0 if answers is None else int(
            (np.bincount(answers.item, minlength=len(answers.items)) >= 2).sum()
        )
        if overlap == 0:
            people = 0 if answers is None else len(answers.present_annotators())
            text = _NO_OVERLAP.format(n=people, s="" if people == 1 else "s")
            self.slots["agreement"].update(None, text)
            self.slots["pairs"].update(None)
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AgreementWarning)  # NaN rows are left undrawn
            summary = self.project.agreement(n=self.agreement_resamples)
            matrix = _pairwise(human)
        self.slots["agreement"].update(agreement_chart(summary))
        self.slots["pairs"].update(pairwise_heatmap(matrix, "cohen_kappa"))

    def _draw_model(self, learner: Any, state: Any) -> None:
        self._frames["model"] = state
        if learner is None:
            self.status.value = _status_html(
                "none", "No model in the loop: call proj.learn(estimator) to train one on the "
                        "answers; its charts appear here."
            )
            for name in MODEL:
                self.slots[name].update(None)
            return
        self.status.value = _status_html(state.status, state.message)
        history = learner.history
        if len(history):
            self.slots["learning_curve"].update(learning_curve(history))
        else:
            self.slots["learning_curve"].update(None, "The learning curve starts with the first "
                                                      "trained model.")
        if not state.has_model:
            self._frames.pop("pool", None)
            self._frames.pop("confusion", None)
            for name in ("uncertainty", "confusion", "calibration"):
                self.slots[name].update(None, "Shown once a model is trained.")
            return
        predictions = state.predictions()
        self._frames["predictions"] = predictions
        labeled = predictions["label"].notna()
        pool = predictions[~labeled]
        self._frames["pool"] = pool
        self.slots["uncertainty"].update(uncertainty_histogram(pool, bins=self.bins))
        given = predictions[labeled]
        column = "heldout" if given["heldout"].notna().any() else "suggestion"
        self._frames["confusion"] = (given, column)
        labels = list(self.project.task.labels)
        matrix = confusion(given, labels, predicted=column)
        if column == "suggestion":  # no cross-validated predictions: say the view is in-sample
            matrix = matrix.properties(
                title=f"Model vs given label ({len(given)} items, in-sample: no cross-validation)"
            )
        self.slots["confusion"].update(matrix)
        if column == "heldout":
            self.slots["calibration"].update(calibration(given))
        else:
            self.slots["calibration"].update(None, "Calibration needs cross-validated "
                                                   "predictions: learn(..., cv=5).")

    def _follow_learner(self) -> Any:
        learner = self.project.learner
        if learner is not self._learner:
            if self._learner is not None:
                _forget(self._learner, self._on_state)
            if learner is not None:
                learner.add_listener(self._on_state)
            self._learner = learner
            self._frames.pop("model", None)
        return learner

    def _on_state(self, state: Any) -> None:
        self.throttle.poke()  # from the learner's thread: the redraw runs on the kernel's

    # -- from clicks to items ---------------------------------------------------------------
    def _on_select(self, name: str, points: list[dict[str, Any]]) -> None:
        if name == CELL_SELECTION and "confusion" in self._frames:
            given, column = self._frames["confusion"]
            items = cell_items(given, points, predicted=column)
            where = "; ".join(f"given {p['label']}, model {p['predicted']}" for p in points)
        elif name == BIN_SELECTION and "pool" in self._frames:
            items = bin_items(self._frames["pool"], points)
            where = "; ".join(
                f"uncertainty {p['bin_start']:.2f}–{p['bin_end']:.2f}" for p in points
            )
        else:
            return
        self.select(items, where)

    def select(self, items: Sequence[Any] | pd.Index, why: str | None = None) -> pd.DataFrame:
        """List ``items`` under the charts, ready for "Relabel these" or "Review these".

        Parameters
        ----------
        items : list or Index of index values
            Items of the project's DataFrame.
        why : str, optional
            What chose them, shown above the table.

        Returns
        -------
        pandas.DataFrame
            The table shown: ``text`` (truncated), ``label``, ``suggestion``, ``confidence``.

        Examples
        --------
        >>> dash.select(["T0001", "T0007"], "picked by hand")  # doctest: +SKIP
        """
        index = pd.Index(items)
        missing = index.difference(self.project.df.index)
        if len(missing):
            raise ValueError(
                f"items {missing[:5].tolist()} are not in the project's DataFrame index."
            )
        table = self._item_table(index)
        self.selected = index
        head = f"{len(index)} item{'s' if len(index) != 1 else ''}"
        self.caption.value = note_html(f"{head}: {why}" if why else head, "caption")
        self.table.outputs = ()
        self.table.append_display_data(table)
        self.relabel_button.disabled = self.review_button.disabled = not len(index)
        return table

    def _item_table(self, items: pd.Index) -> pd.DataFrame:
        df = self.project.df
        text = getattr(self.project.task, "text", None)
        table = pd.DataFrame(index=items)
        if text is not None:
            table["text"] = df.loc[items, text].map(_truncate)
        table["label"] = self.project.labels().reindex(items)
        predictions = self._frames.get("predictions")
        if predictions is not None:
            table["suggestion"] = predictions["suggestion"].reindex(items)
            table["confidence"] = predictions["confidence"].reindex(items).round(3)
        return table

    def relabel(self) -> widgets.Widget:
        """Open a labeling widget over the listed items, below the table, and return it."""
        return self._open(self.project.label(self.annotator, items=list(self._chosen())))

    def review(self) -> widgets.Widget:
        """Open the adjudication view over the listed items, below the table, and return it."""
        return self._open(self.project.review(self.annotator, items=list(self._chosen())))

    def _chosen(self) -> pd.Index:
        if not len(self.selected):
            raise ValueError("no items are listed: click a confusion cell or a histogram bar, "
                             "or call dash.select(items), first.")
        return self.selected

    def _open(self, view: widgets.Widget) -> widgets.Widget:
        if self.opened is not None:
            self.opened.close()
        self.opened = view
        self.below.children = (view,)
        return view

    # -- layout and lifetime ----------------------------------------------------------------
    def _layout(self) -> tuple[widgets.Widget, ...]:
        def row(names: Sequence[str]) -> widgets.Box:
            return widgets.Box(
                [self.slots[name].box for name in names],
                layout=widgets.Layout(display="flex", flex_flow="row wrap"),
            )

        def heading(text: str) -> widgets.HTML:
            return widgets.HTML(element("b", text))

        title = f"Dashboard of {self.project.name}"
        actions = widgets.HBox([self.relabel_button, self.review_button])
        return (
            heading(title), row(LABELING),
            heading("Agreement"), row(AGREEMENT),
            heading("Model"), self.status, row(MODEL),
            heading("Chosen items"), self.caption, self.table, actions, self.below,
        )

    def close(self) -> None:
        """Stop following the project and its model, and close every part of the dashboard."""
        if not hasattr(self, "throttle"):  # bad options: __init__ raised before building
            super().close()
            return
        self.throttle.close()
        _forget(self.project, self.throttle.poke)
        if self._learner is not None:
            _forget(self._learner, self._on_state)
        for slot in self.slots.values():
            slot.close()
        if self.opened is not None:
            self.opened.close()
        super().close()


def _pairwise(human: pd.DataFrame) -> pd.DataFrame:
    from ..agreement.resample import pairwise

    return pairwise(human[["item", "annotator", "value", "event"]], "cohen_kappa")


def _status_html(status: str, message: str) -> str:
    return element("div", message, class_="nbl-dash-status", data_status=status)


def _truncate(value: Any) -> Any:
    if not isinstance(value, str) or len(value) <= _TEXT_WIDTH:
        return value
    return value[: _TEXT_WIDTH - 1] + "…"


def _forget(source: Any, callback: Any) -> None:
    try:
        source.remove_listener(callback)
    except ValueError:  # already removed (e.g. the learner was replaced and closed)
        pass
