"""Charts of the model: uncertainty over the pool, learning curves, calibration, confusion."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from .._checks import check
from .data import WIDTH, columns, label_order, numeric, safe
from .display import Chart, layer
from .selections import BIN_SELECTION, CELL_SELECTION


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
    values = numeric(frame, column, "uncertainty_histogram")
    bins = check("bins", bins)
    low, high = 0.0, 1.0
    if len(values) and (values.min() < 0 or values.max() > 1):
        low, high = float(values.min()), float(values.max())
        high = high if high > low else low + 1.0
    counts, edges = np.histogram(values, bins=bins, range=(low, high))
    table = pd.DataFrame({"bin_start": edges[:-1], "bin_end": edges[1:], "count": counts})
    select = alt.selection_point(name=BIN_SELECTION, fields=["bin_start", "bin_end"])
    return (
        Chart(safe(table), title=f"Pool {column} ({int(counts.sum())} items)")
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
        .properties(width=WIDTH)
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
    base = Chart(safe(table)).encode(
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
    return layer(*layers, title="Learning curve").properties(width=WIDTH)


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
    table = columns(frame, [confidence, predicted, label], "calibration", "predictions")
    table = table.dropna(subset=[confidence, predicted, label])
    sure = table[confidence].to_numpy(dtype=float)
    right = (table[predicted].to_numpy(dtype=object) == table[label].to_numpy(dtype=object))
    return _reliability(sure, right, check("bins", bins), "held-out predictions")


def span_calibration(
    frame: pd.DataFrame, bins: int = 10, *, predicted: str = "heldout", label: str = "label"
) -> alt.LayerChart:
    """Reliability diagram of a span model: how often a span is right, against its confidence.

    Each predicted span counts once, right when a given span has the same start, end and label.
    Use held-out predictions (the defaults read ``learner.state.predictions()`` of a span
    model, whose ``heldout`` spans are out-of-fold predictions on labeled documents).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per document: the predicted spans (dicts with ``start``, ``end``, ``label`` and
        ``confidence``) and the given ones; rows missing either are left out.
    bins : int, default 10
        Equal-width confidence bins over ``[0, 1]``.
    predicted, label : str
        Column names of the predicted spans and the given ones.

    Returns
    -------
    altair.LayerChart
        As :func:`calibration`, over spans.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({
    ...     "label": [[{"start": 0, "end": 3, "label": "PER"}]],
    ...     "heldout": [[{"start": 0, "end": 3, "label": "PER", "confidence": 0.9},
    ...                  {"start": 5, "end": 8, "label": "LOC", "confidence": 0.4}]]})
    >>> span_calibration(frame).layer[1].data["count"].tolist()
    [1, 1]
    """
    table = columns(frame, [predicted, label], "span_calibration", "predictions")
    sure, right = [], []
    for guessed, given in zip(table[predicted], table[label], strict=True):
        if not isinstance(guessed, list | tuple) or not isinstance(given, list | tuple):
            continue
        truth = {(s["start"], s["end"], s["label"]) for s in given}
        for span in guessed:
            sure.append(float(span["confidence"]))
            right.append((span["start"], span["end"], span["label"]) in truth)
    return _reliability(np.asarray(sure, dtype=float), np.asarray(right, dtype=bool),
                        check("bins", bins), "held-out spans")


def _reliability(sure: np.ndarray, right: np.ndarray, bins: int, what: str) -> alt.LayerChart:
    """Draw how often predictions are right against their confidence, binned."""
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
    title = f"Calibration: expected error {ece:.3f} over {len(sure)} {what}"
    axis = alt.Scale(domain=[0, 1])
    diagonal = Chart(pd.DataFrame({"x": [0.0, 1.0]})).mark_line(
        strokeDash=[4, 4], color="gray"
    ).encode(x=alt.X("x:Q", scale=axis), y=alt.Y("x:Q", scale=axis))
    curve = Chart(safe(data)).mark_line().encode(
        x=alt.X("confidence:Q", scale=axis, title="confidence (mean in bin)"),
        y=alt.Y("accuracy:Q", scale=axis, title="accuracy"),
        tooltip=[alt.Tooltip("bin_start:Q", format=".2f"), alt.Tooltip("bin_end:Q", format=".2f"),
                 alt.Tooltip("confidence:Q", format=".3f"),
                 alt.Tooltip("accuracy:Q", format=".3f"), "count:Q"],
    )
    dots = curve.mark_circle().encode(size=alt.Size("count:Q", title="items"))
    return layer(diagonal, curve, dots, title=title).properties(width=WIDTH,
                                                                       height=WIDTH)


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
    table = columns(frame, [label, predicted], "confusion", "predictions")
    table = table.dropna(subset=[label, predicted])
    given = table[label].to_numpy(dtype=object)
    guessed = table[predicted].to_numpy(dtype=object)
    order = label_order(pd.Series(np.concatenate([given, guessed])), labels)
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
    base = Chart(safe(data)).encode(
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
    return layer(rect, text, title=f"Model vs given label ({len(given)} items)").properties(
        width=size, height=size
    )
