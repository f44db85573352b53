"""Query strategies: which unlabeled items a model most wants labeled next.

A strategy turns ``predict_proba`` output into one score per item (higher = ask first).
:func:`rank_pool` sorts the pool by that score with ties broken at random, so ranking a pool of
a million items costs one permutation and one sort. Batch strategies (:class:`Diverse`) also
choose the first ``batch_size`` items together, so a batch is not ten near-copies of one item.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy.special import entr, rel_entr
from sklearn.metrics import pairwise_distances, pairwise_distances_argmin_min

from .._checks import Integer, OneOf, check
from .features import check_estimator

_COMMITTEE_MEASURES = ("vote_entropy", "kl")


class Strategy:
    """Base class of query strategies: :meth:`score` maps probabilities to priorities.

    Subclasses set ``name`` and implement :meth:`score`. A plain function
    ``f(proba) -> scores`` works wherever a strategy is accepted.
    """

    name: str = ""
    #: Whether :meth:`score` takes the stacked probabilities of a committee of models.
    committee: bool = False
    #: Whether each row's score depends on that row alone. A large pool is then scored chunk by
    #: chunk as the model predicts it, in memory that does not grow with the pool; otherwise
    #: (the default for strategies of your own) the whole pool's probabilities are scored at once.
    rowwise: bool = False

    def score(self, proba: np.ndarray) -> np.ndarray:
        """Return one score per row of ``proba`` (n_items × n_classes); higher = ask first."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Random(Strategy):
    """Random sampling: every item scores 0, so the order is the random tie-break.

    Examples
    --------
    >>> Random().score(np.array([[0.9, 0.1], [0.5, 0.5]])).tolist()
    [0.0, 0.0]
    """

    name = "random"
    rowwise = True

    def score(self, proba: np.ndarray) -> np.ndarray:
        """Return zeros: no item is preferred."""
        return np.zeros(proba.shape[0])


class LeastConfident(Strategy):
    """Least-confidence sampling: ``1 - max_k p_k``.

    Examples
    --------
    >>> LeastConfident().score(np.array([[0.9, 0.1], [0.5, 0.5]])).round(2).tolist()
    [0.1, 0.5]
    """

    name = "least_confident"
    rowwise = True

    def score(self, proba: np.ndarray) -> np.ndarray:
        """Return one minus the highest class probability."""
        return 1.0 - proba.max(axis=1)


class Margin(Strategy):
    """Margin sampling: ``1 - (p_first - p_second)``, the gap between the two likeliest classes.

    Examples
    --------
    >>> Margin().score(np.array([[0.7, 0.2, 0.1], [0.4, 0.4, 0.2]])).round(2).tolist()
    [0.5, 1.0]
    """

    name = "margin"
    rowwise = True

    def score(self, proba: np.ndarray) -> np.ndarray:
        """Return one minus the difference of the two highest class probabilities."""
        n_classes = proba.shape[1]
        if n_classes < 2:
            return np.zeros(proba.shape[0])
        top2 = np.partition(proba, n_classes - 2, axis=1)[:, -2:]
        return 1.0 - (top2[:, 1] - top2[:, 0])


class Entropy(Strategy):
    """Entropy sampling: ``-Σ_k p_k log p_k`` (natural log; 0 log 0 = 0).

    Examples
    --------
    >>> Entropy().score(np.array([[1.0, 0.0], [0.5, 0.5]])).round(3).tolist()
    [0.0, 0.693]
    """

    name = "entropy"
    rowwise = True

    def score(self, proba: np.ndarray) -> np.ndarray:
        """Return the entropy of each row's class distribution."""
        return _entropy(proba)


class Committee(Strategy):
    """Query by committee: ask where several models disagree most.

    The committee is ``members`` clones of the estimator, each fitted on a stratified bootstrap
    resample of the labeled items (each class resampled with replacement to its own size), or
    the given ``estimators``, each fitted on all labeled items. :meth:`score` takes their
    probabilities stacked as ``(n_members, n_items, n_classes)``.

    Parameters
    ----------
    members : int, default 5
        Size of the bootstrap committee (ignored when ``estimators`` is given).
    measure : {"vote_entropy", "kl"}, default "vote_entropy"
        ``"vote_entropy"``: entropy of the members' votes (each votes its argmax class);
        ``"kl"``: mean Kullback–Leibler divergence of each member's distribution from the
        committee's mean distribution (McCallum & Nigam, 1998).
    estimators : list of estimators, optional
        A committee of different models instead of bootstrap clones.

    Examples
    --------
    >>> votes = np.array([[[0.9, 0.1], [0.6, 0.4]], [[0.8, 0.2], [0.3, 0.7]]])
    >>> Committee().score(votes).round(3).tolist()
    [0.0, 0.693]
    """

    name = "committee"
    committee = True
    rowwise = True

    def __init__(
        self,
        members: int = 5,
        measure: str = "vote_entropy",
        estimators: Sequence[Any] | None = None,
    ) -> None:
        members = Integer(low=2)("members", members)
        measure = OneOf(_COMMITTEE_MEASURES)("measure", measure)
        if estimators is not None:
            estimators = list(estimators)
            if len(estimators) < 2:
                raise ValueError("estimators= needs at least two models to form a committee.")
            for i, estimator in enumerate(estimators):
                check_estimator(estimator, f"estimators[{i}]")
        self.members = members
        self.measure = measure
        self.estimators = estimators

    @property
    def size(self) -> int:
        """Number of models in the committee."""
        return len(self.estimators) if self.estimators is not None else self.members

    def score(self, proba: np.ndarray) -> np.ndarray:
        """Return the committee's disagreement per item from stacked member probabilities."""
        if proba.ndim != 3:
            raise ValueError(
                "the committee strategy scores the stacked probabilities of its members, shape "
                f"(n_members, n_items, n_classes); got shape {proba.shape}."
            )
        n_members, n_items, n_classes = proba.shape
        if self.measure == "kl":
            return rel_entr(proba, proba.mean(axis=0)).sum(axis=2).mean(axis=0)
        votes = proba.argmax(axis=2)  # members × items
        counts = np.zeros((n_items, n_classes))
        rows = np.arange(n_items)
        for member in votes:
            counts[rows, member] += 1
        return _entropy(counts / n_members)

    def __repr__(self) -> str:
        if self.estimators is not None:
            names = [type(e).__name__ for e in self.estimators]
            return f"Committee(estimators={names}, measure={self.measure!r})"
        return f"Committee(members={self.members}, measure={self.measure!r})"


class Diverse(Strategy):
    """A diversity-aware batch: the most uncertain items that are also far apart (k-center).

    Items are scored by ``base``; a batch of ``b`` items is then chosen among the
    ``pool_factor × b`` highest-scoring ones by greedy k-center selection: repeatedly take the
    candidate farthest (Euclidean, in the model's input space, e.g. TF-IDF vectors) from the
    labeled items and from the items already in the batch. The first pick, when nothing is
    labeled yet, is the highest-scoring candidate. Items after the batch follow ``base``'s order.

    Parameters
    ----------
    base : str or Strategy, default "entropy"
        The uncertainty score that picks the candidates.
    pool_factor : int, default 10
        Candidates per batch slot.

    Examples
    --------
    >>> Diverse("margin")
    Diverse(base='margin', pool_factor=10)
    """

    name = "diverse"

    def __init__(self, base: str | Strategy = "entropy", pool_factor: int = 10) -> None:
        base_strategy = get_strategy(base)
        if base_strategy.committee or isinstance(base_strategy, Diverse):
            raise ValueError(
                "Diverse needs a single-model uncertainty score as base= (e.g. 'entropy', "
                f"'margin'), got {base_strategy!r}."
            )
        pool_factor = Integer(low=1)("pool_factor", pool_factor)
        self.base = base_strategy
        self.pool_factor = pool_factor
        self.rowwise = base_strategy.rowwise

    def score(self, proba: np.ndarray) -> np.ndarray:
        """Return the base strategy's scores."""
        return self.base.score(proba)

    def select(
        self,
        order: np.ndarray,
        batch_size: int,
        embedding: Any,
        labeled: Any = None,
    ) -> np.ndarray:
        """Return ``batch_size`` positions chosen by greedy k-center among the top candidates.

        Parameters
        ----------
        order : numpy.ndarray
            Pool-local positions sorted by score (best first).
        batch_size : int
            Items to choose.
        embedding : array, sparse matrix or callable
            Rows of the model's input space for the pool (indexed by pool-local position), or a
            function returning those rows for an array of positions.
        labeled : array or sparse matrix, optional
            Rows of the labeled items, which the batch keeps away from.
        """
        candidates = order[: min(len(order), batch_size * self.pool_factor)]
        if batch_size >= len(candidates):
            return candidates
        rows = embedding(candidates) if callable(embedding) else embedding[candidates]
        if labeled is not None and labeled.shape[0] > 0:
            _, distance = pairwise_distances_argmin_min(rows, labeled)
            distance = distance.astype(float)
        else:
            distance = np.full(len(candidates), np.inf)
        chosen = np.empty(batch_size, dtype=np.intp)
        for slot in range(batch_size):
            pick = int(np.argmax(distance))
            chosen[slot] = pick
            new = pairwise_distances(rows, rows[pick : pick + 1]).ravel()
            distance = np.minimum(distance, new)
            distance[chosen[: slot + 1]] = -np.inf
        return candidates[chosen]

    def __repr__(self) -> str:
        return f"Diverse(base={self.base.name!r}, pool_factor={self.pool_factor})"


class FunctionStrategy(Strategy):
    """A user function ``f(proba) -> scores`` used as a strategy (higher = ask first)."""

    def __init__(self, function: Callable[[np.ndarray], Any]) -> None:
        self.function = function
        self.name = getattr(function, "__name__", type(function).__name__)

    def score(self, proba: np.ndarray) -> np.ndarray:
        """Return ``function(proba)`` as a float array."""
        return np.asarray(self.function(proba), dtype=float)

    def __repr__(self) -> str:
        return f"FunctionStrategy({self.name})"


STRATEGIES: dict[str, type[Strategy]] = {
    cls.name: cls for cls in (Random, LeastConfident, Margin, Entropy, Committee, Diverse)
}


def get_strategy(strategy: str | Strategy | Callable[[np.ndarray], Any]) -> Strategy:
    """Return the strategy named or given by ``strategy``.

    Parameters
    ----------
    strategy : str, Strategy or callable
        A name (``"random"``, ``"least_confident"``, ``"margin"``, ``"entropy"``,
        ``"committee"``, ``"diverse"``), a :class:`Strategy`, or a function
        ``f(proba) -> scores`` (higher = ask first).

    Examples
    --------
    >>> get_strategy("margin")
    Margin()
    """
    if isinstance(strategy, Strategy):
        return strategy
    if isinstance(strategy, str):
        if strategy not in STRATEGIES:
            raise ValueError(
                f"strategy={strategy!r} is not known; use one of {list(STRATEGIES)}, a Strategy "
                "object or a function f(proba) -> scores."
            )
        return STRATEGIES[strategy]()
    if isinstance(strategy, type) and issubclass(strategy, Strategy):
        return strategy()
    if callable(strategy):
        return FunctionStrategy(strategy)
    raise TypeError(
        f"strategy must be a name (one of {list(STRATEGIES)}), a Strategy or a function "
        f"f(proba) -> scores; got {type(strategy).__name__}."
    )


def rank_pool(
    proba: np.ndarray,
    strategy: str | Strategy | Callable[[np.ndarray], Any] = "margin",
    *,
    batch_size: int = 1,
    seed: int | np.random.Generator | None = None,
    pool: np.ndarray | None = None,
    embedding: Any = None,
    labeled: Any = None,
) -> np.ndarray:
    """Return the pool in the order its items should be labeled.

    Items are sorted by the strategy's score, highest first; ties (e.g. every score of
    :class:`Random`) are broken at random. A batch strategy (:class:`Diverse`) chooses the first
    ``batch_size`` items together; the rest follow by score.

    Parameters
    ----------
    proba : numpy.ndarray
        ``predict_proba`` output for the pool, ``(n_items, n_classes)``; for
        :class:`Committee`, the members' outputs stacked, ``(n_members, n_items, n_classes)``
        (other strategies score the members' mean).
    strategy : str, Strategy or callable, default "margin"
        See :func:`get_strategy`.
    batch_size : int, default 1
        Items chosen together before the model is retrained.
    seed : int or numpy.random.Generator, optional
        Randomness of the tie-break.
    pool : numpy.ndarray, optional
        The pool's positions in the DataFrame (row ``i`` of ``proba`` is item ``pool[i]``);
        default ``0 … n_items - 1``.
    embedding : array, sparse matrix or callable, optional
        Model-space rows of the pool for :class:`Diverse` (see :meth:`Diverse.select`).
    labeled : array or sparse matrix, optional
        Model-space rows of the labeled items, for :class:`Diverse`.

    Returns
    -------
    numpy.ndarray
        Positions (``pool`` values), best first.

    Examples
    --------
    >>> proba = np.array([[0.9, 0.1], [0.5, 0.5], [0.7, 0.3]])
    >>> rank_pool(proba, "least_confident").tolist()
    [1, 2, 0]
    >>> rank_pool(proba, "margin", pool=np.array([10, 20, 30])).tolist()
    [20, 30, 10]
    """
    chosen = get_strategy(strategy)
    proba = check_proba(proba, committee=chosen.committee)
    n_items = proba.shape[-2]
    if pool is not None:
        pool = np.asarray(pool)
        if pool.shape != (n_items,):
            raise ValueError(
                f"pool= has {pool.shape} entries but proba has {n_items} rows; give one "
                "position per row."
            )
    scores = score_pool(proba, chosen)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    order = order_scores(
        scores, chosen, batch_size=batch_size, rng=rng, embedding=embedding, labeled=labeled
    )
    return order if pool is None else pool[order]


def score_pool(proba: np.ndarray, strategy: Strategy) -> np.ndarray:
    """Return ``strategy``'s finite score per item of ``proba`` (checked by :func:`check_proba`).

    A single-model strategy given a committee's stacked probabilities scores their mean.
    """
    n_items = proba.shape[-2]
    if proba.ndim == 3 and not strategy.committee:
        proba = proba.mean(axis=0)
    scores = np.asarray(strategy.score(proba), dtype=float)
    if scores.shape != (n_items,):
        raise ValueError(
            f"strategy {strategy.name!r} returned scores of shape {scores.shape}; it must "
            f"return one number per item ({n_items},)."
        )
    if not np.isfinite(scores).all():
        raise ValueError(
            f"strategy {strategy.name!r} returned NaN or infinite scores; return finite numbers "
            "(higher = ask first)."
        )
    return scores


def order_scores(
    scores: np.ndarray,
    strategy: Strategy,
    *,
    batch_size: int,
    rng: np.random.Generator,
    embedding: Any = None,
    labeled: Any = None,
) -> np.ndarray:
    """Return local positions by descending score, with a diverse first batch if asked."""
    batch_size = check("batch_size", batch_size)
    order = order_by_score(scores, rng)
    if isinstance(strategy, Diverse) and batch_size > 1 and len(scores) > 1:
        if embedding is None:
            raise ValueError(
                "the diverse strategy needs embedding= (the pool's rows in the model's input "
                "space) to measure how far apart items are."
            )
        batch = strategy.select(order, batch_size, embedding, labeled)
        rest = np.ones(len(scores), dtype=bool)
        rest[batch] = False
        order = np.concatenate([batch, order[rest[order]]])
    return order


def order_by_score(scores: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Return positions sorted by descending ``scores``, ties in random order.

    One unstable sort of the scores; only items that tie are then shuffled among themselves
    (in an order that does not depend on the sorting algorithm, so a seed gives the same
    result everywhere).
    """
    order = np.argsort(-scores)
    ranked = scores[order]
    same = ranked[1:] == ranked[:-1]
    if not same.any():
        return order
    if same.all():
        return rng.permutation(len(scores))
    run = np.cumsum(np.r_[True, ~same]) - 1
    tied = np.flatnonzero(np.r_[same, False] | np.r_[False, same])
    items, runs = order[tied], run[tied]
    canonical = np.lexsort((items, runs))
    items, runs = items[canonical], runs[canonical]
    order[tied] = items[np.argsort(runs + rng.random(len(items)), kind="stable")]
    return order


def check_proba(proba: Any, committee: bool = False) -> np.ndarray:
    """Return ``proba`` as a float array of the right shape, or raise saying what is wrong."""
    proba = np.asarray(proba, dtype=float)
    want = 3 if committee else (2, 3)
    if proba.ndim not in ((want,) if isinstance(want, int) else want):
        shape = "(n_members, n_items, n_classes)" if committee else "(n_items, n_classes)"
        raise ValueError(f"proba must have shape {shape}, got {proba.shape}.")
    if proba.shape[-1] < 1 or proba.shape[-2] < 1:
        raise ValueError(f"proba is empty (shape {proba.shape}); there is nothing to rank.")
    if not np.isfinite(proba).all():
        raise ValueError("proba contains NaN or infinite values; pass predict_proba output.")
    return proba


def _entropy(proba: np.ndarray) -> np.ndarray:
    return entr(proba).sum(axis=1)
