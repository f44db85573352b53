"""Chance-corrected agreement on categories, as additive per-item statistics.

Each statistic is a :class:`Stat`: per-unit (usually per-item) contributions to a few totals,
and a formula that turns the totals into the value. The estimate sums the contributions of every
unit; the bootstrap sums them with resampling weights, so thousands of resamples cost a few
matrix-sized ``bincount`` calls instead of thousands of recomputations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._agreement_data import Coded, group_pairs, value_counts

#: Entries (resamples × contributions) held in memory at once while bootstrapping.
_CHUNK = 1 << 23

NO_PAIRS = "no item has answers from two or more annotators"
ONE_VALUE = "every answer on items answered twice uses the same value, so chance agreement is total"


@dataclass(frozen=True)
class Stat:
    """An agreement statistic as per-unit contributions ``(unit, feature, weight)``."""

    unit: np.ndarray
    feature: np.ndarray
    weight: np.ndarray
    n_units: int
    n_features: int
    formula: Callable[[np.ndarray], np.ndarray]
    undefined: str = ONE_VALUE

    def value(self) -> float:
        """Return the statistic on all units (NaN when there are none or it is undefined)."""
        if self.n_units == 0:
            return float("nan")
        totals = np.bincount(self.feature, self.weight, minlength=self.n_features)
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(self.formula(totals[None, :])[0])

    def resample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Return the statistic on ``n`` bootstrap resamples of the units."""
        out = np.empty(n)
        size = max(len(self.unit), self.n_units, self.n_features, 1)
        chunk = max(1, _CHUNK // size)
        for start in range(0, n, chunk):
            b = min(chunk, n - start)
            rows = np.arange(b)[:, None]
            draws = rng.integers(0, self.n_units, size=(b, self.n_units))
            times = np.bincount((rows * self.n_units + draws).ravel(), minlength=b * self.n_units)
            weights = times.reshape(b, self.n_units)[:, self.unit] * self.weight
            at = (rows * self.n_features + self.feature).ravel()
            totals = np.bincount(at, weights.ravel(), minlength=b * self.n_features)
            with np.errstate(divide="ignore", invalid="ignore"):
                out[start : start + b] = self.formula(totals.reshape(b, self.n_features))
        return out


def _stat(
    n_units: int,
    parts: list[tuple[np.ndarray, int | np.ndarray, np.ndarray]],
    n_features: int,
    formula: Callable[[np.ndarray], np.ndarray],
    undefined: str = ONE_VALUE,
) -> Stat:
    units, features, weights = [], [], []
    for unit, feature, weight in parts:
        units.append(unit)
        features.append(np.broadcast_to(np.asarray(feature, dtype=np.int64), unit.shape))
        weights.append(np.broadcast_to(np.asarray(weight, dtype=np.float64), unit.shape))
    return Stat(
        np.concatenate(units),
        np.concatenate(features),
        np.concatenate(weights),
        n_units,
        n_features,
        formula,
        undefined,
    )


def _units(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the codes where ``mask`` holds and a map from code to unit number (-1 if none)."""
    units = np.flatnonzero(mask)
    unit_of = np.full(len(mask), -1, dtype=np.int64)
    unit_of[units] = np.arange(len(units))
    return units, unit_of


# -- percent agreement -------------------------------------------------------------------------
def percent_stat(item: np.ndarray, code: np.ndarray, n_items: int, n_codes: int) -> Stat:
    """Fleiss' P̄: mean over items with two or more answers of the share of agreeing pairs."""
    m = np.bincount(item, minlength=n_items).astype(np.float64)
    u, _, count = value_counts(item, code, n_items, n_codes)
    squares = np.bincount(u, count * count, minlength=n_items)
    units, _ = _units(m >= 2)
    share = (squares[units] - m[units]) / (m[units] * (m[units] - 1))
    every = np.arange(len(units))
    return _stat(len(units), [(every, 0, 1.0), (every, 1, share)], 2, _percent_formula)


def _percent_formula(totals: np.ndarray) -> np.ndarray:
    return totals[:, 1] / totals[:, 0]


# -- Fleiss' kappa -----------------------------------------------------------------------------
def fleiss_stat(coded: Coded) -> Stat:
    """Fleiss' kappa (1971): every item must have the same number of answers."""
    answers, k = coded.answers, coded.n_categories
    n_items = len(answers.items)
    m = np.bincount(answers.item, minlength=n_items).astype(np.float64)
    answered = m[m > 0]
    low, high = int(answered.min()), int(answered.max())
    if low != high:
        raise ValueError(
            "fleiss_kappa needs the same number of answers for every item, but items have "
            f"between {low} and {high} answers. Use krippendorff_alpha(df), which handles "
            "missing answers, or keep only complete items."
        )
    raters = float(high)
    u, c, count = value_counts(answers.item, coded.code, n_items, k)
    units, unit_of = _units(m >= 2)
    squares = np.bincount(u, count * count, minlength=n_items)[units]
    share = (squares - raters) / (raters * (raters - 1))
    every = np.arange(len(units))
    keep = unit_of[u] >= 0

    def formula(totals: np.ndarray) -> np.ndarray:
        n = totals[:, 0]
        p_bar = totals[:, 1] / n
        p = totals[:, 2:] / (n * raters)[:, None]
        chance = (p * p).sum(axis=1)
        return np.where(chance < 1, (p_bar - chance) / (1 - chance), np.nan)

    parts = [(every, 0, 1.0), (every, 1, share), (unit_of[u[keep]], 2 + c[keep], count[keep])]
    return _stat(len(units), parts, 2 + k, formula)


# -- Cohen's kappa -----------------------------------------------------------------------------
def cohen_stat(coded: Coded, weights: str | None) -> Stat:
    """Cohen's kappa between the two annotators of ``coded``, on the items both answered."""
    answers, k = coded.answers, coded.n_categories
    present = answers.present_annotators()
    if len(present) != 2:
        names = answers.annotators[present][:10].tolist()
        raise ValueError(
            f"cohen_kappa compares exactly two annotators, but the answers have {len(present)}"
            f" ({names}). Select two (e.g. df[df.annotator.isin(['ana', 'ben'])]), use "
            "pairwise(df) for every pair, or fleiss_kappa / krippendorff_alpha for more."
        )
    n_items = len(answers.items)
    first = np.full(n_items, -1, dtype=np.int64)
    second = np.full(n_items, -1, dtype=np.int64)
    for codes, who in ((first, present[0]), (second, present[1])):
        mine = answers.annotator == who
        codes[answers.item[mine]] = coded.code[mine]
    both = (first >= 0) & (second >= 0)
    a, b = first[both], second[both]
    position = np.arange(k, dtype=np.float64)
    gap = np.abs(position[:, None] - position[None, :])
    w = {None: (gap > 0).astype(np.float64), "linear": gap, "quadratic": gap**2}[weights]
    every = np.arange(len(a))

    def formula(totals: np.ndarray) -> np.ndarray:
        rows, cols = totals[:, 2 : 2 + k], totals[:, 2 + k :]
        expected = np.einsum("bi,ij,bj->b", rows, w, cols) / totals[:, 0]
        return np.where(expected > 0, 1 - totals[:, 1] / expected, np.nan)

    parts = [(every, 0, 1.0), (every, 1, w[a, b]), (every, 2 + a, 1.0), (every, 2 + k + b, 1.0)]
    return _stat(len(a), parts, 2 + 2 * k, formula)


# -- Krippendorff's alpha ----------------------------------------------------------------------
def alpha_stat(coded: Coded, level: str, distance: str) -> Stat:
    """Krippendorff's alpha from the coincidences of values within items.

    ``distance`` is ``"masi"`` or ``"jaccard"`` for label sets and ignored otherwise.
    """
    answers, k = coded.answers, coded.n_categories
    n_items = len(answers.items)
    m = np.bincount(answers.item, minlength=n_items).astype(np.float64)
    u, c, count = value_counts(answers.item, coded.code, n_items, k)
    keep = m[u] >= 2
    u, c, count = u[keep], c[keep], count[keep]
    units, unit_of = _units(m >= 2)
    unit = unit_of[u]
    every = np.arange(len(units))
    pairable = m[units]
    if level == "ordinal":
        return _ordinal_stat(unit, c, count, pairable, k)
    if level == "nominal" and coded.kind == "label":
        squares = np.bincount(unit, count * count, minlength=len(units))
        observed = (pairable * pairable - squares) / (pairable - 1)
        parts = [(every, 0, observed), (unit, 1 + c, count)]
        return _stat(len(units), parts, 1 + k, _nominal_formula)
    delta = _distance(coded, level, distance)
    left, right = group_pairs(u)
    differ = c[left] != c[right]
    left, right = left[differ], right[differ]
    products = count[left] * count[right] * delta(c[left], c[right])
    observed = np.bincount(unit[left], products, minlength=len(units)) / (pairable - 1)
    if level == "interval":
        x = _centred(coded, c, count)
        parts = [
            (every, 0, observed),
            (unit, 1, count),
            (unit, 2, count * x[c]),
            (unit, 3, count * x[c] ** 2),
        ]
        return _stat(len(units), parts, 4, _interval_formula)
    parts = [(every, 0, observed), (unit, 1 + c, count)]
    return _stat(len(units), parts, 1 + k, lambda totals: _pairwise_formula(totals, delta, k))


def _nominal_formula(totals: np.ndarray) -> np.ndarray:
    counts = totals[:, 1:]
    n = counts.sum(axis=1)
    expected = n * n - (counts * counts).sum(axis=1)
    return _alpha(n, totals[:, 0], expected)


def _interval_formula(totals: np.ndarray) -> np.ndarray:
    n, s1, s2 = totals[:, 1], totals[:, 2], totals[:, 3]
    return _alpha(n, totals[:, 0], 2 * (n * s2 - s1 * s1))


def _pairwise_formula(
    totals: np.ndarray, delta: Callable[[np.ndarray, np.ndarray], np.ndarray], k: int
) -> np.ndarray:
    counts = totals[:, 1:]
    expected = np.zeros(len(totals))
    block = max(1, (1 << 22) // max(k * len(totals), 1))
    every = np.arange(k)
    for start in range(0, k, block):
        rows = every[start : start + block]
        d = delta(rows[:, None], every[None, :])
        expected += np.einsum("br,rk,bk->b", counts[:, rows], d, counts)
    return _alpha(counts.sum(axis=1), totals[:, 0], expected)


def _alpha(n: np.ndarray, observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    return np.where(expected > 0, 1 - (n - 1) * observed / expected, np.nan)


def _ordinal_stat(
    unit: np.ndarray, c: np.ndarray, count: np.ndarray, pairable: np.ndarray, k: int
) -> Stat:
    left, right = group_pairs(unit)
    cell = c[left] * k + c[right]
    o = count[left] * (count[right] - (left == right)) / (pairable[unit[left]] - 1)
    lo = np.minimum(np.arange(k)[:, None], np.arange(k)[None, :])
    hi = np.maximum(np.arange(k)[:, None], np.arange(k)[None, :])

    def formula(totals: np.ndarray) -> np.ndarray:
        o = totals.reshape(len(totals), k, k)
        n_c = o.sum(axis=2)
        cumulative = np.concatenate([np.zeros((len(totals), 1)), np.cumsum(n_c, axis=1)], axis=1)
        between = cumulative[:, hi + 1] - cumulative[:, lo]
        d = (between - (n_c[:, :, None] + n_c[:, None, :]) / 2) ** 2
        observed = (o * d).sum(axis=(1, 2))
        expected = np.einsum("bi,bij,bj->b", n_c, d, n_c)
        return _alpha(n_c.sum(axis=1), observed, expected)

    return _stat(len(pairable), [(unit[left], cell, o)], k * k, formula)


def _numeric(coded: Coded, level: str) -> np.ndarray:
    categories = coded.categories
    if coded.kind != "label" or not all(
        isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
        for v in categories
    ):
        raise ValueError(
            f"level={level!r} needs numeric answers, but the values include "
            f"{[v for v in categories if not isinstance(v, (int, float))][:5]}. Use "
            "level='ordinal' (with labels= giving the order) or 'nominal'."
        )
    x = np.asarray(categories, dtype=np.float64)
    if level == "ratio" and (x < 0).any():
        raise ValueError(
            "level='ratio' needs values >= 0 (a scale with a true zero); the answers include "
            f"{x[x < 0][:5].tolist()}. Use level='interval'."
        )
    return x


def _centred(coded: Coded, c: np.ndarray, count: np.ndarray) -> np.ndarray:
    x = _numeric(coded, "interval")
    total = count.sum()
    return x - (np.bincount(c, count, minlength=len(x)) @ x) / total if total else x


def _distance(
    coded: Coded, level: str, distance: str
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    if coded.kind == "set":
        return _set_distance(coded.members, distance)
    if level == "nominal":
        return lambda a, b: (a != b).astype(np.float64)
    x = _numeric(coded, level)
    if level == "interval":
        return lambda a, b: (x[a] - x[b]) ** 2

    def ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        total = x[a] + x[b]
        safe = np.where(total > 0, total, 1.0)
        return np.where(total > 0, ((x[a] - x[b]) / safe) ** 2, 0.0)

    return ratio


def _set_distance(
    members: np.ndarray | None, distance: str
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    assert members is not None
    sets = members.astype(np.float64)
    sizes = sets.sum(axis=1)

    def delta(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if a.ndim == 2:
            common = sets[a[:, 0]] @ sets[b[0]].T
        else:
            common = np.einsum("el,el->e", sets[a], sets[b])
        size_a, size_b = sizes[a], sizes[b]
        union = size_a + size_b - common
        jaccard = np.where(union > 0, common / np.where(union > 0, union, 1), 1.0)
        if distance == "jaccard":
            return 1 - jaccard
        same = (common == size_a) & (common == size_b)
        nested = common == np.minimum(size_a, size_b)
        monotone = np.where(same, 1.0, np.where(nested, 2 / 3, np.where(common > 0, 1 / 3, 0)))
        return 1 - jaccard * monotone

    return delta


# -- per-label agreement -----------------------------------------------------------------------
def per_label_table(coded: Coded) -> pd.DataFrame:
    """Specific (positive) agreement and one-vs-rest kappa for each label."""
    answers = coded.answers
    n_items, n_labels = len(answers.items), len(coded.labels)
    m = np.bincount(answers.item, minlength=n_items).astype(np.float64)
    u, label, count = value_counts(answers.item, coded.code, n_items, coded.n_categories)
    if coded.members is not None:
        u, label, count = _explode_sets(u, label, count, coded.members, n_labels)
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
