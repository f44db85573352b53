"""Position bias: whether the option shown first (on the left, or on top) wins too often."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .._checks import check, check_kwargs
from .pairs import as_pairs


@check_kwargs
def position_bias(data: pd.DataFrame, *, ci: float = 0.95) -> pd.DataFrame:
    """Return how often the option shown first wins, per pair of positions on screen.

    For two options (A/B) the one row, ``"1 vs 2"``, says how often the option on the left won
    when there was a winner; without position bias that is about one half. With more options,
    each pair of positions has a row (1 = top) and ``"all"`` pools them.

    Parameters
    ----------
    data : pandas.DataFrame
        ``proj.annotations``, or the output of :func:`preferences`. Only answers that recorded
        the order their options were shown in count (answers from the widget do; answers added
        from code do not).
    ci : float, default 0.95
        Confidence level of the Wilson interval of ``first_rate``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``positions`` (``"1 vs 2"``, …), with the columns ``comparisons``,
        ``first_wins``, ``second_wins``, ``ties``, ``first_rate``
        (``first_wins / (first_wins + second_wins)``), ``ci_low``, ``ci_high`` and ``p_value``
        (exact two-sided binomial test of ``first_rate = 0.5``).

    Examples
    --------
    >>> from nblabel import rank
    >>> rank.position_bias(proj.annotations)  # doctest: +SKIP
    """
    from scipy import stats

    ci = check("ci", ci)
    pairs = as_pairs(data)
    known = pairs["chosen_position"].notna() & pairs["rejected_position"].notna()
    if not known.any():
        raise ValueError(
            "no answer records the order its options were shown in (the 'shown' detail), so "
            "position bias cannot be measured; answers given in the widget record it, answers "
            "added from code do not."
        )
    pairs = pairs[known.to_numpy()]
    chosen = pairs["chosen_position"].to_numpy(dtype=np.int64)
    rejected = pairs["rejected_position"].to_numpy(dtype=np.int64)
    tie = pairs["tie"].to_numpy(dtype=bool)
    first, second = np.minimum(chosen, rejected), np.maximum(chosen, rejected)
    frame = pd.DataFrame(
        {
            "positions": [f"{a} vs {b}" for a, b in zip(first, second, strict=True)],
            "order": first * 1000 + second,
            "first_wins": (~tie) & (chosen < rejected),
            "second_wins": (~tie) & (chosen > rejected),
            "ties": tie,
        }
    )
    table = frame.groupby("positions").agg(
        order=("order", "first"),
        first_wins=("first_wins", "sum"),
        second_wins=("second_wins", "sum"),
        ties=("ties", "sum"),
    )
    table = table.sort_values("order").drop(columns="order")
    if len(table) > 1:
        table.loc["all"] = table.sum()
    table = table.astype("int64")
    table.insert(0, "comparisons", table.sum(axis=1))
    z = stats.norm.ppf(0.5 + ci / 2)
    decided = (table["first_wins"] + table["second_wins"]).to_numpy()
    wins = table["first_wins"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = wins / decided
        centre = (wins + z * z / 2) / (decided + z * z)
        half = z * np.sqrt(wins * (decided - wins) / decided + z * z / 4) / (decided + z * z)
    table["first_rate"] = rate
    table["ci_low"] = np.where(decided > 0, centre - half, np.nan)
    table["ci_high"] = np.where(decided > 0, centre + half, np.nan)
    table["p_value"] = [
        stats.binomtest(int(w), int(n), 0.5).pvalue if n else math.nan
        for w, n in zip(wins, decided, strict=True)
    ]
    table.index.name = "positions"
    return table
