"""Reading answers for the agreement and consensus statistics.

Every statistic starts here: a tidy ``(item, annotator, value)`` table, a project's event log or a
wide items × annotators frame becomes integer-coded arrays (:class:`Answers`); the frame's
``attrs["labels"]`` (:data:`LABELS_ATTR`; a project's ``annotations`` carry the task's labels
there) is kept as the label order. The caller's frame is only read. Counting helpers shared by
the statistics, and their warning for undefined results, are here too.
"""

from __future__ import annotations

import inspect
import os
import warnings
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from .coding import factorize, factorize_any, factorize_sorted

#: Above this many cells, count tables are built by sorting instead of a dense ``bincount``.
_DENSE_CELLS = 1 << 25
#: The nblabel package's folder: warnings point at the first caller outside it.
_NBLABEL = os.path.dirname(os.path.dirname(__file__)) + os.sep

CONTAINERS = (list, tuple, np.ndarray, set, frozenset)

#: Key of ``DataFrame.attrs`` that gives the label order when ``labels=`` is not passed: a list
#: of labels, in order (``Project.annotations`` of a single-label ``Classify`` task sets it to the
#: task's labels). Ignored unless it is a list or tuple of distinct labels that includes every
#: value used.
LABELS_ATTR = "labels"


class AgreementWarning(UserWarning):
    """An agreement statistic is undefined for the data given; the result is NaN.

    Raised as a warning (not an error) because it is a normal state of a pilot in progress: no
    item has two answers yet, or every answer so far uses the same label.
    """


@dataclass(frozen=True)
class Answers:
    """One current answer per (item, annotator), as parallel arrays.

    ``item`` and ``annotator`` are integer codes into ``items`` and ``annotators`` (read-only:
    they may share memory with the caller's frame); ``value`` holds the answers themselves (row
    order of the input is kept). ``label_order`` is the label order the input frame carried (its
    ``attrs["labels"]``), if any. ``every_annotator`` says that every one of ``annotators`` is
    known to have answers (true when read from a frame).
    """

    item: np.ndarray
    annotator: np.ndarray
    value: pd.Series
    items: pd.Index
    annotators: pd.Index
    label_order: tuple[Any, ...] | None = None
    every_annotator: bool = False

    def __len__(self) -> int:
        return len(self.item)

    def select(self, mask: np.ndarray) -> Answers:
        """Return the answers where ``mask`` is true (codes keep their meaning)."""
        return Answers(
            self.item[mask],
            self.annotator[mask],
            self.value[mask].reset_index(drop=True),
            self.items,
            self.annotators,
            self.label_order,
        )

    def present_annotators(self) -> np.ndarray:
        """Codes of the annotators that have at least one answer."""
        if self.every_annotator:
            return np.arange(len(self.annotators))
        return np.flatnonzero(np.bincount(self.annotator, minlength=len(self.annotators)))

    def to_frame(self) -> pd.DataFrame:
        """Return the answers as a tidy ``item``, ``annotator``, ``value`` frame.

        A ``label_order`` is carried over as the frame's ``attrs["labels"]``.
        """
        frame = pd.DataFrame(
            {
                "item": self.items.take(self.item),
                "annotator": self.annotators.take(self.annotator),
                "value": self.value.to_numpy(),
            }
        )
        if self.label_order is not None:
            frame.attrs[LABELS_ATTR] = list(self.label_order)
        return frame


# -- reading ---------------------------------------------------------------------------------
def read_answers(
    df: Any,
    item: str | None = None,
    annotator: str | None = None,
    value: str | None = None,
    *,
    first_seen: bool = True,
) -> Answers:
    """Read a tidy table, an event log or a wide frame into :class:`Answers`.

    A frame with an ``event`` column is a project's event log: each annotator's current answer
    per item is their latest event there, kept only if it is a ``label`` event. The frame's
    ``attrs["labels"]`` (:data:`LABELS_ATTR`), if any, is kept as the label order. Items are
    numbered in order of first appearance (a wide frame's: its rows'), or with ``first_seen``
    false, in whichever order is cheapest, for statistics that do not list items.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(
            "expected a pandas DataFrame of answers (columns item, annotator, value, one row "
            f"per answer; or items × annotators), got {type(df).__name__}."
        )
    names = {"item": item, "annotator": annotator, "value": value}
    for role, name in names.items():
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{role}= must be a column name (str), got {type(name).__name__}.")
    columns = {role: name or role for role, name in names.items()}
    if len(set(columns.values())) < 3:
        raise ValueError(
            f"item=, annotator= and value= must name three different columns, got {columns}."
        )
    present = [name for name in columns.values() if name in df.columns]
    explicit = any(name is not None for name in names.values())
    if len(present) == 3:
        return _with_label_order(_read_tidy(df, columns, first_seen), df)
    if not present and not explicit:
        return _with_label_order(_read_wide(df), df)
    missing = [name for name in columns.values() if name not in df.columns]
    raise ValueError(
        f"the answers table has no column(s) {missing} (columns: {list(df.columns)[:12]}). "
        "Pass item=, annotator= and value= to name the columns of a tidy table, or pass a wide "
        "frame with one row per item and one column per annotator (NaN where missing)."
    )


def _with_label_order(answers: Answers, df: pd.DataFrame) -> Answers:
    """Attach the label order carried by ``df.attrs["labels"]``, if it is a usable one."""
    hint = df.attrs.get(LABELS_ATTR)
    if not isinstance(hint, (list, tuple)) or not hint:
        return answers
    try:
        distinct = len(set(hint)) == len(hint)
    except TypeError:  # unhashable entries: not a list of labels
        return answers
    if not distinct or any(isinstance(label, (*CONTAINERS, dict)) for label in hint):
        return answers
    return replace(answers, label_order=tuple(hint))


def _read_tidy(df: pd.DataFrame, columns: dict[str, str], first_seen: bool) -> Answers:
    item, annotator, value = columns["item"], columns["annotator"], columns["value"]
    frame = df[[item, annotator, value]]
    if "event" in df.columns:
        frame = current_answers(df, item, annotator, value)
    for role in ("item", "annotator"):
        if frame[columns[role]].isna().any():
            raise ValueError(
                f"column {columns[role]!r} has missing values; every answer needs its {role}."
            )
    answered = frame[value].notna().to_numpy()
    if not answered.all():
        frame = frame[answered]
    if len(frame) == 0:
        raise ValueError("the answers table has no answers (every value is missing).")
    item_code, items = (factorize if first_seen else factorize_any)(frame[item])
    annotator_code, annotators, _ = factorize_sorted(frame[annotator])
    answers = Answers(
        item_code,
        annotator_code,
        frame[value].reset_index(drop=True),
        pd.Index(items, name=item),
        pd.Index(annotators, name=annotator),
        every_annotator=True,
    )
    _check_unique_pairs(answers, item, annotator)
    return answers


def current_answers(df: pd.DataFrame, item: str, annotator: str, value: str) -> pd.DataFrame:
    """Reduce an event log to current answers: each pair's latest event, kept if a label."""
    events = df[[item, annotator, value, "event"]]
    if "event_id" in df.columns:
        events = events.iloc[np.argsort(df["event_id"].to_numpy(), kind="stable")]
    latest = events.drop_duplicates([item, annotator], keep="last")
    return latest.loc[(latest["event"] == "label").to_numpy(), [item, annotator, value]]


def _read_wide(df: pd.DataFrame) -> Answers:
    if df.shape[1] == 0 or df.shape[0] == 0:
        raise ValueError(
            "the answers frame is empty. Pass a tidy table (columns item, annotator, value) or "
            "a wide frame with one row per item and one column per annotator."
        )
    if not df.index.is_unique:
        dup = plain(df.index[df.index.duplicated()][0])
        raise ValueError(
            f"the wide frame's index repeats item {dup!r}; a wide frame needs one row per item "
            "(or pass a tidy table with columns item, annotator, value)."
        )
    if not df.columns.is_unique:
        dup = plain(df.columns[df.columns.duplicated()][0])
        raise ValueError(f"the wide frame repeats the annotator column {dup!r}.")
    answered = df.notna().to_numpy()
    rows, cols = np.nonzero(answered)
    if len(rows) == 0:
        raise ValueError("the answers frame has no answers (every cell is missing).")
    values = df.to_numpy()[answered]
    has_item, has_annotator = answered.any(axis=1), answered.any(axis=0)
    return Answers(
        _compact(rows, has_item),
        _compact(cols, has_annotator),
        pd.Series(values),
        pd.Index(df.index[has_item], name=df.index.name or "item"),
        pd.Index(df.columns[has_annotator], name=df.columns.name or "annotator"),
        every_annotator=True,
    )


def _compact(positions: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """Renumber positions into ``kept`` so that only the kept ones count."""
    if kept.all():
        return positions.astype(np.int64, copy=False)
    return (np.cumsum(kept) - 1)[positions]


def _check_unique_pairs(answers: Answers, item: str, annotator: str) -> None:
    n_annotators = len(answers.annotators)
    key = answers.item * n_annotators + answers.annotator
    if fits_dense(len(answers.items) * n_annotators):
        pairs = np.bincount(key, minlength=len(answers.items) * n_annotators)
        if np.count_nonzero(pairs) == len(key):
            return
        duplicated = np.flatnonzero(pairs > 1)
    else:
        uniq, counts = np.unique(key, return_counts=True)
        duplicated = uniq[counts > 1]
    if len(duplicated):
        first = int(duplicated[0])
        raise ValueError(
            f"{len(duplicated)} (item, annotator) pair(s) have several answers, e.g. item "
            f"{plain(answers.items[first // n_annotators])!r} by "
            f"{plain(answers.annotators[first % n_annotators])!r}. Agreement needs one current "
            f"answer per pair: keep the latest, e.g. df.drop_duplicates([{item!r}, {annotator!r}], "
            "keep='last'), or pass a project's event log (with its 'event' column) as is."
        )


def plain(value: Any) -> Any:
    """Return numpy scalars as Python ones, for readable messages."""
    return value.item() if isinstance(value, np.generic) else value


# -- counting --------------------------------------------------------------------------------
def fits_dense(cells: int) -> bool:
    """Whether a count table of ``cells`` cells is small enough to build densely."""
    return cells <= _DENSE_CELLS


def value_counts(
    item: np.ndarray, code: np.ndarray, n_items: int, n_codes: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count answers per (item, code): return ``item, code, count`` sorted by item then code."""
    key = item * n_codes + code
    if fits_dense(n_items * n_codes):
        counts = np.bincount(key, minlength=n_items * n_codes)
        cells = np.flatnonzero(counts)
        found = counts[cells]
    else:
        cells, found = np.unique(key, return_counts=True)
    item_of, code_of = np.divmod(cells, n_codes)
    return item_of, code_of, found.astype(np.float64)


def group_pairs(group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return all ordered pairs ``(i, j)`` (with ``i == j`` too) of entries in the same group.

    ``group`` must be sorted; the result holds positions into it.
    """
    n = len(group)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    sizes = np.diff(np.r_[starts, n])
    size_of = np.repeat(sizes, sizes)
    left = np.repeat(np.arange(n), size_of)
    offsets = np.arange(len(left)) - np.repeat(np.cumsum(size_of) - size_of, size_of)
    right = np.repeat(np.repeat(starts, sizes), size_of) + offsets
    return left, right


def warn_undefined(reason: str) -> None:
    """Warn (:class:`AgreementWarning`) that a statistic is NaN, and why.

    The warning points at the first caller outside nblabel, i.e. the user's line.
    """
    here = inspect.currentframe()
    frame, level = (here.f_back if here is not None else None), 2
    while (
        frame is not None
        and frame.f_back is not None
        and frame.f_code.co_filename.startswith(_NBLABEL)
    ):
        frame, level = frame.f_back, level + 1
    del here, frame
    warnings.warn(f"{reason}; the result is NaN.", AgreementWarning, stacklevel=level)
