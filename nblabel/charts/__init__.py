"""Chart builders: tidy frames in, altair charts out.

Every function here is pure: it reads a frame (the project's annotations, an agreement table, a
learner's predictions or history, a simulation's learning curves), aggregates it with pandas and
returns an altair chart whose data holds only the aggregate (a few hundred rows at most, however
many answers there are). Show them in a notebook, combine them with altair's ``|``, ``&`` and
``+``, or save them with ``chart.save("chart.png")`` / ``"chart.svg"`` (offline, with vl-convert).

They need no network: in a Jupyter kernel they display as altair's chart widget with Vega
bundled (:mod:`nblabel.charts.display`), where altair's default would load it from a CDN; charts
combined from them display the same way, and :func:`offline` makes any altair chart do so.
Your altair renderer settings are not changed.

Three charts can be clicked: :func:`uncertainty_histogram` carries a point selection named
``select_bin`` (fields ``bin_start``, ``bin_end``), :func:`confusion` one named ``select_cell``
(fields ``label``, ``predicted``) and :func:`per_label` (the model against label sets or spans,
label by label) one named ``select_cell`` too (fields ``label``, ``outcome``). Shown with
``jchart = widget(chart)``, the clicked values are in ``jchart.selections.select_bin.value`` (a
list of dicts, one per clicked mark); :func:`bin_items`, :func:`cell_items` and
:func:`outcome_items` turn them back into item ids.

Examples
--------
>>> import nblabel as nl
>>> chart = nl.charts.label_distribution(proj.annotations, proj.task.labels)  # doctest: +SKIP
>>> chart.save("labels.svg")  # doctest: +SKIP
"""

from .display import offline, widget
from .labeling import agreement, label_distribution, pairwise_heatmap, progress, throughput
from .model import (
    calibration,
    confusion,
    learning_curve,
    span_calibration,
    uncertainty_histogram,
)
from .outcomes import label_outcomes, label_scores, outcome_items, per_label
from .selections import BIN_SELECTION, CELL_SELECTION, bin_items, cell_items
from .slices import slices

__all__ = [
    "BIN_SELECTION",
    "CELL_SELECTION",
    "agreement",
    "bin_items",
    "calibration",
    "cell_items",
    "confusion",
    "label_distribution",
    "label_outcomes",
    "label_scores",
    "learning_curve",
    "offline",
    "outcome_items",
    "pairwise_heatmap",
    "per_label",
    "progress",
    "slices",
    "span_calibration",
    "throughput",
    "uncertainty_histogram",
    "widget",
]
