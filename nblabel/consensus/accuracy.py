"""Each annotator's accuracy against known (gold) answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_kwargs
from ..agreement.data import CONTAINERS, read_answers
from ..agreement.values import value_kind


@check_kwargs
def annotator_accuracy(
    df: pd.DataFrame,
    gold: pd.Series | Mapping[Any, Any],
    *,
    item: str | None = None,
    annotator: str | None = None,
    value: str | None = None,
) -> pd.DataFrame:
    """Return each annotator's accuracy on the items with a known (gold) answer.

    Parameters
    ----------
    df : pandas.DataFrame
        Answers, tidy or wide. Multi-label answers are correct when the label sets are equal.
    gold : pandas.Series or dict
        The known answer per item (item → answer); items without one (or NaN) are ignored.
    item, annotator, value : str, optional
        Column names of a tidy table.

    Returns
    -------
    pandas.DataFrame
        Indexed by annotator: ``n`` (gold items answered), ``correct`` and ``accuracy``
        (``correct / n``; NaN for an annotator who answered no gold item).

    Examples
    --------
    >>> df = pd.DataFrame({"item": [1, 1, 2, 2], "annotator": ["ana", "ben"] * 2,
    ...                    "value": ["pos", "neg", "neg", "neg"]})
    >>> annotator_accuracy(df, {1: "pos", 2: "neg"})  # doctest: +NORMALIZE_WHITESPACE
               n  correct  accuracy
    annotator
    ana        2        2       1.0
    ben        2        1       0.5
    """
    if isinstance(gold, Mapping):
        gold = pd.Series(dict(gold), dtype=object)
    if not isinstance(gold, pd.Series):
        raise TypeError(
            f"gold= must be a pandas Series or a dict (item → answer), got {type(gold).__name__}."
        )
    if not gold.index.is_unique:
        raise ValueError("gold= has several answers for one item; give one answer per item.")
    answers = read_answers(df, item, annotator, value)
    kind = value_kind(answers.value)
    if kind not in ("label", "set"):
        raise ValueError(
            f"annotator_accuracy compares labels or label sets, but the answers are {kind}."
        )
    known = gold[gold.notna().to_numpy()]
    at = pd.Index(known.index).get_indexer(answers.items)
    if (at < 0).all():
        raise ValueError(
            f"none of the answered items has a gold answer: gold items look like "
            f"{known.index[:3].tolist()}, answered items like {answers.items[:3].tolist()}. Index "
            "gold by the same item values (and type)."
        )
    graded = at[answers.item] >= 0
    given = answers.value.to_numpy()[graded]
    expected = known.to_numpy()[at[answers.item[graded]]]
    correct = _same(given, expected, kind == "set")
    who = answers.annotator[graded]
    n_annotators = len(answers.annotators)
    n = np.bincount(who, minlength=n_annotators)
    hits = np.bincount(who, correct, minlength=n_annotators).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        accuracy = np.where(n > 0, hits / np.maximum(n, 1), np.nan)
    return pd.DataFrame(
        {"n": n.astype(np.int64), "correct": hits, "accuracy": accuracy},
        index=answers.annotators,
    )


def _same(given: np.ndarray, expected: np.ndarray, sets: bool) -> np.ndarray:
    """Compare answers with gold answers elementwise (label sets when ``sets``)."""
    if sets:
        return np.fromiter(
            (
                isinstance(b, CONTAINERS) and set(a) == set(b)
                for a, b in zip(given, expected, strict=True)
            ),
            dtype=bool,
            count=len(given),
        )
    try:
        codes, _ = pd.factorize(np.concatenate([given.astype(object), expected.astype(object)]))
    except TypeError:
        raise ValueError(
            "gold= holds lists but the answers are single labels; give one label per item."
        ) from None
    return codes[: len(given)] == codes[len(given) :]
