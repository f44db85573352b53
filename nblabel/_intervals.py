"""Intervals for rates: Wilson's score interval, and a rate row as reports print it."""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any


def wilson(hits: int, total: int, ci: float) -> tuple[float, float]:
    """Return Wilson's score interval of ``hits`` out of ``total`` at level ``ci``.

    Examples
    --------
    >>> [round(x, 4) for x in wilson(8, 10, 0.95)]
    [0.4902, 0.9433]
    """
    z = NormalDist().inv_cdf(0.5 + ci / 2)
    rate = hits / total
    denominator = 1 + z * z / total
    center = (rate + z * z / (2 * total)) / denominator
    half = z * math.sqrt(rate * (1 - rate) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, center - half), min(1.0, center + half)


def rate_row(hits: int, total: int, ci: float) -> list[Any]:
    """Return ``[total, hits, rate, low, high]`` with a Wilson interval (NaN without data)."""
    if total == 0:
        return [0, 0, math.nan, math.nan, math.nan]
    low, high = wilson(hits, total, ci)
    return [int(total), int(hits), hits / total, low, high]
