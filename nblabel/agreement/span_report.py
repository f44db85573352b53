"""One table of span agreement for a labeling round: overall and per label, with intervals."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check, check_kwargs
from .data import AgreementWarning, read_answers
from .metrics import need_two
from .report import SUMMARY_COLUMNS
from .resample import percentile_interval, resampled
from .spans import by_label_table, pair_f1, span_counts


@check_kwargs
def span_summary(
    df: pd.DataFrame,
    labels: Sequence[Any] | None = None,
    *,
    ci: float = 0.95,
    n: int = 1000,
    seed: int | None = None,
) -> pd.DataFrame:
    """Return the span agreement of a labeling round in one tidy table, with intervals.

    Overall: the mean pairwise span F1 with exact matches (``span_f1``: same start, end and
    label) and with overlapping ones (``span_f1_overlap``: same label, one shared character),
    as :func:`~nblabel.agreement.span_agreement`. Per label: the exact span F1 of that label's
    spans. Intervals are percentile bootstrap intervals over items (``n`` resamples at level
    ``ci``; resamples where a statistic is undefined are left out).

    Parameters
    ----------
    df : pandas.DataFrame
        Span answers (lists of ``{"start", "end", "label"}``), tidy or a project's events.
    labels : sequence, optional
        Labels to report, in order (e.g. the task's labels; unused ones get NaN rows).
    ci : float
        Confidence level of the intervals.
    n : int
        Bootstrap resamples.
    seed : int, optional
        Seed for reproducible intervals.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`~nblabel.agreement.summary`: ``scope``, ``label``, ``metric``,
        ``estimate``, ``low``, ``high``, ``items`` (overall: items answered twice or more; per
        label: items where someone marked it) and ``answers`` (overall: answers; per label:
        spans of that label).

    Examples
    --------
    >>> spans = [[{"start": 0, "end": 3, "label": "PER"}], [{"start": 0, "end": 3,
    ...          "label": "PER"}], [], [{"start": 4, "end": 6, "label": "LOC"}]]
    >>> df = pd.DataFrame({"item": [1, 1, 2, 2], "annotator": ["ana", "ben"] * 2,
    ...                    "value": spans})
    >>> table = span_summary(df, n=50, seed=0)
    >>> table[["label", "metric"]].values.tolist()[:3]
    [[None, 'span_f1'], [None, 'span_f1_overlap'], ['LOC', 'span_f1']]
    >>> round(float(table["estimate"][0]), 3)  # ana's one span matched; ben's LOC is not: F1 = 2/3
    0.667
    """
    n, ci = check("n", n), check("ci", ci)
    answers = read_answers(df)
    need_two(answers, "span_summary")
    rng = np.random.default_rng(seed)
    paired = int((np.bincount(answers.item, minlength=len(answers.items)) >= 2).sum())
    rows: list[tuple[Any, ...]] = []
    for metric, mode in (("span_f1", "exact"), ("span_f1_overlap", "overlap")):
        estimate = _overall(answers, mode)
        draws = np.array([_overall(resampled(answers, rng), mode) for _ in range(n)])
        low, high = percentile_interval(draws[~np.isnan(draws)], ci)
        rows.append(("overall", None, metric, estimate, low, high, paired, len(answers)))
    table = by_label_table(span_counts(answers, "exact"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        draws = [by_label_table(span_counts(resampled(answers, rng), "exact"))["f1"]
                 for _ in range(n)]
    drawn = pd.concat(draws, axis=1) if draws else pd.DataFrame(index=table.index)
    marked = _items_per_label(answers)
    order = list(labels) if labels is not None else list(table.index)
    for label in order + [x for x in table.index if x not in order]:
        values = drawn.loc[label].to_numpy(dtype=float) if label in drawn.index else np.array([])
        low, high = percentile_interval(values[~np.isnan(values)], ci)
        estimate = float(table.loc[label, "f1"]) if label in table.index else float("nan")
        spans = int(table.loc[label, "spans"]) if label in table.index else 0
        rows.append(("label", label, "span_f1", estimate, low, high, marked.get(label, 0), spans))
    if any(np.isnan(row[3]) for row in rows):
        warnings.warn(
            "some span agreement statistics are undefined (no annotator pair marked spans of "
            "that label on an item both answered): their rows are NaN",
            AgreementWarning,
            stacklevel=2,
        )
    result = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    result["label"] = pd.Series([row[1] for row in rows], dtype=object)
    return result


def _overall(answers: Any, mode: str) -> float:
    counts = span_counts(answers, mode)
    f1 = pair_f1(counts.total.sum(axis=2), counts.matched.sum(axis=2))
    defined = f1[~np.isnan(f1)]
    return float(defined.mean()) if len(defined) else float("nan")


def _items_per_label(answers: Any) -> dict[Any, int]:
    found: dict[Any, set[int]] = {}
    for item, spans in zip(answers.item, answers.value, strict=True):
        for span in spans:
            found.setdefault(span["label"], set()).add(int(item))
    return {label: len(items) for label, items in found.items()}
