"""Which labels annotators confuse: pairs of labels given to the same item by different people.

Every task kind gets the same table (``label_a``, ``label_b``, ``pairs``, ``share``), most
frequent first: for single labels, two annotators who gave ``a`` and ``b``; for label sets, a
label one gave and the other did not, against a label the other gave instead (``"(none)"``
when they gave none instead); for spans, a span one marked that the other did not mark exactly,
against the label of the other's span over the same text (the same label twice: a boundary
disagreement; ``"(none)"``: the other marked nothing there).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

#: What stands in for "no label" in a confused pair.
NONE = "(none)"


def label_confusions(current: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """Count annotator pairs that gave two different single labels to the same item."""
    counts = pd.crosstab(current["item"], current["value"]).reindex(columns=labels, fill_value=0)
    matrix = counts.to_numpy(dtype=np.int64)
    pairs = matrix.T @ matrix
    a, b = np.triu_indices(len(labels), k=1)
    table = pd.DataFrame(
        {"label_a": np.asarray(labels)[a], "label_b": np.asarray(labels)[b], "pairs": pairs[a, b]}
    )
    table = table[table["pairs"] > 0].sort_values("pairs", ascending=False, kind="stable")
    return _shared(table)


def set_confusions(current: pd.DataFrame) -> pd.DataFrame:
    """Count, over annotator pairs of an item, labels of one set that the other swapped."""
    found: Counter[tuple[str, str]] = Counter()
    for answers in _by_item(current):
        for first, second in combinations(answers, 2):
            one, other = set(first) - set(second), set(second) - set(first)
            found.update(_pairs(one, other))
    return _table(found)


def span_confusions(current: pd.DataFrame) -> pd.DataFrame:
    """Count, over annotator pairs of an item, spans that the other marked otherwise."""
    found: Counter[tuple[str, str]] = Counter()
    for answers in _by_item(current):
        for first, second in combinations(answers, 2):
            mine, theirs = _keys(first), _keys(second)
            for span in mine - theirs:
                over = [t for t in theirs - mine if t[0] < span[1] and span[0] < t[1]]
                if over:
                    found.update(_sorted(span[2], t[2]) for t in over)
                else:
                    found[_sorted(span[2], NONE)] += 1
            for span in theirs - mine:
                if not any(s[0] < span[1] and span[0] < s[1] for s in mine - theirs):
                    found[_sorted(span[2], NONE)] += 1
    return _table(found)


def answer_key(value: Any) -> Any:
    """Return a hashable, order-free form of an answer (label sets and spans as tuples)."""
    if isinstance(value, (list, tuple)):
        return tuple(sorted((answer_key(v) for v in value), key=repr))
    if isinstance(value, dict):
        return tuple(sorted(value.items()))
    return value


def _by_item(current: pd.DataFrame) -> list[list[Any]]:
    groups = current.groupby("item", sort=False)["value"]
    return [list(values) for _, values in groups if len(values) > 1]


def _keys(spans: Sequence[Any]) -> set[tuple[int, int, str]]:
    return {(s["start"], s["end"], s["label"]) for s in spans}


def _pairs(one: set[str], other: set[str]) -> list[tuple[str, str]]:
    if one and other:
        return [_sorted(a, b) for a in one for b in other]
    return [_sorted(label, NONE) for label in one | other]


def _sorted(a: str, b: str) -> tuple[str, str]:
    return (a, b) if b == NONE or (a != NONE and a <= b) else (b, a)


def _table(found: Counter[tuple[str, str]]) -> pd.DataFrame:
    table = pd.DataFrame(
        [(a, b, n) for (a, b), n in found.items()], columns=["label_a", "label_b", "pairs"]
    )
    table = table.astype({"pairs": np.int64}).sort_values(
        ["pairs", "label_a", "label_b"], ascending=[False, True, True], kind="stable"
    )
    return _shared(table)


def _shared(table: pd.DataFrame) -> pd.DataFrame:
    """Add each pair's share of all confused pairs."""
    total = table["pairs"].sum()
    return table.assign(share=table["pairs"] / total if total else np.nan).reset_index(drop=True)
