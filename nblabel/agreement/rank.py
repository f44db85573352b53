"""Agreement on rankings: Kendall's W, Kendall's tau-b and pairwise-preference agreement.

A ranking is a list of groups of option keys, best first; a group of two or more is a tie.
Options in a tie share the mean of the ranks they span (mid-ranks). All annotators of an item
must rank the same options.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .data import CONTAINERS, Answers, group_pairs, plain, value_counts
from .values import value_kind


@dataclass(frozen=True)
class Ranks:
    """One row per (answer, option): the answer, the option's code and its mid-rank.

    ``ties`` holds, per answer, the sum of ``t³ - t`` over its groups of ``t`` tied options.
    """

    answer: np.ndarray
    option: np.ndarray
    rank: np.ndarray
    ties: np.ndarray
    n_options: int


@dataclass(frozen=True)
class Preferences:
    """One row per (answer, pair of options): the pair's unit and who is preferred.

    ``sign`` is -1 when the pair's first option is ranked better, +1 when the second is, and 0
    for a tie; ``unit`` numbers the distinct (item, option pair) combinations.
    """

    unit: np.ndarray
    annotator: np.ndarray
    sign: np.ndarray
    n_units: int


def parse_rankings(answers: Answers) -> Ranks:
    """Flatten ranking answers to mid-ranks, checking their shape."""
    values = answers.value.to_numpy()
    kind = value_kind(answers.value)
    if kind != "ranking":
        raise ValueError(
            "ranking agreement needs rankings: lists of groups of option keys, best first, e.g. "
            f"[['a'], ['b', 'c']]; the answers are of kind {kind!r}."
        )
    for v in values:
        if not all(isinstance(group, CONTAINERS) and len(group) > 0 for group in v):
            raise ValueError(
                f"the ranking {v!r} is not a list of non-empty groups of options, e.g. "
                "[['a'], ['b', 'c']]."
            )
    n_groups = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    group_size = np.array([len(g) for v in values for g in v], dtype=np.int64)
    options = pd.Series([o for v in values for g in v for o in g], dtype=object)
    try:
        code, uniques = pd.factorize(options)
    except TypeError:
        raise ValueError("ranking options must be keys (strings or numbers).") from None
    group_answer = np.repeat(np.arange(len(values)), n_groups)
    before = np.cumsum(group_size) - group_size
    per_answer = np.bincount(group_answer, group_size, minlength=len(values)).astype(np.int64)
    answer_start = np.cumsum(per_answer) - per_answer
    mid = before - answer_start[group_answer] + (group_size + 1) / 2
    answer = np.repeat(group_answer, group_size)
    seen = answer * len(uniques) + code
    if len(np.unique(seen)) != len(seen):
        raise ValueError("a ranking lists the same option twice; each option appears once.")
    ties = np.bincount(
        group_answer, (group_size**3 - group_size).astype(np.float64), minlength=len(values)
    )
    ranks = Ranks(answer, code.astype(np.int64), np.repeat(mid, group_size), ties, len(uniques))
    _check_same_options(answers, ranks, uniques)
    return ranks


def _check_same_options(answers: Answers, ranks: Ranks, uniques: pd.Index) -> None:
    n_items = len(answers.items)
    item = answers.item[ranks.answer]
    u, c, count = value_counts(item, ranks.option, n_items, ranks.n_options)
    m = np.bincount(answers.item, minlength=n_items)
    odd = count != m[u]
    if odd.any():
        at = int(np.flatnonzero(odd)[0])
        raise ValueError(
            f"on item {plain(answers.items[u[at]])!r}, option {plain(uniques[c[at]])!r} is "
            f"ranked by {int(count[at])} of the {int(m[u[at]])} annotators; every annotator of an "
            "item must rank the same options."
        )


def kendall_w_by_item(answers: Answers, ranks: Ranks) -> pd.Series:
    """Kendall's W with tie correction per item (NaN where undefined)."""
    n_items = len(answers.items)
    item = answers.item[ranks.answer]
    key = item * ranks.n_options + ranks.option
    cells, inverse = np.unique(key, return_inverse=True)
    rank_sums = np.bincount(inverse, ranks.rank, minlength=len(cells))
    cell_item = cells // ranks.n_options
    m = np.bincount(answers.item, minlength=n_items).astype(np.float64)
    n = np.bincount(cell_item, minlength=n_items).astype(np.float64)
    centred = rank_sums - (m * (n + 1) / 2)[cell_item]
    spread = np.bincount(cell_item, centred * centred, minlength=n_items)
    ties = np.bincount(answers.item, ranks.ties, minlength=n_items)
    denominator = m * m * (n**3 - n) - m * ties
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where((m >= 2) & (denominator > 0), 12 * spread / denominator, np.nan)
    return pd.Series(w, index=answers.items, name="kendall_w")


def preferences(answers: Answers, ranks: Ranks) -> Preferences:
    """Every annotator's preference on every pair of options of every item."""
    order = np.lexsort((ranks.option, ranks.answer))
    left, right = group_pairs(ranks.answer[order])
    left, right = order[left], order[right]
    first = ranks.option[left] < ranks.option[right]
    left, right = left[first], right[first]
    answer = ranks.answer[left]
    sign = np.sign(ranks.rank[left] - ranks.rank[right]).astype(np.int64)
    o = ranks.n_options
    key = (answers.item[answer] * o + ranks.option[left]) * o + ranks.option[right]
    cells, unit = np.unique(key, return_inverse=True)
    return Preferences(unit.astype(np.int64), answers.annotator[answer], sign, len(cells))


def tau_b_by_pair(prefs: Preferences, n_annotators: int) -> np.ndarray:
    """Kendall's tau-b of each annotator pair ``a < b``, pooled over items (NaN if undefined)."""
    order = np.argsort(prefs.unit, kind="stable")
    left, right = group_pairs(prefs.unit[order])
    left, right = order[left], order[right]
    a, b = prefs.annotator[left], prefs.annotator[right]
    keep = a < b
    left, right, a, b = left[keep], right[keep], a[keep], b[keep]
    s, t = prefs.sign[left], prefs.sign[right]
    pair = a * n_annotators + b
    size = n_annotators * n_annotators

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(pair[mask], minlength=size).astype(np.float64)

    concordant, discordant = count(s * t > 0), count(s * t < 0)
    every = count(np.ones(len(s), dtype=bool))
    untied_a, untied_b = every - count(s == 0), every - count(t == 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = (concordant - discordant) / np.sqrt(untied_a * untied_b)
    tau = np.where((untied_a > 0) & (untied_b > 0), tau, np.nan)
    i, j = np.triu_indices(n_annotators, k=1)
    return tau.reshape(n_annotators, n_annotators)[i, j]
