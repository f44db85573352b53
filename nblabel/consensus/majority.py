"""Majority vote: the most frequent answer per item, with a tie policy."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._checks import OneOf, check_kwargs
from ..agreement.data import read_answers
from ..agreement.values import code_values, value_kind
from .elements import labels_by_majority
from .spans import spans_by_majority

TIES = ("nan", "random", "first")


@check_kwargs
def majority_vote(
    df: pd.DataFrame,
    ties: str = "nan",
    seed: int | np.random.Generator | None = None,
    *,
    item: str | None = None,
    annotator: str | None = None,
    value: str | None = None,
) -> pd.DataFrame:
    """Return the most frequent answer per item.

    Parameters
    ----------
    df : pandas.DataFrame
        Answers (single labels), tidy or wide. Label sets (multi-label) and span answers are
        settled element by element instead: the labels, or the spans (:func:`span_vote`), more
        than half of an item's annotators gave; ``ties`` does not apply, and the table has
        ``support`` per kept element instead of ``confidence``.
    ties : {"nan", "random", "first"}
        When labels tie for the most votes: ``"nan"`` gives NaN, ``"random"`` picks one at
        random (see ``seed``), ``"first"`` the one answered first (earliest row; in a wide
        frame, leftmost column).
    seed : int or numpy.random.Generator, optional
        Seed for ``ties="random"``.
    item, annotator, value : str, optional
        Column names of a tidy table.

    Returns
    -------
    pandas.DataFrame
        Indexed by item (in order of first appearance): ``value`` (the winning label),
        ``confidence`` (the share of the item's votes that went to the most-voted label) and
        ``n`` (the item's number of answers).

    Examples
    --------
    >>> df = pd.DataFrame({"item": [1, 1, 1, 2, 2], "annotator": ["ana", "ben", "cy", "ana", "ben"],
    ...                    "value": ["pos", "pos", "neg", "neg", "pos"]})
    >>> majority_vote(df, ties="first")  # doctest: +NORMALIZE_WHITESPACE
         value  confidence  n
    item
    1      pos    0.666667  3
    2      neg    0.500000  2
    """
    OneOf(TIES)("ties", ties)
    answers = read_answers(df, item, annotator, value)
    kind = value_kind(answers.value)
    if kind == "spans":
        return spans_by_majority(answers)
    if kind == "set":
        return labels_by_majority(answers)
    coded = code_values(answers, sets=False, caller="majority_vote")
    n_items, k = len(answers.items), coded.n_categories
    key = answers.item * k + coded.code
    cells, first_row, votes = np.unique(key, return_index=True, return_counts=True)
    u = cells // k
    starts = np.flatnonzero(np.r_[True, u[1:] != u[:-1]])
    top = np.maximum.reduceat(votes, starts)
    leading = votes == top[u]
    if ties == "random":
        priority = np.random.default_rng(seed).random(len(cells))
    else:
        priority = -first_row.astype(np.float64)
    order = np.lexsort((priority, leading, u))
    winner = order[np.r_[starts[1:], len(order)] - 1]
    labels = np.empty(k, dtype=object)
    labels[:] = coded.categories
    chosen = labels[cells[winner] % k]
    m = np.bincount(answers.item, minlength=n_items)
    if ties == "nan":
        tied = np.bincount(u[leading], minlength=n_items) > 1
        chosen[tied] = np.nan
    return pd.DataFrame(
        {"value": chosen, "confidence": top / m, "n": m.astype(np.int64)},
        index=answers.items,
    )
