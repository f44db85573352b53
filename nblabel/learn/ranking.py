"""Preferences in the loop: ask next about the comparisons the Bradley–Terry fit is least sure of.

A ranking project whose rows are match-ups (each option column holds one contender's candidate,
and a column per option names that contender, e.g. the model that wrote it) learns the
contenders' strengths from the answers with the Bradley–Terry model (Davidson ties and a mild
Gaussian prior, :mod:`nblabel.rank.fit`). The uncertainty of the fit decides which match-up to
show next (active ranking): the one whose outcome would teach the fit most.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold

from .._checks import Number, OneOf, check_kwargs
from .._items import check_frame
from ..rank import fit as bt
from ..tasks import Rank
from .learner import check_cv
from .state import LearnerState, cold_state, frozen, label_array
from .strategies import order_by_score
from .worker import BackgroundLearner

#: How a pair of contenders is scored (higher = compare first).
PAIR_STRATEGIES = ("information", "uncertainty", "random")
#: The learning curve of a preference model: held-out accuracy of predicted winners.
PAIR_HISTORY = ("version", "n_labels", "accuracy", "folds", "note", "fit_seconds", "trained_at")


@dataclass(frozen=True)
class Strengths:
    """A Bradley–Terry fit: log-strength and covariance per contender, and the tie parameter."""

    beta: np.ndarray
    cov: np.ndarray
    tie: float

    def win_probability(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Return the chance ``a`` beats ``b`` when they do not tie (contender codes)."""
        return 1.0 / (1.0 + np.exp(self.beta[b] - self.beta[a]))

    def difference_variance(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Return the variance of ``beta[a] - beta[b]`` under the fit."""
        return self.cov[a, a] + self.cov[b, b] - 2.0 * self.cov[a, b]


def fit_strengths(comparisons: np.ndarray, n_players: int, prior: float) -> Strengths:
    """Fit Davidson's Bradley–Terry model to ``(winner, loser, tie)`` rows of contender codes."""
    winner, loser = comparisons[:, 0], comparisons[:, 1]
    tie = comparisons[:, 2].astype(bool)
    counts = bt.count_outcomes(winner, loser, tie, n_players)
    fitted = bt.fit(counts, "davidson", prior)
    return Strengths(fitted.beta, fitted.cov, fitted.tie)


def pair_scores(strengths: Strengths, a: np.ndarray, b: np.ndarray, strategy: str) -> np.ndarray:
    """Return how much comparing ``a`` with ``b`` is worth, per pair (higher = first).

    ``"uncertainty"``: the variance of the difference of their log-strengths (how unsure the
    fit is of which is stronger). ``"information"``: that variance times ``p (1 - p)``, ``p``
    the chance ``a`` wins: the expected shrinkage of the variance by one more comparison, which
    favours pairs that are both uncertain and evenly matched. ``"random"``: zeros.
    """
    if strategy == "random":
        return np.zeros(len(a))
    variance = strengths.difference_variance(a, b)
    if strategy == "uncertainty":
        return variance
    p = strengths.win_probability(a, b)
    return p * (1.0 - p) * variance


def plan(
    strengths: Strengths, a: np.ndarray, b: np.ndarray, strategy: str, count: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Return rows in the order to ask them, and each row's score before any is asked.

    ``a`` and ``b`` hold each row's pairs of contender codes, ``(n_rows, n_pairs)``; a row's
    score adds its pairs' (:func:`pair_scores`). The first ``count`` rows are chosen one at a
    time, each as if the ones before had been answered: the fit's covariance is updated with
    their expected information (``p (1 - p)`` per comparison, a rank-one update), so a batch
    does not ask the same uncertain pair again and again. The other rows follow by score.
    """
    scores = pair_scores(strengths, a.ravel(), b.ravel(), strategy).reshape(a.shape).sum(axis=1)
    if strategy == "random" or count < 2 or len(scores) < 2:
        return order_by_score(scores, rng), scores
    cov = strengths.cov.copy()
    weight = strengths.win_probability(a, b)
    weight = weight * (1.0 - weight)
    free = np.ones(len(scores), dtype=bool)
    chosen: list[int] = []
    current = scores
    for _ in range(min(count, len(scores))):
        best = np.flatnonzero(free & (current == current[free].max()))
        pick = int(rng.choice(best))
        chosen.append(pick)
        free[pick] = False
        for i, j, w in zip(a[pick], b[pick], weight[pick], strict=True):
            shift = cov[:, i] - cov[:, j]
            cov -= w * np.outer(shift, shift) / (1.0 + w * (shift[i] - shift[j]))
        variance = cov[a, a] + cov[b, b] - 2.0 * cov[a, b]
        current = (variance if strategy == "uncertainty" else weight * variance).sum(axis=1)
    rest = np.flatnonzero(free)
    return np.concatenate([chosen, rest[order_by_score(scores[rest], rng)]]), scores


def comparisons_of(ranking: Iterable[Iterable[int]]) -> list[tuple[int, int, bool]]:
    """Return ``(better, worse, tie)`` for every pair of a ranking of contender codes."""
    groups = [list(group) for group in ranking]
    rows = [
        (better, worse, False)
        for g, group in enumerate(groups)
        for later in groups[g + 1 :]
        for better in group
        for worse in later
    ]
    rows += [(a, b, True) for group in groups for a, b in combinations(group, 2)]
    return rows


@dataclass(frozen=True, eq=False)
class PairState(LearnerState):
    """A :class:`~nblabel.learn.LearnerState` of a preference model.

    ``proba`` is None; ``strengths`` is the Bradley–Terry table (one row per contender,
    strongest first: ``strength``, ``se``, ``comparisons``) and ``p_first`` the chance the
    first option's contender wins each row's match-up (when they do not tie). ``labels``
    holds each labeled row's ranking; ``accuracy`` is the cross-validated share of held-out
    strict preferences whose winner the fit predicts. The model makes no suggestions:
    pre-selecting a verdict would sway the judgments it learns from.
    """

    strengths: pd.DataFrame | None = None
    p_first: np.ndarray | None = None

    @property
    def has_model(self) -> bool:
        """Whether a fit is available."""
        return self.strengths is not None

    def offer(self, pos: int) -> dict[str, Any] | None:
        """Return None: preference views get no suggested verdict."""
        return None

    def predictions(self) -> pd.DataFrame:
        """Return one row per item: its ranking, the chance the first option wins, the score.

        Columns: ``label`` (the ranking trained with; None if unlabeled), ``p_first``,
        ``uncertainty`` (``1 - |2 p_first - 1|``) and ``score`` (the strategy's; NaN on
        labeled rows).
        """
        frame = pd.DataFrame(
            {"label": [None if v is None else [list(g) for g in v] for v in self.labels]},
            index=self.items,
        )
        frame["p_first"] = np.nan if self.p_first is None else self.p_first
        frame["uncertainty"] = 1.0 - np.abs(2.0 * frame["p_first"] - 1.0)
        frame["score"] = np.nan if self.scores is None else self.scores
        return frame


class PairLearner(BackgroundLearner):
    """Active ranking: a Bradley–Terry fit in the background that picks the next match-up.

    Each row of the DataFrame is a match-up: the task's option columns hold the candidates and
    ``players`` names, per option, the column saying whose candidate it is (a model, a
    prompt variant, a system). Answers (rankings of the options) become comparisons between
    those contenders; each retrain fits Davidson's Bradley–Terry model with ties and a Gaussian
    prior of precision ``prior`` (so strengths are finite from the first answer), scores every
    unlabeled row with the strategy and cross-validates. Works like
    :class:`~nblabel.learn.ActiveLearner` otherwise (background retraining, cold start until a
    strict preference is given, :attr:`history`, :meth:`next_items`).

    Parameters
    ----------
    df : pandas.DataFrame
        The match-ups, one per row.
    task : Rank
        The ranking task (its options are the columns compared).
    players : dict
        ``{option: column}``: for each option, the column of ``df`` naming its contender.
    strategy : {"information", "uncertainty", "random"}, default "information"
        How a match-up is scored, see :func:`pair_scores` (a row of more than two options
        adds the scores of its pairs). The next ``retrain_every`` rows are planned together
        (see :func:`plan`). In :func:`~nblabel.learn.simulate_ranking` with 16 contenders
        and a pool of 10 match-ups per pair, it orders them better than random pairs (Kendall
        τ over 300 answers); with 12 contenders and a pool nearly used up (200 of 264
        match-ups) it does no better.
    retrain_every : int, default 10
        Request a retrain after this many label changes.
    seed : int, optional
        Seed of the cold-start order, tie-breaks and CV folds.
    cv : int, default 5
        Folds of the cross-validation (0 turns it off).
    prior : float, default 1.0
        Precision of the Gaussian prior on the log-strengths.

    Examples
    --------
    >>> task = nl.Rank(["left", "right"])  # doctest: +SKIP
    >>> learner = PairLearner(df, task, players={"left": "left_model",
    ...                                          "right": "right_model"})  # doctest: +SKIP
    """

    history_columns = PAIR_HISTORY

    @check_kwargs
    def __init__(
        self,
        df: pd.DataFrame,
        task: Rank,
        *,
        players: Mapping[str, str],
        strategy: str = "information",
        retrain_every: int = 10,
        seed: int | None = None,
        cv: int = 5,
        prior: float = 1.0,
    ) -> None:
        check_frame(df)
        if not isinstance(task, Rank):
            raise TypeError(f"task must be an nl.Rank task, got {task!r}.")
        self.df, self.task = df, task
        self.players = _check_players(players, task, df)
        self.strategy = OneOf(PAIR_STRATEGIES)("strategy", strategy)
        self.cv = check_cv(cv)
        self.prior = Number(0, low_open=True, what="a number > 0")("prior", prior)
        names = pd.concat([df[self.players[o]] for o in task.options], ignore_index=True)
        codes, uniques = pd.factorize(names)
        if (codes < 0).any():
            raise ValueError("a players column has missing values; every option needs one.")
        self.contenders = tuple(uniques)
        self._codes = codes.reshape(len(task.options), len(df)).T  # row × option
        pairs = list(combinations(range(len(task.options)), 2))
        self._pair_a = np.array([i for i, _ in pairs], dtype=np.intp)
        self._pair_b = np.array([j for _, j in pairs], dtype=np.intp)
        self._start(df, retrain_every, seed)

    def __repr__(self) -> str:
        return (
            f"<nblabel.PairLearner {len(self.contenders)} contenders, strategy="
            f"{self.strategy!r}: {self.state.message}>"
        )

    def _check_label(self, label: Any) -> tuple[tuple[str, ...], ...] | None:
        if label is None or (isinstance(label, float) and label != label):
            return None
        return tuple(tuple(group) for group in self.task.validate(label))

    def _can_fit(self, labels: Iterable[Any]) -> bool:
        return any(len(ranking) > 1 for ranking in labels)

    def _cold_state(self, labels: dict[int, Any], previous: LearnerState | None) -> LearnerState:
        n = len(labels)
        message = (
            f"Cold start: {n} match-up{'s' if n != 1 else ''} answered, no preference yet. "
            "Match-ups come in random order until one option is preferred to another."
        )
        return cold_state(
            self._items, labels, self.task.options, 0, self._cold_order,
            0 if previous is None else previous.version, message, PairState,
        )

    def comparisons(self, positions: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Return the ``(winner, loser, tie)`` contender codes the rankings ``y`` give."""
        column = {option: k for k, option in enumerate(self.task.options)}
        rows = [
            comparison
            for pos, ranking in zip(positions, y, strict=True)
            for comparison in comparisons_of(
                [[self._codes[pos, column[o]] for o in group] for group in ranking]
            )
        ]
        return np.array(rows, dtype=np.intp).reshape(-1, 3)

    def _train(
        self, positions: np.ndarray, y: np.ndarray, previous: LearnerState, attempt: int
    ) -> LearnerState:
        started = time.perf_counter()
        rng = self._rng(attempt)
        fitted = fit_strengths(self.comparisons(positions, y), len(self.contenders), self.prior)
        labeled = np.zeros(len(self._items), dtype=bool)
        labeled[positions] = True
        pool = np.flatnonzero(~labeled)
        a, b = self._codes[pool][:, self._pair_a], self._codes[pool][:, self._pair_b]
        ranked, pool_scores = plan(fitted, a, b, self.strategy, self.retrain_every, rng)
        scores = np.full(len(self._items), np.nan)
        scores[pool] = pool_scores
        order = pool[ranked]
        accuracy, folds, note = self._cross_validate(positions, y)
        seconds = time.perf_counter() - started
        version = previous.version + 1
        table = pd.DataFrame(
            {"strength": fitted.beta, "se": np.sqrt(np.clip(np.diag(fitted.cov), 0, None))},
            index=pd.Index(list(self.contenders), name="contender"),
        ).sort_values("strength", ascending=False, kind="stable")
        quality = (
            f" (no cross-validated score: {note})." if note else
            f"; held-out winners predicted {accuracy:.0%} of the time."
        )
        return PairState(
            status="ready",
            message=(
                f"Model v{version} fitted on {len(y)} answered match-ups in {seconds:.1f} s; "
                f"strongest: {table.index[0]!r}{quality}"
            ),
            version=version,
            n_labels=len(y),
            classes=self.task.options,
            items=self._items,
            labels=frozen(label_array(len(self._items), positions, y)),
            proba=None,
            scores=frozen(scores),
            order=frozen(order),
            accuracy=accuracy,
            folds=folds,
            note=note,
            fit_seconds=seconds,
            trained_at=pd.Timestamp.now(tz="UTC"),
            strengths=table,
            p_first=frozen(fitted.win_probability(self._codes[:, 0], self._codes[:, 1])),
        )

    def _cross_validate(
        self, positions: np.ndarray, y: np.ndarray
    ) -> tuple[float, int, str | None]:
        """Return the held-out share of strict preferences whose winner the fit predicts."""
        if self.cv < 2:
            return np.nan, 0, "cross-validation is off (cv=0)"
        folds = min(self.cv, len(y) // 2)
        if folds < 2:
            return np.nan, 0, "cross-validation needs at least four answered match-ups"
        right = total = 0
        for train, test in KFold(folds, shuffle=True, random_state=self.seed).split(y):
            fitted = fit_strengths(self.comparisons(positions[train], y[train]),
                                   len(self.contenders), self.prior)
            held = self.comparisons(positions[test], y[test])
            strict = held[held[:, 2] == 0]
            right += int((fitted.beta[strict[:, 0]] > fitted.beta[strict[:, 1]]).sum())
            total += len(strict)
        if not total:
            return np.nan, 0, "no strict preference was held out"
        return right / total, folds, None


def _check_players(players: Any, task: Rank, df: pd.DataFrame) -> dict[str, str]:
    if not isinstance(players, Mapping) or set(players) != set(task.options):
        example = {option: f"{option}_model" for option in task.options}
        raise ValueError(
            f"players= maps each option to the column naming its contender, e.g. {example}; "
            f"got {players!r}."
        )
    missing = [column for column in players.values() if column not in df.columns]
    if missing:
        raise ValueError(f"players= names columns {missing} that df does not have.")
    return dict(players)
