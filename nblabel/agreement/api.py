"""The agreement metrics users call: each reads the caller's frame, then computes.

See :mod:`nblabel.agreement` for the shapes of answers accepted, the label order and what
happens with degenerate data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from .._checks import check_kwargs
from . import metrics
from .data import Answers, read_answers
from .per_label import per_label_table
from .values import code_values


def _read(df: pd.DataFrame, item: str | None, annotator: str | None, value: str | None) -> Answers:
    """Read answers for a statistic that sums over items (their order does not matter)."""
    return read_answers(df, item, annotator, value, first_seen=False)


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
        Answers, tidy or wide (see :mod:`nblabel.agreement`).
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
    return metrics.evaluate(metrics.percent(_read(df, item, annotator, value)))


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
        The label order for weights (and the label set); by default the order the frame
        carries (a categorical's, or ``df.attrs["labels"]``, e.g. a project's task labels),
        else the sorted observed values (see "Label order" in :mod:`nblabel.agreement`).
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
    return metrics.evaluate(
        metrics.cohen(_read(df, item, annotator, value), weights=weights, labels=labels)
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
    return metrics.evaluate(metrics.fleiss(_read(df, item, annotator, value)))


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
        depend on it); by default the order the frame carries (a categorical's, or
        ``df.attrs["labels"]``, e.g. a project's task labels), else the sorted observed values.
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
    return metrics.evaluate(
        metrics.alpha(
            _read(df, item, annotator, value),
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
        Labels to report, in order (unused ones get a row too); by default the order the
        frame carries (see "Label order" in :mod:`nblabel.agreement`), else the labels used.
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
    answers = _read(df, item, annotator, value)
    coded = code_values(answers, labels, sets=True, caller="per_label")
    metrics.need_two(answers, "per_label")
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
    return metrics.spans(read_answers(df, item, annotator, value), mode=mode, by_label=by_label)


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
    return metrics.kendall_w(read_answers(df, item, annotator, value), by_item=by_item)


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
    return metrics.kendall_tau(read_answers(df, item, annotator, value))


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
    return metrics.preference(read_answers(df, item, annotator, value))
