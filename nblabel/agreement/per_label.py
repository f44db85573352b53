"""Agreement per label, one label against the rest: specific agreement and Fleiss' kappa."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .data import value_counts
from .stat import Stat
from .values import Coded


def per_label_table(coded: Coded) -> pd.DataFrame:
    """Specific (positive) agreement and one-vs-rest kappa for each label."""
    n_labels = len(coded.labels)
    m, u, label, count = _label_counts(coded)
    answers_with = np.bincount(label, count, minlength=n_labels)
    items_with = np.bincount(label, minlength=n_labels)
    pair = m[u] >= 2
    u, label, count, mu = u[pair], label[pair], count[pair], m[u[pair]]
    agree = np.bincount(label, count * (count - 1), minlength=n_labels)
    chances = np.bincount(label, count * (mu - 1), minlength=n_labels)
    disagree = np.bincount(label, count * (mu - count) / (mu - 1), minlength=n_labels)
    total = m[m >= 2].sum()
    used = np.bincount(label, count, minlength=n_labels)
    spread = used * (total - used) / total if total else np.zeros(n_labels)
    with np.errstate(divide="ignore", invalid="ignore"):
        specific = np.where(chances > 0, agree / chances, np.nan)
        kappa = np.where(spread > 0, 1 - disagree / spread, np.nan)
    return pd.DataFrame(
        {
            "answers": answers_with.astype(np.int64),
            "items": items_with.astype(np.int64),
            "specific_agreement": specific,
            "kappa": kappa,
        },
        index=pd.Index(coded.labels, name="label", dtype=object),
    )


def _label_counts(coded: Coded) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Answers per item, and how often each label was given on each item (sets exploded)."""
    answers = coded.answers
    n_items = len(answers.items)
    m = np.bincount(answers.item, minlength=n_items).astype(np.float64)
    item, label, count = value_counts(answers.item, coded.code, n_items, coded.n_categories)
    if coded.members is not None:
        item, label, count = _explode_sets(item, label, count, coded.members, len(coded.labels))
    return m, item, label, count


def _explode_sets(
    u: np.ndarray, code: np.ndarray, count: np.ndarray, members: np.ndarray, n_labels: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    set_of, label_of = np.nonzero(members)
    size = members.sum(axis=1)
    offset = np.cumsum(size) - size
    times = size[code]
    within = np.arange(times.sum()) - np.repeat(np.cumsum(times) - times, times)
    labels = label_of[np.repeat(offset[code], times) + within]
    items = np.repeat(u, times)
    key = items * n_labels + labels
    cells, inverse = np.unique(key, return_inverse=True)
    summed = np.bincount(inverse, np.repeat(count, times), minlength=len(cells))
    return cells // n_labels, cells % n_labels, summed


def per_label_stats(coded: Coded) -> dict[Any, tuple[Stat, Stat]]:
    """Per label, ``(specific agreement, one-vs-rest kappa)`` as resamplable statistics.

    The same formulas as :func:`per_label_table`, written as per-item contributions (units are
    the items with two or more answers) so :meth:`Stat.resample` gives bootstrap intervals.
    """
    m, item, label, count = _label_counts(coded)
    pairable = m >= 2
    unit_of = np.cumsum(pairable) - 1
    keep = pairable[item]
    unit, label, count = unit_of[item[keep]], label[keep], count[keep].astype(np.float64)
    mu = m[item[keep]]
    totals = m[pairable][:, None]
    n_units = len(totals)
    stats = {}
    for index, name in enumerate(coded.labels):
        at = label == index
        u, c, mm = unit[at], count[at], mu[at]
        specific = Stat(
            n_units,
            2,
            _specific_formula,
            (),
            np.concatenate([u, u]),
            np.repeat([0, 1], len(u)),
            np.concatenate([c * (c - 1), c * (mm - 1)]),
        )
        kappa = Stat(
            n_units,
            3,
            _kappa_formula,
            (totals,),
            np.concatenate([u, u]),
            np.repeat([1, 2], len(u)),
            np.concatenate([c * (mm - c) / (mm - 1), c]),
        )
        stats[name] = (specific, kappa)
    return stats


def _specific_formula(totals: np.ndarray) -> np.ndarray:
    agree, chances = totals[:, 0], totals[:, 1]
    return np.where(chances > 0, agree / np.where(chances > 0, chances, 1), np.nan)


def _kappa_formula(totals: np.ndarray) -> np.ndarray:
    total, disagree, used = totals[:, 0], totals[:, 1], totals[:, 2]
    spread = np.where(total > 0, used * (total - used) / np.where(total > 0, total, 1), 0.0)
    return np.where(spread > 0, 1 - disagree / np.where(spread > 0, spread, 1), np.nan)
