"""The chart of a slice audit: each quality measure per slice, with its interval."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from .data import WIDTH, columns, safe
from .display import Chart, layer, offline

#: What the chart leaves out unless asked: label shares and pace are not quality measures.
NOT_QUALITY = ("label_share", "answers_per_hour")

def slices(audit: pd.DataFrame, metrics: list[str] | None = None) -> alt.FacetChart:
    """Each measure of a slice audit per slice, a point with its interval; one row per measure.

    Parameters
    ----------
    audit : pandas.DataFrame
        :func:`nblabel.slices.slice_audit`'s table (``proj.slice_audit(by=...)``).
    metrics : list of str, optional
        Measures to draw (default: those with intervals: agreement, gold accuracy, model
        error). Label shares draw one point per label.

    Returns
    -------
    altair.FacetChart
        Faceted by measure (rows); data columns are the audit's plus ``point`` (the slice, and
        the label for label shares).

    Examples
    --------
    >>> nl.charts.slices(proj.slice_audit(by="channel"))  # doctest: +SKIP
    """
    needed = ["slice", "metric", "label", "estimate", "low", "high", "n"]
    table = columns(audit, needed, "slices", "proj.slice_audit(by=...)")
    # By default the quality measures: agreement (whichever the task's is), gold accuracy,
    # model error; not label shares or pace. A slice too small for an interval keeps its point.
    chosen = metrics or [m for m in pd.unique(table["metric"]) if m not in NOT_QUALITY]
    table = table[table["metric"].isin(chosen)]
    label = table["label"].astype(object).where(table["label"].notna(), "")
    table = table.assign(
        slice=table["slice"].astype(str),
        point=np.where(label == "", table["slice"].astype(str),
                       table["slice"].astype(str) + " · " + label.astype(str)),
    )
    base = Chart(safe(table)).encode(
        y=alt.Y("point:N", title=None),
        color=alt.Color("slice:N", legend=None),
    )
    rule = base.mark_rule().encode(x=alt.X("low:Q", title="estimate"), x2="high:Q")
    point = base.mark_point(filled=True, size=60).encode(
        x=alt.X("estimate:Q"),
        tooltip=["slice:N", "metric:N", alt.Tooltip("estimate:Q", format=".3f"),
                 alt.Tooltip("low:Q", format=".3f"), alt.Tooltip("high:Q", format=".3f"), "n:Q"],
    )
    return offline(
        layer(rule, point)
        .properties(width=WIDTH)
        .facet(row=alt.Row("metric:N", title=None), title="Quality by slice (with intervals)")
        .resolve_scale(y="independent")
    )
