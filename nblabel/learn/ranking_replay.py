"""Replaying active ranking against known strengths: which match-ups to ask, compared."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import kendalltau

from .._checks import Integer, Number, OneOf, check, check_kwargs
from .._progress import ProgressBar, ProgressCallback
from ..rank import fit as bt
from .ranking import PAIR_STRATEGIES, fit_strengths, plan

RANKING_CURVE_COLUMNS = ("strategy", "repeat", "n_labels", "kendall_tau", "rmse", "seconds")


@check_kwargs
def simulate_ranking(
    strengths: pd.Series | Mapping[Any, float],
    *,
    per_pair: int = 5,
    strategies: Sequence[str] = ("random", "information"),
    budget: int = 100,
    repeats: int = 3,
    seed: int = 0,
    batch_size: int = 10,
    initial: int = 10,
    tie: float = 0.3,
    prior: float = 1.0,
    progress: bool | ProgressCallback = True,
) -> pd.DataFrame:
    """Replay active ranking against known strengths and record how well each strategy learns.

    **Protocol.** The pool holds ``per_pair`` match-ups of every pair of contenders. Each
    repeat draws the outcome of every match-up once from Davidson's Bradley–Terry model with the
    true ``strengths`` (log-strengths) and tie parameter ``tie``, so every strategy of a repeat
    meets the same outcomes. The same ``initial`` random match-ups start every strategy; then,
    until ``budget`` answers, the strengths are fitted (prior of precision ``prior``), compared
    with the truth, and the ``batch_size`` match-ups the strategy scores highest are answered.

    Parameters
    ----------
    strengths : pandas.Series or dict
        The true log-strength of each contender (two or more).
    per_pair : int, default 5
        Match-ups per pair of contenders in the pool.
    strategies : list of str, default ("random", "information")
        Strategies to compare, of ``"information"``, ``"uncertainty"``, ``"random"`` (see
        :func:`~nblabel.learn.ranking.pair_scores`; each batch is planned as
        :func:`~nblabel.learn.ranking.plan` does).
    budget, repeats, seed, batch_size, initial
        As in :func:`~nblabel.learn.simulate`.
    tie : float, default 0.3
        Davidson's tie parameter of the simulated outcomes (0: no ties).
    prior : float, default 1.0
        Precision of the fit's Gaussian prior on the log-strengths.
    progress : bool or callable, default True
        Show progress, or a function ``f(done, total)``.

    Returns
    -------
    pandas.DataFrame
        One row per retrain: ``strategy``, ``repeat``, ``n_labels`` (answered match-ups),
        ``kendall_tau`` (rank correlation of the fitted and the true strengths; 1 = the order
        is right), ``rmse`` (of the centred log-strengths) and ``seconds``.

    Examples
    --------
    >>> curves = simulate_ranking({"a": 1.0, "b": 0.5, "c": 0.0, "d": -1.5}, budget=30,
    ...                           repeats=1, progress=False)
    >>> sorted(curves["strategy"].unique())
    ['information', 'random']
    """
    truth = pd.Series(strengths, dtype=float)
    if len(truth) < 2 or not np.isfinite(truth.to_numpy()).all():
        raise ValueError("strengths= needs finite log-strengths of two or more contenders.")
    named = [OneOf(PAIR_STRATEGIES)("strategy", s) for s in strategies]
    if not named or len(set(named)) != len(named):
        raise ValueError(f"strategies= needs distinct strategies of {list(PAIR_STRATEGIES)}.")
    per_pair = Integer(low=1)("per_pair", per_pair)
    budget = Integer(low=1)("budget", budget)
    repeats = Integer(low=1)("repeats", repeats)
    seed = Integer(low=0)("seed", seed)
    batch_size = check("batch_size", batch_size)
    initial = Integer(low=1)("initial", initial)
    tie = Number(0)("tie", tie)
    prior = Number(0, low_open=True, what="a number > 0")("prior", prior)
    pairs = np.array(list(combinations(range(len(truth)), 2)) * per_pair, dtype=np.intp)
    if initial > budget or budget > len(pairs):
        raise ValueError(
            f"need initial <= budget <= the {len(pairs)} match-ups in the pool; got "
            f"initial={initial}, budget={budget}."
        )
    beta = truth.to_numpy() - truth.mean()
    rounds = 1 + math.ceil((budget - initial) / batch_size)
    rows: list[tuple[Any, ...]] = []
    with ProgressBar(progress, repeats * len(named) * rounds, "simulate", "fit") as step:
        for repeat in range(repeats):
            outcomes = _outcomes(pairs, beta, tie, np.random.default_rng([seed, repeat]))
            start = np.random.default_rng([seed, repeat, 1]).choice(len(pairs), initial,
                                                                    replace=False)
            for index, strategy in enumerate(named):
                rng = np.random.default_rng([seed, repeat, 2, index])
                for row in _run(pairs, outcomes, beta, strategy, start, budget, batch_size,
                                prior, rng):
                    rows.append((strategy, repeat, *row))
                    step()
    return pd.DataFrame(rows, columns=list(RANKING_CURVE_COLUMNS))


def _outcomes(pairs: np.ndarray, beta: np.ndarray, tie: float, rng: np.random.Generator
              ) -> np.ndarray:
    """Return ``(winner, loser, tie)`` per match-up, drawn from Davidson's model."""
    rows = np.empty((len(pairs), 3), dtype=np.intp)
    for k, (a, b) in enumerate(pairs):
        p_a, p_tie, _ = bt.probabilities(beta[a], beta[b], tie, "davidson")
        u = rng.random()
        if u < p_a:
            rows[k] = (a, b, 0)
        elif u < p_a + p_tie:
            rows[k] = (a, b, 1)
        else:
            rows[k] = (b, a, 0)
    return rows


def _run(
    pairs: np.ndarray, outcomes: np.ndarray, beta: np.ndarray, strategy: str,
    start: np.ndarray, budget: int, batch_size: int, prior: float, rng: np.random.Generator,
) -> Any:
    """Yield ``(n_labels, kendall_tau, rmse, seconds)`` after each retrain of one run."""
    labeled = np.asarray(start, dtype=np.intp)
    while True:
        began = time.perf_counter()
        fitted = fit_strengths(outcomes[labeled], len(beta), prior)
        tau = float(kendalltau(fitted.beta, beta).statistic)
        rmse = float(np.sqrt(np.mean((fitted.beta - beta) ** 2)))
        n_labels = len(labeled)
        if n_labels < budget:
            pool = np.setdiff1d(np.arange(len(pairs)), labeled)
            take = min(batch_size, budget - n_labels)
            order, _ = plan(fitted, pairs[pool, :1], pairs[pool, 1:], strategy, take, rng)
            labeled = np.concatenate([labeled, pool[order[:take]]])
        yield n_labels, tau, rmse, time.perf_counter() - began
        if n_labels >= budget:
            return
