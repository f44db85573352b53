"""Agreement on spans: pairwise F1 between annotators, overall and per label.

For each pair of annotators, on the items both answered, the spans of one are scored against the
spans of the other: precision is the share of B's spans matched by one of A's, recall the share
of A's spans matched by one of B's. In ``"exact"`` mode a match has the same start, end and
label; in ``"overlap"`` mode it has the same label and shares at least one character.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._checks import is_int
from .coding import sort_order
from .data import Answers, group_pairs
from .values import value_kind

SPAN_MODES = ("exact", "overlap")


@dataclass(frozen=True)
class SpanCounts:
    """Per ordered annotator pair ``(b, a)`` and label: b's spans, and how many a matched.

    ``total[b, a, l]`` counts b's spans of label ``l`` on items a also answered;
    ``matched[b, a, l]`` those of them that one of a's spans matches.
    """

    total: np.ndarray
    matched: np.ndarray
    labels: list[Any]
    spans: np.ndarray


def span_counts(answers: Answers, mode: str) -> SpanCounts:
    """Count spans and matches for every ordered pair of annotators."""
    answer, start, end, label, labels = _flatten(answers)
    keep = _first_of_runs(answer, start, end, label)
    answer, start, end, label = answer[keep], start[keep], end[keep], label[keep]
    n_annotators, n_labels = len(answers.annotators), len(labels)
    item, who = answers.item[answer], answers.annotator[answer]

    same = (end, start, label, item) if mode == "exact" else (label, item)
    order = np.lexsort(same)
    group = np.cumsum(_run_starts(order, same)) - 1
    left, right = group_pairs(group)
    s, t = order[left], order[right]
    hit = who[s] != who[t]
    if mode == "overlap":
        hit &= (start[s] < end[t]) & (start[t] < end[s])
    found = np.unique(s[hit] * n_annotators + who[t[hit]])
    s, by = found // n_annotators, found % n_annotators
    cell = (who[s] * n_annotators + by) * n_labels + label[s]
    matched = np.bincount(cell, minlength=n_annotators * n_annotators * n_labels)

    per_answer = np.bincount(answer * n_labels + label, minlength=len(answers) * n_labels)
    per_answer = per_answer.reshape(len(answers), n_labels)
    by_item = np.argsort(answers.item, kind="stable")
    left, right = group_pairs(answers.item[by_item])
    mine, theirs = by_item[left], by_item[right]
    other = mine != theirs
    mine, theirs = mine[other], theirs[other]
    pair = answers.annotator[mine] * n_annotators + answers.annotator[theirs]
    total = np.zeros((n_annotators * n_annotators, n_labels))
    for j in range(n_labels):
        total[:, j] = np.bincount(pair, per_answer[mine, j], minlength=len(total))
    total = total.reshape(n_annotators, n_annotators, n_labels)
    return SpanCounts(
        total,
        matched.reshape(n_annotators, n_annotators, n_labels).astype(np.float64),
        labels,
        np.bincount(label, minlength=n_labels),
    )


def pair_f1(total: np.ndarray, matched: np.ndarray) -> np.ndarray:
    """F1 of each unordered pair ``a < b`` (NaN where neither has a span on shared items).

    Takes ``(A, A, ...)`` arrays; returns ``(A * (A - 1) / 2, ...)``.
    """
    a, b = np.triu_indices(total.shape[0], k=1)
    t_a, t_b, m_a, m_b = total[a, b], total[b, a], matched[a, b], matched[b, a]
    with np.errstate(divide="ignore", invalid="ignore"):
        precision, recall = m_b / t_b, m_a / t_a
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    f1 = np.where((t_a > 0) & (t_b > 0), f1, 0.0)
    return np.where(t_a + t_b > 0, f1, np.nan)


def by_label_table(counts: SpanCounts) -> pd.DataFrame:
    """Per-label F1 averaged over the annotator pairs where it is defined."""
    f1 = pair_f1(counts.total, counts.matched)
    defined = ~np.isnan(f1)
    pairs = defined.sum(axis=0)
    with np.errstate(invalid="ignore"):
        mean = np.where(pairs > 0, np.where(defined, f1, 0).sum(axis=0) / pairs, np.nan)
    return pd.DataFrame(
        {"f1": mean, "pairs": pairs.astype(np.int64), "spans": counts.spans.astype(np.int64)},
        index=pd.Index(counts.labels, name="label", dtype=object),
    )


def _flatten(
    answers: Answers,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[Any]]:
    values = answers.value.to_numpy()
    kind = value_kind(answers.value)
    if kind != "spans" and not (kind == "set" and all(len(v) == 0 for v in values)):
        raise ValueError(
            "span_agreement needs span answers: lists of dicts {'start', 'end', 'label'} "
            f"(an empty list for no spans), but the answers are of kind {kind!r}."
        )
    sizes = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    flat = [span for spans in values for span in spans]
    try:
        start = np.array([span["start"] for span in flat], dtype=object)
        end = np.array([span["end"] for span in flat], dtype=object)
        found = [span["label"] for span in flat]
    except (KeyError, TypeError, IndexError):
        fields = {"start", "end", "label"}
        bad = next(s for s in flat if not isinstance(s, dict) or not fields <= s.keys())
        raise ValueError(
            f"a span is {bad!r}; every span is a dict with 'start', 'end' and 'label'."
        ) from None
    if not all(is_int(x) for x in (*start, *end)):
        raise ValueError("span 'start' and 'end' must be integers (Python code-point offsets).")
    start, end = start.astype(np.int64), end.astype(np.int64)
    if ((start < 0) | (end <= start)).any():
        at = int(np.flatnonzero((start < 0) | (end <= start))[0])
        raise ValueError(
            f"a span has start={start[at]} and end={end[at]}; spans need 0 <= start < end."
        )
    codes, uniques = pd.factorize(pd.Series(found, dtype=object))
    order = sort_order(list(uniques))[0]
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    answer = np.repeat(np.arange(len(values)), sizes)
    return answer, start, end, rank[codes], [uniques[i] for i in order]


def _first_of_runs(*keys: np.ndarray) -> np.ndarray:
    """Positions of one row of each set of identical rows."""
    order = np.lexsort(keys)
    return order[_run_starts(order, keys)]


def _run_starts(order: np.ndarray, keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """Mark where a run of identical rows starts once the rows are taken in ``order``."""
    first = np.zeros(len(order), dtype=bool)
    first[:1] = True
    for key in keys:
        ordered = key[order]
        first[1:] |= ordered[1:] != ordered[:-1]
    return first
