"""Option strengths from pairwise comparisons: the Bradley–Terry model with ties."""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._checks import Number, check, check_kwargs
from .._html import frame_html
from ..agreement.data import plain
from . import fit as bt
from .pairs import as_pairs


@dataclass(frozen=True, eq=False)
class BradleyTerry:
    """Fitted Bradley–Terry strengths with ties (see :func:`bradley_terry`).

    Attributes
    ----------
    strengths : pandas.DataFrame
        One row per option, strongest first: ``strength`` (log-strength, centred so that the
        options average 0; a difference of 1 multiplies the odds of winning by e), ``se``,
        ``ci_low``, ``ci_high``, and the raw ``wins``, ``losses``, ``ties``, ``comparisons``.
    ties : str
        The tie model: ``"davidson"`` or ``"rao-kupper"``.
    tie_parameter : float
        Davidson's ``nu`` (0 = no ties; 1 = a tie between equals is half as likely as a win) or
        Rao–Kupper's ``theta`` (1 = no ties).
    tie_ci : tuple of float
        Confidence interval of the tie parameter (NaN when no comparison was a tie).
    log_likelihood : float
        Log-likelihood of the comparisons at the estimates.
    n_comparisons : int
        Comparisons fitted.
    """

    strengths: pd.DataFrame
    ties: str
    tie_parameter: float
    tie_ci: tuple[float, float]
    log_likelihood: float
    n_comparisons: int

    def probabilities(self, a: Hashable, b: Hashable) -> pd.Series:
        """Return the fitted chances that ``a`` wins, that they tie and that ``b`` wins.

        Examples
        --------
        >>> result.probabilities("model_a", "model_b")  # doctest: +SKIP
        a_wins    0.52
        tie       0.21
        b_wins    0.27
        dtype: float64
        """
        for option in (a, b):
            if option not in self.strengths.index:
                raise ValueError(
                    f"{option!r} is not one of the options {list(self.strengths.index)}."
                )
        beta = self.strengths["strength"]
        p = bt.probabilities(float(beta[a]), float(beta[b]), self.tie_parameter, self.ties)
        return pd.Series(p, index=["a_wins", "tie", "b_wins"])

    def __repr__(self) -> str:
        low, high = self.tie_ci
        return (
            f"BradleyTerry({self.ties}, tie parameter {self.tie_parameter:.3g} "
            f"[{low:.3g}, {high:.3g}], {self.n_comparisons} comparisons)\n{self.strengths}"
        )

    def _repr_html_(self) -> str:
        low, high = self.tie_ci
        caption = (
            f"Bradley–Terry ({self.ties} ties): tie parameter {self.tie_parameter:.3g} "
            f"[{low:.3g}, {high:.3g}], {self.n_comparisons} comparisons"
        )
        return frame_html(self.strengths, caption=caption, precision=3)


@check_kwargs
def bradley_terry(
    data: pd.DataFrame,
    *,
    ties: str = "davidson",
    ci: float = 0.95,
    prior: float = 0.0,
) -> BradleyTerry:
    """Estimate each option's strength from pairwise comparisons, with ties.

    The Bradley–Terry model gives option ``i`` a strength ``pi_i = exp(strength_i)`` and says
    ``i`` beats ``j`` with odds ``pi_i / pi_j``. Ties get their own parameter: Davidson's model
    (default) makes a tie likeliest between equals, with probability proportional to
    ``nu sqrt(pi_i pi_j)``; Rao–Kupper's uses a threshold ``theta``. Estimates are by maximum
    likelihood; intervals are Wald intervals from the observed information (each comparison
    counts as independent, also when several annotators judged the same item).

    Parameters
    ----------
    data : pandas.DataFrame
        ``proj.annotations`` or the output of :func:`preferences` (any table with ``chosen``,
        ``rejected`` and ``tie`` columns, e.g. one row per match between models).
    ties : {"davidson", "rao-kupper"}, default "davidson"
        The tie model.
    ci : float, default 0.95
        Confidence level of the intervals.
    prior : float, default 0
        Precision of a Gaussian prior on the log-strengths (a ridge penalty). Needed when an
        option never lost (or never won), whose maximum-likelihood strength is infinite;
        ``prior=1.0`` is a mild choice.

    Returns
    -------
    BradleyTerry
        The strengths table (``result.strengths``), the tie parameter and the fit.

    Examples
    --------
    >>> from nblabel import rank
    >>> result = rank.bradley_terry(proj.preferences())  # doctest: +SKIP
    >>> result.strengths[["strength", "ci_low", "ci_high"]]  # doctest: +SKIP
    """
    if ties not in bt.MODELS:
        raise ValueError(f"ties={ties!r} is not a tie model; use one of {list(bt.MODELS)}.")
    ci = check("ci", ci)
    prior = Number(0, what="a number >= 0 (0 = plain maximum likelihood)")("prior", prior)
    pairs = as_pairs(data)
    if len(pairs) == 0:
        raise ValueError("there are no comparisons to fit (no ranking answers yet?).")
    tie = pairs["tie"].to_numpy(dtype=bool)
    codes, options = pd.factorize(
        pd.concat([pairs["chosen"], pairs["rejected"]], ignore_index=True), sort=True
    )
    if len(options) < 2:
        raise ValueError(
            f"the comparisons involve one option only ({list(options)}); there is nothing to "
            "compare."
        )
    winner, loser = codes[: len(pairs)], codes[len(pairs) :]
    if (winner == loser).any():
        raise ValueError("a comparison has the same option as chosen and rejected.")
    if tie.all():
        raise ValueError(
            "every comparison is a tie, so the options' strengths cannot be told apart."
        )
    counts = bt.count_outcomes(winner, loser, tie, len(options))
    if prior == 0:
        problem = bt.separation(counts)
        if problem is not None:
            reason, players = problem
            names = [plain(options[p]) for p in players]
            if reason == "apart":
                raise ValueError(
                    f"options {names} were never compared with the others, so their strengths "
                    "cannot be put on one scale; fit the groups separately or compare across them."
                )
            raise ValueError(
                f"options {names} never lost to (nor tied with) the other options, so their "
                "maximum-likelihood strength is infinite; pass prior=1.0 (a mild prior on the "
                "log-strengths) for finite estimates, or collect more comparisons."
            )
    fitted = bt.fit(counts, ties, prior)
    from scipy import stats

    z = float(stats.norm.ppf(0.5 + ci / 2))
    se = np.sqrt(np.clip(np.diag(fitted.cov), 0.0, None))
    n = len(options)
    wins = np.bincount(winner[~tie], minlength=n)
    losses = np.bincount(loser[~tie], minlength=n)
    tied = np.bincount(winner[tie], minlength=n) + np.bincount(loser[tie], minlength=n)
    table = pd.DataFrame(
        {
            "strength": fitted.beta,
            "se": se,
            "ci_low": fitted.beta - z * se,
            "ci_high": fitted.beta + z * se,
            "wins": wins,
            "losses": losses,
            "ties": tied,
            "comparisons": wins + losses + tied,
        },
        index=pd.Index(list(options), name="option"),
    ).sort_values("strength", ascending=False, kind="stable")
    if math.isnan(fitted.tie_log_se):
        tie_ci = (math.nan, math.nan)
    else:
        shift = 0.0 if ties == "davidson" else 1.0
        scale = fitted.tie - shift
        tie_ci = (
            shift + scale * math.exp(-z * fitted.tie_log_se),
            shift + scale * math.exp(z * fitted.tie_log_se),
        )
    return BradleyTerry(table, ties, fitted.tie, tie_ci, fitted.log_likelihood, len(pairs))
