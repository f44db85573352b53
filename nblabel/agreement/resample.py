"""Agreement across annotator pairs, and bootstrap confidence intervals by resampling items."""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check
from . import api
from .data import (
    AgreementWarning,
    Answers,
    plain,
    read_answers,
    warn_undefined,
)
from .metrics import METRICS, STATS, cohen_coded, evaluate, need_two, options_of
from .stats import cohen_pairs


def pairwise(
    df: pd.DataFrame,
    metric: str | Callable[..., float] = "cohen_kappa",
    *,
    item: str | None = None,
    annotator: str | None = None,
    value: str | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Return an agreement metric for every pair of annotators.

    Parameters
    ----------
    df : pandas.DataFrame
        Answers, tidy or wide.
    metric : str or callable
        The name of a metric of :mod:`nblabel.agreement` (``"cohen_kappa"``,
        ``"percent_agreement"``, ``"krippendorff_alpha"``, ``"span_agreement"``,
        ``"kendall_tau"``, …), or a function
        taking a two-annotator tidy frame (columns ``item``, ``annotator``, ``value``) and
        returning a number. It should be symmetric: each pair is computed once.
    item, annotator, value : str, optional
        Column names of a tidy table.
    **options
        Passed to the metric, e.g. ``weights="quadratic"``. For ``cohen_kappa`` the label order
        defaults to the labels of the whole table, so every pair uses the same scale.

    Returns
    -------
    pandas.DataFrame
        Symmetric annotator × annotator matrix; the diagonal and pairs where the metric is
        undefined (e.g. no shared item) are NaN, with one :class:`AgreementWarning` naming the
        undefined pairs.

    Examples
    --------
    >>> df = pd.DataFrame({"item": [1, 1, 1, 2, 2, 2], "annotator": ["ana", "ben", "cy"] * 2,
    ...                    "value": ["a", "a", "b", "b", "b", "b"]})
    >>> pairwise(df, "percent_agreement").round(2)  # doctest: +NORMALIZE_WHITESPACE
    annotator  ana  ben   cy
    annotator
    ana        NaN  1.0  0.5
    ben        1.0  NaN  0.5
    cy         0.5  0.5  NaN
    """
    name, compute, options = _resolve(metric, options, "pairwise")
    answers = read_answers(df, item, annotator, value, first_seen=name not in STATS)
    present = answers.present_annotators()
    if len(present) < 2:
        need_two(answers, "pairwise")
    if name == "cohen_kappa":
        values = _cohen_pairs(answers, options)
    else:
        values = _pairs(answers, present, compute, options)
    n = len(answers.annotators)
    table = np.full((n, n), np.nan)
    undefined = []
    for (a, b), result in values.items():
        table[a, b] = table[b, a] = result
        if np.isnan(result):
            undefined.append((plain(answers.annotators[a]), plain(answers.annotators[b])))
    if undefined:
        warn_undefined(
            f"{metric if isinstance(metric, str) else name} is undefined for "
            f"{len(undefined)} annotator pair(s), e.g. {undefined[:3]} (no shared item, or a "
            "single value throughout)"
        )
    return pd.DataFrame(table, index=answers.annotators, columns=answers.annotators)


def _quietly(stat: Callable[[], Any]) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AgreementWarning)
        return float(stat())


def _cohen_pairs(answers: Answers, options: dict[str, Any]) -> dict[tuple[int, int], float]:
    """Return Cohen's kappa of every pair, the answers coded once (so on one label scale)."""
    weights = options.get("weights")
    coded = cohen_coded(answers, weights, options.get("labels"))
    stats = cohen_pairs(coded, weights)
    if stats is not None:
        return {pair: _quietly(functools.partial(evaluate, stat)) for pair, stat in stats.items()}
    if coded.ordered and "labels" not in options:
        options = {**options, "labels": coded.categories}
    compute = functools.partial(_call_metric, "cohen_kappa")
    return _pairs(answers, answers.present_annotators(), compute, options)


def _pairs(
    answers: Answers,
    present: np.ndarray,
    compute: Callable[[Answers, dict[str, Any]], float],
    options: dict[str, Any],
) -> dict[tuple[int, int], float]:
    """Compute the metric on the answers of each pair of annotators, pair by pair."""
    n = len(answers.annotators)
    by_annotator = np.argsort(answers.annotator, kind="stable")
    bounds = np.searchsorted(answers.annotator[by_annotator], np.arange(n + 1))
    values = {}
    for a_pos, a in enumerate(present.tolist()):
        for b in present[a_pos + 1 :].tolist():
            rows = np.r_[
                by_annotator[bounds[a] : bounds[a + 1]], by_annotator[bounds[b] : bounds[b + 1]]
            ]
            mask = np.zeros(len(answers), dtype=bool)
            mask[rows] = True
            values[a, b] = _quietly(functools.partial(compute, answers.select(mask), options))
    return values


@dataclass(frozen=True)
class BootstrapResult:
    """A bootstrap confidence interval for an agreement statistic.

    Attributes
    ----------
    estimate : float
        The statistic on the data as given.
    low, high : float
        The percentile interval: the ``(1 - ci) / 2`` and ``(1 + ci) / 2`` quantiles of the
        resampled statistics (resamples where it is undefined are left out).
    ci : float
        The confidence level.
    n : int
        The number of resamples.
    distribution : numpy.ndarray
        The statistic on each resample (NaN where undefined).
    """

    estimate: float
    low: float
    high: float
    ci: float
    n: int
    distribution: np.ndarray = field(repr=False, compare=False)


def bootstrap(
    metric: str | Callable[..., float],
    df: pd.DataFrame,
    n: int = 1000,
    seed: int | np.random.Generator | None = None,
    ci: float = 0.95,
    *,
    item: str | None = None,
    annotator: str | None = None,
    value: str | None = None,
    **options: Any,
) -> BootstrapResult:
    """Return a bootstrap confidence interval for a metric, resampling items.

    Items are drawn with replacement (each drawn copy counts as a separate item), ``n`` times,
    and the metric is computed on each resample. For ``percent_agreement``, ``cohen_kappa``,
    ``fleiss_kappa`` and ``krippendorff_alpha`` the resamples are computed together from
    per-item sufficient statistics, drawing from the items that enter the statistic (those
    with two or more answers; for Cohen's kappa, those both annotators answered); other
    metrics and functions are called once per resample on all answered items.

    Parameters
    ----------
    metric : str or callable
        A metric of :mod:`nblabel.agreement`, by name or as the function (also as a
        ``functools.partial``), or a function taking a tidy frame (``item``, ``annotator``,
        ``value``) and returning a number.
    df : pandas.DataFrame
        Answers, tidy or wide.
    n : int
        Number of resamples.
    seed : int or numpy.random.Generator, optional
        Seed for reproducible resamples.
    ci : float
        Confidence level, between 0 and 1.
    item, annotator, value : str, optional
        Column names of a tidy table.
    **options
        Passed to the metric, e.g. ``level="ordinal"``.

    Returns
    -------
    BootstrapResult
        ``estimate``, ``low``, ``high``, ``ci``, ``n`` and the resampled ``distribution``.

    Examples
    --------
    >>> wide = pd.DataFrame({"ana": list("aabbcabcab"), "ben": list("aabbcabcbb")})
    >>> result = bootstrap("cohen_kappa", wide, n=500, seed=0)
    >>> result.low <= result.estimate <= result.high
    True
    """
    n, ci = check("n", n), check("ci", ci)
    name, compute, options = _resolve(metric, options, "bootstrap")
    answers = read_answers(df, item, annotator, value)
    rng = np.random.default_rng(seed)
    if name in STATS:
        stat = STATS[name](answers, **options)
        estimate = evaluate(stat)
        distribution = stat.resample(n, rng) if stat.n_units else np.full(n, np.nan)
    else:
        estimate = compute(answers, options)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AgreementWarning)
            distribution = np.array(
                [compute(resampled(answers, rng), options) for _ in range(n)], dtype=float
            )
    defined = distribution[~np.isnan(distribution)]
    if len(defined) < n:
        warn_undefined(
            f"{name} is undefined on {n - len(defined)} of {n} resamples; the interval uses "
            "the others"
        )
    low, high = percentile_interval(defined, ci)
    return BootstrapResult(estimate, low, high, ci, n, distribution)


def percentile_interval(defined: np.ndarray, ci: float) -> tuple[float, float]:
    """Return the ``ci`` percentile interval of resampled values (NaN, NaN when there are none)."""
    if len(defined) == 0:
        return float("nan"), float("nan")
    low, high = np.quantile(defined, [(1 - ci) / 2, (1 + ci) / 2])
    return float(low), float(high)


def _resolve(
    metric: Any, options: dict[str, Any], caller: str
) -> tuple[str, Callable[[Answers, dict[str, Any]], float], dict[str, Any]]:
    """Return the metric's name, a function of (answers, options), and the options."""
    options = dict(options)
    if isinstance(metric, functools.partial) and _ours(metric.func) and not metric.args:
        options = {**metric.keywords, **options}
        metric = metric.func
    name = metric if isinstance(metric, str) else getattr(metric, "__name__", repr(metric))
    if isinstance(metric, str) or _ours(metric):
        if name not in METRICS:
            raise ValueError(
                f"metric={metric!r} is not one of {list(METRICS)} (or pass a function)."
            )
        valid = options_of(name)
        unknown = [key for key in options if key not in valid]
        if unknown:
            raise TypeError(
                f"{caller}() got unexpected keyword argument(s) {unknown}: not options of {name} "
                f"({valid}) nor arguments of {caller} ({_ARGUMENTS[caller]})."
            )
        return name, functools.partial(_call_metric, name), options
    if not callable(metric):
        raise TypeError(f"metric= must be a metric name or a function, got {metric!r}.")
    return name, lambda answers, o: _as_float(metric(answers.to_frame(), **o), name), options


def _ours(func: Any) -> bool:
    """Tell whether ``func`` is one of the metrics of :mod:`nblabel.agreement`."""
    name = getattr(func, "__name__", None)
    if name not in METRICS:
        return False
    public = getattr(api, name)
    return func is public or func is getattr(public, "__wrapped__", None)


def _call_metric(name: str, answers: Answers, options: dict[str, Any]) -> float:
    return _as_float(METRICS[name](answers, **options), name)


def _as_float(result: Any, name: str) -> float:
    if isinstance(result, (pd.DataFrame, pd.Series)) or np.ndim(result) != 0:
        raise TypeError(
            f"{name} must return a single number here, got {type(result).__name__} (for "
            "span_agreement leave by_label=False, for kendall_w leave by_item=False)."
        )
    return float(result)


_ARGUMENTS = {
    func.__name__: [p for p in inspect.signature(func).parameters if p != "options"]
    for func in (pairwise, bootstrap)
}


def resampled(answers: Answers, rng: np.random.Generator) -> Answers:
    """Draw items with replacement; each drawn copy becomes a new item."""
    n_items = len(answers.items)
    order = np.argsort(answers.item, kind="stable")
    sizes = np.bincount(answers.item, minlength=n_items)
    starts = np.cumsum(sizes) - sizes
    drawn = rng.integers(0, n_items, size=n_items)
    times = sizes[drawn]
    within = np.arange(times.sum()) - np.repeat(np.cumsum(times) - times, times)
    rows = order[np.repeat(starts[drawn], times) + within]
    return Answers(
        np.repeat(np.arange(n_items), times),
        answers.annotator[rows],
        answers.value.iloc[rows].reset_index(drop=True),
        pd.RangeIndex(n_items, name="item"),
        answers.annotators,
        answers.label_order,
    )
