"""Qualification rounds: when an annotator's answers count, and the record of why and when.

Every annotator starts with a round of ``qualify`` gold items and counts once at least
``threshold`` of them are right. A project can send a qualified annotator back for another
round: when they first answer under a new guideline version (``Gold(requalify_on_guideline=
True)``), or when their accuracy over the last ``window`` gold items falls below the threshold
(``Gold(window=...)``). While a round is open (or failed) their answers do not count. The rounds
are derived from the log, so the record is always there: :func:`qualification_rounds`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

#: Columns of :func:`rounds_table`.
ROUND_COLUMNS = ("round", "reason", "started_at", "done", "needed", "correct", "passed", "ended_at")


@dataclass
class Round:
    """One qualification round of one annotator."""

    round: int
    reason: str
    started_at: Any
    done: int = 0
    needed: int = 0
    correct: int = 0
    passed: bool | None = None
    ended_at: Any = None


def qualification_rounds(
    graded: pd.DataFrame,
    answers: pd.DataFrame,
    *,
    qualify: int,
    threshold: float,
    requalify_on_guideline: bool = False,
    window: int = 0,
) -> list[Round]:
    """Return an annotator's qualification rounds, oldest first (the last one is their status).

    Parameters
    ----------
    graded : pandas.DataFrame
        Their answers to gold items with ``event_id``, ``created_at`` and ``correct``.
    answers : pandas.DataFrame
        All their answers with ``event_id``, ``created_at`` and ``guideline`` (for the
        guideline versions they answered under).
    qualify, threshold
        Gold items per round and the share to get right.
    requalify_on_guideline : bool
        A new guideline version starts a new round.
    window : int
        After a round is passed, the gold answers over which accuracy is watched (0: not).
    """
    steps = [(row.event_id, "gold", row) for row in graded.itertuples(index=False)]
    if requalify_on_guideline:
        firsts = answers.sort_values("event_id").drop_duplicates("guideline", keep="first")
        steps += [(row.event_id, "guideline", row)
                  for row in firsts.iloc[1:].itertuples(index=False)]
    steps.sort(key=lambda step: step[0])
    start = answers["created_at"].min() if len(answers) else None
    rounds = [Round(1, "first round", start, needed=qualify)]
    recent: deque[bool] = deque(maxlen=max(window, 1))
    for _, kind, row in steps:
        current = rounds[-1]
        if kind == "guideline":
            rounds.append(_next(rounds, f"new guideline {row.guideline}", row.created_at, qualify))
            recent.clear()
            continue
        if current.passed is None:
            current.done += 1
            current.correct += bool(row.correct)
            if current.done == current.needed:
                current.passed = current.correct >= threshold * current.needed
                current.ended_at = row.created_at
        elif current.passed and window:
            recent.append(bool(row.correct))
            accuracy = sum(recent) / len(recent)
            if len(recent) == window and accuracy < threshold:
                reason = f"gold accuracy {accuracy:.0%} over the last {window} gold items"
                rounds.append(_next(rounds, reason, row.created_at, qualify))
                recent.clear()
    return rounds


def _next(rounds: list[Round], reason: str, at: Any, qualify: int) -> Round:
    return Round(len(rounds) + 1, reason, at, needed=qualify)


def rounds_table(rounds: list[Round]) -> pd.DataFrame:
    """Return the rounds as a table (:data:`ROUND_COLUMNS`)."""
    return pd.DataFrame([asdict(r) for r in rounds], columns=list(ROUND_COLUMNS))
