"""Settling labels: from everyone's current answers to one label per item.

``latest`` takes the most recent answer; ``majority`` and ``dawid_skene`` combine the annotators
(:mod:`nblabel.consensus`); in every case a reviewer's decision settles its item
(:func:`nblabel.ledger.decision`). :meth:`nblabel.Project.labels` passes a project's data.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from . import consensus
from .ledger import CurrentAnswers, decision

#: The ways :meth:`nblabel.Project.labels` settles an item.
HOW = ("latest", "majority", "dawid_skene")


def counted(answers: pd.DataFrame, counts: Callable[[str], bool]) -> pd.DataFrame:
    """Return the rows of ``answers`` whose annotator counts (``counts(annotator)``).

    An annotator who has not (yet) passed a qualification round does not count; see
    :meth:`nblabel.Project.qualified`.
    """
    keep = [annotator for annotator in answers["annotator"].unique() if counts(annotator)]
    if len(keep) < answers["annotator"].nunique():
        answers = answers[answers["annotator"].isin(keep)]
    return answers.reset_index(drop=True)


def latest_labels(current: pd.DataFrame, index: pd.Index, name: str) -> pd.Series:
    """Return each item's most recent current label, aligned to ``index`` (NaN where none).

    ``current`` holds current answers with their row ``position`` (``EventLog.current``).
    """
    current = current[(current["event"] == "label") & (current["position"] >= 0)]
    latest = current.sort_values("event_id").drop_duplicates("position", keep="last")
    values = np.full(len(index), np.nan, dtype=object)
    values[latest["position"].to_numpy()] = latest["value"].to_numpy()
    return pd.Series(values, index=index, name=name, dtype=object)


def consensus_labels(
    votes: pd.DataFrame, answers: CurrentAnswers, index: pd.Index, how: str, name: str,
    *, spans: bool = False,
) -> pd.Series:
    """Return the consensus label per item (``how``: majority or dawid_skene); decisions win.

    ``votes`` are the annotators' events that count (reduced to current answers by
    :mod:`nblabel.consensus`); ``answers`` gives each item's reviewer decisions. ``spans``:
    the answers are spans, settled span by span (:func:`nblabel.consensus.span_vote`).
    """
    if spans and how != "majority":
        raise ValueError(
            f"how={how!r} settles single labels; span answers are settled with how='majority' "
            "(each span more than half of an item's annotators marked) or how='latest'."
        )
    settled = np.full(len(index), np.nan, dtype=object)
    if (votes["event"] == "label").any():
        if spans:
            table = consensus.span_vote(votes)
        elif how == "majority":
            table = consensus.majority_vote(votes)
        else:
            table = consensus.dawid_skene(votes, seed=0).labels
        values = table["value"].reindex(index).to_numpy()
        known = pd.notna(values)
        settled[known] = values[known]
    labels = pd.Series(settled, index=index, name=name, dtype=object)
    for pos, item_answers in answers.items():
        decided = decision(item_answers)
        if decided is not None:
            labels.iloc[pos] = decided.value
    return labels
