"""Adjudication: a reviewer settles the items annotators disagreed on, one by one.

:meth:`nblabel.Project.review` opens the task's own labeling view for a reviewer, fed with the
items that need a decision — answers that differ, a weak majority, or answers marked unsure —
and shows everyone's answer beside the item. The reviewer picks one of them (Shift + its number)
or gives a new answer with the usual keys, and may comment and cite a passage of the guideline
(by its heading); the decision is stored as an event with ``source="adjudicated"`` by the
reviewer, with the annotator picked and the passage cited in its details, and the consensus
labels of the project follow it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from .._guidelines import cite
from .._payload import Buffers
from ..ledger import CurrentAnswer, CurrentAnswers, EventLog, value_key
from ..queue import Queue
from .annotator import AnnotatorSession, RejectedAnswer
from .context import ProjectContext

#: Reasons an item needs review, as accepted by ``Project.review(which=...)``.
REASONS = ("disagreement", "low_confidence", "flagged")


def needs_review(
    answers: CurrentAnswers, order: np.ndarray, which: Sequence[str], threshold: float
) -> list[int]:
    """Return the row positions to review, in ``order`` (the project's queue order).

    Only answers from people (``source="human"``) count. ``disagreement``: two or more
    answers that are not all the same;
    ``low_confidence``: the most common answer has less than ``threshold`` of the votes;
    ``flagged``: some annotator marked their answer unsure. Items someone already
    adjudicated are left out.
    """
    chosen: set[int] = set()
    for pos, item_answers in answers.items():
        if any(answer.source == "adjudicated" for answer in item_answers.values()):
            continue
        human = [answer for answer in item_answers.values() if answer.is_human_label]
        if not human:
            continue
        votes = Counter(value_key(answer.value) for answer in human)
        share = votes.most_common(1)[0][1] / len(human)
        if (
            ("disagreement" in which and len(human) >= 2 and len(votes) > 1)
            or ("low_confidence" in which and len(human) >= 2 and share < threshold)
            or ("flagged" in which and any(answer.flag for answer in human))
        ):
            chosen.add(pos)
    return [int(pos) for pos in order[np.isin(order, list(chosen))]]


def _reviewed(log: EventLog, annotator: str, answer: CurrentAnswer) -> dict[str, Any]:
    """Return one annotator's answer as the review panel shows it, with its details if any."""
    shown = {
        "annotator": annotator, "value": answer.value, "flag": answer.flag,
        "comment": answer.comment,
    }
    meta = log.meta_of(answer.event_id)
    if meta:
        shown["meta"] = meta
    return shown


class ReviewSession(AnnotatorSession):
    """A reviewer's session: the items to settle, with everyone's answers in each payload.

    A ``blind`` session shows the answers without who gave them ("answer 1", "answer 2", in
    the order they were given); a pick names the alias, and the decision records the
    annotator picked, as an open session's does.
    """

    source = "adjudicated"
    #: Whether the reviewer sees the answers without their annotators' names.
    blind = False

    def __init__(
        self,
        context: ProjectContext,
        reviewer: str,
        item_view: Callable[[Any, Any, Buffers], dict[str, Any]],
        window: int,
        positions: list[int],
    ) -> None:
        super().__init__(context, reviewer, item_view, window)
        self.cursor = Queue.of(context.n_items, positions).cursor()
        self.review_total = len(positions) + len(self.answers)

    def _top_up(self) -> list[int]:
        taken = set(self.sent)
        wanted = self.window - len(self.sent)
        new = self.cursor.take(max(0, wanted), lambda p: p not in self.answers and p not in taken)
        self.sent.extend(new)
        return new

    def _exhausted(self) -> bool:
        return self.cursor.exhausted

    def _payload(self, pos: int, buffers: Buffers) -> dict[str, Any]:
        payload = super()._payload(pos, buffers)
        log = self.context.ledger.log
        payload["review"] = [
            _reviewed(log, self._shown_as(pos, annotator), answer)
            for annotator, answer in self._reviewed_answers(pos)
        ]
        return payload

    def _reviewed_answers(self, pos: int) -> list[tuple[str, CurrentAnswer]]:
        """Return the answers to settle on ``pos``, oldest first (no decisions, no skips)."""
        answers: Mapping[str, CurrentAnswer] = self.context.ledger.answers.of(pos)
        return [
            (annotator, answer)
            for annotator, answer in sorted(answers.items(), key=lambda kv: kv[1].event_id)
            if answer.source != "adjudicated" and answer.is_label
        ]

    def _shown_as(self, pos: int, annotator: str) -> str:
        """Return how the reviewer sees ``annotator``: their name, or "answer N" when blind."""
        if not self.blind:
            return annotator
        names = [name for name, _ in self._reviewed_answers(pos)]
        return f"answer {names.index(annotator) + 1}"

    def _answer_meta(
        self, message: dict[str, Any], pos: int, meta: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        details = dict(meta or {})
        picked = message.get("picked")
        if picked is not None:
            shown = {self._shown_as(pos, name): name for name, _ in self._reviewed_answers(pos)}
            if not isinstance(picked, str) or picked not in shown:
                raise RejectedAnswer(f"{picked!r} has no answer on this item to pick")
            details["picked"] = shown[picked]
        heading = message.get("passage")
        if heading is not None:
            if message.get("event") != "label" or not isinstance(heading, str):
                raise RejectedAnswer("a decision (a label) cites a passage by its heading")
            try:
                details["passage"] = cite(self.context.task.guidelines, heading).as_meta()
            except ValueError as error:
                raise RejectedAnswer(str(error)) from error
        return details or None

    def progress(self) -> dict[str, Any]:
        """Return the reviewer's counts, with the number of items to review as the total."""
        progress = super().progress()
        progress["total"] = self.review_total
        return progress
