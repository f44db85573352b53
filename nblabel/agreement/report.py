"""One table of agreement for a labeling round: overall and per label, with intervals."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check, check_kwargs
from .data import AgreementWarning, read_answers
from .metrics import need_two
from .per_label import per_label_stats, per_label_table
from .resample import bootstrap, percentile_interval
from .values import code_values

SUMMARY_COLUMNS = ("scope", "label", "metric", "estimate", "low", "high", "items", "answers")


@check_kwargs
def summary(
    df: pd.DataFrame,
    labels: Sequence[Any] | None = None,
    *,
    ci: float = 0.95,
    n: int = 1000,
    seed: int | None = None,
    item: str | None = None,
    annotator: str | None = None,
    value: str | None = None,
) -> pd.DataFrame:
    """Return the agreement of a labeling round in one tidy table, with bootstrap intervals.

    Overall: Krippendorff's alpha (nominal; MASI distance for multi-label answers) and percent
    agreement. Per label: specific (positive) agreement and one-vs-rest kappa, as in
    :func:`per_label`. Intervals are percentile bootstrap intervals over items (``n``
    resamples at level ``ci``; resamples where a statistic is undefined are left out).

    Parameters
    ----------
    df : pandas.DataFrame
        Answers, tidy or wide; a project's ``annotations`` work as they are.
    labels : sequence, optional
        Labels to report, in order (e.g. the task's labels; unused ones get rows too).
    ci : float
        Confidence level of the intervals.
    n : int
        Bootstrap resamples.
    seed : int, optional
        Seed for reproducible intervals.
    item, annotator, value : str, optional
        Column names of a tidy table.

    Returns
    -------
    pandas.DataFrame
        One row per statistic: ``scope`` ("overall" or "label"), ``label`` (None overall),
        ``metric``, ``estimate``, ``low``, ``high``, ``items`` (overall: items answered twice
        or more; per label: items where it was chosen) and ``answers``.

    Examples
    --------
    >>> df = pd.DataFrame({"item": [1, 1, 2, 2, 3, 3], "annotator": ["ana", "ben"] * 3,
    ...                    "value": ["pos", "pos", "neg", "pos", "neg", "neg"]})
    >>> table = summary(df, n=200, seed=0)
    >>> table[["label", "metric"]].values.tolist()[:3]
    [[None, 'krippendorff_alpha'], [None, 'percent_agreement'], ['neg', 'specific_agreement']]
    """
    n, ci = check("n", n), check("ci", ci)
    columns = {"item": item, "annotator": annotator, "value": value}
    return _summary_table(df, labels, ci, n, seed, columns)


def _summary_table(
    df: pd.DataFrame,
    labels: Sequence[Any] | None,
    ci: float,
    n: int,
    seed: int | np.random.Generator | None,
    columns: dict[str, str | None],
) -> pd.DataFrame:
    """Build the table of :func:`summary` (arguments already checked)."""
    answers = read_answers(df, columns["item"], columns["annotator"], columns["value"])
    need_two(answers, "summary")
    coded = code_values(answers, labels, sets=True, caller="summary")
    rng = np.random.default_rng(seed)
    paired = np.bincount(answers.item, minlength=len(answers.items)) >= 2
    rows = []
    for metric in ("krippendorff_alpha", "percent_agreement"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", AgreementWarning)
            result = bootstrap(metric, df, n=n, seed=rng, ci=ci, **columns)
        if np.isnan(result.estimate):  # undefined on the data itself: say why
            for warning in caught:
                warnings.warn(str(warning.message), AgreementWarning, stacklevel=4)
        rows.append(("overall", None, metric, result.estimate, result.low, result.high,
                     int(paired.sum()), len(answers)))
    table = per_label_table(coded)
    for label, stats in per_label_stats(coded).items():
        for metric, stat in zip(("specific_agreement", "kappa"), stats, strict=True):
            estimate = stat.value()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                resampled = stat.resample(n, rng)
            low, high = percentile_interval(resampled[~np.isnan(resampled)], ci)
            rows.append(("label", label, metric, estimate, low, high,
                         int(table.loc[label, "items"]), int(table.loc[label, "answers"])))
    if any(np.isnan(row[3]) for row in rows if row[0] == "label"):
        warnings.warn(
            "some per-label statistics are undefined (a label no one used, or one used in "
            "every answer): their rows are NaN",
            AgreementWarning,
            stacklevel=4,
        )
    table = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    table["label"] = pd.Series([row[1] for row in rows], dtype=object)
    return table
