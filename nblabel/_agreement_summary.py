"""One table of agreement for a labeling project: overall and per label, with intervals."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _agreement_metrics as _metrics
from ._agreement_data import AgreementWarning, code_values, read_answers
from ._agreement_resample import bootstrap, percentile_interval
from ._agreement_stats import per_label_stats, per_label_table

SUMMARY_COLUMNS = ("scope", "label", "metric", "estimate", "low", "high", "items", "answers")


def summary_table(
    df: pd.DataFrame,
    labels: Sequence[Any] | None,
    ci: float,
    n: int,
    seed: int | np.random.Generator | None,
    columns: dict[str, str | None],
) -> pd.DataFrame:
    """Build the table of :func:`nblabel.agreement.summary` (arguments already named)."""
    answers = read_answers(df, columns["item"], columns["annotator"], columns["value"])
    _metrics.need_two(answers, "summary")
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
