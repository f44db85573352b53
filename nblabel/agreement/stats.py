"""Chance-corrected agreement on categories, as :class:`~nblabel.agreement.stat.Stat` objects.

Where a statistic's totals come more cheaply than its per-item contributions (from one items ×
categories count table), the estimate uses them and the contributions are built only for a
bootstrap.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._checks import is_number
from .data import fits_dense, group_pairs, value_counts
from .stat import EMPTY_FLOAT, EMPTY_INT, Stat, build_stat
from .values import Coded

#: Largest units × categories² product for which distances are applied as a dense matrix.
_DENSE_PRODUCT = 1 << 26



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


def _counts(
    item: np.ndarray, code: np.ndarray, n_items: int, k: int, m: np.ndarray | None = None
) -> _Counts:
    """Count answers per (unit, category); ``m``, if given, is the answers per item."""
    m = np.bincount(item, minlength=n_items) if m is None else m
    paired = m >= 2
    every = bool(paired.all())
    units = np.arange(n_items) if every else np.flatnonzero(paired)
    pairable = m[units].astype(np.float64)
    if fits_dense(n_items * k):
        table = np.bincount(item * k + code, minlength=n_items * k).reshape(n_items, k)
        dense = (table if every else table[units]).astype(np.float64)
        return _Counts(pairable, k, dense, EMPTY_INT, EMPTY_INT, EMPTY_FLOAT)
    u, c, count = value_counts(item, code, n_items, k)
    unit_of = np.full(n_items, -1, dtype=np.int64)
    unit_of[units] = np.arange(len(units))
    keep = unit_of[u] >= 0
    return _Counts(pairable, k, None, unit_of[u[keep]], c[keep], count[keep])


def _item_sums(
    item: np.ndarray, code: np.ndarray, n_items: int, k: int, m: np.ndarray, per_code: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None] | None:
    """Return per-unit answers and sums of squared counts, and the answers per category.

    Units are the items with two answers or more (``m``: answers per item); the answers per
    category count those on units. None when the items × categories table is too big to build
    densely. ``per_code=False`` leaves the answers per category out (None).
    """
    if not fits_dense(n_items * k):
        return None
    table = np.bincount(item * k + code, minlength=n_items * k).reshape(n_items, k)
    squares = np.einsum("uk,uk->u", table, table)
    paired = m >= 2
    every = bool(paired.all())
    if not per_code:
        sums = None
    elif every:
        sums = np.bincount(code, minlength=k)
    else:
        sums = np.bincount(code, paired[item], minlength=k)
    if every:
        return m.astype(np.float64), squares.astype(np.float64), sums
    return m[paired].astype(np.float64), squares[paired].astype(np.float64), sums


# -- percent agreement -------------------------------------------------------------------------
def percent_stat(item: np.ndarray, code: np.ndarray, n_items: int, n_codes: int) -> Stat:
    """Fleiss' P̄: mean over items with two or more answers of the share of agreeing pairs."""

    def expand() -> Stat:
        counts = _counts(item, code, n_items, n_codes)
        m = counts.pairable
        share = (counts.squares() - m) / (m * (m - 1))
        return build_stat(counts.n_units, 2, _percent_formula, [np.ones_like(m), share])

    m = np.bincount(item, minlength=n_items)
    sums = _item_sums(item, code, n_items, n_codes, m, per_code=False)
    if sums is None:
        return expand()
    m, squares, _ = sums
    totals = np.array([len(m), ((squares - m) / (m * (m - 1))).sum()])
    return Stat.deferred(len(m), 2, _percent_formula, totals, expand)


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

    def formula(totals: np.ndarray) -> np.ndarray:
        n = totals[:, 0]
        p_bar = totals[:, 1] / n
        p = totals[:, 2:] / (n * raters)[:, None]
        chance = (p * p).sum(axis=1)
        return np.where(chance < 1, (p_bar - chance) / (1 - chance), np.nan)

    def expand() -> Stat:
        counts = _counts(answers.item, coded.code, n_items, k, m)
        share = (counts.squares() - raters) / (raters * (raters - 1))
        columns = [np.ones(counts.n_units), share]
        return build_stat(counts.n_units, 2 + k, formula, columns, counts.features(2))

    if high < 2 or not fits_dense(n_items * k):
        return expand()
    counts = np.bincount(answers.item * k + coded.code, minlength=n_items * k)
    n_units = len(answered)
    share = (float(counts @ counts) - n_units * raters) / (raters * (raters - 1))
    totals = np.concatenate([[n_units, share], np.bincount(coded.code, minlength=k)])
    return Stat.deferred(n_units, 2 + k, formula, totals, expand)


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
    grid = np.full(2 * len(answers.items), -1, dtype=np.int64)
    grid[2 * answers.item + (answers.annotator == present[1])] = coded.code
    return _cohen_columns(grid[0::2], grid[1::2], k, weights)


def cohen_pairs(coded: Coded, weights: str | None) -> dict[tuple[int, int], Stat] | None:
    """Cohen's kappa for every pair of annotators present, by their codes.

    One items × annotators table of answers serves every pair; None when that table is too big
    to build.
    """
    answers = coded.answers
    n_items, n_annotators = len(answers.items), len(answers.annotators)
    if not fits_dense(n_items * n_annotators):
        return None
    grid = np.full(n_items * n_annotators, -1, dtype=np.int64)
    grid[answers.item * n_annotators + answers.annotator] = coded.code
    grid = grid.reshape(n_items, n_annotators)
    present = answers.present_annotators().tolist()
    return {
        (a, b): _cohen_columns(grid[:, a], grid[:, b], coded.n_categories, weights)
        for i, a in enumerate(present)
        for b in present[i + 1 :]
    }


def _cohen_columns(first: np.ndarray, second: np.ndarray, k: int, weights: str | None) -> Stat:
    """Cohen's kappa between two columns of codes (-1: no answer), on the rows both answered."""
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

    def expand() -> Stat:
        sparse = {"unit": np.arange(len(cell)), "feature": cell, "weight": np.ones(len(cell))}
        return build_stat(len(cell), k * k, formula, [], sparse)

    totals = np.bincount(cell, minlength=k * k).astype(np.float64)
    return Stat.deferred(len(cell), k * k, formula, totals, expand)


# -- Krippendorff's alpha ----------------------------------------------------------------------
def alpha_stat(coded: Coded, level: str, distance: str) -> Stat:
    """Krippendorff's alpha from the coincidences of values within items.

    ``distance`` is ``"masi"`` or ``"jaccard"`` for label sets and ignored otherwise.
    """
    answers, k = coded.answers, coded.n_categories
    if level == "nominal" and coded.kind == "label":
        return _nominal_stat(coded)
    counts = _counts(answers.item, coded.code, len(answers.items), k)
    m = counts.pairable
    if level == "ordinal":
        return _ordinal_stat(counts)
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
        return build_stat(counts.n_units, 4, _interval_formula, [observed, m, *sums])
    formula = functools.partial(_pairwise_formula, delta=delta, k=k)
    return build_stat(counts.n_units, 1 + k, formula, [observed], counts.features(1))


def _nominal_stat(coded: Coded) -> Stat:
    answers, k = coded.answers, coded.n_categories
    n_items = len(answers.items)

    def expand() -> Stat:
        counts = _counts(answers.item, coded.code, n_items, k)
        m = counts.pairable
        observed = (m * m - counts.squares()) / (m - 1)
        return build_stat(counts.n_units, 1 + k, _nominal_formula, [observed], counts.features(1))

    m = np.bincount(answers.item, minlength=n_items)
    sums = _item_sums(answers.item, coded.code, n_items, k, m)
    if sums is None:
        return expand()
    m_units, squares, per_code = sums
    observed = ((m_units * m_units - squares) / (m_units - 1)).sum()
    return Stat.deferred(len(m_units), 1 + k, _nominal_formula, np.r_[observed, per_code], expand)


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
    return build_stat(counts.n_units, k * k, formula, [], sparse)


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


