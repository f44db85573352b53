"""The model against the given answers, label by label, for label sets and spans.

A single-label confusion matrix has one cell per pair of labels; an answer that is a set of
labels (multi-label) or a list of spans has none. What stands in for it is, per label, what the
model and the answers agree on (``"agreed"``: in both), what the model missed (``"missed"``: given,
not predicted) and what it added (``"extra"``: predicted, not given), with the precision, recall
and F1 they give. A span counts as agreed only when its start, end and label are all the same.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from .data import columns, label_order, safe
from .display import Chart, layer
from .selections import CELL_SELECTION, selected_points

#: The outcomes of :func:`label_outcomes`, in display order.
OUTCOMES = ("agreed", "missed", "extra")


def label_outcomes(
    frame: pd.DataFrame, *, label: str = "label", predicted: str = "heldout"
) -> pd.DataFrame:
    """Return, per item and label, how many answers the model agreed on, missed and added.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per item, indexed by item, with the given answer and the model's: label sets
        (lists of labels) or spans (lists of ``{"start", "end", "label"}`` dicts or
        ``(start, end, label)`` tuples). Rows missing either are left out. The defaults read
        ``learner.state.predictions()`` of a multi-label or span model (out-of-fold answers of
        labeled items).
    label, predicted : str
        Column names of the given answer and the model's.

    Returns
    -------
    pandas.DataFrame
        Columns ``item``, ``label``, ``outcome`` (one of ``"agreed"``, ``"missed"``,
        ``"extra"``) and ``count`` (labels or spans), one row per non-zero count.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"label": [["a", "b"]], "heldout": [["b", "c"]]}, index=["x"])
    >>> label_outcomes(frame)[["label", "outcome"]].values.tolist()
    [['a', 'missed'], ['b', 'agreed'], ['c', 'extra']]
    """
    table = columns(frame, [label, predicted], "label_outcomes", "predictions")
    rows: list[tuple[Any, Any, str]] = []
    for item, given, guessed in zip(table.index, table[label], table[predicted], strict=True):
        if _missing(given) or _missing(guessed):
            continue
        truth, model = _keys(given, label), _keys(guessed, predicted)
        for keys, outcome in ((truth & model, "agreed"), (truth - model, "missed"),
                              (model - truth, "extra")):
            rows.extend((item, _label_of(key), outcome) for key in keys)
    long = pd.DataFrame(rows, columns=["item", "label", "outcome"])
    if long.empty:
        return long.assign(count=pd.Series(dtype=np.int64))
    counted = long.groupby(["item", "label", "outcome"], sort=False).size()
    result = counted.rename("count").reset_index()
    position = {name: k for k, name in enumerate(OUTCOMES)}
    return result.sort_values(
        ["label", "outcome"], key=lambda c: c.map(position) if c.name == "outcome" else c.map(str),
        kind="stable",
    ).reset_index(drop=True)


def label_scores(outcomes: pd.DataFrame, labels: Sequence[Any] | None = None) -> pd.DataFrame:
    """Return per-label counts and scores from :func:`label_outcomes`.

    Parameters
    ----------
    outcomes : pandas.DataFrame
        The output of :func:`label_outcomes`.
    labels : sequence, optional
        Labels in display order (e.g. the task's labels); labels never given nor predicted
        get a row of zeros.

    Returns
    -------
    pandas.DataFrame
        Indexed by label: ``agreed``, ``missed``, ``extra``, ``precision`` (agreed / predicted),
        ``recall`` (agreed / given), ``f1`` and ``support`` (given); a score is NaN when its
        denominator is zero.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"label": [["a"], ["a"]], "heldout": [["a"], []]})
    >>> label_scores(label_outcomes(frame))["recall"].tolist()
    [0.5]
    """
    table = columns(outcomes, ["label", "outcome", "count"], "label_scores",
                    "the output of label_outcomes(...)")
    order = label_order(table["label"], labels)
    counts = table.pivot_table(index="label", columns="outcome", values="count", aggfunc="sum",
                               fill_value=0)
    counts = counts.reindex(index=order, columns=list(OUTCOMES), fill_value=0).astype(np.int64)
    agreed, missed, extra = (counts[name].to_numpy(dtype=float) for name in OUTCOMES)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = pd.DataFrame({
            "precision": agreed / (agreed + extra),
            "recall": agreed / (agreed + missed),
            "f1": 2 * agreed / (2 * agreed + missed + extra),
        }, index=counts.index)
    result = pd.concat([counts, scores], axis=1)
    result["support"] = counts["agreed"] + counts["missed"]
    result.index.name = "label"
    result.columns.name = None
    return result


def per_label(
    frame: pd.DataFrame,
    labels: Sequence[Any] | None = None,
    *,
    label: str = "label",
    predicted: str = "heldout",
    what: str = "labels",
) -> alt.LayerChart:
    """Draw the model against the given label sets or spans, per label; cells can be clicked.

    One row per label (with its precision, recall and F1), one column per outcome (agreed,
    missed, extra; see :func:`label_outcomes`). Clicking cells fills the point selection
    :data:`~nblabel.charts.CELL_SELECTION` (``"select_cell"``, fields ``label`` and
    ``outcome``); :func:`~nblabel.charts.outcome_items` maps its value back to the items.

    Parameters
    ----------
    frame : pandas.DataFrame
        As :func:`label_outcomes` reads it, e.g. ``learner.state.predictions()``.
    labels : sequence, optional
        Labels in display order (default: those present, sorted).
    label, predicted : str
        Column names of the given answer and the model's.
    what : str, default "labels"
        What is counted, for the title (e.g. ``"spans"``).

    Returns
    -------
    altair.LayerChart
        Data columns ``label``, ``outcome``, ``count``, ``row`` (the label with its F1, as
        shown), ``precision``, ``recall``, ``f1`` and ``support``; parameter ``select_cell``.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"label": [["a", "b"]], "heldout": [["b"]]})
    >>> per_label(frame).data.set_index(["label", "outcome"])["count"].to_dict()[("a", "missed")]
    1
    """
    outcomes = label_outcomes(frame, label=label, predicted=predicted)
    scores = label_scores(outcomes, labels)
    n_items = int(columns(frame, [label, predicted], "per_label", "predictions").dropna().shape[0])
    data = scores.reset_index().melt(
        id_vars=["label", "precision", "recall", "f1", "support"], value_vars=list(OUTCOMES),
        var_name="outcome", value_name="count",
    )
    data["row"] = [f"{name} · F1 {_score(f1)}" for name, f1 in zip(data["label"], data["f1"],
                                                                    strict=True)]
    data["label"] = data["label"].astype(object)
    rows = list(dict.fromkeys(data["row"]))
    select = alt.selection_point(name=CELL_SELECTION, fields=["label", "outcome"])
    base = Chart(safe(data)).encode(
        x=alt.X("outcome:N", sort=list(OUTCOMES), title="model vs given",
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("row:N", sort=rows, title=None),
    )
    tooltip = ["label:N", "outcome:N", "count:Q", "support:Q",
               alt.Tooltip("precision:Q", format=".2f"), alt.Tooltip("recall:Q", format=".2f"),
               alt.Tooltip("f1:Q", format=".2f")]
    rect = base.mark_rect(cursor="pointer").encode(
        color=alt.Color("count:Q", scale=alt.Scale(scheme="blues"), title=what),
        opacity=alt.condition(select, alt.value(1.0), alt.value(0.5)),
        tooltip=tooltip,
    ).add_params(select)
    peak = max(int(data["count"].max()) if len(data) else 0, 1)
    text = base.mark_text(baseline="middle").encode(
        text="count:Q",
        color=alt.condition(f"datum.count > {peak / 2}", alt.value("white"), alt.value("black")),
    )
    totals = scores[list(OUTCOMES)].sum()
    micro = 2 * totals["agreed"] / max(2 * totals["agreed"] + totals["missed"] + totals["extra"], 1)
    title = f"Model vs given {what}, per label ({n_items} items, micro-F1 {micro:.2f})"
    return layer(rect, text, title=title).properties(width=210, height=max(120, 30 * len(rows)))


def outcome_items(
    frame: pd.DataFrame, selection: Any, *, label: str = "label", predicted: str = "heldout"
) -> pd.Index:
    """Return the items behind the cells of :func:`per_label` a user clicked.

    Parameters
    ----------
    frame : pandas.DataFrame
        The frame the chart was built from (indexed by item).
    selection : PointSelection, list of dict or dict
        ``jchart.selections.select_cell`` (or its ``value``): dicts with ``label`` and
        ``outcome``.
    label, predicted : str
        The frame's column names, as given to :func:`per_label`.

    Returns
    -------
    pandas.Index
        The items with at least one answer of a clicked label and outcome, in ``frame`` order.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"label": [["a"], ["a"]], "heldout": [["a"], []]}, index=[1, 2])
    >>> outcome_items(frame, [{"label": "a", "outcome": "missed"}]).tolist()
    [2]
    """
    outcomes = label_outcomes(frame, label=label, predicted=predicted)
    chosen = {(p["label"], p["outcome"]) for p in selected_points(selection, ("label", "outcome"))}
    hit = [(name, outcome) in chosen
           for name, outcome in zip(outcomes["label"], outcomes["outcome"], strict=True)]
    wanted = set(outcomes.loc[hit, "item"])
    return frame.index[[item in wanted for item in frame.index]]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _keys(value: Any, column: str) -> set[Hashable]:
    """Return an answer's elements: labels of a label set, ``(start, end, label)`` of spans."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValueError(
            f"column {column!r} must hold label sets or lists of spans; got {value!r} (for a "
            "single-label model use nl.charts.confusion)."
        )
    keys: set[Hashable] = set()
    for element in value:
        if isinstance(element, dict):
            keys.add((element["start"], element["end"], element["label"]))
        elif isinstance(element, tuple | list) and len(element) == 3:
            keys.add(tuple(element))
        else:
            keys.add(element)
    return keys


def _label_of(key: Hashable) -> Any:
    return key[2] if isinstance(key, tuple) else key


def _score(value: float) -> str:
    return "–" if np.isnan(value) else f"{value:.2f}"
