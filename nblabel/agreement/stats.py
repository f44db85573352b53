"""Chance-corrected agreement on categories, as additive per-item statistics.

Each statistic is a :class:`Stat`: per-unit (usually per-item) contributions to a few totals,
and a formula that turns the totals into the value. The estimate sums the contributions of every
unit; the bootstrap sums them with resampling weights, so thousands of resamples cost a few
matrix products instead of thousands of recomputations.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._checks import is_number
from .data import fits_dense, group_pairs, value_counts
from .values import Coded

#: Entries (resamples × contributions) held in memory at once while bootstrapping.
_CHUNK = 1 << 23
#: Largest units × categories² product for which distances are applied as a dense matrix.
_DENSE_PRODUCT = 1 << 26

NO_PAIRS = "no item has answers from two or more annotators"
ONE_VALUE = "every answer on items answered twice uses the same value, so chance agreement is total"

_EMPTY_INT = np.zeros(0, dtype=np.int64)
_EMPTY_FLOAT = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True)
class Stat:
    """An agreement statistic as per-unit contributions to ``n_features`` totals.

    ``dense[u, j]`` is unit ``u``'s contribution to total ``j`` (the first ``dense.shape[1]``
    totals); ``(unit, feature, weight)`` triplets add sparse contributions to any total.
    """

    n_units: int
    n_features: int
    formula: Callable[[np.ndarray], np.ndarray]
    dense: np.ndarray
    unit: np.ndarray = field(default_factory=lambda: _EMPTY_INT)
    feature: np.ndarray = field(default_factory=lambda: _EMPTY_INT)
    weight: np.ndarray = field(default_factory=lambda: _EMPTY_FLOAT)

    def value(self) -> float:
        """Return the statistic on all units (NaN when there are none or it is undefined)."""
        if self.n_units == 0:
            return float("nan")
        totals = np.bincount(self.feature, self.weight, minlength=self.n_features).astype(float)
        totals[: self.dense.shape[1]] += self.dense.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(self.formula(totals[None, :])[0])

    def resample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Return the statistic on ``n`` bootstrap resamples of the units."""
        out = np.empty(n)
        size = max(len(self.unit), self.n_units, self.n_features, 1)
        chunk = max(1, _CHUNK // size)
        width = self.dense.shape[1]
        for start in range(0, n, chunk):
            b = min(chunk, n - start)
            rows = np.arange(b)[:, None]
            draws = rng.integers(0, self.n_units, size=(b, self.n_units))
            times = np.bincount((rows * self.n_units + draws).ravel(), minlength=b * self.n_units)
            times = times.reshape(b, self.n_units).astype(np.float64)
            at = (rows * self.n_features + self.feature).ravel()
            weights = (times[:, self.unit] * self.weight).ravel()
            totals = np.bincount(at, weights, minlength=b * self.n_features)
            totals = totals.reshape(b, self.n_features).astype(np.float64)
            totals[:, :width] += times @ self.dense
            with np.errstate(divide="ignore", invalid="ignore"):
                out[start : start + b] = self.formula(totals)
        return out


@dataclass(frozen=True)
class _Counts:
    """Answers per (unit, category) on the units (items with two or more answers).

    Held as a dense units × categories matrix when that is small, otherwise as entries
    ``(unit, code, count)`` sorted by unit.
    """

    pairable: np.ndarray
    k: int
    dense: np.ndarray | None
    unit: np.ndarray
    code: np.ndarray
    count: np.ndarray

    @property
    def n_units(self) -> int:
        return len(self.pairable)

    def squares(self) -> np.ndarray:
        """Per unit, the sum of squared counts."""
        if self.dense is not None:
            return np.einsum("uk,uk->u", self.dense, self.dense)
        return np.bincount(self.unit, self.count * self.count, minlength=self.n_units)

    def per_unit(self, values: np.ndarray) -> np.ndarray:
        """Per unit, the sum of ``values[code]`` over its answers."""
        if self.dense is not None:
            return self.dense @ values
        return np.bincount(self.unit, self.count * values[self.code], minlength=self.n_units)

    def per_code(self) -> np.ndarray:
        """Per category, the number of answers on the units."""
        if self.dense is not None:
            return self.dense.sum(axis=0)
        return np.bincount(self.code, self.count, minlength=self.k)

    def entries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the non-zero counts as ``(unit, code, count)``, sorted by unit."""
        if self.dense is None:
            return self.unit, self.code, self.count
        unit, code = np.nonzero(self.dense)
        return unit, code, self.dense[unit, code]

    def features(self, offset: int) -> dict[str, np.ndarray]:
        """Return the counts as contributions to the totals ``offset`` to ``offset + k``."""
        if self.dense is not None:
            return {"block": self.dense}
        return {"unit": self.unit, "feature": offset + self.code, "weight": self.count}


def _counts(item: np.ndarray, code: np.ndarray, n_items: int, k: int) -> _Counts:
    m = np.bincount(item, minlength=n_items)
    units = np.flatnonzero(m >= 2)
    pairable = m[units].astype(np.float64)
    if fits_dense(n_items * k):
        table = np.bincount(item * k + code, minlength=n_items * k).reshape(n_items, k)
        dense = table[units].astype(np.float64)
        return _Counts(pairable, k, dense, _EMPTY_INT, _EMPTY_INT, _EMPTY_FLOAT)
    u, c, count = value_counts(item, code, n_items, k)
    unit_of = np.full(n_items, -1, dtype=np.int64)
    unit_of[units] = np.arange(len(units))
    keep = unit_of[u] >= 0
    return _Counts(pairable, k, None, unit_of[u[keep]], c[keep], count[keep])


def _stat(
    n_units: int,
    n_features: int,
    formula: Callable[[np.ndarray], np.ndarray],
    columns: list[np.ndarray],
    extra: dict[str, np.ndarray] | None = None,
) -> Stat:
    """Build a :class:`Stat` from per-unit columns (the first totals) and optional extras.

    ``extra`` is either ``{"block": matrix}`` (more dense columns) or sparse triplets
    ``{"unit", "feature", "weight"}``.
    """
    extra = extra or {}
    blocks = [np.asarray(column, dtype=np.float64)[:, None] for column in columns]
    if "block" in extra:
        blocks.append(extra["block"])
    dense = np.concatenate(blocks, axis=1) if blocks else np.zeros((n_units, 0))
    sparse = {key: extra[key] for key in ("unit", "feature", "weight") if key in extra}
    return Stat(n_units, n_features, formula, dense, **sparse)


# -- percent agreement -------------------------------------------------------------------------
def percent_stat(item: np.ndarray, code: np.ndarray, n_items: int, n_codes: int) -> Stat:
    """Fleiss' P̄: mean over items with two or more answers of the share of agreeing pairs."""
    counts = _counts(item, code, n_items, n_codes)
    m = counts.pairable
    share = (counts.squares() - m) / (m * (m - 1))
    return _stat(counts.n_units, 2, _percent_formula, [np.ones_like(m), share])


def _percent_formula(totals: np.ndarray) -> np.ndarray:
    return totals[:, 1] / totals[:, 0]


# -- Fleiss' kappa -----------------------------------------------------------------------------
def fleiss_stat(coded: Coded) -> Stat:
    """Fleiss' kappa (1971): every item must have the same number of answers."""
    answers, k = coded.answers, coded.n_categories
    n_items = len(answers.items)
    m = np.bincount(answers.item, minlength=n_items)
    answered = m[m > 0]
    low, high = int(answered.min()), int(answered.max())
    if low != high:
        raise ValueError(
            "fleiss_kappa needs the same number of answers for every item, but items have "
            f"between {low} and {high} answers. Use krippendorff_alpha(df), which handles "
            "missing answers, or keep only complete items."
        )
    raters = float(high)
    counts = _counts(answers.item, coded.code, n_items, k)
    share = (counts.squares() - raters) / (raters * (raters - 1))

    def formula(totals: np.ndarray) -> np.ndarray:
        n = totals[:, 0]
        p_bar = totals[:, 1] / n
        p = totals[:, 2:] / (n * raters)[:, None]
        chance = (p * p).sum(axis=1)
        return np.where(chance < 1, (p_bar - chance) / (1 - chance), np.nan)

    columns = [np.ones(counts.n_units), share]
    return _stat(counts.n_units, 2 + k, formula, columns, counts.features(2))


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
    grid = np.full((len(answers.items), 2), -1, dtype=np.int64)
    grid[answers.item, (answers.annotator == present[1]).view(np.int8)] = coded.code
    first, second = grid[:, 0], grid[:, 1]
    both = (first >= 0) & (second >= 0)
    cell = first[both] * k + second[both]
    position = np.arange(k, dtype=np.float64)
    gap = np.abs(position[:, None] - position[None, :])
    w = {None: (gap > 0).astype(np.float64), "linear": gap, "quadratic": gap**2}[weights]

    def formula(totals: np.ndarray) -> np.ndarray:
        confusion = totals.reshape(len(totals), k, k)
        rows, cols = confusion.sum(axis=2), confusion.sum(axis=1)
        observed = (confusion * w).sum(axis=(1, 2))
        expected = np.einsum("bi,ij,bj->b", rows, w, cols) / rows.sum(axis=1)
        return np.where(expected > 0, 1 - observed / expected, np.nan)

    sparse = {"unit": np.arange(len(cell)), "feature": cell, "weight": np.ones(len(cell))}
    return _stat(len(cell), k * k, formula, [], sparse)


# -- Krippendorff's alpha ----------------------------------------------------------------------
def alpha_stat(coded: Coded, level: str, distance: str) -> Stat:
    """Krippendorff's alpha from the coincidences of values within items.

    ``distance`` is ``"masi"`` or ``"jaccard"`` for label sets and ignored otherwise.
    """
    answers, k = coded.answers, coded.n_categories
    counts = _counts(answers.item, coded.code, len(answers.items), k)
    m = counts.pairable
    if level == "ordinal":
        return _ordinal_stat(counts)
    if level == "nominal" and coded.kind == "label":
        observed = (m * m - counts.squares()) / (m - 1)
        return _stat(counts.n_units, 1 + k, _nominal_formula, [observed], counts.features(1))
    delta = _distance(coded, level, distance)
    if counts.dense is not None and counts.n_units * k * k <= _DENSE_PRODUCT:
        every = np.arange(k)
        products = (counts.dense @ delta(every[:, None], every[None, :])) * counts.dense
        observed = products.sum(axis=1) / (m - 1)
    else:
        unit, c, count = counts.entries()
        left, right = group_pairs(unit)
        differ = c[left] != c[right]
        left, right = left[differ], right[differ]
        products = count[left] * count[right] * delta(c[left], c[right])
        observed = np.bincount(unit[left], products, minlength=counts.n_units) / (m - 1)
    if level == "interval":
        x = _numeric(coded, level)
        total = counts.per_code()
        if total.sum() > 0:  # no units: nothing to centre (the statistic is NaN anyway)
            x = x - (total @ x) / total.sum()  # centred, for numerical accuracy
        sums = [counts.per_unit(x), counts.per_unit(x * x)]
        return _stat(counts.n_units, 4, _interval_formula, [observed, m, *sums])
    formula = functools.partial(_pairwise_formula, delta=delta, k=k)
    return _stat(counts.n_units, 1 + k, formula, [observed], counts.features(1))


def _nominal_formula(totals: np.ndarray) -> np.ndarray:
    counts = totals[:, 1:]
    n = counts.sum(axis=1)
    expected = n * n - (counts * counts).sum(axis=1)
    return _alpha(n, totals[:, 0], expected)


def _interval_formula(totals: np.ndarray) -> np.ndarray:
    n, s1, s2 = totals[:, 1], totals[:, 2], totals[:, 3]
    return _alpha(n, totals[:, 0], 2 * (n * s2 - s1 * s1))


def _pairwise_formula(
    totals: np.ndarray, *, delta: Callable[[np.ndarray, np.ndarray], np.ndarray], k: int
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


def _ordinal_stat(counts: _Counts) -> Stat:
    k = counts.k
    unit, c, count = counts.entries()
    left, right = group_pairs(unit)
    cell = c[left] * k + c[right]
    o = count[left] * (count[right] - (left == right)) / (counts.pairable[unit[left]] - 1)
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

    sparse = {"unit": unit[left], "feature": cell, "weight": o}
    return _stat(counts.n_units, k * k, formula, [], sparse)


def _numeric(coded: Coded, level: str) -> np.ndarray:
    categories = coded.categories
    if coded.kind != "label" or not all(is_number(v) for v in categories):
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


def per_label_stats(coded: Coded) -> dict[Any, tuple[Stat, Stat]]:
    """Per label, ``(specific agreement, one-vs-rest kappa)`` as resamplable statistics.

    The same formulas as :func:`per_label_table`, written as per-item contributions (units are
    the items with two or more answers) so :meth:`Stat.resample` gives bootstrap intervals.
    """
    answers = coded.answers
    n_items, n_labels = len(answers.items), len(coded.labels)
    m = np.bincount(answers.item, minlength=n_items).astype(np.float64)
    item, label, count = value_counts(answers.item, coded.code, n_items, coded.n_categories)
    if coded.members is not None:
        item, label, count = _explode_sets(item, label, count, coded.members, n_labels)
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
            np.zeros((n_units, 0)),
            np.concatenate([u, u]),
            np.repeat([0, 1], len(u)),
            np.concatenate([c * (c - 1), c * (mm - 1)]),
        )
        kappa = Stat(
            n_units,
            3,
            _kappa_formula,
            totals,
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
