"""Preference data from rankings: pairwise table, training export, strengths and position bias.

Rankings (lists of groups of option keys, best first; a group of several is a tie) become
pairwise preferences with :func:`preferences`; :func:`training_pairs` turns them into the
``prompt`` / ``chosen`` / ``rejected`` rows preference-training libraries read (TRL's DPO and
reward trainers, for instance); :func:`bradley_terry` estimates how strong each option is
(e.g. which model's answers win) with ties modelled; :func:`position_bias` checks whether the
option shown first (on the left) wins more often than it should; :func:`ratings` lists the
per-option ratings.

Every function takes a project's event table (``proj.annotations``: each annotator's current
answer per item is their latest event, if it is a ``label``) or any table with ``item``,
``annotator`` and ``value`` columns (one answer per row) and, for the details a ranking view
records, a ``meta`` column. Functions that work on pairs also take the output of
:func:`preferences`.

Examples
--------
>>> import pandas as pd
>>> from nblabel import rank
>>> answers = pd.DataFrame({
...     "item": [0, 0, 1],
...     "annotator": ["ana", "ben", "ana"],
...     "value": [[["a"], ["b"]], [["a", "b"]], [["b"], ["a"]]],
... })
>>> rank.preferences(answers)[["item", "annotator", "chosen", "rejected", "tie"]]
   item annotator chosen rejected    tie
0     0       ana      a        b  False
1     0       ben      a        b   True
2     1       ana      b        a  False
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _bradley_terry as bt
from ._payload import display_text
from ._checks import check_kwargs

if TYPE_CHECKING:
    from .project import Project

__all__ = [
    "BradleyTerry",
    "bradley_terry",
    "position_bias",
    "preferences",
    "ratings",
    "training_pairs",
]

#: Columns of :func:`preferences`.
PAIR_COLUMNS = (
    "item",
    "annotator",
    "chosen",
    "rejected",
    "tie",
    "all_bad",
    "chosen_position",
    "rejected_position",
)
_HOW = ("each", "majority")


# -- reading answers ---------------------------------------------------------------------------
def _current_answers(answers: Any) -> pd.DataFrame:
    """Each annotator's current ranking per item: columns item, annotator, value, meta."""
    if not isinstance(answers, pd.DataFrame):
        raise TypeError(
            "expected a pandas DataFrame of answers (e.g. proj.annotations, or columns item, "
            f"annotator, value), got {type(answers).__name__}."
        )
    missing = [name for name in ("item", "annotator", "value") if name not in answers.columns]
    if missing:
        raise ValueError(
            f"the answers table has no column(s) {missing} (columns: {list(answers.columns)}); "
            "pass proj.annotations or a table with columns item, annotator and value."
        )
    frame = answers
    if "event" in frame.columns:
        if "event_id" in frame.columns:
            frame = frame.iloc[np.argsort(frame["event_id"].to_numpy(), kind="stable")]
        frame = frame.drop_duplicates(["item", "annotator"], keep="last")
        frame = frame[(frame["event"] == "label").to_numpy()]
    else:
        repeated = frame.duplicated(["item", "annotator"])
        if repeated.any():
            first = frame[repeated].iloc[0]
            raise ValueError(
                f"item {_plain(first['item'])!r} has several answers by {first['annotator']!r}; "
                "keep one "
                "per annotator (e.g. df.drop_duplicates(['item', 'annotator'], keep='last')), or "
                "pass a project's event log (with its 'event' column) as is."
            )
    meta = frame["meta"] if "meta" in frame.columns else pd.Series(None, index=frame.index)
    return pd.DataFrame(
        {
            "item": frame["item"].to_numpy(),
            "annotator": frame["annotator"].to_numpy(),
            "value": frame["value"].to_numpy(),
            "meta": meta.to_numpy(),
        }
    )


def _groups(value: Any) -> list[list[Hashable]]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
        raise ValueError(
            f"{value!r} is not a ranking: rankings are lists of groups of option keys, best "
            "first, e.g. [['a'], ['b', 'c']]."
        )
    groups = []
    for group in value:
        if (
            isinstance(group, (str, bytes, Mapping))
            or not isinstance(group, (list, tuple))
            or not group
        ):
            raise ValueError(
                f"the ranking {value!r} is not a list of non-empty groups of option keys, e.g. "
                "[['a'], ['b', 'c']]."
            )
        groups.append(list(group))
    flat = [key for group in groups for key in group]
    if len(set(flat)) != len(flat):
        raise ValueError(f"the ranking {value!r} lists an option twice; each option appears once.")
    return groups


def _meta(meta: Any) -> Mapping[str, Any]:
    return meta if isinstance(meta, Mapping) else {}


def _as_pairs(data: Any) -> pd.DataFrame:
    """Return ``data`` if it is a pairwise table, else its :func:`preferences`."""
    if isinstance(data, pd.DataFrame) and {"chosen", "rejected", "tie"} <= set(data.columns):
        return data
    return preferences(data)


# -- pairwise preferences ---------------------------------------------------------------------
def preferences(answers: pd.DataFrame) -> pd.DataFrame:
    """Return every annotator's preference on every pair of options of every item.

    A ranking of ``k`` options gives ``k (k - 1) / 2`` pairs: the better-ranked option is
    ``chosen``, the other ``rejected``; for two options in one group (a tie) ``tie`` is True and
    ``chosen`` / ``rejected`` are just the pair in the group's order.

    Parameters
    ----------
    answers : pandas.DataFrame
        ``proj.annotations``, or a table with ``item``, ``annotator``, ``value`` (rankings) and
        optionally ``meta`` (the details the ranking view records) columns.

    Returns
    -------
    pandas.DataFrame
        One row per (answer, pair of options), in answer order, with the columns ``item``,
        ``annotator``, ``chosen``, ``rejected``, ``tie`` (bool), ``all_bad`` (bool: the
        annotator judged every option bad, "both bad" in the A/B view), ``chosen_position``
        and ``rejected_position`` (where each was shown: 1 = left or top; ``<NA>`` if the order
        shown was not recorded, e.g. for answers added from code).

    Examples
    --------
    >>> from nblabel import rank
    >>> pairs = rank.preferences(proj.annotations)  # doctest: +SKIP
    >>> pairs[~pairs["tie"]].groupby("chosen").size()  # wins per option  # doctest: +SKIP
    """
    current = _current_answers(answers)
    rows: dict[str, list[Any]] = {name: [] for name in PAIR_COLUMNS}
    for item, annotator, value, meta in current.itertuples(index=False):
        groups = _groups(value)
        details = _meta(meta)
        shown = details.get("shown")
        position = {key: i + 1 for i, key in enumerate(shown)} if shown else {}
        all_bad = bool(details.get("all_bad", False))
        pairs = [
            (better, worse, False)
            for g, group in enumerate(groups)
            for later in groups[g + 1 :]
            for better in group
            for worse in later
        ]
        pairs += [
            (group[a], group[b], True)
            for group in groups
            for a in range(len(group))
            for b in range(a + 1, len(group))
        ]
        for chosen, rejected, tie in pairs:
            rows["item"].append(item)
            rows["annotator"].append(annotator)
            rows["chosen"].append(chosen)
            rows["rejected"].append(rejected)
            rows["tie"].append(tie)
            rows["all_bad"].append(all_bad)
            rows["chosen_position"].append(position.get(chosen))
            rows["rejected_position"].append(position.get(rejected))
    table = pd.DataFrame(
        {
            "item": pd.Series(
                rows["item"], dtype=current["item"].dtype if len(rows["item"]) else object
            ),
            "annotator": pd.Series(rows["annotator"], dtype=object),
            "chosen": pd.Series(rows["chosen"], dtype=object),
            "rejected": pd.Series(rows["rejected"], dtype=object),
            "tie": pd.Series(rows["tie"], dtype=bool),
            "all_bad": pd.Series(rows["all_bad"], dtype=bool),
            "chosen_position": pd.array(rows["chosen_position"], dtype="Int64"),
            "rejected_position": pd.array(rows["rejected_position"], dtype="Int64"),
        }
    )
    return table


def ratings(answers: pd.DataFrame) -> pd.DataFrame:
    """Return the per-option ratings recorded with the current answers.

    Parameters
    ----------
    answers : pandas.DataFrame
        ``proj.annotations`` (or a table with ``item``, ``annotator``, ``value`` and ``meta``).

    Returns
    -------
    pandas.DataFrame
        One row per rated option: ``item``, ``annotator``, ``option``, ``rating``.

    Examples
    --------
    >>> from nblabel import rank
    >>> rank.ratings(proj.annotations).groupby("option")["rating"].mean()  # doctest: +SKIP
    """
    current = _current_answers(answers)
    rows = [
        (item, annotator, option, level)
        for item, annotator, _value, meta in current.itertuples(index=False)
        for option, level in (_meta(meta).get("ratings") or {}).items()
    ]
    return pd.DataFrame(rows, columns=["item", "annotator", "option", "rating"])


@check_kwargs
def training_pairs(
    answers: pd.DataFrame,
    df: pd.DataFrame,
    prompt: str | None = None,
    *,
    how: str = "each",
    details: bool = False,
) -> pd.DataFrame:
    """Return the strict preferences as ``prompt`` / ``chosen`` / ``rejected`` texts.

    This is the shape preference-training libraries read (e.g. TRL's ``DPOTrainer`` and
    ``RewardTrainer``: ``datasets.Dataset.from_pandas(pairs)``). Ties (including "all bad"
    answers) say nothing about which text to prefer and are left out, as are pairs whose
    prompt or texts are missing.

    Parameters
    ----------
    answers : pandas.DataFrame
        ``proj.annotations`` (or a table with ``item``, ``annotator`` and ``value`` columns).
    df : pandas.DataFrame
        The items: indexed by item, with one column per option (the option keys) holding its
        text.
    prompt : str, optional
        Column of ``df`` holding the prompt; without it the ``prompt`` column is empty text.
    how : {"each", "majority"}, default "each"
        ``"each"``: one row per annotator's preference. ``"majority"``: one row per item and
        pair of options that more annotators decided one way than the other (ties count for
        neither side; pairs without a majority are left out).
    details : bool, default False
        Also return ``item``, ``chosen_option`` and ``rejected_option``, and ``annotator``
        (``how="each"``) or ``votes`` (``how="majority"``: annotators for, against).

    Returns
    -------
    pandas.DataFrame
        Columns ``prompt``, ``chosen``, ``rejected`` (strings), then the details if asked.

    Examples
    --------
    >>> from nblabel import rank
    >>> pairs = rank.training_pairs(proj.annotations, df, prompt="question")  # doctest: +SKIP
    >>> pairs.to_json("preferences.jsonl", orient="records", lines=True)  # doctest: +SKIP
    """
    if how not in _HOW:
        raise ValueError(f"how={how!r} is not supported; use one of {list(_HOW)}.")
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be the items' DataFrame, got {type(df).__name__}.")
    if prompt is not None and prompt not in df.columns:
        raise ValueError(f"prompt={prompt!r} is not a column of df; columns: {list(df.columns)}.")
    pairs = preferences(answers)
    pairs = pairs[~pairs["tie"].to_numpy()]
    if how == "majority":
        pairs = _majority(pairs)
    options = sorted(set(pairs["chosen"]) | set(pairs["rejected"]), key=str)
    unknown = [option for option in options if option not in df.columns]
    if unknown:
        raise ValueError(
            f"options {unknown} are not columns of df; df must hold one column of texts per "
            "option (the task's options)."
        )
    positions = df.index.get_indexer(pairs["item"])
    if (positions < 0).any():
        item = pairs["item"].to_numpy()[np.flatnonzero(positions < 0)[0]]
        raise ValueError(
            f"item {item!r} of the answers is not in df's index; pass the project's df."
        )
    texts = {option: df[option].to_numpy(dtype=object) for option in options}
    prompts = df[prompt].to_numpy(dtype=object) if prompt is not None else None
    rows = []
    for at, (_, row) in zip(positions, pairs.iterrows(), strict=True):
        question = display_text(prompts[at]) if prompts is not None else ""
        chosen = display_text(texts[row["chosen"]][at])
        rejected = display_text(texts[row["rejected"]][at])
        if question is None or chosen is None or rejected is None:
            continue
        record = {"prompt": question, "chosen": chosen, "rejected": rejected}
        if details:
            record["item"] = row["item"]
            if how == "each":
                record["annotator"] = row["annotator"]
            else:
                record["votes"] = row["votes"]
            record["chosen_option"] = row["chosen"]
            record["rejected_option"] = row["rejected"]
        rows.append(record)
    columns = ["prompt", "chosen", "rejected"]
    if details:
        who = "annotator" if how == "each" else "votes"
        columns += ["item", who, "chosen_option", "rejected_option"]
    return pd.DataFrame(rows, columns=columns)


def _majority(pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per item and option pair decided one way by more annotators than the other."""
    rows = []
    keys = zip(pairs["item"], pairs["chosen"], pairs["rejected"], strict=True)
    votes: dict[tuple[Any, Any, Any], list[int]] = {}
    for item, chosen, rejected in keys:
        first, second = sorted((chosen, rejected), key=str)
        tally = votes.setdefault((item, first, second), [0, 0])
        tally[0 if chosen == first else 1] += 1
    for (item, first, second), (for_first, for_second) in votes.items():
        if for_first == for_second:
            continue
        chosen, rejected = (first, second) if for_first > for_second else (second, first)
        rows.append(
            (item, chosen, rejected, (max(for_first, for_second), min(for_first, for_second)))
        )
    return pd.DataFrame(rows, columns=["item", "chosen", "rejected", "votes"])


# -- position bias ------------------------------------------------------------------------------
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

    _check_ci(ci)
    pairs = _as_pairs(data)
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


# -- Bradley–Terry ------------------------------------------------------------------------------
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
        return self.strengths.style.set_caption(caption).format(precision=3).to_html()


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
    _check_ci(ci)
    if isinstance(prior, bool) or not isinstance(prior, (int, float)) or not prior >= 0:
        raise ValueError(
            f"prior must be a number >= 0 (0 = plain maximum likelihood), got {prior!r}."
        )
    pairs = _as_pairs(data)
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
            names = [_plain(options[p]) for p in players]
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
    fitted = bt.fit(counts, ties, float(prior))
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


# -- projects -------------------------------------------------------------------------------------
def for_project(project: Project, *, training: bool = False, how: str = "each") -> pd.DataFrame:
    """Return a ranking project's pairwise table, or its training pairs (``training=True``).

    Only the annotators' own answers count, as in agreement and consensus: a reviewer's
    adjudications and model answers would otherwise weigh as extra annotators.
    """
    from .tasks import Rank

    if not isinstance(project.task, Rank):
        raise TypeError(
            f"preferences() reads rankings; this project's task is {project.task!r}. Use a "
            "nl.Rank(...) task."
        )
    if not isinstance(training, bool):
        raise TypeError(f"training must be True or False, got {training!r}.")
    if not training:
        if how != "each":
            raise ValueError(
                "how= chooses how training pairs combine annotators; pass training=True."
            )
        return preferences(project._counted())
    return training_pairs(project._counted(), project.df, project.task.prompt, how=how)


def _check_ci(ci: Any) -> None:
    if isinstance(ci, bool) or not isinstance(ci, (int, float)) or not 0 < ci < 1:
        raise ValueError(f"ci must be a confidence level between 0 and 1, e.g. 0.95, got {ci!r}.")


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value
