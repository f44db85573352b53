"""Charts of a labeling round: labels given, progress, throughput and agreement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from .._checks import Integer
from ..agreement.data import read_answers
from ..audit import throughput as audit_throughput
from ..audit import time_window
from .data import WIDTH, columns, empty, label_order, safe
from .display import Chart, layer

_MAX_POINTS = 200


# -- labeling ----------------------------------------------------------------------------------
def label_distribution(
    data: pd.DataFrame | pd.Series, labels: Sequence[Any] | None = None
) -> alt.Chart:
    """Bar chart of how often each label was given, per annotator.

    Parameters
    ----------
    data : pandas.DataFrame or pandas.Series
        Answers as :mod:`nblabel.agreement` reads them (e.g. ``proj.annotations``: each
        annotator's current answers are counted; multi-label answers count once per label, span
        answers once per span), or one label per item (e.g. ``proj.labels()``; NaN =
        unlabeled).
    labels : sequence, optional
        Labels in display order (e.g. ``task.labels``); unused ones get an empty bar.

    Returns
    -------
    altair.Chart
        Data columns ``label``, ``annotator``, ``count``.

    Examples
    --------
    >>> import pandas as pd
    >>> chart = label_distribution(pd.Series(["pos", "neg", "pos", None]))
    >>> sorted(chart.data["count"].tolist())
    [1, 2]
    """
    if isinstance(data, pd.Series):
        counts = _explode(data.dropna()).value_counts()
        table = pd.DataFrame(
            {"label": counts.index.to_numpy(dtype=object), "annotator": "all",
             "count": counts.to_numpy()}
        )
    elif isinstance(data, pd.DataFrame):
        answers = _current(data)
        exploded = answers.assign(label=answers["value"].map(_labels_in)).explode("label")
        exploded = exploded.dropna(subset="label")
        table = (
            exploded.groupby(["label", "annotator"], sort=False).size()
            .rename("count").reset_index()
        )
    else:
        raise TypeError(
            f"data must be answers (a DataFrame such as proj.annotations) or a Series of labels "
            f"(such as proj.labels()), got {type(data).__name__}."
        )
    order = label_order(table["label"], labels)
    return (
        Chart(safe(table), title="Labels given")
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=order, scale=alt.Scale(domain=order), title=None),
            x=alt.X("sum(count):Q", title="answers"),
            color=alt.Color("annotator:N", title="annotator"),
            tooltip=["label:N", "annotator:N", "count:Q"],
        )
        .properties(width=WIDTH)
    )


def progress(annotations: pd.DataFrame, max_points: int = _MAX_POINTS) -> alt.Chart:
    """Line chart of answers over time, cumulative, one line per annotator.

    Parameters
    ----------
    annotations : pandas.DataFrame
        The event log (``proj.annotations``): columns ``created_at``, ``annotator`` and
        ``event``. Answers are ``label`` and ``skip`` events; a retract takes one back.
    max_points : int, default 200
        Points per annotator at most (evenly spaced in the sequence of answers, the last
        always kept), so the chart stays small with any number of answers.

    Returns
    -------
    altair.Chart
        Data columns ``annotator``, ``created_at`` and ``answers`` (cumulative).

    Examples
    --------
    >>> progress(proj.annotations)  # doctest: +SKIP
    """
    events = _events(annotations, ("created_at", "annotator", "event"), "progress")
    events = events[events["event"].isin(("label", "skip", "retract"))]
    step = np.where(events["event"] == "retract", -1, 1)
    events = events.assign(step=step).sort_values("created_at", kind="stable")
    parts = []
    for annotator, rows in events.groupby("annotator", sort=True):
        total = rows["step"].cumsum().to_numpy()
        keep = _evenly(len(rows), max_points)
        parts.append(
            pd.DataFrame(
                {"annotator": annotator, "created_at": rows["created_at"].array[keep],
                 "answers": total[keep]}
            )
        )
    table = pd.concat(parts, ignore_index=True) if parts else empty(
        {"annotator": object, "created_at": "datetime64[us, UTC]", "answers": "int64"}
    )
    return (
        Chart(safe(table), title="Progress")
        .mark_line(point=len(table) < 60, interpolate="step-after")
        .encode(
            x=alt.X("created_at:T", title="time"),
            y=alt.Y("answers:Q", title="answers"),
            color=alt.Color("annotator:N"),
            tooltip=["annotator:N", alt.Tooltip("created_at:T", format="%H:%M:%S"), "answers:Q"],
        )
        .properties(width=WIDTH)
    )


def throughput(
    annotations: pd.DataFrame, every: str = "5min", max_windows: int = 60
) -> alt.Chart:
    """Bar chart of answers per minute, per annotator, in windows of ``every``.

    The answers per window are those :func:`nblabel.audit.throughput` counts with
    ``freq=every``; the chart divides them by the window's length in minutes (the audit's
    ``per_hour`` divides by the time spent on items instead).

    Parameters
    ----------
    annotations : pandas.DataFrame
        The event log: columns ``created_at``, ``annotator`` and ``event`` (``label`` and
        ``skip`` events are answers).
    every : str, default "5min"
        Window length, a pandas frequency (``"1min"``, ``"15min"``, ``"1h"``).
    max_windows : int, default 60
        Only the latest windows with answers are shown (at most this many), so the chart
        stays small however long labeling has run.

    Returns
    -------
    altair.Chart
        Data columns ``annotator``, ``window`` (start, UTC), ``answers`` and ``per_minute``.

    Examples
    --------
    >>> throughput(proj.annotations, every="1min")  # doctest: +SKIP
    """
    window = time_window("every", every)
    max_windows = Integer(low=1)("max_windows", max_windows)
    events = _events(annotations, ("created_at", "annotator", "event"), "throughput")
    table = audit_throughput(events, freq=window)[["annotator", "period", "answers"]]
    table = table.rename(columns={"period": "window"})
    latest = np.sort(table["window"].unique())[-max_windows:]
    table = table[table["window"].isin(latest)].reset_index(drop=True)
    table["per_minute"] = table["answers"] / (window / pd.Timedelta(minutes=1))
    return (
        Chart(safe(table), title=f"Throughput (answers per minute, {every} windows)")
        .mark_bar()
        .encode(
            x=alt.X("window:T", title="time"),
            xOffset=alt.XOffset("annotator:N"),
            y=alt.Y("per_minute:Q", title="answers per minute"),
            color=alt.Color("annotator:N"),
            tooltip=["annotator:N", "window:T", "answers:Q",
                     alt.Tooltip("per_minute:Q", format=".1f")],
        )
        .properties(width=WIDTH)
    )



# -- agreement ---------------------------------------------------------------------------------
def agreement(summary: pd.DataFrame) -> alt.LayerChart:
    """Agreement overall and per label, with intervals: the output of ``nl.agreement.summary``.

    Parameters
    ----------
    summary : pandas.DataFrame
        Columns ``scope`` ("overall" or "label"), ``label``, ``metric``, ``estimate``, ``low``,
        ``high``, ``items`` and ``answers`` (as :func:`nblabel.agreement.summary` or
        ``proj.agreement()`` return them).

    Returns
    -------
    altair.LayerChart
        A point per statistic and a rule for its interval; one row per scope (``overall``,
        then each label). Data columns are those of ``summary`` plus ``row``.

    Examples
    --------
    >>> agreement(proj.agreement())  # doctest: +SKIP
    """
    needed = ["scope", "label", "metric", "estimate", "low", "high", "items", "answers"]
    table = columns(summary, needed, "agreement", "nl.agreement.summary(...)")
    table = table.assign(row=np.where(table["scope"] == "overall", "overall", table["label"]))
    table["row"] = table["row"].astype(str)
    rows = list(dict.fromkeys(table["row"]))
    low = min(0.0, float(np.nanmin(table[["estimate", "low"]].to_numpy(dtype=float),
                                   initial=0.0)))
    x_scale = alt.Scale(domain=[low, 1.0])
    base = Chart(safe(table)).encode(
        y=alt.Y("row:N", sort=rows, title=None),
        yOffset=alt.YOffset("metric:N"),
        color=alt.Color("metric:N"),
    )
    rule = base.mark_rule().encode(x=alt.X("low:Q", scale=x_scale, title="agreement"), x2="high:Q")
    point = base.mark_point(filled=True, size=60).encode(
        x=alt.X("estimate:Q", scale=x_scale),
        tooltip=["row:N", "metric:N", alt.Tooltip("estimate:Q", format=".3f"),
                 alt.Tooltip("low:Q", format=".3f"), alt.Tooltip("high:Q", format=".3f"),
                 "items:Q", "answers:Q"],
    )
    return layer(rule, point, title="Agreement (with intervals)").properties(width=WIDTH)


def pairwise_heatmap(matrix: pd.DataFrame, metric: str = "agreement") -> alt.LayerChart:
    """Heatmap of agreement between every pair of annotators.

    Parameters
    ----------
    matrix : pandas.DataFrame
        Square annotator × annotator matrix, as :func:`nblabel.agreement.pairwise` returns it
        (NaN on the diagonal and for pairs without shared items).
    metric : str, default "agreement"
        Name of the statistic, for the title and legend (e.g. ``"cohen_kappa"``).

    Returns
    -------
    altair.LayerChart
        Data columns ``annotator_a``, ``annotator_b`` and ``value`` (off-diagonal pairs).

    Examples
    --------
    >>> pairwise_heatmap(nl.agreement.pairwise(proj.annotations), "cohen_kappa")  # doctest: +SKIP
    """
    if not isinstance(matrix, pd.DataFrame) or list(matrix.index) != list(matrix.columns):
        raise ValueError(
            "matrix must be a square annotator × annotator DataFrame with the same annotators "
            "as index and columns, as nl.agreement.pairwise(...) returns."
        )
    names = [str(name) for name in matrix.index]
    values = matrix.to_numpy(dtype=float)
    a, b = np.meshgrid(np.arange(len(names)), np.arange(len(names)), indexing="ij")
    off = a != b
    table = pd.DataFrame(
        {"annotator_a": np.asarray(names, dtype=object)[a[off]],
         "annotator_b": np.asarray(names, dtype=object)[b[off]],
         "value": values[off]}
    )
    base = Chart(safe(table)).encode(
        x=alt.X("annotator_b:N", sort=names, title=None),
        y=alt.Y("annotator_a:N", sort=names, title=None),
    )
    rect = base.mark_rect().encode(
        color=alt.Color("value:Q", title=metric, scale=alt.Scale(scheme="blues", domain=[0, 1])),
        tooltip=["annotator_a:N", "annotator_b:N", alt.Tooltip("value:Q", format=".3f")],
    )
    text = base.mark_text(baseline="middle").encode(
        text=alt.Text("value:Q", format=".2f"),
        color=alt.condition("datum.value > 0.6", alt.value("white"), alt.value("black")),
    )
    size = max(120, 40 * len(names))
    return layer(rect, text, title=f"Pairwise {metric}").properties(width=size, height=size)


# -- helpers -----------------------------------------------------------------------------------
def _current(data: pd.DataFrame) -> pd.DataFrame:
    """Return current answers as ``item``, ``annotator``, ``value`` (maybe none)."""
    if "event" in data.columns and not (data["event"] == "label").any():
        return empty({"item": object, "annotator": object, "value": object})
    if data.empty:
        return empty({"item": object, "annotator": object, "value": object})
    return read_answers(data).to_frame()


def _events(annotations: Any, needed: Sequence[str], caller: str) -> pd.DataFrame:
    """Return the ``needed`` columns of the event log, ``created_at`` as UTC times."""
    table = columns(annotations, list(needed), caller, "proj.annotations")
    return table.assign(created_at=pd.to_datetime(table["created_at"], utc=True))


def _explode(values: pd.Series) -> pd.Series:
    return values.map(_labels_in).explode().dropna()


def _labels_in(value: Any) -> Any:
    """Return the labels an answer gives: itself, a label set's, or the labels of its spans."""
    if not isinstance(value, list | tuple):
        return value
    return [
        element["label"] if isinstance(element, dict) else
        element[2] if isinstance(element, list | tuple) and len(element) == 3 else element
        for element in value
    ]


def _evenly(n: int, limit: int) -> np.ndarray:
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(int))
