"""Chart builders: tidy frames in, altair charts out.

Every function here is pure: it reads a frame (the project's annotations, an agreement table, a
learner's predictions or history, a simulation's learning curves), aggregates it with pandas and
returns an altair chart whose data holds only the aggregate (a few hundred rows at most, however
many answers there are). The charts need no widget: show them in a notebook, combine them with
altair's ``|`` and ``&``, or save them with ``chart.save("chart.png")`` / ``"chart.svg"``
(offline, with vl-convert).

Two charts can be clicked: :func:`uncertainty_histogram` carries a point selection named
``select_bin`` (fields ``bin_start``, ``bin_end``) and :func:`confusion` one named
``select_cell`` (fields ``label``, ``predicted``). Shown with ``alt.JupyterChart(chart)``, the
clicked values are in ``jchart.selections.select_bin.value`` (a list of dicts, one per clicked
mark); :func:`bin_items` and :func:`cell_items` turn them back into item ids.

Examples
--------
>>> import nblabel as nl
>>> chart = nl.charts.label_distribution(proj.annotations, proj.task.labels)  # doctest: +SKIP
>>> chart.save("labels.svg")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from ._agreement_data import read_answers

__all__ = [
    "BIN_SELECTION",
    "CELL_SELECTION",
    "agreement",
    "bin_items",
    "calibration",
    "cell_items",
    "confusion",
    "label_distribution",
    "learning_curve",
    "pairwise_heatmap",
    "progress",
    "throughput",
    "uncertainty_histogram",
]

#: Name of the point selection of :func:`uncertainty_histogram` (fields ``bin_start``, ``bin_end``).
BIN_SELECTION = "select_bin"
#: Name of the point selection of :func:`confusion` (fields ``label``, ``predicted``).
CELL_SELECTION = "select_cell"

_WIDTH = 320
_MAX_POINTS = 200
_ANSWER_EVENTS = ("label", "skip")


# -- labeling ----------------------------------------------------------------------------------
def label_distribution(
    data: pd.DataFrame | pd.Series, labels: Sequence[Any] | None = None
) -> alt.Chart:
    """Bar chart of how often each label was given, per annotator.

    Parameters
    ----------
    data : pandas.DataFrame or pandas.Series
        Answers as :mod:`nblabel.agreement` reads them (e.g. ``proj.annotations``: each
        annotator's current answers are counted; multi-label answers count once per label), or
        one label per item (e.g. ``proj.labels()``; NaN = unlabeled).
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
        exploded = answers.assign(label=answers["value"]).explode("label").dropna(subset="label")
        table = (
            exploded.groupby(["label", "annotator"], sort=False).size()
            .rename("count").reset_index()
        )
    else:
        raise TypeError(
            f"data must be answers (a DataFrame such as proj.annotations) or a Series of labels "
            f"(such as proj.labels()), got {type(data).__name__}."
        )
    order = _label_order(table["label"], labels)
    return (
        alt.Chart(_safe(table), title="Labels given")
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=order, scale=alt.Scale(domain=order), title=None),
            x=alt.X("sum(count):Q", title="answers"),
            color=alt.Color("annotator:N", title="annotator"),
            tooltip=["label:N", "annotator:N", "count:Q"],
        )
        .properties(width=_WIDTH)
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
    events = events[events["event"].isin(_ANSWER_EVENTS + ("retract",))]
    step = np.where(events["event"] == "retract", -1, 1)
    events = events.assign(step=step).sort_values("created_at", kind="stable")
    parts = []
    for annotator, rows in events.groupby("annotator", sort=True):
        total = rows["step"].cumsum().to_numpy()
        keep = _evenly(len(rows), max_points)
        parts.append(
            pd.DataFrame(
                {"annotator": annotator, "created_at": rows["created_at"].to_numpy()[keep],
                 "answers": total[keep]}
            )
        )
    table = pd.concat(parts, ignore_index=True) if parts else _empty(
        {"annotator": object, "created_at": "datetime64[us, UTC]", "answers": "int64"}
    )
    return (
        alt.Chart(_safe(table), title="Progress")
        .mark_line(point=len(table) < 60, interpolate="step-after")
        .encode(
            x=alt.X("created_at:T", title="time"),
            y=alt.Y("answers:Q", title="answers"),
            color=alt.Color("annotator:N"),
            tooltip=["annotator:N", alt.Tooltip("created_at:T", format="%H:%M:%S"), "answers:Q"],
        )
        .properties(width=_WIDTH)
    )


def throughput(
    annotations: pd.DataFrame, every: str = "5min", max_windows: int = 60
) -> alt.Chart:
    """Bar chart of answers per minute, per annotator, in windows of ``every``.

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
    try:
        window = pd.Timedelta(pd.tseries.frequencies.to_offset(every))
    except (TypeError, ValueError):
        raise ValueError(
            f"every={every!r} is not a time window; use a pandas frequency like '1min' or '1h'."
        ) from None
    if window <= pd.Timedelta(0):
        raise ValueError(f"every={every!r} must be a positive time window.")
    if isinstance(max_windows, bool) or not isinstance(max_windows, int) or max_windows < 1:
        raise ValueError(f"max_windows= must be a positive int, got {max_windows!r}.")
    events = _events(annotations, ("created_at", "annotator", "event"), "throughput")
    events = events[events["event"].isin(_ANSWER_EVENTS)]
    table = (
        events.assign(window=events["created_at"].dt.floor(window))
        .groupby(["annotator", "window"], sort=True).size().rename("answers").reset_index()
    )
    latest = np.sort(table["window"].unique())[-max_windows:]
    table = table[table["window"].isin(latest)].reset_index(drop=True)
    table["per_minute"] = table["answers"] / (window / pd.Timedelta(minutes=1))
    return (
        alt.Chart(_safe(table), title=f"Throughput (answers per minute, {every} windows)")
        .mark_bar()
        .encode(
            x=alt.X("window:T", title="time"),
            xOffset=alt.XOffset("annotator:N"),
            y=alt.Y("per_minute:Q", title="answers per minute"),
            color=alt.Color("annotator:N"),
            tooltip=["annotator:N", "window:T", "answers:Q",
                     alt.Tooltip("per_minute:Q", format=".1f")],
        )
        .properties(width=_WIDTH)
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
    table = _columns(summary, needed, "agreement", "nl.agreement.summary(...)")
    table = table.assign(row=np.where(table["scope"] == "overall", "overall", table["label"]))
    table["row"] = table["row"].astype(str)
    rows = list(dict.fromkeys(table["row"]))
    low = min(0.0, float(np.nanmin(table[["estimate", "low"]].to_numpy(dtype=float),
                                   initial=0.0)))
    x_scale = alt.Scale(domain=[low, 1.0])
    base = alt.Chart(_safe(table)).encode(
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
    return alt.layer(rule, point, title="Agreement (with intervals)").properties(width=_WIDTH)


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
    base = alt.Chart(_safe(table)).encode(
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
    return alt.layer(rect, text, title=f"Pairwise {metric}").properties(width=size, height=size)


# -- the model ---------------------------------------------------------------------------------
def uncertainty_histogram(
    frame: pd.DataFrame, column: str = "uncertainty", bins: int = 20
) -> alt.Chart:
    """Histogram of the model's uncertainty over the unlabeled pool; bars can be clicked.

    Bins are computed here (``numpy.histogram``; the last bin includes its right edge), so the
    chart carries ``bin_start``/``bin_end`` per bar whatever the pool size. Clicking bars fills
    the point selection :data:`BIN_SELECTION` (``"select_bin"``); :func:`bin_items` maps its
    value back to the items.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per item, indexed by item, with the score in ``column``, e.g. the unlabeled rows
        of ``learner.state.predictions()`` (``uncertainty`` is ``1 - confidence``).
    column : str, default "uncertainty"
        The column to bin (e.g. ``"score"``, the strategy's score).
    bins : int, default 20
        Number of bins over ``[0, 1]`` (or over the data's range when it leaves ``[0, 1]``).

    Returns
    -------
    altair.Chart
        Data columns ``bin_start``, ``bin_end`` and ``count``; parameter ``select_bin``.

    Examples
    --------
    >>> import pandas as pd
    >>> chart = uncertainty_histogram(pd.DataFrame({"uncertainty": [0.1, 0.15, 0.9]}), bins=10)
    >>> chart.data["count"].tolist()[:2]
    [0, 2]
    """
    values = _numeric(frame, column, "uncertainty_histogram")
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise ValueError(f"bins= must be a positive int, got {bins!r}.")
    low, high = 0.0, 1.0
    if len(values) and (values.min() < 0 or values.max() > 1):
        low, high = float(values.min()), float(values.max())
        high = high if high > low else low + 1.0
    counts, edges = np.histogram(values, bins=bins, range=(low, high))
    table = pd.DataFrame({"bin_start": edges[:-1], "bin_end": edges[1:], "count": counts})
    select = alt.selection_point(name=BIN_SELECTION, fields=["bin_start", "bin_end"])
    return (
        alt.Chart(_safe(table), title=f"Pool {column} ({int(counts.sum())} items)")
        .mark_bar(cursor="pointer")
        .encode(
            x=alt.X("bin_start:Q", bin="binned", title=column, scale=alt.Scale(domain=[low, high])),
            x2="bin_end:Q",
            y=alt.Y("count:Q", title="items"),
            opacity=alt.condition(select, alt.value(1.0), alt.value(0.45)),
            tooltip=[alt.Tooltip("bin_start:Q", format=".3f"),
                     alt.Tooltip("bin_end:Q", format=".3f"), "count:Q"],
        )
        .add_params(select)
        .properties(width=_WIDTH)
    )


def learning_curve(
    frame: pd.DataFrame, metrics: str | Sequence[str] = ("accuracy", "f1")
) -> alt.LayerChart:
    """Learning curve: score against the number of labels.

    Works with a learner's :attr:`~nblabel.learn.ActiveLearner.history` (one line per metric)
    and with :func:`nblabel.learn.simulate` output (one colour per strategy, one dash per
    metric, and a band of ± one standard deviation over repeats).

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``n_labels`` and the metrics; optional ``strategy`` and ``repeat``.
    metrics : str or sequence of str, default ("accuracy", "f1")
        The score columns to plot (those missing from ``frame`` are left out).

    Returns
    -------
    altair.LayerChart
        Data columns ``n_labels``, ``metric``, ``series``, ``mean``, ``low``, ``high`` and
        ``runs``.

    Examples
    --------
    >>> import pandas as pd
    >>> history = pd.DataFrame({"n_labels": [10, 20], "accuracy": [0.5, 0.7], "f1": [0.4, 0.6]})
    >>> sorted(set(learning_curve(history).data["metric"]))
    ['accuracy', 'f1']
    """
    if not isinstance(frame, pd.DataFrame) or "n_labels" not in frame.columns:
        raise ValueError(
            "frame must have an n_labels column and score columns: learner.history or the "
            "output of nl.learn.simulate(...)."
        )
    wanted = [metrics] if isinstance(metrics, str) else list(metrics)
    present = [m for m in wanted if m in frame.columns]
    if not present:
        raise ValueError(
            f"frame has none of the metric columns {wanted}; its columns are "
            f"{list(frame.columns)}."
        )
    keys = ["strategy"] if "strategy" in frame.columns else []
    long = frame.melt(id_vars=keys + ["n_labels"], value_vars=present, var_name="metric")
    grouped = long.groupby(keys + ["metric", "n_labels"], sort=True)["value"]
    table = grouped.agg(mean="mean", sd="std", runs="count").reset_index()
    table["sd"] = table["sd"].fillna(0.0)
    table["low"] = table["mean"] - table["sd"]
    table["high"] = table["mean"] + table["sd"]
    table["series"] = table["strategy"].astype(str) if keys else table["metric"]
    table = table.drop(columns="sd")
    base = alt.Chart(_safe(table)).encode(
        x=alt.X("n_labels:Q", title="labels"),
        color=alt.Color("series:N", title="strategy" if keys else "metric"),
    )
    dash = {"strokeDash": alt.StrokeDash("metric:N")} if keys and len(present) > 1 else {}
    line = base.mark_line(point=True).encode(
        y=alt.Y("mean:Q", title=" / ".join(present), scale=alt.Scale(zero=False)),
        tooltip=["series:N", "metric:N", "n_labels:Q", alt.Tooltip("mean:Q", format=".3f"),
                 "runs:Q"],
        **dash,
    )
    layers = [line]
    if (table["runs"] > 1).any():
        band = base.mark_area(opacity=0.2).encode(y="low:Q", y2="high:Q", detail="metric:N")
        layers.insert(0, band)
    return alt.layer(*layers, title="Learning curve").properties(width=_WIDTH)


def calibration(
    frame: pd.DataFrame,
    bins: int = 10,
    *,
    confidence: str = "heldout_confidence",
    predicted: str = "heldout",
    label: str = "label",
) -> alt.LayerChart:
    """Reliability diagram: how often the model is right, against how sure it was.

    Use held-out predictions (the defaults read ``learner.state.predictions()``, whose
    ``heldout`` columns are out-of-fold predictions on labeled items): a model judged on the
    items it was trained on looks better calibrated than it is.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per item with columns ``confidence``, ``predicted`` and ``label`` (rows missing
        any of them are left out).
    bins : int, default 10
        Equal-width confidence bins over ``[0, 1]``.
    confidence, predicted, label : str
        Column names: the predicted label's probability, the predicted label, the given label.

    Returns
    -------
    altair.LayerChart
        Data columns ``bin_start``, ``bin_end``, ``confidence`` (mean in the bin),
        ``accuracy`` and ``count``; the title states the expected calibration error.

    Examples
    --------
    >>> calibration(learner.state.predictions())  # doctest: +SKIP
    """
    table = _columns(frame, [confidence, predicted, label], "calibration", "predictions")
    table = table.dropna(subset=[confidence, predicted, label])
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise ValueError(f"bins= must be a positive int, got {bins!r}.")
    sure = table[confidence].to_numpy(dtype=float)
    right = (table[predicted].to_numpy(dtype=object) == table[label].to_numpy(dtype=object))
    edges = np.linspace(0.0, 1.0, bins + 1)
    slot = np.clip(np.searchsorted(edges, sure, side="right") - 1, 0, bins - 1)
    count = np.bincount(slot, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_sure = np.bincount(slot, weights=sure, minlength=bins) / count
        accuracy = np.bincount(slot, weights=right.astype(float), minlength=bins) / count
    used = count > 0
    ece = float(np.sum(count[used] * np.abs(accuracy[used] - mean_sure[used])) / max(len(sure), 1))
    data = pd.DataFrame(
        {"bin_start": edges[:-1][used], "bin_end": edges[1:][used],
         "confidence": mean_sure[used], "accuracy": accuracy[used], "count": count[used]}
    )
    title = f"Calibration: expected error {ece:.3f} over {len(sure)} held-out predictions"
    axis = alt.Scale(domain=[0, 1])
    diagonal = alt.Chart(pd.DataFrame({"x": [0.0, 1.0]})).mark_line(
        strokeDash=[4, 4], color="gray"
    ).encode(x=alt.X("x:Q", scale=axis), y=alt.Y("x:Q", scale=axis))
    curve = alt.Chart(_safe(data)).mark_line().encode(
        x=alt.X("confidence:Q", scale=axis, title="confidence (mean in bin)"),
        y=alt.Y("accuracy:Q", scale=axis, title="accuracy"),
        tooltip=[alt.Tooltip("bin_start:Q", format=".2f"), alt.Tooltip("bin_end:Q", format=".2f"),
                 alt.Tooltip("confidence:Q", format=".3f"),
                 alt.Tooltip("accuracy:Q", format=".3f"), "count:Q"],
    )
    dots = curve.mark_circle().encode(size=alt.Size("count:Q", title="items"))
    return alt.layer(diagonal, curve, dots, title=title).properties(width=_WIDTH,
                                                                       height=_WIDTH)


def confusion(
    frame: pd.DataFrame,
    labels: Sequence[Any] | None = None,
    *,
    label: str = "label",
    predicted: str = "heldout",
) -> alt.LayerChart:
    """Confusion matrix of the model against the given labels; cells can be clicked.

    Clicking cells fills the point selection :data:`CELL_SELECTION` (``"select_cell"``, fields
    ``label`` and ``predicted``); :func:`cell_items` maps its value back to the items.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per item, indexed by item, with the given label and the model's prediction
        (rows missing either are left out). The defaults read ``learner.state.predictions()``
        (out-of-fold predictions on labeled items).
    labels : sequence, optional
        Labels in display order (default: those present, sorted).
    label, predicted : str
        Column names of the given label and the prediction.

    Returns
    -------
    altair.LayerChart
        Data columns ``label``, ``predicted``, ``count`` and ``share`` (of the row: recall on
        the diagonal), one row per pair of labels; parameter ``select_cell``.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"label": ["a", "a", "b"], "heldout": ["a", "b", "b"]})
    >>> confusion(frame).data["count"].tolist()
    [1, 1, 0, 1]
    """
    table = _columns(frame, [label, predicted], "confusion", "predictions")
    table = table.dropna(subset=[label, predicted])
    given = table[label].to_numpy(dtype=object)
    guessed = table[predicted].to_numpy(dtype=object)
    order = _label_order(pd.Series(np.concatenate([given, guessed])), labels)
    k = len(order)
    given_code = pd.Categorical(given, categories=order).codes.astype(np.int64)
    guessed_code = pd.Categorical(guessed, categories=order).codes.astype(np.int64)
    counts = np.bincount(given_code * k + guessed_code, minlength=k * k)
    data = pd.DataFrame({
        "label": pd.Series(np.repeat(order, k), dtype=object),
        "predicted": pd.Series(np.tile(np.asarray(order, dtype=object), k), dtype=object),
        "count": counts,
    })
    totals = data.groupby("label")["count"].transform("sum")
    data["share"] = np.where(totals > 0, data["count"] / totals.where(totals > 0, 1), 0.0)
    select = alt.selection_point(name=CELL_SELECTION, fields=["label", "predicted"])
    base = alt.Chart(_safe(data)).encode(
        x=alt.X("predicted:N", sort=order, title="model"),
        y=alt.Y("label:N", sort=order, title="given label"),
    )
    rect = base.mark_rect(cursor="pointer").encode(
        color=alt.Color("count:Q", scale=alt.Scale(scheme="blues"), title="items"),
        opacity=alt.condition(select, alt.value(1.0), alt.value(0.5)),
        tooltip=["label:N", "predicted:N", "count:Q", alt.Tooltip("share:Q", format=".0%")],
    ).add_params(select)
    peak = max(int(data["count"].max()) if len(data) else 0, 1)
    text = base.mark_text(baseline="middle").encode(
        text="count:Q",
        color=alt.condition(f"datum.count > {peak / 2}", alt.value("white"), alt.value("black")),
    )
    size = max(160, 36 * len(order))
    return alt.layer(rect, text, title=f"Model vs given label ({len(given)} items)").properties(
        width=size, height=size
    )


# -- from clicks back to items -----------------------------------------------------------------
def bin_items(frame: pd.DataFrame, selection: Any, column: str = "uncertainty") -> pd.Index:
    """Return the items in the histogram bars a user clicked.

    Parameters
    ----------
    frame : pandas.DataFrame
        The frame the histogram was built from (indexed by item).
    selection : PointSelection, list of dict or dict
        ``jchart.selections.select_bin`` (or its ``value``): dicts with ``bin_start`` and
        ``bin_end``.
    column : str, default "uncertainty"
        The binned column.

    Returns
    -------
    pandas.Index
        The items whose value lies in a clicked bin (``bin_start <= v < bin_end``; the last
        bin also takes ``v == bin_end``), in ``frame`` order.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"uncertainty": [0.1, 0.15, 0.9]}, index=["a", "b", "c"])
    >>> bin_items(frame, [{"bin_start": 0.1, "bin_end": 0.2}]).tolist()
    ['a', 'b']
    """
    values = _numeric(frame, column, "bin_items")
    top = np.nanmax(values) if np.isfinite(values).any() else np.nan
    keep = np.zeros(len(values), dtype=bool)
    for point in _points(selection, ("bin_start", "bin_end")):
        start, end = float(point["bin_start"]), float(point["bin_end"])
        keep |= (values >= start) & ((values < end) | ((values == end) & (end >= top)))
    return frame.index[keep]


def cell_items(
    frame: pd.DataFrame, selection: Any, *, label: str = "label", predicted: str = "heldout"
) -> pd.Index:
    """Return the items in the confusion-matrix cells a user clicked.

    Parameters
    ----------
    frame : pandas.DataFrame
        The frame the confusion matrix was built from (indexed by item).
    selection : PointSelection, list of dict or dict
        ``jchart.selections.select_cell`` (or its ``value``): dicts with ``label`` and
        ``predicted``.
    label, predicted : str
        The frame's column names, as given to :func:`confusion`.

    Returns
    -------
    pandas.Index
        The items whose given label and prediction match a clicked cell, in ``frame`` order.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"label": ["a", "a", "b"], "heldout": ["a", "b", "b"]},
    ...                      index=[10, 11, 12])
    >>> cell_items(frame, [{"label": "a", "predicted": "b"}]).tolist()
    [11]
    """
    table = _columns(frame, [label, predicted], "cell_items", "predictions")
    given = table[label].to_numpy(dtype=object)
    guessed = table[predicted].to_numpy(dtype=object)
    keep = np.zeros(len(table), dtype=bool)
    for point in _points(selection, ("label", "predicted")):
        keep |= (given == point["label"]) & (guessed == point["predicted"])
    return frame.index[keep]


# -- helpers -----------------------------------------------------------------------------------
def _points(selection: Any, fields: tuple[str, ...]) -> list[Mapping[str, Any]]:
    value = getattr(selection, "value", selection)
    if value is None:
        return []
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise TypeError(
            f"selection must be a chart selection (e.g. jchart.selections.{BIN_SELECTION}) or a "
            f"list of dicts with {list(fields)}, got {type(value).__name__}."
        )
    for point in value:
        if not isinstance(point, Mapping) or any(f not in point for f in fields):
            raise ValueError(
                f"each selected point must be a dict with {list(fields)}, got {point!r}."
            )
    return list(value)


def _current(data: pd.DataFrame) -> pd.DataFrame:
    """Return current answers as ``item``, ``annotator``, ``value`` (maybe none)."""
    if "event" in data.columns and not (data["event"] == "label").any():
        return _empty({"item": object, "annotator": object, "value": object})
    if data.empty:
        return _empty({"item": object, "annotator": object, "value": object})
    return read_answers(data).to_frame()


def _events(annotations: Any, needed: Sequence[str], caller: str) -> pd.DataFrame:
    table = _columns(annotations, list(needed), caller, "proj.annotations")
    return table.assign(created_at=pd.to_datetime(table["created_at"], utc=True))


def _columns(frame: Any, needed: list[str], caller: str, source: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{caller}() needs a DataFrame ({source}), got {type(frame).__name__}.")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{caller}() needs columns {missing}, which the frame lacks (it has "
            f"{list(frame.columns)[:12]}); pass {source}."
        )
    return frame[needed]


def _numeric(frame: Any, column: str, caller: str) -> np.ndarray:
    table = _columns(frame, [column], caller, "learner.state.predictions()")
    values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
    return values[~np.isnan(values)] if caller != "bin_items" else values


def _explode(values: pd.Series) -> pd.Series:
    return values.explode().dropna()


def _label_order(present: pd.Series, labels: Sequence[Any] | None) -> list[Any]:
    seen = sorted({v for v in present.dropna().tolist()}, key=str)
    if labels is None:
        return seen
    if isinstance(labels, str):
        raise TypeError(f"labels must be a list of labels, got the string {labels!r}.")
    order = list(labels)
    return order + [v for v in seen if v not in order]


def _evenly(n: int, limit: int) -> np.ndarray:
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(int))


def _safe(table: pd.DataFrame) -> pd.DataFrame:
    """Return ``table`` with text columns that have gaps as string dtype.

    altair turns the None of an object column into NaN, which is not valid JSON (and a chart
    widget refuses it); a string column keeps the gap as null.
    """
    gaps = [c for c in table.columns if table[c].dtype == object and table[c].isna().any()]
    if not gaps:
        return table
    return table.assign(**{c: table[c].astype("string") for c in gaps})


def _empty(dtypes: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in dtypes.items()})
