"""What the answers are: kinds of value, and labels coded as categories.

Single-label and multi-label answers become category codes (:class:`Coded`) for the statistics.
Label order, when ``labels=`` is not given: a categorical ``value`` column's categories; else the
answers' carried order (the frame's ``attrs["labels"]``), if it lists every value used; else the
values sorted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .coding import factorize_sorted, sort_codes, sort_key, sort_order
from .data import CONTAINERS, Answers, plain


@dataclass(frozen=True)
class Coded:
    """Answers whose values are categories: a single label, or a set of labels (multi-label).

    ``code`` indexes ``categories``. For single labels, ``categories`` are the labels in their
    order (``ordered`` says whether that order is meaningful, i.e. sortable or given). For sets,
    ``categories`` are the distinct label sets (as sorted tuples) and ``members`` is a boolean
    categories × ``labels`` membership matrix.
    """

    answers: Answers
    code: np.ndarray
    categories: list[Any]
    kind: str
    ordered: bool
    labels: list[Any]
    members: np.ndarray | None

    @property
    def n_categories(self) -> int:
        """Number of categories (labels, or distinct label sets)."""
        return len(self.categories)


def value_kind(values: pd.Series) -> str:
    """Say what the answers are: ``"label"``, ``"set"``, ``"spans"`` or ``"ranking"``.

    Raises ``ValueError`` when answers of different kinds are mixed.
    """
    if values.dtype != object:
        return "label"
    try:
        candidates = pd.unique(values)
    except TypeError:
        candidates = values.to_numpy()
    return _kind_of_all(candidates)


def _kind_of_all(candidates: Any) -> str:
    kinds = {_kind_of(v) for v in candidates}
    structured = kinds - {"label", "empty"}
    if len(structured) > 1 or ("label" in kinds and (structured or "empty" in kinds)):
        raise ValueError(
            f"the answers mix kinds of value ({sorted(kinds)}): a column holds either single "
            "labels, lists of labels (multi-label), lists of span dicts, or rankings (lists of "
            "groups of options)."
        )
    if structured:
        return structured.pop()
    return "set" if "empty" in kinds else "label"


def _kind_of(v: Any) -> str:
    if isinstance(v, dict):
        raise ValueError(
            f"an answer is a single dict ({v!r}); span answers are lists of span dicts "
            '{"start", "end", "label"}.'
        )
    if isinstance(v, (set, frozenset)):
        return "set"
    if not isinstance(v, CONTAINERS):
        return "label"
    if len(v) == 0:
        return "empty"
    first = next(iter(v))
    if isinstance(first, dict):
        return "spans"
    if isinstance(first, CONTAINERS):
        return "ranking"
    return "set"


def code_values(
    answers: Answers,
    labels: Sequence[Any] | None = None,
    *,
    sets: bool,
    caller: str,
) -> Coded:
    """Code single-label (and, if ``sets``, multi-label) answers as categories.

    ``labels`` gives the label order (and must contain every label used); otherwise a
    categorical's categories, else the answers' ``label_order`` if it contains every label used,
    else the labels sorted when they can be.
    """
    values = answers.value
    factorized: tuple[np.ndarray, Any] | None = None
    if values.dtype != object:
        kind = "label"
    else:
        factorized = _factorize_answers(values)
        kind = _kind_of_all(values.to_numpy() if factorized is None else factorized[1])
    if kind == "spans":
        raise ValueError(
            f"{caller} works on labels, but the answers are spans; use span_agreement(df)."
        )
    if kind == "ranking":
        raise ValueError(
            f"{caller} works on labels, but the answers are rankings; use "
            "preference_agreement(df), kendall_w(df) or kendall_tau(df)."
        )
    if kind == "set" and not sets:
        raise ValueError(
            f"{caller} works on single labels, but the answers are lists (multi-label). Use "
            "per_label(df) for per-label binary agreement, or krippendorff_alpha(df) with a set "
            "distance (MASI by default)."
        )
    if kind == "set":
        assert factorized is not None  # label sets are hashable once lists become tuples
        return _code_sets(answers, labels, *factorized)
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype(np.int64)
        uniques: list[Any] = list(values.cat.categories)
        ordered = True
    else:
        codes, found, ordered = (
            factorize_sorted(values) if factorized is None else sort_codes(*factorized)
        )
        uniques = list(found)
        if labels is None:
            labels = _carried_order(answers, uniques)
    if labels is None:
        return Coded(answers, codes, uniques, "label", ordered, uniques, None)
    label_list = _check_labels(labels)
    used = np.flatnonzero(np.bincount(codes, minlength=len(uniques)))
    _check_known([uniques[i] for i in used], label_list)
    at = pd.Index(label_list, dtype=object).get_indexer(pd.Index(uniques, dtype=object))
    return Coded(answers, at[codes].astype(np.int64), label_list, "label", True, label_list, None)


def _factorize_answers(values: pd.Series) -> tuple[np.ndarray, Any] | None:
    """Factorize answers of an object column, lists read as tuples; None if unhashable still.

    Each distinct answer is then looked at once, not each row (spans, lists of dicts, stay
    unhashable).
    """
    try:
        return pd.factorize(values)
    except TypeError:
        pass
    keys = np.empty(len(values), dtype=object)
    keys[:] = [tuple(v) if isinstance(v, (list, np.ndarray, set)) else v for v in values]
    try:
        return pd.factorize(keys)
    except TypeError:
        return None


def _code_sets(
    answers: Answers, labels: Sequence[Any] | None, codes: np.ndarray, answered: Any
) -> Coded:
    """Code label sets; ``codes`` index ``answered``, the distinct answers (any containers)."""
    keys = np.empty(len(answered), dtype=object)
    keys[:] = [frozenset(v) for v in answered]
    same, uniques = pd.factorize(keys)
    codes = same[codes]
    used = sorted(set().union(*uniques), key=sort_key)
    if labels is None:
        labels = _carried_order(answers, used)
    if labels is None:
        label_list = used
        ordered = sort_order(used)[1]
    else:
        label_list = _check_labels(labels)
        _check_known(used, label_list)
        ordered = True
    position = {label: i for i, label in enumerate(label_list)}
    members = np.zeros((len(uniques), len(label_list)), dtype=bool)
    for row, members_of in enumerate(uniques):
        members[row, [position[label] for label in members_of]] = True
    categories = [tuple(label_list[j] for j in np.flatnonzero(row)) for row in members]
    return Coded(answers, codes.astype(np.int64), categories, "set", ordered, label_list, members)


def _carried_order(answers: Answers, used: Sequence[Any]) -> list[Any] | None:
    """Return the answers' ``label_order`` if it contains every label used, else None."""
    if answers.label_order is None:
        return None
    known = pd.Index(answers.label_order, dtype=object)
    if (known.get_indexer(pd.Index(list(used), dtype=object)) < 0).any():
        return None
    return list(answers.label_order)


def _check_labels(labels: Sequence[Any]) -> list[Any]:
    if isinstance(labels, (str, bytes)) or not hasattr(labels, "__iter__"):
        raise TypeError(f"labels= must be a list of labels, got {labels!r}.")
    label_list = list(labels)
    if len(set(label_list)) != len(label_list):
        raise ValueError(f"labels= repeats a label: {label_list}.")
    return label_list


def _check_known(used: Sequence[Any], labels: list[Any]) -> None:
    known = set(labels)
    unknown = [plain(v) for v in used if v not in known]
    if unknown:
        raise ValueError(
            f"the answers use value(s) {unknown[:10]} that are not in labels={labels}; "
            "add them to labels= (or leave labels= out to use the observed values)."
        )
