"""The dashboard's panels: what each chart is called, what it is for, and which can be clicked.

The browser lays the panels out in this order in a grid (as many columns as the width allows)
and writes each one's ``purpose`` under its title, so a reader knows what a chart answers before
reading it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..charts.selections import BIN_SELECTION, CELL_SELECTION

#: Height of the charts drawn over a continuous axis, in pixels (a grid row stays short).
_HEIGHT = 180


@dataclass(frozen=True)
class Panel:
    """One chart of the dashboard.

    Attributes
    ----------
    name : str
        Its key (``dash.slots[name]``).
    title : str
        The heading shown until the chart gives its own (e.g. with a count in it).
    purpose : str
        One line under the title: what the chart is for.
    selection : str or None
        The point selection a click on the chart fills, if it can be clicked.
    fit : bool
        Whether the browser widens the plot to fill the panel (keeping room for its axes and
        legend, and never narrowing it below a readable width); heatmaps keep their size.
    height : int or None
        The plot's height in pixels, for charts whose height is not set by a count of rows.
    offset_step : int or None
        Pixels per bar of a grouped row (the agreement chart's one row per metric), so a chart
        of many labels stays short.
    """

    name: str
    title: str
    purpose: str
    selection: str | None = None
    fit: bool = True
    height: int | None = None
    offset_step: int | None = None

    def to_wire(self) -> dict[str, Any]:
        """Return the panel as the browser reads it."""
        return asdict(self)


PANELS = (
    Panel("labels", "Labels given",
          "How often each label was given, by annotator: unused labels and odd mixes show here."),
    Panel("progress", "Progress", "Answers over time, per annotator.", height=_HEIGHT),
    Panel("throughput", "Throughput", "Answers per minute in recent windows: who labels now, "
                                      "and how fast.", height=_HEIGHT),
    Panel("agreement", "Agreement",
          "How far annotators agree, overall and per label; low or wide means unclear rules.",
          offset_step=6),
    Panel("pairs", "Agreement between annotators",
          "Agreement of each pair (Cohen's kappa; MASI alpha for label sets, span F1 for spans): "
          "someone who reads the guideline differently stands out.",
          fit=False),
    Panel("uncertainty", "Pool uncertainty",
          "How unsure the model is about unlabeled items. Click a bar to list its items.",
          selection=BIN_SELECTION, height=_HEIGHT),
    Panel("confusion", "Model vs given label",
          "Where the model and the answers part ways (per label for label sets and spans). "
          "Click a cell to list its items.",
          selection=CELL_SELECTION, fit=False),
    Panel("learning_curve", "Learning curve",
          "Cross-validated quality as labels grow: flat means more of the same helps little.",
          height=_HEIGHT),
    Panel("calibration", "Calibration",
          "Whether the model is as often right as it is sure, on held-out items.",
          height=_HEIGHT + 60),
)

LABELING = ("labels", "progress", "throughput")
AGREEMENT = ("agreement", "pairs")
MODEL = ("uncertainty", "confusion", "learning_curve", "calibration")
BY_NAME = {panel.name: panel for panel in PANELS}
