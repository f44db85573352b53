"""Inter-annotator agreement: how far annotators agree, beyond what chance would give.

Every function takes the answers as a DataFrame, in either shape:

* **tidy**: one row per answer with columns ``item``, ``annotator`` and ``value`` (other columns
  are ignored; pass ``item=``, ``annotator=``, ``value=`` to use other column names). Each
  (item, annotator) pair has one current answer; a project's event log (``proj.annotations``,
  recognised by its ``event`` column) is reduced to current answers for you: each annotator's
  latest event per item, kept if it is a ``label`` event. Rows with a missing value are ignored.
* **wide**: one row per item (the index) and one column per annotator, NaN where an annotator
  gave no answer. A frame is read as wide when it has none of the tidy columns.

Values are labels (strings or numbers), label lists (multi-label), lists of span dicts
``{"start", "end", "label"}`` or rankings (lists of groups of options, best first). The caller's
frame is never modified. Every statistic is a Python ``float``; perfect agreement is exactly
``1.0``.

Degenerate data
---------------
* fewer than two annotators, no answers, or answers of the wrong kind: ``ValueError``;
* no item answered by two or more annotators, or every answer on such items using the same
  value (chance agreement is total): ``nan`` with an :class:`AgreementWarning`.
  ``percent_agreement`` is ``1.0`` in the second case: it needs no chance correction.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._agreement_data import (
    AgreementWarning,
    Answers,
    code_values,
    plain,
    read_answers,
    warn_undefined,
)
from ._agreement_rank import (
    kendall_w_by_item,
    parse_rankings,
    preferences,
    tau_b_by_pair,
)
from ._agreement_spans import SPAN_MODES, by_label_table, pair_f1, span_counts
from ._agreement_stats import (
    NO_PAIRS,
    Stat,
    alpha_stat,
    cohen_stat,
    fleiss_stat,
    per_label_table,
    percent_stat,
)
from ._util import check_kwargs

__all__ = [
    "AgreementWarning",
    "BootstrapResult",
    "bootstrap",
    "cohen_kappa",
    "fleiss_kappa",
    "kendall_tau",
    "kendall_w",
    "krippendorff_alpha",
    "pairwise",
    "per_label",
    "percent_agreement",
    "preference_agreement",
    "span_agreement",
]

LEVELS = ("nominal", "ordinal", "interval", "ratio")
WEIGHTS = (None, "linear", "quadratic")
SET_DISTANCES = ("masi", "jaccard")


# -- categories ---------------------------------------------------------------------------------
@check_kwargs
def percent_agreement(
    df: pd.DataFrame,
    *,
    item: str | None = None,
    annotator: str | None = None,
    value: str | None = None,
) -> float:
    """Return the observed agreement: Fleiss' P̄.

    For each item with two or more answers, the share of annotator pairs that gave the same
    answer; then the mean over those items. Not corrected for chance. Multi-label answers
    agree when the label sets are equal.

    Parameters
    ----------
    df : pandas.DataFrame
        Answers, tidy or wide (see the module documentation).
    item, annotator, value : str, optional
        Column names of a tidy table (default ``"item"``, ``"annotator"``, ``"value"``).

    Returns
    -------
    float
        Between 0 and 1; NaN (with an :class:`AgreementWarning`) if no item has two answers.

    Examples
    --------
    >>> df = pd.DataFrame({"item": [1, 1, 2, 2, 3, 3], "annotator": ["ana", "ben"] * 3,
    ...                    "value": ["pos", "pos", "neg", "pos", "neg", "neg"]})
    >>> round(percent_agreement(df), 4)
    0.6667
    """
    return _estimate(_percent(read_answers(df, item, annotator, value)))


@check_kwargs
def cohen_kappa(
    df: pd.DataFrame,
    weights: str | None = None,
    labels: Sequence[Any] | None = None,
    *,
    item: str | None = None,
    annotator: str | None = None,
    value: str | None = None,
) -> float:
    """Return Cohen's kappa between exactly two annotators, on the items both answered.

    Parameters
    ----------
    df : pandas.DataFrame
        Answers of two annotators, tidy or wide.
    weights : {None, "linear", "quadratic"}
        Disagreement weights, as in scikit-learn: the distance between two labels is the
        difference of their positions in the label order (absolute, or squared).
    labels : sequence, optional
        The label order for weights (and the label set); by default the sorted observed values.
    item, annotator, value : str, optional
        Column names of a tidy table.

    Returns
    -------
    float
        Kappa; NaN with an :class:`AgreementWarning` if the two share no item, or if both used
        a single label throughout.

    Examples
    --------
    >>> df = pd.DataFrame({"item": [1, 1, 2, 2, 3, 3], "annotator": ["ana", "ben"] * 3,
    ...                    "value": ["pos", "pos", "neg", "pos", "neg", "neg"]})
    >>> round(cohen_kappa(df), 4)
    0.4
    >>> cohen_kappa(df, weights="linear", labels=["neg", "pos"])  # doctest: +ELLIPSIS
    0.4...
    """
    return _estimate(
        _cohen(read_answers(df, item, annotator, value), weights=weights, labels=labels)
    )


@check_kwargs
def fleiss_kappa(
    df: pd.DataFrame,
    *,
    item: str | None = None,
    annotator: str | None = None,
    value: str | None = None,
) -> float:
    """Return Fleiss' kappa (1971) for any number of annotators.

    Every item must have the same number of answers (not necessarily from the same
    annotators). With missing answers use :func:`krippendorff_alpha`.

    Parameters
    ----------
    df : pandas.DataFrame
        Answers, tidy or wide.
    item, annotator, value : str, optional
        Column names of a tidy table.

    Returns
    -------
    float
        Kappa; NaN with an :class:`AgreementWarning` if items have one answer each, or if
        every answer is the same label.

    Examples
    --------
    >>> wide = pd.DataFrame({"ana": ["a", "b", "b", "c"], "ben": ["a", "b", "c", "c"],
    ...                      "cy": ["a", "b", "b", "c"]})
    >>> round(fleiss_kappa(wide), 4)
    0.7447
    """
    return _estimate(_fleiss(read_answers(df, item, annotator, value)))


@check_kwargs
def krippendorff_alpha(
    df: pd.DataFrame,
    level: str = "nominal",
    labels: Sequence[Any] | None = None,
    distance: str | None = None,
    *,
    item: str | None = None,
    annotator: str | None = None,
    value: str | None = None,
) -> float:
    """Return Krippendorff's alpha, for any number of annotators and missing answers.

    Computed from the coincidence matrix of values within items (Krippendorff 2011); items
    with a single answer do not count.

    Parameters
    ----------
    df : pandas.DataFrame
        Answers, tidy or wide.
    level : {"nominal", "ordinal", "interval", "ratio"}
        Level of measurement, which sets the distance between two values. ``"interval"`` and
        ``"ratio"`` need numbers (ratio: non-negative).
    labels : sequence, optional
        For ``"nominal"`` and ``"ordinal"``: the label set, in order (ordinal distances
        depend on it); by default the sorted observed values (or a categorical's order).
    distance : {"masi", "jaccard"}, optional
        For multi-label answers (lists of labels) only: the distance between two label sets,
        used as is (not squared). ``"masi"`` (default; Passonneau 2006) is ``1 - J * M``, with
        ``J`` the Jaccard index and ``M`` 1 for equal sets, 2/3 when one contains the other,
        1/3 when they overlap otherwise and 0 when disjoint. ``"jaccard"`` is ``1 - J``. Two
        empty sets are equal.
    item, annotator, value : str, optional
        Column names of a tidy table.

    Returns
    -------
    float
        Alpha; NaN with an :class:`AgreementWarning` if no item has two answers, or if all of
        them give the same value.

    Examples
    --------
    >>> wide = pd.DataFrame({"ana": [1, 2, 3, 3, None], "ben": [1, 2, 3, 4, 4],
    ...                      "cy": [None, 2, 3, 3, 4]})
    >>> round(krippendorff_alpha(wide), 4)
    0.8033
    >>> round(krippendorff_alpha(wide, level="interval"), 4)
    0.9277
    """
    return _estimate(
        _alpha(
            read_answers(df, item, annotator, value),
            level=level,
            labels=labels,
            distance=distance,
        )
    )


@check_kwargs
def per_label(
    df: pd.DataFrame,
    labels: Sequence[Any] | None = None,
    *,
    item: str | None = None,
    annotator: str | None = None,
    value: str | None = None,
) -> pd.DataFrame:
    """Return agreement per label (one-vs-rest), for single- and multi-label answers.

    For each label, on items with two or more answers, with ``n`` the answers on an item that
    include the label and ``m`` its answers:

    * ``specific_agreement``: positive specific agreement, ``Σ n(n-1) / Σ n(m-1)``: given one
      annotator chose the label, the chance another did too (for two annotators
      ``2a / (2a + b + c)``);
    * ``kappa``: Fleiss' kappa of the label against the rest,
      ``1 - Σ n(m-n)/(m-1) / (M p (1-p))`` with ``M = Σ m`` and ``p`` the label's share of
      answers (Fleiss 1971, eq. 13, extended to varying ``m``);
    * ``answers``, ``items``: answers including the label, and items where it was chosen.

    NaN where a statistic is undefined (label unused, or used in every answer).

    Parameters
    ----------
    df : pandas.DataFrame
        Answers, tidy or wide; values are labels or lists of labels.
    labels : sequence, optional
        Labels to report, in order (unused ones get a row too).
    item, annotator, value : str, optional
        Column names of a tidy table.

    Returns
    -------
    pandas.DataFrame
        Indexed by label, columns ``answers``, ``items``, ``specific_agreement``, ``kappa``.

    Examples
    --------
    >>> df = pd.DataFrame({"item": [1, 1, 2, 2, 3, 3], "annotator": ["ana", "ben"] * 3,
    ...                    "value": ["pos", "pos", "neg", "pos", "neg", "neg"]})
    >>> per_label(df)["specific_agreement"].round(3).to_dict()
    {'neg': 0.667, 'pos': 0.667}
    """
    answers = read_answers(df, item, annotator, value)
    coded = code_values(answers, labels, sets=True, caller="per_label")
    _need_two(answers, "per_label")
    return per_label_table(coded)


# -- spans --------------------------------------------------------------------------------------
@check_kwargs
def span_agreement(
    df: pd.DataFrame,
    mode: str = "exact",
    by_label: bool = False,
    *,
    item: str | None = None,
    annotator: str | None = None,
    value: str | None = None,
) -> float | pd.DataFrame:
    """Return the F1 between annotators' spans, averaged over annotator pairs.

    For each pair, on the items both answered (an empty list means "no spans"): precision is
    the share of one annotator's spans matched by the other's, recall the converse, and F1
    their harmonic mean (micro-averaged over items and labels). Pairs without any span on
    shared items are left out. Identical spans given twice by one annotator count once.

    Parameters
    ----------
    df : pandas.DataFrame
        Answers whose values are lists of ``{"start", "end", "label"}`` dicts.
    mode : {"exact", "overlap"}
        ``"exact"``: a match has the same start, end and label. ``"overlap"``: the same label
        and at least one shared character; a span counts as matched if it overlaps any span of
        the other annotator (not necessarily one-to-one).
    by_label : bool
        Return a per-label DataFrame (columns ``f1``, ``pairs``, ``spans``) instead.
    item, annotator, value : str, optional
        Column names of a tidy table.

    Returns
    -------
    float or pandas.DataFrame
        Mean pairwise F1; NaN with an :class:`AgreementWarning` when no pair has spans on a
        shared item.

    Examples
    --------
    >>> df = pd.DataFrame({"item": [1, 1], "annotator": ["ana", "ben"], "value": [
    ...     [{"start": 0, "end": 4, "label": "PER"}, {"start": 9, "end": 15, "label": "ORG"}],
    ...     [{"start": 0, "end": 4, "label": "PER"}, {"start": 9, "end": 12, "label": "ORG"}]]})
    >>> span_agreement(df)
    0.5
    >>> span_agreement(df, mode="overlap")
    1.0
    """
    return _spans(read_answers(df, item, annotator, value), mode=mode, by_label=by_label)


# -- rankings -----------------------------------------------------------------------------------
@check_kwargs
def kendall_w(
    df: pd.DataFrame,
    by_item: bool = False,
    *,
    item: str | None = None,
    annotator: str | None = None,
    value: str | None = None,
) -> float | pd.Series:
    """Return Kendall's coefficient of concordance W, with the correction for ties.

    Computed per item, over its annotators' rankings of its options
    (``W = 12 S / (m²(n³ - n) - m Σ T)``, mid-ranks for ties), then averaged over the items
    where it is defined (two or more annotators, not every option tied).

    Parameters
    ----------
    df : pandas.DataFrame
        Answers whose values are rankings: lists of groups of options, best first.
    by_item : bool
        Return W per item (a Series, NaN where undefined) instead of the mean.
    item, annotator, value : str, optional
        Column names of a tidy table.

    Returns
    -------
    float or pandas.Series
        W between 0 (no concordance) and 1 (identical rankings).

    Examples
    --------
    >>> df = pd.DataFrame({"item": ["q1"] * 3, "annotator": ["ana", "ben", "cy"], "value": [
    ...     [["a"], ["b"], ["c"]], [["a"], ["b"], ["c"]], [["b"], ["a"], ["c"]]]})
    >>> round(kendall_w(df), 4)
    0.7778
    """
    return _kendall_w(read_answers(df, item, annotator, value), by_item=by_item)


@check_kwargs
def kendall_tau(
    df: pd.DataFrame,
    *,
    item: str | None = None,
    annotator: str | None = None,
    value: str | None = None,
) -> float:
    """Return Kendall's tau-b between annotators' rankings, averaged over annotator pairs.

    For each pair of annotators, concordant and discordant option pairs are pooled over the
    items both ranked, with tau-b's correction for ties. Use ``pairwise(df, "kendall_tau")``
    for the annotator × annotator matrix.

    Parameters
    ----------
    df : pandas.DataFrame
        Answers whose values are rankings.
    item, annotator, value : str, optional
        Column names of a tidy table.

    Returns
    -------
    float
        Between -1 and 1; NaN with an :class:`AgreementWarning` if no pair is defined.

    Examples
    --------
    >>> df = pd.DataFrame({"item": ["q1", "q1"], "annotator": ["ana", "ben"], "value": [
    ...     [["a"], ["b"], ["c"]], [["b"], ["a"], ["c"]]]})
    >>> round(kendall_tau(df), 4)
    0.3333
    """
    return _kendall_tau(read_answers(df, item, annotator, value))


@check_kwargs
def preference_agreement(
    df: pd.DataFrame,
    *,
    item: str | None = None,
    annotator: str | None = None,
    value: str | None = None,
) -> float:
    """Return pairwise-preference agreement between rankings.

    Each ranking says, for every pair of options of its item, which is preferred or that they
    tie. This is the percent agreement (Fleiss' P̄) over those (item, option pair) units: the
    mean share of annotator pairs that state the same preference.

    Parameters
    ----------
    df : pandas.DataFrame
        Answers whose values are rankings.
    item, annotator, value : str, optional
        Column names of a tidy table.

    Returns
    -------
    float
        Between 0 and 1; NaN with an :class:`AgreementWarning` if no item has two rankings.

    Examples
    --------
    >>> df = pd.DataFrame({"item": ["q1", "q1"], "annotator": ["ana", "ben"], "value": [
    ...     [["a"], ["b"], ["c"]], [["b"], ["a"], ["c"]]]})
    >>> round(preference_agreement(df), 4)
    0.6667
    """
    return _preference(read_answers(df, item, annotator, value))


# -- across annotators and resamples ------------------------------------------------------------
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
        The name of a metric of this module (``"cohen_kappa"``, ``"percent_agreement"``,
        ``"krippendorff_alpha"``, ``"span_agreement"``, ``"kendall_tau"``, …), or a function
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
    >>> pairwise(df, "percent_agreement").loc["ana", "ben"]
    np.float64(1.0)
    """
    answers = read_answers(df, item, annotator, value)
    name, compute, options = _resolve(metric, options)
    if name == "cohen_kappa" and "labels" not in options:
        coded = code_values(answers, sets=False, caller="cohen_kappa")
        if coded.ordered:
            options["labels"] = coded.categories
    present = answers.present_annotators()
    if len(present) < 2:
        _need_two(answers, "pairwise")
    n = len(answers.annotators)
    table = np.full((n, n), np.nan)
    by_annotator = np.argsort(answers.annotator, kind="stable")
    bounds = np.searchsorted(answers.annotator[by_annotator], np.arange(n + 1))
    undefined = []
    for a_pos, a in enumerate(present):
        for b in present[a_pos + 1 :]:
            rows = np.sort(
                np.r_[
                    by_annotator[bounds[a] : bounds[a + 1]], by_annotator[bounds[b] : bounds[b + 1]]
                ]
            )
            mask = np.zeros(len(answers), dtype=bool)
            mask[rows] = True
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", AgreementWarning)
                table[a, b] = table[b, a] = compute(answers.select(mask), options)
            if np.isnan(table[a, b]):
                undefined.append((plain(answers.annotators[a]), plain(answers.annotators[b])))
    if undefined:
        warn_undefined(
            f"{metric if isinstance(metric, str) else name} is undefined for "
            f"{len(undefined)} annotator pair(s), e.g. {undefined[:3]} (no shared item, or a "
            "single value throughout)"
        )
    return pd.DataFrame(table, index=answers.annotators, columns=answers.annotators)


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
        A metric of this module, by name or as the function (also as a ``functools.partial``),
        or a function taking a tidy frame (``item``, ``annotator``, ``value``).
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
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n= must be a positive number of resamples, got {n!r}.")
    if isinstance(ci, bool) or not isinstance(ci, (int, float)) or not 0 < ci < 1:
        raise ValueError(f"ci= must be a confidence level between 0 and 1, e.g. 0.95; got {ci!r}.")
    name, compute, options = _resolve(metric, options)
    answers = read_answers(df, item, annotator, value)
    rng = np.random.default_rng(seed)
    if name in _STATS:
        stat = _STATS[name](answers, **options)
        estimate = _estimate(stat)
        distribution = stat.resample(n, rng) if stat.n_units else np.full(n, np.nan)
    else:
        estimate = compute(answers, options)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AgreementWarning)
            distribution = np.array(
                [compute(_resampled(answers, rng), options) for _ in range(n)], dtype=float
            )
    defined = distribution[~np.isnan(distribution)]
    if len(defined) < n:
        warn_undefined(
            f"{name} is undefined on {n - len(defined)} of {n} resamples; the interval uses "
            "the others"
        )
    if len(defined) == 0:
        return BootstrapResult(estimate, np.nan, np.nan, float(ci), int(n), distribution)
    low, high = np.quantile(defined, [(1 - ci) / 2, (1 + ci) / 2])
    return BootstrapResult(estimate, float(low), float(high), float(ci), int(n), distribution)


# -- internals ----------------------------------------------------------------------------------
def _estimate(stat: Stat) -> float:
    if stat.n_units == 0:
        warn_undefined(NO_PAIRS)
        return float("nan")
    result = stat.value()
    if np.isnan(result):
        warn_undefined(stat.undefined)
    return result


def _need_two(answers: Answers, caller: str) -> None:
    present = answers.present_annotators()
    if len(present) < 2:
        raise ValueError(
            f"{caller} compares annotators, but the answers come from {len(present)} "
            f"({answers.annotators[present].tolist()}); agreement needs at least two."
        )


def _percent(answers: Answers) -> Stat:
    coded = code_values(answers, sets=True, caller="percent_agreement")
    _need_two(answers, "percent_agreement")
    return percent_stat(answers.item, coded.code, len(answers.items), coded.n_categories)


def _cohen(
    answers: Answers, weights: str | None = None, labels: Sequence[Any] | None = None
) -> Stat:
    if weights not in WEIGHTS:
        raise ValueError(f"weights={weights!r} is not one of {list(WEIGHTS)}.")
    coded = code_values(answers, labels, sets=False, caller="cohen_kappa")
    if weights is not None and not coded.ordered:
        raise ValueError(
            f"weights={weights!r} needs an order of the labels, but {coded.categories[:6]} "
            "cannot be sorted; pass labels=[...] in order."
        )
    return cohen_stat(coded, weights)


def _fleiss(answers: Answers) -> Stat:
    coded = code_values(answers, sets=False, caller="fleiss_kappa")
    _need_two(answers, "fleiss_kappa")
    return fleiss_stat(coded)


def _alpha(
    answers: Answers,
    level: str = "nominal",
    labels: Sequence[Any] | None = None,
    distance: str | None = None,
) -> Stat:
    if level not in LEVELS:
        raise ValueError(f"level={level!r} is not one of {list(LEVELS)}.")
    if labels is not None and level in ("interval", "ratio"):
        raise ValueError(
            f"labels= gives the order of categories; level={level!r} uses the numeric values "
            "themselves. Leave labels= out, or use level='ordinal'."
        )
    coded = code_values(answers, labels, sets=True, caller="krippendorff_alpha")
    _need_two(answers, "krippendorff_alpha")
    if coded.kind == "set":
        if level != "nominal":
            raise ValueError(
                f"level={level!r} does not apply to multi-label answers (lists); they use a set "
                "distance: leave level='nominal' and choose distance='masi' or 'jaccard'."
            )
        if distance is None:
            distance = "masi"
        if distance not in SET_DISTANCES:
            raise ValueError(f"distance={distance!r} is not one of {list(SET_DISTANCES)}.")
    elif distance is not None:
        raise ValueError(
            "distance= applies to multi-label answers (lists of labels) only; single labels "
            "use level= instead."
        )
    if level == "ordinal" and not coded.ordered:
        raise ValueError(
            f"level='ordinal' needs an order of the values, but {coded.categories[:6]} cannot "
            "be sorted; pass labels=[...] in order."
        )
    return alpha_stat(coded, level, distance or "")


def _spans(answers: Answers, mode: str = "exact", by_label: bool = False) -> Any:
    if mode not in SPAN_MODES:
        raise ValueError(f"mode={mode!r} is not one of {list(SPAN_MODES)}.")
    if not isinstance(by_label, (bool, np.bool_)):
        raise TypeError(f"by_label= must be True or False, got {by_label!r}.")
    _need_two(answers, "span_agreement")
    counts = span_counts(answers, mode)
    if by_label:
        return by_label_table(counts)
    f1 = pair_f1(counts.total.sum(axis=2), counts.matched.sum(axis=2))
    return _mean_defined(f1, "no annotator pair has a span on an item both answered")


def _kendall_w(answers: Answers, by_item: bool = False) -> Any:
    if not isinstance(by_item, (bool, np.bool_)):
        raise TypeError(f"by_item= must be True or False, got {by_item!r}.")
    ranks = parse_rankings(answers)
    _need_two(answers, "kendall_w")
    w = kendall_w_by_item(answers, ranks)
    if by_item:
        return w
    if (np.bincount(answers.item) < 2).all():
        warn_undefined(NO_PAIRS)
        return float("nan")
    return _mean_defined(
        w.to_numpy(),
        "on every item answered twice, the rankings tie all options (or there is a single option)",
    )


def _kendall_tau(answers: Answers) -> float:
    ranks = parse_rankings(answers)
    _need_two(answers, "kendall_tau")
    tau = tau_b_by_pair(preferences(answers, ranks), len(answers.annotators))
    return _mean_defined(
        tau, "no annotator pair ranked a shared item with at least one untied pair of options"
    )


def _preference(answers: Answers) -> float:
    ranks = parse_rankings(answers)
    _need_two(answers, "preference_agreement")
    prefs = preferences(answers, ranks)
    return _estimate(percent_stat(prefs.unit, prefs.sign + 1, prefs.n_units, 3))


def _mean_defined(values: np.ndarray, reason: str) -> float:
    defined = values[~np.isnan(values)]
    if len(defined) == 0:
        warn_undefined(reason)
        return float("nan")
    return float(defined.mean())


_STATS: dict[str, Callable[..., Stat]] = {
    "percent_agreement": _percent,
    "cohen_kappa": _cohen,
    "fleiss_kappa": _fleiss,
    "krippendorff_alpha": _alpha,
}


def _evaluated(builder: Callable[..., Stat]) -> Callable[..., float]:
    def compute(answers: Answers, **options: Any) -> float:
        return _estimate(builder(answers, **options))

    return compute


_INTERNAL: dict[str, Callable[..., Any]] = {
    **{name: _evaluated(builder) for name, builder in _STATS.items()},
    "span_agreement": _spans,
    "kendall_w": _kendall_w,
    "kendall_tau": _kendall_tau,
    "preference_agreement": _preference,
}
_PUBLIC = {
    "percent_agreement": percent_agreement,
    "cohen_kappa": cohen_kappa,
    "fleiss_kappa": fleiss_kappa,
    "krippendorff_alpha": krippendorff_alpha,
    "span_agreement": span_agreement,
    "kendall_w": kendall_w,
    "kendall_tau": kendall_tau,
    "preference_agreement": preference_agreement,
}
_COLUMNS = ("df", "item", "annotator", "value")


def _resolve(
    metric: Any, options: dict[str, Any]
) -> tuple[str, Callable[[Answers, dict[str, Any]], float], dict[str, Any]]:
    """Return the metric's name, a function of (answers, options), and the options."""
    options = dict(options)
    if (
        isinstance(metric, functools.partial)
        and metric.func in _PUBLIC.values()
        and not (metric.args)
    ):
        options = {**metric.keywords, **options}
        metric = metric.func
    for name, public in _PUBLIC.items():
        if metric is public or metric == name:
            valid = [p for p in inspect.signature(public).parameters if p not in _COLUMNS]
            unknown = [key for key in options if key not in valid]
            if unknown:
                raise TypeError(f"{name}() got unexpected option(s) {unknown}; valid: {valid}.")
            return name, functools.partial(_call_internal, name), options
    if isinstance(metric, str):
        raise ValueError(f"metric={metric!r} is not one of {list(_PUBLIC)} (or pass a function).")
    if not callable(metric):
        raise TypeError(f"metric= must be a metric name or a function, got {metric!r}.")
    name = getattr(metric, "__name__", repr(metric))
    return name, lambda answers, o: _as_float(metric(answers.to_frame(), **o), name), options


def _call_internal(name: str, answers: Answers, options: dict[str, Any]) -> float:
    return _as_float(_INTERNAL[name](answers, **options), name)


def _as_float(result: Any, name: str) -> float:
    if isinstance(result, (pd.DataFrame, pd.Series)) or np.ndim(result) != 0:
        raise TypeError(
            f"{name} must return a single number here, got {type(result).__name__} (for "
            "span_agreement leave by_label=False, for kendall_w leave by_item=False)."
        )
    return float(result)


def _resampled(answers: Answers, rng: np.random.Generator) -> Answers:
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
    )
