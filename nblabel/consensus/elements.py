"""Answers that are collections (label sets, spans) settled element by element.

An element (a label of a set, a span) is kept for an item when more than half of the item's
annotators included it; an annotator who answered with an empty collection counts toward the
item's annotators, and exactly half never keeps an element. :func:`nblabel.consensus.span_vote`
and :func:`nblabel.consensus.majority_vote` on label sets both settle by this rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..agreement.data import Answers


def by_majority(
    answers: Answers,
    elements: Callable[[Any, int], Iterable[Hashable]],
    build: Callable[[Any], Any],
) -> pd.DataFrame:
    """Return, per item, the elements more than half of its annotators gave.

    ``elements(answer, at)`` lists the elements of the answer in row ``at`` (raising
    ``ValueError`` naming the row if it is not such an answer); ``build`` turns a kept element
    back into what the answers hold. The table is indexed by item (in order of first
    appearance): ``value`` (the kept elements, sorted), ``support`` (each kept element's share of
    the item's annotators) and ``n`` (the item's number of answers).
    """
    n = np.bincount(answers.item, minlength=len(answers.items))
    votes: list[Counter[Hashable]] = [Counter() for _ in range(len(answers.items))]
    for at, (code, answer) in enumerate(zip(answers.item, answers.value, strict=True)):
        votes[code].update(set(elements(answer, at)))  # an element counts once per answer
    values: list[Any] = []
    support: list[Any] = []
    for counts, total in zip(votes, n.tolist(), strict=True):
        kept = sorted(key for key, count in counts.items() if 2 * count > total)
        values.append([build(key) for key in kept])
        support.append([counts[key] / total for key in kept])
    return pd.DataFrame(
        {"value": _objects(values), "support": _objects(support), "n": n.astype(np.int64)},
        index=answers.items,
    )


def labels_by_majority(answers: Answers) -> pd.DataFrame:
    """Return :func:`by_majority`'s table for label-set answers (multi-label)."""
    return by_majority(answers, _labels, lambda label: label)


def _labels(answer: Any, at: int) -> Iterable[Hashable]:
    if not isinstance(answer, list | tuple):
        raise ValueError(
            f"answer {at} ({answer!r}) is not a list of labels (a multi-label answer)."
        )
    return answer


def _objects(values: list[Any]) -> np.ndarray:
    """Return ``values`` (lists) as a one-dimensional object array, one list per cell."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array
