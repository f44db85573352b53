"""Feedback to an annotator: their answers a reviewer overruled, and the gold items they missed.

The quality loop closes when annotators see where they went wrong: an adjudication that settled
an item otherwise than they answered (with the reviewer's comment and the guideline passage the
decision cites, as stored with it), and gold items answered wrongly (with the gold explanation).
The rule is written once, per item (:func:`feedback_on`): :func:`feedback_table` applies it to
every answer for :meth:`nblabel.Project.feedback`, and the labeling view applies it to the items
that change (:mod:`nblabel.session.feedback`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import pandas as pd

from ._guidelines import Passage
from .gold import GoldSet
from .ledger import CurrentAnswers, decision, value_key

#: Columns of :func:`feedback_table`.
FEEDBACK_COLUMNS = ("item", "kind", "answer", "correct", "by", "comment", "passage", "at")


class Miss(NamedTuple):
    """One way an answer went wrong: overruled by a decision, or a gold item missed."""

    kind: str
    """``"overruled"`` or ``"missed gold"``."""
    correct: Any
    """The decision, or the gold answer."""
    by: str
    """The reviewer, or ``"gold"``."""
    comment: str | None
    """The reviewer's comment, or the gold explanation."""
    event_id: int | None
    """The decision's event id (None for gold)."""
    passage: Passage | None = None
    """The guideline passage the decision cites, as it was when cited (None: none, or gold)."""


def feedback_on(
    pos: int,
    annotator: str,
    answers: CurrentAnswers,
    gold: GoldSet | None,
    meta_of: Callable[[int], Any] | None = None,
) -> list[Miss]:
    """Return how ``annotator``'s current answer to the item at ``pos`` went wrong (often none).

    Only their own labels (``source="human"``) are judged: a skip, a retracted answer or a
    reviewer's decision has no feedback. ``meta_of`` returns an event's details by id (e.g.
    ``EventLog.meta_of``), where a decision keeps the passage it cites; without it, misses
    carry no passage.
    """
    item_answers = answers.of(pos)
    mine = item_answers.get(annotator)
    if mine is None or not mine.is_human_label:
        return []
    misses = []
    decided = decision(item_answers)
    if decided is not None and value_key(decided.value) != value_key(mine.value):
        reviewer = next(name for name, a in item_answers.items() if a == decided)
        passage = None if meta_of is None else Passage.from_meta(meta_of(decided.event_id))
        misses.append(Miss("overruled", decided.value, reviewer, decided.comment,
                           decided.event_id, passage))
    if gold is not None and pos in gold:
        expected = gold.expected[pos]
        if value_key(expected) != value_key(mine.value):
            misses.append(Miss("missed gold", expected, "gold", gold.explanations.get(pos), None))
    return misses


def feedback_table(
    annotator: str,
    current: pd.DataFrame,
    answers: CurrentAnswers,
    events: pd.DataFrame,
    gold: GoldSet | None,
) -> pd.DataFrame:
    """Return ``annotator``'s answers that were overruled or missed a gold item, newest first.

    Parameters
    ----------
    annotator : str
        Whose feedback.
    current : pandas.DataFrame
        Their current answers, with row ``position`` (``EventLog.current(annotator)``).
    answers : CurrentAnswers
        Everyone's current answers per item (for the reviewers' decisions).
    events : pandas.DataFrame
        The event log (for the time of a decision).
    gold : GoldSet or None
        The project's gold items.

    Returns
    -------
    pandas.DataFrame
        ``item``, ``kind`` (``"overruled"`` or ``"missed gold"``), ``answer`` (theirs),
        ``correct`` (the decision or the gold answer), ``by`` (the reviewer, or ``"gold"``),
        ``comment`` (the reviewer's comment, or the gold explanation), ``passage`` (the
        :class:`nblabel.Passage` of the guideline the decision cites, as cited; None when it
        cites none) and ``at`` (when it was decided; None for gold).
    """
    by_id = events.set_index("event_id")
    times, metas = by_id["created_at"], by_id["meta"]
    rows: list[tuple[Any, ...]] = []
    mine = current[(current["event"] == "label") & (current["source"] == "human")]
    for row in mine.itertuples(index=False):
        pos = int(row.position)
        if pos < 0:
            continue
        for miss in feedback_on(pos, annotator, answers, gold, metas.get):
            at = None if miss.event_id is None else times.get(miss.event_id)
            rows.append((row.item, miss.kind, row.value, miss.correct, miss.by, miss.comment,
                         miss.passage, at))
    table = pd.DataFrame(rows, columns=list(FEEDBACK_COLUMNS))
    return table.sort_values("at", ascending=False, na_position="last", kind="stable").reset_index(
        drop=True
    )
