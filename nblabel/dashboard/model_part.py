"""The model's charts, for each kind of answer: one label, a set of labels, spans.

- one label: pool uncertainty, the confusion matrix (label × model), calibration of the chosen
  label's probability;
- a set of labels (``Classify(multi=True)``): pool uncertainty, per label what the model agreed
  on, missed and added (with precision, recall and F1), calibration of the whole set's
  confidence;
- spans: pool uncertainty, the same per-label view over spans (a span agrees when its start,
  end and label do), calibration of the spans' confidences.

Comparisons use the out-of-fold predictions of labeled items when the model was
cross-validated, else the model's own suggestions (then the chart says it is in-sample).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..charts.model import calibration, confusion, span_calibration, uncertainty_histogram
from ..charts.outcomes import outcome_items, per_label
from ..charts.selections import cell_items
from ..tasks import Classify, Spans
from .slots import Slot

#: The model's panels drawn here (the learning curve is drawn for every model).
PANELS = ("uncertainty", "confusion", "calibration")

_IN_SAMPLE = " (in-sample: no cross-validation)"
_NEEDS_CV = "Calibration needs cross-validated predictions: learn(..., cv=5)."


@dataclass(frozen=True)
class Cells:
    """What clicked cells of the confusion panel mean: their items, and words for a caption."""

    items: Callable[[list[dict[str, Any]]], pd.Index]
    describe: Callable[[dict[str, Any]], str]


def drawn_for(task: Any) -> bool:
    """Whether the model's charts are drawn for ``task`` (classification and spans)."""
    return isinstance(task, Classify | Spans)


def draw_model(slots: dict[str, Slot], task: Any, state: Any, bins: int) -> dict[str, Any]:
    """Fill the uncertainty, confusion and calibration slots from a trained model's ``state``.

    Returns the frames clicks are read from: ``predictions``, ``pool`` and ``confusion`` (a
    :class:`Cells`).
    """
    predictions = state.predictions()
    labeled = predictions["label"].notna()
    pool = predictions[~labeled]
    slots["uncertainty"].update(uncertainty_histogram(pool, bins=bins))
    given = predictions[labeled]
    column = "heldout" if given["heldout"].notna().any() else "suggestion"
    if isinstance(task, Classify) and not task.multi:
        cells = _single(slots, task, given, column)
    else:
        cells = _per_label(slots, task, given, column)
    return {"predictions": predictions, "pool": pool, "confusion": cells}


def _single(slots: dict[str, Slot], task: Classify, given: pd.DataFrame, column: str) -> Cells:
    matrix = confusion(given, list(task.labels), predicted=column)
    if column == "suggestion":
        matrix = matrix.properties(
            title=f"Model vs given label ({len(given)} items{_IN_SAMPLE})"
        )
    slots["confusion"].update(matrix)
    if column == "heldout":
        slots["calibration"].update(calibration(given))
    else:
        slots["calibration"].update(None, _NEEDS_CV)
    return Cells(
        items=lambda points: cell_items(given, points, predicted=column),
        describe=lambda p: f"given {p['label']}, model {p['predicted']}",
    )


def _per_label(slots: dict[str, Slot], task: Any, given: pd.DataFrame, column: str) -> Cells:
    spans = isinstance(task, Spans)
    what = "spans" if spans else "labels"
    chart = per_label(given, list(task.labels), predicted=column, what=what)
    if column == "suggestion":
        chart = chart.properties(title=f"Model vs given {what}, per label ({len(given)} "
                                       f"items{_IN_SAMPLE})")
    slots["confusion"].update(chart)
    if column != "heldout":
        slots["calibration"].update(None, _NEEDS_CV)
    elif spans:
        slots["calibration"].update(span_calibration(given))
    else:
        slots["calibration"].update(calibration(given))
    return Cells(
        items=lambda points: outcome_items(given, points, predicted=column),
        describe=lambda p: _outcome_words(p["label"], p["outcome"], what),
    )


def _outcome_words(label: Any, outcome: str, what: str) -> str:
    one = what[:-1]
    return {
        "agreed": f"{label}: given and predicted",
        "missed": f"{label}: given, the model missed the {one}",
        "extra": f"{label}: predicted, not given",
    }.get(outcome, f"{label}: {outcome}")
