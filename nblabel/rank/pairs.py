"""Pairwise preferences from rankings, and the per-option ratings recorded with them.

A ranking of ``k`` options (a list of groups of option keys, best first; a group of several is a
tie) says which option is preferred for each of its ``k (k - 1) / 2`` pairs of options.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..agreement.data import plain

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
                f"item {plain(first['item'])!r} has several answers by {first['annotator']!r}; "
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


def as_pairs(data: Any) -> pd.DataFrame:
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
