"""Slice audits: where the guideline fails — quality broken down by any column of the data.

A slice is a group of items sharing a value of a DataFrame column (source, language, a length
bucket, …). :func:`slice_audit` puts side by side, per slice: agreement (bootstrap intervals;
for labels Krippendorff's alpha and percent agreement, for spans the exact and overlapping span
F1, for rankings Kendall's W), gold accuracy, the share of each label (of the spans' labels, of
the options ranked first), the model's error on the answered items and the pace of answering,
each with its count; rates carry Wilson intervals. :func:`nblabel.charts.slices` draws it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._checks import Integer
from ._intervals import rate_row
from .agreement.data import AgreementWarning
from .agreement.report import summary
from .agreement.resample import bootstrap
from .agreement.span_report import span_summary

#: Columns of :func:`slice_audit`.
SLICE_COLUMNS = ("slice", "metric", "label", "estimate", "low", "high", "n")
#: The agreement measures of a slice, by kind of task.
AGREEMENT_METRICS = {
    "classify": ("alpha", "percent_agreement"),
    "spans": ("span_f1", "span_f1_overlap"),
    "rank": ("kendall_w",),
}
_BINS = Integer(2, 50)


def slice_groups(
    df: pd.DataFrame, by: str | pd.Series | Callable[[pd.DataFrame], Any], bins: int = 4
) -> pd.Series:
    """Return each item's slice, indexed like ``df``.

    ``by`` is a column name, a Series aligned to ``df.index``, or a function of ``df``
    returning one. A numeric column with more than ``bins`` values is cut into ``bins``
    quantile buckets (e.g. text length: ``by=lambda df: df["text"].str.len()``).
    """
    if callable(by) and not isinstance(by, pd.Series):
        by = by(df)
    if isinstance(by, str):
        if by not in df.columns:
            raise ValueError(f"by={by!r} is not a column of df; its columns are {list(df)}.")
        groups = df[by]
    elif isinstance(by, pd.Series):
        groups = by
    else:
        raise TypeError(f"by must be a column name, a Series or a function of df, got {by!r}.")
    if not groups.index.equals(df.index):
        raise ValueError("the slices must be indexed like df (one value per item).")
    bins = _BINS("bins", bins)
    if pd.api.types.is_numeric_dtype(groups) and groups.nunique() > bins:
        groups = pd.qcut(groups, q=bins, duplicates="drop").astype(str)
    return groups.astype(object).where(groups.notna(), "(missing)")


def slice_audit(
    events: pd.DataFrame,
    groups: pd.Series,
    labels: Sequence[Any] | None,
    *,
    graded: pd.DataFrame | None = None,
    model_errors: pd.Series | None = None,
    kind: str = "classify",
    tally: Callable[[Any], list[str]] | None = None,
    ci: float = 0.95,
    n: int = 200,
    seed: int | None = 0,
) -> pd.DataFrame:
    """Return quality per slice, tidy: slice, metric, label, estimate, low, high and n.

    Parameters
    ----------
    events : pandas.DataFrame
        The answers that count (a project's human answers of qualified annotators).
    groups : pandas.Series
        Each item's slice (:func:`slice_groups`).
    labels : sequence, optional
        The labels whose shares to report, in order (None: no label shares).
    graded : pandas.DataFrame, optional
        Answers to gold items with ``item`` and ``correct`` (``GoldSet.graded``).
    model_errors : pandas.Series, optional
        Per answered item, whether the model's out-of-fold prediction differs from its label.
    kind : {"classify", "spans", "rank"}
        The task's kind: which agreement to measure (:data:`AGREEMENT_METRICS`).
    tally : callable, optional
        What an answer counts toward in label shares (``task.tally``: a label, each label of
        a multi-label answer, each span's label, the option ranked first); by default the
        answer itself, or each of its elements if it is a list.
    ci, n, seed
        Interval level, bootstrap resamples and their seed (agreement).

    Returns
    -------
    pandas.DataFrame
        The agreement metrics of ``kind`` (``n``: items answered twice or more),
        ``gold_accuracy``, ``label_share`` (one row per ``label``: its share of everything
        the slice's answers count toward), ``model_error`` and ``answers_per_hour`` (time on
        items; no interval), each with its count ``n``.
    """
    if kind not in AGREEMENT_METRICS:
        raise ValueError(f"kind={kind!r} is not one of {list(AGREEMENT_METRICS)}.")
    tally = tally or _tally
    rows: list[tuple[Any, ...]] = []
    labeled = events[events["event"] == "label"]
    for name in pd.unique(groups):
        items = set(groups.index[(groups == name).to_numpy()])
        mine = labeled[labeled["item"].isin(items)]
        rows.extend(_agreement_rows(name, mine, kind, labels, ci, n, seed))
        if graded is not None:
            on = graded[graded["item"].isin(items)]
            right = int(on["correct"].sum())
            rows.append((name, "gold_accuracy", None, *_rate(right, len(on), ci)))
        if labels is not None and len(mine):
            counted = [str(x) for value in mine["value"] for x in tally(value)]
            for label in labels:
                hits = counted.count(str(label))
                rows.append((name, "label_share", label, *_rate(hits, len(counted), ci)))
        if model_errors is not None:
            errors = model_errors[model_errors.index.isin(items)]
            rows.append((name, "model_error", None, *_rate(int(errors.sum()), len(errors), ci)))
        seconds = mine["duration_ms"].astype("Float64").astype(float).sum() / 1000
        pace = 3600 * len(mine) / seconds if seconds > 0 else np.nan
        rows.append((name, "answers_per_hour", None, pace, np.nan, np.nan, len(mine)))
    return pd.DataFrame(rows, columns=list(SLICE_COLUMNS))


def _tally(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _rate(hits: int, total: int, ci: float) -> tuple[float, float, float, int]:
    _, _, rate, low, high = rate_row(hits, total, ci)
    return rate, low, high, total


def _agreement_rows(
    name: Any, answers: pd.DataFrame, kind: str, labels: Sequence[Any] | None, ci: float,
    n: int, seed: int | None,
) -> list[tuple[Any, ...]]:
    twice = int((answers.groupby("item")["annotator"].nunique() >= 2).sum())
    if twice < 2:
        return [(name, metric, None, np.nan, np.nan, np.nan, twice)
                for metric in AGREEMENT_METRICS[kind]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AgreementWarning)
        if kind == "rank":
            result = bootstrap("kendall_w", answers, n=n, seed=seed, ci=ci)
            return [(name, "kendall_w", None, result.estimate, result.low, result.high, twice)]
        if kind == "spans":
            table = span_summary(answers, ci=ci, n=n, seed=seed)
            measured = {metric: metric for metric in AGREEMENT_METRICS["spans"]}
        else:
            table = summary(answers, list(labels) if labels is not None else None, ci=ci, n=n,
                            seed=seed)
            measured = {"alpha": "krippendorff_alpha", "percent_agreement": "percent_agreement"}
    overall = table[table["scope"] == "overall"].set_index("metric")
    return [
        (name, short, None, *overall.loc[metric, ["estimate", "low", "high"]].tolist(),
         int(overall.loc[metric, "items"]))
        for short, metric in measured.items()
    ]
