"""Feedback to an annotator: their answers a reviewer overruled, and the gold items they missed.

The quality loop closes when annotators see where they went wrong: an adjudication that settled
an item otherwise than they answered (with the reviewer's comment — the place to quote the
guideline passage), and gold items answered wrongly (with the gold explanation).
:meth:`nblabel.Project.feedback` passes a project's data.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .gold import GoldSet
from .ledger import CurrentAnswers, decision, value_key

#: Columns of :func:`feedback_table`.
FEEDBACK_COLUMNS = ("item", "kind", "answer", "correct", "by", "comment", "at")


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
        ``comment`` (the reviewer's comment, or the gold explanation) and ``at`` (when it
        was decided; None for gold).
    """
    times = events.set_index("event_id")["created_at"]
    rows: list[tuple[Any, ...]] = []
    mine = current[(current["event"] == "label") & (current["source"] == "human")]
    for row in mine.itertuples(index=False):
        pos = int(row.position)
        if pos < 0:
            continue
        item_answers = answers.of(pos)
        decided = decision(item_answers)
        if decided is not None and value_key(decided.value) != value_key(row.value):
            reviewer = next(name for name, a in item_answers.items() if a == decided)
            rows.append((row.item, "overruled", row.value, decided.value, reviewer,
                         decided.comment, times.get(decided.event_id)))
        if gold is not None and pos in gold:
            expected = gold.expected[pos]
            if value_key(expected) != value_key(row.value):
                rows.append((row.item, "missed gold", row.value, expected, "gold",
                             gold.explanations.get(pos), None))
    table = pd.DataFrame(rows, columns=list(FEEDBACK_COLUMNS))
    return table.sort_values("at", ascending=False, na_position="last", kind="stable").reset_index(
        drop=True
    )
