"""Span consensus: per item, the spans that more than half of its annotators marked.

The one rule by which nblabel settles span answers: :meth:`nblabel.Project.labels` with
``how="majority"``, :func:`majority_vote` on span answers, and every export of settled spans
(:func:`nblabel.io.to_conll`, :func:`nblabel.io.to_hf_dataset`) use it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .._checks import check_kwargs
from ..agreement.data import Answers, read_answers
from .elements import by_majority


@check_kwargs
def span_vote(
    df: pd.DataFrame,
    *,
    item: str | None = None,
    annotator: str | None = None,
    value: str | None = None,
) -> pd.DataFrame:
    """Return each item's consensus spans: those marked by more than half of its annotators.

    A span counts as the same when its ``start``, ``end`` and ``label`` are all equal; an
    annotator who answered the item with no spans counts toward the item's annotators, so a
    span two of four annotators marked is not kept (no majority), and exactly half never is.

    Parameters
    ----------
    df : pandas.DataFrame
        Span answers (lists of ``{"start", "end", "label"}``), tidy, a project's event log
        (each annotator's current answer counts) or wide.
    item, annotator, value : str, optional
        Column names of a tidy table.

    Returns
    -------
    pandas.DataFrame
        Indexed by item (in order of first appearance): ``value`` (the kept spans, sorted by
        start, end and label; an empty list when none has a majority), ``support`` (for each
        kept span, the share of the item's annotators who marked it) and ``n`` (the item's
        number of answers).

    Examples
    --------
    >>> ana = {"start": 0, "end": 3, "label": "PER"}
    >>> paris = {"start": 11, "end": 16, "label": "LOC"}
    >>> df = pd.DataFrame({"item": [1, 1, 1], "annotator": ["a", "b", "c"],
    ...                    "value": [[ana], [ana, paris], [paris, ana]]})
    >>> span_vote(df)["value"][1] == [ana, paris]
    True
    """
    answers = read_answers(df, item, annotator, value)
    return spans_by_majority(answers)


def spans_by_majority(answers: Answers) -> pd.DataFrame:
    """Return :func:`span_vote`'s table for answers already read."""
    return by_majority(
        answers, _spans, lambda key: {"start": key[0], "end": key[1], "label": key[2]}
    )


def _spans(spans: Any, at: int) -> list[tuple[int, int, str]]:
    if not isinstance(spans, list | tuple):
        raise ValueError(
            f"answer {at} ({spans!r}) is not a list of spans; span_vote settles span "
            "answers (lists of {'start', 'end', 'label'})."
        )
    return [_key(span, at) for span in spans]


def _key(span: Any, at: int) -> tuple[int, int, str]:
    try:
        return int(span["start"]), int(span["end"]), span["label"]
    except (KeyError, TypeError, ValueError):
        raise ValueError(
            f"answer {at} holds {span!r}, which is not a span {{'start', 'end', 'label'}}."
        ) from None
