"""Planning a pilot: how many items and annotators give an agreement interval of a chosen width.

From a pilot's answers, :func:`plan_pilot` draws rounds of ``k`` annotators (among those who
answered) and ``m`` items (with replacement, among the items all ``k`` answered), computes the
agreement of each drawn round, and reports the spread of those estimates: the width of the
interval a round of that size would give. A team reads off the smallest round whose width is
within its target before running the real one. Rounds larger than the pilot are drawn with
replacement from its items: an extrapolation that assumes the pilot's items are typical.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import Integer, Number, check, check_kwargs
from . import api
from .data import AgreementWarning, read_answers

#: Metrics a pilot can be planned for (functions of :mod:`nblabel.agreement`).
PLANNABLE = ("krippendorff_alpha", "fleiss_kappa", "percent_agreement", "span_agreement",
             "kendall_w")
_COUNT = Integer(low=2)


@check_kwargs
def plan_pilot(
    df: pd.DataFrame,
    *,
    metric: str = "krippendorff_alpha",
    annotators: Sequence[int] | None = None,
    items: Sequence[int] = (25, 50, 100, 200, 400),
    width: float = 0.2,
    ci: float = 0.95,
    n: int = 200,
    seed: int | None = 0,
) -> pd.DataFrame:
    """Return the expected interval width of ``metric`` for rounds of each size.

    Parameters
    ----------
    df : pandas.DataFrame
        A pilot's answers, tidy or wide (a project's ``annotations`` work as they are).
    metric : {"krippendorff_alpha", "fleiss_kappa", "percent_agreement", "span_agreement", \
"kendall_w"}
        The agreement statistic: one of labels, span F1 (exact matches) for spans, or
        Kendall's W for rankings.
    annotators : sequence of int, optional
        Annotators per item to try (default: 2 up to how many answered the pilot). Rounds
        cannot have more annotators than the pilot had.
    items : sequence of int, default (25, 50, 100, 200, 400)
        Items per round to try.
    width : float, default 0.2
        The target width of the interval (``meets`` says which sizes reach it).
    ci : float, default 0.95
        Confidence level of the interval.
    n : int, default 200
        Rounds drawn per size.
    seed : int, optional
        Seed of the draws.

    Returns
    -------
    pandas.DataFrame
        One row per size: ``annotators``, ``items``, ``estimate`` (median of the draws),
        ``low``, ``high``, ``width`` and ``meets`` (``width <= width`` target).

    Examples
    --------
    >>> nl.agreement.plan_pilot(proj.annotations, width=0.15)  # doctest: +SKIP
    """
    if metric not in PLANNABLE:
        raise ValueError(f"metric={metric!r} is not one of {list(PLANNABLE)}.")
    ci, n = check("ci", ci), check("n", n)
    width = Number(0, 1, low_open=True, what="an interval width between 0 and 1")("width", width)
    answers = read_answers(df)
    wide = pd.DataFrame(
        {"item": answers.item, "annotator": answers.annotator, "value": answers.value}
    ).pivot(index="item", columns="annotator", values="value")
    available = wide.shape[1]
    if available < 2:
        raise ValueError("planning needs a pilot answered by at least two annotators.")
    sizes_k = list(range(2, available + 1)) if annotators is None else list(annotators)
    for k in sizes_k:
        if _COUNT("annotators", k) > available:
            raise ValueError(
                f"annotators={k} is more than the {available} who answered the pilot; a plan "
                "cannot draw annotators it has not seen."
            )
    sizes_m = [_COUNT("items", m) for m in items]
    _check_fits(wide, metric)
    rng = np.random.default_rng(seed)
    rows = []
    for k in sizes_k:
        for m in sizes_m:
            estimates = _draws(wide, k, m, n, rng, getattr(api, metric))
            rows.append([k, m, *_spread(estimates, ci)])
    table = pd.DataFrame(rows, columns=["annotators", "items", "estimate", "low", "high"])
    table["width"] = table["high"] - table["low"]
    table["meets"] = table["width"] <= width
    return table


def _check_fits(wide: pd.DataFrame, metric: str) -> None:
    """Raise ValueError (the metric's own) if ``metric`` does not apply to the pilot's answers.

    A drawn round whose statistic cannot be computed counts as undefined; a metric that fits
    none of them (alpha on spans, say) must say so rather than plan from nothing.
    """
    complete = wide[wide.notna().all(axis=1)]
    if len(complete) < 2:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AgreementWarning)
        getattr(api, metric)(complete.set_axis(range(complete.shape[1]), axis=1))


def _draws(wide: pd.DataFrame, k: int, m: int, n: int, rng: np.random.Generator,
           metric: Any) -> np.ndarray:
    """Return ``metric`` on ``n`` drawn rounds of ``k`` annotators and ``m`` items (NaN: none)."""
    values = wide.to_numpy(dtype=object)
    answered = ~pd.isna(wide).to_numpy()
    estimates = np.full(n, np.nan)
    with warnings.catch_warnings():  # a drawn round may leave a statistic undefined: NaN
        warnings.simplefilter("ignore", AgreementWarning)
        for draw in range(n):
            estimates[draw] = _one_draw(values, answered, k, m, rng, metric)
    return estimates


def _one_draw(values: np.ndarray, answered: np.ndarray, k: int, m: int,
              rng: np.random.Generator, metric: Any) -> float:
    """Return ``metric`` on one drawn round (NaN when too few items were answered by all k)."""
    columns = rng.choice(values.shape[1], size=k, replace=False)
    rows = np.flatnonzero(answered[:, columns].all(axis=1))
    if len(rows) < 2:
        return np.nan
    picked = rng.choice(rows, size=m, replace=True)
    frame = pd.DataFrame(values[np.ix_(picked, columns)], columns=range(k))
    try:
        return float(metric(frame))
    except (ValueError, ZeroDivisionError):
        return np.nan


def _spread(estimates: np.ndarray, ci: float) -> list[float]:
    defined = estimates[np.isfinite(estimates)]
    if len(defined) == 0:
        return [np.nan, np.nan, np.nan]
    tail = (1 - ci) / 2 * 100
    low, median, high = np.percentile(defined, [tail, 50, 100 - tail])
    return [float(median), float(low), float(high)]
