"""What the dashboard draws from a project, and when each part is computed again.

Three parts, each with its own key, so a redraw recomputes only what its inputs changed:

- labeling (label counts, progress, throughput): the event log, keyed by its length and last
  event id;
- agreement (the summary with bootstrap intervals, and Cohen's kappa per pair of annotators):
  the same key, but recomputed at once only while that is cheap (it took at most
  :data:`AGREEMENT_BUDGET` seconds last time). Past that, the panels keep the last result and
  say how many answers it lags behind, and the intervals are recomputed on demand (the panel's
  "Update" button, :meth:`Drawing.draw` with ``agreement=True``);
- the model (status, pool uncertainty, the model against the answers, learning curve,
  calibration; see :mod:`nblabel.dashboard.model_part` for each kind of answer): the learner's
  state object, replaced by each retrain.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..agreement.data import AgreementWarning, read_answers
from ..charts.labeling import agreement as agreement_chart
from ..charts.labeling import label_distribution, pairwise_heatmap, progress, throughput
from ..charts.model import learning_curve
from ..tasks import Classify, Spans
from .model_part import PANELS as MODEL_PANELS
from .model_part import draw_model, drawn_for
from .panels import MODEL, PANELS
from .protocol import DashboardProject
from .slots import Slot

#: Longest agreement computation (seconds, as measured last time) redone on every redraw.
AGREEMENT_BUDGET = 0.25

_NO_OVERLAP = (
    "Agreement needs two annotators on the same items: no item has answers from two "
    "annotators yet ({n} annotator{s} so far)."
)
_NO_MODEL = ("No model in the loop: call proj.learn(estimator) to train one on the answers; "
             "its charts appear here.")


class Drawing:
    """Fills one slot per panel from ``project``; :meth:`draw` returns the slots that changed.

    Parameters
    ----------
    project : DashboardProject
        What is drawn.
    bins : int
        Bars of the uncertainty histogram.
    every : str
        Window of the throughput chart.
    resamples : int
        Bootstrap resamples behind the agreement intervals.
    on_state : callable
        Registered with the model in the loop (and moved to the next one when it is replaced):
        called from the learner's thread after each retrain.
    """

    def __init__(self, project: DashboardProject, *, bins: int, every: str, resamples: int,
                 on_state: Callable[[Any], None]) -> None:
        self.project = project
        self.bins = bins
        self.every = every
        self.resamples = resamples
        self.slots = {panel.name: Slot(panel) for panel in PANELS}
        self.status = {"status": "none", "message": _NO_MODEL}
        #: What the clickable charts were drawn from: ``predictions``, ``pool``, ``confusion``
        #: (a :class:`~nblabel.dashboard.model_part.Cells`).
        self.frames: dict[str, Any] = {}
        self._on_state = on_state
        self._events_key: tuple[int, int] | None = None
        self._agreement_key: tuple[int, int] | None = None
        self._agreement_answers = 0
        self._agreement_cost: float | None = None
        self._learner: Any = None
        self._state: Any = None

    def draw(self, sink: Callable[[list[Slot]], None], *, agreement: bool = False) -> None:
        """Recompute the parts whose inputs changed; hand their changed slots to ``sink``.

        Each part's slots go as soon as it is done, so the browser draws them while the next
        part is computed. With ``agreement=True`` the agreement is recomputed whenever it lags
        the answers, however long that takes.
        """
        events = self.project.annotations
        key = (len(events), int(events["event_id"].iloc[-1]) if len(events) else 0)
        self._part(sink, lambda: self._labeling_part(events, key))
        self._part(sink, lambda: self._agreement_part(events, key, agreement))
        self._part(sink, self._model_part)

    def _part(self, sink: Callable[[list[Slot]], None], part: Callable[[], None]) -> None:
        before = {name: slot.version for name, slot in self.slots.items()}
        part()
        changed = [slot for name, slot in self.slots.items() if slot.version != before[name]]
        if changed:
            sink(changed)

    def forget(self) -> None:
        """Stop listening to the model in the loop."""
        if self._learner is not None:
            _forget(self._learner, self._on_state)
            self._learner = None

    # -- labeling ---------------------------------------------------------------------------
    def _labeling_part(self, events: pd.DataFrame, key: tuple[int, int]) -> None:
        if key != self._events_key:
            self._draw_labeling(events)
            self._events_key = key

    def _draw_labeling(self, events: pd.DataFrame) -> None:
        task = self.project.task
        if isinstance(task, Classify | Spans):
            self.slots["labels"].update(label_distribution(events, list(task.labels)))
        else:
            self.slots["labels"].update(None, f"Label counts are drawn for classification and "
                                              f"span tasks (this one is {task.kind!r}).")
        self.slots["progress"].update(progress(events))
        self.slots["throughput"].update(throughput(events, every=self.every))

    # -- agreement --------------------------------------------------------------------------
    def _agreement_part(self, events: pd.DataFrame, key: tuple[int, int], asked: bool) -> None:
        if key == self._agreement_key:
            return
        cheap = self._agreement_cost is None or self._agreement_cost <= AGREEMENT_BUDGET
        if asked or cheap:
            self._draw_agreement(events, key)
        else:
            self._mark_agreement(key)

    def _draw_agreement(self, events: pd.DataFrame, key: tuple[int, int]) -> None:
        start = time.perf_counter()
        self._agreement_key, self._agreement_answers = key, _answers(events)
        try:
            self._agreement(events)
        finally:
            self._agreement_cost = time.perf_counter() - start

    def _agreement(self, events: pd.DataFrame) -> None:
        agreement, pairs = self.slots["agreement"], self.slots["pairs"]
        metric = pair_metric(self.project.task)
        if metric is None:
            agreement.update(None, "Agreement is drawn for classification and span tasks; see "
                                   "nl.agreement for the others.")
            pairs.update(None)
            return
        human = events[events["source"] == "human"]
        answers = read_answers(human) if len(human) else None
        overlap = 0 if answers is None else int(
            (np.bincount(answers.item, minlength=len(answers.items)) >= 2).sum()
        )
        if overlap == 0:
            people = 0 if answers is None else len(answers.present_annotators())
            agreement.update(None, _NO_OVERLAP.format(n=people, s="" if people == 1 else "s"))
            pairs.update(None)
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AgreementWarning)  # NaN rows are left undrawn
            summary = self.project.agreement(n=self.resamples)
            matrix = _pairwise(human, metric)
        agreement.update(agreement_chart(summary))
        pairs.update(pairwise_heatmap(matrix, metric))

    def _mark_agreement(self, key: tuple[int, int]) -> None:
        new = key[0] - self._agreement_key[0]
        lag = (f"Computed at {self._agreement_answers:,} answers; {new:,} newer event"
               f"{'' if new == 1 else 's'} since (about {self._agreement_cost:.1f} s to update).")
        for name in ("agreement", "pairs"):
            self.slots[name].mark(lag)

    # -- the model --------------------------------------------------------------------------
    def _model_part(self) -> None:
        learner = self._follow_learner()
        state = None if learner is None else learner.state
        if state is not self._state or "model" not in self.frames:
            self._draw_model(learner, state)
            self._state = state

    def _draw_model(self, learner: Any, state: Any) -> None:
        self.frames["model"] = state
        if learner is None:
            self.status = {"status": "none", "message": _NO_MODEL}
            for name in MODEL:
                self.slots[name].update(None)
            return
        self.status = {"status": state.status, "message": state.message}
        history = learner.history
        if len(history):
            self.slots["learning_curve"].update(learning_curve(history))
        else:
            self.slots["learning_curve"].update(None, "The learning curve starts with the first "
                                                      "trained model.")
        task = self.project.task
        if not state.has_model or not drawn_for(task):
            for name in ("predictions", "pool", "confusion"):
                self.frames.pop(name, None)
            note = ("Shown once a model is trained." if drawn_for(task) else
                    f"Drawn for classification and span tasks (this one is {task.kind!r}).")
            for name in MODEL_PANELS:
                self.slots[name].update(None, note)
            return
        self.frames.update(draw_model(self.slots, task, state, self.bins))

    def _follow_learner(self) -> Any:
        learner = self.project.learner
        if learner is not self._learner:
            self.forget()
            if learner is not None:
                learner.add_listener(self._on_state)
            self._learner = learner
            self.frames.pop("model", None)
        return learner


def _answers(events: pd.DataFrame) -> int:
    return int((events["event"] == "label").sum())


def pair_metric(task: Any) -> str | None:
    """Return the agreement drawn per pair of annotators for ``task`` (None: not drawn).

    Cohen's kappa for one label, Krippendorff's alpha with the MASI distance for label sets,
    span F1 (exact matches) for spans.
    """
    if isinstance(task, Spans):
        return "span_agreement"
    if isinstance(task, Classify):
        return "krippendorff_alpha" if task.multi else "cohen_kappa"
    return None


def _pairwise(human: pd.DataFrame, metric: str) -> pd.DataFrame:
    from ..agreement.resample import pairwise

    return pairwise(human[["item", "annotator", "value", "event"]], metric)


def _forget(source: Any, callback: Any) -> None:
    try:
        source.remove_listener(callback)
    except ValueError:  # already removed (e.g. the learner was replaced and closed)
        pass
