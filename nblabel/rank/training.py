"""Preference-training data: strict preferences as ``prompt`` / ``chosen`` / ``rejected`` texts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._checks import check, check_kwargs
from .._payload import display_text
from ..tasks import Rank
from .pairs import preferences

_HOW = ("each", "majority")


def project_preferences(
    events: pd.DataFrame, task: Any, df: pd.DataFrame, *, training: bool, how: str
) -> pd.DataFrame:
    """Return a ranking project's pairwise table, or its training pairs (``training=True``).

    ``events`` are the answers that count (the annotators' own: a reviewer's adjudications and
    model answers would otherwise weigh as extra annotators); :meth:`nblabel.Project.preferences`
    passes them.
    """
    if not isinstance(task, Rank):
        raise TypeError(
            f"preferences() reads rankings; this project's task is {task!r}. Use a "
            "nl.Rank(...) task."
        )
    if not check("training", training):
        if how != "each":
            raise ValueError(
                "how= chooses how training pairs combine annotators; pass training=True."
            )
        return preferences(events)
    return training_pairs(events, df, task.prompt, how=how)


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
