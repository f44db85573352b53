"""An agreement statistic as additive per-unit contributions, and its bootstrap.

Each statistic is a :class:`Stat`: per-unit (usually per-item) contributions to a few totals,
and a formula that turns the totals into the value. The estimate sums the contributions of every
unit; the bootstrap sums them with resampling weights, so thousands of resamples cost a few
matrix products instead of thousands of recomputations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

#: Entries (resamples × contributions) held in memory at once while bootstrapping.
_CHUNK = 1 << 23

NO_PAIRS = "no item has answers from two or more annotators"
ONE_VALUE = "every answer on items answered twice uses the same value, so chance agreement is total"

EMPTY_INT = np.zeros(0, dtype=np.int64)
EMPTY_FLOAT = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True)
class Stat:
    """An agreement statistic as per-unit contributions to ``n_features`` totals.

    ``blocks`` are units × width matrices whose columns, side by side, are the units'
    contributions to the first totals (kept apart, never copied into one matrix);
    ``(unit, feature, weight)`` triplets add sparse contributions to any total. A deferred
    statistic (:meth:`deferred`) carries the sums of the contributions (``totals``), got more
    cheaply than the contributions themselves, which ``expand`` builds for resampling.
    """

    n_units: int
    n_features: int
    formula: Callable[[np.ndarray], np.ndarray]
    blocks: tuple[np.ndarray, ...]
    unit: np.ndarray = field(default_factory=lambda: EMPTY_INT)
    feature: np.ndarray = field(default_factory=lambda: EMPTY_INT)
    weight: np.ndarray = field(default_factory=lambda: EMPTY_FLOAT)
    totals: np.ndarray | None = None
    expand: Callable[[], Stat] | None = None

    @classmethod
    def deferred(
        cls,
        n_units: int,
        n_features: int,
        formula: Callable[[np.ndarray], np.ndarray],
        totals: np.ndarray,
        expand: Callable[[], Stat],
    ) -> Stat:
        """Return a statistic known by its ``totals``, expanded only to be resampled.

        ``expand()`` returns the same statistic with its per-unit contributions.
        """
        return cls(n_units, n_features, formula, (), totals=totals, expand=expand)

    @property
    def width(self) -> int:
        """Number of totals the dense blocks contribute to."""
        return sum(block.shape[1] for block in self.blocks)

    def value(self) -> float:
        """Return the statistic on all units (NaN when there are none or it is undefined)."""
        if self.n_units == 0:
            return float("nan")
        totals = self.totals
        if totals is None:
            totals = np.zeros(self.n_features)
            if len(self.feature):
                totals += np.bincount(self.feature, self.weight, minlength=self.n_features)
            if self.blocks:
                sums = [block.sum(axis=0) for block in self.blocks]
                totals[: self.width] += np.concatenate(sums)
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(self.formula(totals[None, :])[0])

    def resample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Return the statistic on ``n`` bootstrap resamples of the units."""
        if self.expand is not None:
            return self.expand().resample(n, rng)
        out = np.empty(n)
        size = max(len(self.unit), self.n_units, self.n_features, 1)
        chunk = max(1, _CHUNK // size)
        width = self.width
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
            if self.blocks:
                totals[:, :width] += np.concatenate(
                    [times @ block for block in self.blocks], axis=1
                )
            with np.errstate(divide="ignore", invalid="ignore"):
                out[start : start + b] = self.formula(totals)
        return out


def build_stat(
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
    sparse = {key: extra[key] for key in ("unit", "feature", "weight") if key in extra}
    return Stat(n_units, n_features, formula, tuple(blocks), **sparse)


